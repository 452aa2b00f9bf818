import { addDays, addMonths, AppError, DAY_MS, dayInstant, type AnalyticsConfig, type AnalyticsStatus } from '../../contract';
import { bulkInsert, prepared, type Store } from '../../store/db';
import { withDiskSorts } from '../../store/open';

/**
 * Per-customer and per-month figures (migration 0012), kept current in the
 * transaction of every purchase change: one contact's rows are rebuilt from
 * that contact's purchases, read from the covering index purchases_by_contact
 * (a handful of entries), so there is one definition of every figure — the
 * same function serves a sale at the counter, a deletion, a merge and the
 * full recompute.
 */

export type AnalyticsState = AnalyticsConfig & {
  windowStart: string | null;
  windowEnd: string | null;
  prevStart: string | null;
  thresholds: unknown;
  thresholdsAt: string | null;
  stale: boolean;
};

type StateRow = {
  windowMonths: number;
  referenceDate: string | null;
  riskFactor: number;
  windowStart: string | null;
  windowEnd: string | null;
  prevStart: string | null;
  thresholds: string | null;
  thresholdsAt: string | null;
  stale: number;
};

export const analyticsState = (store: Store): AnalyticsState => {
  const row = prepared(
    store.sqlite,
    `SELECT window_months AS windowMonths, reference_date AS referenceDate, risk_factor AS riskFactor,
      window_start AS windowStart, window_end AS windowEnd, prev_start AS prevStart, thresholds,
      thresholds_at AS thresholdsAt, stale
      FROM analytics_state WHERE id = 1`,
  ).get() as StateRow | undefined;
  if (row === undefined) throw new AppError('INTERNAL', 'analytics state missing');
  return {
    ...row,
    thresholds: row.thresholds === null ? null : (JSON.parse(row.thresholds) as unknown),
    stale: row.stale === 1,
  };
};

export const analyticsStatus = (store: Store): AnalyticsStatus => {
  const s = analyticsState(store);
  return {
    windowMonths: s.windowMonths,
    referenceDate: s.referenceDate,
    riskFactor: s.riskFactor,
    window: s.windowStart === null || s.prevStart === null ? null : { start: s.windowStart, end: s.windowEnd, prevStart: s.prevStart },
    thresholdsAt: s.thresholdsAt,
    stale: s.stale,
  };
};

export type WindowBounds = { start: string; end: string | null; prevStart: string };


/**
 * The window for a configuration on a given day: the last `months` months up
 * to the end of the reference day (UTC), or of today when it follows today —
 * then open-ended, so a sale dated later today or tomorrow still counts.
 */
export const windowBounds = (config: Pick<AnalyticsConfig, 'windowMonths' | 'referenceDate'>, now: Date): WindowBounds => {
  const lastDay = config.referenceDate ?? now.toISOString().slice(0, 10);
  const endDay = addDays(lastDay, 1);
  const startDay = addMonths(endDay, -config.windowMonths);
  return {
    start: dayInstant(startDay),
    end: config.referenceDate === null ? null : dayInstant(endDay),
    prevStart: dayInstant(addMonths(startDay, -config.windowMonths)),
  };
};

/** One purchase as the covering index gives it. */
type Sale = { at: string; cents: number; sale: boolean };

export type CustomerFigures = {
  sales: number;
  totalCents: number;
  firstAt: string | null;
  lastAt: string | null;
  prevSales: number;
  prevTotalCents: number;
  gapDays: number | null;
  riskAt: string | null;
};

/**
 * Days since 1970-01-01 of an ISO instant's UTC date, by integer arithmetic
 * on its digits (days-from-civil): the full recompute takes it for 10M
 * sales, where Date.parse was a tenth of the time.
 */
export const dayNumber = (iso: string): number => {
  const y0 = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
};

/** Median of sorted whole numbers, halves rounded up: the usual gap in whole days. */
const median = (sorted: readonly number[]): number => {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : Math.round(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2);
};

/**
 * A contact's figures from its purchases in date order. The usual gap is the
 * median number of days between consecutive days with a sale (two tickets
 * the same day are one visit); it needs two such days.
 */
export const figuresOf = (purchases: readonly Sale[], bounds: WindowBounds, riskFactor: number): CustomerFigures => {
  const f: CustomerFigures = { sales: 0, totalCents: 0, firstAt: null, lastAt: null, prevSales: 0, prevTotalCents: 0, gapDays: null, riskAt: null };
  const days: number[] = [];
  let lastSale: string | null = null;
  for (const p of purchases) {
    const inWindow = p.at >= bounds.start && (bounds.end === null || p.at < bounds.end);
    const inPrevious = !inWindow && p.at >= bounds.prevStart && p.at < bounds.start;
    if (inWindow) {
      f.totalCents += p.cents;
      if (p.sale) {
        f.sales += 1;
        if (f.firstAt === null) f.firstAt = p.at;
        f.lastAt = p.at;
      }
    } else if (inPrevious) {
      f.prevTotalCents += p.cents;
      if (p.sale) f.prevSales += 1;
    }
    if (p.sale) {
      lastSale = p.at;
      const day = dayNumber(p.at);
      if (days[days.length - 1] !== day) days.push(day);
    }
  }
  if (days.length >= 2 && lastSale !== null) {
    const gaps: number[] = [];
    for (let i = 1; i < days.length; i++) gaps.push((days[i] ?? 0) - (days[i - 1] ?? 0));
    gaps.sort((a, b) => a - b);
    f.gapDays = median(gaps);
    f.riskAt = new Date(Date.parse(lastSale) + Math.round(f.gapDays * riskFactor * DAY_MS)).toISOString();
  }
  return f;
};

/** Sales per UTC month, refunds excluded: the months in which the customer bought. */
const monthsOf = (purchases: readonly Sale[]): Map<string, number> => {
  const months = new Map<string, number>();
  for (const p of purchases) if (p.sale) months.set(p.at.slice(0, 7), (months.get(p.at.slice(0, 7)) ?? 0) + 1);
  return months;
};

/**
 * The materialised window: every refresh must use the bounds the other rows
 * were computed with, not "now", or one customer would be measured on another
 * day. A base never computed yet (new) uses today's, which the first
 * scheduled run then stores.
 */
const currentBounds = (store: Store, now: Date): { bounds: WindowBounds; riskFactor: number } => {
  // only the window's columns: this runs in every sale's transaction, the thresholds' JSON is not needed there
  const s = prepared(
    store.sqlite,
    `SELECT window_months AS windowMonths, reference_date AS referenceDate, risk_factor AS riskFactor,
      window_start AS windowStart, window_end AS windowEnd, prev_start AS prevStart FROM analytics_state WHERE id = 1`,
  ).get() as Pick<AnalyticsState, 'windowMonths' | 'referenceDate' | 'riskFactor' | 'windowStart' | 'windowEnd' | 'prevStart'>;
  const bounds =
    s.windowStart !== null && s.prevStart !== null ? { start: s.windowStart, end: s.windowEnd, prevStart: s.prevStart } : windowBounds(s, now);
  return { bounds, riskFactor: s.riskFactor };
};

const saveBounds = (store: Store, b: WindowBounds): void => {
  prepared(store.sqlite, 'UPDATE analytics_state SET window_start = ?, window_end = ?, prev_start = ? WHERE id = 1').run(
    b.start,
    b.end,
    b.prevStart,
  );
};

/**
 * Customers of an id range, each with all their purchases packed in one
 * text: a sale's refresh reads one id, the full recompute 5,000 at a time.
 * better-sqlite3 spends about 1 µs making each row of a result (an array per
 * row), some twenty times what SQLite spends reading an index entry, so at
 * 10M sales reading one row a purchase took 18 s against 7.7 s packed by
 * customer. A purchase is its instant, a unit separator, 1 for a sale or 0,
 * and its amount; purchases are joined by a record separator (instants are
 * ISO text: neither control character can be in one).
 */
const PACKED_SLICE = `SELECT contact_id, group_concat(purchased_at || char(31) || (kind = 'sale') || amount_cents, char(30))
  FROM purchases INDEXED BY purchases_by_contact WHERE contact_id >= ? AND contact_id < ? GROUP BY contact_id`;

/**
 * One customer's purchases from their packed text, in date order as
 * `figuresOf` wants them. The covering index hands them over in that order;
 * were a plan ever to differ, they are sorted here.
 */
export const unpack = (packed: string): Sale[] => {
  const sales: Sale[] = [];
  let ordered = true;
  for (let i = 0; i < packed.length; ) {
    const unit = packed.indexOf('\u001f', i);
    const next = packed.indexOf('\u001e', unit);
    const end = next === -1 ? packed.length : next;
    const at = packed.slice(i, unit);
    const negative = packed.charCodeAt(unit + 2) === 45;
    let cents = 0;
    for (let k = negative ? unit + 3 : unit + 2; k < end; k++) cents = cents * 10 + packed.charCodeAt(k) - 48;
    const last = sales[sales.length - 1];
    if (last !== undefined && at < last.at) ordered = false;
    sales.push({ at, cents: negative ? -cents : cents, sale: packed.charCodeAt(unit + 1) === 49 });
    i = end + 1;
  }
  if (!ordered) sales.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return sales;
};

/** One customer's purchases in date order, by the same read as the full recompute's. */
const readPurchases = (store: Store, contactId: number): Sale[] => {
  const row = prepared(store.sqlite, PACKED_SLICE).raw(true).get(contactId, contactId + 1) as [number, string] | undefined;
  return row === undefined ? [] : unpack(row[1]);
};

/** A customer_figures row's columns, in `figureValues` order. */
const FIGURE_COLUMNS = ['contact_id', 'sales', 'total_cents', 'first_at', 'last_at', 'prev_sales', 'prev_total_cents', 'gap_days', 'risk_at'];

const UPSERT_FIGURES = `INSERT INTO customer_figures (${FIGURE_COLUMNS.join(', ')}) VALUES (${FIGURE_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT (contact_id) DO UPDATE SET ${FIGURE_COLUMNS.slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`;

const figureValues = (contactId: number, f: CustomerFigures): (string | number | null)[] => [
  contactId,
  f.sales,
  f.totalCents,
  f.firstAt,
  f.lastAt,
  f.prevSales,
  f.prevTotalCents,
  f.gapDays,
  f.riskAt,
];

/** Writes one contact's rows; months are diffed so the month triggers only see real changes. */
const writeCustomer = (store: Store, contactId: number, purchases: readonly Sale[], bounds: WindowBounds, riskFactor: number): void => {
  const db = store.sqlite;
  if (purchases.length === 0) {
    prepared(db, 'DELETE FROM customer_figures WHERE contact_id = ?').run(contactId);
  } else {
    prepared(db, UPSERT_FIGURES).run(...figureValues(contactId, figuresOf(purchases, bounds, riskFactor)));
  }
  const wanted = monthsOf(purchases);
  const existing = prepared(db, 'SELECT month, sales FROM customer_months WHERE contact_id = ?').raw(true).all(contactId) as [
    string,
    number,
  ][];
  for (const [month, sales] of existing) {
    const w = wanted.get(month);
    if (w === undefined) prepared(db, 'DELETE FROM customer_months WHERE contact_id = ? AND month = ?').run(contactId, month);
    else if (w !== sales) prepared(db, 'UPDATE customer_months SET sales = ? WHERE contact_id = ? AND month = ?').run(w, contactId, month);
    wanted.delete(month);
  }
  for (const [month, sales] of wanted) {
    prepared(db, 'INSERT INTO customer_months (contact_id, month, sales) VALUES (?, ?, ?)').run(contactId, month, sales);
  }
};

/** Above this many contacts at once, one pass over every purchase beats a lookup per contact. */
const REFRESH_ONE_BY_ONE_MAX = 100_000;

/**
 * Rebuilds the figures of these contacts from their purchases, in the
 * caller's transaction. A contact that no longer exists or has no purchase
 * loses its rows.
 */
export const refreshCustomers = (store: Store, contactIds: Iterable<number>, now: Date = new Date()): void =>
  drain(refreshSteps(store, contactIds, now));

/**
 * The same for an import's or an undo's customers, in a job: it yields
 * through `step` every few thousand customers (and between two index builds
 * of a full recompute), so the store answers meanwhile; 850k customers
 * with 10M purchases are a full recompute of ~30 s.
 */
export const refreshCustomersInSteps = (
  store: Store,
  contactIds: Iterable<number>,
  step: (at: RecomputeStep) => Promise<void>,
  now: Date = new Date(),
  oneByOneMax = REFRESH_ONE_BY_ONE_MAX,
): Promise<void> => run(refreshSteps(store, contactIds, now, oneByOneMax), step);

/** Customers refreshed one by one between two steps: ~0.25 s on a cold 10M-sale base (5,000 held the store ~1.3 s). */
const REFRESH_STEP = 1_000;

function* refreshSteps(store: Store, contactIds: Iterable<number>, now: Date, oneByOneMax = REFRESH_ONE_BY_ONE_MAX): Generator<RecomputeStep, void> {
  const ids = [...new Set(contactIds)].sort((a, b) => a - b);
  if (ids.length === 0) return;
  if (ids.length > oneByOneMax) {
    yield* recomputeSteps(store, now);
    return;
  }
  const { bounds, riskFactor } = currentBounds(store, now);
  for (const [i, id] of ids.entries()) {
    writeCustomer(store, id, readPurchases(store, id), bounds, riskFactor);
    if ((i + 1) % REFRESH_STEP === 0) yield { stage: 'customers', done: i + 1, total: ids.length };
  }
  yield { stage: 'customers', done: ids.length, total: ids.length };
}

/**
 * How far a refresh of the figures is: customers done (in a full recompute,
 * contacts gone through of all contacts), then the figures tables' indexes built.
 */
export type RecomputeStep = { stage: 'customers' | 'indexes'; done: number; total: number };

/** Runs steps to the end at once (a command's transaction, a scheduled run). */
const drain = <R>(steps: Generator<RecomputeStep, R>): R => {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
};

/** Runs steps awaiting `step` between two: a job yields there (and a cancel throws from it). */
const run = async <R>(steps: Generator<RecomputeStep, R>, step: (at: RecomputeStep) => Promise<void>): Promise<R> => {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    await step(r.value);
  }
};

type MonthCount = { active: number; new: number; retained: number };

/** Rows read at once by the full recompute: slices keep memory flat whatever the base. */
const SLICE = 50_000;
const CONTACTS_PER_SLICE = 5_000;
const MONTHS_PER_INSERT = 200;
const FIGURES_PER_INSERT = 64;
type MonthSales = { sales: number; refunds: number; revenue: number };

/** 'YYYY-MM' a month earlier; plain arithmetic, as it runs once per customer-month in a recompute. */
const previousMonth = (month: string): string => {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 1 ? `${String(y - 1).padStart(4, '0')}-12` : `${month.slice(0, 5)}${String(m - 1).padStart(2, '0')}`;
};

/** The tables a full recompute fills from nothing. */
const DERIVED_TABLES = ['customer_figures', 'customer_months', 'month_customers', 'sales_months'];

/**
 * Empties the derived tables the fast way: dropped and created again from
 * their own schema, indexes and triggers set aside until `fill` has run.
 * Deleting 7M month rows one by one through their triggers, then filling
 * the indexes in random order, is what made a recompute take minutes.
 */
function* rebuildTables<R>(store: Store, fill: () => Generator<RecomputeStep, R>): Generator<RecomputeStep, R> {
  const db = store.sqlite;
  const list = DERIVED_TABLES.map((t) => `'${t}'`).join(', ');
  const schema = (type: string) =>
    prepared(db, `SELECT sql FROM sqlite_schema WHERE type = ? AND tbl_name IN (${list}) AND sql IS NOT NULL ORDER BY name`)
      .pluck()
      .all(type) as string[];
  const tables = schema('table');
  const indexes = schema('index');
  const triggers = schema('trigger');
  for (const t of DERIVED_TABLES) db.exec(`DROP TABLE ${t}`);
  for (const sql of tables) db.exec(sql);
  // dropping 7M month rows frees their pages: a step of its own
  yield { stage: 'customers', done: 0, total: 0 };
  const filled = yield* fill();
  for (const [i, sql] of indexes.entries()) {
    // each sorts millions of entries (7M customer months at 10M purchases): on every core, one step each
    withDiskSorts(db, () => db.exec(sql));
    yield { stage: 'indexes', done: i + 1, total: indexes.length };
  }
  for (const sql of triggers) db.exec(sql);
  return filled;
}

/**
 * Every figures table again from the purchases, in one pass over the covering
 * index in (contact, date) order — anonymous sales first, as NULL sorts
 * first. The month counts the triggers keep for single changes are summed
 * here instead: one definition in SQL for single changes, the same
 * arithmetic in bulk, and the property test holds them equal.
 */
export const recomputeFigures = (store: Store, now: Date = new Date()): number => drain(recomputeSteps(store, now));

/** The same in a job's transaction, yielding through `step` (a full refill at 10M sales is ~30 s). */
export const recomputeFiguresInSteps = (store: Store, step: (at: RecomputeStep) => Promise<void>, now: Date = new Date()): Promise<number> =>
  run(recomputeSteps(store, now), step);

function* recomputeSteps(store: Store, now: Date): Generator<RecomputeStep, number> {
  const s = analyticsState(store);
  const bounds = windowBounds(s, now);
  saveBounds(store, bounds);
  const customers = yield* rebuildTables(store, () => fillFigures(store, bounds, s.riskFactor));
  prepared(store.sqlite, 'UPDATE analytics_state SET stale = 0 WHERE id = 1').run();
  return customers;
}

function* fillFigures(store: Store, bounds: WindowBounds, riskFactor: number): Generator<RecomputeStep, number> {
  const db = store.sqlite;
  // the tables start empty: plain inserts, many rows a statement (one a statement was a third of the fill for
  // the months, and 5.7 of 48 s at 10M sales for the figures' upserts)
  const figureRows = bulkInsert(db, 'customer_figures', FIGURE_COLUMNS, FIGURES_PER_INSERT);
  const monthRows = bulkInsert(db, 'customer_months', ['contact_id', 'month', 'sales'], MONTHS_PER_INSERT);
  const months = new Map<string, MonthCount>();
  const salesMonths = new Map<string, MonthSales>();
  const countMonth = (m: string): MonthCount => {
    let c = months.get(m);
    if (c === undefined) months.set(m, (c = { active: 0, new: 0, retained: 0 }));
    return c;
  };
  let customers = 0;
  const write = (contactId: number, purchases: readonly Sale[]): void => {
    customers += 1;
    figureRows.push(figureValues(contactId, figuresOf(purchases, bounds, riskFactor)));
    const own = monthsOf(purchases);
    let first: string | null = null;
    for (const [m, sales] of own) {
      monthRows.push([contactId, m, sales]);
      const c = countMonth(m);
      c.active += 1;
      if (own.has(previousMonth(m))) c.retained += 1;
      if (first === null || m < first) first = m;
    }
    if (first !== null) countMonth(first).new += 1;
  };
  const addSale = (at: string, cents: number, sale: boolean): void => {
    const m = at.slice(0, 7);
    let sm = salesMonths.get(m);
    if (sm === undefined) salesMonths.set(m, (sm = { sales: 0, refunds: 0, revenue: 0 }));
    if (sale) sm.sales += 1;
    else sm.refunds += 1;
    sm.revenue += cents;
  };
  // read in slices, as the connection cannot write while a statement iterates
  const anonymous = prepared(
    db,
    `SELECT purchased_at, id, amount_cents, kind = 'sale' FROM purchases INDEXED BY purchases_by_contact
      WHERE contact_id IS NULL AND (purchased_at, id) > (?, ?) ORDER BY purchased_at, id LIMIT ${SLICE}`,
  ).raw(true);
  const maxId = Number(prepared(db, 'SELECT coalesce(max(id), 0) FROM contacts').pluck().get());
  // progress in contacts gone through, not ids: the panel reads "65 000 / 850 940" of a base with gaps in its ids
  const contacts = Number(prepared(db, 'SELECT count(*) FROM contacts').pluck().get());
  const inSlice = prepared(db, 'SELECT count(*) FROM contacts WHERE id >= ? AND id < ?').pluck();
  let passed = 0;
  for (let after: [string, number] = ['', 0]; ; ) {
    const rows = anonymous.all(...after) as [string, number, number, number][];
    for (const [at, , cents, sale] of rows) addSale(at, cents, sale === 1);
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < SLICE) break;
    after = [last[0], last[1]];
    yield { stage: 'customers', done: 0, total: contacts };
  }
  const slice = prepared(db, PACKED_SLICE).raw(true);
  for (let lo = 1; lo <= maxId; lo += CONTACTS_PER_SLICE) {
    for (const [contactId, packed] of slice.all(lo, lo + CONTACTS_PER_SLICE) as [number, string][]) {
      const purchases = unpack(packed);
      for (const p of purchases) addSale(p.at, p.cents, p.sale);
      write(contactId, purchases);
    }
    figureRows.flush();
    monthRows.flush();
    passed += Number(inSlice.get(lo, lo + CONTACTS_PER_SLICE));
    // nothing is left open across a step: each slice is read whole and written
    yield { stage: 'customers', done: passed, total: contacts };
  }
  const putCounts = prepared(db, 'INSERT INTO month_customers (month, active, new, retained) VALUES (?, ?, ?, ?)');
  for (const [m, c] of months) putCounts.run(m, c.active, c.new, c.retained);
  const putSales = prepared(db, 'INSERT INTO sales_months (month, sales, refunds, revenue_cents) VALUES (?, ?, ?, ?)');
  for (const [m, c] of salesMonths) putSales.run(m, c.sales, c.refunds, c.revenue);
  return customers;
}

export type WindowRun = 'none' | 'rolled' | 'recomputed';

/** Whether the hourly run has work: figures marked stale, or today's bounds not those stored. */
export const windowDue = (store: Store, now: Date = new Date()): boolean => {
  const s = analyticsState(store);
  return s.stale || !sameBounds(s, windowBounds(s, now));
};

const sameBounds = (s: AnalyticsState, next: WindowBounds): boolean =>
  next.start === s.windowStart && next.end === s.windowEnd && next.prevStart === s.prevStart;

/**
 * Moves the window to today's bounds (it follows today): only the contacts
 * with a purchase in the days that left the window or the previous one are
 * rebuilt. A long absence (the app closed for weeks) rebuilds everything.
 */
export const rollWindow = (store: Store, now: Date = new Date()): WindowRun => drain(rollSteps(store, now));

/**
 * The same in a job's transaction, yielding between slices of customers: at
 * 10M sales one day's move rebuilds ~20k customers (3.9 s measured), ten
 * days away a full recompute (36 s), each a silent store until now.
 */
export const rollWindowInSteps = (store: Store, step: (at: RecomputeStep) => Promise<void>, now: Date = new Date()): Promise<WindowRun> =>
  run(rollSteps(store, now), step);

function* rollSteps(store: Store, now: Date): Generator<RecomputeStep, WindowRun> {
  const s = analyticsState(store);
  if (s.stale) {
    yield* recomputeSteps(store, now);
    return 'recomputed';
  }
  const next = windowBounds(s, now);
  if (s.windowStart === null || s.prevStart === null) {
    saveBounds(store, next);
    return 'rolled';
  }
  if (sameBounds(s, next)) return 'none';
  const moved = next.start > s.windowStart && next.end === null && s.windowEnd === null;
  const span = moved
    ? Number(
        prepared(
          store.sqlite,
          'SELECT count(*) FROM purchases INDEXED BY purchases_by_date WHERE purchased_at >= ? AND purchased_at < ?',
        )
          .pluck()
          .get(s.windowStart, next.start),
      ) +
      Number(
        prepared(
          store.sqlite,
          'SELECT count(*) FROM purchases INDEXED BY purchases_by_date WHERE purchased_at >= ? AND purchased_at < ?',
        )
          .pluck()
          .get(s.prevStart, next.prevStart),
      )
    : Infinity;
  if (span > REFRESH_ONE_BY_ONE_MAX) {
    yield* recomputeSteps(store, now);
    return 'recomputed';
  }
  const ids = prepared(
    store.sqlite,
    `SELECT DISTINCT contact_id FROM purchases INDEXED BY purchases_by_date
      WHERE ((purchased_at >= ?1 AND purchased_at < ?2) OR (purchased_at >= ?3 AND purchased_at < ?4)) AND contact_id IS NOT NULL`,
  )
    .pluck()
    .all({ 1: s.windowStart, 2: next.start, 3: s.prevStart, 4: next.prevStart }) as number[];
  saveBounds(store, next);
  yield* refreshSteps(store, ids, now);
  return 'rolled';
}

/**
 * A base that never had its window set (new, or just upgraded) gets today's
 * bounds at open, so RFM's "lost" and the status have a window from the first
 * screen; the figures themselves follow with the first scheduled run.
 */
export const ensureWindow = (store: Store, now: Date = new Date()): void => {
  const s = analyticsState(store);
  if (s.windowStart === null || s.prevStart === null) saveBounds(store, windowBounds(s, now));
};

/**
 * New settings saved, then every figure recomputed with them (the window or
 * the at-risk factor changed), in a job's transaction yielding between steps:
 * a cancel leaves the settings as they were.
 */
export const configureAnalyticsInSteps = (
  store: Store,
  patch: Partial<AnalyticsConfig>,
  step: (at: RecomputeStep) => Promise<void>,
  now: Date = new Date(),
): Promise<number> => {
  saveConfig(store, patch);
  return recomputeFiguresInSteps(store, step, now);
};

const saveConfig = (store: Store, patch: Partial<AnalyticsConfig>): void => {
  const s = analyticsState(store);
  prepared(store.sqlite, 'UPDATE analytics_state SET window_months = ?, reference_date = ?, risk_factor = ? WHERE id = 1').run(
    patch.windowMonths ?? s.windowMonths,
    patch.referenceDate === undefined ? s.referenceDate : patch.referenceDate,
    patch.riskFactor ?? s.riskFactor,
  );
};
