import { z } from 'zod';
import { id } from './fields';

/**
 * RFM scores and Pareto tiers (issue 6, DESIGN §5). Scores 1–5 by quintile
 * over the customers active in the analysis window: R on the last sale, F on
 * the number of sales, M on the net total. The quintile thresholds are
 * computed on demand and after imports, stored, and every read (grid,
 * segments, tiers, a contact's badge, a saved segment) applies the stored
 * ones, so a score is always a range on one indexed column.
 */

export const rfmDimensions = ['r', 'f', 'm'] as const;
export type RfmDimension = (typeof rfmDimensions)[number];

/** Named segments from (R, F); 'lost': bought once, but not in the window. */
export const rfmSegmentKeys = [
  'champions',
  'loyal',
  'potentialLoyalists',
  'new',
  'promising',
  'needAttention',
  'aboutToSleep',
  'atRisk',
  'cantLose',
  'hibernating',
  'lost',
] as const;
export type RfmSegmentKey = (typeof rfmSegmentKeys)[number];

/** What to do with a segment (the seeds' strategies). */
export const rfmStrategies = ['conquest', 'loyalty', 'reconquest', 'rationalisation', 'abandonment'] as const;
export type RfmStrategy = (typeof rfmStrategies)[number];

/** Each scored segment is one rectangle of the R×F grid (inclusive score bounds); together they tile it. */
export const rfmSegmentCells: Readonly<Record<Exclude<RfmSegmentKey, 'lost'>, { r: [number, number]; f: [number, number] }>> = {
  champions: { r: [5, 5], f: [4, 5] },
  loyal: { r: [3, 4], f: [4, 5] },
  potentialLoyalists: { r: [4, 5], f: [2, 3] },
  new: { r: [5, 5], f: [1, 1] },
  promising: { r: [4, 4], f: [1, 1] },
  needAttention: { r: [3, 3], f: [3, 3] },
  aboutToSleep: { r: [3, 3], f: [1, 2] },
  atRisk: { r: [1, 2], f: [3, 4] },
  cantLose: { r: [1, 2], f: [5, 5] },
  hibernating: { r: [1, 2], f: [1, 2] },
};

export const rfmSegmentStrategy: Readonly<Record<RfmSegmentKey, RfmStrategy>> = {
  champions: 'loyalty',
  loyal: 'loyalty',
  potentialLoyalists: 'loyalty',
  new: 'conquest',
  promising: 'conquest',
  needAttention: 'reconquest',
  aboutToSleep: 'reconquest',
  atRisk: 'reconquest',
  cantLose: 'reconquest',
  hibernating: 'rationalisation',
  lost: 'abandonment',
};

/** The scored segment of an (R, F) pair. */
export const rfmSegmentOf = (r: number, f: number): Exclude<RfmSegmentKey, 'lost'> => {
  for (const [key, cell] of Object.entries(rfmSegmentCells) as [Exclude<RfmSegmentKey, 'lost'>, { r: [number, number]; f: [number, number] }][]) {
    if (r >= cell.r[0] && r <= cell.r[1] && f >= cell.f[0] && f <= cell.f[1]) return key;
  }
  return 'hibernating';
};

export const paretoTiers = ['gold', 'basic', 'bottom'] as const;
export type ParetoTier = (typeof paretoTiers)[number];

/**
 * The stored thresholds (analytics_state.thresholds). `r`, `f`, `m` hold
 * t1…t4 ascending: score = 1 + the number of t_k the value exceeds, so ties
 * share the lower score and score s is the range t(s−1) < v ≤ t(s). Empty
 * when no customer was active (everyone then scores 1).
 */
export type RfmThresholds = {
  version: 1;
  computedAt: string;
  window: { start: string; end: string | null; prevStart: string } | null;
  /** Customers active in the window when computed. */
  customers: number;
  r: string[];
  f: number[];
  m: number[];
  /** The previous window's M thresholds, for tier movements. */
  prev: { customers: number; m: number[] };
};

/** Score `score` covers values above `above` (exclusive, null: no floor) up to `upTo` (inclusive, null: no ceiling). */
export type RfmScoreRange<T> = { score: number; above: T | null; upTo: T | null; empty: boolean };

export type RfmCell = { r: number; f: number; customers: number; revenueCents: number; avgMonetaryCents: number | null };

export type RfmSegmentRow = {
  key: RfmSegmentKey;
  strategy: RfmStrategy;
  customers: number;
  /** Net revenue in the window (lost customers: none by definition). */
  revenueCents: number;
  revenueShare: number;
  /** Revenue per sale in the window; null without sales. */
  avgBasketCents: number | null;
};

export type RfmOverview = {
  /** When the thresholds in use were computed; null: never (recompute). */
  thresholdsAt: string | null;
  /** Active customers when they were computed. */
  scoredCustomers: number;
  window: { start: string; end: string | null; prevStart: string } | null;
  thresholds: { r: RfmScoreRange<string>[]; f: RfmScoreRange<number>[]; m: RfmScoreRange<number>[] };
  /** Active customers now, and their net revenue in the window. */
  customers: number;
  revenueCents: number;
  /** 25 cells, R 5→1 then F 1→5. */
  grid: RfmCell[];
  segments: RfmSegmentRow[];
};

export type ParetoTierRow = { tier: ParetoTier; customers: number; revenueCents: number; share: number; customersShare: number };

export type ParetoMovement = { from: ParetoTier | 'new'; to: ParetoTier | 'gone'; customers: number };

export type ParetoOverview = {
  thresholdsAt: string | null;
  /** Active customers when the thresholds were computed. */
  scoredCustomers: number;
  customers: number;
  revenueCents: number;
  tiers: ParetoTierRow[];
  /** Revenue share of the gold tier ("your top 20 % bring 74 %"). */
  topShare: number;
  /** Cumulative revenue share against cumulative customer share, best customers first, from (0, 0). */
  curve: { customersShare: number; revenueShare: number }[];
  /** Previous window's tier → this window's (customers active in either). */
  movements: ParetoMovement[];
};

export type ContactRfm = {
  thresholdsAt: string | null;
  /** Null when the contact did not buy in the window. */
  scores: { r: number; f: number; m: number } | null;
  /** Null: never bought. */
  segment: RfmSegmentKey | null;
  tier: ParetoTier | null;
  strategy: RfmStrategy | null;
};

export type RfmRecomputeResult = { thresholdsAt: string; customers: number; ms: number };

export const rfmContactInput = z.object({ contactId: id }).strict();
export type RfmContactInput = z.input<typeof rfmContactInput>;
