/**
 * What SQLite alone needs to store what an import stored, with this schema:
 * the same rows copied from the imported base into the base the import
 * started from (ATTACH, INSERT … SELECT: no JavaScript, no file reading, no
 * checks), written as the import writes them: under a rollback journal, what
 * it sets aside dropped, indexes rebuilt on helper threads, then rolled
 * back. No import of that file can take less; the issue's targets are
 * measured against it.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { INSERT_COLUMNS } from '../../src-main/domain/contacts/service';
import { deferredContactIndexes, FTS_VALUES } from '../../src-main/domain/imports/contact-batch';
import { BULK_INDEXES, BULK_ROW_TRIGGERS } from '../../src-main/domain/imports/purchases';
import { figureIndexes } from '../../src-main/domain/purchases/aggregates';
import { createStore, type Store } from '../../src-main/store/db';
import { bulkJournal, openDatabase, withDiskSorts } from '../../src-main/store/open';
import type { Recorder } from './common';

type Timer = <T>(run: () => T) => { value: T; seconds: number };

const time: Timer = (run) => {
  const started = performance.now();
  const value = run();
  return { value, seconds: (performance.now() - started) / 1000 };
};

/** `steps` on `scratch` (a fresh base, or a copy of `base`) with `imported` attached as `src`, in a transaction rolled back. */
const onScratch = <T>(scratch: string, base: string | null, imported: string, steps: (store: Store, time: Timer) => T): T => {
  const files = (['', '-wal', '-shm', '-journal'] as const).map((ext) => scratch + ext);
  for (const f of files) fs.rmSync(f, { force: true });
  if (base !== null) fs.copyFileSync(base, scratch);
  const store = createStore(openDatabase(scratch), scratch);
  const db = store.sqlite;
  try {
    const restoreJournal = bulkJournal(db);
    db.prepare('ATTACH DATABASE ? AS src').run(imported);
    // the rows point at the imports and companies of their own base (and the pragma is a no-op inside a transaction)
    db.pragma('foreign_keys = OFF');
    db.exec('BEGIN');
    try {
      return steps(store, time);
    } finally {
      db.exec('ROLLBACK');
      restoreJournal();
    }
  } finally {
    db.close();
    for (const f of files) fs.rmSync(f, { force: true });
  }
};

const rebuild = (store: Store, indexes: readonly { sql: string }[]): void =>
  withDiskSorts(store.sqlite, () => {
    for (const i of indexes) store.sqlite.exec(i.sql);
  });

/** Contacts into an empty base: the rows, the search index in one statement, the indexes the import sets aside. */
export const benchContactImportFloor = (imported: string, scratch: string, record: Recorder): void =>
  onScratch(scratch, null, imported, (store, time) => {
    const db = store.sqlite;
    const indexes = deferredContactIndexes(db);
    for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
    db.exec('DROP TRIGGER contacts_ai');
    const columns = INSERT_COLUMNS.join(', ');
    const rows = time(() => db.prepare(`INSERT INTO contacts (id, ${columns}) SELECT id, ${columns} FROM src.contacts ORDER BY id`).run().changes);
    const search = time(() => db.exec(`INSERT INTO contacts_fts (rowid, name, email, phone, city) SELECT ${FTS_VALUES} FROM contacts ORDER BY id`));
    const built = time(() => rebuild(store, indexes));
    const total = rows.seconds + search.seconds + built.seconds;
    record(
      `SQLite alone for the same ${rows.value.toLocaleString('en')} rows (copied from the imported base: no JavaScript)`,
      `${total.toFixed(1)} s: rows ${rows.seconds.toFixed(1)} s, search index ${search.seconds.toFixed(1)} s, ${indexes.length} indexes ${built.seconds.toFixed(1)} s`,
      '240k rows/s raw inserts (4.2 s)',
      `${(total / (rows.value / 240_000)).toFixed(1)}× raw`,
      'the import ≤ 15 s',
    );
  });

/**
 * STACK.md's raw figure (240k rows/s) is for rows of 8 text columns, timed on
 * another day. This times the same kind of insert (a prepared one-row INSERT,
 * one transaction, a bare table: no constraint, index or trigger) now, with
 * the imported rows themselves: their 8 columns of that shape, then every
 * column an import writes. The first says how fast the machine is today next
 * to STACK.md; the second is the raw figure for this file's rows.
 */
export const benchRawInserts = (imported: string, scratch: string, importSeconds: number, record: Recorder): void => {
  const source = new Database(imported, { readonly: true });
  const columns = ['id', ...INSERT_COLUMNS];
  let rows: unknown[][];
  try {
    rows = source.prepare(`SELECT ${columns.join(', ')} FROM contacts ORDER BY id`).raw().all() as unknown[][];
  } finally {
    source.close();
  }
  const shape = ['first_name', 'last_name', 'email', 'phone', 'address_line1', 'postcode', 'city', 'country'];
  const rate = (names: readonly string[]): number => {
    const at = names.map((n) => columns.indexOf(n));
    for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(scratch + ext, { force: true });
    const db = new Database(scratch);
    try {
      db.pragma('journal_mode = WAL');
      db.exec(`CREATE TABLE t (${names.map((n) => `${n} ANY`).join(', ')})`);
      const insert = db.prepare(`INSERT INTO t VALUES (${names.map(() => '?').join(', ')})`);
      const all = db.transaction(() => {
        for (const row of rows) insert.run(at.map((i) => row[i]));
      });
      return rows.length / time(all).seconds;
    } finally {
      db.close();
      for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(scratch + ext, { force: true });
    }
  };
  // a ratio under 1 read as « 0.6× slower »: the machine's pace is said the way it went
  const machinePace = (rowsPerSecond: number): string =>
    rowsPerSecond >= 240_000
      ? `machine ${(rowsPerSecond / 240_000).toFixed(1)}× faster than STACK.md`
      : `machine ${(240_000 / rowsPerSecond).toFixed(1)}× slower than STACK.md`;
  const narrow = rate(shape);
  const wide = rate(columns);
  const rowsPerSecond = (r: number) => `${Math.round(r / 1000)}k rows/s`;
  record(
    `raw better-sqlite3 inserts of the same ${rows.length.toLocaleString('en')} rows, now (prepared one-row INSERT into a bare table)`,
    `${shape.length} columns ${rowsPerSecond(narrow)}; all ${columns.length} columns ${rowsPerSecond(wide)} (${(rows.length / wide).toFixed(1)} s)`,
    '240k rows/s raw inserts (8 text columns)',
    `${machinePace(narrow)}; the import ${(importSeconds / (rows.length / wide)).toFixed(1)}× the raw inserts of its own rows`,
    'within 4× of raw inserts',
  );
};

/**
 * Purchases into a copy of the base the import started from: the rows and
 * the purchase indexes, then every contact's figures by one UPDATE … FROM a
 * GROUP BY, with the list indexes holding a figure dropped and rebuilt as
 * the import does. The analytics tables (figures over the window, months)
 * are left out: less than the import has to do.
 */
export const benchPurchaseImportFloor = (base: string, imported: string, scratch: string, record: Recorder): void =>
  onScratch(scratch, base, imported, (store, time) => {
    const db = store.sqlite;
    const sqlOf = db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck();
    const indexes = [...BULK_INDEXES.byContact, ...BULK_INDEXES.afterRows].map((name) => ({ name, sql: sqlOf.get(name) as string }));
    for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
    for (const t of BULK_ROW_TRIGGERS) db.exec(`DROP TRIGGER ${t}`);
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('purchases') as string[]).join(', ');
    const rows = time(() => db.prepare(`INSERT INTO purchases (${columns}) SELECT ${columns} FROM src.purchases ORDER BY id`).run().changes);
    const built = time(() => rebuild(store, indexes));
    const figures = figureIndexes(store);
    const updated = time(() => {
      for (const i of figures) db.exec(`DROP INDEX "${i.name}"`);
      return db
        .prepare(
          `UPDATE contacts SET purchase_count = a.sales, total_cents = a.total, first_purchase_at = a.first, last_purchase_at = a.last,
            status = CASE WHEN a.sales > 0 AND status = 'prospect' THEN 'customer' ELSE status END
          FROM (SELECT contact_id, count(*) FILTER (WHERE kind = 'sale') AS sales, sum(amount_cents) AS total,
              min(purchased_at) FILTER (WHERE kind = 'sale') AS first, max(purchased_at) FILTER (WHERE kind = 'sale') AS last
            FROM purchases WHERE contact_id IS NOT NULL GROUP BY contact_id) AS a
          WHERE contacts.id = a.contact_id`,
        )
        .run().changes;
    });
    const figuresBuilt = time(() => rebuild(store, figures));
    const total = rows.seconds + built.seconds + updated.seconds + figuresBuilt.seconds;
    record(
      `SQLite alone for the same ${rows.value.toLocaleString('en')} purchases and ${updated.value.toLocaleString('en')} customers' figures (no JavaScript, no analytics tables)`,
      `${total.toFixed(1)} s: rows ${rows.seconds.toFixed(1)} s, ${indexes.length} purchase indexes ${built.seconds.toFixed(1)} s, figures ${updated.seconds.toFixed(1)} s (with dropping ${figures.length} indexes), their rebuild ${figuresBuilt.seconds.toFixed(1)} s`,
      '530k purchases/s raw inserts (19 s)',
      `${(total / (rows.value / 530_000)).toFixed(1)}× raw`,
      'the import ≤ 60 s',
    );
  });
