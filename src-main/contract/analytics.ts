import { z } from 'zod';
import { isCalendarDate } from './dates';

/**
 * Segmentation and analytics (issue 6): the analysis window and how its
 * per-customer figures are kept.
 *
 * Window figures cover sales dated in [windowStart, windowEnd) — windowEnd
 * null when the window follows today — and the previous window of the same
 * length, [prevStart, windowStart). Months are UTC calendar months
 * (`YYYY-MM`), as the sales are stored in UTC.
 */

export const ANALYTICS_WINDOW_MONTHS_MAX = 120;

/** Kinds of attrition (DESIGN §5) a customer marked as lost is filed under. */
export const attritionKinds = ['dissatisfaction', 'structural', 'conjunctural', 'anecdotal'] as const;
export type AttritionKind = (typeof attritionKinds)[number];

export type AnalyticsConfig = {
  /** Length of the analysis window in months (12 by default). */
  windowMonths: number;
  /** The window ends with this day (included); null: it follows today. */
  referenceDate: string | null;
  /** A customer is overdue once the days since their last sale exceed their median gap × this factor. */
  riskFactor: number;
};

export type AnalyticsStatus = AnalyticsConfig & {
  /** The window as materialised now (UTC instants; end null: open, following today). */
  window: { start: string; end: string | null; prevStart: string } | null;
  /** When the RFM thresholds were last computed; null: never. */
  thresholdsAt: string | null;
  /** A full recompute is pending (a base upgraded, or settings changed while it failed). */
  stale: boolean;
};

const referenceDate = z
  .string()
  .trim()
  .refine(isCalendarDate, { error: 'invalid_date' })
  .nullable();

export const analyticsConfigInput = z
  .object({
    windowMonths: z
      .number({ error: 'required' })
      .int({ error: 'invalid_number' })
      .min(1, { error: 'too_small' })
      .max(ANALYTICS_WINDOW_MONTHS_MAX, { error: 'too_large' })
      .optional(),
    referenceDate: referenceDate.optional(),
    riskFactor: z.number({ error: 'required' }).min(1, { error: 'too_small' }).max(10, { error: 'too_large' }).optional(),
  })
  .strict();
export type AnalyticsConfigInput = z.input<typeof analyticsConfigInput>;

export type AnalyticsRecomputeResult = { customers: number; ms: number };
