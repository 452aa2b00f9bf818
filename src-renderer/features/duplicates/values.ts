import type { TFunction } from 'i18next';
import type { MergeMove, MergeValue } from '@contract';
import type { Formatters } from '../../app/format';
import labels from '../../locales/fr/duplicates.json';

/*
 * The merge preview lists the contact columns read from the schema at run
 * time, so a later migration adds rows here without a code change. Known ones
 * get a translated label (the locale file is the list); others still show,
 * under a readable form of their name.
 */
const knownFields: ReadonlySet<string> = new Set(Object.keys(labels.duplicates.field));

/** `loyaltyTier` → "loyalty tier". */
const readable = (name: string): string =>
  name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();

export const fieldLabel = (t: TFunction, field: string): string =>
  knownFields.has(field) ? t(`duplicates.field.${field}`) : readable(field);

/**
 * Every reference to a contact a merge moves, by `table.column`, and the
 * `duplicates.table.*` label it reads under. A table name is no words for a
 * shopkeeper: test/main/merge-labels.test.ts walks the live schema so a new
 * reference cannot reach the screen unnamed. null: bookkeeping no screen
 * shows (the consent state and loyalty lots are recomputed from the moved
 * ledgers, the tier history only feeds the loyalty engine): listing them would
 * count the consents or points a second time under words the user never met.
 */
export const MOVE_LABELS: Readonly<Record<string, string | null>> = {
  'purchases.contact_id': 'purchases',
  'notes.contact_id': 'notes',
  'interactions.contact_id': 'interactions',
  'tasks.contact_id': 'tasks',
  'contact_tags.contact_id': 'contact_tags',
  'contact_emails.contact_id': 'contact_emails',
  'contact_phones.contact_id': 'contact_phones',
  'consent_events.contact_id': 'consent_events',
  'customer_losses.contact_id': 'customer_losses',
  'loyalty_cards.contact_id': 'loyalty_cards',
  'loyalty_entries.contact_id': 'loyalty_entries',
  'loyalty_members.contact_id': 'loyalty_membership',
  'loyalty_members.referrer_id': 'loyalty_referrals',
  'loyalty_vouchers.contact_id': 'loyalty_vouchers',
  'privacy_requests.contact_id': 'privacy_requests',
  'consent_state.contact_id': null,
  'loyalty_lots.contact_id': null,
  'loyalty_tier_history.contact_id': null,
};

/** The moves worth telling the user about, in the order the store gave them. */
export const shownMoves = (moves: readonly MergeMove[]): MergeMove[] =>
  moves.filter((m) => MOVE_LABELS[`${m.table}.${m.column}`] !== null);

export const moveLabel = (t: TFunction, fmt: Formatters, move: MergeMove): string => {
  const n = fmt.number(move.rows);
  const key = MOVE_LABELS[`${move.table}.${move.column}`];
  // a reference added since this list was written: counted, never named by its table
  return t(`duplicates.table.${key ?? 'other'}`, { count: move.rows, n });
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
