import {
  defaultRetentionPolicies,
  retentionPoliciesSchema,
  type RetentionPolicies,
  type RetentionStatus,
} from '../../contract';
import type { z } from 'zod';
import type { retentionPoliciesUpdateInput } from '../../contract/retention';
import { prepared, type Store } from '../../store/db';

/*
 * Kept in the settings table under their own keys rather than as a section of
 * `Settings`: the shop's settings screen and the retention panel then never
 * overwrite each other, and a damaged value falls back to the CNIL defaults.
 */
const POLICIES_KEY = 'retention';
const STATUS_KEY = 'retention.status';

const read = (store: Store, key: string): unknown => {
  const raw = prepared(store.sqlite, 'SELECT value FROM settings WHERE key = ?').pluck().get(key) as string | undefined;
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
};

const write = (store: Store, key: string, value: unknown): void => {
  prepared(
    store.sqlite,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(key, JSON.stringify(value));
};

export const getPolicies = (store: Store): RetentionPolicies => {
  const stored = read(store, POLICIES_KEY);
  if (typeof stored !== 'object' || stored === null) return { ...defaultRetentionPolicies };
  const parsed = retentionPoliciesSchema.safeParse({ ...defaultRetentionPolicies, ...stored });
  return parsed.success ? parsed.data : { ...defaultRetentionPolicies };
};

export const updatePolicies = (store: Store, patch: z.output<typeof retentionPoliciesUpdateInput>): RetentionPolicies => {
  const next = retentionPoliciesSchema.parse({
    ...getPolicies(store),
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
  });
  write(store, POLICIES_KEY, next);
  return next;
};

const emptyStatus: RetentionStatus = { checkedAt: null, on: null, due: { prospect: 0, customer: 0 }, applied: null };

export const getStatus = (store: Store): RetentionStatus => {
  const stored = read(store, STATUS_KEY);
  return typeof stored === 'object' && stored !== null ? { ...emptyStatus, ...(stored as Partial<RetentionStatus>) } : emptyStatus;
};

export const saveStatus = (store: Store, status: RetentionStatus): void => write(store, STATUS_KEY, status);
