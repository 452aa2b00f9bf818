import { z } from 'zod';
import { instantNoLaterThanNow, isCalendarDate } from './dates';
import { id } from './fields';

/**
 * Consent (CNIL, DESIGN §5). The ledger is append-only: every change is a new
 * event and the current state per channel × purpose is derived from it. The
 * rule engine (`domain/consent/rules.ts`) turns that state into a decision
 * with its reason, and the same rules filter lists and marketing exports.
 */
export const consentChannels = ['email', 'sms', 'phone', 'post'] as const;
export type ConsentChannel = (typeof consentChannels)[number];

export const consentPurposes = ['newsletter', 'offers', 'loyalty', 'partners'] as const;
export type ConsentPurpose = (typeof consentPurposes)[number];

/** 'informed' = told at collection and able to object: what the existing-customer exception needs. */
export const consentEventKinds = ['granted', 'withdrawn', 'objected', 'informed'] as const;
export type ConsentEventKind = (typeof consentEventKinds)[number];

/** 'system' is reserved to the app itself (suppression list on import); a user cannot pick it. */
export const consentMethods = ['paper', 'counter', 'website', 'phone', 'email', 'import', 'system'] as const;
export type ConsentMethod = (typeof consentMethods)[number];

export const consentReasons = [
  'opt_in',
  'existing_customer',
  'business_opt_out',
  'post_opt_out',
  'phone_opt_out',
  'no_consent',
  'withdrawn',
  'objected',
  'no_address',
] as const;
export type ConsentReason = (typeof consentReasons)[number];

export const consentStates = ['unknown', 'granted', 'withdrawn', 'objected'] as const;
export type ConsentState = (typeof consentStates)[number];

export type ConsentDecision = { allowed: boolean; reason: ConsentReason };

export type ConsentWording = {
  id: number;
  purpose: ConsentPurpose;
  version: number;
  text: string;
  /** sha256 hex of `text`: proves which exact words were shown. */
  hash: string;
  createdAt: string;
};

export type ConsentEvent = {
  id: number;
  contactId: number;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  event: ConsentEventKind;
  /** When it happened (UTC instant); `recordedAt` is when it was typed in. */
  at: string;
  method: ConsentMethod;
  operator: string;
  wordingId: number | null;
  wordingVersion: number | null;
  wordingHash: string | null;
  sourceFile: string | null;
  sourceLine: number | null;
  recordedAt: string;
};

export type ConsentCell = {
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  state: ConsentState;
  informed: boolean;
  /** Time of the event that set `state`; null while unknown and never informed. */
  since: string | null;
  /** Today's answer for this cell. */
  decision: ConsentDecision;
};

export type ConsentStatus = {
  contactId: number;
  personKind: 'consumer' | 'business';
  /** 16 cells, channel-major in the order of `consentChannels` × `consentPurposes`. */
  cells: ConsentCell[];
  /** Newest first (by `at`, then id). */
  events: ConsentEvent[];
};

export const CONSENT_WORDING_MAX = 4000;
export const CONSENT_OPERATOR_MAX = 100;

/**
 * Default French wordings: inserted (version 1) the first time a consent
 * command or `consent.wordings.list` runs on a base that has none for a
 * purpose, so the counter can record consent from day one. The shop edits
 * them in settings, which adds versions.
 */
export const defaultConsentWordings: Record<ConsentPurpose, string> = {
  newsletter:
    "J'accepte de recevoir la lettre d'information de la boutique. Je peux me désinscrire à tout moment, gratuitement, en boutique ou via le lien présent dans chaque message.",
  offers:
    "J'accepte de recevoir les offres commerciales de la boutique (promotions, nouveautés). Je peux retirer mon accord à tout moment, gratuitement.",
  loyalty:
    "J'accepte de recevoir les messages liés au programme de fidélité (points, avantages, invitations). Je peux retirer mon accord à tout moment.",
  partners:
    "J'accepte que mes coordonnées soient transmises aux partenaires commerciaux de la boutique à des fins de prospection. Je peux retirer mon accord à tout moment.",
};

/** Multi-line text kept as typed apart from the outer blanks: the hash proves these exact words. */
const wordingText = z
  .string({ error: 'required' })
  .max(CONSENT_WORDING_MAX * 4, { error: 'too_long' })
  .transform((v) => v.trim())
  .pipe(
    z
      .string()
      .min(1, { error: 'required' })
      .max(CONSENT_WORDING_MAX, { error: 'too_long' })
      .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), { error: 'invalid_chars' }),
  );

const operator = z
  .string()
  .max(CONSENT_OPERATOR_MAX * 4, { error: 'too_long' })
  .transform((v) => v.trim())
  .pipe(
    z
      .string()
      .min(1, { error: 'required' })
      .max(CONSENT_OPERATOR_MAX, { error: 'too_long' })
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { error: 'invalid_chars' }),
  )
  .default('comptoir');

/** A user-chosen method: 'system' is for the app's own entries. */
const userMethod = z.enum(consentMethods).refine((m) => m !== 'system', { error: 'invalid_method' });

/** Only clock skew is tolerated (a minute): a consent cannot be proved before it happened. */
export const consentInstant = instantNoLaterThanNow(60_000);

export const consentWordingAddInput = z.object({ purpose: z.enum(consentPurposes), text: wordingText }).strict();

export const consentRecordInput = z
  .object({
    contactId: id,
    method: userMethod,
    operator,
    at: consentInstant.optional(),
    entries: z
      .array(
        z
          .object({
            channel: z.enum(consentChannels),
            purpose: z.enum(consentPurposes),
            event: z.enum(['granted', 'withdrawn', 'informed']),
          })
          .strict(),
      )
      .min(1, { error: 'required' })
      .max(consentChannels.length * consentPurposes.length * 3, { error: 'too_many' }),
  })
  .strict();
export type ConsentRecordInput = z.input<typeof consentRecordInput>;

/** Withdraws every granted cell matching; leaving channel or purpose out means all of them. */
export const consentWithdrawInput = z
  .object({
    contactId: id,
    channel: z.enum(consentChannels).optional(),
    purpose: z.enum(consentPurposes).optional(),
    method: userMethod.default('counter'),
    operator,
  })
  .strict();

/** Objection: every channel × purpose, for good, plus suppression hashes of the person's e-mails and phones. */
export const consentObjectInput = z.object({ contactId: id, method: userMethod, operator }).strict();

export const consentTarget = z.object({ channel: z.enum(consentChannels), purpose: z.enum(consentPurposes) }).strict();
export type ConsentTarget = z.output<typeof consentTarget>;

/** `on` is the calendar day the message goes out (phone rules change on 2026-08-11); today when left out. */
export const consentCheckInput = z
  .object({
    contactId: id,
    channel: z.enum(consentChannels),
    purpose: z.enum(consentPurposes),
    on: z
      .string()
      .trim()
      .refine(isCalendarDate, { error: 'invalid_date' })
      .optional(),
  })
  .strict();
