import { Metadata } from 'libphonenumber-js';
import {
  civilities,
  contactSources,
  contactStatuses,
  dataOrigins,
  EMAIL_PATTERN,
  fold,
  isCalendarDate,
  SOURCE_DETAIL_MAX,
  toE164,
  type ContactData,
  type ContactInput,
  type ExtraEmail,
  type ExtraPhone,
  type RowIssue,
} from '../../contract';
import {
  EMPTY_DATE,
  parseCivility,
  parseCountry,
  parseDate,
  parseLanguage,
  parseSource,
  parseStatus,
  restorePhone,
  restorePostcode,
  splitFullName,
  splitTags,
  unneutralise,
  detached,
  type ContactTarget,
  type Parsed,
} from '../importexport';
import { parseCompanyNumber, type CompanyNumber } from './contacts';

/**
 * The import's hot path: one file row to the contact the zod schema would
 * produce, without going through zod (65 µs a row) or parsing French phones
 * with libphonenumber (20 µs each). It takes a row only when it can tell the
 * outcome for sure; anything unusual (an error, a read issue, a foreign
 * phone) answers null and the row goes through `normaliseContact`, so
 * reports, messages and stored values stay those of the schema. A property
 * test holds the two paths equal.
 */
export type FastContact = {
  line: number;
  data: ContactData;
  company: string | null;
  companyNumber: CompanyNumber | null;
  note: string | null;
  /** Non-blocking issues, in the order `normaliseContact` reports them. */
  notices: RowIssue[];
};

/** Mirrors `CONTROL_CHARS` of contract/fields.ts (tab, LF and CR are allowed in text). */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** Tag names refuse every control character (contract/contacts.ts `tagName`). */
const TAG_CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const TAG_NAME_MAX = 50;
const TAGS_MAX = 50;

/** Marks a value the fast path cannot vouch for: the row goes the schema's way. */
const NO = Symbol('fallback');
type No = typeof NO;

/** `optionalText(max)` of the contract, for a value the normaliser built. */
const optionalText = (raw: string | null | undefined, max: number): string | null | No => {
  if (raw === null || raw === undefined) return null;
  if (raw.length > max * 4) return NO;
  const v = raw.trim();
  if (v.length > max || CONTROL_CHARS.test(v)) return NO;
  return v === '' ? null : v;
};

const optionalEmail = (raw: string | null | undefined): string | null | No => {
  const v = optionalText(raw, 254);
  if (v === null || v === NO) return v;
  const lower = v.toLowerCase();
  return EMAIL_PATTERN.test(lower) ? lower : NO;
};

/**
 * French numbers as people and our own exports write them: 0X XX XX XX XX
 * (spaces, dots or dashes) and +33 X XX XX XX XX. libphonenumber's bundled
 * metadata validates a French number by its national pattern alone (no
 * per-type patterns), so that pattern is all the check there is; it is read
 * from the library at start and the shortcut is checked against `toE164` on
 * a few numbers, switching itself off if the library ever disagrees.
 */
const NATIONAL = /^0([1-9])[ .-]?(\d\d)[ .-]?(\d\d)[ .-]?(\d\d)[ .-]?(\d\d)$/;
const INTERNATIONAL = /^\+33[ .-]?([1-9])[ .-]?(\d\d)[ .-]?(\d\d)[ .-]?(\d\d)[ .-]?(\d\d)$/;

type PlanView = { nationalNumberPattern(): string; possibleLengths(): number[]; hasTypes(): boolean };

const isPlanView = (plan: unknown): plan is PlanView =>
  typeof plan === 'object' &&
  plan !== null &&
  ['nationalNumberPattern', 'possibleLengths', 'hasTypes'].every(
    (name) => typeof (plan as Record<string, unknown>)[name] === 'function',
  );

const frenchPattern = (): RegExp | null => {
  try {
    const metadata = new Metadata();
    metadata.selectNumberingPlan('FR');
    const plan: unknown = metadata.numberingPlan;
    if (!isPlanView(plan) || plan.hasTypes() || !plan.possibleLengths().includes(9)) return null;
    const pattern = new RegExp(`^(?:${plan.nationalNumberPattern()})$`);
    const probes = ['0612345678', '01 40 20 50 50', '+33 7 81 00 00 00', '08.00.12.34.56', '0999999999', '0012345678'];
    const agrees = probes.every((p) => {
      const m = NATIONAL.exec(p) ?? INTERNATIONAL.exec(p);
      const fast = m === null ? null : pattern.test(m.slice(1).join('')) ? `+33${m.slice(1).join('')}` : null;
      return m === null || fast === toE164(p);
    });
    return agrees ? pattern : null;
  } catch {
    return null;
  }
};

let french: RegExp | null | undefined;

/** `toE164(raw)` for a trimmed value, taking the French shortcut when it applies. */
export const fastE164 = (raw: string): string | null => {
  if (french === undefined) french = frenchPattern();
  if (french !== null) {
    const m = NATIONAL.exec(raw) ?? INTERNATIONAL.exec(raw);
    if (m !== null) {
      const national = `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}`;
      return french.test(national) ? `+33${national}` : null;
    }
  }
  return toE164(raw);
};

const optionalPhone = (raw: string | null | undefined): string | null | No => {
  const v = optionalText(raw, 40);
  if (v === null || v === NO) return v;
  return fastE164(v) ?? NO;
};

/**
 * The cell parsers are pure and a file repeats the same few values (civility,
 * country, status, birth dates): each is computed once. Bounded, in case a
 * column is mostly distinct values.
 */
const memo = <T>(parse: (value: string) => T): ((value: string) => T) => {
  const cache = new Map<string, T>();
  return (value) => {
    let out = cache.get(value);
    if (out === undefined) {
      out = parse(value);
      if (cache.size >= 50_000) cache.clear();
      // a key cut from the file would keep its whole chunk: 22,000 birth dates « 1985-03-05 00:00:00 » held most of a 1M-row file
      cache.set(detached(value), out);
    }
    return out;
  };
};

const text = (v: string | undefined): string => unneutralise((v ?? '').trim());

/** Mirrors contract/contacts.ts `tagList` for names `splitTags` gave. */
const tagList = (names: readonly string[]): string[] | No => {
  if (names.length > TAGS_MAX) return NO;
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of names) {
    if (name.length > TAG_NAME_MAX * 4) return NO;
    const v = name.replace(/\s+/g, ' ').trim();
    if (v.length < 1 || v.length > TAG_NAME_MAX || TAG_CONTROL_CHARS.test(v)) return NO;
    const key = fold(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
};

const unique = <T>(items: T[], key: (item: T) => string): T[] => {
  if (items.length < 2) return items;
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

export type FastNormaliser = {
  /**
   * The row as `normaliseContact` would give it when that has no blocking
   * issue; null when unsure (the caller then runs `normaliseContact`).
   * `today` is the local calendar day the schema compares birth dates with.
   */
  normalise(line: number, cells: readonly string[], today: string): FastContact | null;
};

/** A normaliser for one file's mapping: each target's columns are looked up once. */
export const createFastNormaliser = (mapping: readonly (string | null)[]): FastNormaliser => {
  const columns = new Map<ContactTarget, number[]>();
  mapping.forEach((target, i) => {
    if (target === null) return;
    const key = target as ContactTarget;
    const list = columns.get(key);
    if (list) list.push(i);
    else columns.set(key, [i]);
  });
  const civility = memo(parseCivility);
  const country = memo(parseCountry);
  const date = memo((v: string) => parseDate(v));
  const language = memo(parseLanguage);
  const status = memo(parseStatus);
  const source = memo(parseSource);

  const normalise = (line: number, cells: readonly string[], today: string): FastContact | null => {
    // two columns on one target: the first filled one wins, as in normaliseContact
    const v = (t: ContactTarget): string | null => {
      const list = columns.get(t);
      if (list === undefined) return null;
      for (const i of list) {
        const value = text(cells[i]);
        if (value !== '') return value;
      }
      return null;
    };
    const ok = <T>(p: Parsed<T>): T | No => (p.ok ? p.value : NO);

    let firstRaw: string | null | undefined;
    let lastRaw: string | null | undefined;
    let civ: ContactData['civility'] = null;
    const first = v('firstName');
    const last = v('lastName');
    const full = v('fullName');
    if (full !== null && last === null && first === null) {
      const parts = splitFullName(full);
      firstRaw = parts.firstName;
      lastRaw = parts.lastName;
      if (parts.civility) civ = parts.civility;
    }
    if (first !== null) firstRaw = first;
    if (last !== null) lastRaw = last;
    const civilityRaw = v('civility');
    if (civilityRaw !== null) {
      const c = ok(civility(civilityRaw));
      if (c === NO) return null;
      civ = c;
    }
    const firstName = optionalText(firstRaw, 100);
    const lastName = optionalText(lastRaw, 100);
    if (firstName === NO || lastName === NO) return null;
    if (firstName === null && lastName === null) return null;

    let email = optionalEmail(v('email'));
    if (email === NO) return null;
    let emails: ExtraEmail[] = [];
    const email2Raw = v('email2');
    if (email2Raw !== null) {
      const email2 = optionalEmail(email2Raw);
      if (email2 === NO || email2 === null) return null;
      // a second address alone is the person's address (normaliseContact's rule)
      if (email === null) email = email2;
      else if (email2 !== email) emails = [{ email: email2, label: null }];
    }

    let phone: string | null = null;
    let phones: ExtraPhone[] = [];
    let phoneCount = 0;
    for (const target of ['mobile', 'phone', 'phone2'] as const) {
      const raw = v(target);
      if (raw === null) continue;
      const e164 = optionalPhone(restorePhone(raw).value);
      if (e164 === NO) return null;
      if (phoneCount === 0) phone = e164;
      else if (e164 === null) return null;
      else phones.push({ phone: e164, label: null });
      phoneCount += 1;
    }
    phones = unique(phones, (p) => p.phone).filter((p) => p.phone !== phone);

    const addressLine1 = optionalText(v('addressLine1'), 200);
    const addressLine2 = optionalText(v('addressLine2'), 200);
    if (addressLine1 === NO || addressLine2 === NO) return null;

    let countryCode = 'FR';
    let countryGiven = false;
    const countryRaw = v('country');
    if (countryRaw !== null) {
      const c = ok(country(countryRaw));
      if (c === NO) return null;
      countryCode = c.trim().toUpperCase();
      if (!/^[A-Z]{2}$/.test(countryCode)) return null;
      countryGiven = true;
    }
    const postcodeRaw = v('postcode');
    const restored = postcodeRaw === null ? null : restorePostcode(postcodeRaw, countryGiven ? countryCode : 'FR');
    const postcode = optionalText(restored === null ? null : restored.value, 12);
    if (postcode === NO) return null;
    if (postcode !== null && countryCode === 'FR' && !/^\d{5}$/.test(postcode)) return null;
    const city = optionalText(v('city'), 100);
    if (city === NO) return null;

    const notices: RowIssue[] = [];
    // in the order the full check reports them: the postcode, then the birth date
    if (restored?.fixed === true && postcodeRaw !== null) notices.push({ line, field: 'postcode', value: postcodeRaw, reason: 'postcode_restored' });
    let birthDate: string | null = null;
    const birthRaw = v('birthDate');
    if (birthRaw !== null && !EMPTY_DATE.test(birthRaw)) {
      if (birthRaw.startsWith('--')) {
        notices.push({ line, field: 'birthDate', value: birthRaw, reason: 'birthday_without_year' });
      } else {
        const d = ok(date(birthRaw));
        if (d === NO || d.length > 40) return null;
        const t = d.trim();
        if (t !== '') {
          if (!isCalendarDate(t) || t > today) return null;
          birthDate = t;
        }
      }
    }

    let lang: string | null = null;
    const languageRaw = v('language');
    if (languageRaw !== null) {
      const l = ok(language(languageRaw));
      if (l === NO) return null;
      const t = optionalText(l, 8);
      if (t === NO) return null;
      lang = t === null ? null : t.toLowerCase();
      if (lang !== null && !/^[a-z]{2}$/.test(lang)) return null;
    }
    let contactStatus: ContactData['status'] = 'prospect';
    const statusRaw = v('status');
    if (statusRaw !== null) {
      const s = ok(status(statusRaw));
      if (s === NO) return null;
      contactStatus = s;
    }
    const sourceRaw = v('source');
    const known = sourceRaw === null ? 'import' : source(sourceRaw);
    const contactSource: ContactData['source'] = known ?? 'other';
    // as normaliseContact: an origin the list does not name is kept in words, unless the row has its own detail
    const sourceDetail = optionalText(v('sourceDetail') ?? (known === null ? sourceRaw?.slice(0, SOURCE_DETAIL_MAX) : null), SOURCE_DETAIL_MAX);
    const jobTitle = optionalText(v('jobTitle'), 100);
    const code = optionalText(v('code'), 40);
    if (sourceDetail === NO || jobTitle === NO || code === NO) return null;
    let tags: string[] = [];
    const tagsRaw = v('tags');
    if (tagsRaw !== null) {
      const t = tagList(splitTags(tagsRaw));
      if (t === NO) return null;
      tags = t;
    }
    const numberCell = v('siret');
    const companyNumber = numberCell === null ? null : parseCompanyNumber(numberCell);
    if (numberCell !== null && companyNumber === null) return null;

    const data: ContactData = {
      civility: civ,
      firstName,
      lastName,
      email,
      phone,
      addressLine1,
      addressLine2,
      postcode,
      city,
      country: countryCode,
      status: contactStatus,
      source: contactSource,
      code,
      companyId: null,
      jobTitle,
      emails,
      phones,
      birthDate,
      language: lang,
      sourceDetail,
      sourceDate: null,
      dataOrigin: 'own',
      tags,
    };
    return { line, data, company: v('company'), companyNumber, note: v('note'), notices };
  };
  return { normalise };
};

// ---------------------------------------------------------------- whole records (merges)

const isOneOf = <T extends string>(list: readonly T[], v: unknown): v is T => typeof v === 'string' && (list as readonly string[]).includes(v);

const textOrNull = (v: unknown): v is string | null | undefined => v === null || v === undefined || typeof v === 'string';

const optionalDate = (v: unknown, today: string): string | null | No => {
  if (!textOrNull(v)) return NO;
  if (v === null || v === undefined) return null;
  if (v.length > 40) return NO;
  const t = v.trim();
  if (t === '') return null;
  return isCalendarDate(t) && t <= today ? t : NO;
};

const languageOf = (v: unknown): string | null | No => {
  if (!textOrNull(v)) return NO;
  const t = optionalText(v, 8);
  if (t === null || t === NO) return t;
  const lower = t.toLowerCase();
  return /^[a-z]{2}$/.test(lower) ? lower : NO;
};

const countryOf = (v: unknown): string | No => {
  if (typeof v !== 'string') return NO;
  const t = v.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(t) ? t : NO;
};

const LIST_MAX = 10;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `z.array(extraEmail | extraPhone).max(10)` then unique by value; null when unsure. */
const extras = <K extends 'email' | 'phone'>(
  list: unknown,
  key: K,
  parse: (v: string | null | undefined) => string | null | No,
): { value: string; label: string | null }[] | No => {
  if (!Array.isArray(list) || list.length > LIST_MAX) return NO;
  const out: { value: string; label: string | null }[] = [];
  const seen = new Set<string>();
  for (const item of list as unknown[]) {
    if (!isRecord(item) || Object.keys(item).some((k) => k !== key && k !== 'label')) return NO;
    const raw = item[key];
    const label = item.label;
    if (!textOrNull(raw) || !textOrNull(label)) return NO;
    const value = parse(raw);
    const l = optionalText(label, 40);
    if (value === NO || value === null || l === NO) return NO;
    if (seen.has(value)) continue;
    seen.add(value);
    out.push({ value, label: l });
  }
  return out;
};

const RECORD_KEYS: ReadonlySet<string> = new Set([
  'civility', 'firstName', 'lastName', 'email', 'phone', 'addressLine1', 'addressLine2', 'postcode', 'city', 'country',
  'status', 'source', 'code', 'companyId', 'jobTitle', 'emails', 'phones', 'birthDate', 'language', 'sourceDetail',
  'sourceDate', 'dataOrigin', 'tags',
]);

const TEXT_MAX = {
  firstName: 100,
  lastName: 100,
  addressLine1: 200,
  addressLine2: 200,
  postcode: 12,
  city: 100,
  code: 40,
  jobTitle: 100,
  sourceDetail: SOURCE_DETAIL_MAX,
} as const;

const idOf = (v: unknown): number | null | No =>
  v === null || v === undefined ? null : typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : NO;

/**
 * `contactInput.safeParse(input)` for a record made of a stored contact and
 * an import's patch: the data when it is valid, null when invalid or unsure
 * (the caller then goes through the schema, which says why).
 */
export const validateContact = (input: ContactInput, today: string): ContactData | null => {
  const r = input as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!RECORD_KEYS.has(key)) return null;
  const text: Partial<Record<keyof typeof TEXT_MAX, string | null>> = {};
  for (const key of Object.keys(TEXT_MAX) as (keyof typeof TEXT_MAX)[]) {
    const v = r[key];
    if (!textOrNull(v)) return null;
    const t = optionalText(v, TEXT_MAX[key]);
    if (t === NO) return null;
    text[key] = t;
  }
  const civility = r.civility === null || r.civility === undefined ? null : isOneOf(civilities, r.civility) ? r.civility : NO;
  if (civility === NO || !textOrNull(r.email) || !textOrNull(r.phone)) return null;
  const email = optionalEmail(r.email);
  const phone = optionalPhone(r.phone);
  const country = r.country === undefined ? 'FR' : countryOf(r.country);
  const status = r.status === undefined ? 'prospect' : isOneOf(contactStatuses, r.status) ? r.status : NO;
  const source = r.source === undefined ? 'shop_form' : isOneOf(contactSources, r.source) ? r.source : NO;
  const dataOrigin = r.dataOrigin === undefined ? 'own' : isOneOf(dataOrigins, r.dataOrigin) ? r.dataOrigin : NO;
  const companyId = idOf(r.companyId);
  const birthDate = optionalDate(r.birthDate, today);
  const sourceDate = optionalDate(r.sourceDate, today);
  const language = languageOf(r.language);
  if (
    email === NO || phone === NO || country === NO || status === NO || source === NO || dataOrigin === NO ||
    companyId === NO || birthDate === NO || sourceDate === NO || language === NO
  ) {
    return null;
  }
  const emails = r.emails === undefined ? [] : extras(r.emails, 'email', optionalEmail);
  const phones = r.phones === undefined ? [] : extras(r.phones, 'phone', optionalPhone);
  const tags = r.tags === undefined ? [] : Array.isArray(r.tags) && r.tags.every((t) => typeof t === 'string') ? tagList(r.tags as string[]) : NO;
  if (emails === NO || phones === NO || tags === NO) return null;
  const firstName = text.firstName ?? null;
  const lastName = text.lastName ?? null;
  const postcode = text.postcode ?? null;
  if (firstName === null && lastName === null) return null;
  if (postcode !== null && country === 'FR' && !/^\d{5}$/.test(postcode)) return null;
  return {
    civility,
    firstName,
    lastName,
    email,
    phone,
    addressLine1: text.addressLine1 ?? null,
    addressLine2: text.addressLine2 ?? null,
    postcode,
    city: text.city ?? null,
    country,
    status,
    source,
    code: text.code ?? null,
    companyId,
    jobTitle: text.jobTitle ?? null,
    emails: emails.filter((e) => e.value !== email).map((e) => ({ email: e.value, label: e.label })),
    phones: phones.filter((p) => p.value !== phone).map((p) => ({ phone: p.value, label: p.label })),
    birthDate,
    language,
    sourceDetail: text.sourceDetail ?? null,
    sourceDate,
    dataOrigin,
    tags,
  };
};

/**
 * Whether `contactPatch` parses this patch to exactly the same values, so
 * that `updateContact` would see it unchanged (and not throw on it).
 */
export const isCleanPatch = (patch: Partial<ContactInput>, today: string): boolean => {
  const p = patch as Record<string, unknown>;
  for (const [key, v] of Object.entries(p)) {
    if (v === undefined) return false;
    switch (key) {
      case 'civility':
        if (v !== null && !isOneOf(civilities, v)) return false;
        break;
      case 'email':
        if (!textOrNull(v) || optionalEmail(v) !== v) return false;
        break;
      case 'phone':
        if (!textOrNull(v) || optionalPhone(v) !== v) return false;
        break;
      case 'country':
        if (countryOf(v) !== v) return false;
        break;
      case 'status':
        if (!isOneOf(contactStatuses, v)) return false;
        break;
      case 'source':
        if (!isOneOf(contactSources, v)) return false;
        break;
      case 'dataOrigin':
        if (!isOneOf(dataOrigins, v)) return false;
        break;
      case 'companyId':
        if (idOf(v) !== v) return false;
        break;
      case 'birthDate':
      case 'sourceDate':
        if (optionalDate(v, today) !== v) return false;
        break;
      case 'language':
        if (languageOf(v) !== v) return false;
        break;
      case 'emails':
      case 'phones': {
        const k = key === 'emails' ? 'email' : 'phone';
        const parsed = extras(v, k, k === 'email' ? optionalEmail : optionalPhone);
        if (parsed === NO || !Array.isArray(v) || parsed.length !== v.length) return false;
        const same = parsed.every((x, i) => {
          const item = (v as Record<string, unknown>[])[i]!;
          return item[k] === x.value && item.label === x.label;
        });
        if (!same) return false;
        break;
      }
      case 'tags': {
        if (!Array.isArray(v) || !v.every((t) => typeof t === 'string')) return false;
        const parsed = tagList(v as string[]);
        if (parsed === NO || parsed.length !== v.length || parsed.some((t, i) => t !== v[i])) return false;
        break;
      }
      default:
        if (!(key in TEXT_MAX)) return false;
        if (!textOrNull(v) || optionalText(v, TEXT_MAX[key as keyof typeof TEXT_MAX]) !== v) return false;
    }
  }
  return true;
};
