import {
  compactIdentifier,
  contactInput,
  EXTRA_CONTACTS_MAX,
  isImportNotice,
  isValidSiren,
  isValidSiret,
  SOURCE_DETAIL_MAX,
  type ContactData,
  type ContactInput,
  type RowIssue,
} from '../../contract';
import { optionalEmail } from '../../contract/fields';
import {
  parseCivility,
  parseCountry,
  parseDate,
  parseLanguage,
  parseSource,
  parseStatus,
  restorePhone,
  restorePostcode,
  splitFullName,
  EMPTY_DATE,
  GOOGLE_VALUES,
  splitTags,
  unneutralise,
  contactTargets,
  type ContactTarget,
} from '../importexport';

/** Where a row's numbers are read from, the primary one first. */
const PHONE_TARGETS = ['mobile', 'phone', 'phone2'] as const;

/**
 * The values of an e-mail or phone cell: Google Contacts writes a field's
 * several values to one cell, " ::: " between them (two mobiles, a home and
 * a work address); the first is the column's, the others become extras.
 */
const valuesOf = (cell: string | null): string[] =>
  cell === null ? [] : cell.split(GOOGLE_VALUES).map((value) => value.trim()).filter((value) => value !== '');

/** An e-mail or a number of a vCard, its label in words and its property's line. */
export type CardEntry = { value: string; label: string | null; line: number };

/**
 * What a vCard gives beyond its fixed columns: every e-mail and number
 * (the columns hold two and three), and where each value was read, so an
 * issue points at the property and not at BEGIN:VCARD.
 */
export type CardDetail = {
  /** Preferred first; the first e-mail is the `email` column's, the primary number one of mobile, phone, phone2. */
  emails: CardEntry[];
  phones: CardEntry[];
  /** The number the card marks preferred (PREF): primary even when a mobile is on the card too. */
  preferredPhone?: string | undefined;
  lines: Partial<Record<ContactTarget, number>>;
};

/**
 * The company number a row gives, digits only: a SIRET names one
 * establishment, a SIREN the firm (the mapping puts both headers on the same
 * target). `cell` is the value as written, for the report.
 */
export type CompanyNumber = { kind: 'siret' | 'siren'; digits: string; cell: string };

/** Spaces and dots as people type them are fine; the check digit must hold. Null: not a SIRET nor a SIREN. */
export const parseCompanyNumber = (cell: string): CompanyNumber | null => {
  const digits = compactIdentifier(cell);
  if (isValidSiret(digits)) return { kind: 'siret', digits, cell };
  if (isValidSiren(digits)) return { kind: 'siren', digits, cell };
  return null;
};

export type NormalisedContact = {
  line: number;
  input: ContactInput;
  /** The data as it would be stored, or null when the row has errors. */
  data: ContactData | null;
  company: string | null;
  companyNumber: CompanyNumber | null;
  note: string | null;
  issues: RowIssue[];
};

const text = (v: string | undefined): string => unneutralise((v ?? '').trim());

/**
 * One file row → contact input, through the same zod schema the capture form
 * uses, so an import cannot store what the form would refuse. Excel damage is
 * repaired (a postcode or a phone that lost its leading zero) silently.
 */
export const normaliseContact = (
  line: number,
  cells: readonly string[],
  mapping: readonly (string | null)[],
  readIssues: RowIssue[] = [],
  card?: CardDetail,
): NormalisedContact => {
  const issues: RowIssue[] = [...readIssues];
  const get = new Map<ContactTarget, string>();
  mapping.forEach((target, i) => {
    if (target === null) return;
    const value = text(cells[i]);
    if (value === '') return;
    const key = target as ContactTarget;
    // two columns on one target ("Tél" and "Portable" both as phone): the first filled wins
    if (!get.has(key)) get.set(key, value);
  });
  const v = (t: ContactTarget): string | null => get.get(t) ?? null;
  // a mobile first, as shops text their customers, unless the card prefers another number
  const preferredTarget = card?.preferredPhone === undefined ? undefined : PHONE_TARGETS.find((t) => v(t) === text(card.preferredPhone));
  const phoneTargets = preferredTarget === undefined ? PHONE_TARGETS : [preferredTarget, ...PHONE_TARGETS.filter((t) => t !== preferredTarget)];
  const phoneTarget = phoneTargets.find((t) => v(t) !== null);
  let extraEmails: CardEntry[] = [];
  let extraPhones: CardEntry[] = [];
  const lineOf = (field: string): number => {
    if (card === undefined) return line;
    const [top = '', index] = field.split('.');
    const item = index === undefined ? undefined : top === 'emails' ? extraEmails[Number(index)] : top === 'phones' ? extraPhones[Number(index)] : undefined;
    if (item !== undefined) return item.line;
    const target = top === 'phone' ? phoneTarget : (contactTargets as readonly string[]).includes(top) ? (top as ContactTarget) : undefined;
    return (target === undefined ? undefined : card.lines[target]) ?? line;
  };
  const bad = (field: string, value: string, reason: string) => issues.push({ line: lineOf(field), field, value, reason });

  const input: ContactInput = { emails: [], phones: [], tags: [], source: 'import' };
  const full = v('fullName');
  if (full !== null && v('lastName') === null && v('firstName') === null) {
    const parts = splitFullName(full);
    input.firstName = parts.firstName;
    input.lastName = parts.lastName;
    if (parts.civility) input.civility = parts.civility;
  }
  if (v('firstName') !== null) input.firstName = v('firstName');
  if (v('lastName') !== null) input.lastName = v('lastName');
  const civility = v('civility');
  if (civility !== null) {
    const c = parseCivility(civility);
    if (c.ok) input.civility = c.value;
    else bad('civility', civility, c.reason);
  }
  const [email = null, ...moreEmails] = valuesOf(v('email'));
  input.email = email;
  const seconds = [...moreEmails, ...valuesOf(v('email2'))];
  if (seconds.length > 0) {
    /*
     * A second address alone is the person's address, as the first of a
     * card's or the first number of a row is: campaigns, consent and the
     * duplicate check read the primary one. One that is not an address stays
     * where it was read, so the report names its column.
     */
    const valid = input.email === null ? optionalEmail.safeParse(seconds[0]) : null;
    if (valid?.success === true && valid.data !== null) {
      input.email = valid.data;
      seconds.shift();
    }
    input.emails = seconds.map((e) => ({ email: e, label: null }));
  }
  const phones = phoneTargets.map(v).flatMap(valuesOf).map((p) => restorePhone(p).value);
  input.phone = phones[0] ?? null;
  input.phones = phones.slice(1).map((phone) => ({ phone, label: null }));
  if (card !== undefined) {
    // the card's own lists replace email2 and phone2, which hold one of them each
    const primaryPhone = phoneTarget === undefined ? null : v(phoneTarget);
    const extras = (list: CardEntry[], primary: string | null, field: 'emails' | 'phones'): CardEntry[] => {
      const rest = list
        .map((e) => ({ ...e, value: text(e.value) }))
        .filter((e) => e.value !== '' && e.value !== primary);
      const left = rest.slice(EXTRA_CONTACTS_MAX);
      // more than a record keeps: said, not dropped in silence
      if (left.length > 0) issues.push({ line: left[0]!.line, field, value: left.map((e) => e.value).join(', '), reason: 'too_many_extras' });
      return rest.slice(0, EXTRA_CONTACTS_MAX);
    };
    extraEmails = extras(card.emails, input.email, 'emails');
    extraPhones = extras(card.phones, primaryPhone, 'phones');
    input.emails = extraEmails.map((e) => ({ email: e.value, label: e.label }));
    input.phones = extraPhones.map((p) => ({ phone: restorePhone(p.value).value, label: p.label }));
  }
  input.addressLine1 = v('addressLine1');
  input.addressLine2 = v('addressLine2');
  const country = v('country');
  if (country !== null) {
    const c = parseCountry(country);
    if (c.ok) input.country = c.value;
    else bad('country', country, c.reason);
  }
  const postcode = v('postcode');
  if (postcode === null) input.postcode = null;
  else {
    const restored = restorePostcode(postcode, (input.country as string | undefined) ?? 'FR');
    input.postcode = restored.value;
    // Excel drops the 0 of departments 01 to 09, but "7500" may as well be Paris short of a digit: said, not guessed silently
    if (restored.fixed) bad('postcode', postcode, 'postcode_restored');
  }
  input.city = v('city');
  for (const [target, key] of [
    ['birthDate', 'birthDate'],
  ] as const) {
    const raw = v(target);
    if (raw === null || EMPTY_DATE.test(raw)) continue;
    // vCard's --MM-DD: a birthday without its year cannot be a date of birth
    if (raw.startsWith('--')) {
      bad(target, raw, 'birthday_without_year');
      continue;
    }
    const d = parseDate(raw);
    if (d.ok) input[key] = d.value;
    else bad(target, raw, d.reason);
  }
  const language = v('language');
  if (language !== null) {
    const l = parseLanguage(language);
    if (l.ok) input.language = l.value;
    else bad('language', language, l.reason);
  }
  const status = v('status');
  if (status !== null) {
    const s = parseStatus(status);
    if (s.ok) input.status = s.value;
    else bad('status', status, s.reason);
  }
  const source = v('source');
  input.sourceDetail = v('sourceDetail');
  if (source !== null) {
    const known = parseSource(source);
    input.source = known ?? 'other';
    // an origin the list does not name ("Facebook", "Marché de Noël") is kept in words, unless the row has its own detail
    if (known === null) input.sourceDetail ??= source.slice(0, SOURCE_DETAIL_MAX);
  }
  input.jobTitle = v('jobTitle');
  input.code = v('code');
  const tags = v('tags');
  if (tags !== null) input.tags = splitTags(tags);
  const numberCell = v('siret');
  const companyNumber = numberCell === null ? null : parseCompanyNumber(numberCell);
  // 9 or 14 digits with a wrong key is a typo to look for, not a number of the wrong kind
  if (numberCell !== null && companyNumber === null) {
    bad('siret', numberCell, /^(\d{9}|\d{14})$/.test(compactIdentifier(numberCell)) ? 'siret_check_digit' : 'invalid_siret');
  }

  const parsed = contactInput.safeParse(input);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const field = i.path.map(String).join('.');
      const top = String(i.path[0] ?? '');
      const raw = top in input ? JSON.stringify((input as Record<string, unknown>)[top] ?? '') : '';
      bad(field || 'row', raw.replace(/^"|"$/g, ''), /^[a-z_]+$/.test(i.message) ? i.message : i.code);
    }
  }
  const blocking = issues.some((i) => !isImportNotice(i.reason));
  return {
    line,
    input,
    data: parsed.success && !blocking ? parsed.data : null,
    company: v('company'),
    companyNumber,
    note: v('note'),
    issues,
  };
};
