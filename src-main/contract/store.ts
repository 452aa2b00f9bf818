import { z } from 'zod';

/**
 * What the store can do right now. The renderer shows a recovery screen for
 * every state but `ready`, instead of failing call after call.
 */
export const storeStates = ['ready', 'corrupt', 'locked', 'readonly', 'too_new', 'failed'] as const;
export type StoreState = (typeof storeStates)[number];

export type AppStatus = {
  state: StoreState;
  /** Technical detail for support, in English. */
  detail: string | null;
  version: string;
  schemaVersion: number;
  dbPath: string;
  dataDir: string;
  onboarded: boolean;
  contactCount: number;
  /** Result of the start-up integrity check: null while it runs. */
  integrity: 'ok' | 'failed' | null;
};

/**
 * An upgrade of the base while it opens, as it goes: the copy taken first,
 * then each migration. On a large base it takes minutes (migration 22
 * rebuilt a 26M-line index in 136 s) and no call is answered meanwhile, so
 * the windows are told what is running instead of showing a bare spinner.
 */
export type StoreUpgrade = {
  /** 'backup': the copy of the base taken before anything changes; 'migration': one step of the schema. */
  phase: 'backup' | 'migration';
  fromVersion: number;
  toVersion: number;
  /** The migration running, 1 for the first of this upgrade (0 during the backup), out of `steps`. */
  step: number;
  steps: number;
  /** When the upgrade began: every window counts the same elapsed time. */
  startedAt: string;
};

export type BackupInfo = { file: string; path: string; size: number; createdAt: string };

export const backupFileName = z
  .string()
  .max(200)
  .regex(/^[\w.-]+\.sqlite$/, { error: 'invalid_backup_name' });

export const restoreInput = z.object({ file: backupFileName }).strict();

export type RestoreResult = { restoredFrom: string; safetyBackup: string | null };

export type CheckResult = { ok: boolean; messages: string[] };
export const checkInput = z.object({ full: z.boolean().default(false) }).strict().default({ full: false });
