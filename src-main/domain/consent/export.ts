import { localDate, type ConsentReason, type ConsentTarget } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { contactableCond, exclusionReasonSql } from './sql';

/**
 * A marketing export's selection: of the contacts chosen (ids, a filter's
 * matches, or the whole base when undefined), those the consent rules allow
 * on `target` today, and how many were left out for each reason. Both come
 * from the SQL form of the rules, one statement each.
 */
export const marketingSelection = (
  store: Store,
  target: ConsentTarget,
  chosen: readonly number[] | undefined,
  on = localDate(),
): { ids: number[]; excluded: Partial<Record<ConsentReason, number>> } => {
  const scope = chosen === undefined ? { sql: '1', params: [] as unknown[] } : { sql: 'c.id IN (SELECT value FROM json_each(?))', params: [JSON.stringify(chosen)] };
  const allowed = contactableCond('c', target, on);
  const ids = prepared(store.sqlite, `SELECT c.id FROM contacts c WHERE ${scope.sql} AND ${allowed.sql}`)
    .pluck()
    .all(...scope.params, ...allowed.params) as number[];
  const reason = exclusionReasonSql('c', target, on);
  const rows = prepared(
    store.sqlite,
    `SELECT reason, count(*) AS n FROM (SELECT ${reason.sql} AS reason FROM contacts c WHERE ${scope.sql}) WHERE reason IS NOT NULL GROUP BY reason`,
  ).all(...reason.params, ...scope.params) as { reason: ConsentReason; n: number }[];
  const excluded: Partial<Record<ConsentReason, number>> = {};
  for (const r of rows) excluded[r.reason] = r.n;
  return { ids, excluded };
};
