import {
  contactStatuses,
  instantRange,
  localDate,
  fold,
  type ConsentTarget,
  type SegmentCriterion,
  type SegmentDefinition,
  type SegmentField,
  type SegmentNode,
} from '../../contract';
import { statement, type Store } from '../../store/db';
import { contactableCond, countContactable } from '../consent/sql';
import { and, FALSE, or, placeholders, prefixEnd, rangeTest, tagsProbe, tagsSet, TRUE, type Cond } from '../contacts/conditions';
import { cityKey } from '../contacts/keys';
import { countFiguresOnly, paretoTierCond, rfmScoreCond, rfmSegmentCond } from '../analytics/rfm';
import { atRiskCond, markedLostCond } from '../analytics/attrition';

/**
 * A segment definition as ONE SQL condition over a contacts alias, values
 * always bound. Conditions may be NULL where a column is (no purchase yet):
 * NULL is read as "no" everywhere, which AND and OR already do, and `not`
 * turns it into 0 first, or "not bought since" would drop the people who
 * never bought at all.
 */

/** What a compiled condition depends on besides the definition: "today" and the base (tag sizes, product categories). */
export type CompileContext = { store: Store; now: Date };

type Compiler<F extends SegmentField> = (c: Extract<SegmentCriterion, { field: F }>, alias: string, ctx: CompileContext) => Cond;

/** Above this many members a tag is checked by a probe per contact rather than a set built first (~0.2 µs a member, ~1 µs a probe). */
const TAG_SET_MAX = 100_000;

const col = (alias: string) => (name: string) => `${alias}.${name}`;

/** Local midnight N−1 days before today, as a UTC instant: "in the last N days" counts today as the first. */
export const withinFrom = (now: Date, days: number): string =>
  new Date(now.getFullYear(), now.getMonth(), now.getDate() - (days - 1)).toISOString();

type DateRange = { from?: string | undefined; to?: string | undefined; withinDays?: number | undefined };

/** [from, to) instants: the list's reading of dates (a bare `to` includes its day), narrowed by `withinDays`. */
export const dateBounds = (r: DateRange, now: Date): { from: string | null; to: string | null } => {
  const b = instantRange(r.from, r.to);
  if (r.withinDays === undefined) return b;
  const w = withinFrom(now, r.withinDays);
  return { from: b.from === null || b.from < w ? w : b.from, to: b.to };
};

const numberRange = (column: string, min: number | undefined, max: number | undefined): Cond => {
  const parts: Cond[] = [];
  if (min !== undefined) parts.push({ sql: `${column} >= ?`, params: [min] });
  if (max !== undefined) parts.push({ sql: `${column} <= ?`, params: [max] });
  return and(parts);
};

const dateCriterion =
  (column: string) =>
  (c: DateRange, alias: string, { now }: CompileContext): Cond => {
    const b = dateBounds(c, now);
    // no bound: "has such a date" (has bought at all), not "everyone"
    if (b.from === null && b.to === null) return { sql: `${alias}.${column} IS NOT NULL`, params: [] };
    return rangeTest(column, b.from, b.to)(col(alias));
  };

/**
 * Contacts with a sale line of one of `productIds` on or after `since`, not
 * wholly refunded since (refund lines carry negative quantities, so a net
 * quantity above zero is also what tells a sale line). Built once per query
 * as a set, from the products' lines to their purchases: the purchase ids
 * are gathered first so the purchases are then read in rowid order, not one
 * random read per line (measured at 10M lines, a 1M-line category: 7.8 s
 * line by line, 2.7 s this way; test/bench/segments.ts).
 */
const boughtSet = (alias: string, productIds: readonly number[], since: string | null): Cond =>
  productIds.length === 0
    ? FALSE
    : {
        sql: `${alias}.id IN (SELECT p.contact_id FROM purchases p
          WHERE p.id IN (SELECT l.purchase_id FROM purchase_lines l INDEXED BY purchase_lines_by_product
              WHERE l.product_id IN (SELECT value FROM json_each(?))
                AND l.quantity_milli + coalesce((SELECT sum(r.quantity_milli) FROM purchase_lines r WHERE r.refunds_line = l.id), 0) > 0)
            AND p.kind = 'sale'${since === null ? '' : ' AND p.purchased_at >= ?'})`,
        params: since === null ? [JSON.stringify(productIds)] : [JSON.stringify(productIds), since],
      };

const sinceOf = (since: string | undefined): string | null => (since === undefined ? null : instantRange(since, undefined).from);

/** Products of these categories, matched without case or accents; the catalogue is small enough to fold in JS. */
const productsOfCategories = (store: Store, categories: readonly string[]): number[] => {
  const wanted = new Set(categories.map(fold));
  const rows = statement(store.sqlite, 'SELECT id, category FROM products WHERE category IS NOT NULL').all() as {
    id: number;
    category: string;
  }[];
  return rows.filter((r) => wanted.has(fold(r.category))).map((r) => r.id);
};

const tagMembers = (store: Store, tagIds: readonly number[]): number =>
  Number(
    statement(store.sqlite, 'SELECT coalesce(sum(contact_count), 0) FROM tags WHERE id IN (SELECT value FROM json_each(?))')
      .pluck()
      .get(JSON.stringify(tagIds)),
  );

/**
 * One compiler per criterion kind: the Record over SegmentField makes a new
 * kind in the contract fail to build until it is compiled here.
 */
const compilers: { [F in SegmentField]: Compiler<F> } = {
  status: (c, a) => ({ sql: `${a}.status IN (${placeholders(c.in.length)})`, params: [...c.in] }),
  tags: (c, a, { store }) => (tagMembers(store, c.tagIds) <= TAG_SET_MAX ? tagsSet(`${a}.id`, c.tagIds) : tagsProbe(`${a}.id`, c.tagIds)),
  source: (c, a) => ({ sql: `${a}.source IN (${placeholders(c.in.length)})`, params: [...c.in] }),
  city: (c, a) => {
    // the list's city filter: the folded key, matched from its start
    const key = cityKey(c.prefix.trim());
    return key === '' ? TRUE : rangeTest('city_key', key, prefixEnd(key))(col(a));
  },
  postcode: (c, a) => {
    const p = c.prefix.trim().toUpperCase();
    return rangeTest('postcode', p, prefixEnd(p))(col(a));
  },
  created: dateCriterion('created_at'),
  lastPurchase: dateCriterion('last_purchase_at'),
  firstPurchase: dateCriterion('first_purchase_at'),
  purchaseCount: (c, a) => numberRange(`${a}.purchase_count`, c.min, c.max),
  totalSpent: (c, a) => numberRange(`${a}.total_cents`, c.minCents, c.maxCents),
  boughtProduct: (c, a) => boughtSet(a, [...new Set(c.productIds)], sinceOf(c.since)),
  boughtCategory: (c, a, { store }) => boughtSet(a, productsOfCategories(store, c.categories), sinceOf(c.since)),
  contactable: (c, a, { now }) => contactableCond(a, { channel: c.channel, purpose: c.purpose }, localDate(now)),
  loyaltyTier: (c, a) => ({
    sql: `${a}.id IN (SELECT m.contact_id FROM loyalty_members m WHERE m.tier IN (SELECT value FROM json_each(?)))`,
    params: [JSON.stringify(c.in)],
  }),
  loyaltyBalance: (c, a) => {
    const r = numberRange('m.balance', c.min, c.max);
    return { sql: `${a}.id IN (SELECT m.contact_id FROM loyalty_members m WHERE ${r.sql})`, params: r.params };
  },
  rfmScore: (c, a, { store }) => rfmScoreCond(store, a, c),
  rfmSegment: (c, a, { store }) => rfmSegmentCond(store, a, c.in),
  paretoTier: (c, a, { store }) => paretoTierCond(store, a, c.in),
  atRisk: (_c, a, { store, now }) => atRiskCond(store, a, now),
  markedLost: (_c, a) => markedLostCond(a),
  // a range of the months index: the month's buyers, each once whatever their number of sales
  boughtInMonths: (c, a) => ({
    sql: `${a}.id IN (SELECT m.contact_id FROM customer_months m INDEXED BY customer_months_by_month WHERE m.month BETWEEN ? AND ?)`,
    params: [c.from, c.to],
  }),
};

const compileCriterion = <F extends SegmentField>(c: Extract<SegmentCriterion, { field: F }>, alias: string, ctx: CompileContext): Cond =>
  (compilers[c.field] as Compiler<F>)(c, alias, ctx);

/** Cheap tests first: SQLite checks terms in order, so a probe or a set only runs for rows the columns let through. */
const cost = (node: SegmentNode): number => {
  if (!('field' in node)) return node.op === 'not' ? cost(node.child) : Math.max(...node.children.map(cost));
  switch (node.field) {
    case 'status':
    case 'source':
    case 'city':
    case 'postcode':
    case 'created':
    case 'lastPurchase':
    case 'totalSpent':
      return 0;
    case 'firstPurchase':
    case 'purchaseCount':
      return 1;
    default:
      return 2;
  }
};

export const compileNode = (node: SegmentNode, alias: string, ctx: CompileContext): Cond => {
  if ('field' in node) return compileCriterion(node, alias, ctx);
  if (node.op === 'not') {
    const inner = compileNode(node.child, alias, ctx);
    if (inner.sql === '1') return FALSE;
    if (inner.sql === '0') return TRUE;
    return { sql: `NOT coalesce(${inner.sql}, 0)`, params: inner.params };
  }
  const kids = [...node.children].sort((x, y) => cost(x) - cost(y)).map((k) => compileNode(k, alias, ctx));
  return node.op === 'and' ? and(kids) : or(kids);
};

/** The whole definition as one condition on `alias` (a contacts row). */
export const compileSegment = (definition: SegmentDefinition, alias: string, ctx: CompileContext): Cond => {
  const cond = compileNode(definition.root, alias, ctx);
  // parenthesised, so it can be ANDed into any query: its top level may be an OR
  return cond.sql === '1' || cond.sql === '0' ? cond : { sql: `(${cond.sql})`, params: cond.params };
};

/**
 * "Contactable by e-mail for offers" (issue 4), alone or with a status:
 * counted from the consent indexes without testing each contact (measured
 * at 1M: ~380 ms as a per-row test, a few tens of ms this way; test/bench/segments.ts).
 */
const contactableOnly = (root: SegmentNode): { target: ConsentTarget; statuses: string[] } | null => {
  const parts = 'field' in root ? [root] : root.op === 'and' ? root.children : [];
  const reach = parts.filter((p): p is Extract<SegmentCriterion, { field: 'contactable' }> => 'field' in p && p.field === 'contactable');
  const first = reach[0];
  if (first === undefined || reach.some((r) => r.channel !== first.channel || r.purpose !== first.purpose)) return null;
  let statuses: string[] = [...contactStatuses];
  for (const p of parts) {
    if (!('field' in p)) return null;
    if (p.field === 'status') statuses = statuses.filter((s) => (p.in as readonly string[]).includes(s));
    else if (p.field !== 'contactable') return null;
  }
  return { target: { channel: first.channel, purpose: first.purpose }, statuses };
};

export const countSegment = (store: Store, definition: SegmentDefinition, now = new Date()): number => {
  const figures = 'field' in definition.root ? countFiguresOnly(store, definition.root) : null;
  if (figures !== null) return figures;
  const fast = contactableOnly(definition.root);
  if (fast !== null) return fast.statuses.length === 0 ? 0 : countContactable(store, fast.target, localDate(now), fast.statuses);
  const cond = compileSegment(definition, 'c', { store, now });
  return Number(statement(store.sqlite, `SELECT count(*) FROM contacts c WHERE ${cond.sql}`).pluck().get(...cond.params));
};

export const segmentIds = (store: Store, definition: SegmentDefinition, now = new Date()): number[] => {
  const cond = compileSegment(definition, 'c', { store, now });
  return statement(store.sqlite, `SELECT c.id FROM contacts c WHERE ${cond.sql} ORDER BY c.id`).pluck().all(...cond.params) as number[];
};
