import { z } from 'zod';
import { consentTarget } from './consent';
import { optionalPastDate, dateBound } from './dates';
import { countryCode, id, optionalEmail, optionalPhone, optionalText } from './fields';
import { contactSources, contactStatuses, TAGS_PER_CONTACT_MAX } from './contact-kinds';
import { segmentDefinition } from './segments';
import { fold } from './text';

export * from './contact-kinds';

export const civilities = ['mme', 'm'] as const;
export type Civility = (typeof civilities)[number];



export const dataOrigins = ['own', 'purchased', 'derived'] as const;
/** Own data, a purchased file, or derived from other data: consent and retention rules differ. */
export type DataOrigin = (typeof dataOrigins)[number];

export const NAME_MAX = 100;
export const CODE_MAX = 40;
export const TAG_NAME_MAX = 50;
/** Additional e-mails or phones per contact, besides the primary one. */
export const EXTRA_CONTACTS_MAX = 10;

/** What a record's lists take from a form, an import or an update that rewrites them (a merge may leave more). */
export const CONTACT_LIST_MAX = { emails: EXTRA_CONTACTS_MAX, phones: EXTRA_CONTACTS_MAX, tags: TAGS_PER_CONTACT_MAX } as const;
export type ContactListName = keyof typeof CONTACT_LIST_MAX;
export const contactListNames = Object.keys(CONTACT_LIST_MAX) as ContactListName[];
/** Longest origin detail ("Salon de l'habitat 2026, stand B"). */
export const SOURCE_DETAIL_MAX = 200;

/** A name typed in the tag box: trimmed, inner spaces collapsed, no control characters. */
export const tagName = z
  .string({ error: 'required' })
  .max(TAG_NAME_MAX * 4, { error: 'too_long' })
  .transform((v) => v.replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, { error: 'required' })
      .max(TAG_NAME_MAX, { error: 'too_long' })
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { error: 'invalid_chars' }),
  );

/** The same tag typed twice ("VIP", "vip ") is kept once, first spelling wins. */
const tagList = z
  .array(tagName)
  .max(TAGS_PER_CONTACT_MAX, { error: 'too_many' })
  .transform((names) => {
    const seen = new Set<string>();
    return names.filter((n) => {
      const key = fold(n);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });

const required = <T>(v: T | null, ctx: z.RefinementCtx): T => {
  if (v === null) {
    ctx.addIssue({ code: 'custom', message: 'required' });
    return z.NEVER;
  }
  return v;
};

const label = optionalText(40);
export const extraEmail = z.object({ email: optionalEmail.transform(required), label }).strict();
export const extraPhone = z.object({ phone: optionalPhone.transform(required), label }).strict();
export type ExtraEmail = z.output<typeof extraEmail>;
export type ExtraPhone = z.output<typeof extraPhone>;

const uniqueBy =
  <T>(key: (item: T) => string) =>
  (items: T[]): T[] => {
    const seen = new Set<string>();
    return items.filter((item) => {
      const k = key(item);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };

/** ISO 639-1 code ("fr", "en", "de"…): the language to write to the person in. */
const languageCode = optionalText(8)
  .transform((v) => (v === null ? null : v.toLowerCase()))
  .refine((v) => v === null || /^[a-z]{2}$/.test(v), { error: 'invalid_language' });

/**
 * Every field as a patch sees it: no defaults here, or a patch that leaves a
 * field out would reset it (zod applies defaults inside `.partial()`).
 */
const contactShape = {
  civility: z.enum(civilities).nullish().transform((v) => v ?? null),
  firstName: optionalText(NAME_MAX),
  lastName: optionalText(NAME_MAX),
  email: optionalEmail,
  phone: optionalPhone,
  addressLine1: optionalText(200),
  addressLine2: optionalText(200),
  postcode: optionalText(12),
  city: optionalText(100),
  country: countryCode,
  status: z.enum(contactStatuses),
  source: z.enum(contactSources),
  /** The shop's own customer code (till, accounting); unique when set. */
  code: optionalText(CODE_MAX),
  companyId: id.nullish().transform((v) => v ?? null),
  jobTitle: optionalText(NAME_MAX),
  emails: z
    .array(extraEmail)
    .max(EXTRA_CONTACTS_MAX, { error: 'too_many' })
    .transform(uniqueBy((e) => e.email)),
  phones: z
    .array(extraPhone)
    .max(EXTRA_CONTACTS_MAX, { error: 'too_many' })
    .transform(uniqueBy((p) => p.phone)),
  birthDate: optionalPastDate,
  language: languageCode,
  sourceDetail: optionalText(SOURCE_DETAIL_MAX),
  /** When the record was collected (retention of prospects runs from it or from the last inbound contact). */
  sourceDate: optionalPastDate,
  dataOrigin: z.enum(dataOrigins),
  /** Tag names; unknown ones are created, matched without case or accents. */
  tags: tagList,
};

const contactFields = z.object({
  ...contactShape,
  country: contactShape.country.default('FR'),
  status: contactShape.status.default('prospect'),
  source: contactShape.source.default('shop_form'),
  dataOrigin: contactShape.dataOrigin.default('own'),
  emails: contactShape.emails.default([]),
  phones: contactShape.phones.default([]),
  tags: contactShape.tags.default([]),
});

/** Rules across fields, applied to creation and to the merged result of an update. */
const checkContact = (
  c: {
    firstName: string | null;
    lastName: string | null;
    postcode: string | null;
    country: string;
    email: string | null;
    phone: string | null;
    emails: ExtraEmail[];
    phones: ExtraPhone[];
  },
  ctx: z.RefinementCtx,
): void => {
  if (c.firstName === null && c.lastName === null) {
    ctx.addIssue({ code: 'custom', path: ['lastName'], message: 'name_required' });
  }
  if (c.postcode !== null && c.country === 'FR' && !/^\d{5}$/.test(c.postcode)) {
    ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'invalid_postcode' });
  }
};

/** The primary value repeated in the extra list would show twice and count twice in duplicate checks. */
const withoutPrimary = <T extends { email: string | null; phone: string | null; emails: ExtraEmail[]; phones: ExtraPhone[] }>(
  c: T,
): T => ({
  ...c,
  emails: c.emails.filter((e) => e.email !== c.email),
  phones: c.phones.filter((p) => p.phone !== c.phone),
});

export const contactInput = contactFields
  .strict()
  // run even when a field failed: the form shows every mistake in one round, not the postcode only once the rest is fixed
  .superRefine(checkContact, { when: (payload) => typeof payload.value === 'object' && payload.value !== null })
  .transform(withoutPrimary);
export type ContactInput = z.input<typeof contactInput>;
export type ContactData = z.output<typeof contactInput>;

/** A contact's single-valued fields (its lists aside), in the order the store keeps them in columns. */
export const CONTACT_SCALARS = [
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
  'code',
  'companyId',
  'jobTitle',
  'birthDate',
  'language',
  'sourceDetail',
  'sourceDate',
  'dataOrigin',
] as const satisfies readonly (keyof ContactData)[];

export const contactPatch = z.object(contactShape).partial().strict();
export type ContactPatch = z.input<typeof contactPatch>;

export const contactUpdateInput = z.object({ id, patch: contactPatch }).strict();

/** Validates a full record after a patch has been applied to the stored one. */
export const validateContactRecord = (data: ContactInput): z.ZodSafeParseResult<ContactData> =>
  contactInput.safeParse(data);

export type TagRef = { id: number; name: string; color: string | null };
export type Tag = TagRef & { contactCount: number };

export type Contact = Omit<ContactData, 'tags'> & {
  id: number;
  createdAt: string;
  updatedAt: string;
  purchaseCount: number;
  /** Sales minus refunds, in cents. */
  totalCents: number;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
  /** Last contact initiated by the person (CNIL retention of prospects runs from it). */
  lastInboundAt: string | null;
  companyName: string | null;
  tags: TagRef[];
};

export const contactSorts = ['name', 'city', 'postcode', 'createdAt', 'lastPurchaseAt', 'totalCents'] as const;
export type ContactSort = (typeof contactSorts)[number];

/**
 * What narrows the list (and the bulk actions): all given criteria must hold;
 * inside one criterion any listed value does (status, tags, source).
 * City and postcode match from their start, city without case or accents.
 * Date bounds are dates (`YYYY-MM-DD`, whole UTC day included) or instants.
 */
export const contactFilter = z
  .object({
    q: z.string().max(200, { error: 'too_long' }).default(''),
    status: z.array(z.enum(contactStatuses)).max(contactStatuses.length).optional(),
    /** Tag ids: a contact with any of them matches. */
    tags: z.array(id).max(TAGS_PER_CONTACT_MAX, { error: 'too_many' }).optional(),
    source: z.array(z.enum(contactSources)).max(contactSources.length).optional(),
    city: z.string().max(100, { error: 'too_long' }).optional(),
    postcode: z.string().max(12, { error: 'too_long' }).optional(),
    createdFrom: dateBound.optional(),
    createdTo: dateBound.optional(),
    lastPurchaseFrom: dateBound.optional(),
    lastPurchaseTo: dateBound.optional(),
    companyId: id.optional(),
    /** Only those the consent rules allow to contact on this channel for this purpose today. */
    contactable: consentTarget.optional(),
    /** Only the members of this saved segment (issue 6), AND-ed with the rest; an unknown id is NOT_FOUND. */
    segmentId: id.optional(),
    /** Only the contacts matching this unsaved definition: a chart, a grid cell or a tier clicked through to its customers. */
    definition: segmentDefinition.optional(),
  })
  .strict();
export type ContactFilter = z.input<typeof contactFilter>;
export type ContactFilterParsed = z.output<typeof contactFilter>;

export const contactListInput = contactFilter
  .extend({
    sort: z.enum(contactSorts).default('name'),
    dir: z.enum(['asc', 'desc']).default('asc'),
    cursor: z.string().max(2000).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ContactListInput = z.input<typeof contactListInput>;

/**
 * A search that matches at most this many contacts is sorted on the requested
 * column; a broader one (two letters in a 1M base) comes newest first,
 * straight from the full-text index, and the user is asked to type more.
 */
export const SORTED_SEARCH_MAX = 200;

export type ContactRow = Pick<
  Contact,
  | 'id'
  | 'civility'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'phone'
  | 'postcode'
  | 'city'
  | 'status'
  | 'createdAt'
  | 'purchaseCount'
  | 'totalCents'
  | 'lastPurchaseAt'
  | 'code'
  | 'companyId'
  | 'companyName'
  | 'tags'
>;

export type ContactPage = {
  rows: ContactRow[];
  nextCursor: string | null;
  /**
   * Without a query or filter: the whole base. With a query: the number of
   * matches, null when capped. With filters: the number of matches when the
   * page was built from a small candidate set, null when counting would mean
   * reading a large part of the base (a broad filter): show "many".
   */
  total: number | null;
  /**
   * The query matches too many contacts to sort: rows come newest first and
   * the UI asks the user to type more. Without a query this is always false.
   */
  capped: boolean;
};

export const displayName = (c: Pick<Contact, 'firstName' | 'lastName'>): string =>
  [c.firstName, c.lastName].filter((p): p is string => p !== null && p !== '').join(' ');

export const BULK_IDS_MAX = 10_000;
export const bulkActions = ['tag', 'untag', 'delete'] as const;
export type BulkAction = (typeof bulkActions)[number];

/**
 * One action on a selection (ids) or on everything a filter matches. A tag
 * is given by id, or by name (created when tagging, if new).
 */
export const contactBulkInput = z
  .object({
    ids: z.array(id).min(1, { error: 'required' }).max(BULK_IDS_MAX, { error: 'too_many' }).optional(),
    filter: contactFilter.optional(),
    action: z.enum(bulkActions),
    tag: z.union([id, tagName]).optional(),
    /** The count the user confirmed: a delete finding another number is refused (CONFLICT 'count_changed'). */
    expected: z.number().int().nonnegative().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.ids === undefined) === (v.filter === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['ids'], message: 'ids_or_filter' });
    }
    if (v.action !== 'delete' && v.tag === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tag'], message: 'required' });
    }
  });
export type ContactBulkInput = z.input<typeof contactBulkInput>;

/** How many contacts a filter matches, read to the end (a search the list caps is counted too). */
export const contactCountInput = z.object({ filter: contactFilter }).strict();
export type BulkResult = { affected: number };

export const tagUpdateInput = z
  .object({
    id,
    name: tagName.optional(),
    color: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, { error: 'invalid_color' })
      .nullable()
      .optional(),
  })
  .strict();
