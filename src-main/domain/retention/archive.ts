import { prepared, withLedgerGate, type Store } from '../../store/db';
import { AppError, type RetentionRule } from '../../contract';

/** One statement per part of the record; `?` is the contact id. */
const PARTS: Record<string, string> = {
  emails: 'SELECT email, label FROM contact_emails WHERE contact_id = ? ORDER BY id',
  phones: 'SELECT phone, label FROM contact_phones WHERE contact_id = ? ORDER BY id',
  tags: 'SELECT t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = ? ORDER BY t.name',
  notes: 'SELECT body, noted_at, created_at FROM notes WHERE contact_id = ? ORDER BY noted_at, id',
  interactions:
    'SELECT kind, direction, initiated_by, occurred_at, summary, created_at FROM interactions WHERE contact_id = ? ORDER BY occurred_at, id',
  tasks: 'SELECT title, due_date, done_at, created_at FROM tasks WHERE contact_id = ? ORDER BY due_date, id',
  // the proof of what the person agreed to outlives the live record
  consent: `SELECT channel, purpose, event, at, method, operator, wording_id, source_file, source_line, recorded_at
            FROM consent_events WHERE contact_id = ? ORDER BY at, id`,
  // their sales stay in the live base for the accounts, without the person: the archive keeps the link
  purchaseIds: 'SELECT id FROM purchases WHERE contact_id = ? ORDER BY id',
};

/** The whole record as JSON: the contact's columns (and company name), then each part. */
export const archiveRecord = (store: Store, id: number): Record<string, unknown> | null => {
  const contact = prepared(
    store.sqlite,
    'SELECT c.*, co.name AS company_name FROM contacts c LEFT JOIN companies co ON co.id = c.company_id WHERE c.id = ?',
  ).get(id) as Record<string, unknown> | undefined;
  if (contact === undefined) return null;
  const record: Record<string, unknown> = { version: 1, contact };
  for (const [key, sql] of Object.entries(PARTS)) {
    const stmt = prepared(store.sqlite, sql);
    record[key] = key === 'tags' || key === 'purchaseIds' ? stmt.pluck().all(id) : stmt.all(id);
  }
  return record;
};

/**
 * Moves each contact to `contact_archive` and removes it from the live base,
 * inside the caller's transaction: lists, search and segments only read the
 * live tables, so an archived person is gone from all of them at once. The
 * ledger gate lets the delete cascade through the consent events (copied into
 * the archive above). Returns how many were archived.
 */
export const archiveContacts = (
  store: Store,
  contacts: readonly { id: number; rule: RetentionRule }[],
  now = new Date().toISOString(),
): number => {
  if (!store.sqlite.inTransaction) throw new Error('archiving runs inside a transaction');
  const insert = prepared(
    store.sqlite,
    'INSERT INTO contact_archive (contact_id, archived_at, rule, record) VALUES (?, ?, ?, ?)',
  );
  const archived = prepared(store.sqlite, 'SELECT 1 FROM contact_archive WHERE contact_id = ?').pluck();
  const remove = prepared(store.sqlite, 'DELETE FROM contacts WHERE id = ?');
  let count = 0;
  withLedgerGate(store, 'erasure', () => {
    for (const c of contacts) {
      const record = archiveRecord(store, c.id);
      if (record === null) continue;
      // ids are reused once the newest contact is deleted: never overwrite an older archive, refuse instead
      if (archived.get(c.id) !== undefined) {
        throw new AppError('CONFLICT', `contact ${c.id}: an archived record already has this number`, { reason: 'already_archived', id: c.id });
      }
      insert.run(c.id, now, c.rule, JSON.stringify(record));
      remove.run(c.id);
      count += 1;
    }
  });
  return count;
};
