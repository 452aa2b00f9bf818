import { prepared, withLedgerGate, type Store } from '../../store/db';
import { withDiskSorts } from '../../store/open';

/**
 * The bookkeeping that lets a demo load be big, fast and still all or
 * nothing: which rows it wrote, which indexes it set aside, and how to undo
 * both after a cancel, a failure or a crash.
 */

/**
 * Settings key of a load in progress. It is written in the same transactions
 * as the rows and the index changes, so after a crash it says exactly what to
 * undo (see recoverInterruptedDemo). getSettings ignores keys it does not know.
 */
export const DEMO_MARKER_KEY = 'demo.loading';

export type Range = [number, number];
export type DeferredIndex = { name: string; table: string; sql: string };

/** What a load has changed so far: rows as id ranges per table, and the indexes it set aside. */
export type Marker = {
  indexes: DeferredIndex[];
  companies: Range[];
  contacts: Range[];
  purchases: Range[];
  purchase_lines: Range[];
  tags: Range[];
  products: Range[];
};

export const emptyMarker = (): Marker => ({ indexes: [], companies: [], contacts: [], purchases: [], purchase_lines: [], tags: [], products: [] });

/**
 * The tables a load writes, children first: the order rows are removed in
 * (a contact's tag memberships go with it; the demo's tags, then its
 * articles, once no line of its tickets names them).
 */
const TABLES = ['purchase_lines', 'purchases', 'contacts', 'companies', 'tags', 'products'] as const;

/**
 * Columns the generator fills. A partial index on any other column (import
 * ids, customer codes, refunds) stays empty during a load: it costs nothing
 * live, while rebuilding it would scan the whole table.
 */
const WRITTEN_COLUMNS: Record<string, ReadonlySet<string>> = {
  contacts: new Set([
    'civility', 'first_name', 'last_name', 'email', 'phone', 'address_line1', 'address_line2', 'postcode', 'city',
    'city_key', 'country', 'status', 'source', 'company_id', 'job_title', 'birth_date', 'source_date', 'data_origin',
    'sort_name', 'match_name', 'created_at', 'updated_at', 'purchase_count', 'total_cents', 'first_purchase_at',
    'last_purchase_at',
  ]),
  purchases: new Set(['contact_id', 'purchased_at', 'amount_cents', 'currency', 'channel', 'kind', 'created_at']),
  purchase_lines: new Set(['purchase_id', 'product_id', 'label', 'quantity_milli', 'unit_price_cents', 'total_cents', 'unit']),
};

const isRange = (v: unknown): v is Range =>
  Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && Number.isInteger(v[1]);

const isDeferredIndex = (v: unknown): v is DeferredIndex => {
  if (typeof v !== 'object' || v === null) return false;
  const i = v as Record<string, unknown>;
  return typeof i.name === 'string' && typeof i.table === 'string' && typeof i.sql === 'string';
};

export const readMarker = (store: Store): Marker | null => {
  const raw = prepared(store.sqlite, 'SELECT value FROM settings WHERE key = ?').pluck().get(DEMO_MARKER_KEY);
  if (typeof raw !== 'string') return null;
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // a damaged marker still means "a load was cut short": undo what can be read, which is nothing
  }
  const m = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  return {
    indexes: list(m.indexes).filter(isDeferredIndex),
    companies: list(m.companies).filter(isRange),
    contacts: list(m.contacts).filter(isRange),
    purchases: list(m.purchases).filter(isRange),
    purchase_lines: list(m.purchase_lines).filter(isRange),
    // a marker written before the demo had tags, or a catalogue, has none
    tags: list(m.tags).filter(isRange),
    products: list(m.products).filter(isRange),
  };
};

export const writeMarker = (store: Store, marker: Marker): void => {
  prepared(
    store.sqlite,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  ).run(DEMO_MARKER_KEY, JSON.stringify(marker));
};

export const clearMarker = (store: Store): void => {
  prepared(store.sqlite, 'DELETE FROM settings WHERE key = ?').run(DEMO_MARKER_KEY);
};

/** Appends ids [from, to] to a list of ranges, merging with the last one when they touch. */
export const addRange = (ranges: Range[], from: number, to: number): void => {
  if (to < from) return;
  const last = ranges[ranges.length - 1];
  if (last && last[1] + 1 === from) last[1] = to;
  else ranges.push([from, to]);
};

export const maxId = (store: Store, table: (typeof TABLES)[number]): number =>
  Number(prepared(store.sqlite, `SELECT coalesce(max(id), 0) FROM ${table}`).pluck().get());

const partialColumn = (sql: string): string | null =>
  /\bWHERE\s+"?([A-Za-z_][A-Za-z0-9_]*)"?\s+IS\s+NOT\s+NULL\s*;?\s*$/i.exec(sql)?.[1] ?? null;

/**
 * Indexes filled in random order are what makes a big load slow: every
 * commit rewrites pages scattered over the whole index (3M purchases took 74 s
 * with the date index, 7 s without, plus 4 s to build it afterwards). They are
 * dropped during the load and rebuilt at the end, where SQLite builds an index
 * by sorting. Kept live:
 * - unique indexes: their constraint must hold all along;
 * - indexes led by a foreign-key column: deleting a parent row looks its
 *   children up through them (without purchases_by_refund, undoing 5M
 *   purchases scans the table once per row), and purchases_by_contact is
 *   filled in order anyway. Not a tag's or an article's, though: the six
 *   wide list indexes of the tag memberships are set aside too (1M contacts,
 *   350k memberships: the load took about a minute more with them live, 23 s
 *   set aside), and so are the ticket lines' by article (3M lines: 14.6 s
 *   live, 9.0 s without), as a tag or an article is only ever deleted alone,
 *   and the load's own go after the rows naming them;
 * - partial indexes on a column the generator leaves NULL: they stay empty.
 */
export const deferrableIndexes = (store: Store): DeferredIndex[] => {
  const tables = ['contacts', 'purchases', 'purchase_lines', 'contact_tags'];
  const indexes = prepared(
    store.sqlite,
    `SELECT name, tbl_name AS "table", sql FROM sqlite_schema
      WHERE type = 'index' AND tbl_name IN (SELECT value FROM json_each(?)) AND sql IS NOT NULL ORDER BY name`,
  ).all(JSON.stringify(tables)) as DeferredIndex[];
  const leading = prepared(store.sqlite, 'SELECT name FROM pragma_index_info(?) WHERE seqno = 0').pluck();
  const foreignKeys = prepared(store.sqlite, `SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" NOT IN ('tags', 'products')`).pluck();
  const fkColumns = new Map<string, Set<string>>();
  for (const table of tables) fkColumns.set(table, new Set(foreignKeys.all(table) as string[]));
  return indexes.filter((index) => {
    if (/^\s*CREATE\s+UNIQUE\b/i.test(index.sql)) return false;
    const lead = leading.get(index.name);
    if (typeof lead === 'string' && fkColumns.get(index.table)?.has(lead)) return false;
    const partial = partialColumn(index.sql);
    if (partial !== null && !WRITTEN_COLUMNS[index.table]?.has(partial)) return false;
    return true;
  });
};

const indexExists = (store: Store, name: string): boolean =>
  prepared(store.sqlite, "SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?").pluck().get(name) !== undefined;

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export const dropIndexes = (store: Store, indexes: readonly DeferredIndex[]): void => {
  for (const index of indexes) store.sqlite.exec(`DROP INDEX ${quoteIdent(index.name)}`);
};

/** Rebuilds a set-aside index in its own transaction, sorting on disk (`diskSorts`): run outside a transaction. */
export const rebuildIndex = (store: Store, index: DeferredIndex, inTransaction: (fn: () => void) => void): void => {
  withDiskSorts(store.sqlite, () =>
    inTransaction(() => {
      if (!indexExists(store, index.name)) store.sqlite.exec(index.sql);
    }),
  );
};

/**
 * Undoes a load in one transaction: its rows (children first, so no
 * foreign-key action has work to do), then the indexes it set aside, then
 * the marker. Rows added by other calls during the load are left alone.
 */
export const undoLoad = (store: Store, marker: Marker): void => {
  store.sqlite
    .transaction(() => {
      // the demo's consent events go with their contacts: the ledger opens to this removal only
      withLedgerGate(store, 'erasure', () => {
        for (const table of TABLES) {
          const del = prepared(store.sqlite, `DELETE FROM ${table} WHERE id BETWEEN ? AND ?`);
          for (const [from, to] of marker[table]) del.run(from, to);
        }
      });
      // only the sorts: the deletes keep the whole page cache
      withDiskSorts(store.sqlite, () => {
        for (const index of marker.indexes) if (!indexExists(store, index.name)) store.sqlite.exec(index.sql);
      });
      clearMarker(store);
    })
    .immediate();
};

/**
 * Call after opening a database: a demo load cut short by a crash or a kill
 * leaves its marker; this removes the partial demo and rebuilds the indexes
 * it had set aside, so the base is exactly as before the load. Returns true
 * when there was something to undo.
 */
export const recoverInterruptedDemo = (store: Store): boolean => {
  const marker = readMarker(store);
  if (marker === null) return false;
  undoLoad(store, marker);
  return true;
};
