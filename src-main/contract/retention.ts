import { z } from 'zod';
import { isCalendarDate, localDate, pastInstant } from './dates';
import { id, optionalText } from './fields';
import { languages, type Language } from './settings';

/**
 * Retention (CNIL, DESIGN §5), the register of processing (GDPR art. 30),
 * the information notice and the data-breach register.
 *
 * A prospect is kept 3 years after collection or the last contact coming from
 * them, whichever is later; a customer 3 years after the end of the
 * relationship (last purchase, or a later contact from them) for marketing
 * use; sales are accounting records kept 10 years whatever happens to the
 * person (an archived or erased customer's sales stay, anonymised).
 */
export const retentionRules = ['prospect', 'customer'] as const;
export type RetentionRule = (typeof retentionRules)[number];

export const retentionActions = ['reconsent', 'archive', 'erase'] as const;
export type RetentionAction = (typeof retentionActions)[number];

/** What automatic mode may do on its own: asking again for consent needs a person to send the file. */
export const automaticActions = ['archive', 'erase'] as const;
export type AutomaticAction = (typeof automaticActions)[number];

const years = (min: number, max: number) =>
  z
    .number({ error: 'required' })
    .int({ error: 'invalid_number' })
    .min(min, { error: 'too_small' })
    .max(max, { error: 'too_large' });

export const retentionPoliciesSchema = z.object({
  prospectYears: years(1, 10),
  customerYears: years(1, 10),
  /** Code de commerce L123-22: never under 10 years. */
  accountingYears: years(10, 30),
  /** Off by default: nothing leaves the base without a preview and a confirmation unless the user turns this on. */
  automatic: z.boolean(),
  automaticAction: z.enum(automaticActions),
});
export type RetentionPolicies = z.output<typeof retentionPoliciesSchema>;

export const defaultRetentionPolicies: RetentionPolicies = {
  prospectYears: 3,
  customerYears: 3,
  accountingYears: 10,
  automatic: false,
  automaticAction: 'archive',
};

export const retentionPoliciesUpdateInput = retentionPoliciesSchema.partial().strict();

/** A review day: today unless given (to look ahead, or for tests). */
const reviewDay = z
  .string()
  .trim()
  .refine(isCalendarDate, { error: 'invalid_date' })
  .optional();

export const retentionReviewInput = z
  .object({
    rule: z.enum(retentionRules).optional(),
    cursor: z.string().max(200).nullish(),
    limit: z.number().int().min(1).max(500).default(50),
    on: reviewDay,
  })
  .strict();

export type RetentionRow = {
  contactId: number;
  name: string;
  status: 'prospect' | 'customer' | 'former';
  business: boolean;
  rule: RetentionRule;
  /** The date the period runs from: collection, last purchase or last contact from the person, whichever is latest. */
  referenceDate: string;
  /** The first day the contact is due (reference date + the rule's years, 29 February → 28 February). */
  dueSince: string;
};

export type RetentionCounts = { prospect: number; customer: number };

export type RetentionReview = {
  on: string;
  rows: RetentionRow[];
  nextCursor: string | null;
  /** Counted on the first page only (each count is a pass over the base); null on the next pages. */
  due: RetentionCounts | null;
  /** Sales older than the accounting period: reported only, this review never deletes sales. */
  accountingDue: number | null;
  policies: RetentionPolicies;
};

/** Either every contact due under a rule (or both), or chosen ones (each must be due). */
const target = {
  rule: z.enum(retentionRules).optional(),
  ids: z.array(id).min(1).max(100_000).optional(),
  on: reviewDay,
};
const oneTarget = <T extends { rule?: unknown; ids?: unknown }>(v: T) => v.rule === undefined || v.ids === undefined;

export const retentionPreviewInput = z
  .object({ action: z.enum(retentionActions), ...target })
  .strict()
  .refine(oneTarget, { path: ['ids'], message: 'rule_or_ids' });

export type RetentionPreview = {
  action: RetentionAction;
  on: string;
  count: number;
  byRule: RetentionCounts;
  /** Of those, how many have sales: the sales stay for the accounts, without the person. */
  withSales: number;
  /** Of those, how many objected (any channel or purpose): never asked again, so left out of a re-consent list. */
  objected: number;
};

export const retentionApplyInput = z
  .object({
    action: z.enum(retentionActions),
    ...target,
    /** The count the preview showed: if the base changed since, nothing is applied. */
    expected: z.number().int().min(0).optional(),
    confirm: z.literal(true, { error: 'confirm_required' }),
  })
  .strict()
  .refine(oneTarget, { path: ['ids'], message: 'rule_or_ids' })
  .refine((v) => v.on === undefined || v.on <= localDate(), { path: ['on'], message: 'in_future' });

export type RetentionApplyResult = {
  action: RetentionAction;
  count: number;
  /** 'reconsent' only: the CSV to send, in the transfers folder. */
  path: string | null;
  /** 'reconsent' only: people left out because they objected. */
  objected: number;
};

export type RetentionStatus = {
  /** When the counts were made: today's check, or now when it has not run yet today; null only in stored form before any. */
  checkedAt: string | null;
  on: string | null;
  due: RetentionCounts;
  /** What automatic mode did at that check, if it was on. */
  applied: { action: AutomaticAction; count: number } | null;
};

// --- register of processing, notice

export const documentLanguageInput = z.object({ language: z.enum(languages).default('fr') }).strict();

export const registerExportInput = z
  .object({ format: z.enum(['html', 'csv']), language: z.enum(languages).default('fr') })
  .strict();

export type RegisterActivity = {
  id: 'customers' | 'prospecting' | 'loyalty';
  name: string;
  purposes: string[];
  legalBasis: string;
  people: string[];
  /** How many records the activity covers today. */
  peopleCount: number;
  dataCategories: string[];
  recipients: string[];
  retention: string;
  transfers: string;
};

export type ProcessingRegister = {
  language: Language;
  generatedAt: string;
  controller: { name: string | null; address: string | null; siret: string | null; email: string | null };
  /** The missing identity fields (set them in settings): the register is incomplete without them. */
  missing: ('name' | 'address' | 'email')[];
  figures: {
    consumers: number;
    businesses: number;
    prospects: number;
    customers: number;
    former: number;
    archived: number;
    sales: number;
  };
  /** Consent purposes with at least one recorded event, and how many people granted each. */
  consentInUse: { purpose: string; label: string; granted: number }[];
  activities: RegisterActivity[];
  security: string[];
};

export type RegisterExport = { path: string; format: 'html' | 'csv' };

export type InformationNotice = { language: Language; text: string; missing: ('name' | 'address' | 'email')[] };

// --- data breaches

/** The CNIL must be told within 72 hours of discovery (GDPR art. 33), unless the breach is unlikely to be a risk. */
export const CNIL_DEADLINE_HOURS = 72;

const longText = (max: number) => optionalText(max);
const requiredText = (max: number) =>
  optionalText(max).transform((v, ctx) => {
    if (v === null) {
      ctx.addIssue({ code: 'custom', message: 'required' });
      return z.NEVER;
    }
    return v;
  });

const breachFields = {
  discoveredAt: pastInstant,
  occurredAt: pastInstant.nullish().transform((v) => v ?? null),
  nature: requiredText(2000),
  dataCategories: requiredText(1000),
  peopleCount: z.number().int().min(0, { error: 'too_small' }).max(100_000_000).nullish().transform((v) => v ?? null),
  consequences: longText(2000).transform((v) => v ?? ''),
  measures: longText(2000).transform((v) => v ?? ''),
  cnilNotifiedAt: pastInstant.nullish().transform((v) => v ?? null),
  peopleNotifiedAt: pastInstant.nullish().transform((v) => v ?? null),
  notNotifiedReason: longText(2000),
};

export const breachInput = z.object(breachFields).strict();
/** Only the fields given change; null clears an optional one. */
export const breachUpdateInput = breachInput.partial().extend({ id }).strict();

export type DataBreach = z.output<typeof breachInput> & {
  id: number;
  createdAt: string;
  updatedAt: string;
  /** discoveredAt + 72 h. */
  cnilDeadline: string;
  /** Past the deadline, not notified, and no reason recorded for not notifying. */
  cnilOverdue: boolean;
};
