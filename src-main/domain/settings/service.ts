import { defaultSettings, settingsSchema, type Settings, type SettingsUpdate } from '../../contract';
import type { z } from 'zod';
import type { settingsUpdateInput } from '../../contract/settings';
import { prepared, type Store } from '../../store/db';

type Section = keyof Settings;
const sections = Object.keys(defaultSettings) as Section[];

/**
 * One row per top-level section (JSON). Unknown or damaged values fall back
 * to defaults section by section, so a bad value never locks a user out.
 */
export const getSettings = (store: Store): Settings => {
  const rows = prepared(store.sqlite, 'SELECT key, value FROM settings').all() as unknown as { key: string; value: string }[];
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const out: Record<string, unknown> = {};
  for (const key of sections) {
    const raw = stored.get(key);
    let value: unknown = defaultSettings[key];
    if (raw !== undefined) {
      try {
        const parsed: unknown = JSON.parse(raw);
        const section = settingsSchema.shape[key].safeParse(
          typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
            ? { ...(defaultSettings[key] as object), ...parsed }
            : parsed,
        );
        if (section.success) value = section.data;
      } catch {
        // keep the default
      }
    }
    out[key] = value;
  }
  return out as Settings;
};

export const updateSettings = (store: Store, patch: z.output<typeof settingsUpdateInput>): Settings => {
  const current = getSettings(store);
  const next: Settings = {
    ...current,
    ...(patch.language !== undefined ? { language: patch.language } : {}),
    ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
    ...(patch.onboarded !== undefined ? { onboarded: patch.onboarded } : {}),
    shop: { ...current.shop, ...stripUndefined(patch.shop ?? {}) },
    backup: { ...current.backup, ...stripUndefined(patch.backup ?? {}) },
  };
  const upsert = prepared(
    store.sqlite,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  for (const key of sections) {
    if (JSON.stringify(next[key]) !== JSON.stringify(current[key])) upsert.run(key, JSON.stringify(next[key]));
  }
  return next;
};

const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export type { SettingsUpdate };
