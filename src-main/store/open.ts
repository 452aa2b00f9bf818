import fs from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { StoreState, StoreUpgrade } from '../contract/store';
import { latestVersion, migrations } from './migrations';
import type { Migration } from './migrations/types';

export type Sqlite = BetterSqlite3.Database;

/** Opening failed in a way the user can act on; `state` picks the recovery screen. */
export class StoreOpenError extends Error {
  readonly state: Exclude<StoreState, 'ready'>;
  constructor(state: Exclude<StoreState, 'ready'>, message: string) {
    super(message);
    this.name = 'StoreOpenError';
    this.state = state;
  }
}

const sqliteCode = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : '';

/** Maps SQLite failures at open time to a state the UI can explain. */
export const classifyOpenError = (error: unknown): StoreOpenError => {
  if (error instanceof StoreOpenError) return error;
  const code = sqliteCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'))
    return new StoreOpenError('corrupt', message);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new StoreOpenError('locked', message);
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'EACCES' || code === 'EROFS')
    return new StoreOpenError('readonly', message);
  return new StoreOpenError('failed', message);
};

/**
 * Pragmas are per connection: set them on every open. better-sqlite3 turns
 * WAL's default to synchronous=NORMAL, which can lose the last commits on
 * power loss, hence FULL.
 */
export const applyPragmas = (db: Sqlite): void => {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new StoreOpenError('failed', `journal_mode is ${String(mode)}, expected wal`);
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  // erased personal data must not linger in free pages (CNIL erasure)
  db.pragma('secure_delete = ON');
  db.pragma('cache_size = -65536');
};

/**
 * Runs a bulk import's one transaction under a rollback journal instead of
 * the write-ahead log. Once a transaction outgrows the page cache, SQLite in
 * WAL mode writes a log frame for nearly every row (measured: 5.6M writes
 * for 2M purchases, against 69k pages under a rollback journal), so each
 * insert costs 13 µs instead of 4.5 (10M purchases: 282 s → 191 s; 1M
 * contacts: 63 → 55–59 s). The rollback journal keeps the transaction
 * all-or-nothing, a crash included: the next open rolls the hot journal back,
 * then sets WAL again (`applyPragmas`). Switching needs this to be the only
 * connection and no statement running; otherwise the import stays in WAL.
 * Called outside a transaction; returns what puts WAL back once it has ended
 * (never throwing: by then the import has its outcome).
 * A failed import leaves every table as it was, only the header's change
 * counter moves with the switches.
 */
export const bulkJournal = (db: Sqlite): (() => void) => {
  let switched = false;
  try {
    switched = db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    // another connection reads the file, or a statement is still open on this one: WAL it is
  }
  return () => {
    if (!switched) return;
    try {
      db.pragma('journal_mode = WAL');
    } catch {
      /*
       * Another process began reading once the import had ended (the switch needs the file to itself).
       * The import is committed and must be reported so; the rollback journal is as safe meanwhile, and
       * the next open or large import sets WAL again.
       */
    }
  };
};

/**
 * Sends the sorts behind CREATE INDEX to temporary files, on helper threads,
 * with a small page cache, until the returned function puts the connection
 * back. With temporary storage in memory (set at open) such a sort keeps all
 * its runs in RAM (10M purchase dates took ~700 MB) and runs on the calling
 * thread only. On disk, each thread fills a run the size of the page cache,
 * sorts it and writes it out, and they merge the runs: 17 contact indexes
 * over 936k rows took 14.5–18.0 s instead of 22.7–24.5 s on 2 cores. Small
 * runs keep both cores busy sooner and memory low: 16.2 s with 4 MB, 18.4 s
 * with 16 MB; 10M purchases by customer, 6.1 s and +1 MB with 2 MB, against
 * 7.3 s and +130 MB alone, +385 MB threaded, with the purchase import's 128 MB.
 *
 * Only around the sorts: statement journals are temporary files too, and a
 * whole 1M-contact import on disk paid as much in them (7 s of system time)
 * as the sorts saved. The switch works inside a transaction as long as no
 * TEMP table exists: the app makes none, and `openDatabase` drops the one an
 * ALTER TABLE leaves. If one did exist, SQLite refuses the switch and the
 * sort runs in memory as before.
 */
export const diskSorts = (db: Sqlite): (() => void) => {
  const tempStore = Number(db.pragma('temp_store', { simple: true }));
  const threads = Number(db.pragma('threads', { simple: true }));
  const cache = Number(db.pragma('cache_size', { simple: true }));
  try {
    db.pragma('temp_store = FILE');
  } catch {
    return () => undefined;
  }
  db.pragma(`threads = ${SORTER_THREADS}`);
  db.pragma(`cache_size = ${SORT_CACHE}`);
  return () => {
    db.pragma(`temp_store = ${tempStore}`);
    db.pragma(`threads = ${threads}`);
    db.pragma(`cache_size = ${cache}`);
  };
};

/** `diskSorts` around `fn`, the connection put back however it ends. */
export const withDiskSorts = <T>(db: Sqlite, fn: () => T): T => {
  const restore = diskSorts(db);
  try {
    return fn();
  } finally {
    restore();
  }
};

/** Helper threads for SQLite's sorter, one a core (4 did no better than 2 on 2 cores). */
const SORTER_THREADS = Math.max(1, Math.min(4, availableParallelism()));

/** Page cache while sorting, in KiB (negative: SQLite's unit for a size). */
const SORT_CACHE = -2000;

export const schemaVersion = (db: Sqlite): number => Number(db.pragma('user_version', { simple: true }));

/**
 * Applies pending migrations, each in its own transaction together with its
 * bookkeeping, so a failure leaves the database exactly at the previous version.
 */
export const migrate = (
  db: Sqlite,
  list: readonly Migration[] = migrations,
  target = list.length,
  /** Called before each step, with its rank among those this call applies (1 for the first) and their count. */
  onStep: (m: Migration, step: number, steps: number) => void = () => {},
): number[] => {
  const current = schemaVersion(db);
  if (current > list.length) {
    throw new StoreOpenError(
      'too_new',
      `database schema version ${current} is newer than this Comptoir (${list.length}); update Comptoir`,
    );
  }
  const applied: number[] = [];
  const pending = list.filter((m) => m.version > current && m.version <= target);
  for (const m of pending) {
    onStep(m, applied.length + 1, pending.length);
    const step = db.transaction(() => {
      if (m.version === 1) {
        db.exec(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT',
        );
      }
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        new Date().toISOString(),
      );
      db.pragma(`user_version = ${m.version}`);
    });
    step.immediate();
    applied.push(m.version);
  }
  return applied;
};

/**
 * Takes the write lock and rewrites the header once, rolled back: a database
 * in use elsewhere or a read-only file (which SQLite silently opens read-only)
 * is reported at open, not at the user's first save.
 */
export const writeProbe = (db: Sqlite, version: number): void => {
  db.exec('BEGIN IMMEDIATE');
  try {
    db.pragma(`user_version = ${version}`);
  } finally {
    db.exec('ROLLBACK');
  }
};

export type OpenOptions = {
  /** Where a copy is written before migrating an existing database (never lose data on upgrade). */
  backupDir?: string;
  /** Busy timeout in ms before a locked database is reported. */
  timeoutMs?: number;
  /** Told as an existing base is upgraded: the backup first, then each migration. Not called for a new base. */
  onUpgrade?: (upgrade: StoreUpgrade) => void;
};

/** A connection with the app's pragmas, closed again if they cannot be set. */
const connect = (file: string, options: OpenOptions): Sqlite => {
  const db = new BetterSqlite3(file, { timeout: options.timeoutMs ?? 3000 });
  try {
    applyPragmas(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
};

/**
 * Opens (or creates) the database: pragmas, a write probe (locked / read-only
 * files are reported, not discovered later), version check, migrations.
 */
export const openDatabase = (file: string, options: OpenOptions = {}): Sqlite => {
  let db: Sqlite | null = null;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    db = connect(file, options);
    const version = schemaVersion(db);
    if (version > latestVersion) {
      throw new StoreOpenError(
        'too_new',
        `database schema version ${version} is newer than this Comptoir (${latestVersion}); update Comptoir`,
      );
    }
    writeProbe(db, version);
    const startedAt = new Date().toISOString();
    // a new base is "upgraded" from 0 in an instant: nothing to tell
    const tell = version > 0 ? (options.onUpgrade ?? (() => {})) : () => {};
    const upgrade = { fromVersion: version, toVersion: latestVersion, startedAt };
    if (version > 0 && version < latestVersion && options.backupDir) {
      tell({ ...upgrade, phase: 'backup', step: 0, steps: latestVersion - version });
      fs.mkdirSync(options.backupDir, { recursive: true });
      const target = path.join(options.backupDir, `before-migration-v${version}-${Date.now()}.sqlite`);
      db.prepare('VACUUM INTO ?').run(target);
    }
    if (migrate(db, migrations, latestVersion, (_m, step, steps) => tell({ ...upgrade, phase: 'migration', step, steps })).length > 0) {
      // ALTER TABLE (migration 4) opens the TEMP database for the rest of the connection, and diskSorts can then no longer switch
      db.close();
      db = connect(file, options);
    }
    return db;
  } catch (error) {
    db?.close();
    throw classifyOpenError(error);
  }
};
