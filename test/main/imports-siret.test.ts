import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { companyInput, localDate, type ImportReport } from '../../src-main/contract';
import { createCompany } from '../../src-main/domain/companies/service';
import type { ContactBatchTuning } from '../../src-main/domain/imports/contact-batch';
import { createFastNormaliser } from '../../src-main/domain/imports/contact-fast';
import { normaliseContact } from '../../src-main/domain/imports/contacts';
import { runImport } from '../../src-main/domain/imports/service';
import { undoImport } from '../../src-main/domain/imports/undo';
import type { Store } from '../../src-main/store/db';
import { openClient, openStore, tempDir } from './helpers';

/**
 * The SIRET / SIREN column of a contacts file: the company is found by its
 * number first, then by name, else created with the number; a number alone
 * must name a known company. Both ways through the importer (the fast
 * normaliser with batched writes, and the schema row by row) agree.
 */

/** Luhn written out here, independently of the app's check. */
const luhnDigit = (body: string): string => {
  for (let d = 0; d <= 9; d++) {
    const digits = body + String(d);
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let n = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) n = n * 2 > 9 ? n * 2 - 9 : n * 2;
      sum += n;
    }
    if (sum % 10 === 0) return String(d);
  }
  throw new Error('unreachable');
};
const siret = (body13: string): string => body13 + luhnDigit(body13);
const spaced = (s: string): string => `${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6, 9)} ${s.slice(9)}`;

const SIREN_A = `73282932${luhnDigit('73282932')}`;
const S1 = siret(`${SIREN_A}0007`);
const S2 = siret('5520817190001');
const S3 = siret('4430619330002');
const S4 = siret('8011234560001');
const S5 = siret('3960281390003');
const BAD = '123 456 789 00012';

const ROW_BY_ROW: Partial<ContactBatchTuning> = { shortcuts: false };
const FAST: Partial<ContactBatchTuning> = { shortcuts: true, batchRows: 3 };

type CompanyRow = { id: number; name: string; siren: string | null; siret: string | null };

const companies = (store: Store): CompanyRow[] =>
  store.sqlite.prepare('SELECT id, name, siren, siret FROM companies ORDER BY id').all() as CompanyRow[];

/** Each contact's last name with the company it is linked to (by name and number, not id). */
const links = (store: Store): [string, string | null, string | null][] =>
  (
    store.sqlite
      .prepare('SELECT c.last_name, co.name, co.siret FROM contacts c LEFT JOIN companies co ON co.id = c.company_id ORDER BY c.last_name')
      .raw()
      .all() as [string, string | null, string | null][]
  );

/** The base a shop already has: one company with a SIRET, one without, one whose name another file row shares. */
const seed = (store: Store): void => {
  createCompany(store, companyInput.parse({ name: 'Boulangerie Martin', siret: S1 }));
  createCompany(store, companyInput.parse({ name: 'Garage Dupuis' }));
  createCompany(store, companyInput.parse({ name: 'Fleurs & Co', siret: S2 }));
};

const write = (dir: string, name: string, lines: string[]): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`, 'utf8');
  return file;
};

const HEADER = 'Prénom;Nom;Société;SIRET;E-mail';
const goodFile = (dir: string): string =>
  write(dir, 'clients-siret.csv', [
    HEADER,
    // by SIRET, written with spaces, although the name differs
    `Jean;Alpha;Autre nom;${spaced(S1)};jean@exemple.fr`,
    // unknown SIRET, name of a company without one: that company
    `Paul;Beta;Garage Dupuis;${S3};paul@exemple.fr`,
    // unknown SIRET, unknown name: created with its SIRET and SIREN
    `Zoé;Gamma;Nouvelle SARL;${S4};zoe@exemple.fr`,
    // the SIRET alone, brought by the row above
    `Anne;Delta;;${S4};anne@exemple.fr`,
    // the SIRET alone, of a company in the base
    `Luc;Epsilon;;${S1};luc@exemple.fr`,
    // same name as a company with another SIRET: another establishment
    `Marc;Zeta;Fleurs & Co;${S5};marc@exemple.fr`,
    // no number: by name, as before
    'Ève;Eta;Garage Dupuis;;eve@exemple.fr',
    // a SIREN: the firm's establishment
    `Noé;Theta;Autre nom;${SIREN_A};noe@exemple.fr`,
  ]);

const EXPECTED_COMPANIES = (before: CompanyRow[]): Omit<CompanyRow, 'id'>[] => [
  ...before.map(({ name, siren, siret: s }) => ({ name, siren, siret: s })),
  { name: 'Nouvelle SARL', siren: S4.slice(0, 9), siret: S4 },
  { name: 'Fleurs & Co', siren: S5.slice(0, 9), siret: S5 },
];

const EXPECTED_LINKS: [string, string | null, string | null][] = [
  ['Alpha', 'Boulangerie Martin', S1],
  ['Beta', 'Garage Dupuis', null],
  ['Delta', 'Nouvelle SARL', S4],
  ['Epsilon', 'Boulangerie Martin', S1],
  ['Eta', 'Garage Dupuis', null],
  ['Gamma', 'Nouvelle SARL', S4],
  ['Theta', 'Boulangerie Martin', S1],
  ['Zeta', 'Fleurs & Co', S5],
];

const run = (store: Store, file: string, tuning: Partial<ContactBatchTuning>, dryRun = false): Promise<ImportReport> =>
  runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun }, null, tuning);

describe('contact import: SIRET and SIREN', () => {
  it('reads the number the same way in the fast normaliser and the schema', () => {
    const mapping = ['firstName', 'lastName', 'company', 'siret'];
    const fast = createFastNormaliser(mapping);
    for (const cell of [spaced(S1), S1, SIREN_A, `${S4.slice(0, 7)}.${S4.slice(7)}`]) {
      const cells = ['Jean', 'Alpha', 'ACME', cell];
      const slow = normaliseContact(2, cells, mapping);
      const quick = fast.normalise(2, cells, localDate());
      expect(slow.issues).toEqual([]);
      expect(quick?.companyNumber).toEqual(slow.companyNumber);
      expect(slow.companyNumber?.digits).toBe(cell.replace(/[ .]/g, ''));
    }
    const bad = normaliseContact(2, ['Jean', 'Alpha', 'ACME', BAD], mapping);
    expect(bad.data).toBeNull();
    // 14 digits with a wrong key: a typo to look for; a count of digits that fits neither: not a number of either kind
    expect(bad.issues).toEqual([{ line: 2, field: 'siret', value: BAD, reason: 'siret_check_digit' }]);
    expect(normaliseContact(2, ['Jean', 'Alpha', 'ACME', '123 456'], mapping).issues).toEqual([
      { line: 2, field: 'siret', value: '123 456', reason: 'invalid_siret' },
    ]);
    expect(fast.normalise(2, ['Jean', 'Alpha', 'ACME', BAD], localDate())).toBeNull();
  });

  for (const [way, tuning] of [
    ['row by row', ROW_BY_ROW],
    ['fast, in batches', FAST],
  ] as const) {
    it(`links by SIRET, then by name, else creates the company; undo gives the base back (${way})`, async () => {
      const dir = tempDir();
      const store = openStore(path.join(dir, 'comptoir.sqlite'));
      seed(store);
      const before = companies(store);
      const file = goodFile(dir);

      const dry = await run(store, file, tuning, true);
      expect(dry).toMatchObject({ dryRun: true, created: 8, errors: [] });
      expect(companies(store)).toEqual(before);

      const r = await run(store, file, tuning);
      expect(r).toMatchObject({ created: 8, updated: 0, merged: 0, skipped: 0, errors: [] });
      expect(companies(store).map(({ name, siren, siret: s }) => ({ name, siren, siret: s }))).toEqual(EXPECTED_COMPANIES(before));
      expect(links(store)).toEqual(EXPECTED_LINKS);
      // found companies are linked, never changed: Garage Dupuis keeps no SIRET
      expect(companies(store).slice(0, before.length)).toEqual(before);

      // importing the same file again finds every company: nothing new
      const again = await run(store, file, tuning);
      expect(again.errors).toEqual([]);
      expect(companies(store)).toHaveLength(before.length + 2);

      await undoImport(store, again.importId ?? 0, null);
      await undoImport(store, r.importId ?? 0, null);
      expect(companies(store)).toEqual(before);
      expect(store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(0);
    });

    it(`reports an invalid number and a number without a company, located, and writes nothing (${way})`, async () => {
      const dir = tempDir();
      const store = openStore(path.join(dir, 'comptoir.sqlite'));
      seed(store);
      const before = companies(store);
      const unknown = siret('9012345670001');
      const file = write(dir, 'clients-erreurs.csv', [
        HEADER,
        `Jean;Alpha;Nouvelle SARL;${S4};jean@exemple.fr`,
        `Paul;Beta;Garage Dupuis;${BAD};paul@exemple.fr`,
        `Zoé;Gamma;;${spaced(unknown)};zoe@exemple.fr`,
        // brought by line 2: fine even though the file will not be written
        `Anne;Delta;;${S4};anne@exemple.fr`,
        `Luc;Epsilon;;${S1};luc@exemple.fr`,
      ]);
      const expected = [
        { line: 3, field: 'siret', value: BAD, reason: 'siret_check_digit' },
        { line: 4, field: 'siret', value: spaced(unknown), reason: 'siret_without_company' },
      ];
      const dry = await run(store, file, tuning, true);
      expect(dry.errors).toEqual(expected);
      const real = await run(store, file, tuning);
      expect(real.errors).toEqual(expected);
      expect(real).toMatchObject({ importId: null, created: 0 });
      expect(companies(store)).toEqual(before);
      expect(store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(0);
    });
  }

  it('runs through the imports.run job with the mapping guessed from the header', async () => {
    const { client, api, dir } = await openClient();
    await api.call('companies.create', { name: 'Boulangerie Martin', siret: spaced(S1) });
    const file = write(dir, 'siret.csv', [HEADER, `Jean;Alpha;;${S1};jean@exemple.fr`, `Zoé;Gamma;Nouvelle SARL;${S4};zoe@exemple.fr`]);
    const preview = await api.call('imports.preview', { kind: 'contacts', path: file });
    expect(preview.mapping).toEqual(['firstName', 'lastName', 'company', 'siret', 'email']);
    expect(preview.sample.map((s) => s.values.siret)).toEqual([S1, S4]);
    const finished = new Promise<unknown>((resolve) => {
      client.onEvent((event, payload) => {
        if (event === 'job.finished') resolve((payload as { result: unknown }).result);
      });
    });
    await api.call('imports.run', { kind: 'contacts', path: file });
    expect(await finished).toMatchObject({ created: 2, errors: [] });
    const page = await api.call('companies.list', { q: S4 });
    expect(page.rows.map((c) => [c.name, c.siren, c.peopleCount])).toEqual([['Nouvelle SARL', S4.slice(0, 9), 1]]);
    const martin = await api.call('companies.list', { q: S1 });
    expect(martin.rows.map((c) => c.peopleCount)).toEqual([1]);
  });
});
