import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Normalises a typed phone number to E.164; French numbers need no prefix. */
export const toE164 = (raw: string, defaultCountry: CountryCode = 'FR'): string | null => {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
};

/**
 * French numbers outside the 08 range, which libphonenumber shows as "0X XX XX XX XX" whether or not
 * the number is allocated (checked against it by a property test). Parsing costs ~6 µs a number: an
 * export or a list of a million contacts would spend seconds on it.
 */
const FRENCH_PAIRS = /^\+33[1-79]\d{8}$/;

/** Display form: national format at home ("06 12 34 56 78"), international otherwise. */
export const formatPhone = (e164: string, homeCountry: CountryCode = 'FR'): string => {
  if (homeCountry === 'FR' && FRENCH_PAIRS.test(e164)) {
    return `0${e164[3]} ${e164.slice(4, 6)} ${e164.slice(6, 8)} ${e164.slice(8, 10)} ${e164.slice(10, 12)}`;
  }
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === homeCountry ? parsed.formatNational() : parsed.formatInternational();
};

/**
 * Whether a stored number can receive a text message. A French number can
 * when it is a mobile (06, 07: ARCEP's plan; every stored number was
 * validated on the way in); a landline cannot, and an SMS campaign must not
 * count it. A foreign number keeps the benefit of the doubt: the bundled
 * metadata cannot tell its kind, and the consent filter's SQL
 * (`textableSql` of domain/consent/sql.ts) must decide the same way on its own.
 */
export const isTextable = (e164: string): boolean => !e164.startsWith('+33') || e164[3] === '6' || e164[3] === '7';
