import crypto from 'node:crypto';
import path from 'node:path';
import {
  AppError,
  calls,
  callNames,
  defaultSettings,
  isCallName,
  recoveryCalls,
  toErrorData,
  type AppStatus,
  type CallName,
  type Envelope,
  type EventName,
  type FieldIssue,
  type JobFinished,
  type JobKind,
  type JobSubject,
  type StoreState,
} from '../contract';
import { backupDir, checkIntegrity, createBackup, replaceDatabaseFile, type BackupReason } from '../domain/backup/service';
import { contactCount } from '../domain/contacts/service';
import { recoverInterruptedDemo } from '../domain/demo/load';
import { attachErasureJournal, erasureJournalFile } from '../domain/privacy/journal';
import { pruneTransfers } from './transfers';
import { getSettings } from '../domain/settings/service';
import { scheduleRetentionChecks } from '../domain/retention/schedule';
import { scheduleLoyaltyRuns } from '../domain/loyalty/schedule';
import { ensureWindow } from '../domain/analytics/figures';
import { scheduleAnalyticsRuns } from '../domain/analytics/schedule';
import { createStore, refuseDuringJob, transaction, type Store } from '../store/db';
import { latestVersion } from '../store/migrations';
import { openDatabase, schemaVersion, StoreOpenError } from '../store/open';
import { handlers } from './handlers';
import type { Emit, HandlerContext, HostEnv, JobContext } from './registry';

export type IntegrityMode = 'sync' | 'off' | { workerFile: string };

export type DispatcherOptions = HostEnv & {
  /** Backup at start (in the background) and at close. */
  autoBackup: boolean;
  /** How the start-up quick_check runs: a separate thread keeps a 1M-row start under a second. */
  integrity: IntegrityMode;
  emit: (event: EventName, payload: unknown) => void;
};

export type Dispatcher = {
  invoke(name: string, input: unknown): Promise<Envelope>;
  close(): Promise<void>;
  /** Resolves once the start-up backup and integrity check are over (tests, CLI). */
  settled(): Promise<void>;
};

/** zod issue → locale key: our schemas put keys in `message`; zod's own issues keep their code. */
export const toFieldIssues = (issues: readonly { path: readonly PropertyKey[]; message: string; code: string }[]): FieldIssue[] =>
  issues.map((i) => ({
    path: i.path.map(String).join('.'),
    code: /^[a-z_]+$/.test(i.message) ? i.message : i.code,
  }));

const sqliteCode = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';

type Job = { kind: JobKind; subject: JobSubject | null; controller: AbortController; done: Promise<void> };

/**
 * Owns the one connection and runs every call: name check, input validation,
 * the handler (commands inside one transaction), errors turned into data.
 * The same code runs in the worker thread and in-process (CLI, tests).
 */
/** SQLite's own default, kept for everything but commands. */
const AUTO_CHECKPOINT_PAGES = 1000;

/** Job ends kept for `jobs.status`: far more than one screen can be waiting on. */
const ENDS_KEPT = 50;

/**
 * Jobs that write in their own transaction (with async gaps before it):
 * one at a time. The duplicate finder only reads, and runs beside them.
 */
const WRITING_JOBS: ReadonlySet<JobKind> = new Set<JobKind>(['demo', 'import', 'analytics']);

/**
 * The window's routine roll (started by the clock, not by the user) gives
 * way to anything the user asks that writes: all or nothing, a cancel loses
 * nothing, and it runs again a minute later. At 10M sales it holds the
 * store for ~2 s after the first start of a day, which refused a sale or an
 * import the user had just asked for.
 */
const givesWay = (j: Job): boolean => j.kind === 'analytics' && j.subject?.type === 'analytics' && j.subject.cause === 'window';

export const createDispatcher = (options: DispatcherOptions): Dispatcher => {
  let store: Store | null = null;
  let state: StoreState = 'failed';
  let detail: string | null = null;
  let integrity: AppStatus['integrity'] = null;
  const jobs = new Map<string, Job>();
  const background: Promise<unknown>[] = [];
  const emit: Emit = (event, payload) => options.emit(event, payload);
  /** The last jobs' ends, for `jobs.status`: a client whose event stream was reconnecting missed them. */
  const ended = new Map<string, JobFinished>();
  const finish = (end: JobFinished): void => {
    ended.set(end.jobId, end);
    if (ended.size > ENDS_KEPT) ended.delete(ended.keys().next().value ?? '');
    emit('job.finished', end);
  };

  const open = (): void => {
    let upgraded = false;
    try {
      const sqlite = openDatabase(options.dbPath, {
        backupDir: path.join(path.dirname(options.dbPath), 'backups'),
        onUpgrade: (upgrade) => {
          upgraded = true;
          emit('store.upgrade', upgrade);
        },
      });
      store = createStore(sqlite, options.dbPath);
      // a demo load cut by a crash leaves a marker: remove its rows and rebuild the indexes it set aside
      recoverInterruptedDemo(store);
      // an older backup restored must not bring back a person erased since
      attachErasureJournal(store, erasureJournalFile(options.dataDir, options.dbPath));
      const opened = store;
      transaction(opened, () => ensureWindow(opened));
      state = 'ready';
      detail = null;
    } catch (error) {
      store = null;
      const e = error instanceof StoreOpenError ? error : new StoreOpenError('failed', String(error));
      state = e.state;
      detail = e.message;
    } finally {
      // the end of an upgrade, told as the windows waiting on it are told of any new state
      if (upgraded) emit('store.status', status());
    }
  };

  /**
   * A command's reply does not wait for the WAL checkpoint its commit would
   * start (SQLite checkpoints inside the commit that takes the log past 1,000
   * pages): commands run with the automatic checkpoint off, and one passive
   * checkpoint follows once the reply is out. Measured at 1M members, a bonus
   * grant to 112k of them answered ~1 s sooner; a sale at the counter no
   * longer carries the odd 10 ms checkpoint. Jobs and background runs keep
   * the automatic checkpoint, so their batches never grow the log unbounded.
   */
  let checkpointTimer: ReturnType<typeof setTimeout> | null = null;
  const checkpointAfterReply = (): void => {
    if (checkpointTimer !== null) return;
    checkpointTimer = setTimeout(() => {
      checkpointTimer = null;
      // an import between two batches holds its transaction: its own commit checkpoints
      if (!store || state !== 'ready' || store.sqlite.inTransaction) return;
      try {
        store.sqlite.pragma('wal_checkpoint(PASSIVE)');
      } catch (error) {
        // thrown from a timer it would end the worker; the next command's checkpoint catches up
        console.error('[comptoir] checkpoint failed', error);
      }
    }, 0);
  };

  const settings = () => (store ? getSettings(store) : defaultSettings);
  const backupsFolder = () => backupDir(settings(), options.dbPath);

  const status = (): AppStatus => ({
    state,
    detail,
    version: options.version,
    schemaVersion: store ? schemaVersion(store.sqlite) : 0,
    dbPath: options.dbPath,
    dataDir: options.dataDir,
    onboarded: store ? settings().onboarded : false,
    contactCount: store ? contactCount(store) : 0,
    integrity,
  });

  const markCorrupt = (message: string): void => {
    state = 'corrupt';
    detail = message;
    integrity = 'failed';
    store?.sqlite.close();
    store = null;
    emit('store.status', status());
  };

  const runIntegrityCheck = (): void => {
    if (state !== 'ready' || options.integrity === 'off') return;
    const mode = options.integrity;
    const report = (ok: boolean, messages: string[]) => {
      integrity = ok ? 'ok' : 'failed';
      if (!ok) markCorrupt(messages.slice(0, 5).join('; '));
      else emit('store.status', status());
    };
    if (mode === 'sync') {
      const r = checkIntegrity(options.dbPath);
      report(r.ok, r.messages);
      return;
    }
    background.push(
      import('node:worker_threads').then(
        ({ Worker }) =>
          new Promise<void>((resolve) => {
            const w = new Worker(mode.workerFile, { workerData: { mode: 'check', dbPath: options.dbPath } });
            w.once('message', (m: { ok: boolean; messages: string[] }) => {
              report(m.ok, m.messages);
              resolve();
            });
            w.once('error', (e) => {
              report(false, [e.message]);
              resolve();
            });
          }),
      ),
    );
  };

  const backup = async (reason: BackupReason) => {
    if (!store) throw new AppError('STORE_UNAVAILABLE', 'database is not open');
    const s = settings();
    return createBackup(store.sqlite, backupDir(s, options.dbPath), s.backup.keep, reason);
  };

  /** Cancels the window's roll if one runs (see `givesWay`) and resolves once it has rolled back. */
  const makeWay = (): Promise<void> => {
    const rolls = [...jobs.values()].filter(givesWay);
    if (rolls.length === 0) return Promise.resolve();
    for (const r of rolls) r.controller.abort();
    analytics.soon();
    return Promise.all(rolls.map((r) => r.done)).then(() => undefined);
  };

  const startJob = (kind: JobKind, run: (job: JobContext) => Promise<unknown>, subject: JobSubject | null = null) => {
    for (const j of jobs.values()) {
      // two writing jobs would share the one connection: the second's BEGIN would fail, or its ROLLBACK undo the first's
      if (j.kind === kind || (WRITING_JOBS.has(kind) && WRITING_JOBS.has(j.kind))) {
        throw new AppError('BUSY', `a ${j.kind} job is running`, { kind: j.kind, reason: 'job_running' });
      }
    }
    const jobId = crypto.randomUUID();
    const controller = new AbortController();
    let lastProgress = 0;
    const ctx: JobContext = {
      jobId,
      signal: controller.signal,
      progress(phase, done, total) {
        const now = Date.now();
        // at most ~20 events a second: the UI cannot show more and IPC would choke
        if (done < total && now - lastProgress < 50) return;
        lastProgress = now;
        emit('job.progress', { jobId, kind, subject, phase, done, total });
      },
      tick: () =>
        new Promise<void>((resolve, reject) =>
          setImmediate(() =>
            controller.signal.aborted ? reject(new AppError('CANCELLED', 'cancelled by the user')) : resolve(),
          ),
        ),
    };
    const done = (async () => {
      try {
        await ctx.tick();
        const result = await run(ctx);
        finish({ jobId, kind, subject, status: 'done', result });
      } catch (error) {
        const data = toErrorData(error);
        if (data.code === 'INTERNAL') console.error(`[comptoir] job ${kind} failed`, error);
        finish({ jobId, kind, subject, status: data.code === 'CANCELLED' ? 'cancelled' : 'failed', error: data });
      } finally {
        jobs.delete(jobId);
        emit('data.changed', { scope: 'all' });
      }
    })();
    jobs.set(jobId, { kind, subject, controller, done });
    return { jobId };
  };

  const restore = async (file: string) => {
    const dir = backupsFolder();
    const source = path.join(dir, file);
    if (jobs.size > 0) throw new AppError('BUSY', 'wait for the running job to finish');
    let safety: string | null = null;
    if (store) {
      safety = (await backup('restore')).file;
      store.sqlite.close();
      store = null;
    }
    try {
      replaceDatabaseFile(options.dbPath, source, path.join(dir, 'replaced'));
    } finally {
      open();
      integrity = null;
      runIntegrityCheck();
      emit('store.status', status());
      emit('data.changed', { scope: 'all' });
    }
    if (state !== 'ready') throw new AppError('STORE_UNAVAILABLE', detail ?? 'restore failed');
    return { restoredFrom: file, safetyBackup: safety };
  };

  const context: HandlerContext = {
    get store(): Store {
      if (!store) throw new AppError('STORE_UNAVAILABLE', detail ?? 'database is not open', { state });
      return store;
    },
    env: { dbPath: options.dbPath, dataDir: options.dataDir, version: options.version },
    emit,
    startJob,
    host: {
      status,
      backup: () => backup('manual'),
      backupsFolder,
      restore,
      runningJobs: () => [...jobs].map(([jobId, j]) => ({ jobId, kind: j.kind, subject: j.subject })),
      jobState: (jobId) => (jobs.has(jobId) ? { jobId, status: 'running' } : (ended.get(jobId) ?? null)),
      cancelJob(jobId) {
        const j = jobs.get(jobId);
        if (!j) return false;
        j.controller.abort();
        return true;
      },
    },
  };

  const missing = callNames.filter((n) => !handlers[n]);
  if (missing.length > 0) throw new Error(`calls without a handler: ${missing.join(', ')}`);

  const execute = async (name: CallName, raw: unknown): Promise<unknown> => {
    if (state !== 'ready' && !recoveryCalls.has(name)) {
      throw new AppError('STORE_UNAVAILABLE', detail ?? 'database is not available', { state });
    }
    const parsed = calls[name].input.safeParse(raw ?? {});
    if (!parsed.success) {
      throw new AppError('VALIDATION', 'invalid input', { issues: toFieldIssues(parsed.error.issues) });
    }
    const handler = handlers[name] as unknown as {
      kind: 'query' | 'command' | 'job';
      run: (input: unknown, ctx: typeof context) => unknown;
      parentsRead?: true;
    };
    if (handler.kind !== 'query') await makeWay();
    // an import holds one long transaction and yields between batches: other writes must wait for it
    if (handler.kind !== 'query' && store) refuseDuringJob(store.sqlite, [...jobs.values()].find((j) => WRITING_JOBS.has(j.kind))?.kind);
    if (handler.kind === 'command') {
      const s = context.store;
      s.sqlite.pragma('wal_autocheckpoint = 0');
      // only outside a transaction does SQLite take this pragma
      if (handler.parentsRead) s.sqlite.pragma('foreign_keys = OFF');
      try {
        return transaction(s, () => {
          const out = handler.run(parsed.data, context);
          if (out instanceof Promise) throw new Error(`command ${name} must be synchronous`);
          return out;
        });
      } finally {
        // a restore closes the connection it ran on
        if (s.sqlite.open) {
          s.sqlite.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
          s.sqlite.pragma('foreign_keys = ON');
        }
        checkpointAfterReply();
      }
    }
    return handler.run(parsed.data, context);
  };

  open();
  runIntegrityCheck();
  pruneTransfers(options.dataDir);
  if (options.autoBackup && status().state === 'ready') {
    background.push(backup('start').catch((e: unknown) => console.error('[comptoir] start backup failed', e)));
  }
  // retention: checked shortly after start and then daily; automatic mode (off by default) acts only from here
  const retention = scheduleRetentionChecks({
    store: () => (state === 'ready' ? store : null),
    onChecked: (checked) => {
      if (checked.applied !== null) emit('data.changed', { scope: 'contacts' });
    },
  });

  // loyalty: points expire and tiers are recounted shortly after start and then daily
  const loyalty = scheduleLoyaltyRuns({
    store: () => (state === 'ready' ? store : null),
    onRun: (run) => {
      if (run.expired > 0) emit('data.changed', { scope: 'contacts' });
    },
  });

  // analytics: the window follows today, in a job (the screens are told by its end); an upgraded base gets its figures once
  const analytics = scheduleAnalyticsRuns({
    store: () => (state === 'ready' ? store : null),
    startJob: (run) => startJob('analytics', run, { type: 'analytics', cause: 'window' }),
  });

  return {
    async invoke(name, input) {
      if (!isCallName(name)) {
        return { ok: false, error: { code: 'UNKNOWN_CALL', message: `unknown call: ${String(name).slice(0, 100)}` } };
      }
      try {
        return { ok: true, value: await execute(name, input) };
      } catch (error) {
        const code = sqliteCode(error);
        if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
          markCorrupt(error instanceof Error ? error.message : code);
          return { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'the database is damaged', details: { state: 'corrupt' } } };
        }
        if (code.startsWith('SQLITE_CONSTRAINT'))
          return { ok: false, error: { code: 'CONFLICT', message: 'conflicts with existing data' } };
        if (code.startsWith('SQLITE_READONLY'))
          return { ok: false, error: { code: 'READ_ONLY', message: 'the database file is read-only' } };
        if (code.startsWith('SQLITE_BUSY'))
          return { ok: false, error: { code: 'BUSY', message: 'the database is in use by another program' } };
        const data = toErrorData(error);
        if (data.code === 'INTERNAL') console.error(`[comptoir] ${name} failed`, error);
        return { ok: false, error: data };
      }
    },
    async close() {
      if (checkpointTimer !== null) clearTimeout(checkpointTimer);
      retention.stop();
      loyalty.stop();
      analytics.stop();
      for (const j of jobs.values()) j.controller.abort();
      await Promise.allSettled([...jobs.values()].map((j) => j.done));
      await Promise.allSettled(background);
      if (store && options.autoBackup) {
        await backup('close').catch((e: unknown) => console.error('[comptoir] close backup failed', e));
      }
      if (store) {
        store.sqlite.pragma('optimize');
        store.sqlite.close();
        store = null;
      }
      state = 'failed';
      detail = 'closed';
    },
    async settled() {
      await Promise.allSettled(background);
    },
  };
};

export { latestVersion };
