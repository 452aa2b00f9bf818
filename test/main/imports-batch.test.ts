import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AppError, checkDuplicatesInput, contactListInput, type ContactListInput, type ImportReport } from '../../src-main/contract';
import { checkDuplicates } from '../../src-main/domain/duplicates/check';
import { listContacts } from '../../src-main/domain/contacts/list';
import { searchIndex, type ContactBatchTuning } from '../../src-main/domain/imports/contact-batch';
import { createKeyDirectory, createKeySet } from '../../src-main/domain/imports/key-set';
import { listImports, runImport } from '../../src-main/domain/imports/service';
import { undoImport } from '../../src-main/domain/imports/undo';
import type { UndoTuning } from '../../src-main/domain/imports/undo-rows';
import type { JobContext } from '../../src-main/host/registry';
import type { Store } from '../../src-main/store/db';
import { openStore, tempDir } from './helpers';

/**
 * The batched import against the row-by-row one (`shortcuts: false`: the
 * schema, the three lookups, `updateContact`, the triggers, every index
 * live), across batch boundaries, set-aside indexes and the base's key set.
 */

/**
 * A deterministic messy file: codes, companies, tags, notes, second e-mails
 * and phones, duplicates near and far; with an opt-in column unless
 * `consent` is false (a new row then goes in with the bulk inserts).
 */
const messyFile = (dir: string, name: string, rows: number, seed: number, tail: string[] = [], consent = true): string => {
  let s = seed >>> 0 || 1;
  const rnd = (): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
  const phone = (): string => `0${pick(['1', '4', '6', '7'])} ${String(Math.floor(rnd() * 1e8)).padStart(8, '0').replace(/(\d\d)(?=\d)/g, '$1 ')}`;
  const header = 'Code client;Civilité;Prénom;Nom;Société;E-mail;E-mail 2;Tél;Portable;CP;Ville;Pays;Date de naissance;Statut;Étiquettes;Remarques;Opt-in email';
  const originals: string[][] = [];
  const lines = [header];
  for (let i = 0; i < rows; i++) {
    let r: string[];
    const of = originals.length > 0 && rnd() < 0.15 ? originals[Math.floor(rnd() * originals.length)]! : null;
    if (of) {
      r = [...of];
      const kind = rnd();
      if (kind < 0.25) r[5] = '';
      else if (kind < 0.45) r[2] = pick(['Jean', 'Zoé', 'Paul']);
      else if (kind < 0.6) [r[6], r[7]] = [`autre${seed}-${i}@exemple.fr`, phone()];
      else if (kind < 0.7) r[15] = `Note ${i % 3}`;
      else if (kind < 0.85 && r[0] !== '') [r[5], r[10], r[9]] = [`code${seed}-${i}@exemple.fr`, 'Lyon', '69001'];
      else r[14] = pick(['VIP', 'Fidèle, vip', 'Noël']);
    } else {
      const first = pick(['Jean', 'Élodie', 'François', 'Zoé', 'Hervé', 'Anaïs', 'Chloé', 'Noël']);
      const last = pick(['Dupont', 'Lefèvre', 'Garçon', 'Œuvray', 'D’Arcy', 'Martin']);
      const [cp, city] = pick([['01000', 'Bourg-en-Bresse'], ['75011', 'Paris'], ['1000', 'Bourg'], ['06000', 'Nice']] as const);
      r = [
        rnd() < 0.3 ? `C${seed}-${i}` : '',
        pick(['', 'M.', 'Mme']),
        first,
        last,
        pick(['', '', '', 'Cœur de Lion SARL', 'EI Léger']),
        rnd() < 0.8 ? `${first}.${last}.${seed}.${i}@exemple.fr`.toLowerCase().normalize('NFD').replace(/[^a-z0-9.@]/g, '') : '',
        rnd() < 0.1 ? `second${seed}-${i}@exemple.fr` : '',
        rnd() < 0.5 ? phone() : '',
        rnd() < 0.5 ? phone() : '',
        cp,
        city,
        pick(['', 'France', 'FR']),
        rnd() < 0.3 ? `${1 + Math.floor(rnd() * 28)}/${1 + Math.floor(rnd() * 12)}/19${50 + Math.floor(rnd() * 49)}` : '',
        pick(['', 'client', 'prospect']),
        pick(['', '', 'VIP', 'VIP, Fidèle', 'Vïp']),
        rnd() < 0.05 ? 'Rappeler' : '',
        rnd() < 0.1 ? 'oui' : '',
      ];
      originals.push(r);
    }
    lines.push((consent ? r : r.slice(0, -1)).join(';'));
  }
  if (!consent) lines[0] = header.slice(0, header.lastIndexOf(';'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, `\uFEFF${[...lines, ...tail].join('\r\n')}\r\n`);
  return file;
};

const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g;

/** Every table row (times blanked), every search-index entry, and the schema. */
const dump = (store: Store): { rows: string[]; index: string[]; schema: string[] } => {
  const db = store.sqlite;
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'contacts_fts%' AND name <> 'schema_migrations' ORDER BY name")
    .pluck()
    .all() as string[];
  const rows = tables.flatMap((t) => (db.prepare(`SELECT * FROM "${t}"`).raw().all() as unknown[]).map((r) => `${t} ${JSON.stringify(r).replace(ISO, 'T')}`));
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_terms USING fts5vocab(main, contacts_fts, instance)');
  const index = (db.prepare('SELECT term, doc, col, offset FROM temp.fts_terms ORDER BY doc, col, offset, term').raw().all() as unknown[]).map((r) => JSON.stringify(r));
  const schema = (db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').raw().all() as unknown[]).map((r) => JSON.stringify(r));
  // the index's own consistency check throws on a damaged index
  db.prepare("INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 0)").run();
  return { rows, index, schema };
};

const job = (onProgress: (done: number, phase: string) => void = () => undefined): JobContext & { cancel(): void } => {
  const controller = new AbortController();
  return {
    jobId: 'test',
    signal: controller.signal,
    progress: (phase, done) => onProgress(done, phase),
    tick: () =>
      new Promise<void>((resolve, reject) =>
        setImmediate(() => (controller.signal.aborted ? reject(new AppError('CANCELLED', 'cancelled')) : resolve())),
      ),
    cancel: () => controller.abort(),
  };
};

/** A file of these lines as Excel writes them (CRLF, a last line break), in `dir`: its path. */
const csvLines = (dir: string, name: string, lines: readonly string[]): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
};

const ROW_BY_ROW: Partial<ContactBatchTuning> = { shortcuts: false };

const importInto = async (
  file: string,
  source: string,
  tuning: Partial<ContactBatchTuning>,
  policy: 'merge' | 'skip' | 'create' = 'merge',
  dryRun = false,
): Promise<{ report: ImportReport; state: ReturnType<typeof dump> }> => {
  const store = openStore(file);
  const report = await runImport(store, { kind: 'contacts', path: source, policy, dryRun }, job(), tuning);
  return { report: { ...report, importId: null }, state: dump(store) };
};

const copyOf = (dir: string, base: string, name: string): string => {
  const target = path.join(dir, name);
  fs.copyFileSync(base, target);
  return target;
};

describe('batched contact import', () => {
  it('writes exactly what the row-by-row import writes, whatever the batches', async () => {
    const dir = tempDir();
    const base = path.join(dir, 'base.sqlite');
    const seedStore = openStore(base);
    await runImport(seedStore, { kind: 'contacts', path: messyFile(dir, 'base.csv', 300, 3), policy: 'merge', dryRun: false }, null, ROW_BY_ROW);
    seedStore.sqlite.close();
    // with an opt-in column every row is written on its own; without, new rows with their lists and tags are queued
    for (const consent of [true, false]) {
      const source = messyFile(dir, `file-${consent}.csv`, 700, 7, [], consent);
      for (const policy of ['merge', 'skip'] as const) {
        const expected = await importInto(copyOf(dir, base, `${policy}-${consent}-slow.sqlite`), source, ROW_BY_ROW, policy);
        expect(expected.report.merged + expected.report.updated + expected.report.skipped).toBeGreaterThan(50);
        const lists = expected.state.rows.filter((r) => /^contact_(emails|phones|tags) /.test(r)).length;
        expect(lists).toBeGreaterThan(300);
        for (const [i, tuning] of [
          {},
          { batchRows: 7, deferIndexesFrom: 1 },
          { batchRows: 1, deferIndexesFrom: 1 },
        ].entries()) {
          const got = await importInto(copyOf(dir, base, `${policy}-${consent}-${i}.sqlite`), source, tuning, policy);
          expect(got.report).toEqual(expected.report);
          expect(got.state.rows).toEqual(expected.state.rows);
          expect(got.state.index).toEqual(expected.state.index);
          expect(got.state.schema).toEqual(expected.state.schema);
        }
      }
    }
  });

  it('fills a contact that many rows bring numbers and tags to up to what a record keeps, names the rest, and adds nothing the second time', async () => {
    const dir = tempDir();
    const phone = (i: number): string => `06 12 34 56 ${String(10 + i)}`;
    const tags = (i: number): string => Array.from({ length: 5 }, (_, k) => `T${i * 5 + k}`).join(', ');
    const rows = Array.from({ length: 14 }, (_, i) => `Martin;Paul;paul@exemple.fr;${phone(i)};${tags(i)}`);
    const source = csvLines(dir, 'many.csv', ['Nom;Prénom;E-mail;Tél;Étiquettes', ...rows]);
    const e164 = (i: number): string => `+3361234 56${String(10 + i)}`.replace(' ', '');
    for (const [name, tuning] of [['row by row', ROW_BY_ROW], ['batched', {}]] as const) {
      const file = path.join(dir, `${name}.sqlite`);
      const first = await importInto(file, source, tuning);
      expect(first.report).toMatchObject({ created: 1, merged: 10, errors: [] });
      expect(first.report.notices).toEqual([
        ...[10, 11, 12, 13].map((i) => ({ line: i + 2, field: 'tags', value: tags(i), reason: 'too_many_tags' })),
        ...[11, 12, 13].map((i) => ({ line: i + 2, field: 'phones', value: e164(i), reason: 'too_many_extras' })),
      ].sort((a, b) => a.line - b.line || a.field.localeCompare(b.field)));
      const db = new BetterSqlite3(file, { readonly: true });
      expect(db.prepare('SELECT phone FROM contact_phones ORDER BY id').pluck().all()).toEqual(Array.from({ length: 10 }, (_, i) => e164(i + 1)));
      expect(db.prepare('SELECT count(*) FROM contact_tags').pluck().get()).toBe(50);
      db.close();
      const again = await importInto(file, source, tuning);
      expect(again.report).toMatchObject({ created: 0, merged: 0, skipped: 14, errors: [] });
      expect(again.state.rows.filter((r) => !r.startsWith('imports ') && !r.startsWith('import_'))).toEqual(
        first.state.rows.filter((r) => !r.startsWith('imports ') && !r.startsWith('import_')),
      );
    }
  });

  it('adds nothing when the same file comes again: a key-less row is found by its identity, a flagged one by the name it holds', async () => {
    const dir = tempDir();
    const lines = ['Prénom;Nom;E-mail;Portable;Adresse;CP;Ville;Date de naissance'];
    lines.push('Alain;Adam;aadam@orange.fr;06 11 11 11 11;;13008;Marseille;');
    // Alain's e-mail under another name: a new contact, flagged
    lines.push('Agnès;Adam;aadam@orange.fr;;;13008;Marseille;');
    // no e-mail, no phone: twice in the file is one contact
    lines.push('Adèle;Adam;;;20 avenue Molière;51100;Reims;');
    lines.push('adele;ADAM;;;20 avenue Molière;51100;Reims;');
    // namesakes told apart by their birth dates, and by a keyed contact's identity: never fused
    lines.push('Jean;Dupont;;;;75011;Paris;01/02/1960');
    lines.push('Jean;Dupont;;;;75011;Paris;03/04/1980');
    lines.push('Jean;Dupont;jean.dupont@exemple.fr;;;75011;Paris;01/02/1960');
    const source = csvLines(dir, 'keyless.csv', lines);
    for (const [i, tuning] of [ROW_BY_ROW, {}, { batchRows: 2, deferIndexesFrom: 1 }].entries()) {
      const store = openStore(path.join(dir, `twice-${i}.sqlite`));
      const first = await runImport(store, { kind: 'contacts', path: source, policy: 'merge', dryRun: false }, job(), tuning);
      expect(first).toMatchObject({ created: 6, merged: 0, skipped: 1, errors: [] });
      expect(first.notices).toContainEqual(expect.objectContaining({ line: 3, reason: 'possible_duplicate' }));
      const contacts = () => store.sqlite.prepare('SELECT * FROM contacts ORDER BY id').raw().all();
      const before = contacts();
      const again = await runImport(store, { kind: 'contacts', path: source, policy: 'merge', dryRun: false }, job(), tuning);
      expect(again).toMatchObject({ created: 0, merged: 0, skipped: 7, errors: [] });
      expect(again.notices).toEqual([]);
      expect(contacts()).toEqual(before);
      store.sqlite.close();
    }
  });

  it('says from its dry run whether the file would change the base: not the same file again, yet its consents on the same people would', async () => {
    const dir = tempDir();
    const people = ['Alain;Adam;aadam@orange.fr', 'Adèle;Martin;adele.martin@free.fr'];
    const plain = csvLines(dir, 'clients.csv', ['Prénom;Nom;E-mail', ...people]);
    // the same two people, with their opt-in and when they gave it: no field to complete, two consents to record
    const withConsent = csvLines(dir, 'optin.csv', ['Prénom;Nom;E-mail;Opt-in email;Date du consentement', ...people.map((p) => `${p};oui;03/02/2025 10:15`)]);
    for (const [i, tuning] of [ROW_BY_ROW, {}, { batchRows: 1, deferIndexesFrom: 1 }].entries()) {
      const store = openStore(path.join(dir, `changes-${i}.sqlite`));
      const run = (file: string, dryRun: boolean) => runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun }, job(), tuning);
      expect(await run(plain, true)).toMatchObject({ created: 2, changesBase: true });
      expect(await run(plain, false)).toMatchObject({ created: 2, changesBase: true });
      expect(await run(plain, true)).toMatchObject({ created: 0, merged: 0, updated: 0, skipped: 2, changesBase: false });
      const events = store.sqlite.prepare('SELECT count(*) FROM consent_events').pluck();
      expect(events.get()).toBe(0);
      // no count says it: the rows are skipped as records, and their consents are what the run writes
      expect(await run(withConsent, true)).toMatchObject({ created: 0, merged: 0, updated: 0, skipped: 2, changesBase: true });
      expect(events.get()).toBe(0);
      expect(await run(withConsent, false)).toMatchObject({ skipped: 2, changesBase: true, errors: [] });
      const recorded = store.sqlite.prepare('SELECT count(DISTINCT contact_id) FROM consent_events').pluck();
      expect(recorded.get()).toBe(2);
      const count = events.get();
      expect(await run(withConsent, true)).toMatchObject({ skipped: 2, changesBase: false });
      expect(await run(withConsent, false)).toMatchObject({ skipped: 2, changesBase: false, errors: [] });
      expect(events.get()).toBe(count);
      // the history: newest first, the run that wrote nothing offers nothing to undo
      expect(listImports(store).map((i) => [i.fileName, i.changedBase])).toEqual([
        ['optin.csv', false],
        ['optin.csv', true],
        ['clients.csv', true],
      ]);
      store.sqlite.close();
    }
  });

  it('adds nothing when a large messy file comes again, batched or row by row', async () => {
    const dir = tempDir();
    const source = messyFile(dir, 'file.csv', 700, 11);
    for (const [i, tuning] of [ROW_BY_ROW, { batchRows: 7, deferIndexesFrom: 1 }].entries()) {
      const store = openStore(path.join(dir, `messy-${i}.sqlite`));
      const first = await runImport(store, { kind: 'contacts', path: source, policy: 'merge', dryRun: false }, job(), tuning);
      expect(first.created).toBeGreaterThan(400);
      const contacts = store.sqlite.prepare('SELECT count(*) FROM contacts').pluck();
      const count = contacts.get();
      const again = await runImport(store, { kind: 'contacts', path: source, policy: 'merge', dryRun: false }, job(), tuning);
      expect(again).toMatchObject({ created: 0, errors: [] });
      expect(contacts.get()).toBe(count);
      store.sqlite.close();
    }
  });

  it('undoes a large import by rebuilding the indexes and the search index over what stays, leaving what a row-by-row delete leaves', async () => {
    const dir = tempDir();
    const base = path.join(dir, 'base.sqlite');
    const seedStore = openStore(base);
    await runImport(seedStore, { kind: 'contacts', path: messyFile(dir, 'base.csv', 300, 3), policy: 'merge', dryRun: false }, null, ROW_BY_ROW);
    const imported = await runImport(seedStore, { kind: 'contacts', path: messyFile(dir, 'file.csv', 700, 7), policy: 'merge', dryRun: false }, null, {});
    expect(imported.created).toBeGreaterThan(2 * 300);
    expect(imported.merged + imported.updated).toBeGreaterThan(0);
    seedStore.sqlite.close();
    const undone = async (name: string, tuning: UndoTuning) => {
      const store = openStore(copyOf(dir, base, name));
      await undoImport(store, imported.importId ?? 0, null, tuning);
      return dump(store);
    };
    const oneByOne = await undone('one-by-one.sqlite', {});
    // ranges of 37 ids: the deletes and the refill of the search index in many steps
    const bulk = await undone('bulk.sqlite', { bulkFrom: 1, chunkIds: 37 });
    expect(bulk.rows).toEqual(oneByOne.rows);
    expect(bulk.index).toEqual(oneByOne.index);
    expect(bulk.schema).toEqual(oneByOne.schema);
    // and that is the base as it was before the import, search index included (the history keeps the import)
    const seeded = openStore(path.join(dir, 'seed-only.sqlite'));
    await runImport(seeded, { kind: 'contacts', path: path.join(dir, 'base.csv'), policy: 'merge', dryRun: false }, null, ROW_BY_ROW);
    const expected = dump(seeded);
    const history = (rows: string[]) => rows.filter((r) => !r.startsWith('imports ') && !r.startsWith('import_changes '));
    expect(history(bulk.rows)).toEqual(history(expected.rows));
    expect(bulk.index).toEqual(expected.index);
  });

  it('undoes as a job: range by range with progress, the list answering in between, and a cancel changes nothing', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'base.sqlite'));
    await runImport(store, { kind: 'contacts', path: messyFile(dir, 'base.csv', 200, 31), policy: 'merge', dryRun: false }, null, ROW_BY_ROW);
    // the list's count of the whole base (null only when a count is not worth it: never here)
    const total = (): number => listContacts(store, contactListInput.parse({})).total ?? -1;
    const stay = total();
    const imported = await runImport(store, { kind: 'contacts', path: messyFile(dir, 'big.csv', 600, 32), policy: 'merge', dryRun: false }, null, {});
    expect(imported.merged + imported.updated).toBeGreaterThan(0);
    const importId = imported.importId ?? 0;
    const before = dump(store);
    const tuning: UndoTuning = { bulkFrom: 1, chunkIds: 40 };

    // cancelled at its fifth yield: everything as it was, the import still in force, the connection as it was
    let ticks = 0;
    const cancelled = job();
    const tick = cancelled.tick;
    cancelled.tick = async () => {
      ticks += 1;
      if (ticks === 5) cancelled.cancel();
      await tick();
    };
    await expect(undoImport(store, importId, cancelled, tuning)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(store.sqlite.inTransaction).toBe(false);
    expect(store.sqlite.pragma('temp_store', { simple: true })).toBe(2);
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(dump(store)).toEqual(before);

    const phases: [string, number][] = [];
    const totals: number[] = [];
    const journals = new Set<unknown>();
    const reading = job((done, phase) => phases.push([phase, done]));
    const next = reading.tick;
    // the host serves other calls while the job yields: the list reads the undo so far
    reading.tick = async () => {
      await next();
      totals.push(total());
      journals.add(store.sqlite.pragma('journal_mode', { simple: true }));
    };
    const record = await undoImport(store, importId, reading, tuning);
    expect(record.undoneAt).not.toBeNull();
    const deleting = phases.filter(([phase]) => phase === 'import.undo.contacts').map(([, done]) => done);
    expect(deleting.length).toBeGreaterThan(5);
    expect(deleting).toEqual([...deleting].sort((a, b) => a - b));
    expect(deleting.at(-1)).toBe(imported.created);
    expect(phases.some(([phase]) => phase === 'import.indexes')).toBe(true);
    expect(phases.filter(([phase]) => phase === 'import.undo.search').length).toBeGreaterThan(1);
    // contacts go range after range, down to those that stay
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
    expect(totals[0]).toBeGreaterThan(stay);
    expect(total()).toBe(stay);
    // a large undo runs under a rollback journal, as a large import does; the write-ahead log comes back
    expect([...journals]).toEqual(['delete']);
    expect(store.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
  });

  it('leaves alone a transaction another job holds: the undo is refused and that transaction goes on', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'base.sqlite'));
    const imported = await runImport(store, { kind: 'contacts', path: messyFile(dir, 'file.csv', 50, 41), policy: 'merge', dryRun: false }, null, {});
    store.sqlite.exec('BEGIN');
    store.sqlite.prepare("INSERT INTO tags (name, folded) VALUES ('autre', 'autre')").run();
    await expect(undoImport(store, imported.importId ?? 0, null)).rejects.toMatchObject({ code: 'BUSY' });
    expect(store.sqlite.inTransaction).toBe(true);
    store.sqlite.exec('COMMIT');
    expect(store.sqlite.prepare("SELECT count(*) FROM tags WHERE name = 'autre'").pluck().get()).toBe(1);
    expect(await undoImport(store, imported.importId ?? 0, null)).toMatchObject({ created: imported.created });
  });

  it('with the e-mail and phone indexes aside, finds a contact by the value it holds now, not one it held earlier in the file', async () => {
    const dir = tempDir();
    const base = path.join(dir, 'base.sqlite');
    const seedStore = openStore(base);
    seedStore.sqlite.exec(`INSERT INTO contacts (first_name, last_name, email, phone, status, source, sort_name, match_name, created_at, updated_at)
      VALUES ('Anne', 'Roux', 'anne@exemple.fr', '+33611111111', 'prospect', 'shop_form', 'roux anne', 'anne roux', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
    seedStore.sqlite.close();
    const lines = ['Code client;Nom;Prénom;E-mail;Portable'];
    lines.push('C1;Lefèvre;Élodie;ancienne@exemple.fr;06 22 22 22 22');
    // the shop's code is authoritative: the e-mail and the mobile change
    lines.push('C1;Lefèvre;Élodie;nouvelle@exemple.fr;06 33 33 33 33');
    // what the contact no longer holds finds nothing; what it holds now, and the base's values, find their holder
    lines.push(';Lefèvre;Élodie;ancienne@exemple.fr;');
    lines.push(';Lefèvre;Élodie;;06 22 22 22 22');
    lines.push(';Lefèvre;Élodie;nouvelle@exemple.fr;');
    lines.push(';Roux;Anne;;06 11 11 11 11');
    lines.push(';Roux;Anne;anne@exemple.fr;06 44 44 44 44');
    const source = csvLines(dir, 'codes.csv', lines);
    const expected = await importInto(copyOf(dir, base, 'slow.sqlite'), source, ROW_BY_ROW);
    expect(expected.report).toMatchObject({ created: 3, updated: 1, merged: 1, skipped: 2, errors: [] });
    const got = await importInto(copyOf(dir, base, 'fast.sqlite'), source, { batchRows: 2, deferIndexesFrom: 1 });
    expect(got.report).toEqual(expected.report);
    expect(got.state).toEqual(expected.state);
  });

  it('goes back to the indexed lookups when another call writes while the import yields', async () => {
    const dir = tempDir();
    const lines = ['Nom;Prénom;E-mail;Portable'];
    for (let i = 0; i < 30; i++) lines.push(`Nom${i};Prénom${i};p${i}@exemple.fr;`);
    // written by the other call after the first batch: found by its e-mail, and given the mobile
    lines.push('Martin;Paul;paul@exemple.fr;06 55 55 55 55');
    const file = csvLines(dir, 'big.csv', lines);
    const store = openStore();
    const db = store.sqlite;
    const keyIndexes = db.prepare("SELECT count(*) FROM sqlite_schema WHERE name IN ('contacts_by_email', 'contacts_by_phone')").pluck();
    const seen: number[] = [];
    const plain = job();
    const writer = {
      ...plain,
      tick: async () => {
        seen.push(keyIndexes.get() as number);
        if (seen.length === 1) {
          db.exec(`INSERT INTO contacts (first_name, last_name, email, status, source, sort_name, match_name, created_at, updated_at)
            VALUES ('Paul', 'Martin', 'paul@exemple.fr', 'prospect', 'shop_form', 'martin paul', 'paul martin', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
        }
        await plain.tick();
      },
    };
    const report = await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: false }, writer, { batchRows: 10, deferIndexesFrom: 1 });
    expect(report).toMatchObject({ rows: 31, created: 30, merged: 1, errors: [] });
    // set aside for the first batch, back from the next one on
    expect(seen[0]).toBe(0);
    expect(seen.slice(1).every((n) => n === 2)).toBe(true);
    expect(db.prepare("SELECT phone FROM contacts WHERE email = 'paul@exemple.fr'").pluck().all()).toEqual(['+33655555555']);
    dump(store);
  });

  it('finds duplicates across batches when the base is too big to read its keys', async () => {
    const dir = tempDir();
    const base = path.join(dir, 'base.sqlite');
    const seedStore = openStore(base);
    await runImport(seedStore, { kind: 'contacts', path: messyFile(dir, 'base.csv', 600, 5), policy: 'merge', dryRun: false }, null);
    seedStore.sqlite.close();
    // 40 rows against ~550 contacts: the file is too small for the key set, every row is looked up
    const source = messyFile(dir, 'small.csv', 40, 5);
    const expected = await importInto(copyOf(dir, base, 'slow.sqlite'), source, ROW_BY_ROW);
    const got = await importInto(copyOf(dir, base, 'fast.sqlite'), source, { batchRows: 3 });
    expect(expected.report.skipped + expected.report.merged + expected.report.updated).toBeGreaterThan(20);
    expect(got.report).toEqual(expected.report);
    expect(got.state).toEqual(expected.state);
  });

  it('merges a contact created in an earlier batch and finds it by what the merge added', async () => {
    const dir = tempDir();
    const lines = ['Nom;Prénom;E-mail;Portable;CP;Ville'];
    lines.push('Lefèvre;Élodie;elodie@exemple.fr;;;');
    for (let i = 0; i < 25; i++) lines.push(`Nom${i};Prénom${i};p${i}@exemple.fr;;75011;Paris`);
    // same e-mail and name two batches later, with a mobile and a town: merged, and searchable by them
    lines.push('Lefèvre;Élodie;elodie@exemple.fr;07 81 00 00 01;01000;Bourg-en-Bresse');
    const file = csvLines(dir, 'later.csv', lines);
    const store = openStore();
    const report = await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: false }, job(), { batchRows: 10, deferIndexesFrom: 1 });
    expect(report).toMatchObject({ rows: 27, created: 26, merged: 1, errors: [] });
    const db = store.sqlite;
    const search = db.prepare('SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?').pluck();
    expect(search.all('"0781000001"')).toEqual([1]);
    expect(search.all('bourg*')).toEqual([1]);
    expect(db.prepare("SELECT value FROM counters WHERE name = 'contacts'").pluck().get()).toBe(26);
    expect(db.prepare('SELECT phone, city FROM contacts WHERE id = 1').get()).toEqual({ phone: '+33781000001', city: 'Bourg-en-Bresse' });
    dump(store);
  });

  it('lets the search index merge less often during a large import, and puts its setting back', async () => {
    const dir = tempDir();
    const lines = ['Nom;Prénom;E-mail;CP;Ville'];
    for (let i = 0; i < 60; i++) lines.push(`Nom${i};Prénom${i};p${i}@exemple.fr;75011;Paris`);
    const file = csvLines(dir, 'big.csv', lines);
    const store = openStore();
    const db = store.sqlite;
    const setting = db.prepare("SELECT v FROM contacts_fts_config WHERE k = 'automerge'").pluck();
    // a user's own setting, kept by imports of every kind
    db.prepare("INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('automerge', 8)").run();
    let during: unknown[] = [];
    const tuning = { batchRows: 10, deferIndexesFrom: 1 };
    const dry = await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: true }, job(), tuning);
    expect(dry.created).toBe(60);
    expect(setting.get()).toBe(8);
    const report = await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: false }, job(() => during.push(setting.get())), tuning);
    expect(report).toMatchObject({ created: 60, errors: [] });
    // 16 while the indexes set aside are rebuilt, 8 again at the last report, after the commit
    expect(during.length).toBeGreaterThan(1);
    expect(during.slice(0, -1).every((v) => v === 16)).toBe(true);
    expect(during.at(-1)).toBe(8);
    // a small import next to the base leaves it alone
    during = [];
    fs.writeFileSync(file, 'Nom;Prénom\r\nSeul;Petit\r\n');
    await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: false }, job(() => during.push(setting.get())), { batchRows: 10 });
    expect(during.every((v) => v === 8)).toBe(true);
    expect(db.prepare('SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH ?').pluck().get('"nom"*')).toBe(60);
    dump(store);
  });

  it('answers the capture form\'s duplicate check while a large import has the name index set aside', async () => {
    const dir = tempDir();
    const lines = ['Nom;Prénom;CP;Ville', 'Lefèvre;Élodie;01000;Bourg-en-Bresse'];
    for (let i = 0; i < 40; i++) lines.push(`Nom${i};Prénom${i};75011;Paris`);
    const file = csvLines(dir, 'big.csv', lines);
    const store = openStore();
    const seen: unknown[] = [];
    const during = job(() => {
      if (seen.length > 0) return;
      expect(store.sqlite.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'contacts_by_match'").pluck().get()).toBe(0);
      seen.push(checkDuplicates(store, checkDuplicatesInput.parse({ firstName: 'Elodie', lastName: 'LEFEVRE', postcode: '01000' })));
    });
    await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: false }, during, { batchRows: 10, deferIndexesFrom: 1 });
    expect(seen).toEqual([[expect.objectContaining({ id: 1, reasons: ['similar_name_same_postcode'] })]]);
  });

  it('rolls everything back, schema included, when the last batch has an error or the import is cancelled', async () => {
    const dir = tempDir();
    const base = path.join(dir, 'base.sqlite');
    const seedStore = openStore(base);
    await runImport(seedStore, { kind: 'contacts', path: messyFile(dir, 'base.csv', 200, 9), policy: 'merge', dryRun: false }, null);
    const before = dump(seedStore);
    const failing = messyFile(dir, 'failing.csv', 500, 11, ['Dernier;;Ligne;;;pas-un-email;;;;01000;Bourg;;;;;;']);
    const tuning = { batchRows: 50, deferIndexesFrom: 1 };
    const report = await runImport(seedStore, { kind: 'contacts', path: failing, policy: 'merge', dryRun: false }, job(), tuning);
    expect(report.errors).toEqual([{ line: 502, field: 'email', value: 'pas-un-email', reason: 'invalid_email' }]);
    expect(report).toMatchObject({ created: 0, importId: null });
    expect(dump(seedStore)).toEqual(before);

    const dry = await runImport(seedStore, { kind: 'contacts', path: messyFile(dir, 'dry.csv', 500, 11), policy: 'merge', dryRun: true }, job(), tuning);
    expect(dry.created).toBeGreaterThan(300);
    expect(dump(seedStore)).toEqual(before);

    let cancelledAt = 0;
    const cancelling = job((done) => {
      cancelledAt = done;
      cancelling.cancel();
    });
    const cancelled = runImport(seedStore, { kind: 'contacts', path: messyFile(dir, 'cancel.csv', 2500, 13), policy: 'merge', dryRun: false }, cancelling, {
      batchRows: 300,
      deferIndexesFrom: 1,
    });
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(cancelledAt).toBe(1000);
    expect(seedStore.sqlite.inTransaction).toBe(false);
    expect(dump(seedStore)).toEqual(before);
  });

  it('runs a large import under a rollback journal and puts the write-ahead log back, whatever the outcome', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'base.sqlite');
    const store = openStore(file);
    const mode = () => store.sqlite.pragma('journal_mode', { simple: true });
    // temporary storage (2: memory, 1: file), the sorter's helper threads, the page cache (KiB when negative)
    const sorts = () => ['temp_store', 'threads', 'cache_size'].map((p) => store.sqlite.pragma(p, { simple: true }));
    const atOpen = sorts();
    expect(atOpen).toEqual([2, 0, -65536]);
    const tuning = { batchRows: 50, deferIndexesFrom: 1 };
    let modes: unknown[] = [];
    const rebuilding: unknown[][] = [];
    const otherwise: unknown[][] = [];
    const watch = (_done: number, phase: string) => {
      modes.push(mode());
      (phase === 'import.indexes' ? rebuilding : otherwise).push(sorts());
    };
    const done = await runImport(store, { kind: 'contacts', path: messyFile(dir, 'a.csv', 300, 31), policy: 'merge', dryRun: false }, job(watch), tuning);
    expect(done.errors).toEqual([]);
    expect(modes.length).toBeGreaterThan(0);
    expect(modes.every((m) => m === 'delete')).toBe(true);
    // indexes are sorted on disk by helper threads; statement journals stay in memory the rest of the time
    expect(rebuilding.length).toBeGreaterThan(0);
    expect(rebuilding.every(([temp, threads, cache]) => temp === 1 && Number(threads) >= 1 && cache === -2000)).toBe(true);
    expect(otherwise.length).toBeGreaterThan(0);
    expect(otherwise.every((s) => s.join() === atOpen.join())).toBe(true);
    expect(mode()).toBe('wal');
    expect(sorts()).toEqual(atOpen);
    const before = dump(store);

    // failing on its last row: nothing written, WAL and sorts in memory again
    const failing = messyFile(dir, 'b.csv', 300, 32, ['Dernier;;Ligne;;;pas-un-email;;;;01000;Bourg;;;;;;']);
    expect((await runImport(store, { kind: 'contacts', path: failing, policy: 'merge', dryRun: false }, job(), tuning)).importId).toBeNull();
    expect(mode()).toBe('wal');
    expect(sorts()).toEqual(atOpen);
    expect(dump(store)).toEqual(before);

    // a small file keeps the log; so does a large one while another connection has the file open
    modes = [];
    await runImport(store, { kind: 'contacts', path: messyFile(dir, 'c.csv', 300, 33), policy: 'merge', dryRun: false }, job(() => modes.push(mode())), { batchRows: 50 });
    expect(modes.every((m) => m === 'wal')).toBe(true);
    const reader = new BetterSqlite3(file, { readonly: true });
    // once it has read, a connection keeps its hold on the log until it closes
    expect(reader.prepare('SELECT count(*) FROM contacts').pluck().get()).toBeGreaterThan(0);
    try {
      modes = [];
      const shared = await runImport(store, { kind: 'contacts', path: messyFile(dir, 'd.csv', 300, 34), policy: 'merge', dryRun: false }, job(() => modes.push(mode())), tuning);
      expect(shared.errors).toEqual([]);
      expect(modes.length).toBeGreaterThan(0);
      expect(modes.every((m) => m === 'wal')).toBe(true);
    } finally {
      reader.close();
    }
    expect(mode()).toBe('wal');
  });

  it('reports a committed large import as done when another connection keeps the rollback journal in place', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'base.sqlite');
    const store = openStore(file);
    const mode = () => store.sqlite.pragma('journal_mode', { simple: true });
    // the switch back waits this long for the other connection before giving up
    store.sqlite.pragma('busy_timeout = 50');
    let reader: BetterSqlite3.Database | null = null;
    try {
      const done = await runImport(
        store,
        { kind: 'contacts', path: messyFile(dir, 'a.csv', 300, 35), policy: 'merge', dryRun: false },
        job(() => {
          // once committed, another process starts reading before the log can come back
          if (store.sqlite.inTransaction || reader !== null) return;
          reader = new BetterSqlite3(file, { readonly: true });
          reader.exec('BEGIN');
          reader.prepare('SELECT count(*) FROM contacts').get();
        }),
        { batchRows: 50, deferIndexesFrom: 1 },
      );
      expect(reader).not.toBeNull();
      expect(done.errors).toEqual([]);
      expect(done.importId).not.toBeNull();
      expect(done.created).toBeGreaterThan(0);
      expect(store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(done.created);
      // as safe meanwhile (a rollback journal, synchronous FULL); the next large import puts the log back
      expect(mode()).toBe('delete');
    } finally {
      (reader as BetterSqlite3.Database | null)?.close();
    }
    await runImport(store, { kind: 'contacts', path: messyFile(dir, 'b.csv', 300, 36), policy: 'merge', dryRun: false }, job(), { batchRows: 50, deferIndexesFrom: 1 });
    expect(mode()).toBe('wal');
  });

  it('keeps the list answering between batches while its indexes are set aside', async () => {
    const dir = tempDir();
    const store = openStore(path.join(dir, 'base.sqlite'));
    await runImport(store, { kind: 'contacts', path: messyFile(dir, 'base.csv', 200, 21), policy: 'merge', dryRun: false }, null);
    const tag = store.sqlite.prepare('SELECT id FROM tags ORDER BY contact_count DESC LIMIT 1').pluck().get() as number;
    const lists: ContactListInput[] = [
      {},
      { status: ['prospect'] },
      { postcode: '75', sort: 'city' },
      { sort: 'lastPurchaseAt', dir: 'desc' },
      { createdFrom: '2000-01-01', sort: 'createdAt' },
      // the file brings tags: the tag indexes are set aside too
      { tags: [tag], sort: 'totalCents' },
    ];
    const readings: (number | null)[][] = [];
    let indexesAside = 0;
    let tagIndexesAside = 0;
    const reading = job();
    // the host serves other calls while the job yields: read the list there
    const tick = reading.tick;
    reading.tick = async () => {
      await tick();
      if (store.sqlite.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'contacts_by_status'").get() === undefined) indexesAside += 1;
      if (store.sqlite.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'contact_tags_by_tag_total'").get() === undefined) tagIndexesAside += 1;
      readings.push(lists.map((input) => listContacts(store, contactListInput.parse(input)).total));
    };
    const report = await runImport(store, { kind: 'contacts', path: messyFile(dir, 'big.csv', 600, 22), policy: 'merge', dryRun: false }, reading, {
      batchRows: 100,
      deferIndexesFrom: 1,
    });
    expect(report.errors).toEqual([]);
    expect(indexesAside).toBeGreaterThan(2);
    expect(tagIndexesAside).toBeGreaterThan(2);
    expect(readings.at(-1)?.at(-1)).toBeGreaterThan(readings[0]?.at(-1) ?? Infinity);
    expect(readings.length).toBeGreaterThan(2);
    // the whole base grows batch after batch, as the rows are written
    const wholeBase = readings.map((r) => r[0] ?? -1);
    expect(wholeBase).toEqual([...wholeBase].sort((a, b) => a - b));
    expect(wholeBase.at(-1)).toBeGreaterThan(wholeBase[0]!);
    // and after the commit, with the indexes back, the same lists give what they gave at the last batch
    expect(lists.map((input) => listContacts(store, contactListInput.parse(input)).total)).toEqual(readings.at(-1));
  });

  it('sets nothing aside for a file that changes nothing, takes it back, and keeps it in the history', async () => {
    const dir = tempDir();
    const lines = ['Code client;Nom;Prénom;E-mail;E-mail 2;Portable;CP;Ville;Étiquettes;Remarques'];
    for (let i = 0; i < 300; i++) {
      const phone = `06 ${String(10_000_000 + i).replace(/(\d\d)(?=\d)/g, '$1 ')}`;
      lines.push(`${i % 3 === 0 ? `C${i}` : ''};Nom${i};Élodie;p${i}@exemple.fr;${i % 5 === 0 ? `autre${i}@exemple.fr` : ''};${phone};75011;Paris;${i % 4 === 0 ? 'VIP' : ''};${i % 7 === 0 ? 'Rappeler' : ''}`);
    }
    const file = csvLines(dir, 'file.csv', lines);
    const store = openStore();
    const db = store.sqlite;
    const tuning = { batchRows: 25, deferIndexesFrom: 1 };
    const phases = (runPhases: string[]) => job((_, phase) => runPhases.push(phase));
    const firstPhases: string[] = [];
    const first = await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: false }, phases(firstPhases), tuning);
    expect(first).toMatchObject({ created: 300, errors: [] });
    expect(firstPhases).toContain('import.indexes');
    const withoutHistory = (state: ReturnType<typeof dump>) => ({ ...state, rows: state.rows.filter((r) => !r.startsWith('imports ')) });
    const before = withoutHistory(dump(store));

    const againPhases: string[] = [];
    const indexCount = db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'index'").pluck();
    const indexesBetweenBatches: number[] = [];
    const watching = phases(againPhases);
    const againJob = { ...watching, tick: () => (indexesBetweenBatches.push(indexCount.get() as number), watching.tick()) };
    const again = await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: false }, againJob, tuning);
    expect(again).toMatchObject({ rows: 300, created: 0, updated: 0, merged: 0, skipped: 300, errors: [] });
    // nothing to write, so nothing set aside: the indexes stayed all along, and none was rebuilt
    expect(indexesBetweenBatches.length).toBeGreaterThan(5);
    expect(new Set(indexesBetweenBatches)).toEqual(new Set([indexCount.get()]));
    expect(againPhases).not.toContain('import.indexes');
    expect(withoutHistory(dump(store))).toEqual(before);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT id, created, skipped, errors FROM imports ORDER BY id').all()).toEqual([
      { id: first.importId, created: first.created, skipped: first.skipped, errors: 0 },
      { id: again.importId, created: 0, skipped: 300, errors: 0 },
    ]);

    // a write by another call between two batches is kept: the import commits as usual
    let wrote = false;
    const plain = job();
    const writer = {
      ...plain,
      tick: async () => {
        if (!wrote) {
          wrote = true;
          db.exec(`INSERT INTO contacts (first_name, last_name, status, source, sort_name, match_name, created_at, updated_at)
            VALUES ('Paul', 'Entre-Deux', 'prospect', 'shop_form', 'entre-deux paul', 'paul entre-deux', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`);
        }
        await plain.tick();
      },
    };
    const third = await runImport(store, { kind: 'contacts', path: file, policy: 'merge', dryRun: false }, writer, tuning);
    expect(third).toMatchObject({ created: 0, skipped: 300 });
    expect(db.prepare("SELECT count(*) FROM contacts WHERE last_name = 'Entre-Deux'").pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(withoutHistory(dump(store)).schema).toEqual(before.schema);
  });

  it('stands in for the triggers of this schema', () => {
    // if a migration changes the search-index triggers, the batch path must learn the new ones
    expect(searchIndex(openStore().sqlite).batched).toBe(true);
  });
});

describe('key set', () => {
  it('never forgets a key and seldom imagines one', () => {
    const n = 200_000;
    const keys = createKeySet(n);
    for (let i = 0; i < n; i++) keys.add(i % 3, `user${i}@exemple.fr`);
    let forgotten = 0;
    for (let i = 0; i < n; i++) if (!keys.has(i % 3, `user${i}@exemple.fr`)) forgotten += 1;
    expect(forgotten).toBe(0);
    let imagined = 0;
    for (let i = 0; i < n; i++) {
      if (keys.has(i % 3, `other${i}@exemple.fr`)) imagined += 1;
      if (keys.has((i + 1) % 3, `user${i}@exemple.fr`)) imagined += 1;
    }
    // a false yes costs one SQL lookup; 12 bits a key keep them well under 1 %
    expect(imagined / (2 * n)).toBeLessThan(0.01);
    // past its expected size it only says yes more often
    const small = createKeySet(10);
    for (let i = 0; i < n; i++) small.add(0, String(i));
    for (let i = 0; i < n; i++) if (!small.has(0, String(i))) forgotten += 1;
    expect(forgotten).toBe(0);
  });
});

describe('key directory', () => {
  it('lists every contact ever given a key, ascending and once, past its expected size', () => {
    const directory = createKeyDirectory(10);
    const n = 50_000;
    for (let i = 0; i < n; i++) directory.add(2, `user${i}@exemple.fr`, i + 1);
    // a shared family phone, given in any order and twice
    for (const id of [9, 3, 7, 3]) directory.add(3, '+33611111111', id);
    const missing = Array.from({ length: n }, (_, i) => i).filter((i) => !directory.candidates(2, `user${i}@exemple.fr`).includes(i + 1));
    expect(missing).toEqual([]);
    expect(directory.candidates(3, '+33611111111')).toEqual([3, 7, 9]);
    // the kind is part of the key; an unknown key has no candidate (a collision would only add one, checked by the caller)
    expect(directory.candidates(3, 'user1@exemple.fr')).toEqual([]);
    expect(directory.candidates(2, 'nobody@exemple.fr')).toEqual([]);
  });
});
