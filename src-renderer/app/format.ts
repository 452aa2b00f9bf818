import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPhone, isDayInstant, QUANTITY_DECIMALS, type Currency, type Language } from '@contract';
import { currentLanguage } from './i18n';
import { useSettings } from './settings';

export const intlLocale = (language: Language): string => (language === 'fr' ? 'fr-FR' : 'en-GB');

/*
 * A day without a time: a bare date, or the store's instant for one (`isDayInstant`). Shown as that
 * calendar day, never with a made-up « 01:00 », and never as the day before where the clock is behind
 * UTC (the Antilles, Guyane).
 */
const dayOnly = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value) || isDayInstant(value);

export type Formatters = {
  locale: string;
  number(value: number): string;
  /** A purchase line's quantity, to the thousandth as stored (« 0,352 », « 2 »). */
  quantity(value: number): string;
  /** Money is stored in integer cents. */
  money(cents: number): string;
  /** A calendar date (YYYY-MM-DD) or an ISO timestamp, shown as a date. */
  date(value: string): string;
  /** An ISO timestamp with its local time; a day without a time (above) as its date alone. */
  dateTime(value: string): string;
  bytes(value: number): string;
  phone(e164: string): string;
  country(code: string): string;
};

export const createFormatters = (language: Language, currency: Currency): Formatters => {
  const locale = intlLocale(language);
  const number = new Intl.NumberFormat(locale);
  // tied to the contract rather than to Intl's default of three, so a weighed line never shows rounded
  const quantity = new Intl.NumberFormat(locale, { maximumFractionDigits: QUANTITY_DECIMALS });
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  // calendar dates have no time zone: format them in UTC so they never shift by a day
  const calendarDate = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const kb = new Intl.NumberFormat(locale, { style: 'unit', unit: 'kilobyte', maximumFractionDigits: 0 });
  const mb = new Intl.NumberFormat(locale, { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 });
  let regions: Intl.DisplayNames | null = null;
  try {
    regions = new Intl.DisplayNames([locale], { type: 'region' });
  } catch {
    regions = null;
  }
  // French writes the first of the month as an ordinal (« 1er décembre »); Intl has no option for it
  const ordinalFirst = language === 'fr';
  const show = (format: Intl.DateTimeFormat, d: Date): string =>
    ordinalFirst
      ? format
          .formatToParts(d)
          .map((p) => (p.type === 'day' && Number(p.value) === 1 ? `${p.value}er` : p.value))
          .join('')
      : format.format(d);
  const parse = (value: string): Date | null => {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? null : d;
  };
  return {
    locale,
    number: (value) => number.format(value),
    quantity: (value) => quantity.format(value),
    money: (cents) => money.format(cents / 100),
    date: (value) => {
      const d = parse(value);
      if (d === null) return value;
      return show(dayOnly(value) ? calendarDate : date, d);
    },
    dateTime: (value) => {
      const d = parse(value);
      if (d === null) return value;
      return dayOnly(value) ? show(calendarDate, d) : show(dateTime, d);
    },
    bytes: (value) => (value < 1_000_000 ? kb.format(Math.max(1, Math.round(value / 1000))) : mb.format(value / 1_000_000)),
    phone: (e164) => formatPhone(e164),
    country: (code) => {
      try {
        return regions?.of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
};

/** Formatters for the current language and the shop's currency. */
export const useFormatters = (): Formatters => {
  const { i18n } = useTranslation();
  const { settings } = useSettings();
  const language = currentLanguage(i18n);
  const currency = settings?.currency ?? 'EUR';
  return useMemo(() => createFormatters(language, currency), [language, currency]);
};
