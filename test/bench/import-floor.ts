/**
 * What SQLite alone needs to store the contacts a 1M-contact import stored,
 * with this schema: the same rows copied from that base into an empty one
 * (ATTACH, INSERT … SELECT: no JavaScript, no file reading, no checks), as
 * the import writes them: under a rollback journal, the indexes it sets
 * aside dropped, the search index filled in one statement, then those
 * indexes built again on helper threads. No import of that file can take
 * less; the 15 s target is measured against it.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { deferredContactIndexes } from '../../src-main/domain/imports/contact-batch';
import { INSERT_COLUMNS } from '../../src-main/domain/contacts/service';
import { bulkJournal, openDatabase, withDiskSorts } from '../../src-main/store/open';
import type { Recorder } from './common';

/** The search entries the import writes for a contact (contact-batch.ts FTS_VALUES). */
const FTS_SELECT = `SELECT id,
    coalesce(first_name, '') || ' ' || coalesce(last_name, ''),
    coalesce(email, ''),
    CASE WHEN phone LIKE '+33%' THEN phone || ' 0' || substr(phone, 4) ELSE coalesce(phone, '') END,
    coalesce(city, '') || ' ' || coalesce(postcode, '')
  FROM contacts ORDER BY id`;

export const benchImportFloor = (imported: string, scratch: string, record: Recorder): void => {
  for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(scratch + ext, { force: true });
  const db = openDatabase(scratch);
  try {
    const restoreJournal = bulkJournal(db);
    db.prepare('ATTACH DATABASE ? AS src').run(imported);
    const indexes = deferredContactIndexes(db);
    const columns = INSERT_COLUMNS.join(', ');
    const seconds = (started: number) => (performance.now() - started) / 1000;
    // the rows point at the imports and companies of their own base (and the pragma is a no-op inside a transaction)
    db.pragma('foreign_keys = OFF');
    db.exec('BEGIN');
    for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
    db.exec('DROP TRIGGER contacts_ai');
    let t = performance.now();
    const rows = db.prepare(`INSERT INTO contacts (id, ${columns}) SELECT id, ${columns} FROM src.contacts ORDER BY id`).run().changes;
    const insert = seconds(t);
    t = performance.now();
    db.exec(`INSERT INTO contacts_fts (rowid, name, email, phone, city) ${FTS_SELECT}`);
    const search = seconds(t);
    t = performance.now();
    withDiskSorts(db, () => {
      for (const i of indexes) db.exec(i.sql);
    });
    const rebuild = seconds(t);
    db.exec('ROLLBACK');
    restoreJournal();
    const total = insert + search + rebuild;
    record(
      `SQLite alone for the same ${rows.toLocaleString('en')} rows (copied from the imported base: no JavaScript)`,
      `${total.toFixed(1)} s: rows ${insert.toFixed(1)} s, search index ${search.toFixed(1)} s, ${indexes.length} indexes ${rebuild.toFixed(1)} s`,
      '240k rows/s raw inserts (4.2 s)',
      `${(total / (rows / 240_000)).toFixed(1)}× raw`,
      'the import ≤ 15 s',
    );
  } finally {
    db.close();
    for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(scratch + ext, { force: true });
  }
};
