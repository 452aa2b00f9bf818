import type { TFunction } from 'i18next';
import type { MergeMove, MergeValue } from '@contract';
import type { Formatters } from '../../app/format';
import labels from '../../locales/fr/duplicates.json';

/*
 * The merge preview lists the contact columns and linked tables read from the
 * schema at run time, so a later migration adds rows here without a code
 * change. Known ones get a translated label (the locale file is the list);
 * others still show, under a readable form of their name.
 */
const knownFields: ReadonlySet<string> = new Set(Object.keys(labels.duplicates.field));
const knownTables: ReadonlySet<string> = new Set(
  Object.keys(labels.duplicates.table).map((k) => k.replace(/_(one|many|other)$/, '')),
);

/** `loyaltyTier` → "loyalty tier", `loyalty_cards` → "loyalty cards". */
const readable = (name: string): string =>
  name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();

export const fieldLabel = (t: TFunction, field: string): string =>
  knownFields.has(field) ? t(`duplicates.field.${field}`) : readable(field);

export const moveLabel = (t: TFunction, fmt: Formatters, move: MergeMove): string => {
  const n = fmt.number(move.rows);
  return knownTables.has(move.table)
    ? t(`duplicates.table.${move.table}`, { count: move.rows, n })
    : t('duplicates.table.other', { count: move.rows, n, table: readable(move.table) });
};

const DATE_TIME_FIELDS = new Set(['createdAt', 'lastInboundAt']);
const DATE_FIELDS = new Set(['birthDate', 'sourceDate']);

/** Coded values (status, source…) named in the user's words; the rest shown as stored. */
const ENUM_KEYS: Readonly<Record<string, string>> = {
  civility: 'contacts.civility',
  status: 'contacts.status',
  source: 'contacts.source',
  dataOrigin: 'duplicates.dataOrigin',
};

export type ValueContext = {
  t: TFunction;
  fmt: Formatters;
  /** Company names by id, for `companyId`. */
  companies: ReadonlyMap<number, string>;
};

const languageName = (locale: string, code: string): string => {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
};

/** A value of the field-by-field picker as the user reads it; null stays null (the caller says "not filled in"). */
export const formatValue = (ctx: ValueContext, field: string, value: MergeValue): string | null => {
  if (value === null || value === '') return null;
  const { t, fmt } = ctx;
  const text = String(value);
  const enumKey = ENUM_KEYS[field];
  if (enumKey !== undefined) return t(`${enumKey}.${text}`, { defaultValue: text });
  if (field === 'phone') return fmt.phone(text);
  if (field === 'country') return fmt.country(text);
  if (field === 'language') return languageName(fmt.locale, text);
  if (field === 'companyId' && typeof value === 'number') return ctx.companies.get(value) ?? `#${value}`;
  if (DATE_TIME_FIELDS.has(field)) return fmt.dateTime(text);
  if (DATE_FIELDS.has(field)) return fmt.date(text);
  return text;
};
