import { z } from 'zod';
import type { AtRiskSummary } from './attrition';
import type { ParetoTier, ParetoTierRow, RfmSegmentKey } from './rfm';
import { SEGMENT_VERSION, type SegmentCriterion, type SegmentDefinition } from './segments';

/**
 * The dashboard (issue 6, "tableau de bord"): the home screen once there is
 * data. Everything is read from the figures kept current by the purchase
 * path (sales_months, month_customers, customer_figures and the stored RFM
 * thresholds); nothing rescans sales.
 *
 * Months are UTC calendar months (`YYYY-MM`), as sales are stored in UTC.
 * The period is a span of whole months ending with (at most) the current one:
 *
 * - `month`: the reference month;
 * - `quarter`: the calendar quarter holding the reference month;
 * - `year`: the calendar year holding the reference month;
 * - `12months`: the twelve months ending with the reference month.
 *
 * Months after the current one are cut off (a period "to date"). It is
 * compared with the same months a year earlier. The reference month defaults
 * to the current one.
 *
 * Customer counts come per month (active = bought that month, new = first
 * sale ever that month, returning = active − new, churned = active the month
 * before and not this one). Over several months the number of distinct
 * customers is not a sum of months and would need a scan of a million rows,
 * so a period shows new customers as a sum (each customer is new once), and
 * active, returning and churn as monthly figures: the mean per month, and
 * churn as Σ churned / Σ active the month before.
 *
 * Pareto tiers, RFM segments and customers at risk are those of the analysis
 * window (12 months by default, Settings), whatever the period.
 */

export const dashboardPeriods = ['month', 'quarter', 'year', '12months'] as const;
export type DashboardPeriod = (typeof dashboardPeriods)[number];

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const dashboardInput = z
  .object({
    period: z.enum(dashboardPeriods, { error: 'invalid_period' }).default('12months'),
    /** The month the period holds (`YYYY-MM`, UTC); default: the current month. */
    reference: z.string().regex(MONTH, { error: 'invalid_month' }).optional(),
  })
  .strict();
export type DashboardInput = z.input<typeof dashboardInput>;

/** First and last month of a span, both included. */
export type MonthSpan = { from: string; to: string };

/** One period's figures. */
export type DashboardFigures = {
  /** Net revenue: sales minus refunds, anonymous sales included. */
  revenueCents: number;
  sales: number;
  refunds: number;
  /** revenue / sales; null without a sale. */
  averageBasketCents: number | null;
  /** Customers whose first sale ever falls in the period. */
  newCustomers: number;
  /** Mean per month of customers who bought that month. */
  activePerMonth: number;
  /** Mean per month of customers who bought that month and had bought in an earlier month. */
  returningPerMonth: number;
  /** Σ churned / Σ active the month before, over the period's months; null when nobody was active before any of them. */
  churnRate: number | null;
  churned: number;
};

/** One month of the charts, with the same month a year earlier. */
export type DashboardMonth = {
  month: string;
  /** Inside the selected period (the charts show more months around it). */
  inPeriod: boolean;
  /** Later than the current month: nothing can be there yet. */
  future: boolean;
  revenueCents: number;
  sales: number;
  refunds: number;
  previousRevenueCents: number;
  previousSales: number;
  active: number;
  new: number;
  returning: number;
  churned: number;
  /** churned / active the month before; null when nobody was active then. */
  churnRate: number | null;
};

export type DashboardRfmSegment = { key: RfmSegmentKey; customers: number; revenueCents: number };

export type Dashboard = {
  /** Any sale or refund recorded at all (anonymous ones included): the home screen shows the dashboard only then. */
  hasSales: boolean;
  period: DashboardPeriod;
  reference: string;
  /** The current month when computed: the period's last month is unfinished when it is this one. */
  currentMonth: string;
  current: MonthSpan;
  previous: MonthSpan;
  figures: { current: DashboardFigures; previous: DashboardFigures };
  /** The months the charts show (12), oldest first. */
  months: DashboardMonth[];
  /** The analysis window the next figures speak of (null: never computed). */
  window: { start: string; end: string | null; prevStart: string } | null;
  thresholdsAt: string | null;
  pareto: { customers: number; revenueCents: number; topShare: number; tiers: ParetoTierRow[] };
  rfm: { customers: number; segments: DashboardRfmSegment[] };
  atRisk: AtRiskSummary;
};

/* ---------- the customers behind a chart element, as a segment definition ---------- */

const monthNumber = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (n: number): string => `${String(Math.floor(n / 12)).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}`;

/** First instant of a UTC month. */
export const monthStart = (month: string): string => `${month}-01T00:00:00.000Z`;
/** Last millisecond of a UTC month: an instant `to` bound is inclusive. */
export const monthEnd = (month: string): string => new Date(Date.parse(monthStart(monthOf(monthNumber(month) + 1))) - 1).toISOString();

const define = (...children: SegmentCriterion[]): SegmentDefinition => ({
  version: SEGMENT_VERSION,
  root: children.length === 1 && children[0] !== undefined ? children[0] : { op: 'and', children },
});

/** A chart element's customers, exactly the set it counts, and which kind of set it is (the list's name). */
export type DashboardTarget = {
  kind: 'new' | 'bought' | 'returning' | 'churned';
  definition: SegmentDefinition;
};

/** Customers whose first sale ever falls in the span: "new customers". */
export const newCustomersTarget = (span: MonthSpan): DashboardTarget => ({
  kind: 'new',
  definition: define({ field: 'firstPurchase', from: monthStart(span.from), to: monthEnd(span.to) }),
});

const boughtIn = (month: string): SegmentCriterion => ({ field: 'boughtInMonths', from: month, to: month });

/** Customers who bought in a month: the month's active customers. */
export const boughtInTarget = (month: string): DashboardTarget => ({ kind: 'bought', definition: define(boughtIn(month)) });

/** Customers who bought in a month and had bought before it: active minus new. */
export const returningTarget = (month: string): DashboardTarget => ({
  kind: 'returning',
  definition: define(boughtIn(month), { field: 'firstPurchase', to: new Date(Date.parse(monthStart(month)) - 1).toISOString() }),
});

/** Customers who bought the month before and not in this one: the month's churn. */
export const churnedTarget = (month: string): DashboardTarget => ({
  kind: 'churned',
  definition: {
    version: SEGMENT_VERSION,
    root: { op: 'and', children: [boughtIn(monthOf(monthNumber(month) - 1)), { op: 'not', child: boughtIn(month) }] },
  },
});

export const paretoTierTarget = (tier: ParetoTier): SegmentDefinition => define({ field: 'paretoTier', in: [tier] });
export const rfmSegmentTarget = (key: RfmSegmentKey): SegmentDefinition => define({ field: 'rfmSegment', in: [key] });
export const atRiskTarget = (): SegmentDefinition => define({ field: 'atRisk' });
