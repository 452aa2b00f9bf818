import type { TFunction } from 'i18next';
import type { SaleUnit } from '@contract';
import type { Formatters } from '../../app/format';

/*
 * How a quantity or a price says what it counts: « 0,352 kg », « 32,50 € / kg ».
 * A piece says nothing (« 2 », « 3,20 € »), so the screens of a shop that sells
 * only pieces read as before. Every screen goes through these, the words
 * and their order being the language's (sales.units in the locale files).
 */

/** The choice's name in a picker: « Au kilo ». */
export const unitName = (t: TFunction, unit: SaleUnit): string => t(`sales.units.name.${unit}`);

/** What follows a quantity (« kg »); null for a piece. */
export const unitSymbol = (t: TFunction, unit: SaleUnit): string | null =>
  unit === 'piece' ? null : t(`sales.units.symbol.${unit}`);

/** What follows a price (« / kg »); null for a piece. */
export const perUnit = (t: TFunction, unit: SaleUnit): string | null => {
  const symbol = unitSymbol(t, unit);
  return symbol === null ? null : t('sales.units.per', { symbol });
};

/** « 0,352 kg », « 1 kg », « 2 » (a piece). Negative on a refund line, as stored. */
export const quantityWithUnit = (t: TFunction, fmt: Formatters, quantity: number, unit: SaleUnit): string => {
  const symbol = unitSymbol(t, unit);
  const text = fmt.quantity(quantity);
  return symbol === null ? text : t('sales.units.quantity', { quantity: text, symbol });
};

/** « 32,50 € / kg », « 3,20 € » (a piece). */
export const priceWithUnit = (t: TFunction, fmt: Formatters, cents: number, unit: SaleUnit): string => {
  const per = perUnit(t, unit);
  const price = fmt.money(cents);
  return per === null ? price : t('sales.units.price', { price, per });
};

/** « 0,352 kg × Comté », « 2 × Pain de campagne »: a line in a sentence. */
export const quantityTimesLabel = (t: TFunction, fmt: Formatters, quantity: number, unit: SaleUnit, label: string): string =>
  `${quantityWithUnit(t, fmt, quantity, unit)} × ${label}`;
