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

/** People type identifiers with spaces or dots ("732 829 320 00074"). */
export const compactIdentifier = (value: string): string => value.replace(/[\s.\u00a0-]+/g, '');
