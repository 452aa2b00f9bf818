import { AppError } from '../../contract';
import type BetterSqlite3 from 'better-sqlite3';
import type { Sqlite } from '../../store/open';
import { runnableSql } from '../../store/db';

/**
 * The schema read at run time, so a merge moves the rows of tables added by
 * later migrations (loyalty cards, consent events, complaints…) without
 * anyone touching this code. PRAGMAs cost microseconds: nothing is cached, so a
 * table created a moment ago is seen too.
 */

export const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export type TableShape = {
  name: string;
  /** Stored columns (generated ones excluded: they cannot be written). */
  columns: string[];
  /**
   * How one row is found again later: the declared primary key, or `rowid`
   * (an INTEGER PRIMARY KEY is the rowid). A rowid that is not an alias of a
   * declared column is captured and written back explicitly.
   */
  key: string[];
  hiddenRowid: boolean;
};

export type ForeignKey = {
  /** Child table and columns. */
  table: string;
  from: string[];
  /** Parent table and columns (its primary key when the FK names none). */
  parent: string;
  to: string[];
  onDelete: string;
};

type XInfo = { name: string; type: string; pk: number; hidden: number };
type FkRow = { id: number; seq: number; table: string; from: string; to: string | null; on_delete: string };

export const userTables = (db: Sqlite): string[] =>
  db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .pluck()
    .all() as string[];

export const tableShape = (db: Sqlite, table: string): TableShape => {
  const info = db.prepare(`PRAGMA table_xinfo(${quote(table)})`).all() as XInfo[];
  if (info.length === 0) throw new AppError('INTERNAL', `table ${table} not found`);
  const listed = db.prepare('SELECT wr FROM pragma_table_list WHERE name = ?').get(table) as { wr: number } | undefined;
  const withoutRowid = (listed?.wr ?? 0) === 1;
  const columns = info.filter((c) => c.hidden === 0).map((c) => c.name);
  const pk = info
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c);
  if (withoutRowid) return { name: table, columns, key: pk.map((c) => c.name), hiddenRowid: false };
  const only = pk.length === 1 ? pk[0] : undefined;
  if (only && only.type.toUpperCase() === 'INTEGER') return { name: table, columns, key: [only.name], hiddenRowid: false };
  // a declared non-integer key survives VACUUM; a bare rowid may be renumbered by it
  if (pk.length > 0) return { name: table, columns, key: pk.map((c) => c.name), hiddenRowid: false };
  return { name: table, columns, key: ['rowid'], hiddenRowid: true };
};

const primaryKey = (db: Sqlite, table: string): string[] =>
  (db.prepare(`PRAGMA table_info(${quote(table)})`).all() as XInfo[])
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);

/** Every foreign key whose parent is `parent`, across all tables. */
export const foreignKeysTo = (db: Sqlite, parent: string): ForeignKey[] => {
  const out: ForeignKey[] = [];
  for (const table of userTables(db)) {
    const rows = db.prepare(`PRAGMA foreign_key_list(${quote(table)})`).all() as FkRow[];
    const byId = new Map<number, FkRow[]>();
    for (const r of rows) {
      if (r.table.toLowerCase() !== parent.toLowerCase()) continue;
      const list = byId.get(r.id) ?? [];
      list.push(r);
      byId.set(r.id, list);
    }
    for (const list of byId.values()) {
      list.sort((a, b) => a.seq - b.seq);
      const named = list.map((r) => r.to);
      const to = named.every((t): t is string => t !== null) ? named : primaryKey(db, parent);
      out.push({
        table,
        from: list.map((r) => r.from),
        parent,
        to,
        onDelete: (list[0]?.on_delete ?? 'NO ACTION').toUpperCase(),
      });
    }
  }
  return out;
};

/* ---------- values in JSON snapshots ---------- */

export type SqlValue = string | number | bigint | Buffer | null;
/** JSON has no bytes nor big integers: both are wrapped so a snapshot restores them exactly. */
export type JsonValue = string | number | null | { $b: string } | { $i: string };
export type Row = Record<string, SqlValue>;
export type JsonRow = Record<string, JsonValue>;

export const encodeValue = (v: SqlValue): JsonValue => {
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return { $i: v.toString() };
  return { $b: v.toString('base64') };
};

export const decodeValue = (v: JsonValue): SqlValue => {
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  if ('$b' in v) return Buffer.from(v.$b, 'base64');
  return BigInt(v.$i);
};

export const encodeRow = (row: Row): JsonRow => {
  const out: JsonRow = {};
  for (const k of Object.keys(row)) out[k] = encodeValue(row[k] ?? null);
  return out;
};

export const decodeRow = (row: JsonRow): Row => {
  const out: Row = {};
  for (const k of Object.keys(row)) out[k] = decodeValue(row[k] ?? null);
  return out;
};

export const sameValue = (a: SqlValue, b: SqlValue): boolean => {
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  // an integer read back may come as a number or a bigint depending on its size
  if (typeof a === 'bigint' || typeof b === 'bigint') return a !== null && b !== null && String(a) === String(b);
  return a === b;
};

/* ---------- row access by key ---------- */

const keyWhere = (key: string[]): string => key.map((k) => `${k === 'rowid' ? 'rowid' : quote(k)} IS ?`).join(' AND ');

const selectList = (shape: TableShape): string =>
  [...(shape.hiddenRowid ? ['rowid AS "rowid"'] : []), ...shape.columns.map(quote)].join(', ');

export const readRow = (db: Sqlite, shape: TableShape, keyValues: SqlValue[]): Row | undefined =>
  db.prepare(`SELECT ${selectList(shape)} FROM ${quote(shape.name)} WHERE ${keyWhere(shape.key)}`).get(...keyValues) as
    | Row
    | undefined;

export const readKeys = (db: Sqlite, shape: TableShape, column: string, value: SqlValue): SqlValue[][] =>
  db
    .prepare(
      `SELECT ${shape.key.map((k) => (k === 'rowid' ? 'rowid' : quote(k))).join(', ')} FROM ${quote(shape.name)} WHERE ${quote(column)} = ?`,
    )
    .raw()
    .all(value) as SqlValue[][];

export const keyOf = (shape: TableShape, row: Row): SqlValue[] => shape.key.map((k) => row[k] ?? null);

/** A row's key once `column` was set to `to`: a key that contains the moved column (contact_tags, loyalty_members) moved with it. */
export const keyAfterMove = (keyColumns: readonly string[], column: string, key: readonly SqlValue[], to: SqlValue): SqlValue[] =>
  keyColumns.map((k, i) => (k === column ? to : (key[i] ?? null)));

/** Writes a captured row back as it was (columns added since take their defaults). */
export const insertRow = (db: Sqlite, shape: TableShape, row: Row): void => {
  const cols = [...(shape.hiddenRowid ? ['rowid'] : []), ...shape.columns].filter((c) => c in row);
  db.prepare(
    `INSERT INTO ${quote(shape.name)} (${cols.map((c) => (c === 'rowid' ? 'rowid' : quote(c))).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
  ).run(...cols.map((c) => row[c] ?? null));
};

export const deleteByKey = (db: Sqlite, shape: TableShape, keyValues: SqlValue[]): number =>
  db.prepare(`DELETE FROM ${quote(shape.name)} WHERE ${keyWhere(shape.key)}`).run(...keyValues).changes;

export const whereKey = keyWhere;

/** A unique or primary-key violation: the row exists already on the other side. */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' &&
  error !== null &&
  'code' in error &&
  (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY');

type Statement = BetterSqlite3.Statement<unknown[]>;
const statements = new WeakMap<Sqlite, Map<string, Statement>>();

/**
 * Prepared once per connection, in a cache of this module's own: these
 * statements are switched to pluck/raw mode, which must not leak to other
 * code sharing the store's cache with the same SQL text. An index an import
 * has set aside is not named (`runnableSql`): the capture form's check still
 * answers while a large import runs.
 */
export const stmt = (db: Sqlite, query: string): Statement => {
  const sql = runnableSql(db, query);
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare<unknown[]>(sql);
    cache.set(sql, s);
  }
  return s;
};
