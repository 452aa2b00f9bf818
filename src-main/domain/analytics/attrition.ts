import {
  AppError,
  DAY_MS,
  monthSpan,
  type AtRiskCustomer,
  type AtRiskPage,
  type AtRiskReason,
  type AtRiskSort,
  type AtRiskSummary,
  type AttritionKind,
  type ChurnMonth,
  type CustomerLoss,
  type WinbackPage,
  type WinbackRow,
} from '../../contract';
import { prepared, statement, type Store } from '../../store/db';
import { notFound as contactNotFound } from '../contacts/service';
import { analyticsState, type AnalyticsState } from './figures';

/**
 * Attrition (issue 6, DESIGN §5): churn per month from `month_customers`,
 * customers at risk from `customer_figures`, and customers marked as lost.
 * Everything reads the figures the purchase path keeps current; nothing here
 * rescans purchases.
 */

/** The analysis window as materialised by the last recompute (migration 0012). */
export type AnalysisWindow = Pick<AnalyticsState, 'windowMonths' | 'riskFactor' | 'windowStart' | 'windowEnd' | 'prevStart'>;

export const analysisWindow = (store: Store): AnalysisWindow => analyticsState(store);

/** The instant the analysis speaks of: the end of a window fixed on a reference date, else now. */
export const analysisDate = (w: AnalysisWindow, now: Date): Date => (w.windowEnd === null ? now : new Date(w.windowEnd));

// ---------------------------------------------------------------- churn

const addMonths = (month: string, n: number): string => {
  const total = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
};

/**
 * Churn per month over [from, to] (UTC `YYYY-MM`, both included): churned =
 * active the month before − retained, rate = churned / active the month
 * before. A month without a row had nobody active. One range read of
 * `month_customers`, whatever the size of the base.
 */
export const churnByMonth = (store: Store, range: { from: string; to: string }): ChurnMonth[] => {
  const span = monthSpan(range.from, range.to);
  if (span < 0) return [];
  const rows = prepared(
    store.sqlite,
    'SELECT month, active, new, retained FROM month_customers WHERE month >= ? AND month <= ? ORDER BY month',
  ).all(addMonths(range.from, -1), range.to) as { month: string; active: number; new: number; retained: number }[];
  const byMonth = new Map(rows.map((r) => [r.month, r]));
  const out: ChurnMonth[] = [];
  let before = byMonth.get(addMonths(range.from, -1))?.active ?? 0;
  for (let i = 0; i <= span; i++) {
    const month = addMonths(range.from, i);
    const r = byMonth.get(month);
    const active = r?.active ?? 0;
    const retained = r?.retained ?? 0;
    const fresh = r?.new ?? 0;
    const churned = before - retained;
    out.push({ month, active, new: fresh, returning: active - fresh, retained, churned, rate: before === 0 ? null : churned / before });
    before = active;
  }
  return out;
};

// ---------------------------------------------------------------- memo

const memos = new WeakMap<Store, Map<string, { key: string; value: unknown }>>();

/**
 * A figure read over many rows, kept per connection until anything is
 * written: total_changes() moves with this connection's writes (the worker
 * makes them all), data_version with other connections' commits. `extra`
 * adds what else it depends on (the analysis minute).
 */
export const untilWrite = <T>(store: Store, name: string, extra: string, compute: () => T): T => {
  const changes = Number(prepared(store.sqlite, 'SELECT total_changes()').pluck().get());
  const version = Number(store.sqlite.pragma('data_version', { simple: true }));
  const key = `${changes}|${version}|${extra}`;
  let byName = memos.get(store);
  if (byName === undefined) {
    byName = new Map();
    memos.set(store, byName);
  }
  const hit = byName.get(name);
  if (hit !== undefined && hit.key === key) return hit.value as T;
  const value = compute();
  byName.set(name, { key, value });
  return value;
};

// ---------------------------------------------------------------- at risk

/**
 * The shop's usual gap between two sale days: the (lower) median of
 * `gap_days` over customers active in the window, read at its offset on
 * customer_figures_by_gap. Null when no active customer has two sale days.
 */
export const shopMedianGap = (store: Store): number | null => untilWrite(store, 'shopMedianGap', '', () => readMedianGap(store));

/** ~45 ms at 1M customers (count of the index, then a walk to its middle). */
const readMedianGap = (store: Store): number | null => {
  const n = Number(
    statement(
      store.sqlite,
      'SELECT count(*) FROM customer_figures INDEXED BY customer_figures_by_gap WHERE gap_days IS NOT NULL AND sales > 0',
    )
      .pluck()
      .get(),
  );
  if (n === 0) return null;
  const gap = statement(
    store.sqlite,
    `SELECT gap_days FROM customer_figures INDEXED BY customer_figures_by_gap WHERE gap_days IS NOT NULL AND sales > 0
      ORDER BY gap_days LIMIT 1 OFFSET ?`,
  )
    .pluck()
    .get(Math.floor((n - 1) / 2)) as number;
  return gap;
};

/** What the at-risk rule needs besides a row: the analysis instant and the cut-off for one-sale-day customers. */
export type RiskContext = {
  now: string;
  nowMs: number;
  riskFactor: number;
  shopGap: number | null;
  /** Customers with one sale day whose last sale is at or before this are overdue; null: shop gap unknown. */
  oneDayCutoff: string | null;
};

export const riskContext = (store: Store, now: Date): RiskContext => {
  const w = analysisWindow(store);
  const at = analysisDate(w, now);
  const shopGap = shopMedianGap(store);
  return {
    now: at.toISOString(),
    nowMs: at.getTime(),
    riskFactor: w.riskFactor,
    shopGap,
    oneDayCutoff: shopGap === null ? null : new Date(at.getTime() - Math.round(shopGap * w.riskFactor * DAY_MS)).toISOString(),
  };
};

/**
 * Marked lost and not bought since: won back is read from the contact's last
 * sale, so it holds even before `won_back_at` is written.
 */
export const PENDING_LOSS = (contact: string): string =>
  // aliases of its own, so the caller's (l, c) are never shadowed
  `EXISTS (SELECT 1 FROM customer_losses pending_l WHERE pending_l.contact_id = ${contact} AND pending_l.won_back_at IS NULL
    AND coalesce((SELECT pending_c.last_purchase_at FROM contacts pending_c WHERE pending_c.id = pending_l.contact_id) <= pending_l.marked_at, 1))`;

/** The at-risk signals on a customer_figures alias, marks of loss aside, as SQL with its parameters. */
const signalsSql = (f: string, ctx: RiskContext): { sql: string; params: (string | number)[] } => {
  const parts = [`(${f}.risk_at IS NOT NULL AND ${f}.risk_at <= ?)`, `(${f}.prev_sales >= 2 AND ${f}.sales * 2 <= ${f}.prev_sales)`];
  const params: (string | number)[] = [ctx.now];
  if (ctx.oneDayCutoff !== null) {
    parts.push(`(${f}.gap_days IS NULL AND ${f}.last_at <= ?)`);
    params.push(ctx.oneDayCutoff);
  }
  return { sql: `${f}.sales > 0 AND (${parts.join(' OR ')})`, params };
};

/**
 * The at-risk rule on a customer_figures alias: active in the window, a
 * signal, and not marked lost (the analysis instant and the one-sale-day
 * cut-off as parameters).
 */
export const atRiskSql = (f: string, ctx: RiskContext): { sql: string; params: (string | number)[] } => {
  const signals = signalsSql(f, ctx);
  return { sql: `${signals.sql} AND NOT ${PENDING_LOSS(`${f}.contact_id`)}`, params: signals.params };
};

type FigureRow = {
  contactId: number;
  sales: number;
  prevSales: number;
  totalCents: number;
  lastAt: string | null;
  gapDays: number | null;
  riskAt: string | null;
  lastPurchaseAt: string | null;
  firstName: string | null;
  lastName: string | null;
};

const FIGURE_COLUMNS = `f.contact_id AS contactId, f.sales, f.prev_sales AS prevSales, f.total_cents AS totalCents,
  f.last_at AS lastAt, f.gap_days AS gapDays, f.risk_at AS riskAt, c.last_purchase_at AS lastPurchaseAt,
  c.first_name AS firstName, c.last_name AS lastName`;

const days = (ms: number): number => Math.floor(ms / DAY_MS);

/** When the customer is (or will be) overdue: their own risk_at, or their single sale day plus the shop's gap × factor. */
const dueAt = (r: Pick<FigureRow, 'gapDays' | 'riskAt' | 'lastAt'>, ctx: RiskContext): string | null => {
  if (r.gapDays !== null) return r.riskAt;
  if (ctx.shopGap === null || r.lastAt === null) return null;
  return new Date(Date.parse(r.lastAt) + Math.round(ctx.shopGap * ctx.riskFactor * DAY_MS)).toISOString();
};

/** The reasons a customer is at risk (empty: not at risk), as shown beside them. */
export const riskReasons = (r: Omit<FigureRow, 'firstName' | 'lastName' | 'contactId'>, ctx: RiskContext): AtRiskReason[] => {
  const out: AtRiskReason[] = [];
  if (r.sales <= 0) return out;
  const due = dueAt(r, ctx);
  if (due !== null && Date.parse(due) <= ctx.nowMs) {
    const last = r.gapDays !== null ? (r.lastPurchaseAt ?? r.lastAt) : r.lastAt;
    out.push({
      kind: 'overdue',
      daysOverdue: days(ctx.nowMs - Date.parse(due)),
      daysSinceLastSale: last === null ? 0 : days(ctx.nowMs - Date.parse(last)),
      usualGapDays: r.gapDays ?? ctx.shopGap ?? 0,
      shopGap: r.gapDays === null,
    });
  }
  if (r.prevSales >= 2 && r.sales * 2 <= r.prevSales) out.push({ kind: 'declining', previousSales: r.prevSales, sales: r.sales });
  return out;
};

const toCustomer = (r: FigureRow, ctx: RiskContext): AtRiskCustomer => ({
  contactId: r.contactId,
  firstName: r.firstName,
  lastName: r.lastName,
  lastPurchaseAt: r.lastPurchaseAt,
  valueCents: r.totalCents,
  dueAt: dueAt(r, ctx),
  reasons: riskReasons(r, ctx),
});

/**
 * How many customers are at risk and their revenue over the window: one
 * sequential pass over the figures, then the few customers marked lost taken
 * out through customer_losses. The three signals live on different columns
 * and the value is not in any index, so the index ranges would each need a
 * row lookup per customer: at 1M customers, letting SQLite pick
 * customer_figures_by_sales took ~1 s, the plain scan ~150 ms (measured in
 * test/bench/attrition.ts). Kept until the next write, per analysis minute.
 */
export const atRiskSummary = (store: Store, now: Date = new Date()): AtRiskSummary => {
  const ctx = riskContext(store, now);
  return untilWrite(store, 'atRiskSummary', ctx.now.slice(0, 16), () => {
    const rule = signalsSql('f', ctx);
    const all = prepared(
      store.sqlite,
      `SELECT count(*) AS customers, coalesce(sum(f.total_cents), 0) AS valueCents FROM customer_figures f NOT INDEXED WHERE ${rule.sql}`,
    ).get(...rule.params) as AtRiskSummary;
    const lost = prepared(
      store.sqlite,
      `SELECT count(*) AS customers, coalesce(sum(f.total_cents), 0) AS valueCents
        FROM customer_losses l JOIN customer_figures f ON f.contact_id = l.contact_id
        WHERE ${PENDING_LOSS('l.contact_id')} AND ${rule.sql}`,
    ).get(...rule.params) as AtRiskSummary;
    return { customers: all.customers - lost.customers, valueCents: all.valueCents - lost.valueCents };
  });
};

type Cursor = { v: [number, number] } | { a: [string, number] | null; b: [string, number] | null; ae: boolean; be: boolean };

const badCursor = (): AppError =>
  new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });

const readCursor = (raw: string | null, sort: AtRiskSort): Cursor | null => {
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badCursor();
  }
  const pair = (v: unknown, first: 'string' | 'number'): boolean =>
    Array.isArray(v) && v.length === 2 && typeof v[0] === first && Number.isSafeInteger(v[1]);
  if (typeof parsed !== 'object' || parsed === null) throw badCursor();
  const c = parsed as Record<string, unknown>;
  if (sort === 'value' && pair(c.v, 'number')) return parsed as Cursor;
  if (
    sort === 'overdue' &&
    (c.a === null || pair(c.a, 'string')) &&
    (c.b === null || pair(c.b, 'string')) &&
    typeof c.ae === 'boolean' &&
    typeof c.be === 'boolean'
  )
    return parsed as Cursor;
  throw badCursor();
};

/**
 * One page of customers at risk, keyset-paged. By value: the window revenue
 * index walked downwards, at-risk rows kept. By days overdue: two ordered
 * streams merged on the due date — customers with a known gap along
 * customer_figures_by_risk (risk_at is their due date), customers with one
 * sale day along customer_figures_by_last (due = last sale + shop gap ×
 * factor, so the same order) — each resumed from its own position.
 */
export const atRiskPage = (
  store: Store,
  input: { sort: AtRiskSort; cursor: string | null; limit: number },
  now: Date = new Date(),
): AtRiskPage => {
  const ctx = riskContext(store, now);
  const rule = atRiskSql('f', ctx);
  const cursor = readCursor(input.cursor, input.sort);
  const summary = atRiskSummary(store, now);
  if (input.sort === 'value') {
    const after = cursor !== null && 'v' in cursor ? cursor.v : null;
    const rows = statement(
      store.sqlite,
      `SELECT ${FIGURE_COLUMNS} FROM customer_figures f INDEXED BY customer_figures_by_total JOIN contacts c ON c.id = f.contact_id
        WHERE ${rule.sql}${after === null ? '' : ' AND (f.total_cents, f.contact_id) < (?, ?)'}
        ORDER BY f.total_cents DESC, f.contact_id DESC LIMIT ?`,
    ).all(...rule.params, ...(after ?? []), input.limit + 1) as FigureRow[];
    const page = rows.slice(0, input.limit);
    const last = page[page.length - 1];
    return {
      rows: page.map((r) => toCustomer(r, ctx)),
      nextCursor: rows.length > input.limit && last !== undefined ? JSON.stringify({ v: [last.totalCents, last.contactId] }) : null,
      summary,
    };
  }
  const state = cursor !== null && 'ae' in cursor ? cursor : { a: null, b: null, ae: false, be: false };
  const a = state.ae
    ? []
    : (statement(
        store.sqlite,
        `SELECT ${FIGURE_COLUMNS} FROM customer_figures f INDEXED BY customer_figures_by_risk JOIN contacts c ON c.id = f.contact_id
          WHERE f.risk_at IS NOT NULL AND ${rule.sql}${state.a === null ? '' : ' AND (f.risk_at, f.contact_id) > (?, ?)'}
          ORDER BY f.risk_at, f.contact_id LIMIT ?`,
      ).all(...rule.params, ...(state.a ?? []), input.limit + 1) as FigureRow[]);
  // a single sale day cannot be declining (two windows with sales are two days), so only the overdue ones: a bounded range
  const b =
    state.be || ctx.oneDayCutoff === null
      ? []
      : (statement(
          store.sqlite,
          `SELECT ${FIGURE_COLUMNS} FROM customer_figures f INDEXED BY customer_figures_by_last JOIN contacts c ON c.id = f.contact_id
            WHERE f.gap_days IS NULL AND f.last_at <= ? AND ${rule.sql}${state.b === null ? '' : ' AND (f.last_at, f.contact_id) > (?, ?)'}
            ORDER BY f.last_at, f.contact_id LIMIT ?`,
        ).all(ctx.oneDayCutoff, ...rule.params, ...(state.b ?? []), input.limit + 1) as FigureRow[]);
  const out: AtRiskCustomer[] = [];
  let ia = 0;
  let ib = 0;
  const key = (r: FigureRow): number => {
    const due = dueAt(r, ctx);
    return due === null ? Number.POSITIVE_INFINITY : Date.parse(due);
  };
  while (out.length < input.limit && (ia < a.length || ib < b.length)) {
    const ra = a[ia];
    const rb = b[ib];
    const takeA = ra !== undefined && (rb === undefined || key(ra) < key(rb) || (key(ra) === key(rb) && ra.contactId < rb.contactId));
    const r = takeA ? ra : rb;
    if (r === undefined) break;
    out.push(toCustomer(r, ctx));
    if (takeA) ia++;
    else ib++;
  }
  const lastA = a[ia - 1];
  const lastB = b[ib - 1];
  const next = {
    a: lastA !== undefined && lastA.riskAt !== null ? ([lastA.riskAt, lastA.contactId] as [string, number]) : state.a,
    b: lastB !== undefined && lastB.lastAt !== null ? ([lastB.lastAt, lastB.contactId] as [string, number]) : state.b,
    ae: state.ae || (ia >= a.length && a.length <= input.limit),
    be: state.be || (ib >= b.length && b.length <= input.limit),
  };
  const more = !(next.ae && next.be);
  return { rows: out, nextCursor: more ? JSON.stringify(next) : null, summary };
};

/** One customer's risk: their reasons (none when not at risk or marked lost) and due date. */
export const contactRisk = (
  store: Store,
  contactId: number,
  now: Date = new Date(),
): { atRisk: boolean; reasons: AtRiskReason[]; dueAt: string | null; valueCents: number } => {
  const ctx = riskContext(store, now);
  const r = prepared(
    store.sqlite,
    `SELECT ${FIGURE_COLUMNS}, ${PENDING_LOSS('f.contact_id')} AS lost FROM customer_figures f JOIN contacts c ON c.id = f.contact_id
      WHERE f.contact_id = ?`,
  ).get(contactId) as (FigureRow & { lost: number }) | undefined;
  if (r === undefined) return { atRisk: false, reasons: [], dueAt: null, valueCents: 0 };
  const reasons = r.lost === 1 ? [] : riskReasons(r, ctx);
  return { atRisk: reasons.length > 0, reasons, dueAt: dueAt(r, ctx), valueCents: r.totalCents };
};

// ---------------------------------------------------------------- lost and won back

const LOSS_COLUMNS = `l.contact_id AS contactId, l.attrition, l.note, l.marked_at AS markedAt,
  coalesce(l.won_back_at, CASE WHEN c.last_purchase_at > l.marked_at THEN c.last_purchase_at END) AS wonBackAt`;

export const getLoss = (store: Store, contactId: number): CustomerLoss | null =>
  (prepared(
    store.sqlite,
    `SELECT ${LOSS_COLUMNS} FROM customer_losses l JOIN contacts c ON c.id = l.contact_id WHERE l.contact_id = ?`,
  ).get(contactId) as CustomerLoss | undefined) ?? null;

const ensureContact = (store: Store, contactId: number): void => {
  if (prepared(store.sqlite, 'SELECT 1 FROM contacts WHERE id = ?').get(contactId) === undefined) throw contactNotFound(contactId);
};

/**
 * Writes `won_back_at` for those of these contacts marked lost who bought
 * after the mark: the first such sale. Cheap (a primary-key probe and one
 * seek of purchases_by_contact each), so the purchase path may call it with
 * the contacts it touched; reads do not depend on it.
 */
export const recordWinBacks = (store: Store, contactIds: readonly number[] | null): number =>
  prepared(
    store.sqlite,
    `UPDATE customer_losses AS l SET won_back_at = (SELECT min(p.purchased_at) FROM purchases p
        WHERE p.contact_id = l.contact_id AND p.kind = 'sale' AND p.purchased_at > l.marked_at)
      WHERE l.won_back_at IS NULL AND (? IS NULL OR l.contact_id IN (SELECT value FROM json_each(?)))
        AND EXISTS (SELECT 1 FROM purchases p WHERE p.contact_id = l.contact_id AND p.kind = 'sale' AND p.purchased_at > l.marked_at)`,
  ).run(contactIds === null ? null : 1, JSON.stringify(contactIds ?? [])).changes;

/** Marks a contact as lost (replacing an earlier mark) and files them as a former customer. */
export const markLost = (
  store: Store,
  input: { contactId: number; attrition: AttritionKind; note?: string | null | undefined },
  now: Date = new Date(),
): CustomerLoss => {
  ensureContact(store, input.contactId);
  const at = now.toISOString();
  prepared(
    store.sqlite,
    `INSERT INTO customer_losses (contact_id, attrition, note, marked_at, won_back_at) VALUES (?, ?, ?, ?, NULL)
      ON CONFLICT (contact_id) DO UPDATE SET attrition = excluded.attrition, note = excluded.note, marked_at = excluded.marked_at, won_back_at = NULL`,
  ).run(input.contactId, input.attrition, input.note ?? null, at);
  prepared(store.sqlite, "UPDATE contacts SET status = 'former', updated_at = ? WHERE id = ? AND status <> 'former'").run(at, input.contactId);
  const loss = getLoss(store, input.contactId);
  if (loss === null) throw new Error('the loss just written is missing');
  return loss;
};

/**
 * Takes the mark back: the contact is a customer again if they ever bought,
 * else a prospect (the status before the mark is not kept; a former
 * customer is a customer who bought).
 */
export const unmarkLost = (store: Store, contactId: number, now: Date = new Date()): { contactId: number } => {
  ensureContact(store, contactId);
  const removed = prepared(store.sqlite, 'DELETE FROM customer_losses WHERE contact_id = ?').run(contactId).changes;
  if (removed === 0) throw new AppError('NOT_FOUND', `contact ${contactId} is not marked as lost`, { entity: 'loss', id: contactId });
  prepared(
    store.sqlite,
    `UPDATE contacts SET status = CASE WHEN purchase_count > 0 THEN 'customer' ELSE 'prospect' END, updated_at = ?
      WHERE id = ? AND status = 'former'`,
  ).run(now.toISOString(), contactId);
  return { contactId };
};

/**
 * Customers marked lost and not won back, latest mark first (keyset on
 * marked_at, contact), with the counts of those still lost and won back.
 * Marks are made by hand, so the table stays small: read whole.
 */
export const winbackPage = (store: Store, input: { cursor: string | null; limit: number }): WinbackPage => {
  let after: [string, number] | null = null;
  if (input.cursor !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.cursor);
    } catch {
      throw badCursor();
    }
    if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || !Number.isSafeInteger(parsed[1])) throw badCursor();
    after = [parsed[0], parsed[1] as number];
  }
  const counts = prepared(
    store.sqlite,
    `SELECT count(*) FILTER (WHERE NOT won) AS lost, count(*) FILTER (WHERE won) AS wonBack FROM (
      SELECT l.won_back_at IS NOT NULL OR coalesce(c.last_purchase_at > l.marked_at, 0) AS won
      FROM customer_losses l JOIN contacts c ON c.id = l.contact_id)`,
  ).get() as { lost: number; wonBack: number };
  const rows = prepared(
    store.sqlite,
    `SELECT ${LOSS_COLUMNS}, c.first_name AS firstName, c.last_name AS lastName, c.last_purchase_at AS lastPurchaseAt,
        c.total_cents AS valueCents
      FROM customer_losses l JOIN contacts c ON c.id = l.contact_id
      WHERE l.won_back_at IS NULL AND coalesce(c.last_purchase_at <= l.marked_at, 1)
        ${after === null ? '' : 'AND (l.marked_at, l.contact_id) < (?, ?)'}
      ORDER BY l.marked_at DESC, l.contact_id DESC LIMIT ?`,
  ).all(...(after ?? []), input.limit + 1) as WinbackRow[];
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: rows.length > input.limit && last !== undefined ? JSON.stringify([last.markedAt, last.contactId]) : null,
    lost: counts.lost,
    wonBack: counts.wonBack,
  };
};

// ---------------------------------------------------------------- segment criteria

/** The `atRisk` criterion: contacts in the at-risk set, built once per query from the figures. */
export const atRiskCond = (store: Store, contact: string, now: Date): { sql: string; params: (string | number)[] } => {
  const rule = atRiskSql('f', riskContext(store, now));
  // a plain scan: an index would cost a row lookup per customer (see atRiskSummary)
  return { sql: `${contact}.id IN (SELECT f.contact_id FROM customer_figures f NOT INDEXED WHERE ${rule.sql})`, params: rule.params };
};

/** The `markedLost` criterion: the (small) set of pending losses. */
export const markedLostCond = (contact: string): { sql: string; params: (string | number)[] } => ({
  sql: `${contact}.id IN (SELECT l.contact_id FROM customer_losses l WHERE ${PENDING_LOSS('l.contact_id')})`,
  params: [],
});
