import {
  CamelCasePlugin,
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
} from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../contract/errors';
import type { JobKind } from '../contract/jobs';
import type { Sqlite } from './open';
import type { DB } from './schema';

/**
 * kysely builds and types the SQL; better-sqlite3 runs it synchronously, so a
 * transaction is a plain function and the worker never interleaves awaits
 * inside one. Statements are prepared once and cached by SQL text.
 */
export type Store = {
  readonly sqlite: Sqlite;
  readonly q: Kysely<DB>;
  readonly file: string;
};

export const queryBuilder = (): Kysely<DB> =>
  new Kysely<DB>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
    plugins: [new CamelCasePlugin()],
  });

export type Statement = BetterSqlite3.Statement<unknown[]>;
const statementCache = new WeakMap<Sqlite, Map<string, Statement>>();

export const prepared = (db: Sqlite, sql: string): Statement => {
  let cache = statementCache.get(db);
  if (!cache) {
    cache = new Map();
    statementCache.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare<unknown[]>(sql);
    cache.set(sql, stmt);
  }
  return stmt;
};

/** `INSERT INTO table (columns) VALUES (?, …)`, with as many rows of placeholders as asked. */
export const insertSql = (table: string, columns: readonly string[], rows = 1): string =>
  `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array<string>(rows).fill(`(${columns.map(() => '?').join(', ')})`).join(', ')}`;

export type BulkInsert = {
  /** Queues one row, its values in the order of the columns. */
  push(values: readonly unknown[]): void;
  /**
   * Queues a new row whose first column is the table's rowid, given here: the
   * id SQLite would have given it (the largest + 1), so what refers to the row
   * need not wait for `flush`. `values` are the other columns.
   */
  pushNew(values: readonly unknown[]): number;
  /** Writes every queued row. */
  flush(): void;
};

/**
 * Rows of one table inserted several to a statement: at 1M contacts that took
 * a third off the insert statements (16.1 → 10.3 s; 16 and 32 rows a statement
 * measured the same). Nothing reaches the table before `flush`: the caller
 * flushes before anything reads the table.
 */
export const bulkInsert = (db: Sqlite, table: string, columns: readonly string[], rowsPerStatement = 16): BulkInsert => {
  const width = columns.length;
  const many = prepared(db, insertSql(table, columns, rowsPerStatement));
  const one = prepared(db, insertSql(table, columns));
  // asked only by pushNew: a WITHOUT ROWID table has no rowid to ask for
  const maxId = (): number => prepared(db, `SELECT coalesce(max(rowid), 0) FROM ${table}`).pluck().get() as number;
  let values: unknown[] = [];
  let nextId = 0;
  const push = (row: readonly unknown[]): void => {
    for (const v of row) values.push(v);
  };
  return {
    push,
    pushNew(row) {
      // nothing queued: the table holds every row written so far
      if (values.length === 0) nextId = maxId() + 1;
      const id = nextId;
      nextId += 1;
      values.push(id);
      push(row);
      return id;
    },
    flush() {
      const chunk = rowsPerStatement * width;
      let at = 0;
      for (; at + chunk <= values.length; at += chunk) many.run(values.slice(at, at + chunk));
      for (; at < values.length; at += width) one.run(values.slice(at, at + width));
      values = [];
    },
  };
};

/**
 * The planner names its indexes (INDEXED BY), but a large import (or its
 * undo) sets indexes aside until it commits, and reads between its batches
 * run inside its transaction: there the hints would fail with "no such
 * index". Without them SQLite plans on its own: slower, but the screens keep
 * answering while the job runs. Outside a transaction nothing is checked.
 * Reads that name an index a job sets aside (contacts', purchases_by_contact,
 * the figures tables' during their refresh) go through here, or through
 * `statement`.
 */
export const runnableSql = (db: Sqlite, sql: string): string => {
  if (!db.inTransaction || !sql.includes('INDEXED BY')) return sql;
  const exists = prepared(db, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck();
  const missing = [...sql.matchAll(/INDEXED BY (\w+)/g)].some(([, name]) => exists.get(name) === undefined);
  return missing ? sql.replace(/\s+INDEXED BY \w+/g, '') : sql;
};

/** `runnableSql`, prepared in the store's cache. */
export const statement = (db: Sqlite, sql: string): Statement => prepared(db, runnableSql(db, sql));

const camelKeys = new Map<string, string>();
const camel = (key: string): string => {
  let out = camelKeys.get(key);
  if (out === undefined) {
    out = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    camelKeys.set(key, out);
  }
  return out;
};

const camelRow = (row: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const key in row) out[camel(key)] = row[key];
  return out;
};

const params = (parameters: readonly unknown[]): unknown[] =>
  parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));

export const all = <R>(store: Store, query: Compilable<R>): R[] => {
  const compiled = query.compile();
  const rows = prepared(store.sqlite, compiled.sql).all(...params(compiled.parameters)) as Record<string, unknown>[];
  return rows.map(camelRow) as R[];
};

export const first = <R>(store: Store, query: Compilable<R>): R | undefined => {
  const compiled = query.compile();
  const row = prepared(store.sqlite, compiled.sql).get(...params(compiled.parameters)) as
    | Record<string, unknown>
    | undefined;
  return row === undefined ? undefined : (camelRow(row) as R);
};

export const run = <R>(store: Store, query: Compilable<R>): { changes: number; lastInsertRowid: number } => {
  const compiled = query.compile();
  const info = prepared(store.sqlite, compiled.sql).run(...params(compiled.parameters));
  return { changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) };
};

export const createStore = (sqlite: Sqlite, file: string): Store => ({ sqlite, q: queryBuilder(), file });

/**
 * A job (an import, its undo, a refill of the analyses) holds one long
 * transaction and yields between its steps: a write that starts then would
 * join it, and go if it is cancelled. Anything that writes on its own waits
 * for it: BUSY.
 */
export const refuseDuringJob = (db: Sqlite, kind?: JobKind): void => {
  if (db.inTransaction) {
    // the kind, when the caller knows it, lets the screen say which task to wait for
    throw new AppError('BUSY', 'a long task is running; try again when it has finished', { reason: 'job_running', ...(kind === undefined ? {} : { kind }) });
  }
};

/**
 * A job's one transaction: the write lock taken up front, committed when
 * `work` ends, rolled back when it throws (a cancel included), so a job
 * leaves all of its work or none. Between its steps the store answers reads
 * (they see the work so far) and refuses writes.
 */
export const jobTransaction = async <T>(store: Store, work: () => Promise<T>): Promise<T> => {
  const db = store.sqlite;
  refuseDuringJob(db);
  db.exec('BEGIN IMMEDIATE');
  try {
    const out = await work();
    db.exec('COMMIT');
    return out;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
};

/** Runs `fn` in one IMMEDIATE transaction (write lock taken up front: no upgrade deadlocks). */
export const transaction = <T>(store: Store, fn: () => T): T => store.sqlite.transaction(fn).immediate();

/**
 * Opens the append-only ledgers (consent events; later loyalty) to the one
 * procedure allowed to touch them, for the span of `fn`, inside the caller's
 * transaction: 'erasure' may delete a person's entries, 'merge' may move them
 * to the kept contact. Closed again even when `fn` throws, so a failed
 * procedure rolls back with the gate shut.
 */
export const withLedgerGate = <T>(store: Store, mode: 'erasure' | 'merge', fn: () => T): T => {
  if (!store.sqlite.inTransaction) throw new Error('the ledger gate opens only inside a transaction');
  const gate = prepared(store.sqlite, 'UPDATE ledger_gate SET open = ? WHERE id = 1');
  const previous = prepared(store.sqlite, 'SELECT open FROM ledger_gate WHERE id = 1').pluck().get() as string | null;
  gate.run(mode);
  try {
    return fn();
  } finally {
    gate.run(previous);
  }
};
