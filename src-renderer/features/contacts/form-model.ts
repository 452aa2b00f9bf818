import {
  contactInput,
  formatPhone,
  type Civility,
  type Contact,
  type ContactData,
  type ContactSource,
  type ContactStatus,
  type FieldIssue,
} from '@contract';
import { issuesFromZod } from '../../app/errors';

/** What the inputs hold: plain strings, so a postcode keeps its leading zero. */
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
};

export type ContactField = keyof ContactFormValues;

/** Tab order, also used to focus the first field in error. */
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
];

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
});

export type Checked = { ok: true; data: ContactData } | { ok: false; issues: FieldIssue[] };

/** The same schema the store applies, so the counter sees mistakes before anything is sent. */
export const checkContact = (values: ContactFormValues): Checked => {
  const parsed = contactInput.safeParse({ ...values, civility: values.civility === '' ? null : values.civility });
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, issues: issuesFromZod(parsed.error) };
};

const dataKeys: readonly (keyof ContactData)[] = [
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
  'status',
  'source',
];

/** Only what changed goes to contacts.update, so a concurrent edit of another field survives. */
export const contactPatch = (before: Contact, after: ContactData): Partial<ContactData> => {
  const patch: Partial<Record<keyof ContactData, unknown>> = {};
  for (const k of dataKeys) if (before[k] !== after[k]) patch[k] = after[k];
  return patch as Partial<ContactData>;
};
