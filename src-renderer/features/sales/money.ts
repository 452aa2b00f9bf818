import { QUANTITY_MAX, UNIT_PRICE_MAX_CENTS } from '@contract';

/** A parsed field, or the code of what is wrong with it (a key under `sales.errors`). */
export type Parsed = { ok: true; value: number } | { ok: false; code: string };

export type PriceError = 'price_required' | 'price_invalid' | 'price_decimals' | 'price_too_large' | 'price_negative';
export type QuantityError = 'qty_required' | 'qty_not_integer' | 'qty_positive' | 'qty_too_large';

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
 * An amount typed the French way ("12,50", "1 234,5 €") or the English way
 * ("12.50") → integer cents. Worked out on the digits, never by multiplying
 * a float (12.3 * 100 is 1230.0000000000002).
 */
export const parseEuros = (text: string, options: { allowNegative?: boolean } = {}): Parsed => {
  let s = text.replace(GROUPING, '').replace(/^€|€$/g, '').replace(/EUR$/i, '');
  if (s === '') return { ok: false, code: 'price_required' };
  let negative = false;
  if (MINUS.test(s)) {
    negative = true;
    s = s.slice(1);
  } else if (s.startsWith('+')) {
    s = s.slice(1);
  }
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return { ok: false, code: 'price_invalid' };
  // with both separators the last one is the decimal mark; with one, it is the decimal mark
  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  const decimalAt = Math.max(lastComma, lastDot);
  let int = decimalAt < 0 ? s : s.slice(0, decimalAt);
  const frac = decimalAt < 0 ? '' : s.slice(decimalAt + 1);
  if (lastComma >= 0 && lastDot >= 0) {
    const grouped = ungroup(int, lastComma > lastDot ? '.' : ',');
    if (grouped === null) return { ok: false, code: 'price_invalid' };
    int = grouped;
  }
  if (!/^\d*$/.test(int) || !/^\d*$/.test(frac)) return { ok: false, code: 'price_invalid' };
  if (frac.length > 2) return { ok: false, code: 'price_decimals' };
  const digits = int.replace(/^0+(?=\d)/, '');
  // past nine digits the amount is far above the limit anyway; stop before Number loses precision
  if (digits.length > 9) return { ok: false, code: 'price_too_large' };
  const cents = Number(digits === '' ? '0' : digits) * 100 + Number(frac.padEnd(2, '0'));
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

/** A quantity: a whole number from 1 to QUANTITY_MAX. */
export const parseQuantity = (text: string): Parsed => {
  const s = text.replace(GROUPING, '');
  if (s === '') return { ok: false, code: 'qty_required' };
  if (/^[-−]/.test(s) && /^[-−]\d+([.,]\d+)?$/.test(s)) return { ok: false, code: 'qty_positive' };
  if (/^\d+[.,]\d*$/.test(s)) {
    // "2,0" is still two
    return /^\d+[.,]0*$/.test(s) ? parseQuantity(s.replace(/[.,]0*$/, '')) : { ok: false, code: 'qty_not_integer' };
  }
  if (!/^\+?\d+$/.test(s)) return { ok: false, code: 'qty_not_integer' };
  const digits = s.replace(/^\+/, '').replace(/^0+(?=\d)/, '');
  if (digits.length > 9) return { ok: false, code: 'qty_too_large' };
  const n = Number(digits);
  if (n < 1) return { ok: false, code: 'qty_positive' };
  if (n > QUANTITY_MAX) return { ok: false, code: 'qty_too_large' };
  return { ok: true, value: n };
};

/** The decimal mark of the interface language. */
export const decimalMarkFor = (locale: string): ',' | '.' => (locale.startsWith('fr') ? ',' : '.');
