import {
  AppError,
  localDate,
  type RetentionCounts,
  type RetentionPolicies,
  type RetentionReview,
  type RetentionRow,
  type RetentionRule,
} from '../../contract';
import type { z } from 'zod';
import type { retentionReviewInput } from '../../contract/retention';
import { prepared, type Store } from '../../store/db';
import { CONTACT_NAME_SQL } from '../contacts/service';
import { addYears } from '../../contract';
import { lastDueReference } from './dates';
import { getPolicies } from './policies';

/**
 * The day a contact's period runs from: collection (the date the shop wrote
 * down, else the record's creation), the last purchase, or the last contact
 * coming from the person, whichever is latest. Dates and instants compare as
 * text ('2024-05-02' < '2024-05-02T09:00…'), and max() of several arguments
 * is NULL if any is, hence the coalesces.
 */
export const REFERENCE_SQL = `max(coalesce(c.source_date, c.created_at), coalesce(c.last_purchase_at, ''), coalesce(c.last_inbound_at, ''))`;
/** A former customer follows the customer rule: the relationship existed. */
const RULE_SQL = `CASE WHEN c.status = 'prospect' THEN 'prospect' ELSE 'customer' END`;
/** Each status with the rule it follows and the bound parameter of that rule. */
const STATUSES = [
  { status: 'prospect', rule: 'prospect', bound: '@p' },
  { status: 'customer', rule: 'customer', bound: '@c' },
  { status: 'former', rule: 'customer', bound: '@c' },
] as const;

/**
 * "Due on `on`" as bounds: a reference before the day after the last due
 * reference day. Every query below is a range of contacts_by_retention
 * (status, reference, id) per status (migration 9): the reference expression
 * must stay exactly the indexed one.
 */
export type DueBounds = { on: string; prospectBefore: string; customerBefore: string; rule: RetentionRule | null };

const dayAfter = (date: string): string => {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

export const dueBounds = (policies: RetentionPolicies, on: string | undefined, rule: RetentionRule | null = null): DueBounds => {
  const day = on ?? localDate();
  return {
    on: day,
    prospectBefore: dayAfter(lastDueReference(day, policies.prospectYears)),
    customerBefore: dayAfter(lastDueReference(day, policies.customerYears)),
    rule,
  };
};

const statusesOf = (rule: RetentionRule | null) => STATUSES.filter((s) => rule === null || s.rule === rule);

/** The WHERE clause selecting due contacts; named parameters @p (prospects), @c (customers). */
export const dueWhere = (rule: RetentionRule | null): string =>
  `(${statusesOf(rule)
    .map((s) => `(c.status = '${s.status}' AND ${REFERENCE_SQL} < ${s.bound})`)
    .join(' OR ')})`;

const params = (b: DueBounds) => ({ p: b.prospectBefore, c: b.customerBefore });

/** One range count per status, read from the index alone. */
export const dueCounts = (store: Store, b: DueBounds): RetentionCounts => {
  const out: RetentionCounts = { prospect: 0, customer: 0 };
  for (const s of statusesOf(b.rule)) {
    const n = prepared(store.sqlite, `SELECT count(*) FROM contacts c WHERE c.status = '${s.status}' AND ${REFERENCE_SQL} < ${s.bound}`)
      .pluck()
      .get(s.bound === '@p' ? { p: b.prospectBefore } : { c: b.customerBefore }) as number;
    out[s.rule] += n;
  }
  return out;
};

type DueRow = { id: number; rule: RetentionRule; sales: number };

/**
 * Who is due, in id order: one range of contacts_by_retention per status,
 * which holds the purchase count too (migration 18), so no row is read from
 * the table. (An OR of the three ranges fetched every due row by its id.)
 */
export const dueSql = (rule: RetentionRule | null): string =>
  `${statusesOf(rule)
    .map(
      (s) =>
        `SELECT c.id AS id, '${s.rule}' AS rule, c.purchase_count AS sales FROM contacts c
         WHERE c.status = '${s.status}' AND ${REFERENCE_SQL} < ${s.bound}`,
    )
    .join(' UNION ALL ')} ORDER BY 1`;

/** The ids due under the bounds (what an action applies to), with whether each has sales. */
export const dueIds = (store: Store, b: DueBounds): DueRow[] => prepared(store.sqlite, dueSql(b.rule)).all(params(b)) as DueRow[];

/** Of the given ids, those due (the others are refused by the caller). */
export const dueAmong = (store: Store, b: DueBounds, ids: readonly number[]): DueRow[] =>
  prepared(
    store.sqlite,
    `SELECT c.id, ${RULE_SQL} AS rule, c.purchase_count AS sales FROM contacts c
     WHERE c.id IN (SELECT value FROM json_each(@ids)) AND ${dueWhere(b.rule)} ORDER BY c.id`,
  ).all({ ...params(b), ids: JSON.stringify(ids) }) as DueRow[];

/**
 * A page of the queue, oldest reference first: each status's range is
 * already in (reference, id) order in the index, so SQLite merges them and
 * stops at the limit (measured ~0.3 ms at 1M) instead of sorting every due row.
 */
export const pageSql = (rule: RetentionRule | null, after: boolean): string =>
  `${statusesOf(rule)
    .map(
      (s) =>
        `SELECT c.id AS id, ${REFERENCE_SQL} AS reference, '${s.rule}' AS rule FROM contacts c
         WHERE c.status = '${s.status}' AND ${REFERENCE_SQL} < ${s.bound}${after ? ` AND (${REFERENCE_SQL}, c.id) > (@afterRef, @afterId)` : ''}`,
    )
    .join(' UNION ALL ')} ORDER BY 2, 1 LIMIT @limit`;

const encodeCursor = (reference: string, id: number): string => Buffer.from(JSON.stringify([reference, id])).toString('base64url');

const decodeCursor = (cursor: string): [string, number] => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && Number.isSafeInteger(value[1])) return [value[0], value[1] as number];
  } catch {
    // reported below
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

type PageRow = { id: number; reference: string; rule: RetentionRule };
type Who = { id: number; name: string; status: RetentionRow['status']; business: number };

export const reviewRetention = (store: Store, input: z.output<typeof retentionReviewInput>): RetentionReview => {
  const policies = getPolicies(store);
  const b = dueBounds(policies, input.on, input.rule ?? null);
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const rows = prepared(store.sqlite, pageSql(b.rule, after !== null)).all({
    ...(b.rule !== 'customer' ? { p: b.prospectBefore } : {}),
    ...(b.rule !== 'prospect' ? { c: b.customerBefore } : {}),
    limit: input.limit + 1,
    ...(after ? { afterRef: after[0], afterId: after[1] } : {}),
  }) as PageRow[];
  const more = rows.length > input.limit;
  const page = more ? rows.slice(0, input.limit) : rows;
  const last = page[page.length - 1];
  const who = new Map(
    (
      prepared(
        store.sqlite,
        `SELECT c.id, ${CONTACT_NAME_SQL('c')} AS name, c.status, c.company_id IS NOT NULL AS business
         FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?))`,
      ).all(JSON.stringify(page.map((r) => r.id))) as Who[]
    ).map((w) => [w.id, w]),
  );
  const accountingBefore = dayAfter(lastDueReference(b.on, policies.accountingYears));
  return {
    on: b.on,
    rows: page.map((r) => ({
      contactId: r.id,
      name: who.get(r.id)?.name ?? '',
      status: who.get(r.id)?.status ?? (r.rule === 'prospect' ? 'prospect' : 'customer'),
      business: who.get(r.id)?.business === 1,
      rule: r.rule,
      referenceDate: r.reference.slice(0, 10),
      dueSince: addYears(r.reference, r.rule === 'prospect' ? policies.prospectYears : policies.customerYears),
    })),
    nextCursor: more && last ? encodeCursor(last.reference, last.id) : null,
    due: after ? null : dueCounts(store, b),
    accountingDue: after
      ? null
      : (prepared(store.sqlite, 'SELECT count(*) FROM purchases WHERE purchased_at < ?').pluck().get(accountingBefore) as number),
    policies,
  };
};
