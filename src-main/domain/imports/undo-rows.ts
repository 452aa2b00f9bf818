import type { JobContext } from '../../host/registry';
import { prepared } from '../../store/db';
import type { Sqlite } from '../../store/open';

/**
 * Ids per statement when an undo deletes an import's rows, for ranges of
 * 0.2–0.3 s each (measured at 1M contacts, 10M purchases): a cancel is
 * heard and other calls get their turn that often. A contact takes ~20 µs
 * (its cascades to a dozen tables), a purchase ~3 µs.
 */
export const UNDO_CHUNK_IDS = { contacts: 10_000, purchases: 100_000 } as const;

/**
 * From this many rows an undo sets indexes aside (each table's own rule) and
 * runs under a rollback journal: it outgrows the page cache as a large import does.
 */
export const BULK_UNDO_FROM = 50_000;

/** Tests lower the thresholds to reach the bulk paths and the ranges with a few rows. */
export type UndoTuning = { bulkFrom?: number; chunkIds?: number };

/** Rows of one table an import created: how many, and the span of their ids. */
export type ImportRows = { count: number; first: number; last: number };

/** Read through the import's index, before an undo sets it aside. */
export const importRows = (db: Sqlite, table: 'contacts' | 'purchases', importId: number): ImportRows =>
  prepared(
    db,
    `SELECT count(*) AS count, coalesce(min(id), 0) AS first, coalesce(max(id), -1) AS last FROM ${table} WHERE import_id = ?`,
  ).get(importId) as ImportRows;

/** Around each range: `read` sees its rows before they go; `wrap` holds the delete (the ledger gate a contact's cascade needs). */
export type RangeHooks = { read?: (from: number, to: number) => void; wrap?: (run: () => void) => void };

/**
 * Deletes an import's rows of `table` range of ids by range of ids (a rowid
 * scan each, with or without the import's index), yielding between two:
 * the bar moves, a cancel is heard, other calls are answered.
 */
export const deleteImportRows = async (
  db: Sqlite,
  table: 'contacts' | 'purchases',
  importId: number,
  rows: ImportRows,
  job: JobContext | null,
  tuning: UndoTuning,
  hooks: RangeHooks = {},
): Promise<void> => {
  const chunk = tuning.chunkIds ?? UNDO_CHUNK_IDS[table];
  const remove = prepared(db, `DELETE FROM ${table} WHERE id >= ? AND id < ? AND import_id = ?`);
  const wrap = hooks.wrap ?? ((run: () => void) => run());
  let done = 0;
  for (let from = rows.first; from <= rows.last; from += chunk) {
    hooks.read?.(from, from + chunk);
    wrap(() => {
      done += remove.run(from, from + chunk, importId).changes;
    });
    if (job) {
      job.progress(`import.undo.${table}`, done, rows.count);
      await job.tick();
    }
  }
};
