import {
  paretoTiers,
  type ChurnMonth,
  type Dashboard,
  type DashboardFigures,
  type DashboardMonth,
  type DashboardPeriod,
  type MonthSpan,
  type ParetoTier,
  type ParetoTierRow,
} from '../../contract';
import { prepared, statement, type Store } from '../../store/db';
import type { Cond } from '../contacts/conditions';
import { atRiskSummary, churnByMonth, untilWrite } from './attrition';
import { analyticsState } from './figures';
import { rfmOverview, storedThresholds, tierCond } from './rfm';

/**
 * The dashboard's data in one read (issue 6). Monthly revenue comes from
 * sales_months and customer counts from month_customers (both a range read
 * of a few dozen rows); tiers, segments and customers at risk from the
 * per-customer figures through the RFM and attrition modules. Nothing here
 * reads purchases.
 */

const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthAt = (index: number): string =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
const shift = (month: string, n: number): string => monthAt(monthIndex(month) + n);

/** The months of a span, oldest first. */
const monthsOf = (span: MonthSpan): string[] => {
  const out: string[] = [];
  for (let i = monthIndex(span.from); i <= monthIndex(span.to); i++) out.push(monthAt(i));
  return out;
};

/**
 * The period holding `reference`, cut at the current month: a quarter or a
 * year still running is shown to date, and compared with the same months a
 * year earlier.
 */
export const periodSpan = (period: DashboardPeriod, reference: string, currentMonth: string): MonthSpan => {
  const ref = monthIndex(reference);
  const startOf = (size: number): number => ref - (ref % size);
  const [from, to] =
    period === 'month' ? [ref, ref] : period === 'quarter' ? [startOf(3), startOf(3) + 2] : period === 'year' ? [startOf(12), startOf(12) + 11] : [ref - 11, ref];
  return { from: monthAt(from), to: monthAt(Math.min(to, monthIndex(currentMonth))) };
};

/** The twelve months the charts show: the calendar year for `year`, else the twelve months ending with the period. */
export const chartSpan = (period: DashboardPeriod, span: MonthSpan): MonthSpan =>
  period === 'year' ? { from: span.from, to: shift(span.from, 11) } : { from: shift(span.to, -11), to: span.to };

const yearEarlier = (span: MonthSpan): MonthSpan => ({ from: shift(span.from, -12), to: shift(span.to, -12) });

type SalesMonth = { month: string; sales: number; refunds: number; revenueCents: number };

const salesMonths = (store: Store, span: MonthSpan): Map<string, SalesMonth> => {
  const rows = prepared(
    store.sqlite,
    'SELECT month, sales, refunds, revenue_cents AS revenueCents FROM sales_months WHERE month >= ? AND month <= ? ORDER BY month',
  ).all(span.from, span.to) as SalesMonth[];
  return new Map(rows.map((r) => [r.month, r]));
};

const NO_SALES = { sales: 0, refunds: 0, revenueCents: 0 };
const NO_CHURN = { active: 0, new: 0, returning: 0, retained: 0, churned: 0, rate: null };

const figuresOf = (span: MonthSpan, sales: Map<string, SalesMonth>, churn: Map<string, ChurnMonth>): DashboardFigures => {
  const months = monthsOf(span);
  let revenueCents = 0;
  let saleCount = 0;
  let refunds = 0;
  let fresh = 0;
  let active = 0;
  let returning = 0;
  let churned = 0;
  let before = 0;
  for (const month of months) {
    const s = sales.get(month) ?? NO_SALES;
    revenueCents += s.revenueCents;
    saleCount += s.sales;
    refunds += s.refunds;
    const c = churn.get(month) ?? NO_CHURN;
    fresh += c.new;
    active += c.active;
    returning += c.returning;
    churned += c.churned;
    // active the month before = churned + retained (ChurnMonth: churned = before − retained)
    before += c.churned + c.retained;
  }
  return {
    revenueCents,
    sales: saleCount,
    refunds,
    averageBasketCents: saleCount === 0 ? null : Math.round(revenueCents / saleCount),
    newCustomers: fresh,
    activePerMonth: months.length === 0 ? 0 : active / months.length,
    returningPerMonth: months.length === 0 ? 0 : returning / months.length,
    churnRate: before === 0 ? null : churned / before,
    churned,
  };
};

/**
 * Customers and window revenue of a range of the total index (customers
 * active in the window): a count and a sum along customer_figures_by_total.
 */
const totalRange = (store: Store, cond: Cond): { customers: number; revenueCents: number } => {
  if (cond.sql === '0') return { customers: 0, revenueCents: 0 };
  const where = cond.sql === '1' ? '' : ` AND ${cond.sql}`;
  const [customers, revenueCents] = statement(
    store.sqlite,
    `SELECT count(*), coalesce(sum(total_cents), 0) FROM customer_figures INDEXED BY customer_figures_by_total WHERE sales > 0${where}`,
  )
    .raw(true)
    .get(...cond.params) as [number, number];
  return { customers, revenueCents };
};

const share = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

/**
 * The tier mix as paretoOverview gives it (the stored M thresholds as ranges
 * on the total index) without its curve and movements, which the dashboard
 * does not show: those walk and scan the whole table (≈ 0.4 s at 1M
 * customers), the two outer tier sums read 40 % of the index. `all` is every
 * active customer and their window revenue, which the RFM grid has just
 * summed (its cells tile them).
 */
const tierMix = (
  store: Store,
  all: { customers: number; revenueCents: number },
): { customers: number; revenueCents: number; topShare: number; tiers: ParetoTierRow[]; thresholdsAt: string | null } => {
  const stored = storedThresholds(store);
  const m = stored?.m ?? [];
  const gold = totalRange(store, tierCond('total_cents', m, 'gold'));
  const bottom = totalRange(store, tierCond('total_cents', m, 'bottom'));
  const sums: Record<ParetoTier, { customers: number; revenueCents: number }> = {
    gold,
    bottom,
    basic: { customers: all.customers - gold.customers - bottom.customers, revenueCents: all.revenueCents - gold.revenueCents - bottom.revenueCents },
  };
  return {
    customers: all.customers,
    revenueCents: all.revenueCents,
    topShare: share(gold.revenueCents, all.revenueCents),
    tiers: paretoTiers.map((tier) => ({
      tier,
      customers: sums[tier].customers,
      revenueCents: sums[tier].revenueCents,
      share: share(sums[tier].revenueCents, all.revenueCents),
      customersShare: share(sums[tier].customers, all.customers),
    })),
    thresholdsAt: stored?.computedAt ?? null,
  };
};

export const dashboardData = (
  store: Store,
  input: { period: DashboardPeriod; reference?: string | undefined },
  now: Date = new Date(),
): Dashboard => {
  const currentMonth = now.toISOString().slice(0, 7);
  const reference = input.reference === undefined || input.reference > currentMonth ? currentMonth : input.reference;
  const current = periodSpan(input.period, reference, currentMonth);
  const previous = yearEarlier(current);
  const chart = chartSpan(input.period, current);
  const chartBefore = yearEarlier(chart);
  // one read each for every month any figure needs: the chart and the period, a year back
  const from = chartBefore.from < previous.from ? chartBefore.from : previous.from;
  const to = chart.to > current.to ? chart.to : current.to;
  const sales = salesMonths(store, { from, to });
  const churn = new Map(churnByMonth(store, { from, to }).map((c) => [c.month, c]));

  const months: DashboardMonth[] = monthsOf(chart).map((month) => {
    const s = sales.get(month) ?? NO_SALES;
    const p = sales.get(shift(month, -12)) ?? NO_SALES;
    const c = churn.get(month) ?? NO_CHURN;
    return {
      month,
      inPeriod: month >= current.from && month <= current.to,
      future: month > currentMonth,
      revenueCents: s.revenueCents,
      sales: s.sales,
      refunds: s.refunds,
      previousRevenueCents: p.revenueCents,
      previousSales: p.sales,
      active: c.active,
      new: c.new,
      returning: c.returning,
      churned: c.churned,
      churnRate: c.rate,
    };
  });

  const state = analyticsState(store);
  // the window's figures change only with a write: read again after one (any write, from any connection)
  const { rfm, tiers } = untilWrite(store, 'dashboardWindow', '', () => {
    const overview = rfmOverview(store, now);
    return { rfm: overview, tiers: tierMix(store, { customers: overview.customers, revenueCents: overview.revenueCents }) };
  });
  const { thresholdsAt, ...pareto } = tiers;
  return {
    hasSales: prepared(store.sqlite, 'SELECT EXISTS (SELECT 1 FROM sales_months)').pluck().get() === 1,
    period: input.period,
    reference,
    currentMonth,
    current,
    previous,
    figures: { current: figuresOf(current, sales, churn), previous: figuresOf(previous, sales, churn) },
    months,
    window: state.windowStart === null || state.prevStart === null ? null : { start: state.windowStart, end: state.windowEnd, prevStart: state.prevStart },
    thresholdsAt,
    pareto,
    rfm: { customers: rfm.customers, segments: rfm.segments.map((s) => ({ key: s.key, customers: s.customers, revenueCents: s.revenueCents })) },
    atRisk: atRiskSummary(store, now),
  };
};
