import { prepared, type Store } from '../../store/db';

export type AuditEntry = {
  action: string;
  entity?: string;
  entityId?: number;
  /** Ids and counts only: the audit log outlives erasures, so it must never hold personal data. */
  detail?: Record<string, unknown>;
};

/**
 * Appends one line to the append-only audit log, inside the caller's
 * transaction when there is one, so the entry commits or rolls back with the
 * action it records.
 */
export const appendAudit = (store: Store, entry: AuditEntry): void => {
  prepared(store.sqlite, 'INSERT INTO audit_log (at, action, entity, entity_id, detail) VALUES (?, ?, ?, ?, ?)').run(
    new Date().toISOString(),
    entry.action,
    entry.entity ?? null,
    entry.entityId ?? null,
    JSON.stringify(entry.detail ?? {}),
  );
};
