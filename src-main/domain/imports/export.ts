import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { formatPhone, isDayInstant, localDate, type ContactSource, type ContactStatus, type ExportResult, type Language } from '../../contract';
import type { z } from 'zod';
import type { exportInput } from '../../contract/imports';
import { prepared, type Store } from '../../store/db';
import { matchingIds } from '../contacts/list';
import { getSettings } from '../settings/service';
import { marketingSelection } from '../consent/export';
import { asWriteRefusal, countryLabel, labelKinds, numberKinds, writeDelimited, writeRefusal, writeVCard, writeXlsx, type XlsxCell } from '../importexport';

type ExportInput = z.output<typeof exportInput>;

/**
 * Headers in the user's language, all of which the importer recognises: an
 * export re-imports as is, whatever the language it was written in.
 */
const HEADERS: Record<Language, readonly string[]> = {
  fr: [
    'Code client',
    'Civilité',
    'Prénom',
    'Nom',
    'Société',
    'SIRET',
    'Fonction',
    'E-mail',
    'Autres e-mails',
    'Téléphone',
    'Autres téléphones',
    'Adresse',
    "Complément d'adresse",
    'Code postal',
    'Ville',
    'Pays',
    'Date de naissance',
    'Langue',
    'Statut',
    'Origine',
    'Détail origine',
    'Étiquettes',
    'Créé le',
    "Nombre d'achats",
    'Total dépensé',
    'Dernier achat',
  ],
  en: [
    'Customer code',
    'Title',
    'First name',
    'Last name',
    'Company',
    'SIRET',
    'Job title',
    'Email',
    'Other emails',
    'Phone',
    'Other phones',
    'Address',
    'Address line 2',
    'Postcode',
    'City',
    'Country',
    'Birth date',
    'Language',
    'Status',
    'Source',
    'Source detail',
    'Tags',
    'Created on',
    'Purchases',
    'Total spent',
    'Last purchase',
  ],
};

/**
 * Status and origin in words, as the app shows them (a test holds them to
 * the locale files): what a spreadsheet user reads, and what the importer
 * reads back (parseStatus, parseSource).
 */
export const STATUS_LABELS: Record<Language, Record<ContactStatus, string>> = {
  fr: { prospect: 'Prospect', customer: 'Client', former: 'Ancien client' },
  en: { prospect: 'Prospect', customer: 'Customer', former: 'Former customer' },
};
export const SOURCE_LABELS: Record<Language, Record<ContactSource, string>> = {
  fr: {
    shop_form: 'Formulaire en boutique',
    survey: 'Enquête',
    salesperson: 'Commercial',
    accounting: 'Comptabilité',
    after_sales: 'Service après-vente',
    website: 'Site web',
    purchased_file: 'Fichier acheté',
    referral: 'Parrainage',
    import: 'Import',
    other: 'Autre',
  },
  en: {
    shop_form: 'In-shop form',
    survey: 'Survey',
    salesperson: 'Salesperson',
    accounting: 'Accounting',
    after_sales: 'After-sales service',
    website: 'Website',
    purchased_file: 'Purchased list',
    referral: 'Referral',
    import: 'Import',
    other: 'Other',
  },
};

type ExportRow = {
  id: number;
  code: string | null;
  civility: 'm' | 'mme' | null;
  first_name: string | null;
  last_name: string | null;
  company: string | null;
  /** The company's SIRET, else its SIREN. */
  company_number: string | null;
  job_title: string | null;
  email: string | null;
  /** The other addresses, in the order they were added, `VALUES_SEPARATOR` between them. */
  emails: string | null;
  phone: string | null;
  /** The other numbers (E.164), likewise. */
  phones: string | null;
  address_line1: string | null;
  address_line2: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
  birth_date: string | null;
  language: string | null;
  status: ContactStatus;
  source: ContactSource;
  source_detail: string | null;
  tags: string | null;
  created_at: string;
  purchase_count: number;
  total_cents: number;
  last_purchase_at: string | null;
};

/** Between a record's other e-mails or numbers, within one cell (an e-mail or a number never holds it). */
const VALUES_SEPARATOR = '\n';

const SELECT = `SELECT c.id, c.code, c.civility, c.first_name, c.last_name, co.name AS company, coalesce(co.siret, co.siren) AS company_number,
  c.job_title, c.email, (SELECT group_concat(e.email, char(10)) FROM (SELECT email FROM contact_emails WHERE contact_id = c.id ORDER BY id) e) AS emails,
  c.phone, (SELECT group_concat(p.phone, char(10)) FROM (SELECT phone FROM contact_phones WHERE contact_id = c.id ORDER BY id) p) AS phones,
  c.address_line1, c.address_line2, c.postcode, c.city, c.country, c.birth_date, c.language, c.status, c.source, c.source_detail,
  (SELECT group_concat(t.name, ', ') FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = c.id) AS tags,
  c.created_at, c.purchase_count, c.total_cents, c.last_purchase_at
  FROM contacts c LEFT JOIN companies co ON co.id = c.company_id`;

/**
 * A row of SELECT, read as an array and made into an object here, in the
 * SELECT's order: better-sqlite3 builds a row object key by key, which for
 * these 23 columns cost three times the rest of the export's reading (18–20
 * µs a contact as objects, 6–7 µs as arrays; SQLite's own share about 1 µs).
 */
type ExportCells = [
  ExportRow['id'],
  ExportRow['code'],
  ExportRow['civility'],
  ExportRow['first_name'],
  ExportRow['last_name'],
  ExportRow['company'],
  ExportRow['company_number'],
  ExportRow['job_title'],
  ExportRow['email'],
  ExportRow['emails'],
  ExportRow['phone'],
  ExportRow['phones'],
  ExportRow['address_line1'],
  ExportRow['address_line2'],
  ExportRow['postcode'],
  ExportRow['city'],
  ExportRow['country'],
  ExportRow['birth_date'],
  ExportRow['language'],
  ExportRow['status'],
  ExportRow['source'],
  ExportRow['source_detail'],
  ExportRow['tags'],
  ExportRow['created_at'],
  ExportRow['purchase_count'],
  ExportRow['total_cents'],
  ExportRow['last_purchase_at'],
];

const exportRow = (r: ExportCells): ExportRow => ({
  id: r[0],
  code: r[1],
  civility: r[2],
  first_name: r[3],
  last_name: r[4],
  company: r[5],
  company_number: r[6],
  job_title: r[7],
  email: r[8],
  emails: r[9],
  phone: r[10],
  phones: r[11],
  address_line1: r[12],
  address_line2: r[13],
  postcode: r[14],
  city: r[15],
  country: r[16],
  birth_date: r[17],
  language: r[18],
  status: r[19],
  source: r[20],
  source_detail: r[21],
  tags: r[22],
  created_at: r[23],
  purchase_count: r[24],
  total_cents: r[25],
  last_purchase_at: r[26],
});

/** Euros with the decimal mark of the file's language ("12,50" in French, "12.50" in English), no grouping. */
const money = (cents: number, language: Language): string => {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}${language === 'fr' ? ',' : '.'}${String(abs % 100).padStart(2, '0')}`;
};

/**
 * The shop's calendar day of a stored instant, in this machine's zone: a
 * sale at 21:00 in Martinique is already the next day in UTC. A day stored
 * without its time (midnight UTC) is its own date. The day of each UTC hour
 * is kept for the export (zones whole hours off UTC give one day an hour).
 */
export const shopDays = (): ((iso: string) => string) => {
  const byHour = new Map<string, string | null>();
  return (iso) => {
    if (isDayInstant(iso)) return iso.slice(0, 10);
    const hour = iso.slice(0, 13);
    let day = byHour.get(hour);
    if (day === undefined) {
      if (byHour.size >= 100_000) byHour.clear();
      const start = Date.parse(`${hour}:00:00.000Z`);
      const first = localDate(new Date(start));
      day = first === localDate(new Date(start + 3_599_999)) ? first : null;
      byHour.set(hour, day);
    }
    return day ?? localDate(new Date(iso));
  };
};

/**
 * Between the other e-mails or numbers in their cell: Google Contacts' own
 * separator, which the importer splits (a second address, a home and a work
 * number), where a comma or a semicolon would be the file's delimiter.
 */
const OTHER_VALUES = ' ::: ';

const languageNames = new Map<Language, Intl.DisplayNames>();

/** « Français », « English »: the language's name in the file's language, which the importer reads back. */
const languageName = (code: string, language: Language): string => {
  let names = languageNames.get(language);
  if (names === undefined) {
    names = new Intl.DisplayNames([language], { type: 'language' });
    languageNames.set(language, names);
  }
  const name = names.of(code) ?? code;
  return name.charAt(0).toLocaleUpperCase(language) + name.slice(1);
};

const cells = (r: ExportRow, language: Language, dayOf: (iso: string) => string): string[] => [
  r.code ?? '',
  r.civility === 'mme' ? 'Mme' : r.civility === 'm' ? 'M.' : '',
  r.first_name ?? '',
  r.last_name ?? '',
  r.company ?? '',
  r.company_number ?? '',
  r.job_title ?? '',
  r.email ?? '',
  r.emails === null ? '' : r.emails.split(VALUES_SEPARATOR).join(OTHER_VALUES),
  r.phone ? formatPhone(r.phone) : '',
  r.phones === null ? '' : r.phones.split(VALUES_SEPARATOR).map((p) => formatPhone(p)).join(OTHER_VALUES),
  r.address_line1 ?? '',
  r.address_line2 ?? '',
  r.postcode ?? '',
  r.city ?? '',
  countryLabel(r.country, language),
  r.birth_date ?? '',
  r.language === null ? '' : languageName(r.language, language),
  STATUS_LABELS[language][r.status],
  SOURCE_LABELS[language][r.source],
  r.source_detail ?? '',
  r.tags ?? '',
  dayOf(r.created_at),
  String(r.purchase_count),
  money(r.total_cents, language),
  r.last_purchase_at === null ? '' : dayOf(r.last_purchase_at),
];

const column = (name: string): number => {
  const i = HEADERS.fr.indexOf(name);
  if (i < 0) throw new Error(`export column ${name} missing`);
  return i;
};
const BIRTH = column('Date de naissance');
const CREATED = column('Créé le');
const COUNT = column("Nombre d'achats");
const TOTAL = column('Total dépensé');
const LAST = column('Dernier achat');

const day = (date: string | null): XlsxCell => (date === null ? '' : { day: date });

/** The same row for .xlsx: counts, amounts and days as typed cells Excel can sum, sort and filter. */
const xlsxCells = (r: ExportRow, language: Language, dayOf: (iso: string) => string): XlsxCell[] => {
  const c: XlsxCell[] = cells(r, language, dayOf);
  c[BIRTH] = day(r.birth_date);
  c[CREATED] = day(dayOf(r.created_at));
  c[COUNT] = { number: r.purchase_count, format: '0' };
  c[TOTAL] = { number: r.total_cents / 100, format: '#,##0.00' };
  c[LAST] = day(r.last_purchase_at === null ? null : dayOf(r.last_purchase_at));
  return c;
};

/** Rows read at once: the file is written between two pages. */
const EXPORT_PAGE = 2000;

/**
 * The rows in name order, a page at a time. No statement stays open while the
 * file is written: an open one keeps the connection busy, and every command
 * in the meantime (a sale at the counter) would fail. The order is the ids'
 * (8 bytes a contact), read once; a contact deleted meanwhile is left out, one
 * changed meanwhile is written as it is when its page is read.
 */
function* rowsOf(store: Store, ids: number[] | undefined): Generator<ExportRow> {
  const db = store.sqlite;
  const order = (
    ids === undefined
      ? db.prepare('SELECT id FROM contacts ORDER BY sort_name, id').pluck().all()
      : db.prepare('SELECT id FROM contacts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY sort_name, id').pluck().all(JSON.stringify(ids))
  ) as number[];
  const page = db.prepare(`${SELECT} WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.sort_name, c.id`).raw(true);
  for (let at = 0; at < order.length; at += EXPORT_PAGE) {
    const rows = page.all(JSON.stringify(order.slice(at, at + EXPORT_PAGE))) as ExportCells[];
    for (const r of rows) yield exportRow(r);
  }
}

/**
 * CSV for Excel (UTF-8 with BOM or Windows-1252, `;` or `,`), xlsx or vCard
 * 4.0, of the whole base or a selection. Cells are neutralised against
 * formula injection by the writers; the file is written next to its target
 * and renamed, so a failed export never leaves half a file under the name.
 */
export const exportContacts = async (store: Store, input: ExportInput & { path: string }): Promise<ExportResult> => {
  const chosen = input.filter === undefined ? input.ids : matchingIds(store, input.filter);
  // a marketing export keeps only whom the consent rules allow, and says how many it left out and why
  const marketing = input.marketing === undefined ? null : marketingSelection(store, input.marketing, chosen);
  const ids = marketing === null ? chosen : marketing.ids;
  const language = input.language ?? getSettings(store).language ?? 'fr';
  const tmp = `${input.path}.part`;
  const dayOf = shopDays();
  let rows = 0;
  let unrepresentable = 0;
  try {
    // found now, not at the rename after the whole file is written (where Windows would call it a permission problem)
    if (fs.statSync(input.path, { throwIfNoEntry: false })?.isDirectory()) throw writeRefusal('target_is_folder', input.path);
    if (input.format === 'xlsx') {
      const out = await writeXlsx(tmp, HEADERS[language], (function* () {
        for (const r of rowsOf(store, ids)) yield xlsxCells(r, language, dayOf);
      })());
      rows = out.rows;
    } else {
      const stream = fs.createWriteStream(tmp);
      if (input.format === 'csv') {
        const out = await writeDelimited(
          (function* () {
            yield HEADERS[language];
            for (const r of rowsOf(store, ids)) yield cells(r, language, dayOf);
          })(),
          stream,
          { delimiter: input.delimiter, encoding: input.encoding },
        );
        rows = out.rows - 1;
        unrepresentable = out.replaced;
      } else {
        const extraEmails = prepared(store.sqlite, 'SELECT email, label FROM contact_emails WHERE contact_id = ? ORDER BY id');
        const extraPhones = prepared(store.sqlite, 'SELECT phone, label FROM contact_phones WHERE contact_id = ? ORDER BY id');
        for (const r of rowsOf(store, ids)) {
          const emails = extraEmails.all(r.id) as { email: string; label: string | null }[];
          const phones = extraPhones.all(r.id) as { phone: string; label: string | null }[];
          // a label in the kinds' words goes back as its TYPE, so an import of the card labels it again
          const card = writeVCard({
            civility: r.civility,
            firstName: r.first_name,
            lastName: r.last_name,
            company: r.company,
            jobTitle: r.job_title,
            emails: [
              ...(r.email ? [{ value: r.email }] : []),
              ...emails.map((e) => ({ value: e.email, kinds: labelKinds(e.label), label: e.label })),
            ],
            phones: [
              ...(r.phone ? [{ value: r.phone, kinds: numberKinds(r.phone) }] : []),
              ...phones.map((p) => ({ value: p.phone, kinds: labelKinds(p.label), label: p.label })),
            ],
            addressLine1: r.address_line1,
            addressLine2: r.address_line2,
            postcode: r.postcode,
            city: r.city,
            country: countryLabel(r.country, language),
            birthDate: r.birth_date,
            language: r.language,
            tags: r.tags ? r.tags.split(', ') : [],
          });
          if (!stream.write(card)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
          rows += 1;
        }
      }
      stream.end();
      await finished(stream);
    }
    fs.renameSync(tmp, input.path);
  } catch (error) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // a .part that could not be made (its folder is a file) cannot be removed either: the first failure is the one to tell
    }
    throw asWriteRefusal(error, input.path);
  }
  return marketing === null ? { path: input.path, rows, unrepresentable } : { path: input.path, rows, unrepresentable, excluded: marketing.excluded };
};

/** `contacts-2026-11-29-1405.csv`: sorts by date in a Downloads folder, says what it holds. */
export const exportFileName = (format: ExportInput['format'], now = new Date()): string => {
  const stamp = now.toISOString().slice(0, 16).replace('T', '-').replace(':', '');
  return `contacts-${stamp}.${format}`;
};
