import type { TFunction } from 'i18next';
import type { DashboardTarget } from '@contract';

/** Month labels in the user's locale; months are UTC calendar months, so they are formatted in UTC. */
export const monthFormats = (locale: string) => {
  const short = new Intl.DateTimeFormat(locale, { month: 'short', year: '2-digit', timeZone: 'UTC' });
  const long = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const at = (month: string) => new Date(`${month}-01T00:00:00.000Z`);
  return { short: (month: string) => short.format(at(month)), long: (month: string) => long.format(at(month)) };
};

export const percentFormat = (locale: string) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });

/** The list's name for a month's customers. */
export const targetName = (t: TFunction, target: DashboardTarget, month: string): string => t(`dashboard.target.${target.kind}`, { month });

/**
 * Change against a year earlier: relative for amounts and counts, in
 * percentage points for rates. `better` says whether the change is good news
 * (a falling churn rate is).
 */
export type Change = { text: string; better: boolean | null };

export const relativeChange = (locale: string, current: number, previous: number): Change | null => {
  if (previous === 0) return null;
  const ratio = (current - previous) / Math.abs(previous);
  const text = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(ratio);
  return { text, better: ratio === 0 ? null : ratio > 0 };
};

export const pointsChange = (t: TFunction, locale: string, current: number | null, previous: number | null, lowerIsBetter: boolean): Change | null => {
  if (current === null || previous === null) return null;
  const points = (current - previous) * 100;
  const value = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(points);
  const rounded = Math.round(points * 10) / 10;
  return { text: t('dashboard.kpi.points', { value }), better: rounded === 0 ? null : lowerIsBetter ? rounded < 0 : rounded > 0 };
};

/** Chart.js draws tooltip lines as they come: long sentences are cut into lines of about `width` characters. */
export const wrapLines = (text: string, width = 48): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
};

/** Whole currency units, for chart axes. */
export const wholeMoney = (locale: string, currency: string) => {
  const f = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 0 });
  return (units: number) => f.format(units);
};
