import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../src-main/contract';
import { MAX_QUOTED_CHARS, MAX_REPORTED_ISSUES } from '../../src-main/domain/imports/service';
import { failure, jobResult, openClient, openStore } from './helpers';

type Api = Awaited<ReturnType<typeof openClient>>['api'];

/** A contacts import through the real call, to its end. */
const run = async (api: Api, file: string, options: { dryRun?: boolean; policy?: 'merge' | 'skip' | 'create' } = {}): Promise<ImportReport> =>
  (await jobResult(api, () =>
    api.call('imports.run', { kind: 'contacts', path: file, dryRun: options.dryRun ?? false, policy: options.policy ?? 'merge' }),
  )) as ImportReport;

const csv = (dir: string, name: string, lines: string[]): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
};

/** Who is in the base, as the user would read it back. */
const people = (dbPath: string) =>
  openStore(dbPath)
    .sqlite.prepare('SELECT code, first_name AS firstName, last_name AS lastName, email FROM contacts ORDER BY id')
    .all();

const HEADER = 'Code client;Prénom;Nom;E-mail';
const ELODIE = { code: 'C001', firstName: 'Élodie', lastName: 'Lefèvre', email: 'elodie@example.fr' };

/** A base holding Élodie under the code C001. */
const withElodie = async () => {
  const opened = await openClient();
  await run(opened.api, csv(opened.dir, 'base.csv', [HEADER, 'C001;Élodie;Lefèvre;elodie@example.fr']));
  return opened;
};

describe('a customer code in an import', () => {
  it('is refused on a row that names someone else: another name and no e-mail or phone in common', async () => {
    const { api, dir, dbPath } = await withElodie();
    const file = csv(dir, 'autre.csv', [HEADER, 'C001;Marc;Lambert;marc.lambert@example.fr']);
    for (const dryRun of [true, false]) {
      const r = await run(api, file, { dryRun });
      expect(r.errors).toEqual([{ line: 2, field: 'code', value: 'C001', reason: 'code_taken' }]);
    }
    expect(people(dbPath)).toEqual([ELODIE]);
  });

  it('still updates its holder when the row is plainly that person: same name, or a shared e-mail', async () => {
    const { api, dir, dbPath } = await withElodie();
    // a new address under the same name
    expect(await run(api, csv(dir, 'adresse.csv', [HEADER, 'C001;Élodie;Lefèvre;elodie.l@example.fr']))).toMatchObject({ updated: 1, errors: [] });
    // a married name, with the address she has now
    expect(await run(api, csv(dir, 'nom.csv', [HEADER, 'C001;Élodie;Martin;elodie.l@example.fr']))).toMatchObject({ updated: 1, errors: [] });
    expect(people(dbPath)).toEqual([{ ...ELODIE, lastName: 'Martin', email: 'elodie.l@example.fr' }]);
  });

  it('given twice in one file to two people is refused on the second, which would have overwritten the first', async () => {
    const { api, dir, dbPath } = await openClient();
    const file = csv(dir, 'double.csv', [HEADER, 'C500;Jean;Martin;jm@example.fr', 'C500;Anne;Petit;ap@example.fr']);
    const r = await run(api, file);
    expect(r.errors).toEqual([{ line: 3, field: 'code', value: 'C500', reason: 'code_taken' }]);
    expect(people(dbPath)).toEqual([]);
  });

  it('already held is a located row error under the "create" policy, on every such row, not one refusal of the file', async () => {
    const { api, dir, dbPath } = await withElodie();
    const file = csv(dir, 'create.csv', [HEADER, 'C002;Paul;Roux;paul@example.fr', 'C001;Élodie;Lefèvre;elodie@example.fr', 'C002;Paul;Roux;paul2@example.fr']);
    const r = await run(api, file, { policy: 'create', dryRun: true });
    expect(r.errors).toEqual([
      { line: 3, field: 'code', value: 'C001', reason: 'code_taken' },
      { line: 4, field: 'code', value: 'C002', reason: 'code_taken' },
    ]);
    expect(r.created).toBe(1);
    expect(people(dbPath)).toEqual([ELODIE]);
  });
});

describe('the report of a contacts import', () => {
  it('counts in a dry run what the rows without errors would do, and a real run with errors writes nothing', async () => {
    const { api, dir, dbPath } = await openClient();
    const file = csv(dir, 'mixte.csv', [
      'Code client;Prénom;Nom;E-mail;Ville',
      'C100;Jean;Martin;jm@example.fr;Lyon',
      'C101;Anne;Petit;bad1;Lyon',
      'C103;Luc;Roux;lr@example.fr;Nice',
      'C104;Luc;Roux;bad2;Nice',
      'C105;Léa;Roux;lr3@example.fr;Nice',
      'C106;Marc;Roux;lr4@example.fr;Nice',
    ]);
    const dry = await run(api, file, { dryRun: true });
    expect(dry).toMatchObject({ rows: 6, created: 4, errorCount: 2, errorsTruncated: false });
    expect(dry.errors.map((e) => [e.line, e.reason])).toEqual([
      [3, 'invalid_email'],
      [5, 'invalid_email'],
    ]);
    const real = await run(api, file);
    expect(real).toMatchObject({ rows: 6, created: 0, errorCount: 2 });
    expect(people(dbPath)).toEqual([]);
  });

  it('gives the true number of errors past the listed ones, and quotes a huge cell shortened', async () => {
    const { api, dir } = await openClient();
    const rows = Array.from({ length: 2_500 }, (_, i) => `C${i};Jean;Martin;pas-un-email-${i}`);
    const many = await run(api, csv(dir, 'erreurs.csv', [HEADER, ...rows]), { dryRun: true });
    expect(many).toMatchObject({ rows: 2_500, errorCount: 2_500, errorsTruncated: true });
    expect(many.errors).toHaveLength(MAX_REPORTED_ISSUES);

    const huge = 'x'.repeat(100_000);
    const long = await run(api, csv(dir, 'long.csv', [HEADER, `C1;Jean;${huge};jm@example.fr`]), { dryRun: true });
    expect(long.errors).toEqual([{ line: 2, field: 'lastName', value: `${'x'.repeat(MAX_QUOTED_CHARS - 1)}…`, reason: 'too_long' }]);
  });

  it('refuses once a file whose columns give no name, and a file with a header and no row, writing no history', async () => {
    const { api, dir, dbPath } = await openClient();
    const noName = await failure(run(api, csv(dir, 'inconnu.csv', ['Foo;Bar;Baz', 'a;b;c', 'd;e;f'])));
    expect(noName).toMatchObject({ code: 'VALIDATION', details: { reason: 'name_column_required' } });
    for (const dryRun of [true, false]) {
      const empty = await run(api, csv(dir, 'titres.csv', [HEADER]), { dryRun });
      expect(empty).toMatchObject({ rows: 0, created: 0, errors: [{ line: 1, field: null, value: '', reason: 'no_rows' }] });
    }
    expect(openStore(dbPath).sqlite.prepare('SELECT count(*) FROM imports').pluck().get()).toBe(0);
  });

  it('imports a row short of cells with them empty, and points at it', async () => {
    const { api, dir, dbPath } = await openClient();
    const file = csv(dir, 'courte.csv', ['Code client;Prénom;Nom;E-mail;Ville', 'C1;Jean;Martin;jm@example.fr;Lyon', 'C2;Paul;Durand']);
    const r = await run(api, file);
    expect(r).toMatchObject({ created: 2, errors: [], notices: [{ line: 3, field: null, value: '3', reason: 'short_row' }], noticeLines: { short_row: 1 } });
    expect(people(dbPath)).toEqual([
      { code: 'C1', firstName: 'Jean', lastName: 'Martin', email: 'jm@example.fr' },
      { code: 'C2', firstName: 'Paul', lastName: 'Durand', email: null },
    ]);
  });

  it('counts the lines of each kind of notice past the 1,000 it lists', async () => {
    const { api, dir } = await openClient();
    // 1,200 rows cut short, then 300 whose 4-digit postcode gets its leading 0: 1,500 notices, 1,000 listed
    const rows = [
      ...Array.from({ length: 1_200 }, (_, i) => `C${i};Jean;Martin${i}`),
      ...Array.from({ length: 300 }, (_, i) => `D${i};Paul;Durand${i};;;7500`),
    ];
    const r = await run(api, csv(dir, 'courtes.csv', ['Code client;Prénom;Nom;E-mail;Ville;Code postal', ...rows]), { dryRun: true });
    expect(r).toMatchObject({ rows: 1_500, created: 1_500, errorCount: 0 });
    expect(r.notices).toHaveLength(MAX_REPORTED_ISSUES);
    expect(r.noticeLines).toEqual({ short_row: 1_200, postcode_restored: 300 });
  });

  it('says when it gave a 4-digit postcode its leading 0, on both paths, so a Paris code short of a digit is seen', async () => {
    const { api, dir, dbPath } = await openClient();
    const file = csv(dir, 'cp.csv', ['Nom;Code postal;Ville;Étiquettes', 'Noël;7500;Paris;', 'Arnaud;1000;Bourg-en-Bresse;Ain']);
    const r = await run(api, file);
    expect(r).toMatchObject({ created: 2, errors: [] });
    expect(r.notices).toEqual([
      { line: 2, field: 'postcode', value: '7500', reason: 'postcode_restored' },
      { line: 3, field: 'postcode', value: '1000', reason: 'postcode_restored' },
    ]);
    expect(openStore(dbPath).sqlite.prepare('SELECT postcode FROM contacts ORDER BY id').pluck().all()).toEqual(['07500', '01000']);
  });
});
