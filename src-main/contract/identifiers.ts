/**
 * French business identifiers. SIREN (9 digits) and SIRET (SIREN + 5-digit
 * establishment number) carry a Luhn check digit, so a typo is caught at entry.
 */
const luhn = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

/** La Poste's establishments outgrew the Luhn scheme: INSEE checks them by digit sum instead. */
const LA_POSTE_SIREN = '356000000';

export const isValidSiren = (value: string): boolean => /^\d{9}$/.test(value) && luhn(value);

/** SIRET: 14 digits with a Luhn check digit (La Poste's SIRET 356000000xxxxx are checked by digit sum instead). */
export const isValidSiret = (value: string): boolean => {
  if (!/^\d{14}$/.test(value)) return false;
  if (value.startsWith(LA_POSTE_SIREN)) {
    let sum = 0;
    for (const ch of value) sum += Number(ch);
    return sum % 5 === 0;
  }
  return luhn(value);
};

/**
 * Why a SIREN or SIRET is refused, so the message can say whether a digit is
 * missing or the number was mistyped: `length` (not 9 / 14 digits),
 * `check_digit` (the right count of digits, the key does not match).
 */
export type IdentifierProblem = 'length' | 'check_digit';

export const sirenProblem = (value: string): IdentifierProblem | null =>
  !/^\d{9}$/.test(value) ? 'length' : isValidSiren(value) ? null : 'check_digit';

export const siretProblem = (value: string): IdentifierProblem | null =>
  !/^\d{14}$/.test(value) ? 'length' : isValidSiret(value) ? null : 'check_digit';

/** People type identifiers with spaces or dots ("732 829 320 00074"). */
export const compactIdentifier = (value: string): string => value.replace(/[\s.\u00a0-]+/g, '');
