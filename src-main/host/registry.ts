import type {
  AppStatus,
  BackupInfo,
  CallName,
  CallOutput,
  CallParsed,
  EventName,
  Events,
  JobKind,
  JobPhase,
  JobSubject,
  JobRef,
  RestoreResult,
  JobState,
  RunningJob,
} from '../contract';
import type { Store } from '../store/db';

/** What the host knows about where it runs. */
export type HostEnv = {
  dbPath: string;
  dataDir: string;
  version: string;
};

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Handed to a long job: report progress, yield so cancel gets through, stop when aborted. */
export type JobContext = {
  jobId: string;
  signal: AbortSignal;
  progress(phase: JobPhase, done: number, total: number): void;
  /** Lets queued messages (cancel, other calls) run; throws CANCELLED once aborted. */
  tick(): Promise<void>;
};

/**
 * How a long step reports: a phase and how far it is. A job reports it and
 * yields there (a cancel throws from it); without a job nothing happens.
 */
export type Progress = (phase: JobPhase, done: number, total: number) => Promise<void>;

export const reportTo =
  (job: JobContext | null): Progress =>
  async (phase, done, total) => {
    if (job === null) return;
    job.progress(phase, done, total);
    await job.tick();
  };

/** Host-level operations that touch the connection itself (status, backups, restore, jobs). */
export type HostOps = {
  status(): AppStatus;
  backup(reason: 'manual'): Promise<BackupInfo>;
  backupsFolder(): string;
  restore(file: string): Promise<RestoreResult>;
  cancelJob(jobId: string): boolean;
  runningJobs(): RunningJob[];
  jobState(jobId: string): JobState;
};

export type HandlerContext = {
  /** Throws STORE_UNAVAILABLE when the database is not open (recovery screen). */
  readonly store: Store;
  env: HostEnv;
  emit: Emit;
  /** `subject`: what the job works on, for `jobs.running`. */
  startJob(kind: JobKind, run: (job: JobContext) => Promise<unknown>, subject?: JobSubject): JobRef;
  host: HostOps;
};

type Fn<K extends CallName> = (input: CallParsed<K>, ctx: HandlerContext) => CallOutput<K> | Promise<CallOutput<K>>;

/**
 * `query` reads; `command` runs inside one IMMEDIATE transaction (all or
 * nothing); `job` starts background work and must return at once.
 * `parentsRead`: see `bulkCommand`.
 */
export type Handler<K extends CallName> = { kind: 'query' | 'command' | 'job'; run: Fn<K>; parentsRead?: true };

export type Handlers = { [K in CallName]: Handler<K> };
export type HandlerGroup = { [K in CallName]?: Handler<K> };

export const query = <K extends CallName>(run: Fn<K>): Handler<K> => ({ kind: 'query', run });
export const command = <K extends CallName>(run: Fn<K>): Handler<K> => ({ kind: 'command', run });
/**
 * A command whose rows reference only parents it has read in its own
 * transaction (a bonus to the members it has just selected): SQLite's
 * foreign-key probe per written row is left out for it. At 100k rows those
 * probes read a contact page per row, about 400 MB of pages on a cold base,
 * for parents the transaction already holds. Cascades do not run either, so
 * such a command never deletes.
 */
export const bulkCommand = <K extends CallName>(run: Fn<K>): Handler<K> => ({ kind: 'command', run, parentsRead: true });
export const job = <K extends CallName>(run: Fn<K>): Handler<K> => ({ kind: 'job', run });

/** Joins the feature groups; a name defined twice is a programming error caught at start. */
export const combineHandlers = (...groups: HandlerGroup[]): HandlerGroup => {
  const out: Record<string, unknown> = {};
  for (const group of groups) {
    for (const name of Object.keys(group)) {
      if (name in out) throw new Error(`handler "${name}" is registered twice`);
      out[name] = group[name as CallName];
    }
  }
  return out as HandlerGroup;
};
