import {
  CONTACT_LIST_MAX,
  CONTACT_SCALARS,
  contactInput,
  contactListNames,
  formatPhone,
  type Civility,
  type Contact,
  type ContactData,
  type ContactSource,
  type ContactStatus,
  type DataOrigin,
  type FieldIssue,
} from '@contract';
import { issuesFromZod } from '../../app/errors';
import { dayFromInput, dayToInput } from './day-input';

export type ExtraEmailRow = { email: string; label: string };
export type ExtraPhoneRow = { phone: string; label: string };
export type CompanyRef = { id: number; name: string };

/** What the inputs hold: plain strings, so a postcode keeps its leading zero and a date stays as typed. */
export type ContactFormValues = {
  civility: Civility | '';
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  addressLine1: string;
  addressLine2: string;
  postcode: string;
  city: string;
  country: string;
  source: ContactSource;
  status: ContactStatus;
  tags: string[];
  company: CompanyRef | null;
  jobTitle: string;
  emails: ExtraEmailRow[];
  phones: ExtraPhoneRow[];
  /** dd/mm/yyyy as typed. */
  birthDate: string;
  /** ISO 639-1 code or ''. */
  language: string;
  sourceDetail: string;
  /** dd/mm/yyyy as typed. */
  sourceDate: string;
  dataOrigin: DataOrigin;
  code: string;
};

/** A contract field, as issue paths name it (`companyId`, not the form's `company`). */
export type ContactField = Exclude<keyof ContactFormValues, 'company'> | 'companyId';

/**
 * Screen order, also used to focus the first field in error. Issues inside
 * lists come as `emails.2.email`: they sort at their list's place.
 */
export const contactFields: readonly ContactField[] = [
  'civility',
  'firstName',
  'lastName',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'postcode',
  'city',
  'country',
  'source',
  'status',
  'tags',
  'companyId',
  'jobTitle',
  'emails',
  'phones',
  'birthDate',
  'language',
  'sourceDetail',
  'sourceDate',
  'dataOrigin',
  'code',
];

/** Kept in the collapsible "more" section: opened by itself when one of them has a value or an error. */
export const moreFields: ReadonlySet<ContactField> = new Set<ContactField>([
  'companyId',
  'jobTitle',
  'emails',
  'phones',
  'birthDate',
  'language',
  'sourceDetail',
  'sourceDate',
  'dataOrigin',
  'code',
]);

/** The field an issue path belongs to: `emails.2.email` → `emails`. */
export const fieldOf = (path: string): ContactField | null => {
  const head = path.split('.')[0] ?? '';
  return (contactFields as readonly string[]).includes(head) ? (head as ContactField) : null;
};

/** The first issue path in screen order (within a list: the lowest row). */
export const firstErrorPath = (paths: readonly string[]): string | null => {
  const ranked = paths
    .map((p) => ({ p, field: fieldOf(p) }))
    .filter((x): x is { p: string; field: ContactField } => x.field !== null)
    .sort((a, b) => contactFields.indexOf(a.field) - contactFields.indexOf(b.field) || a.p.localeCompare(b.p, 'en', { numeric: true }));
  return ranked[0]?.p ?? null;
};

export const emptyContactValues: ContactFormValues = {
  civility: '',
  firstName: '',
  lastName: '',
  email: '',
  phone: '',
  addressLine1: '',
  addressLine2: '',
  postcode: '',
  city: '',
  country: 'FR',
  source: 'shop_form',
  status: 'prospect',
  tags: [],
  company: null,
  jobTitle: '',
  emails: [],
  phones: [],
  birthDate: '',
  language: '',
  sourceDetail: '',
  sourceDate: '',
  dataOrigin: 'own',
  code: '',
};

export const valuesFromContact = (c: Contact): ContactFormValues => ({
  civility: c.civility ?? '',
  firstName: c.firstName ?? '',
  lastName: c.lastName ?? '',
  email: c.email ?? '',
  phone: c.phone === null ? '' : formatPhone(c.phone),
  addressLine1: c.addressLine1 ?? '',
  addressLine2: c.addressLine2 ?? '',
  postcode: c.postcode ?? '',
  city: c.city ?? '',
  country: c.country,
  source: c.source,
  status: c.status,
  tags: c.tags.map((t) => t.name),
  company: c.companyId === null ? null : { id: c.companyId, name: c.companyName ?? '' },
  jobTitle: c.jobTitle ?? '',
  emails: c.emails.map((e) => ({ email: e.email, label: e.label ?? '' })),
  phones: c.phones.map((p) => ({ phone: formatPhone(p.phone), label: p.label ?? '' })),
  birthDate: dayToInput(c.birthDate),
  language: c.language ?? '',
  sourceDetail: c.sourceDetail ?? '',
  sourceDate: dayToInput(c.sourceDate),
  dataOrigin: c.dataOrigin,
  code: c.code ?? '',
});

/** Whether the "more" section holds anything worth showing when the form opens. */
export const hasMoreValues = (v: ContactFormValues): boolean =>
  v.company !== null ||
  v.jobTitle !== '' ||
  v.emails.length > 0 ||
  v.phones.length > 0 ||
  v.birthDate !== '' ||
  v.language !== '' ||
  v.sourceDetail !== '' ||
  v.sourceDate !== '' ||
  v.dataOrigin !== emptyContactValues.dataOrigin ||
  v.code !== '';

/** Rows added and left empty are not mistakes: they go before the check, so indexes match the screen. */
export const withoutBlankRows = (v: ContactFormValues): ContactFormValues => {
  const emails = v.emails.filter((e) => e.email.trim() !== '' || e.label.trim() !== '');
  const phones = v.phones.filter((p) => p.phone.trim() !== '' || p.label.trim() !== '');
  return emails.length === v.emails.length && phones.length === v.phones.length ? v : { ...v, emails, phones };
};

export type Checked = { ok: true; data: ContactData } | { ok: false; issues: FieldIssue[] };

/**
 * The same schema the store applies, so the counter sees mistakes before
 * anything is sent. Editing a contact (`stored`), a list left as it was is
 * not counted again: a merge keeps every number of both records, past what
 * the form adds, and the store only counts the lists an update rewrites.
 */
export const checkContact = (values: ContactFormValues, stored?: Contact): Checked => {
  const { company, ...rest } = values;
  const before = stored === undefined ? null : valuesFromContact(stored);
  const untouched = contactListNames.filter((list) => before !== null && JSON.stringify(values[list]) === JSON.stringify(before[list]));
  const lists = Object.fromEntries(untouched.map((list) => [list, values[list].slice(0, CONTACT_LIST_MAX[list])]));
  const parsed = contactInput.safeParse({
    ...rest,
    ...lists,
    civility: values.civility === '' ? null : values.civility,
    companyId: company?.id ?? null,
    birthDate: dayFromInput(values.birthDate),
    sourceDate: dayFromInput(values.sourceDate),
  });
  if (!parsed.success) return { ok: false, issues: issuesFromZod(parsed.error) };
  // the stored lists whole, so the patch leaves them out
  const data = { ...parsed.data };
  if (stored !== undefined) {
    if (untouched.includes('emails')) data.emails = stored.emails;
    if (untouched.includes('phones')) data.phones = stored.phones;
    if (untouched.includes('tags')) data.tags = stored.tags.map((t) => t.name);
  }
  return { ok: true, data };
};


const sameList = <T>(a: readonly T[], b: readonly T[], key: (item: T) => string): boolean =>
  a.length === b.length && a.every((item, i) => key(item) === key(b[i] as T));

/**
 * Only what changed goes to contacts.update, so a concurrent edit of another
 * field survives. A list that changed is sent whole: the store replaces it.
 */
export const contactPatch = (before: Contact, after: ContactData): Partial<ContactData> => {
  const patch: Partial<Record<keyof ContactData, unknown>> = {};
  for (const k of CONTACT_SCALARS) if (before[k] !== after[k]) patch[k] = after[k];
  if (!sameList(before.emails, after.emails, (e) => `${e.email}\n${e.label ?? ''}`)) patch.emails = after.emails;
  if (!sameList(before.phones, after.phones, (p) => `${p.phone}\n${p.label ?? ''}`)) patch.phones = after.phones;
  const beforeTags = before.tags.map((t) => t.name);
  if (!sameList(beforeTags, after.tags, (n) => n)) patch.tags = after.tags;
  return patch as Partial<ContactData>;
};
