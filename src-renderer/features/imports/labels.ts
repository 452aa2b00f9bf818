import type { TFunction } from 'i18next';
import { isImportNotice, type ImportKindName } from '@contract';
import { errorCode, errorDetails, errorMessage, validationMessage } from '../../app/errors';
import type { Formatters } from '../../app/format';
import locale from '../../locales/fr/imports.json';

/** Column → target field, null for a column left out: the importer's own shape. */
export type Mapping = (string | null)[];

const keys = (tree: object): ReadonlySet<string> => new Set(Object.keys(tree));
const reasons = keys(locale.imports.reason);
const storedKeys = keys(locale.imports.stored);
const targetKeys: Record<ImportKindName, ReadonlySet<string>> = {
  contacts: keys(locale.imports.target.contacts),
  purchases: keys(locale.imports.target.purchases),
};

/**
 * A row issue or file refusal in words. Reasons are locale keys chosen by the
 * importer; one this version does not know (a newer store) falls back to the
 * form's wording, then to a neutral sentence.
 */
export const reasonText = (t: TFunction, reason: string): string =>
  reasons.has(reason) ? t(`imports.reason.${reason}`) : validationMessage(t, reason);

/** The preview lists notices with the refusals: the screen tells them apart by the contract's list. */
export const isNotice = (issue: { reason: string }): boolean => isImportNotice(issue.reason);

export const targetLabel = (t: TFunction, kind: ImportKindName, target: string): string =>
  targetKeys[kind].has(target) ? t(`imports.target.${kind}.${target}`) : target;

/** A field of the stored record (a column of the preview), by the preview's key. */
export const storedLabel = (t: TFunction, kind: ImportKindName, key: string): string =>
  storedKeys.has(key) ? t(`imports.stored.${key}`) : targetLabel(t, kind, key);

const CONTACT_GROUPS: Record<string, 'identity' | 'contact' | 'profile' | 'consent'> = {
  civility: 'identity',
  firstName: 'identity',
  lastName: 'identity',
  fullName: 'identity',
  company: 'identity',
  siret: 'identity',
  jobTitle: 'identity',
  code: 'identity',
  email: 'contact',
  email2: 'contact',
  phone: 'contact',
  mobile: 'contact',
  phone2: 'contact',
  addressLine1: 'contact',
  addressLine2: 'contact',
  postcode: 'contact',
  city: 'contact',
  country: 'contact',
  birthDate: 'profile',
  language: 'profile',
  status: 'profile',
  source: 'profile',
  sourceDetail: 'profile',
  tags: 'profile',
  note: 'profile',
  consentEmail: 'consent',
  consentSms: 'consent',
  consentDate: 'consent',
  consentMethod: 'consent',
};

export const targetGroup = (kind: ImportKindName, target: string): string =>
  kind === 'purchases' ? 'purchase' : (CONTACT_GROUPS[target] ?? 'other');

export const isConsentTarget = (target: string | null): boolean => target !== null && CONTACT_GROUPS[target] === 'consent';

/** Contact targets whose values land in another field of the record (the preview's keys). */
const STORED_AS: Record<string, readonly string[]> = {
  fullName: ['civility', 'firstName', 'lastName'],
  email2: ['emails'],
  mobile: ['phone', 'phones'],
  phone: ['phone', 'phones'],
  phone2: ['phone', 'phones'],
};

export const storedKeysOf = (target: string): readonly string[] => STORED_AS[target] ?? [target];

/** The preview column an issue belongs to: `emails.0.email` → `emails`, `mobile` → `phone`. */
export const issueKey = (field: string | null): string | null => {
  if (field === null) return null;
  const top = field.split('.')[0] ?? field;
  return storedKeysOf(top)[0] ?? top;
};

/**
 * The file columns an issue comes from, so the report names what the user
 * sees in Excel ("Tél") rather than our field ("phone"). Several columns can
 * feed one field (a landline and a mobile both give the phone).
 */
export const columnsOf = (field: string | null, mapping: Mapping): number[] => {
  if (field === null) return [];
  const top = field.split('.')[0] ?? field;
  const exact = mapping.flatMap((target, i) => (target === top ? [i] : []));
  if (exact.length > 0) return exact;
  return mapping.flatMap((target, i) => (target !== null && storedKeysOf(target).includes(top) ? [i] : []));
};

export const headerText = (t: TFunction, headers: readonly string[], index: number): string => {
  const h = (headers[index] ?? '').trim();
  return h === '' ? t('imports.mapping.untitled', { n: index + 1 }) : h;
};

/** Where an issue is, in words: the column headers, or the field when no column feeds it. */
export const issueColumn = (
  t: TFunction,
  kind: ImportKindName,
  field: string | null,
  headers: readonly string[],
  mapping: Mapping,
): string => {
  const columns = columnsOf(field, mapping);
  if (columns.length > 0) return columns.map((i) => headerText(t, headers, i)).join(' / ');
  return field === null ? '' : storedLabel(t, kind, issueKey(field) ?? field);
};

/** A stored value as the user will read it on the record: dates, phones and codes in words. */
export const storedText = (t: TFunction, fmt: Formatters, key: string, value: string): string => {
  switch (key) {
    case 'civility':
      return t(`contacts.civility.${value}`, { defaultValue: value });
    case 'status':
      return t(`contacts.status.${value}`, { defaultValue: value });
    case 'source':
      return t(`contacts.source.${value}`, { defaultValue: value });
    case 'country':
      return fmt.country(value);
    case 'birthDate':
      return /^\d{4}-\d{2}-\d{2}/.test(value) ? fmt.date(value) : value;
    case 'purchasedAt':
      // a sale's time of day when its file gives one
      return /^\d{4}-\d{2}-\d{2}/.test(value) ? fmt.dateTime(value) : value;
    case 'kind':
      return t(`imports.saleKind.${value}`, { defaultValue: value });
    case 'channel':
      return t(`sales.channel.${value}`, { defaultValue: value });
    case 'unitPriceCents':
    case 'lineTotalCents':
    case 'amountCents':
    case 'refundedCents':
      return /^-?\d+$/.test(value) ? fmt.money(Number(value)) : value;
    case 'orderDiscount': {
      // cents, or a percentage the store writes « 12.5% »
      const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
      if (percent) return `${fmt.number(Number(percent[1]))} %`;
      return /^\d+$/.test(value) ? fmt.money(Number(value)) : value;
    }
    case 'quantity':
      // the store writes it as JavaScript does ("0.352"); the user reads « 0,352 »
      return /^-?\d+(\.\d+)?$/.test(value) ? fmt.quantity(Number(value)) : value;
    case 'unit':
      return t(`sales.units.name.${value}`, { defaultValue: value });
    case 'phone':
      return fmt.phone(value);
    case 'phones':
      return value
        .split(', ')
        .map((p) => fmt.phone(p))
        .join(', ');
    default:
      return value;
  }
};

const SEPARATORS: Record<string, string> = { ';': 'semicolon', ',': 'comma', '\t': 'tab', '|': 'pipe' };

export const separatorLabel = (t: TFunction, delimiter: string | null): string => {
  if (delimiter === null) return t('imports.file.notApplicable');
  const key = SEPARATORS[delimiter];
  return key === undefined ? delimiter : t(`imports.file.separators.${key}`);
};

export const encodingLabel = (t: TFunction, encoding: string | null): string =>
  encoding === null ? t('imports.file.notApplicable') : t(`imports.file.encodings.${encoding}`, { defaultValue: encoding });

/** A refused file: the importer's reason (with the line when it has one), or the generic sentence. */
export const fileErrorText = (t: TFunction, error: unknown): string => {
  const details = errorDetails(error);
  const reason = details?.reason;
  // only a file the store refused has a reason to read here; a refusal for another cause (BUSY: a job running) says its own
  if (typeof reason !== 'string' || errorCode(error) !== 'VALIDATION') return errorMessage(t, error);
  const line = details?.line;
  const text = reasonText(t, reason);
  return typeof line === 'number' ? `${text} (${t('imports.file.at', { line })})` : text;
};
