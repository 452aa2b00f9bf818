import type { z } from 'zod';
import {
  AppError,
  defaultLoyaltyProgramme,
  loyaltyProgrammeSchema,
  type LoyaltyProgramme,
  type LoyaltyTier,
  type loyaltyProgrammeUpdateInput,
} from '../../contract';
import { prepared, type Store } from '../../store/db';

/** Its own row in `settings`, apart from the app settings' sections (which read only their known keys). */
const KEY = 'loyalty';

/**
 * The stored programme, or the defaults when there is none or it no longer
 * validates: a damaged value must not stop the counter.
 */
export const getProgramme = (store: Store): LoyaltyProgramme => {
  const raw = prepared(store.sqlite, 'SELECT value FROM settings WHERE key = ?').pluck().get(KEY) as string | undefined;
  if (raw === undefined) return structuredClone(defaultLoyaltyProgramme);
  try {
    const parsed = loyaltyProgrammeSchema.safeParse({ ...defaultLoyaltyProgramme, ...(JSON.parse(raw) as object) });
    return parsed.success ? parsed.data : structuredClone(defaultLoyaltyProgramme);
  } catch {
    return structuredClone(defaultLoyaltyProgramme);
  }
};

export const updateProgramme = (store: Store, patch: z.output<typeof loyaltyProgrammeUpdateInput>): LoyaltyProgramme => {
  const current = getProgramme(store);
  const merged = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  const parsed = loyaltyProgrammeSchema.safeParse(merged);
  if (!parsed.success) {
    throw new AppError('VALIDATION', 'invalid loyalty programme', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message })),
    });
  }
  const next = parsed.data;
  prepared(
    store.sqlite,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(KEY, JSON.stringify(next));
  return next;
};

export const tierIndex = (programme: LoyaltyProgramme, key: string): number =>
  programme.tiers.findIndex((t) => t.key === key);

export const tierOf = (programme: LoyaltyProgramme, key: string): LoyaltyTier =>
  programme.tiers.find((t) => t.key === key) ?? programme.tiers[0] ?? defaultLoyaltyProgramme.tiers[0]!;
