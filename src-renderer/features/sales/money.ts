import { fromMilli, QUANTITY_DECIMALS, QUANTITY_MAX, QUANTITY_SCALE, quantityMilli, UNIT_PRICE_MAX_CENTS } from '@contract';

/** A parsed field, or the code of what is wrong with it (a key under `sales.errors`). */
export type Parsed<Code extends string = string> = { ok: true; value: number } | { ok: false; code: Code };

export type PriceError = 'price_required' | 'price_invalid' | 'price_decimals' | 'price_too_large' | 'price_negative';
export type QuantityError = 'qty_required' | 'qty_invalid' | 'qty_too_precise' | 'qty_positive' | 'qty_too_large';

/** Spaces of every kind (Intl puts U+202F in French amounts) and the Swiss apostrophe group digits. */
const GROUPING = /[\s\u00a0\u202f'’]/g;
const MINUS = /^[-−]/;

/**
 * The integer part with its thousands separator taken out: "1.234" with "."
 * as grouping is 1234 only if the groups really are three digits.
 */
const ungroup = (int: string, sep: string): string | null => {
  if (!int.includes(sep)) return int;
  const groups = int.split(sep);
  const [head, ...rest] = groups;
  if (head === undefined || !/^\d{1,3}$/.test(head) || !rest.every((g) => /^\d{3}$/.test(g))) return null;
  return groups.join('');
};

/**
 * A number's digits either side of its decimal mark, the thousands
 * separator taken out; null when it is no number. With both "," and "." the
 * last one is the decimal mark; with one of them, it is the decimal mark.
 */
const splitDecimal = (s: string): { int: string; frac: string } | null => {
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return null;
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  const decimalAt = Math.max(lastComma, lastDot);
  let int = decimalAt < 0 ? s : s.slice(0, decimalAt);
  const frac = decimalAt < 0 ? '' : s.slice(decimalAt + 1);
  if (lastComma >= 0 && lastDot >= 0) {
    const grouped = ungroup(int, lastComma > lastDot ? '.' : ',');
    if (grouped === null) return null;
    int = grouped;
  }
  if (!/^\d*$/.test(int) || !/^\d*$/.test(frac)) return null;
  return { int: int.replace(/^0+(?=\d)/, ''), frac };
};

/** A leading sign taken off: "-" (or the typographic minus) and "+". */
const unsign = (s: string): { negative: boolean; rest: string } =>
  MINUS.test(s) ? { negative: true, rest: s.slice(1) } : { negative: false, rest: s.startsWith('+') ? s.slice(1) : s };

/**
 * An amount typed the French way ("12,50", "1 234,5 €") or the English way
 * ("12.50") → integer cents. Worked out on the digits, never by multiplying
 * a float (12.3 * 100 is 1230.0000000000002).
 */
export const parseEuros = (text: string, options: { allowNegative?: boolean } = {}): Parsed<PriceError> => {
  const s = text.replace(GROUPING, '').replace(/^€|€$/g, '').replace(/EUR$/i, '');
  if (s === '') return { ok: false, code: 'price_required' };
  const { negative, rest } = unsign(s);
  const parts = splitDecimal(rest);
  if (parts === null) return { ok: false, code: 'price_invalid' };
  const { int, frac } = parts;
  if (frac.length > 2) return { ok: false, code: 'price_decimals' };
  // past nine digits the amount is far above the limit anyway; stop before Number loses precision
  if (int.length > 9) return { ok: false, code: 'price_too_large' };
  const cents = Number(int === '' ? '0' : int) * 100 + Number(frac.padEnd(2, '0'));
  if (cents > UNIT_PRICE_MAX_CENTS) return { ok: false, code: 'price_too_large' };
  if (negative && cents !== 0) {
    if (!options.allowNegative) return { ok: false, code: 'price_negative' };
    return { ok: true, value: -cents };
  }
  return { ok: true, value: cents };
};

/** Cents → what the user would type back ("12,50" in French), without grouping so it parses again as is. */
export const centsToInput = (cents: number, decimalMark: ',' | '.'): string => {
  const abs = Math.abs(cents);
  const text = `${Math.floor(abs / 100)}${decimalMark}${String(abs % 100).padStart(2, '0')}`;
  return cents < 0 ? `-${text}` : text;
};

const MAX_MILLI = quantityMilli(QUANTITY_MAX);

/**
 * A quantity, to the thousandth (0,352 kg of cheese, 2,5 m of fabric), typed
 * with a comma or a dot ("0,352", "2.5", "1 000"; "2,0" is two; in French a
 * dot is the keypad's decimal key, in English a comma groups thousands), above zero
 * and at most QUANTITY_MAX. Counted in whole thousandths from the digits,
 * never through parseFloat, and handed back as `fromMilli` of them: the very
 * number whose `quantityMilli` the store keeps. Zeros past the third decimal
 * say nothing more and are accepted; any other fourth decimal is refused.
 */
export const parseQuantity = (text: string, decimalMark: ',' | '.' = ','): Parsed<QuantityError> => {
  let s = text.replace(GROUPING, '');
  if (s === '') return { ok: false, code: 'qty_required' };
  if (decimalMark === '.' && s.includes(',')) {
    // in English a comma only groups thousands: "1,000" is a thousand, not one
    const dot = s.indexOf('.');
    const int = dot < 0 ? s : s.slice(0, dot);
    // a first group of 0 is a French decimal comma (« 0,352 »), not thousands: refused rather than read as 352
    if (!/^[-−+]?[1-9]\d{0,2}(,\d{3})+$/.test(int)) return { ok: false, code: 'qty_invalid' };
    s = int.replace(/,/g, '') + (dot < 0 ? '' : s.slice(dot));
  }
  const { negative, rest } = unsign(s);
  const parts = splitDecimal(rest);
  if (parts === null) return { ok: false, code: 'qty_invalid' };
  const { int, frac } = parts;
  if (negative) return { ok: false, code: 'qty_positive' };
  if (/[1-9]/.test(frac.slice(QUANTITY_DECIMALS))) return { ok: false, code: 'qty_too_precise' };
  // past nine digits the quantity is far above the limit anyway; stop before Number loses precision
  if (int.length > 9) return { ok: false, code: 'qty_too_large' };
  const milli = Number(int === '' ? '0' : int) * QUANTITY_SCALE + Number(frac.slice(0, QUANTITY_DECIMALS).padEnd(QUANTITY_DECIMALS, '0'));
  if (milli === 0) return { ok: false, code: 'qty_positive' };
  if (milli > MAX_MILLI) return { ok: false, code: 'qty_too_large' };
  return { ok: true, value: fromMilli(milli) };
};

/** A quantity → what the user would type back ("0,352" in French, "2"), without grouping so it parses again as is. */
export const quantityToInput = (quantity: number, decimalMark: ',' | '.'): string => {
  const milli = Math.abs(quantityMilli(quantity));
  const whole = String(Math.floor(milli / QUANTITY_SCALE));
  const frac = String(milli % QUANTITY_SCALE).padStart(QUANTITY_DECIMALS, '0').replace(/0+$/, '');
  const text = frac === '' ? whole : `${whole}${decimalMark}${frac}`;
  return quantity < 0 ? `-${text}` : text;
};

/** The decimal mark of the interface language. */
export const decimalMarkFor = (locale: string): ',' | '.' => (locale.startsWith('fr') ? ',' : '.');
