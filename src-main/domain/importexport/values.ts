import type { Civility, ContactSource, ContactStatus } from '../../contract/contacts';
import { contactSources } from '../../contract/contact-kinds';
import type { Language } from '../../contract/settings';
import { fold } from '../../contract/text';
import { DAY_MS, dayInstant } from '../../contract/dates';
import { fromMilli, QUANTITY_DECIMALS } from '../../contract/purchases';

/**
 * Parsers for imported cells. Each returns a value or a reason (a locale key
 * the row report shows next to the line and the column). None of them turns
 * a postcode, a phone or a code into a number: those stay text.
 */
export type ValueReason =
  | 'empty'
  | 'invalid_number'
  | 'too_many_decimals'
  | 'amount_too_large'
  | 'quantity_decimals'
  | 'negative_quantity'
  | 'unknown_date'
  | 'impossible_date'
  | 'impossible_time'
  | 'unknown_boolean'
  | 'unknown_civility'
  | 'unknown_status'
  | 'unknown_country'
  | 'unknown_language';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: ValueReason };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(reason: ValueReason): Parsed<T> => ({ ok: false, reason });

// ---------------------------------------------------------------- numbers

/** Spaces French software puts in numbers: plain, no-break, narrow no-break (Excel's), thin; Swiss apostrophes. */
const GROUPING = /[\s\u00a0\u202f\u2009'’]/g;
const CURRENCY = /^(?:€|eur|euros?|\$|usd|£|gbp|chf)|(?:€|eur|euros?|\$|usd|£|gbp|chf|ttc|ht)$/i;
const GROUPS = /^\d{1,3}(?:[.,]\d{3})*$/;

/** Largest amount kept exact: digits before the decimal separator. */
const MAX_INTEGER_DIGITS = 13;

export type DecimalOptions = {
  /** 'strict' (default) refuses a significant decimal past `places`; 'round' rounds half away from zero. */
  decimals?: 'strict' | 'round';
  /** Decimals kept: 2 (default) gives cents, 3 thousandths (quantities). */
  places?: 2 | 3;
};

/**
 * An amount as integer cents: "1 234,50", "1234.5", "12,5 €", "-3,00",
 * "(12,50)" and "12,50-" (accounting negatives), "1.234,56", "1,234.56".
 * A single separator is the decimal one ("1,234" is 1.234, refused in strict
 * mode as three decimals rather than silently read as 123 cents); a repeated
 * one groups thousands. Computed on digits, never through a float.
 */
export const parseFrenchDecimal = (text: string, options: DecimalOptions = {}): Parsed<number> => {
  let v = text.trim();
  if (v === '') return fail('empty');
  let negative = false;
  if (/^\(.*\)$/.test(v)) {
    negative = true;
    v = v.slice(1, -1).trim();
  }
  for (let i = 0; i < 2; i += 1) v = v.replace(CURRENCY, '').trim();
  if (/^[-−+]/.test(v)) {
    negative = negative !== (v[0] !== '+');
    v = v.slice(1).trim();
  } else if (/-$/.test(v)) {
    negative = !negative;
    v = v.slice(0, -1).trim();
  }
  for (let i = 0; i < 2; i += 1) v = v.replace(CURRENCY, '').trim();
  v = v.replace(GROUPING, '');
  if (!/^(?:\d[\d.,]*|[.,]\d+)$/.test(v)) return fail('invalid_number');

  const lastComma = v.lastIndexOf(',');
  const lastDot = v.lastIndexOf('.');
  let integer: string;
  let fraction = '';
  if (lastComma >= 0 && lastDot >= 0) {
    const decimalAt = Math.max(lastComma, lastDot);
    const thousands = decimalAt === lastComma ? '.' : ',';
    integer = v.slice(0, decimalAt);
    fraction = v.slice(decimalAt + 1);
    if (!GROUPS.test(integer) || integer.includes(v[decimalAt]!) || fraction.includes(thousands)) {
      return fail('invalid_number');
    }
  } else if (lastComma >= 0 || lastDot >= 0) {
    const separator = lastComma >= 0 ? ',' : '.';
    const first = v.indexOf(separator);
    if (first !== (lastComma >= 0 ? lastComma : lastDot)) {
      if (!GROUPS.test(v)) return fail('invalid_number');
      integer = v;
    } else {
      integer = v.slice(0, first);
      fraction = v.slice(first + 1);
    }
  } else {
    integer = v;
  }
  integer = integer.replace(/[.,]/g, '');
  if (!/^\d*$/.test(integer) || !/^\d*$/.test(fraction) || integer + fraction === '') return fail('invalid_number');
  integer = integer.replace(/^0+(?=\d)/, '');
  const places = options.places ?? 2;
  // each decimal kept takes a digit from the integer part: the result stays a safe integer
  if (integer.length > MAX_INTEGER_DIGITS + 2 - places) return fail('amount_too_large');

  let units = Number(integer || '0') * 10 ** places + Number((fraction + '000').slice(0, places));
  const rest = fraction.slice(places);
  if (/[1-9]/.test(rest)) {
    if (options.decimals !== 'round') return fail('too_many_decimals');
    if (rest.charCodeAt(0) >= 53) units += 1;
  }
  return ok(negative && units !== 0 ? -units : units);
};

export type QuantityOptions = { allowNegative?: boolean };

/** A quantity to the thousandth ("3", "0,352", "1 000"); negatives only for refunds, when allowed. */
export const parseQuantity = (text: string, options: QuantityOptions = {}): Parsed<number> => {
  const parsed = parseFrenchDecimal(text, { places: QUANTITY_DECIMALS });
  if (!parsed.ok) return parsed.reason === 'too_many_decimals' ? fail('quantity_decimals') : parsed;
  if (parsed.value < 0 && !options.allowNegative) return fail('negative_quantity');
  return ok(fromMilli(parsed.value));
};

// ---------------------------------------------------------------- dates

export type DateOrder = 'dmy' | 'ymd' | 'mdy';

export type DateOptions = {
  /** How to read a numeric date whose year is not first; French files are 'dmy'. */
  order?: DateOrder;
  /** Read a bare number as an Excel day serial (a date cell that lost its format in an .xlsx). */
  excelSerial?: boolean;
};

const MONTHS: Record<string, number> = {};
[
  ['janvier', 'janv', 'jan', 'january'],
  ['fevrier', 'fevr', 'fev', 'feb', 'february'],
  ['mars', 'mar', 'march'],
  ['avril', 'avr', 'apr', 'april'],
  ['mai', 'may'],
  ['juin', 'jun', 'june'],
  ['juillet', 'juil', 'jul', 'july'],
  ['aout', 'aou', 'aug', 'august'],
  ['septembre', 'sept', 'sep', 'september'],
  ['octobre', 'oct', 'october'],
  ['novembre', 'nov', 'november'],
  ['decembre', 'dec', 'december'],
].forEach((names, i) => names.forEach((n) => (MONTHS[n] = i + 1)));

const WEEKDAY =
  /^(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+/;

/** Time after a date, ignored by `parseDate` (birth dates, consent days); `parseDateTime` reads it. */
const TIME = String.raw`(?:[t\s]+\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})?)?`;
const YMD = new RegExp(String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})${TIME}$`);
const NUMERIC = new RegExp(String.raw`^(\d{1,2})[-/.\s](\d{1,2})[-/.\s](\d{4}|\d{2})${TIME}$`);
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const NAMED_DMY = new RegExp(String.raw`^(\d{1,2})(?:er)?[\s./-]*([a-z]+)\.?[\s./-]*(\d{4}|\d{2})${TIME}$`);
const NAMED_MDY = new RegExp(String.raw`^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}$`);

/** Excel's own window: 00-29 are 2000s, 30-99 the 1900s. */
const fullYear = (y: string): number => {
  const n = Number(y);
  if (y.length === 4) return n;
  return n < 30 ? 2000 + n : 1900 + n;
};

const isoDate = (year: number, month: number, day: number): Parsed<string> => {
  if (year < 1800 || year > 2200 || month < 1 || month > 12 || day < 1) return fail('impossible_date');
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) return fail('impossible_date');
  return ok(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
};

const EXCEL_MAX_SERIAL = 2_958_465;

/** Excel day serial to a date, honouring Excel's fictitious 29 February 1900 (serial 60). */
export const excelSerialToDate = (serial: number): Parsed<string> => {
  const day = Math.floor(serial);
  if (day < 1 || day > EXCEL_MAX_SERIAL) return fail('impossible_date');
  if (day === 60) return fail('impossible_date');
  const base = day < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  const d = new Date(base + day * DAY_MS);
  return isoDate(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
};

/**
 * A calendar date as 'YYYY-MM-DD' from what French and English files hold:
 * 05/03/2024, 5/3/24, 05-03-2024, 05.03.2024, 2024-03-05, ISO date-times (the
 * date as written, no time-zone shift), 20240305, "5 mars 2024", "05-mars-24"
 * (Excel's French dd-mmm-yy), "mardi 5 mars 2024", "March 5, 2024", and Excel
 * serials when asked. 'impossible_date' for 31/02/2024 or month 13.
 */
export const parseDate = (value: string, options: DateOptions = {}): Parsed<string> => {
  const order = options.order ?? 'dmy';
  const v = fold(value).replace(WEEKDAY, '');
  if (v === '') return fail('empty');

  if (options.excelSerial && /^\d{1,7}(?:\.\d+)?$/.test(v) && Number(v) <= EXCEL_MAX_SERIAL) {
    return excelSerialToDate(Number(v));
  }
  let m = COMPACT.exec(v);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = YMD.exec(v);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = NUMERIC.exec(v);
  if (m) {
    const [a, b, c] = [m[1]!, m[2]!, m[3]!];
    if (order === 'ymd' && c.length === 2) return isoDate(fullYear(a), Number(b), Number(c));
    if (order === 'mdy') return isoDate(fullYear(c), Number(a), Number(b));
    return isoDate(fullYear(c), Number(b), Number(a));
  }
  m = NAMED_DMY.exec(v);
  if (m && MONTHS[m[2]!] !== undefined) return isoDate(fullYear(m[3]!), MONTHS[m[2]!]!, Number(m[1]));
  m = NAMED_MDY.exec(v);
  if (m && MONTHS[m[1]!] !== undefined) return isoDate(Number(m[3]), MONTHS[m[1]!]!, Number(m[2]));
  return fail('unknown_date');
};

/** A time of day read after a date; `offsetMinutes` only when the text gives its zone (Z, UTC, +01:00). */
export type TimeOfDay = { hours: number; minutes: number; seconds: number; millis: number; offsetMinutes: number | null };

const TIME_AFTER = /^(.*\d)[t\s]+(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(z|utc|gmt|[+-]\d{2}:?\d{2})?$/;
const OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/**
 * `parseDate` and the time of day after it, if any: « 05/03/2024 14:32 »,
 * « 2024-03-05T14:32:10+01:00 », « 5 mars 2024 14h32 », an .xlsx date-time
 * (« 2024-03-05 14:32 ») or serial (45356.6). A time of exactly midnight
 * without a zone is no time: what exports write after a date that has none.
 */
export const parseDateTime = (value: string, options: DateOptions = {}): Parsed<{ date: string; time: TimeOfDay | null }> => {
  const v = fold(value);
  if (options.excelSerial && /^\d{1,7}\.\d+$/.test(v) && Number(v) <= EXCEL_MAX_SERIAL) {
    const date = excelSerialToDate(Number(v));
    if (!date.ok) return date;
    // Excel keeps wall-clock time as the fraction of a day: to the second, as Excel shows it
    const second = Math.round((Number(v) % 1) * 86_400);
    if (second === 0 || second === 86_400) return ok({ date: date.value, time: null });
    const time = { hours: Math.floor(second / 3600), minutes: Math.floor(second / 60) % 60, seconds: second % 60, millis: 0, offsetMinutes: null };
    return ok({ date: date.value, time });
  }
  const m = TIME_AFTER.exec(v);
  const date = parseDate(m === null ? value : m[1]!, options);
  if (!date.ok || m === null) return date.ok ? ok({ date: date.value, time: null }) : date;
  const [hours, minutes, seconds] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return fail('impossible_time');
  const millis = m[5] === undefined ? 0 : Number(m[5].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes: number | null = null;
  const zone = m[6];
  if (zone !== undefined) {
    const o = OFFSET.exec(zone);
    offsetMinutes = o === null ? 0 : (o[1] === '-' ? -1 : 1) * (Number(o[2]) * 60 + Number(o[3]));
    if (o !== null && (Number(o[2]) > 14 || Number(o[3]) > 59)) return fail('impossible_time');
  }
  if (offsetMinutes === null && hours === 0 && minutes === 0 && seconds === 0 && millis === 0) return ok({ date: date.value, time: null });
  return ok({ date: date.value, time: { hours, minutes, seconds, millis, offsetMinutes } });
};

/**
 * The UTC instant of a date and time read from a file. Without a time: the
 * day's own instant (midnight UTC, as `toInstant` stores a bare date).
 * Without a zone: the time is the shop's wall clock, this machine's zone.
 */
export const dateTimeInstant = (date: string, time: TimeOfDay | null): string => {
  if (time === null) return dayInstant(date);
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const { hours, minutes, seconds, millis, offsetMinutes } = time;
  if (offsetMinutes !== null) return new Date(Date.UTC(y, mo - 1, d, hours, minutes, seconds, millis) - offsetMinutes * 60_000).toISOString();
  return new Date(y, mo - 1, d, hours, minutes, seconds, millis).toISOString();
};

/**
 * The day/month order of a date column from its values: a first number above
 * 12 settles 'dmy', a second one 'mdy'; French order when nothing tells.
 */
export const guessDateOrder = (samples: readonly string[]): DateOrder => {
  let dmy = 0;
  let mdy = 0;
  let ymd = 0;
  for (const s of samples) {
    const v = s.trim();
    if (YMD.test(v) || COMPACT.test(v)) {
      ymd += 1;
      continue;
    }
    const m = NUMERIC.exec(v);
    if (!m) continue;
    if (Number(m[1]) > 12) dmy += 1;
    if (Number(m[2]) > 12) mdy += 1;
  }
  if (mdy > 0 && dmy === 0) return 'mdy';
  if (ymd > 0 && dmy === 0 && mdy === 0) return 'ymd';
  return 'dmy';
};

// ---------------------------------------------------------------- words

const TRUE_WORDS = new Set(['oui', 'o', 'yes', 'y', '1', 'x', 'vrai', 'true', 'ok', 'v', '✓', '✔', 'si']);
const FALSE_WORDS = new Set(['non', 'n', 'no', '0', 'faux', 'false', '-', '✗', '✘']);

/** oui/non, yes/no, 1/0, x/(empty), vrai/faux, true/false. */
export const normaliseBoolean = (value: string): Parsed<boolean> => {
  const v = fold(value);
  if (v === '') return fail('empty');
  if (TRUE_WORDS.has(v)) return ok(true);
  if (FALSE_WORDS.has(v)) return ok(false);
  return fail('unknown_boolean');
};

const CIVILITIES: Record<string, Civility> = {};
for (const w of ['m', 'mr', 'monsieur', 'mister', 'sir', 'h', 'homme', 'male', 'masculin', 'messieurs', 'mm']) CIVILITIES[w] = 'm';
for (const w of ['mme', 'madame', 'mlle', 'mademoiselle', 'mrs', 'ms', 'miss', 'f', 'femme', 'female', 'feminin', 'mmes']) CIVILITIES[w] = 'mme';

/** Mme / Madame / Mlle / Mrs / F → 'mme'; M. / Mr / Monsieur / H → 'm'. */
export const parseCivility = (value: string): Parsed<Civility> => {
  const v = fold(value).replace(/[.\s]/g, '');
  if (v === '') return fail('empty');
  const c = CIVILITIES[v];
  return c ? ok(c) : fail('unknown_civility');
};

const STATUSES: Record<string, ContactStatus> = {
  prospect: 'prospect',
  prospects: 'prospect',
  lead: 'prospect',
  client: 'customer',
  cliente: 'customer',
  clients: 'customer',
  customer: 'customer',
  actif: 'customer',
  active: 'customer',
  'ancien client': 'former',
  'ancienne cliente': 'former',
  'ex client': 'former',
  'ex-client': 'former',
  former: 'former',
  'former customer': 'former',
  inactif: 'former',
  inactive: 'former',
  perdu: 'former',
};

export const parseStatus = (value: string): Parsed<ContactStatus> => {
  const v = fold(value);
  if (v === '') return fail('empty');
  const s = STATUSES[v];
  return s ? ok(s) : fail('unknown_status');
};

const SOURCES: [RegExp, ContactSource][] = [
  [/^(?:magasin|boutique|formulaire|comptoir|caisse|shop|store|in[- ]?shop|in[- ]?store)/, 'shop_form'],
  [/^(?:enquete|sondage|questionnaire|survey)/, 'survey'],
  [/^(?:commercial|vendeur|vendeuse|salon|foire|salesperson|sales)/, 'salesperson'],
  [/^(?:compta|accounting)/, 'accounting'],
  [/^(?:sav|service apres|apres[- ]vente|after[- ]sales)/, 'after_sales'],
  [/^(?:site|web|internet|e-?commerce|boutique en ligne|website|online)/, 'website'],
  [/^(?:fichier achete|achat de fichier|location de fichier|purchased)/, 'purchased_file'],
  [/^(?:parrain|recommand|bouche a oreille|referral|referred)/, 'referral'],
  [/^import/, 'import'],
  [/^(?:autre|other)$/, 'other'],
];

/** A free-text origin mapped onto the collection sources; null when none fits (the caller keeps it as 'other' + detail). */
export const parseSource = (value: string): ContactSource | null => {
  const v = fold(value);
  // the codes themselves, as older exports wrote them ("after_sales" matches no pattern below)
  const code = contactSources.find((c) => c === v);
  if (code !== undefined) return code;
  for (const [pattern, source] of SOURCES) if (pattern.test(v)) return source;
  return null;
};

let countryNames: Map<string, string> | null = null;

/** Country names in French and English (ICU), with the informal ones people type. */
const countries = (): Map<string, string> => {
  if (countryNames) return countryNames;
  const map = new Map<string, string>();
  const names = [new Intl.DisplayNames(['fr'], { type: 'region' }), new Intl.DisplayNames(['en'], { type: 'region' })];
  // Groupings and codes ICU still names but that are no country any more (UK is GB's alias).
  const skip = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO', 'UK', 'FX', 'DD', 'YU', 'ZR', 'TP', 'BU', 'CS', 'SU', 'AN', 'NT']);
  for (let a = 65; a <= 90; a += 1) {
    for (let b = 65; b <= 90; b += 1) {
      const code = String.fromCharCode(a, b);
      if (skip.has(code)) continue;
      for (const n of names) {
        const name = n.of(code);
        const key = name && name !== code ? fold(name).replace(/[^a-z0-9]+/g, ' ').trim() : '';
        if (key !== '' && !map.has(key)) map.set(key, code);
      }
    }
  }
  const aliases: Record<string, string> = {
    angleterre: 'GB', uk: 'GB', 'grande bretagne': 'GB', 'royaume uni': 'GB', ecosse: 'GB', 'pays de galles': 'GB',
    usa: 'US', 'etats unis': 'US', 'etats unis d amerique': 'US', us: 'US', amerique: 'US',
    hollande: 'NL', 'pays bas': 'NL', allemagne: 'DE', suisse: 'CH', belgique: 'BE', france: 'FR',
    'france metropolitaine': 'FR', metropole: 'FR', 'republique tcheque': 'CZ',
  };
  for (const [k, v] of Object.entries(aliases)) map.set(k, v);
  countryNames = map;
  return map;
};

/** An ISO 3166 alpha-2 code from "FR", "France", "Belgique", "Royaume-Uni", "UK"… */
export const parseCountry = (value: string): Parsed<string> => {
  const v = fold(value).replace(/[^a-z0-9]+/g, ' ').trim();
  if (v === '') return fail('empty');
  if (/^[a-z]{2}$/.test(v)) {
    const code = v.toUpperCase();
    if (code === 'UK') return ok('GB');
    const known = new Intl.DisplayNames(['en'], { type: 'region' }).of(code);
    if (known && known !== code && countries().get(fold(known).replace(/[^a-z0-9]+/g, ' ').trim()) === code) return ok(code);
  }
  const code = countries().get(v);
  return code ? ok(code) : fail('unknown_country');
};

const countryLabels = new Map<string, string>();

/**
 * A country as an export writes it: its name in the file's language
 * ("Belgique", "Belgium"), or its code when that name would not read back
 * as the same country.
 */
export const countryLabel = (code: string, language: Language): string => {
  const key = `${language}:${code}`;
  let label = countryLabels.get(key);
  if (label === undefined) {
    let name: string | undefined;
    try {
      name = new Intl.DisplayNames([language], { type: 'region' }).of(code);
    } catch {
      // not a region code ICU knows: written as stored
    }
    const back = name === undefined || name === code ? null : parseCountry(name);
    label = back?.ok === true && back.value === code ? name! : code;
    countryLabels.set(key, label);
  }
  return label;
};

let languageNames: Map<string, string> | null = null;

/** An ISO 639-1 code from "fr", "français", "French", "FR-fr"… */
export const parseLanguage = (value: string): Parsed<string> => {
  const v = fold(value).replace(/[_\s]+/g, '-').replace(/-+$/, '');
  if (v === '') return fail('empty');
  const display = new Intl.DisplayNames(['en'], { type: 'language' });
  const tag = /^([a-z]{2})(?:-[a-z]{2})?$/.exec(v);
  if (tag) {
    const known = display.of(tag[1]!);
    if (known && known !== tag[1]) return ok(tag[1]!);
  }
  if (!languageNames) {
    languageNames = new Map();
    const names = [new Intl.DisplayNames(['fr'], { type: 'language' }), display];
    for (let a = 97; a <= 122; a += 1) {
      for (let b = 97; b <= 122; b += 1) {
        const code = String.fromCharCode(a, b);
        for (const n of names) {
          const name = n.of(code);
          if (name && name !== code) languageNames.set(fold(name), code);
        }
      }
    }
  }
  const code = languageNames.get(v.replace(/-/g, ' '));
  return code ? ok(code) : fail('unknown_language');
};

// ---------------------------------------------------------------- text kept as text

export type Restored = { value: string; fixed: boolean };

/**
 * A French postcode that Excel turned into a number lost its zero ("1000" for
 * 01000, Bourg-en-Bresse). Put it back, and say so in the report.
 */
export const restorePostcode = (value: string, country: string | null = 'FR'): Restored => {
  const v = value.trim();
  if ((country === null || country === 'FR') && /^\d{4}$/.test(v)) return { value: `0${v}`, fixed: true };
  return { value: v, fixed: false };
};

/**
 * A French phone Excel stored as a number: "612345678" (the 0 dropped) or
 * "33612345678" (the + dropped). Anything else is returned as typed.
 */
export const restorePhone = (value: string): Restored => {
  const v = value.trim();
  if (/^[1-9]\d{8}$/.test(v)) return { value: `0${v}`, fixed: true };
  if (/^33[1-9]\d{8}$/.test(v)) return { value: `+${v}`, fixed: true };
  return { value: v, fixed: false };
};

/** What Outlook writes in a date column it has nothing for ("0/0/00"): an empty cell. */
export const EMPTY_DATE = /^0+[/.-]0+[/.-]0+$/;

/** What Google Contacts writes between a field's values in one cell. */
export const GOOGLE_VALUES = /\s*:::\s*/;

/**
 * Google Contacts' own groups, starred "* myContacts ::: * starred ::: VIP":
 * every contact is in "myContacts", which says nothing; the others keep
 * their name without the star.
 */
const GOOGLE_GROUP = /^\*\s+/;
const GOOGLE_ALL = 'mycontacts';

/**
 * Tags from one cell: "VIP, fidèle; Noël" → three tags, duplicates (case,
 * accents) removed; Google's "* myContacts ::: VIP" → VIP.
 */
export const splitTags = (value: string): string[] => {
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of value.split(/[,;|\n]|:::/)) {
    const trimmed = raw.trim();
    const google = GOOGLE_GROUP.test(trimmed);
    const tag = trimmed.replace(GOOGLE_GROUP, '').replace(/\s+/g, ' ');
    const key = fold(tag);
    if (google && key === GOOGLE_ALL) continue;
    if (tag === '' || seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  return tags;
};

export type NameParts = { civility: Civility | null; firstName: string | null; lastName: string | null };

const UPPER_WORD = /^[\p{Lu}][\p{Lu}'’-]*$/u;

/**
 * One "name" cell split in two: "M. Jean DUPONT" and "DUPONT Jean" (the
 * French capitalised family name), "Dupont, Jean", else first word first
 * ("Jean de La Fontaine" → Jean / de La Fontaine).
 */
export const splitFullName = (value: string): NameParts => {
  let v = value.trim().replace(/\s+/g, ' ');
  let civility: Civility | null = null;
  const prefix = /^(\S+)\s+/.exec(v);
  if (prefix) {
    const c = parseCivility(prefix[1]!);
    if (c.ok && /^(?:m\.?|mr\.?|mme\.?|mlle\.?|mrs\.?|ms\.?|monsieur|madame|mademoiselle)$/i.test(prefix[1]!)) {
      civility = c.value;
      v = v.slice(prefix[0].length);
    }
  }
  if (v === '') return { civility, firstName: null, lastName: null };
  const comma = v.indexOf(',');
  if (comma > 0) {
    const last = v.slice(0, comma).trim();
    const first = v.slice(comma + 1).trim();
    return { civility, firstName: first || null, lastName: last || null };
  }
  const words = v.split(' ');
  if (words.length === 1) return { civility, firstName: null, lastName: v };
  const upper = words.map((w) => UPPER_WORD.test(w) && /\p{L}{2}/u.test(w));
  if (upper.some(Boolean) && !upper.every(Boolean)) {
    const start = upper.indexOf(true);
    let end = start;
    while (end + 1 < words.length && upper[end + 1]) end += 1;
    const lastName = words.slice(start, end + 1).join(' ');
    const firstName = [...words.slice(0, start), ...words.slice(end + 1)].join(' ');
    return { civility, firstName: firstName || null, lastName };
  }
  return { civility, firstName: words[0]!, lastName: words.slice(1).join(' ') };
};
