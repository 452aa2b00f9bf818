import { z } from 'zod';
import { countryCode, optionalEmail, optionalPhone, optionalText } from './fields';

export const civilities = ['mme', 'm'] as const;
export type Civility = (typeof civilities)[number];

export const contactStatuses = ['prospect', 'customer', 'former'] as const;
export type ContactStatus = (typeof contactStatuses)[number];

/** Where a record was collected (DESIGN §1); retention and consent depend on it. */
export const contactSources = [
  'shop_form',
  'survey',
  'salesperson',
  'accounting',
  'after_sales',
  'website',
  'purchased_file',
  'referral',
  'import',
  'other',
] as const;
export type ContactSource = (typeof contactSources)[number];

export const NAME_MAX = 100;

const contactFields = z.object({
  civility: z.enum(civilities).nullish().transform((v) => v ?? null),
  firstName: optionalText(NAME_MAX),
  lastName: optionalText(NAME_MAX),
  email: optionalEmail,
  phone: optionalPhone,
  addressLine1: optionalText(200),
  addressLine2: optionalText(200),
  postcode: optionalText(12),
  city: optionalText(100),
  country: countryCode.default('FR'),
  status: z.enum(contactStatuses).default('prospect'),
  source: z.enum(contactSources).default('shop_form'),
});

/** Rules across fields, applied to creation and to the merged result of an update. */
const checkContact = (
  c: { firstName: string | null; lastName: string | null; postcode: string | null; country: string },
  ctx: z.RefinementCtx,
): void => {
  if (c.firstName === null && c.lastName === null) {
    ctx.addIssue({ code: 'custom', path: ['lastName'], message: 'name_required' });
  }
  if (c.postcode !== null && c.country === 'FR' && !/^\d{5}$/.test(c.postcode)) {
    ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'invalid_postcode' });
  }
};

export const contactInput = contactFields.strict().superRefine(checkContact);
export type ContactInput = z.input<typeof contactInput>;
export type ContactData = z.output<typeof contactInput>;

export const contactUpdateInput = z
  .object({ id: z.number().int().positive(), patch: contactFields.partial().strict() })
  .strict();

/** Validates a full record after a patch has been applied to the stored one. */
export const validateContactRecord = (data: ContactData): z.ZodSafeParseResult<ContactData> =>
  contactInput.safeParse(data);

export type Contact = ContactData & {
  id: number;
  createdAt: string;
  updatedAt: string;
  purchaseCount: number;
  totalCents: number;
  lastPurchaseAt: string | null;
};

export const contactSorts = ['name', 'city', 'postcode', 'createdAt', 'lastPurchaseAt', 'totalCents'] as const;
export type ContactSort = (typeof contactSorts)[number];

export const contactListInput = z
  .object({
    q: z.string().max(200, { error: 'too_long' }).default(''),
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
>;

export type ContactPage = {
  rows: ContactRow[];
  nextCursor: string | null;
  /** Whole base without a query; with a query, the number of matches (null when capped). */
  total: number | null;
  /**
   * The query matches too many contacts to sort: rows come newest first and
   * the UI asks the user to type more. Without a query this is always false.
   */
  capped: boolean;
};

export const displayName = (c: Pick<Contact, 'firstName' | 'lastName'>): string =>
  [c.firstName, c.lastName].filter((p): p is string => p !== null && p !== '').join(' ');
