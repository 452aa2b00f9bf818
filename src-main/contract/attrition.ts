import { z } from 'zod';
import { attritionKinds, type AttritionKind } from './analytics';
import { id, optionalText } from './fields';

/**
 * Attrition, lifetime value and next best offer (issue 6): churn per month,
 * customers at risk with their reasons, customers marked as lost and the
 * win-back list, a customer's value, and what to offer them.
 */

/** Months shown by one churn request: ten years is already more than a chart can show. */
export const CHURN_MONTHS_MAX = 120;
export const LOSS_NOTE_MAX = 1000;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const month = z.string({ error: 'required' }).regex(MONTH, { error: 'invalid_month' });

/** Months between two `YYYY-MM` (to − from); both already validated. */
export const monthSpan = (from: string, to: string): number =>
  (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));

export const churnInput = z
  .object({ from: month, to: month })
  .strict()
  .superRefine((v, ctx) => {
    // zod still runs this when a month is malformed: that month's own issue says it all
    if (!MONTH.test(v.from) || !MONTH.test(v.to)) return;
    const span = monthSpan(v.from, v.to);
    if (span < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'range_inverted' });
    else if (span >= CHURN_MONTHS_MAX) ctx.addIssue({ code: 'custom', path: ['to'], message: 'too_large' });
  });
export type ChurnInput = z.input<typeof churnInput>;

/**
 * One month of churn. `retained`: active this month and the month before;
 * `churned` = active the month before − retained; `rate` = churned / active
 * the month before, null when nobody was active then.
 */
export type ChurnMonth = {
  month: string;
  active: number;
  new: number;
  returning: number;
  retained: number;
  churned: number;
  rate: number | null;
};

/**
 * Why a customer is at risk; a list, as later issues add signals (an open
 * complaint). `overdue`: days since the last sale beyond the usual gap ×
 * the risk factor; `usualGapDays` is the customer's median gap, or the
 * shop's median for a customer with a single day of sales (`shopGap`).
 * `daysOverdue` counts from the due date (last sale + gap × factor).
 * `declining`: sales in the window at most half those of the previous one.
 */
export type AtRiskReason =
  | { kind: 'overdue'; daysSinceLastSale: number; daysOverdue: number; usualGapDays: number; shopGap: boolean }
  | { kind: 'declining'; previousSales: number; sales: number };

export const atRiskSorts = ['value', 'overdue'] as const;
export type AtRiskSort = (typeof atRiskSorts)[number];

const cursor = z.string().max(400).nullish().transform((v) => v ?? null);
const limit = z.number().int().min(1).max(200).default(50);

export const atRiskInput = z.object({ sort: z.enum(atRiskSorts).default('value'), cursor, limit }).strict();
export type AtRiskInput = z.input<typeof atRiskInput>;

/**
 * A customer at risk. Value at stake = their net revenue over the analysis
 * window: what a year (the window) of their custom brings, i.e. what leaves
 * with them; it needs no model and pages on an index.
 */
export type AtRiskCustomer = {
  contactId: number;
  firstName: string | null;
  lastName: string | null;
  lastPurchaseAt: string | null;
  valueCents: number;
  /** When they became (or become) overdue; null when neither their gap nor the shop's is known. */
  dueAt: string | null;
  reasons: AtRiskReason[];
};

export type AtRiskSummary = { customers: number; valueCents: number };
export type AtRiskPage = { rows: AtRiskCustomer[]; nextCursor: string | null; summary: AtRiskSummary };

export const lostMarkInput = z
  .object({
    contactId: id,
    attrition: z.enum(attritionKinds, { error: 'invalid_attrition' }),
    note: optionalText(LOSS_NOTE_MAX),
  })
  .strict();
export type LostMarkInput = z.input<typeof lostMarkInput>;
export const lostUnmarkInput = z.object({ contactId: id }).strict();

/** A customer marked as lost by hand; `wonBackAt` once they bought again after the mark. */
export type CustomerLoss = {
  contactId: number;
  attrition: AttritionKind;
  note: string | null;
  markedAt: string;
  wonBackAt: string | null;
};

export const winbackInput = z.object({ cursor, limit }).strict();
export type WinbackInput = z.input<typeof winbackInput>;

/** Value = all-time net spend (historical value), what the customer was worth. */
export type WinbackRow = CustomerLoss & {
  firstName: string | null;
  lastName: string | null;
  lastPurchaseAt: string | null;
  valueCents: number;
};
export type WinbackPage = { rows: WinbackRow[]; nextCursor: string | null; lost: number; wonBack: number };

/**
 * Predicted lifetime value = average basket × purchases per year × expected
 * remaining lifetime in years, with every term kept so the UI can show the
 * formula with its values. Purchases per year are counted over the
 * customer's span (first sale to the analysis date, at least the window);
 * the lifetime is windowYears / (1 − r), r being the share of customers
 * active in the previous window who bought again in this one, capped.
 */
export type CustomerValue = {
  contactId: number;
  historicalCents: number;
  purchases: number;
  averageBasketCents: number;
  spanYears: number;
  purchasesPerYear: number;
  retention: { previous: number; retained: number; rate: number; capped: boolean; windowMonths: number };
  lifetimeYears: number;
  predictedCents: number;
};

export type Offer = {
  productId: number;
  name: string;
  category: string | null;
  /** Similar customers (or baskets) that bought it, within the sample. */
  count: number;
  /** count / sample size. */
  share: number;
  /** share / the product's share of recent sales lines; null when it has none there. */
  lift: number | null;
};

export type CustomerOutlook = {
  value: CustomerValue;
  risk: { atRisk: boolean; reasons: AtRiskReason[]; dueAt: string | null; valueCents: number };
  loss: CustomerLoss | null;
  /** Products bought by customers who bought what this one bought, not yet bought by them. */
  offers: Offer[];
  /** Customers those offers were drawn from (capped). */
  similarCustomers: number;
};

export const contactValueInput = z.object({ contactId: id }).strict();
export const productAffinityInput = z.object({ productId: id }).strict();

export type ProductAffinity = {
  productId: number;
  /** Recent sales holding the product (capped) and what else was in them. */
  baskets: number;
  sameBasket: Offer[];
  /** Recent buyers of the product (capped) and what else they bought. */
  customers: number;
  sameCustomers: Offer[];
};
