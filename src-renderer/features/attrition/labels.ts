import type { TFunction } from 'i18next';
import type { AtRiskReason } from '@contract';
import type { Formatters } from '../../app/format';

/** One reason as a sentence: "No purchase for 95 d — usual gap 30 d (overdue by 50 d)". */
export const reasonText = (t: TFunction, fmt: Formatters, r: AtRiskReason): string =>
  r.kind === 'overdue'
    ? t(r.shopGap ? 'attrition.reason.overdueShop' : 'attrition.reason.overdue', {
        days: fmt.number(r.daysSinceLastSale),
        gap: fmt.number(r.usualGapDays),
        late: fmt.number(r.daysOverdue),
      })
    : t('attrition.reason.declining', { count: r.sales, from: fmt.number(r.previousSales), to: fmt.number(r.sales) });

/** `YYYY-MM` as "mars 2026" in the user's language (months are UTC). */
export const monthLabel = (locale: string, month: string, style: 'long' | 'short' = 'long'): string =>
  new Intl.DateTimeFormat(locale, { month: style, year: style === 'long' ? 'numeric' : '2-digit', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00.000Z`),
  );

/** `YYYY-MM` moved by n months. */
export const shiftMonth = (month: string, n: number): string => {
  const d = new Date(`${month}-01T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};
