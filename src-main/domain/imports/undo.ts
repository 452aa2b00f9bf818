import { AppError, type ImportRecord } from '../../contract';
import { contactUpdateInput } from '../../contract/contacts';
import type { JobContext } from '../../host/registry';
import { prepared, refuseDuringJob, withLedgerGate, type Store } from '../../store/db';
import { bulkJournal } from '../../store/open';
import { recomputeConsentState } from '../consent/events';
import { updateContact } from '../contacts/service';
import { deleteImportedContacts } from './contact-batch';
import { refundsSince, removeImportedPurchases } from './purchases';
import { TICK_ROWS, toRecord, type ImportRow } from './service';
import { BULK_UNDO_FROM, type UndoTuning } from './undo-rows';

const importRow = (store: Store, importId: number): ImportRow | undefined =>
  prepared(store.sqlite, 'SELECT * FROM imports WHERE id = ?').get(importId) as ImportRow | undefined;

/**
 * Refuses an undo that cannot go ahead: an unknown or already undone import,
 * contacts it created that have sales since (deleting them would anonymise
 * those sales), sales of it refunded since. The call checks before it starts
 * the job, so the user gets the refusal at once; the job checks again in its
 * transaction.
 */
export const checkUndoable = (store: Store, importId: number): void => {
  const row = importRow(store, importId);
  if (!row) throw new AppError('NOT_FOUND', `import ${importId} not found`, { entity: 'import', id: importId });
  if (row.undone_at !== null) throw new AppError('CONFLICT', 'this import was already undone', { reason: 'already_undone' });
  const withSales = prepared(store.sqlite, 'SELECT count(*) FROM contacts WHERE import_id = ? AND purchase_count > 0')
    .pluck()
    .get(importId) as number;
  if (withSales > 0) {
    throw new AppError('CONFLICT', `${withSales} imported contacts have sales since`, { reason: 'has_sales', count: withSales });
  }
  const refunds = row.kind === 'purchases' ? refundsSince(store, importId) : 0;
  if (refunds > 0) {
    throw new AppError('CONFLICT', `${refunds} refunds were recorded since against sales of this import`, {
      reason: 'has_refunds',
      count: refunds,
    });
  }
};

/** Contacts the import completed get their values back; one it created that is gone meanwhile is left alone. */
const restoreChanged = async (store: Store, importId: number, job: JobContext | null): Promise<void> => {
  const changes = prepared(store.sqlite, "SELECT entity_id, before FROM import_changes WHERE import_id = ? AND entity = 'contact'").all(
    importId,
  ) as { entity_id: number; before: string }[];
  const exists = prepared(store.sqlite, 'SELECT 1 FROM contacts WHERE id = ?');
  for (const [i, c] of changes.entries()) {
    if (exists.get(c.entity_id)) updateContact(store, contactUpdateInput.parse({ id: c.entity_id, patch: JSON.parse(c.before) as unknown }));
    if (job && (i + 1) % TICK_ROWS === 0) {
      job.progress('import.undo.restore', i + 1, changes.length);
      await job.tick();
    }
  }
};

/**
 * Removes exactly what an import created and puts back what it changed, in
 * one transaction of its own: the purchases a purchase import added first,
 * then the contacts it created (their consent events with them), consent
 * the file gave contacts that were there, the values of the contacts it
 * completed, its notes, and the tags and companies it made that nobody uses
 * any more. As a job it reports progress and yields between ranges of rows:
 * a cancel rolls it all back, and the store keeps answering meanwhile (what
 * it answers is the undo so far, as during an import).
 *
 * Deleting millions of rows needs a statement journal and sorts of hundreds
 * of megabytes: they go to temporary files for this transaction (the store
 * keeps them in memory otherwise; a 10M-purchase undo peaked at 1.0 GB),
 * a setting SQLite only takes outside a transaction. A large undo runs under
 * a rollback journal, as a large import does (`bulkJournal`): 10M purchases
 * 105 → 86 s, and its commit 7.8 → 2.9 s (the longest the store is deaf).
 */
export const undoImport = async (store: Store, importId: number, job: JobContext | null, tuning: UndoTuning = {}): Promise<ImportRecord> => {
  const db = store.sqlite;
  // another job's transaction (one that began in the tick before this job's start): not ours to roll back
  refuseDuringJob(db);
  const row = importRow(store, importId);
  const large = row !== undefined && row.created + row.updated + row.merged >= (tuning.bulkFrom ?? BULK_UNDO_FROM);
  const tempStore = Number(db.pragma('temp_store', { simple: true }));
  db.pragma('temp_store = FILE');
  const restoreJournal = large ? bulkJournal(db) : () => undefined;
  try {
    db.exec('BEGIN IMMEDIATE');
    checkUndoable(store, importId);
    await job?.tick();
    await removeImportedPurchases(store, importId, job, tuning);
    await deleteImportedContacts(store, importId, job, tuning);
    // consent the file gave contacts that were already there: the events go, their state is replayed without them
    withLedgerGate(store, 'erasure', () => {
      const touched = prepared(db, 'SELECT DISTINCT contact_id FROM consent_events WHERE import_id = ?').pluck().all(importId) as number[];
      prepared(db, 'DELETE FROM consent_events WHERE import_id = ?').run(importId);
      for (const id of touched) recomputeConsentState(db, id);
    });
    await restoreChanged(store, importId, job);
    // what the import added around existing contacts: its notes, then tags and companies nobody uses any more
    prepared(db, "DELETE FROM notes WHERE id IN (SELECT entity_id FROM import_changes WHERE import_id = ? AND entity = 'note')").run(importId);
    prepared(
      db,
      "DELETE FROM tags WHERE contact_count = 0 AND id IN (SELECT entity_id FROM import_changes WHERE import_id = ? AND entity = 'tag')",
    ).run(importId);
    prepared(
      db,
      `DELETE FROM companies WHERE id IN (SELECT entity_id FROM import_changes WHERE import_id = ? AND entity = 'company')
         AND NOT EXISTS (SELECT 1 FROM contacts WHERE company_id = companies.id)`,
    ).run(importId);
    prepared(db, 'UPDATE imports SET undone_at = ? WHERE id = ?').run(new Date().toISOString(), importId);
    // a cancel asked during the last steps is still heard
    await job?.tick();
    db.exec('COMMIT');
    return toRecord(importRow(store, importId) as ImportRow);
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  } finally {
    db.pragma(`temp_store = ${tempStore}`);
    restoreJournal();
  }
};
