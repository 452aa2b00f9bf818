import type { z } from 'zod';
import type { AuditEntry, AuditPage, auditListInput } from '../../contract';
import { prepared, type Store } from '../../store/db';

type Row = { id: number; at: string; action: string; entity: string | null; entity_id: number | null; detail: string };

const parseDetail = (text: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * Newest first, paged by id (the log is append-only, so ids are time order
 * and a cursor never skips or repeats a line). `action` matches one action or
 * a family: 'privacy' finds 'privacy.erase', 'privacy.access'…
 */
export const listAudit = (store: Store, input: z.output<typeof auditListInput>): AuditPage => {
  const before = input.cursor !== null && /^\d+$/.test(input.cursor) ? Number(input.cursor) : Number.MAX_SAFE_INTEGER;
  const rows = (
    input.action === null
      ? prepared(store.sqlite, 'SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, input.limit + 1)
      : prepared(
          store.sqlite,
          "SELECT * FROM audit_log WHERE id < ? AND (action = ? OR action LIKE ? ESCAPE '\\') ORDER BY id DESC LIMIT ?",
        ).all(before, input.action, `${input.action.replace(/[\\%_]/g, '\\$&')}.%`, input.limit + 1)
  ) as Row[];
  const page = rows.slice(0, input.limit);
  const entries: AuditEntry[] = page.map((r) => ({
    id: r.id,
    at: r.at,
    action: r.action,
    entity: r.entity,
    entityId: r.entity_id,
    detail: parseDetail(r.detail),
  }));
  const last = page[page.length - 1];
  return { rows: entries, nextCursor: rows.length > input.limit && last ? String(last.id) : null };
};
