import type { CustomerValue } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { notFound as contactNotFound } from '../contacts/service';
import { analysisDate, analysisWindow, untilWrite } from './attrition';

/**
 * Customer lifetime value (issue 6). Historical: all-time net spend, as kept
 * on the contact. Predicted: average basket × purchases per year × expected
 * remaining lifetime, the lifetime coming from the shop's observed retention
 * (a geometric survival: a customer who stays with probability r each window
 * stays 1 / (1 − r) windows on average).
 */

/** Above this, one window's retention would promise near-eternal customers. */
export const RETENTION_CAP = 0.95;
const YEAR_MS = 365.25 * 86_400_000;

export type Retention = { previous: number; retained: number; rate: number; capped: boolean };

/**
 * Share of the customers active in the previous window who bought again in
 * this one. Reading it visits every customer with figures (a plain scan:
 * ~200 ms at 1M, where the prev_total index took 1.3 s of row lookups), so
 * it is kept until the next write.
 */
export const shopRetention = (store: Store): Retention => {
  const w = analysisWindow(store);
  return untilWrite(store, 'shopRetention', `${w.windowStart ?? ''}|${w.windowEnd ?? ''}|${w.prevStart ?? ''}`, () => {
    const row = prepared(
      store.sqlite,
      `SELECT count(*) AS previous, count(*) FILTER (WHERE sales > 0) AS retained
        FROM customer_figures NOT INDEXED WHERE prev_sales > 0`,
    ).get() as { previous: number; retained: number };
    const raw = row.previous === 0 ? 0 : row.retained / row.previous;
    return { previous: row.previous, retained: row.retained, rate: Math.min(raw, RETENTION_CAP), capped: raw > RETENTION_CAP };
  });
};

/**
 * The value of one customer, every term of the formula included. The span
 * runs from their first sale to the analysis date, at least one window, so
 * a customer who bought twice last week is not read as 100 sales a year.
 */
export const customerValue = (store: Store, contactId: number, now: Date = new Date()): CustomerValue => {
  const c = prepared(
    store.sqlite,
    'SELECT purchase_count AS purchases, total_cents AS totalCents, first_purchase_at AS firstAt FROM contacts WHERE id = ?',
  ).get(contactId) as { purchases: number; totalCents: number; firstAt: string | null } | undefined;
  if (c === undefined) throw contactNotFound(contactId);
  const w = analysisWindow(store);
  const at = analysisDate(w, now).getTime();
  const windowYears = w.windowMonths / 12;
  const spanYears = Math.max(windowYears, c.firstAt === null ? 0 : (at - Date.parse(c.firstAt)) / YEAR_MS);
  const basket = c.purchases > 0 ? c.totalCents / c.purchases : 0;
  const perYear = c.purchases / spanYears;
  const retention = shopRetention(store);
  const lifetimeYears = windowYears / (1 - retention.rate);
  return {
    contactId,
    historicalCents: c.totalCents,
    purchases: c.purchases,
    averageBasketCents: Math.round(basket),
    spanYears,
    purchasesPerYear: perYear,
    retention: { ...retention, windowMonths: w.windowMonths },
    lifetimeYears,
    // refunds beyond sales leave nothing to expect
    predictedCents: Math.max(0, Math.round(basket * perYear * lifetimeYears)),
  };
};
