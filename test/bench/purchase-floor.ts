/**
 * What SQLite alone needs to store the purchases a 10M-purchase import
 * stored and bring the customers' figures up to date, with this schema: on a
 * copy of the base the import started from, the same rows copied from the
 * imported base (ATTACH, INSERT … SELECT: no JavaScript, no file reading, no
 * ticket or natural-key checks), as the import writes them: under a rollback
 * journal, the purchase indexes it sets aside dropped and rebuilt on helper
 * threads, then every contact's figures set by one UPDATE … FROM a GROUP BY,
 * with the list indexes holding a figure dropped and rebuilt the same way.
 * The analytics tables (figures over the window, months) are left out: this
 * is less than the import has to do, and no import of that file can take less.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { figureIndexes } from '../../src-main/domain/purchases/aggregates';
import { createStore } from '../../src-main/store/db';
import { bulkJournal, openDatabase, withDiskSorts } from '../../src-main/store/open';
import type { Recorder } from './common';

/** What the import sets aside while it writes rows (imports/purchases.ts). */
const SET_ASIDE_INDEXES = ['purchases_by_contact', 'purchases_by_date', 'purchases_by_import'];
const SET_ASIDE_TRIGGERS = ['purchases_ai', 'purchases_months_ai'];

export const benchPurchaseFloor = (base: string, imported: string, scratch: string, record: Recorder): void => {
  for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(scratch + ext, { force: true });
  fs.copyFileSync(base, scratch);
  const store = createStore(openDatabase(scratch), scratch);
  const db = store.sqlite;
  try {
    const restoreJournal = bulkJournal(db);
    db.prepare('ATTACH DATABASE ? AS src').run(imported);
    const sqlOf = db.prepare('SELECT sql FROM sqlite_schema WHERE name = ?').pluck();
    const indexes = SET_ASIDE_INDEXES.map((name) => ({ name, sql: sqlOf.get(name) as string }));
    const columns = (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('purchases') as string[]).join(', ');
    const seconds = (started: number) => (performance.now() - started) / 1000;
    // the rows point at the imports of their own base (and the pragma is a no-op inside a transaction)
    db.pragma('foreign_keys = OFF');
    db.exec('BEGIN');
    for (const i of indexes) db.exec(`DROP INDEX ${i.name}`);
    for (const t of SET_ASIDE_TRIGGERS) db.exec(`DROP TRIGGER ${t}`);
    let t = performance.now();
    const rows = db.prepare(`INSERT INTO purchases (${columns}) SELECT ${columns} FROM src.purchases ORDER BY id`).run().changes;
    const insert = seconds(t);
    t = performance.now();
    withDiskSorts(db, () => {
      for (const i of indexes) db.exec(i.sql);
    });
    const purchaseIndexes = seconds(t);
    t = performance.now();
    const figures = figureIndexes(store);
    for (const i of figures) db.exec(`DROP INDEX "${i.name}"`);
    const customers = db
      .prepare(
        `UPDATE contacts SET purchase_count = a.sales, total_cents = a.total, first_purchase_at = a.first, last_purchase_at = a.last,
          status = CASE WHEN a.sales > 0 AND status = 'prospect' THEN 'customer' ELSE status END
        FROM (SELECT contact_id, count(*) FILTER (WHERE kind = 'sale') AS sales, sum(amount_cents) AS total,
            min(purchased_at) FILTER (WHERE kind = 'sale') AS first, max(purchased_at) FILTER (WHERE kind = 'sale') AS last
          FROM purchases WHERE contact_id IS NOT NULL GROUP BY contact_id) AS a
        WHERE contacts.id = a.contact_id`,
      )
      .run().changes;
    const update = seconds(t);
    t = performance.now();
    withDiskSorts(db, () => {
      for (const i of figures) db.exec(i.sql);
    });
    const figureRebuild = seconds(t);
    db.exec('ROLLBACK');
    restoreJournal();
    const total = insert + purchaseIndexes + update + figureRebuild;
    record(
      `SQLite alone for the same ${rows.toLocaleString('en')} purchases and ${customers.toLocaleString('en')} customers' figures (no JavaScript, no analytics tables)`,
      `${total.toFixed(1)} s: rows ${insert.toFixed(1)} s, ${indexes.length} purchase indexes ${purchaseIndexes.toFixed(1)} s, figures ${update.toFixed(1)} s (with dropping ${figures.length} indexes), their rebuild ${figureRebuild.toFixed(1)} s`,
      '530k purchases/s raw inserts (19 s)',
      `${(total / (rows / 530_000)).toFixed(1)}× raw`,
      'the import ≤ 60 s',
    );
  } finally {
    db.close();
    for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(scratch + ext, { force: true });
  }
};
