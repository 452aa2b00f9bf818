import iconv from 'iconv-lite';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { createDecoder, decodeWindows1252, detectEncoding, SAMPLE_BYTES, utf8ValidLength } from './encoding';
import { ImportError } from './errors';
import type { ContactTarget } from './mapping';
import { languages, type Language } from '../../contract/settings';
import { fold } from '../../contract/text';
// the words the contact form suggests as labels, from the app's locale files (as the CLI reads its own)
import enContacts from '../../../src-renderer/locales/en/contacts.json';
import frContacts from '../../../src-renderer/locales/fr/contacts.json';
import { parseCivility } from './values';

/** The TYPEs of an e-mail or a number the app keeps as its label (the others say nothing to a shop). */
export const vcardKinds = ['cell', 'home', 'work', 'other'] as const;
export type VCardKind = (typeof vcardKinds)[number];

/**
 * The kinds in words, as the contact form suggests labels ("travail,
 * domicile…"), read from its locale files. An imported extra
 * e-mail or number is labelled with them, and an export reads them back.
 */
export const VCARD_KIND_LABELS: Record<Language, Record<VCardKind, string>> = {
  fr: frContacts.contacts.form.labelKinds,
  en: enContacts.contacts.form.labelKinds,
};

/** The label of an extra e-mail or number read with these kinds; null when they say nothing. */
export const kindsLabel = (kinds: readonly VCardKind[], language: Language): string | null =>
  kinds.length === 0 ? null : kinds.map((k) => VCARD_KIND_LABELS[language][k]).join(', ');

/**
 * The kinds a label names, in either language ("Travail", "work, mobile"); a
 * label of the user's own words names none, and is not written to a card.
 */
export const labelKinds = (label: string | null): VCardKind[] => {
  if (label === null) return [];
  const words = label.split(',').map((w) => fold(w).trim());
  const kinds = words.map((w) => vcardKinds.find((k) => w === k || languages.some((l) => fold(VCARD_KIND_LABELS[l][k]) === w)));
  return kinds.every((k) => k !== undefined) ? vcardKinds.filter((k) => kinds.includes(k)) : [];
};

/**
 * One e-mail or number of a card: its kinds, the label its user gave it
 * (Apple's X-ABLabel: « Boutique », « Dépôt »), and its property's line for
 * the report.
 */
export type VCardEntry = { value: string; kinds: VCardKind[]; label: string | null; line: number };

export type VCardFields = Partial<Record<Exclude<ContactTarget, 'tags'>, string>> & {
  /** Every address, preferred first; `email` and `email2` are the first two. */
  emails: VCardEntry[];
  /** Every number but fax and pager, preferred first; also spread over mobile, phone, phone2. */
  phones: VCardEntry[];
  /**
   * The number the card itself marks preferred (PREF), mobile or not: the
   * contact's primary number. Without one, a mobile comes first.
   */
  preferredPhone?: string;
  tags: string[];
  /** The line of the property each field was read from: a problem with the value is reported there. */
  lines: Partial<Record<ContactTarget, number>>;
};

export type VCardIssueReason = 'invalid_line' | 'unknown_charset' | 'invalid_birthday';

export type VCardContact = {
  /** Line of BEGIN:VCARD. */
  line: number;
  fields: VCardFields;
  /** Lines of the card that were skipped; the card itself is kept. */
  issues: { line: number; reason: VCardIssueReason }[];
};

export type VCardFaultReason = 'unterminated_card' | 'text_outside_card';

/** A card that could not be read as a whole (or text between cards), reported at its line. */
export type VCardFault = { line: number; fault: VCardFaultReason; message: string };

export type VCardItem = VCardContact | VCardFault;

export const isVCardFault = (item: VCardItem): item is VCardFault => 'fault' in item;

type Property = {
  line: number;
  /** The group before the name (Apple's « item1 » in « item1.TEL »), upper case; null without one. */
  group: string | null;
  name: string;
  params: Map<string, string[]>;
  /** 2.1 writes bare parameters ("TEL;CELL;PREF:"): kept here, upper case. */
  bare: Set<string>;
  value: string;
};

/** Splits at the first `sep` outside double quotes (parameter values may quote ':' and ';'). */
const splitOutsideQuotes = (text: string, sep: string): string[] => {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
};

const colonOutsideQuotes = (text: string): number => {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === ':' && !quoted) return i;
  }
  return -1;
};

const NAME = /^(?:([A-Za-z0-9-]+)\.)?([A-Za-z0-9-]+)$/;

const parseProperty = (text: string, line: number): Property | null => {
  const colon = colonOutsideQuotes(text);
  if (colon < 0) return null;
  const [rawName = '', ...rawParams] = splitOutsideQuotes(text.slice(0, colon), ';');
  const name = NAME.exec(rawName.trim());
  if (!name) return null;
  const params = new Map<string, string[]>();
  const bare = new Set<string>();
  for (const p of rawParams) {
    const eq = p.indexOf('=');
    if (eq < 0) {
      bare.add(p.trim().toUpperCase());
      continue;
    }
    const key = p.slice(0, eq).trim().toUpperCase();
    const values = splitOutsideQuotes(p.slice(eq + 1), ',').map((v) => v.trim().replace(/^"|"$/g, ''));
    params.set(key, [...(params.get(key) ?? []), ...values]);
  }
  return { line, group: name[1]?.toUpperCase() ?? null, name: name[2]!.toUpperCase(), params, bare, value: text.slice(colon + 1) };
};

const types = (p: Property): Set<string> => {
  const t = new Set<string>(p.bare);
  for (const v of p.params.get('TYPE') ?? []) for (const part of v.split(',')) t.add(part.trim().toUpperCase());
  return t;
};

/** Lower is preferred: 4.0 PREF=1..100, 2.1/3.0 TYPE=pref or a bare PREF. */
const preference = (p: Property): number => {
  const pref = Number(p.params.get('PREF')?.[0]);
  if (Number.isFinite(pref) && pref > 0) return pref;
  return types(p).has('PREF') ? 1 : 101;
};

const encoding = (p: Property): string =>
  (p.params.get('ENCODING')?.[0] ?? [...p.bare].find((b) => b === 'QUOTED-PRINTABLE' || b === 'BASE64' || b === 'B') ?? '').toUpperCase();

const isQuotedPrintable = (p: Property): boolean => {
  const e = encoding(p);
  return e === 'QUOTED-PRINTABLE' || e === 'QP';
};

const isBase64 = (p: Property): boolean => {
  const e = encoding(p);
  return e === 'BASE64' || e === 'B';
};

/** vCard 2.1 QUOTED-PRINTABLE, decoded with its CHARSET (guessed between UTF-8 and Windows-1252 when absent). */
const decodeQuotedPrintable = (p: Property, onIssue: (reason: VCardIssueReason) => void): string => {
  const bytes: number[] = [];
  const v = p.value;
  for (let i = 0; i < v.length; i += 1) {
    if (v[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(v.slice(i + 1, i + 3))) {
      bytes.push(parseInt(v.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      for (const b of Buffer.from(v[i]!, 'utf8')) bytes.push(b);
    }
  }
  const buffer = Buffer.from(bytes);
  const charset = (p.params.get('CHARSET')?.[0] ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
  if (charset === '' || charset === 'utf8') {
    if (utf8ValidLength(buffer, false) === buffer.length) return buffer.toString('utf8');
    return decodeWindows1252(buffer);
  }
  if (charset === 'iso88591' || charset === 'latin1' || charset === 'windows1252' || charset === 'cp1252') {
    return decodeWindows1252(buffer);
  }
  if (iconv.encodingExists(charset)) return iconv.decode(buffer, charset);
  onIssue('unknown_charset');
  return decodeWindows1252(buffer);
};

/** Undoes vCard text escaping: \n \N \, \; \: \\ ; other backslashes are kept as typed. */
const unescapeText = (text: string): string =>
  text.replace(/\\([nN,;:\\])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

/** Components of a structured value (N, ADR, ORG), split at unescaped `sep`. */
const splitStructured = (value: string, sep: ';' | ','): string[] => {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i += 1) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i += 1;
    } else if (c === sep) {
      parts.push(unescapeText(current));
      current = '';
    } else current += c;
  }
  parts.push(unescapeText(current));
  return parts;
};

const clean = (s: string | undefined): string => (s ?? '').trim();

/**
 * BDAY as 'YYYY-MM-DD', or '--MM-DD' when the year is unknown (vCard's
 * --MMDD, and Apple's 1604 placeholder year).
 */
const parseBirthday = (value: string): string | null => {
  const v = value.trim();
  let m = /^--(\d{2})-?(\d{2})$/.exec(v);
  if (m) return `--${m[1]}-${m[2]}`;
  m = /^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$/.exec(v);
  if (!m) return null;
  if (m[1] === '1604') return `--${m[2]}-${m[3]}`;
  return `${m[1]}-${m[2]}-${m[3]}`;
};

const byPreference = (props: Property[]): Property[] =>
  props.map((p, i) => ({ p, i })).sort((a, b) => preference(a.p) - preference(b.p) || a.i - b.i).map((x) => x.p);

/** The raw value, quoted-printable decoded; a CRLF encoded in it (=0D=0A) becomes a plain newline. */
const textValue = (p: Property, onIssue: (reason: VCardIssueReason) => void): string =>
  isQuotedPrintable(p) ? decodeQuotedPrintable(p, onIssue).replace(/\r\n?/g, '\n') : p.value;

/**
 * Apple's labels of its own, written « _$!<Mobile>!$_ »: the kind (or the
 * fax, left out) they stand for. A label of the user's words is kept as typed.
 */
const APPLE_LABELS: Record<string, string> = {
  mobile: 'CELL',
  iphone: 'CELL',
  home: 'HOME',
  work: 'WORK',
  other: 'OTHER',
  main: '',
  homefax: 'FAX',
  workfax: 'FAX',
  otherfax: 'FAX',
  pager: 'PAGER',
};
const APPLE_LABEL = /^_\$!<(.*)>!\$_$/;

/** The X-ABLabel of each group of a card: a type when it is one of Apple's own, else the user's words. */
const groupLabels = (props: readonly Property[], value: (p: Property) => string): Map<string, { type: string } | { label: string }> => {
  const labels = new Map<string, { type: string } | { label: string }>();
  for (const p of props) {
    if (p.name !== 'X-ABLABEL' || p.group === null) continue;
    const text = clean(unescapeText(value(p)));
    const apple = APPLE_LABEL.exec(text);
    if (apple) labels.set(p.group, { type: APPLE_LABELS[fold(apple[1] ?? '')] ?? '' });
    else if (text !== '') labels.set(p.group, { label: text });
  }
  return labels;
};

const kindsOf = (t: ReadonlySet<string>): VCardKind[] => {
  const cell = t.has('CELL') || t.has('MOBILE') || t.has('IPHONE');
  return vcardKinds.filter((k) => (k === 'cell' ? cell : t.has(k.toUpperCase())));
};

const buildContact = (line: number, props: Property[], issues: VCardContact['issues']): VCardContact => {
  const fields: VCardFields = { emails: [], phones: [], tags: [], lines: {} };
  const all = (name: string): Property[] => props.filter((p) => p.name === name);
  const value = (p: Property): string => textValue(p, (reason) => issues.push({ line: p.line, reason }));
  const single = (name: string): string => {
    const p = byPreference(all(name))[0];
    return p ? clean(unescapeText(value(p))) : '';
  };
  const lineOf = (name: string): number | undefined => byPreference(all(name))[0]?.line;
  const set = (key: Exclude<ContactTarget, 'tags'>, v: string, from?: number): void => {
    if (v === '') return;
    fields[key] = v;
    if (from !== undefined) fields.lines[key] = from;
  };

  const n = byPreference(all('N'))[0];
  if (n) {
    const [family, given, additional, prefix] = splitStructured(value(n), ';').map((s) => s.trim());
    set('lastName', family ?? '', n.line);
    set('firstName', [given, additional].filter((s) => s).join(' '), n.line);
    const civility = prefix ? parseCivility(prefix) : null;
    if (civility?.ok) set('civility', civility.value, n.line);
  }
  if (fields.civility === undefined) {
    const gender = single('GENDER').split(';')[0]?.toUpperCase();
    if (gender === 'M') set('civility', 'm', lineOf('GENDER'));
    if (gender === 'F') set('civility', 'mme', lineOf('GENDER'));
  }
  const org = byPreference(all('ORG'))[0];
  if (org) set('company', clean(splitStructured(value(org), ';')[0]), org.line);
  const fn = single('FN');
  // A whole name only when N gave none, and not when FN is just the company (a company card).
  if (fields.firstName === undefined && fields.lastName === undefined && fn !== '' && fn !== fields.company) {
    set('fullName', fn, lineOf('FN'));
  }
  const title = single('TITLE');
  set('jobTitle', title || single('ROLE'), lineOf(title ? 'TITLE' : 'ROLE'));

  const labels = groupLabels(props, value);
  /** A property's types, its group's Apple type among them, and the label its user typed. */
  const described = (p: Property): { types: Set<string>; label: string | null } => {
    const t = types(p);
    const l = p.group === null ? undefined : labels.get(p.group);
    if (l !== undefined && 'type' in l && l.type !== '') t.add(l.type);
    return { types: t, label: l !== undefined && 'label' in l ? l.label : null };
  };
  for (const p of byPreference(all('EMAIL'))) {
    const email = clean(unescapeText(value(p))).replace(/^mailto:/i, '');
    const d = described(p);
    if (email !== '' && !fields.emails.some((e) => e.value === email)) fields.emails.push({ value: email, kinds: kindsOf(d.types), label: d.label, line: p.line });
  }
  const [email, email2] = fields.emails;
  set('email', email?.value ?? '', email?.line);
  set('email2', email2?.value ?? '', email2?.line);

  const mobiles: VCardEntry[] = [];
  const others: VCardEntry[] = [];
  for (const p of byPreference(all('TEL'))) {
    const d = described(p);
    if (d.types.has('FAX') || d.types.has('PAGER')) continue;
    const number = clean(unescapeText(value(p))).replace(/^tel:/i, '');
    if (number === '' || fields.phones.some((e) => e.value === number)) continue;
    const entry = { value: number, kinds: kindsOf(d.types), label: d.label, line: p.line };
    if (fields.phones.length === 0 && preference(p) <= 100) fields.preferredPhone = number;
    fields.phones.push(entry);
    (entry.kinds.includes('cell') ? mobiles : others).push(entry);
  }
  const [mobile] = mobiles;
  const [phone] = others;
  const phone2 = [...others.slice(1), ...mobiles.slice(1)][0];
  set('mobile', mobile?.value ?? '', mobile?.line);
  set('phone', phone?.value ?? '', phone?.line);
  set('phone2', phone2?.value ?? '', phone2?.line);

  const adr = byPreference(all('ADR'))[0];
  if (adr) {
    const [po, ext, street, locality, , code, country] = splitStructured(value(adr), ';').map((s) => s.trim());
    const streetLines = (street ?? '').split('\n').map((s) => s.trim()).filter((s) => s);
    set('addressLine1', streetLines[0] ?? '', adr.line);
    set('addressLine2', [...streetLines.slice(1), ext, po].filter((s) => s).join(', '), adr.line);
    set('city', locality ?? '', adr.line);
    set('postcode', code ?? '', adr.line);
    set('country', country ?? '', adr.line);
  }
  const bday = single('BDAY');
  if (bday !== '') {
    const date = parseBirthday(bday);
    if (date) set('birthDate', date, lineOf('BDAY'));
    else issues.push({ line: lineOf('BDAY') ?? line, reason: 'invalid_birthday' });
  }
  const notes = all('NOTE').map((p) => ({ text: clean(unescapeText(value(p))), line: p.line })).filter((n) => n.text !== '');
  set('note', notes.map((n) => n.text).join('\n'), notes[0]?.line);
  for (const p of all('CATEGORIES')) {
    for (const tag of splitStructured(value(p), ',')) {
      const t = tag.trim();
      if (t !== '' && !fields.tags.includes(t)) fields.tags.push(t);
    }
    fields.lines.tags ??= p.line;
  }
  set('language', single('LANG'), lineOf('LANG'));
  return { line, fields, issues };
};

export type VCardReader = {
  /** One physical line (without its line break) and its 1-based number. */
  line(text: string, number: number): void;
  end(): void;
};

/**
 * The line-level state machine shared by parseVCards and readVCards:
 * unfolding (a line starting with a space or tab continues the previous one;
 * a 2.1 quoted-printable value ending with "=" continues on the next line),
 * cards between BEGIN and END, base64 blobs (photos) skipped.
 */
export const createVCardReader = (emit: (item: VCardItem) => void): VCardReader => {
  let card: { line: number; props: Property[]; issues: VCardContact['issues'] } | null = null;
  let pending: { text: string; line: number } | null = null;
  let outside: number | null = null;
  let inBase64 = false;

  const flushOutside = (): void => {
    if (outside !== null) {
      emit({ line: outside, fault: 'text_outside_card', message: `line ${outside}: text outside a vCard (BEGIN:VCARD … END:VCARD)` });
      outside = null;
    }
  };

  const logical = (text: string, line: number): void => {
    const trimmed = text.trim();
    if (trimmed === '') {
      inBase64 = false;
      return;
    }
    const upper = trimmed.toUpperCase();
    if (upper === 'BEGIN:VCARD') {
      flushOutside();
      if (card) {
        emit({ line: card.line, fault: 'unterminated_card', message: `line ${card.line}: a vCard without END:VCARD` });
      }
      card = { line, props: [], issues: [] };
      inBase64 = false;
      return;
    }
    if (upper === 'END:VCARD') {
      if (card) emit(buildContact(card.line, card.props, card.issues));
      else outside ??= line;
      card = null;
      inBase64 = false;
      return;
    }
    if (!card) {
      outside ??= line;
      return;
    }
    const property = parseProperty(text, line);
    if (!property) {
      // Continuation of a 2.1 photo written without indentation.
      if (!inBase64) card.issues.push({ line, reason: 'invalid_line' });
      return;
    }
    inBase64 = isBase64(property);
    if (inBase64 || property.name === 'PHOTO' || property.name === 'LOGO' || property.name === 'SOUND' || property.name === 'KEY') return;
    card.props.push(property);
  };

  const isQpSoftBreak = (text: string): boolean => {
    if (!text.endsWith('=')) return false;
    const colon = colonOutsideQuotes(text);
    return colon > 0 && /QUOTED-PRINTABLE/i.test(text.slice(0, colon));
  };

  return {
    line(text, number) {
      if (pending && isQpSoftBreak(pending.text)) {
        pending.text = pending.text.slice(0, -1) + text;
        return;
      }
      if (pending && (text.startsWith(' ') || text.startsWith('\t'))) {
        pending.text += text.slice(1);
        return;
      }
      if (pending) logical(pending.text, pending.line);
      pending = { text, line: number };
    },
    end() {
      if (pending) logical(pending.text, pending.line);
      pending = null;
      flushOutside();
      if (card) {
        emit({ line: card.line, fault: 'unterminated_card', message: `line ${card.line}: a vCard without END:VCARD` });
        card = null;
      }
    },
  };
};

/** All cards of a vCard text (3.0, 4.0, tolerating 2.1), faults in place. */
export const parseVCards = (text: string): VCardItem[] => {
  const items: VCardItem[] = [];
  const reader = createVCardReader((item) => items.push(item));
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((l, i) => reader.line(l, i + 1));
  reader.end();
  if (!/BEGIN:VCARD/i.test(text)) {
    throw new ImportError('empty_file', 'no vCard in this file');
  }
  return items;
};

/** Streams cards from a .vcf file of any size (photos make them large), decoding as the CSV reader does. */
export async function* readVCards(source: AsyncIterable<Uint8Array>): AsyncGenerator<VCardItem> {
  let decoder: ReturnType<typeof createDecoder> | null = null;
  let head: Uint8Array = new Uint8Array(0);
  let carry = '';
  let lineNumber = 0;
  let lastWasCR = false;
  let cards = 0;
  const queue: VCardItem[] = [];
  const reader = createVCardReader((item) => {
    if (!isVCardFault(item)) cards += 1;
    queue.push(item);
  });
  const feed = (text: string): void => {
    let t = text;
    // A CR ending the previous chunk was taken as a line end; its LF, if any, opens this one.
    if (lastWasCR && t.startsWith('\n')) t = t.slice(1);
    lastWasCR = t.endsWith('\r');
    const parts = (carry + t).split(/\r\n|\n|\r/);
    carry = parts.pop() ?? '';
    for (const part of parts) reader.line(part, ++lineNumber);
  };
  for await (const chunk of source) {
    if (!decoder) {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      if (head.length < SAMPLE_BYTES) continue;
      decoder = createDecoder(detectEncoding(head.subarray(0, SAMPLE_BYTES)));
      feed(decoder.write(head));
    } else feed(decoder.write(chunk));
    yield* queue.splice(0);
  }
  if (!decoder) {
    if (head.length === 0) throw new ImportError('empty_file', 'the file is empty');
    decoder = createDecoder(detectEncoding(head));
    feed(decoder.write(head));
  }
  feed(decoder.end());
  if (carry !== '') reader.line(carry, ++lineNumber);
  reader.end();
  yield* queue.splice(0);
  if (cards === 0) throw new ImportError('empty_file', 'no vCard in this file');
}

// ---------------------------------------------------------------- writing

/**
 * An e-mail or a number to write, with the kinds its label names (none: a
 * plain one), or the label itself when it is the user's own words (written
 * as Apple's X-ABLabel, which iPhones, Macs and Google Contacts show).
 */
export type VCardOutEntry = { value: string; kinds?: readonly VCardKind[]; label?: string | null };

export type VCardInput = {
  civility?: 'm' | 'mme' | null;
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  jobTitle?: string | null;
  /** The first is the preferred one. */
  emails?: readonly VCardOutEntry[];
  /** The first is the preferred one; a number without kinds is written as a voice line. */
  phones?: readonly VCardOutEntry[];
  addressLine1?: string | null;
  addressLine2?: string | null;
  postcode?: string | null;
  city?: string | null;
  country?: string | null;
  birthDate?: string | null;
  language?: string | null;
  note?: string | null;
  tags?: readonly string[];
};

const escapeText = (s: string): string =>
  s.replace(/\\/g, '\\\\').replace(/\r\n|\r|\n/g, '\\n').replace(/,/g, '\\,').replace(/;/g, '\\;');

/**
 * Folds a content line at 75 octets (RFC 6350 §3.2) without cutting a UTF-8
 * sequence or a surrogate pair; continuation lines start with one space.
 */
export const foldLine = (line: string): string => {
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  const out: string[] = [];
  let current = '';
  let size = 0;
  let limit = 75;
  for (const ch of line) {
    const bytes = Buffer.byteLength(ch, 'utf8');
    if (size + bytes > limit) {
      out.push(current);
      current = '';
      size = 0;
      limit = 74;
    }
    current += ch;
    size += bytes;
  }
  out.push(current);
  return out.join('\r\n ');
};

/**
 * What a stored number is, for its TYPE: a phone's address book offers to
 * text a « cell », so a landline must not be one. French numbers by ARCEP's
 * plan (06 and 07 are mobiles; the import has validated them already);
 * others by libphonenumber's full metadata (14 µs a number), where a number
 * it cannot tell from a landline (« fixed line or mobile », North America)
 * stays a plain voice line.
 */
export const numberKinds = (e164: string): VCardKind[] => {
  if (e164.startsWith('+33')) return e164[3] === '6' || e164[3] === '7' ? ['cell'] : [];
  return parsePhoneNumberFromString(e164)?.getType() === 'MOBILE' ? ['cell'] : [];
};

/** One contact as a vCard 4.0 (CRLF, escaped, folded), for phone address books and other CRMs. */
export const writeVCard = (c: VCardInput): string => {
  const lines: string[] = ['BEGIN:VCARD', 'VERSION:4.0'];
  const prefix = c.civility === 'mme' ? 'Mme' : c.civility === 'm' ? 'M.' : '';
  const name = [c.firstName, c.lastName].filter((s): s is string => !!s).join(' ');
  lines.push(`FN:${escapeText(name || c.company || '')}`);
  if (c.firstName || c.lastName || prefix) {
    lines.push(`N:${escapeText(c.lastName ?? '')};${escapeText(c.firstName ?? '')};;${escapeText(prefix)};`);
  }
  if (c.company) lines.push(`ORG:${escapeText(c.company)}`);
  if (c.jobTitle) lines.push(`TITLE:${escapeText(c.jobTitle)}`);
  const type = (kinds: readonly VCardKind[] | undefined, plain: string | null): string => {
    const list = kinds?.length ? kinds : plain === null ? [] : [plain];
    return list.length > 0 ? `;TYPE=${list.join(',')}` : '';
  };
  let groups = 0;
  /** The property's line, in a group of its own with its label when the user named it in words of their own. */
  const labelled = (e: VCardOutEntry, property: string): void => {
    const custom = e.label && !e.kinds?.length ? e.label : null;
    if (custom === null) {
      lines.push(property);
      return;
    }
    groups += 1;
    lines.push(`item${groups}.${property}`, `item${groups}.X-ABLabel:${escapeText(custom)}`);
  };
  (c.emails ?? []).forEach((e, i) => labelled(e, `EMAIL${type(e.kinds, null)}${i === 0 ? ';PREF=1' : ''}:${escapeText(e.value)}`));
  (c.phones ?? []).forEach((p, i) => labelled(p, `TEL${type(p.kinds, 'voice')}${i === 0 ? ';PREF=1' : ''}:${escapeText(p.value)}`));
  if (c.addressLine1 || c.addressLine2 || c.postcode || c.city || c.country) {
    const parts = ['', c.addressLine2 ?? '', c.addressLine1 ?? '', c.city ?? '', '', c.postcode ?? '', c.country ?? ''];
    lines.push(`ADR:${parts.map(escapeText).join(';')}`);
  }
  if (c.birthDate) {
    const m = /^(\d{4}|-)-?(\d{2})-(\d{2})$/.exec(c.birthDate);
    if (m) lines.push(`BDAY:${m[1] === '-' ? '--' : m[1]}${m[2]}${m[3]}`);
  }
  if (c.language) lines.push(`LANG:${escapeText(c.language)}`);
  if (c.note) lines.push(`NOTE:${escapeText(c.note)}`);
  if (c.tags?.length) lines.push(`CATEGORIES:${c.tags.map(escapeText).join(',')}`);
  lines.push('END:VCARD');
  return lines.map(foldLine).join('\r\n') + '\r\n';
};
