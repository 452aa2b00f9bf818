import { z } from 'zod';
import { contactFilter } from './contacts';
import { isCalendarDate } from './dates';
import { id, optionalText } from './fields';

/**
 * Loyalty programme (issue 5): points earned on sales, tiers, rewards,
 * referrals and cards. The ledger is append-only; a member's balance is the
 * sum of their entries (cached, kept in the same transaction).
 */

/* ---------- card numbers ---------- */

/**
 * Damm's quasigroup (totally anti-symmetric, weak): one check digit catches
 * every single-digit error and every adjacent transposition, which Luhn does
 * not (it misses 09 ↔ 90). Exported so the counter can reject a mistyped
 * number before asking the store.
 */
const DAMM: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/** The interim digit after `digits`: 0 means a number ending with its check digit is valid. */
const dammInterim = (digits: string): number => {
  let interim = 0;
  for (const ch of digits) interim = DAMM[interim]![ch.charCodeAt(0) - 48]!;
  return interim;
};

export const dammCheckDigit = (digits: string): number => dammInterim(digits);

export const CARD_NUMBER_LENGTH = 13;
/** GS1 keeps 2x prefixes for in-store numbers: a till will not confuse a card with a product barcode. */
export const CARD_PREFIX = '29';

/** 13 digits whose last one is the Damm check digit of the first twelve. */
export const isValidCardNumber = (value: string): boolean =>
  /^\d{13}$/.test(value) && dammInterim(value) === 0;

/** Card number for a sequence number: prefix, 10-digit sequence, check digit. */
export const cardNumberFor = (sequence: number): string => {
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence >= 10_000_000_000) {
    throw new RangeError(`card sequence out of range: ${String(sequence)}`);
  }
  const body = `${CARD_PREFIX}${String(sequence).padStart(10, '0')}`;
  return `${body}${String(dammCheckDigit(body))}`;
};

/** What a scanner or a person types: spaces, dots and dashes are dropped. */
export const compactCardNumber = (value: string): string => value.replace(/[\s.\u00a0-]+/g, '');

const cardNumber = z
  .string({ error: 'required' })
  .max(40, { error: 'invalid_card_number' })
  .transform(compactCardNumber)
  .refine((v) => /^\d{13}$/.test(v), { error: 'invalid_card_number' })
  .refine(isValidCardNumber, { error: 'invalid_check_digit' });

/* ---------- programme ---------- */

const int = (min: number, max: number) =>
  z
    .number({ error: 'required' })
    .int({ error: 'not_integer' })
    .min(min, { error: 'too_small' })
    .max(max, { error: 'too_large' });

const num = (min: number, max: number) =>
  z.number({ error: 'required' }).min(min, { error: 'too_small' }).max(max, { error: 'too_large' });

const requiredText = (max: number) =>
  optionalText(max).transform((v, ctx) => {
    if (v === null) {
      ctx.addIssue({ code: 'custom', message: 'required' });
      return z.NEVER;
    }
    return v;
  });

export const POINTS_MAX = 1_000_000;
export const TIERS_MAX = 10;

export const tierBases = ['points', 'spend'] as const;
export type TierBasis = (typeof tierBases)[number];

export const tierSchema = z
  .object({
    /** Stable key stored on members and in the history; the name may change. */
    key: z
      .string({ error: 'required' })
      .regex(/^[a-z0-9_-]{1,32}$/, { error: 'invalid_key' }),
    name: requiredText(60),
    /** 'points': points earned over the window; 'spend': net sales (cents) over the window. */
    basis: z.enum(tierBases),
    /** Points or cents, by basis. */
    threshold: int(0, 1_000_000_000),
    windowMonths: int(1, 120),
    /** Points earned on a sale are multiplied by this. */
    multiplier: num(0.1, 10),
    benefits: optionalText(500).transform((v) => v ?? ''),
  })
  .strict();
export type LoyaltyTier = z.output<typeof tierSchema>;

const tiersSchema = z
  .array(tierSchema)
  .min(1, { error: 'required' })
  .max(TIERS_MAX, { error: 'too_many' })
  .superRefine((tiers, ctx) => {
    if (tiers[0] !== undefined && tiers[0].threshold !== 0) {
      ctx.addIssue({ code: 'custom', path: [0, 'threshold'], message: 'first_tier_threshold_zero' });
    }
    const keys = new Set<string>();
    tiers.forEach((t, i) => {
      if (keys.has(t.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'duplicate' });
      keys.add(t.key);
      const prev = tiers[i - 1];
      if (prev !== undefined && t.threshold <= prev.threshold) {
        ctx.addIssue({ code: 'custom', path: [i, 'threshold'], message: 'not_ascending' });
      }
    });
  });

export const roundingRules = ['down', 'nearest'] as const;

export const loyaltyProgrammeSchema = z
  .object({
    enabled: z.boolean(),
    pointsPerEuro: num(0.01, 100),
    rounding: z.enum(roundingRules),
    welcomePoints: int(0, POINTS_MAX),
    referrerPoints: int(0, POINTS_MAX),
    referredPoints: int(0, POINTS_MAX),
    /** null: points never expire. */
    expiryMonths: int(1, 120).nullable(),
    /** null: joining is free. Paid entry is recorded as a sale of this amount. */
    entryFeeCents: int(1, 100_000_00).nullable(),
    /** What one point is worth, for the liability figure (cents, fractions allowed). */
    pointValueCents: num(0, 10_000),
    tiers: tiersSchema,
  })
  .strict();
export type LoyaltyProgramme = z.output<typeof loyaltyProgrammeSchema>;

export const defaultLoyaltyProgramme: LoyaltyProgramme = {
  enabled: true,
  pointsPerEuro: 1,
  rounding: 'down',
  welcomePoints: 50,
  referrerPoints: 100,
  referredPoints: 50,
  expiryMonths: 24,
  entryFeeCents: null,
  pointValueCents: 1,
  tiers: [
    { key: 'basic', name: 'Basique', basis: 'points', threshold: 0, windowMonths: 12, multiplier: 1, benefits: '' },
    {
      key: 'gold',
      name: 'Or',
      basis: 'spend',
      threshold: 50_000,
      windowMonths: 12,
      multiplier: 2,
      benefits: 'Points doublés',
    },
  ],
};

/** Any subset of the programme; `tiers`, when given, replaces the whole list. The result is checked as a whole. */
export const loyaltyProgrammeUpdateInput = z
  .object({
    enabled: z.boolean().optional(),
    pointsPerEuro: loyaltyProgrammeSchema.shape.pointsPerEuro.optional(),
    rounding: z.enum(roundingRules).optional(),
    welcomePoints: loyaltyProgrammeSchema.shape.welcomePoints.optional(),
    referrerPoints: loyaltyProgrammeSchema.shape.referrerPoints.optional(),
    referredPoints: loyaltyProgrammeSchema.shape.referredPoints.optional(),
    expiryMonths: loyaltyProgrammeSchema.shape.expiryMonths.optional(),
    entryFeeCents: loyaltyProgrammeSchema.shape.entryFeeCents.optional(),
    pointValueCents: loyaltyProgrammeSchema.shape.pointValueCents.optional(),
    tiers: tiersSchema.optional(),
  })
  .strict();
export type LoyaltyProgrammeUpdate = z.input<typeof loyaltyProgrammeUpdateInput>;

/* ---------- rewards ---------- */

export const rewardKinds = ['item', 'amount', 'percent'] as const;
export type RewardKind = (typeof rewardKinds)[number];

export type Reward = {
  id: number;
  name: string;
  kind: RewardKind;
  /** Cents for 'amount', percent 1..100 for 'percent', 0 for 'item'. */
  value: number;
  productId: number | null;
  costPoints: number;
  /** YYYY-MM-DD, inclusive. */
  validFrom: string | null;
  validTo: string | null;
  /** A tier key: members below it cannot redeem. */
  minTier: string | null;
  active: boolean;
};

const optionalDay = z
  .string()
  .trim()
  .refine(isCalendarDate, { error: 'invalid_date' })
  .nullish()
  .transform((v) => v ?? null);

const rewardShape = {
  name: requiredText(120),
  kind: z.enum(rewardKinds),
  value: int(0, 100_000_00),
  productId: id.nullish().transform((v) => v ?? null),
  costPoints: int(1, POINTS_MAX),
  validFrom: optionalDay,
  validTo: optionalDay,
  minTier: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/, { error: 'invalid_key' })
    .nullish()
    .transform((v) => v ?? null),
  active: z.boolean(),
};

type RewardFields = { kind?: RewardKind; value?: number; validFrom?: string | null; validTo?: string | null };
export const checkReward = (r: RewardFields, ctx: z.RefinementCtx): void => {
  if (r.kind === 'percent' && r.value !== undefined && (r.value < 1 || r.value > 100)) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'percent_range' });
  }
  if (r.kind === 'amount' && r.value !== undefined && r.value < 1) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'must_be_positive' });
  }
  if (r.kind === 'item' && r.value !== undefined && r.value !== 0) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'item_value_zero' });
  }
  if (r.validFrom && r.validTo && r.validFrom > r.validTo) {
    ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'before_start' });
  }
};

export const rewardInput = z
  .object({ ...rewardShape, value: rewardShape.value.default(0), active: rewardShape.active.default(true) })
  .strict()
  .superRefine(checkReward);
export type RewardInput = z.input<typeof rewardInput>;

/** The merged record is checked again (kind and value together) by the service. */
export const rewardUpdateInput = z
  .object({
    id,
    name: rewardShape.name.optional(),
    kind: rewardShape.kind.optional(),
    value: rewardShape.value.optional(),
    productId: id.nullable().optional(),
    costPoints: rewardShape.costPoints.optional(),
    validFrom: z.string().trim().refine(isCalendarDate, { error: 'invalid_date' }).nullable().optional(),
    validTo: z.string().trim().refine(isCalendarDate, { error: 'invalid_date' }).nullable().optional(),
    minTier: z.string().regex(/^[a-z0-9_-]{1,32}$/, { error: 'invalid_key' }).nullable().optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type RewardUpdate = z.input<typeof rewardUpdateInput>;

/* ---------- cards, members, ledger ---------- */

export const cardStatuses = ['active', 'lost', 'closed'] as const;
export type CardStatus = (typeof cardStatuses)[number];

export type LoyaltyCard = {
  /** 13 digits including the Damm check digit. */
  number: string;
  status: CardStatus;
  issuedAt: string;
};

export type Member = {
  contactId: number;
  name: string;
  /** The current card (active, or the last one once closed). */
  card: LoyaltyCard;
  /** Every card the member has had, newest first. */
  cards: LoyaltyCard[];
  balance: number;
  tier: string;
  tierName: string;
  tierSince: string;
  enrolledAt: string;
  referrerId: number | null;
};

export const ledgerKinds = [
  'earn',
  'redeem',
  'welcome',
  'referral',
  'adjust',
  'expire',
  'reverse',
  'bonus',
  'entry_fee',
] as const;
export type LedgerKind = (typeof ledgerKinds)[number];

export type LedgerEntry = {
  id: number;
  contactId: number;
  kind: LedgerKind;
  /** Signed: credits positive, debits negative. */
  points: number;
  at: string;
  reason: string | null;
  purchaseId: number | null;
  rewardId: number | null;
  voucherCode: string | null;
  /** On a 'reverse': the entry it takes back. */
  reversesId: number | null;
  /** On a credit that can expire: the day its remaining points expire. */
  lotExpiresOn: string | null;
};

const contactIdInput = z.object({ contactId: id }).strict();

export const loyaltyEnrolInput = z
  .object({
    contactId: id,
    /** The card of the member who brought this customer: both earn once the newcomer first buys. */
    referrerCardNumber: cardNumber.optional(),
    /** Joins by paying the programme's entry fee (recorded as a sale). */
    paidEntry: z.boolean().default(false),
  })
  .strict();
export type LoyaltyEnrolInput = z.input<typeof loyaltyEnrolInput>;

/** A scan or typed number. Malformed → VALIDATION; unknown → NOT_FOUND 'unknown_card'; lost/closed → CONFLICT 'card_lost' / 'card_closed'. */
export const loyaltyLookupInput = z.object({ number: cardNumber }).strict();

export const loyaltyLedgerInput = z
  .object({
    contactId: id,
    cursor: z.string().max(200).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();
export type LedgerPage = { entries: LedgerEntry[]; nextCursor: string | null };

export const loyaltyCardInput = contactIdInput;

export const loyaltyRedeemInput = z.object({ contactId: id, rewardId: id }).strict();
export type RedeemResult = { member: Member; voucherCode: string; entry: LedgerEntry };

/** A reward redeemed and not yet spent: what the counter offers to apply to the member's sale. */
export type Voucher = {
  code: string;
  issuedAt: string;
  rewardId: number;
  rewardName: string;
  kind: RewardKind;
  /** As on the reward: cents off, percent off, or 0 for a free item. */
  value: number;
  productId: number | null;
};

export const loyaltyVouchersInput = contactIdInput;

/**
 * Cents a voucher takes off a sale's subtotal: never more than the subtotal
 * (a sale cannot go below zero); a free item takes nothing off, it is a line
 * at 0 €. The store applies it; the counter shows it before recording.
 */
export const voucherDiscount = (kind: RewardKind, value: number, subtotalCents: number): number =>
  subtotalCents <= 0 ? 0 : kind === 'amount' ? Math.min(value, subtotalCents) : kind === 'percent' ? Math.round((subtotalCents * value) / 100) : 0;

const signedPoints = int(-POINTS_MAX, POINTS_MAX).refine((v) => v !== 0, { error: 'must_not_be_zero' });

export const loyaltyAdjustInput = z
  .object({ contactId: id, points: signedPoints, reason: requiredText(200) })
  .strict();

export const loyaltyMembersInput = z
  .object({
    tier: z.string().regex(/^[a-z0-9_-]{1,32}$/, { error: 'invalid_key' }).optional(),
    minBalance: int(-1_000_000_000, 1_000_000_000).optional(),
    maxBalance: int(-1_000_000_000, 1_000_000_000).optional(),
    cursor: z.string().max(200).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();
export type MemberRow = { contactId: number; name: string; cardNumber: string; balance: number; tier: string };
export type MemberPage = { rows: MemberRow[]; total: number; nextCursor: string | null };

/** Bonus points to every member among the contacts a list filter (or saved segment) matches. */
export const loyaltyBonusPreviewInput = z
  .object({ filter: contactFilter, points: int(1, POINTS_MAX), reason: requiredText(200) })
  .strict();
export type BonusPreview = { members: number };

/** One transaction; refused (CONFLICT 'preview_changed') when the member count is not the previewed one. */
export const loyaltyBonusGrantInput = z
  .object({
    filter: contactFilter,
    points: int(1, POINTS_MAX),
    reason: requiredText(200),
    expectedMembers: int(0, 100_000_000),
  })
  .strict();
export type BonusGrantResult = { granted: number };

export type LoyaltyDashboard = {
  members: number;
  /** Earned or redeemed in the last 12 months (counted by calendar month: this month and the 11 before). */
  activeMembers: number;
  /** Every credit ever (earn, welcome, referral, bonus, positive adjustments). */
  pointsIssued: number;
  /** Points spent on rewards (positive number). */
  pointsRedeemed: number;
  pointsExpired: number;
  /** Outstanding points × pointValueCents, rounded to the cent. */
  liabilityCents: number;
  /** pointsRedeemed / pointsIssued, 0..1 (0 when nothing was issued). */
  redemptionRate: number;
  tierMix: { tier: string; name: string; members: number }[];
  /** Last 12 months, oldest first; month is YYYY-MM. */
  tierMovements: { month: string; up: number; down: number }[];
};

export type ExpireResult = { expired: number };
