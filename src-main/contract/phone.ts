import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Normalises a typed phone number to E.164; French numbers need no prefix. */
export const toE164 = (raw: string, defaultCountry: CountryCode = 'FR'): string | null => {
  const parsed = parsePhoneNumberFromString(raw, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
};

/** Display form: national format at home ("06 12 34 56 78"), international otherwise. */
export const formatPhone = (e164: string, homeCountry: CountryCode = 'FR'): string => {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === homeCountry ? parsed.formatNational() : parsed.formatInternational();
};
