import { z } from 'zod';
import type { AppErrorData } from './errors';

export const jobKinds = ['demo', 'duplicates', 'import', 'analytics'] as const;
export type JobKind = (typeof jobKinds)[number];

export type JobRef = { jobId: string };

/**
 * What a job works on, for a screen opened meanwhile to find it again: a file
 * being imported (its name as the user chose it), an import being undone, or
 * the analyses being refilled (new settings, a recompute asked for, or the
 * window following today).
 */
export type JobSubject =
  | { type: 'import'; kind: 'contacts' | 'purchases'; file: string }
  | { type: 'undo'; importId: number }
  | { type: 'analytics'; cause: AnalyticsCause };

export const analyticsCauses = ['settings', 'recompute', 'window'] as const;
export type AnalyticsCause = (typeof analyticsCauses)[number];

/** A job still running, and its subject when a screen may want to take it back (progress, Cancel). */
export type RunningJob = { jobId: string; kind: JobKind; subject: JobSubject | null };

/** What a job reports doing, in its order: each has its words under `jobs.phase.*`, on screen and in the terminal. */
export const jobPhases = [
  'demo.customers',
  'demo.indexes',
  'demo.analytics',
  'demo.analyticsIndexes',
  'import.rows',
  'import.purchaseIndexes',
  'import.figures',
  'import.indexes',
  'import.analytics',
  'import.analyticsIndexes',
  'import.undo.purchases',
  'import.undo.contacts',
  'import.undo.search',
  'import.undo.figures',
  'import.undo.restore',
  'duplicates.emails',
  'duplicates.phones',
  'duplicates.names',
  'duplicates.ranking',
  'analytics.customers',
  'analytics.indexes',
] as const;
export type JobPhase = (typeof jobPhases)[number];

export type JobProgress = {
  jobId: string;
  kind: JobKind;
  subject: JobSubject | null;
  phase: JobPhase;
  done: number;
  total: number;
};

export type JobFinished = {
  jobId: string;
  kind: JobKind;
  subject: JobSubject | null;
  status: 'done' | 'cancelled' | 'failed';
  result?: unknown;
  error?: AppErrorData;
};

/**
 * Where a job is, asked by id: running, its end (the same as its
 * `job.finished` event), or null when this host has no word of it (another
 * run's job, or an end long forgotten).
 */
export type JobState = { jobId: string; status: 'running' } | JobFinished | null;

export const jobIdInput = z.object({ jobId: z.string().min(1).max(64) }).strict();

/** Sizes offered by the demo generator (customers); purchases follow at ~10 per customer. */
export const demoInput = z
  .object({
    customers: z.number().int().min(10).max(1_000_000),
    purchasesPerCustomer: z.number().min(0).max(50).default(10),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
    years: z.number().int().min(1).max(10).default(4),
  })
  .strict();
export type DemoInput = z.input<typeof demoInput>;
export type DemoResult = { customers: number; purchases: number; ms: number };
