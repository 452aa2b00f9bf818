/**
 * Formula-injection guard for exported cells (OWASP "CSV injection"): a cell
 * that a spreadsheet would run as a formula gets a leading apostrophe.
 */
const TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * A phone number: "+" then only digits, spaces, dots, dashes, parentheses.
 * Even if a spreadsheet evaluates it, it is arithmetic: it cannot call a
 * function or reference a cell, and "+33 6 12 34 56 78" stays readable.
 */
const PHONE = /^\+[\d .()\u00a0-]*\d[\d .()\u00a0-]*$/;

/** A plain negative amount: "-12,50", "-1 234.5". */
const NEGATIVE_NUMBER = /^-\d[\d \u00a0\u202f]*(?:[.,]\d+)?$/;

const dangerous = (value: string): boolean =>
  value.length > 0 && TRIGGERS.has(value[0]!) && !PHONE.test(value) && !NEGATIVE_NUMBER.test(value);

/**
 * Whether an apostrophe goes in front: the value is dangerous, or it already
 * starts with apostrophes in front of something dangerous ("'=A1"), which
 * must gain one more so that unneutralise gives it back exactly.
 */
const needsGuard = (value: string): boolean => {
  let i = 0;
  while (value[i] === "'") i += 1;
  return dangerous(i === 0 ? value : value.slice(i));
};

export const neutralise = (cell: string): string => (needsGuard(cell) ? `'${cell}` : cell);

/** The exact inverse, for reading our own exports back: unneutralise(neutralise(x)) === x. */
export const unneutralise = (cell: string): string =>
  cell.startsWith("'") && needsGuard(cell.slice(1)) ? cell.slice(1) : cell;
