/**
 * Issue 3: an import, its undo and the refills of the analyses are jobs that
 * leave the app answering. Runs one through the contract in a child process
 * (so that its peak memory is its own), as the import page, the import
 * history, the settings or the hourly run do, and measures how long a tiny
 * call made meanwhile waits for the job to yield.
 *
 *   from `npm run bench` (after each CLI import, and in the analytics part), or alone:
 *     npx tsx test/bench/jobs.ts undo BASE contacts|purchases
 *     npx tsx test/bench/jobs.ts import BASE contacts|purchases FILE
 *     npx tsx test/bench/jobs.ts analytics BASE recompute|window
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AnalyticsRecomputeResult, Api, ImportRecord, ImportReport, JobFinished, JobRef } from '../../src-main/contract';
import { analyticsState, windowBounds } from '../../src-main/domain/analytics/figures';
import { ANALYTICS_START_DELAY_MS } from '../../src-main/domain/analytics/schedule';
import { toApi } from '../../src-main/host/client';
import { createInProcessClient } from '../../src-main/host/inprocess';
import { createStore } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { percentile, printRecorder, timedNode, type Recorder } from './common';

type Kind = 'contacts' | 'purchases';
type Waits = { calls: number; p95: number; longest: number };
type Ran = { seconds: number; result: unknown; waits: Waits };
type Refill = 'recompute' | 'window';
type Job = { type: 'undo'; kind: Kind } | { type: 'import'; kind: Kind; file: string } | { type: 'analytics'; what: Refill };

/**
 * The base as the app left it yesterday: the stored window one day behind, so
 * the hourly run finds it moved and rolls it (the figures need not match: the
 * roll rebuilds the customers of the day that left, whatever they held).
 */
const windowFromYesterday = (dbPath: string): void => {
  const db = openDatabase(dbPath);
  try {
    const b = windowBounds(analyticsState(createStore(db, dbPath)), new Date(Date.now() - 86_400_000));
    db.prepare('UPDATE analytics_state SET window_start = ?, window_end = ?, prev_start = ?, stale = 0 WHERE id = 1').run(b.start, b.end, b.prevStart);
  } finally {
    db.close();
  }
};

/**
 * What the job's call is: the oldest import of that kind still in force
 * undone, a file imported, every figure recomputed; none for the window's
 * move, which the host starts itself shortly after opening.
 */
const start = async (api: Api, job: Job): Promise<JobRef | null> => {
  if (job.type === 'analytics') return job.what === 'recompute' ? api.call('analytics.recompute', {}) : null;
  if (job.type === 'import') return api.call('imports.run', { kind: job.kind, path: job.file, policy: 'merge', dryRun: false });
  const target = (await api.call('imports.list', {})).filter((i) => i.kind === job.kind && i.undoneAt === null).at(-1);
  if (target === undefined) throw new Error(`no ${job.kind} import to undo`);
  return api.call('imports.undo', { importId: target.id });
};

/** In the child: the job through the contract, a call every 100 ms meanwhile. */
const runJob = async (dbPath: string, job: Job): Promise<Ran> => {
  if (job.type === 'analytics' && job.what === 'window') windowFromYesterday(dbPath);
  const client = await createInProcessClient({ dbPath, dataDir: path.dirname(dbPath), version: 'bench', integrity: 'off' });
  try {
    const api = toApi(client);
    const started = performance.now();
    let over = false;
    const finished = new Promise<JobFinished>((resolve, reject) => {
      // this job's end, not that of a window roll the host may start on an older base
      api.on('job.finished', (f) => {
        if (f.kind === (job.type === 'analytics' ? 'analytics' : 'import')) resolve(f);
      });
      start(api, job).catch(reject);
    }).finally(() => (over = true));
    /*
     * What the user meets meanwhile: a call every 100 ms (the history's own list, a tiny read). In
     * process, the job and the calls share one thread: a call waits while the job runs between two
     * yields, and so does the timer that asks the next one; both are in the overshoot of a round.
     */
    const waits: number[] = [];
    while (!over) {
      const round = performance.now();
      await api.call('imports.list', {});
      await new Promise((r) => setTimeout(r, 100));
      waits.push(Math.max(0, performance.now() - round - 100));
    }
    const f = await finished;
    if (f.status !== 'done') throw new Error(`${job.type} ${f.status}: ${JSON.stringify(f.error)}`);
    // the hourly run's job starts a moment after opening: timed from there
    const delay = job.type === 'analytics' && job.what === 'window' ? ANALYTICS_START_DELAY_MS : 0;
    return {
      seconds: (performance.now() - started - delay) / 1000,
      result: f.result,
      waits: { calls: waits.length, p95: percentile(waits, 95), longest: Math.max(0, ...waits) },
    };
  } finally {
    await client.close();
  }
};

const childRun = async (dbPath: string, job: Job) => {
  const args =
    job.type === 'import' ? [job.type, dbPath, job.kind, job.file] : job.type === 'undo' ? [job.type, dbPath, job.kind] : [job.type, dbPath, job.what];
  const { code, out, err, peakMb } = await timedNode(['--import', 'tsx', __filename, '--child', ...args]);
  if (code !== 0) throw new Error(`${args.slice(0, 1).concat(args.slice(2, 3)).join(' ')} failed (exit ${code}): ${err.slice(-1000)}`);
  return { ran: JSON.parse(out.trim().split('\n').pop() ?? '{}') as Ran, peakMb };
};

const waited = (w: Waits): string =>
  `a call meanwhile waited p95 ${(w.p95 / 1000).toFixed(2)} s, at most ${(w.longest / 1000).toFixed(2)} s (${w.calls} calls)`;

/** Undoes the oldest `kind` import of the base and records its time, the child's peak RSS and how long other calls waited. */
export const benchUndo = async (dbPath: string, kind: Kind, record: Recorder): Promise<void> => {
  const { ran, peakMb } = await childRun(dbPath, { type: 'undo', kind });
  const created = (ran.result as ImportRecord).created.toLocaleString('en');
  record(`undo the import of ${created} ${kind} (imports.undo job)`, `${ran.seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB; ${waited(ran.waits)}`);
};

/** Imports a file as the import page does (imports.run job) and records the same. */
export const benchImportJob = async (dbPath: string, kind: Kind, file: string, record: Recorder): Promise<void> => {
  const { ran, peakMb } = await childRun(dbPath, { type: 'import', kind, file });
  const created = (ran.result as ImportReport).created.toLocaleString('en');
  record(`import ${created} ${kind} in the app (imports.run job)`, `${ran.seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB; ${waited(ran.waits)}`);
};

/** Recomputes every figure as a job (as the settings do), or rolls the window by one day as the hourly run does. */
export const benchAnalyticsJob = async (dbPath: string, what: Refill, record: Recorder): Promise<void> => {
  const { ran, peakMb } = await childRun(dbPath, { type: 'analytics', what });
  const name =
    what === 'recompute'
      ? `recompute the analyses of ${(ran.result as AnalyticsRecomputeResult).customers.toLocaleString('en')} customers in the app (analytics.recompute job)`
      : `move the analysis window by one day in the app (hourly run's job: ${String(ran.result)})`;
  record(name, `${ran.seconds.toFixed(1)} s, peak RSS ${peakMb.toFixed(0)} MB; ${waited(ran.waits)}`);
};

const jobOf = (args: readonly string[]): Job => {
  const [type, , kind, file] = args;
  if (type === 'analytics') {
    if (kind !== 'recompute' && kind !== 'window') throw new Error('analytics: recompute or window');
    return { type, what: kind };
  }
  if (kind !== 'contacts' && kind !== 'purchases') throw new Error('kind: contacts or purchases');
  if (type === 'undo') return { type, kind };
  if (type === 'import' && file !== undefined) return { type, kind, file: path.resolve(file) };
  throw new Error('usage: jobs.ts undo BASE KIND | import BASE KIND FILE | analytics BASE recompute|window');
};

if (process.argv[2] === '--child') {
  const args = process.argv.slice(3);
  runJob(args[1] ?? '', jobOf(args))
    .then((ran) => console.log(JSON.stringify(ran)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
} else if (process.argv[1]?.endsWith(path.join('bench', 'jobs.ts')) && process.argv[2] !== undefined) {
  const args = process.argv.slice(2);
  const job = jobOf(args);
  const dbPath = path.resolve(args[1] ?? '');
  (job.type === 'undo'
    ? benchUndo(dbPath, job.kind, printRecorder)
    : job.type === 'import'
      ? benchImportJob(dbPath, job.kind, job.file, printRecorder)
      : benchAnalyticsJob(dbPath, job.what, printRecorder)
  ).catch(
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
