import { z } from 'zod';
import { consentChannels, consentPurposes } from './consent';
import { contactSources, contactStatuses, TAGS_PER_CONTACT_MAX } from './contact-kinds';
import { dateBound } from './dates';
import { id } from './fields';
import { paretoTiers, rfmSegmentKeys } from './rfm';

/**
 * Saved segments (issue 6): a named, typed, versioned tree of criteria over
 * everything the base knows, combined with AND / OR / NOT. Later issues
 * target campaigns and loyalty offers at a segment, so the stored definition
 * carries its version: a change of shape gets a new version and an upgrade
 * step, never a silent reinterpretation of what users saved.
 *
 * Version 2: the tags criterion names its list `tagIds` (like `productIds`)
 * where version 1 wrote `any`. Version 1 trees are still read, from the base
 * and from callers, and come out as version 2 (`upgradeTree`).
 */
export const SEGMENT_VERSION = 2;
/** Levels of nesting, the root group being level 1: deeper trees are unreadable in the builder anyway. */
export const SEGMENT_DEPTH_MAX = 6;
/** Criteria (leaves) in one definition: keeps the compiled SQL and its live count small. */
export const SEGMENT_CRITERIA_MAX = 50;
/** Values inside one criterion (tags, products, categories, tiers). */
export const SEGMENT_VALUES_MAX = 100;
export const SEGMENT_NAME_MAX = 100;

const list = <T extends z.ZodType>(item: T, max = SEGMENT_VALUES_MAX) =>
  z.array(item).min(1, { error: 'required' }).max(max, { error: 'too_many' });

/** A count or a bound in cents: whole numbers, within what SQLite integers and JS numbers agree on. */
const int = (min: number) => z.number({ error: 'required' }).int({ error: 'invalid_number' }).min(min, { error: 'too_small' }).max(Number.MAX_SAFE_INTEGER);

const prefix = (max: number) =>
  z.string({ error: 'required' }).trim().min(1, { error: 'required' }).max(max, { error: 'too_long' });

/**
 * Date range of a date criterion. Bounds are dates (`YYYY-MM-DD`, the whole
 * day included) or instants, as in the list filter. `withinDays` means "in
 * the last N days, today included", evaluated when the segment is used, so
 * a saved "bought in the last year" stays true to its name. With no bound
 * at all the criterion means "has such a date" (has bought at all).
 */
const dateRange = {
  from: dateBound.optional(),
  to: dateBound.optional(),
  withinDays: z.number().int({ error: 'invalid_number' }).min(1, { error: 'too_small' }).max(36_600, { error: 'too_large' }).optional(),
};

const range =
  <K extends string>(lo: K, hi: K) =>
  (v: { [k in K]?: number | undefined }, ctx: z.RefinementCtx): void => {
    const a = v[lo];
    const b = v[hi];
    if (a !== undefined && b !== undefined && a > b) ctx.addIssue({ code: 'custom', path: [hi], message: 'range_inverted' });
  };

const rfmScore = z.number({ error: 'required' }).int({ error: 'invalid_number' }).min(1, { error: 'too_small' }).max(5, { error: 'too_large' });
const rfmScoreBounds = z.object({ min: rfmScore, max: rfmScore }).strict().superRefine(range('min', 'max'));

/** A UTC calendar month, as the analytics tables count them. */
const month = z.string({ error: 'required' }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'invalid_month' });

const criterion = <F extends string, S extends z.ZodRawShape>(field: F, shape: S) =>
  z.object({ field: z.literal(field), ...shape }).strict();

/*
 * Every criterion kind, in one list. Adding one (RFM scores, Pareto tier,
 * at-risk flag…) means: one entry here, one compiler in
 * `domain/segments/sql.ts` (a Record over `SegmentField`, so the compiler
 * refuses to build until it exists), and its reference evaluation in the tests.
 */
export const segmentCriterionSchemas = [
  criterion('status', { in: list(z.enum(contactStatuses), contactStatuses.length) }),
  /** Tag ids: a contact holding any of them matches. A deleted tag simply matches nobody. */
  criterion('tags', { tagIds: list(id, TAGS_PER_CONTACT_MAX) }),
  criterion('source', { in: list(z.enum(contactSources), contactSources.length) }),
  /** From its start, without case or accents ("st e" finds "Saint-Étienne" only if typed "saint-e"). */
  criterion('city', { prefix: prefix(100) }),
  criterion('postcode', { prefix: prefix(12) }),
  criterion('created', dateRange),
  criterion('lastPurchase', dateRange),
  criterion('firstPurchase', dateRange),
  /** Sales minus refunds, as kept on the contact. */
  criterion('purchaseCount', { min: int(0).optional(), max: int(0).optional() }).superRefine(range('min', 'max')),
  /** Sales minus refunds, in cents; may be negative when refunds exceed sales. */
  criterion('totalSpent', { minCents: int(-Number.MAX_SAFE_INTEGER).optional(), maxCents: int(-Number.MAX_SAFE_INTEGER).optional() }).superRefine(
    range('minCents', 'maxCents'),
  ),
  /** Bought any of these products (not refunded), on or after `since` when given. Put under 'not' for "never bought". */
  criterion('boughtProduct', { productIds: list(id), since: dateBound.optional() }),
  /** Bought any product of these categories (exact names, without case), on or after `since` when given. */
  criterion('boughtCategory', { categories: list(prefix(100)), since: dateBound.optional() }),
  /** What the consent rules allow today for this channel and purpose (issue 4: "contactable by email for offers"). */
  criterion('contactable', { channel: z.enum(consentChannels), purpose: z.enum(consentPurposes) }),
  /** Loyalty members in these tiers (tier keys); non-members never match. */
  criterion('loyaltyTier', { in: list(z.string().regex(/^[a-z0-9_-]{1,32}$/, { error: 'invalid_key' })) }),
  /** Loyalty members whose balance lies within the bounds; non-members never match. */
  criterion('loyaltyBalance', { min: int(-Number.MAX_SAFE_INTEGER).optional(), max: int(-Number.MAX_SAFE_INTEGER).optional() }).superRefine(
    range('min', 'max'),
  ),
  /** RFM scores (1–5, bounds included) with the thresholds last computed; customers who did not buy in the window never match. */
  criterion('rfmScore', { r: rfmScoreBounds.optional(), f: rfmScoreBounds.optional(), m: rfmScoreBounds.optional() }).superRefine((v, ctx) => {
    if (v.r === undefined && v.f === undefined && v.m === undefined) ctx.addIssue({ code: 'custom', path: ['r'], message: 'required' });
  }),
  /** Named RFM segments ('lost': bought before, not in the window). */
  criterion('rfmSegment', { in: list(z.enum(rfmSegmentKeys), rfmSegmentKeys.length) }),
  /** Pareto tiers of the window (gold = top 20 % by revenue). */
  criterion('paretoTier', { in: list(z.enum(paretoTiers), paretoTiers.length) }),
  /** At risk today: overdue against their usual gap (or the shop's), or buying half as often; not marked lost. */
  criterion('atRisk', {}),
  /** Marked lost by hand and not bought since (the win-back list). */
  criterion('markedLost', {}),
  /**
   * Made a sale in any UTC month from `from` to `to` (`YYYY-MM`, both
   * included): a month's customers exactly as the dashboard counts them, so
   * "bought in March and not in April" is the churn of April.
   */
  criterion('boughtInMonths', { from: month, to: month }).superRefine((v, ctx) => {
    if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'range_inverted' });
  }),
] as const;

export const segmentCriterion = z.discriminatedUnion('field', segmentCriterionSchemas, { error: 'unknown_field' });
export type SegmentCriterion = z.output<typeof segmentCriterion>;
export type SegmentField = SegmentCriterion['field'];
export const segmentFields = segmentCriterionSchemas.map((s) => s.shape.field.value) as readonly SegmentField[];

export type SegmentGroup = { op: 'and' | 'or'; children: SegmentNode[] };
export type SegmentNot = { op: 'not'; child: SegmentNode };
export type SegmentNode = SegmentGroup | SegmentNot | SegmentCriterion;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A node is a group when it has `op`, else a criterion: dispatching on that
 * (rather than a plain union) reports the real mistake ("unknown_field",
 * "empty_group") at its own path instead of "matches none of the shapes".
 */
export const segmentNode: z.ZodType<SegmentNode> = z.lazy(() =>
  z.unknown().transform((v, ctx): SegmentNode => {
    if (!isRecord(v)) {
      ctx.addIssue({ code: 'custom', message: 'invalid_node' });
      return z.NEVER;
    }
    const parsed = 'op' in v ? segmentGroup.safeParse(v) : segmentCriterion.safeParse(v);
    if (parsed.success) return parsed.data;
    relay(parsed.error.issues, ctx);
    return z.NEVER;
  }),
);

/** Passes a nested parse's issues on under their own paths, keeping zod's code when the message is not a locale key. */
const relay = (issues: readonly z.core.$ZodIssue[], ctx: z.RefinementCtx, under: PropertyKey[] = []): void => {
  for (const issue of issues) {
    ctx.addIssue({ code: 'custom', path: [...under, ...issue.path], message: /^[a-z_]+$/.test(issue.message) ? issue.message : issue.code });
  }
};

/** Nesting of a raw tree, counted only up to `cap`: a hostile 10 000-level input is refused before it is parsed recursively. */
const rawDepth = (v: unknown, cap: number): number => {
  if (cap <= 0 || !isRecord(v)) return 0;
  const kids = Array.isArray(v.children) ? (v.children as unknown[]) : 'child' in v ? [v.child] : [];
  let deepest = 0;
  for (const k of kids) deepest = Math.max(deepest, rawDepth(k, cap - 1));
  return 1 + deepest;
};

const segmentGroup = z.discriminatedUnion(
  'op',
  [
    z
      .object({
        op: z.enum(['and', 'or']),
        children: z.array(segmentNode).min(1, { error: 'empty_group' }).max(SEGMENT_CRITERIA_MAX, { error: 'too_many' }),
      })
      .strict(),
    z.object({ op: z.literal('not'), child: segmentNode }).strict(),
  ],
  { error: 'unknown_op' },
);

/** Depth (criteria count as a level) and number of criteria of a tree. */
export const segmentShape = (node: SegmentNode): { depth: number; criteria: number } => {
  if ('field' in node) return { depth: 1, criteria: 1 };
  const kids = node.op === 'not' ? [node.child] : node.children;
  const shapes = kids.map(segmentShape);
  return { depth: 1 + Math.max(0, ...shapes.map((s) => s.depth)), criteria: shapes.reduce((n, s) => n + s.criteria, 0) };
};

/**
 * A version 1 tree in version 2's words: a tags criterion's `any` becomes
 * `tagIds`. Works on the raw JSON (already held to the depth limit), so
 * anything else, right or wrong, is left for the parse to judge.
 */
const V1_TAGS_KEY = 'any';

const upgradeTree = (v: unknown): unknown => {
  if (!isRecord(v)) return v;
  if (v.field === 'tags' && V1_TAGS_KEY in v && !('tagIds' in v)) {
    const { [V1_TAGS_KEY]: tagIds, ...rest } = v;
    return { ...rest, tagIds };
  }
  if (Array.isArray(v.children)) return { ...v, children: v.children.map(upgradeTree) };
  if ('child' in v) return { ...v, child: upgradeTree(v.child) };
  return v;
};

/** Versions still read; older ones are upgraded to SEGMENT_VERSION on the way in. */
const readableVersions = [1, SEGMENT_VERSION] as const;

export const segmentDefinition = z
  .object({
    version: z.literal(readableVersions, { error: 'unsupported_version' }),
    root: z.unknown(),
  })
  .strict()
  .transform((v, ctx): SegmentDefinition => {
    if (rawDepth(v.root, SEGMENT_DEPTH_MAX + 1) > SEGMENT_DEPTH_MAX) {
      ctx.addIssue({ code: 'custom', path: ['root'], message: 'too_deep' });
      return z.NEVER;
    }
    const parsed = segmentNode.safeParse(v.version === 1 ? upgradeTree(v.root) : v.root);
    if (!parsed.success) {
      relay(parsed.error.issues, ctx, ['root']);
      return z.NEVER;
    }
    if (segmentShape(parsed.data).criteria > SEGMENT_CRITERIA_MAX) {
      ctx.addIssue({ code: 'custom', path: ['root'], message: 'too_many_criteria' });
      return z.NEVER;
    }
    return { version: SEGMENT_VERSION, root: parsed.data };
  });
export type SegmentDefinition = { version: typeof SEGMENT_VERSION; root: SegmentNode };

export const segmentName = z
  .string({ error: 'required' })
  .max(SEGMENT_NAME_MAX * 4, { error: 'too_long' })
  .transform((v) => v.replace(/\s+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, { error: 'required' })
      .max(SEGMENT_NAME_MAX, { error: 'too_long' })
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), { error: 'invalid_chars' }),
  );

export type Segment = {
  id: number;
  name: string;
  definition: SegmentDefinition;
  createdAt: string;
  updatedAt: string;
  /** Contacts matching today; null in `segments.list` (counting every segment would cost a scan each). */
  count: number | null;
};

/** The live count while editing: nothing is saved. */
export const segmentCountInput = z.object({ definition: segmentDefinition }).strict();
/** Names are unique without case (CONFLICT 'duplicate_name'). */
export const segmentCreateInput = z.object({ name: segmentName, definition: segmentDefinition }).strict();
export const segmentUpdateInput = z
  .object({ id, name: segmentName.optional(), definition: segmentDefinition.optional() })
  .strict();

export type SegmentCountInput = z.input<typeof segmentCountInput>;
export type SegmentCreateInput = z.input<typeof segmentCreateInput>;
export type SegmentUpdateInput = z.input<typeof segmentUpdateInput>;
