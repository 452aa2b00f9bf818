import type { JobContext } from '../../host/registry';
import { prepared } from '../../store/db';
import type { Sqlite } from '../../store/open';

/**
 * Ids per statement when an undo deletes an import's rows: at 10M purchases
 * each range takes well under a second, so a cancel is heard and other
 * calls get their turn that often.
 */
export const UNDO_CHUNK_IDS = 50_000;

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

/**
 * Deletes an import's rows of `table` range of ids by range of ids (a rowid
 * scan each, with or without the import's index), yielding between two:
 * the bar moves, a cancel is heard, other calls are answered. `around`
 * wraps each statement (the ledger gate a contact's cascade needs).
 */
export const deleteImportRows = async (
  db: Sqlite,
  table: 'contacts' | 'purchases',
  importId: number,
  rows: ImportRows,
  job: JobContext | null,
  tuning: UndoTuning,
  around: (run: () => void) => void = (run) => run(),
): Promise<void> => {
  const chunk = tuning.chunkIds ?? UNDO_CHUNK_IDS;
  const remove = prepared(db, `DELETE FROM ${table} WHERE id >= ? AND id < ? AND import_id = ?`);
  let done = 0;
  for (let from = rows.first; from <= rows.last; from += chunk) {
    around(() => {
      done += remove.run(from, from + chunk, importId).changes;
    });
    if (job) {
      job.progress(`import.undo.${table}`, done, rows.count);
      await job.tick();
    }
  }
};
