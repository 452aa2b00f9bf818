import {
  AppError,
  contactStatuses,
  instantRange,
  searchTerms,
  SORTED_SEARCH_MAX,
  type ContactFilterParsed,
  type ContactPage,
  type ContactRow,
  type ContactSort,
} from '../../contract';
import type { z } from 'zod';
import type { contactListInput } from '../../contract/contacts';
import { prepared, type Store } from '../../store/db';
import { cityKey } from './keys';

type ListInput = z.output<typeof contactListInput>;
type SortKey = string | number | null;
/** `total` rides along so later pages repeat the first page's count without recounting. */
type Cursor = { v: SortKey; id: number; total?: number | null };
/**
 * A piece of SQL with its parameters, ANDed with the others. `cost` says
 * what checking it takes per row visited: nothing beyond the index walked
 * ('free': an id set built once, a range of the walked index), a probe of
 * another index ('probe'), or reading the contact row ('row').
 */
type Cost = 'free' | 'probe' | 'row';
type Cond = { sql: string; params: unknown[]; cost?: Cost };
const COSTS: readonly Cost[] = ['free', 'probe', 'row'];

/**
 * The two ways to answer a filtered list at 1M contacts, chosen by estimated
 * sizes. Measured at 1M on the 2-core dev machine: reading a contact row by
 * id 0.3 µs (cached, in id order) to 2.5 µs (cold, random); building an id
 * set from an index ~0.4 µs an id; probing it ~0.1 µs.
 * - candidates: at most CANDIDATE_MAX contacts match the most selective
 *   criterion; read them through its index (in rowid order) and let SQLite
 *   keep the best page while sorting: ~1 µs a candidate;
 * - walk: follow the sort index in each status partition and check the
 *   criteria on the way: ~limit / share-of-matches rows visited. A criterion
 *   matching at most MEMBERSHIP_MAX contacts in the partition is checked
 *   against the id set its own index gives (no row read); a broader one
 *   reads the row, few rows being skipped. Both crossovers sit near
 *   sqrt(cost ratio × limit × rows): ~5k and ~12k.
 */
export const CANDIDATE_MAX = 5_000;
export const MEMBERSHIP_MAX = 12_000;
/**
 * Inside one status partition, candidates read through a (status, column)
 * index come in column order, not rowid order, so each costs more: only a
 * small set is worth it (and an empty one — no prospect bought in 2024 —
 * ends the partition at once instead of walking all of it).
 */
export const PARTITION_CANDIDATE_MAX = 1_000;

/**
 * A walk that checks rows one by one gives up after WALK_BUDGET index
 * entries without a full page (the filter and the sort order disagree: a
 * city filter walking the block of contacts without a postcode) and goes on
 * with id sets for every criterion matching at most FALLBACK_MAX contacts.
 */
export const WALK_BUDGET = 4_000;
export const FALLBACK_MAX = 250_000;

/** The thresholds; tests lower them to drive every path on a small base. */
export type ListTuning = {
  candidateMax: number;
  partitionCandidateMax: number;
  membershipMax: number;
  walkBudget: number;
  fallbackMax: number;
};
const defaultTuning: ListTuning = {
  candidateMax: CANDIDATE_MAX,
  partitionCandidateMax: PARTITION_CANDIDATE_MAX,
  membershipMax: MEMBERSHIP_MAX,
  walkBudget: WALK_BUDGET,
  fallbackMax: FALLBACK_MAX,
};

const ROW_SELECT = `SELECT c.id, c.civility, c.first_name AS firstName, c.last_name AS lastName, c.email, c.phone,
  c.postcode, c.city, c.status, c.created_at AS createdAt, c.purchase_count AS purchaseCount,
  c.total_cents AS totalCents, c.last_purchase_at AS lastPurchaseAt, c.code, c.company_id AS companyId,
  (SELECT co.name FROM companies co WHERE co.id = c.company_id) AS companyName`;

type SortSpec = { col: string; index: string; nullable: boolean };

/** Every sort walks a (status, column, id) index (migration 3); city sorts on its folded key. */
const sorts: Record<ContactSort, SortSpec> = {
  name: { col: 'sort_name', index: 'contacts_by_status', nullable: false },
  city: { col: 'city_key', index: 'contacts_by_status_city', nullable: true },
  postcode: { col: 'postcode', index: 'contacts_by_status_postcode', nullable: true },
  createdAt: { col: 'created_at', index: 'contacts_by_status_created', nullable: false },
  lastPurchaseAt: { col: 'last_purchase_at', index: 'contacts_by_status_last_purchase', nullable: true },
  totalCents: { col: 'total_cents', index: 'contacts_by_status_total', nullable: false },
};

export const contactCount = (store: Store): number =>
  Number(prepared(store.sqlite, "SELECT value FROM counters WHERE name = 'contacts'").pluck().get() ?? 0);

/** Kept by triggers (migration 3). */
const statusCount = (store: Store, statuses: readonly string[]): number =>
  Number(
    prepared(
      store.sqlite,
      "SELECT coalesce(sum(value), 0) FROM counters WHERE name IN (SELECT 'contacts.' || value FROM json_each(?))",
    )
      .pluck()
      .get(JSON.stringify(statuses)),
  );

/* ---------- cursor ---------- */

export const encodeCursor = (c: Cursor): string =>
  Buffer.from(JSON.stringify(c.total === undefined || c.total === null ? [c.v, c.id] : [c.v, c.id, c.total])).toString(
    'base64url',
  );

export const decodeCursor = (raw: string): Cursor => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      (parsed.length === 2 || (parsed.length === 3 && Number.isInteger(parsed[2]))) &&
      (parsed[0] === null || typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
      Number.isInteger(parsed[1])
    ) {
      return { v: parsed[0] as SortKey, id: parsed[1] as number, total: (parsed[2] as number | undefined) ?? null };
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};


/* ---------- filter criteria ---------- */

/**
 * One filter criterion and the ways to evaluate it. Column references go
 * through `ref` so the same test can be written `c.col` (SQLite may use the
 * column's index) or `+c.col` (it may not: a walk down the sort index must
 * never turn into "read the filter's index, then sort everything").
 */
type Criterion = {
  name: string;
  /** The contacts column tested, when one is: walking that column's own sort index, the test becomes the range walked. */
  column: string | null;
  /** Its index starts with status: it can be counted and enumerated inside one status partition. */
  partitioned: boolean;
  /** Plain condition: bulk actions, where SQLite picks the plan. */
  where: Cond;
  /** Matches among `statuses`, counted up to `cap + 1` (exact below that). */
  estimate(store: Store, statuses: readonly string[], cap: number): number;
  /** The criterion's own index, restricted to `statuses`: FROM and WHERE of a candidates query. */
  candidates(statuses: readonly string[]): { from: string; where: Cond };
  /** Checked on a row already read (candidates, search). */
  residual: Cond;
  /** Checked while walking the sort index of partition `status`: from its own index when it matches few enough. */
  check(status: string, membership: boolean): Cond;
};

type Ref = (col: string) => string;
type Test = (ref: Ref) => Cond;

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

const and = (conds: readonly Cond[]): Cond => {
  const real = conds.filter((c) => c.sql !== '1');
  const cost = COSTS[Math.max(0, ...real.map((c) => COSTS.indexOf(c.cost ?? 'row')))] ?? 'row';
  return real.length === 0
    ? { sql: '1', params: [], cost: 'free' }
    : { sql: real.map((c) => `(${c.sql})`).join(' AND '), params: real.flatMap((c) => c.params), cost };
};

const ALL_STATUSES: readonly string[] = contactStatuses;

const statusIn = (col: string, statuses: readonly string[]): Cond =>
  statuses.length === ALL_STATUSES.length
    ? { sql: '1', params: [] }
    : { sql: `${col} IN (${placeholders(statuses.length)})`, params: [...statuses] };

/** Counts up to `cap + 1` rows: enough to tell "small" from "broad" without reading a broad set. */
const cappedCount = (store: Store, from: string, where: Cond, cap: number): number =>
  Number(
    prepared(store.sqlite, `SELECT count(*) FROM (SELECT 1 FROM ${from} WHERE ${where.sql} LIMIT ?)`)
      .pluck()
      .get(...where.params, cap + 1),
  );

const refs = (alias: string, plus = ''): Ref => (col) => `${plus}${alias}.${col}`;

/** A criterion on a column that has a (status, column, id) index. */
const partitioned = (name: string, index: string, column: string, test: Test): Criterion => {
  // every status named, even all three: SQLite then seeks each partition instead of scanning the index
  const own = (statuses: readonly string[]) => ({
    from: `contacts c INDEXED BY ${index}`,
    where: and([{ sql: `c.status IN (${placeholders(statuses.length)})`, params: [...statuses] }, test(refs('c'))]),
  });
  return {
    name,
    column,
    partitioned: true,
    where: test(refs('c')),
    estimate: (store, statuses, cap) => {
      const o = own(statuses);
      return cappedCount(store, o.from, o.where, cap);
    },
    candidates: own,
    residual: test(refs('c', '+')),
    check: (status, membership) => {
      if (!membership) return { ...test(refs('c', '+')), cost: 'row' };
      const inner = test(refs('x'));
      return {
        sql: `c.id IN (SELECT x.id FROM contacts x INDEXED BY ${index} WHERE x.status = ? AND ${inner.sql})`,
        params: [status, ...inner.params],
        cost: 'free',
      };
    },
  };
};

/** A criterion on a column whose index does not start with status (source, company). */
const indexedBy = (name: string, index: string, test: Test): Criterion => ({
  name,
  column: null,
  partitioned: false,
  where: test(refs('c')),
  estimate: (store, _statuses, cap) => cappedCount(store, `contacts c INDEXED BY ${index}`, test(refs('c')), cap),
  candidates: (statuses) => ({
    from: `contacts c INDEXED BY ${index}`,
    where: and([test(refs('c')), statusIn('+c.status', statuses)]),
  }),
  residual: test(refs('c', '+')),
  check: (_status, membership) => {
    if (!membership) return { ...test(refs('c', '+')), cost: 'row' };
    const inner = test(refs('x'));
    return {
      sql: `c.id IN (SELECT x.id FROM contacts x INDEXED BY ${index} WHERE ${inner.sql})`,
      params: inner.params,
      cost: 'free',
    };
  },
});

const tagsCriterion = (tagIds: readonly number[]): Criterion => {
  const list = JSON.stringify(tagIds);
  const where: Cond = {
    sql: 'c.id IN (SELECT ct.contact_id FROM contact_tags ct WHERE ct.tag_id IN (SELECT value FROM json_each(?)))',
    params: [list],
    cost: 'free',
  };
  // the primary key (contact_id, tag_id) answers this with one probe, without reading the contact
  const probe: Cond = {
    sql: 'EXISTS (SELECT 1 FROM contact_tags ct WHERE ct.contact_id = c.id AND ct.tag_id IN (SELECT value FROM json_each(?)))',
    params: [list],
    cost: 'probe',
  };
  return {
    name: 'tags',
    column: null,
    partitioned: false,
    where,
    // triggers keep tags.contact_count: the estimate costs nothing (and is exact for one tag)
    estimate: (store) =>
      Number(
        prepared(store.sqlite, 'SELECT coalesce(sum(contact_count), 0) FROM tags WHERE id IN (SELECT value FROM json_each(?))')
          .pluck()
          .get(list),
      ),
    // NOT INDEXED: contacts are reached by rowid from the tag's list, never through a sort index
    candidates: (statuses) => ({ from: 'contacts c NOT INDEXED', where: and([where, statusIn('+c.status', statuses)]) }),
    residual: probe,
    // a small tag: its members from contact_tags_by_tag, once; a big one: one primary-key probe per row
    check: (_status, membership) => (membership ? where : probe),
  };
};

/** The smallest string greater than every string starting with `prefix` (UTF-8 order = code point order). */
const prefixEnd = (prefix: string): string =>
  prefix.slice(0, -1) + String.fromCodePoint((prefix.codePointAt(prefix.length - 1) ?? 0) + 1);

const rangeTest =
  (col: string, from: string | null, to: string | null): Test =>
  (ref) => {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (from !== null) {
      parts.push(`${ref(col)} >= ?`);
      params.push(from);
    }
    if (to !== null) {
      parts.push(`${ref(col)} < ?`);
      params.push(to);
    }
    return { sql: parts.join(' AND '), params };
  };

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The statuses a filter keeps (all when it names none). */
export const statusesOf = (filter: ContactFilterParsed): string[] => {
  const s = unique(filter.status ?? []);
  return s.length === 0 ? [...ALL_STATUSES] : contactStatuses.filter((x) => s.includes(x));
};

/** The filter's criteria other than status (status decides the partitions walked). */
export const criteriaOf = (filter: ContactFilterParsed): Criterion[] => {
  const out: Criterion[] = [];
  if (filter.tags !== undefined) out.push(tagsCriterion(unique(filter.tags)));
  const source = unique(filter.source ?? []);
  if (source.length > 0) {
    out.push(
      indexedBy('source', 'contacts_by_source', (ref) => ({
        sql: `${ref('source')} IN (${placeholders(source.length)})`,
        params: source,
      })),
    );
  }
  if (filter.companyId !== undefined) {
    const companyId = filter.companyId;
    out.push(indexedBy('company', 'contacts_by_company', (ref) => ({ sql: `${ref('company_id')} = ?`, params: [companyId] })));
  }
  const city = cityKey(filter.city?.trim() ?? '');
  if (city !== '') {
    out.push(
      partitioned('city', 'contacts_by_status_city', 'city_key', (ref) => ({
        sql: `${ref('city_key')} >= ? AND ${ref('city_key')} < ?`,
        params: [city, prefixEnd(city)],
      })),
    );
  }
  const postcode = filter.postcode?.trim().toUpperCase() ?? '';
  if (postcode !== '') {
    out.push(
      partitioned('postcode', 'contacts_by_status_postcode', 'postcode', (ref) => ({
        sql: `${ref('postcode')} >= ? AND ${ref('postcode')} < ?`,
        params: [postcode, prefixEnd(postcode)],
      })),
    );
  }
  if (filter.createdFrom !== undefined || filter.createdTo !== undefined) {
    const r = instantRange(filter.createdFrom, filter.createdTo);
    out.push(partitioned('created', 'contacts_by_status_created', 'created_at', rangeTest('created_at', r.from, r.to)));
  }
  if (filter.lastPurchaseFrom !== undefined || filter.lastPurchaseTo !== undefined) {
    const r = instantRange(filter.lastPurchaseFrom, filter.lastPurchaseTo);
    out.push(
      partitioned('lastPurchase', 'contacts_by_status_last_purchase', 'last_purchase_at', rangeTest('last_purchase_at', r.from, r.to)),
    );
  }
  return out;
};

/* ---------- paging ---------- */

const compareKeys = (a: SortKey, b: SortKey): number => {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
};

type Key = { id: number; k: SortKey };

const rowsById = (store: Store, ids: readonly number[]): Map<number, ContactRow> =>
  new Map(
    (
      prepared(store.sqlite, `${ROW_SELECT} FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?))`).all(
        JSON.stringify(ids),
      ) as ContactRow[]
    ).map((r) => [r.id, r]),
  );

/** The page's rows (read last, only for the rows shown) and the cursor after the last one. */
const finishPage = (
  store: Store,
  keys: readonly Key[],
  limit: number,
  total: number | null,
  capped: boolean,
): ContactPage => {
  const more = keys.length > limit;
  const page = keys.slice(0, limit);
  const byId = rowsById(
    store,
    page.map((k) => k.id),
  );
  const last = page[page.length - 1];
  return {
    rows: page.flatMap((k) => {
      const r = byId.get(k.id);
      return r ? [r] : [];
    }),
    nextCursor: more && last ? encodeCursor({ v: last.k, id: last.id, total }) : null,
    total,
    capped,
  };
};

/** "After the cursor" in (column, id) order with SQLite's NULLs-first rule, as one condition (candidate sets). */
const afterCursor = (col: string, dir: 'asc' | 'desc', cursor: Cursor | null): Cond => {
  if (cursor === null) return { sql: '1', params: [] };
  if (dir === 'asc') {
    return cursor.v === null
      ? { sql: `(${col} IS NULL AND c.id > ?) OR ${col} IS NOT NULL`, params: [cursor.id] }
      : { sql: `${col} > ? OR (${col} = ? AND c.id > ?)`, params: [cursor.v, cursor.v, cursor.id] };
  }
  return cursor.v === null
    ? { sql: `${col} IS NULL AND c.id < ?`, params: [cursor.id] }
    : { sql: `${col} < ? OR (${col} = ? AND c.id < ?) OR ${col} IS NULL`, params: [cursor.v, cursor.v, cursor.id] };
};

/** One index range of a partition walk: its NULLs (by id) or its values (by column, id), after a cursor. */
type Part = { range: Cond; order: (key: string, id: string) => string; nulls: boolean };

/** The ranges still to walk after `cursor`, in order: NULLs first ascending, last descending, as SQLite sorts. */
const partsAfter = (spec: SortSpec, dir: 'asc' | 'desc', cursor: Cursor | null): Part[] => {
  const { col } = spec;
  const op = dir === 'asc' ? '>' : '<';
  const nulls = (afterId: number | null): Part => ({
    range: { sql: `c.${col} IS NULL${afterId === null ? '' : ` AND c.id ${op} ?`}`, params: afterId === null ? [] : [afterId] },
    order: (_key, id) => `${id} ${dir}`,
    nulls: true,
  });
  const values = (after: Cursor | null): Part => ({
    range: {
      sql: `${spec.nullable ? `c.${col} IS NOT NULL` : '1'}${after === null ? '' : ` AND (c.${col}, c.id) ${op} (?, ?)`}`,
      params: after === null ? [] : [after.v, after.id],
    },
    order: (key, id) => `${key} ${dir}, ${id} ${dir}`,
    nulls: false,
  });
  if (!spec.nullable) return [values(cursor)];
  if (dir === 'asc') {
    if (cursor === null) return [nulls(null), values(null)];
    return cursor.v === null ? [nulls(cursor.id), values(null)] : [values(cursor)];
  }
  if (cursor === null) return [values(null), nulls(null)];
  return cursor.v === null ? [nulls(cursor.id)] : [values(cursor), nulls(null)];
};

/**
 * Keyset walk of one status partition of a (status, column, id) index. With
 * per-row checks the walk visits at most `budget` entries; past that it goes
 * on from the last entry visited with the `fallback` checks (id sets), so a
 * filter that disagrees with the sort order costs a bounded detour instead
 * of a row read per contact skipped.
 */
const walkPartition = (
  store: Store,
  spec: SortSpec,
  status: string,
  dir: 'asc' | 'desc',
  cursor: Cursor | null,
  within: Cond,
  first: Cond,
  fallback: () => Cond,
  want: number,
  budget: number,
): Key[] => {
  const { col, index } = spec;
  const walked = (part: Part) => ({
    sql: `SELECT c.id, c.${col} AS k FROM contacts c INDEXED BY ${index} WHERE c.status = ? AND ${part.range.sql} AND ${within.sql}`,
    params: [status, ...part.range.params, ...within.params],
    order: part.order(`c.${col}`, 'c.id'),
  });
  const keysOf = (part: Part, checks: Cond, n: number, limit: number | null): Key[] => {
    const w = walked(part);
    if (limit === null) {
      return prepared(store.sqlite, `${w.sql} AND ${checks.sql} ORDER BY ${w.order} LIMIT ?`).all(
        ...w.params,
        ...checks.params,
        n,
      ) as Key[];
    }
    // the inner walk stops after `limit` entries; the contact row is read only when a check needs it
    const sql =
      checks.cost === 'row'
        ? `SELECT w.id, w.k FROM (${w.sql} ORDER BY ${w.order} LIMIT ?) w JOIN contacts c ON c.id = w.id
            WHERE ${checks.sql} ORDER BY ${part.order('w.k', 'w.id')} LIMIT ?`
        : `SELECT c.id, c.k FROM (${w.sql} ORDER BY ${w.order} LIMIT ?) c
            WHERE ${checks.sql} ORDER BY ${part.order('c.k', 'c.id')} LIMIT ?`;
    return prepared(store.sqlite, sql).all(...w.params, limit, ...checks.params, n) as Key[];
  };
  /** The last entry a budgeted walk of `part` visited, when the budget ran out before the part did. */
  const boundary = (part: Part, limit: number): Cursor | null => {
    const w = walked(part);
    const row = prepared(store.sqlite, `${w.sql} ORDER BY ${w.order} LIMIT 1 OFFSET ?`).get(...w.params, limit - 1) as
      | Key
      | undefined;
    return row === undefined ? null : { v: part.nulls ? null : row.k, id: row.id };
  };

  const keys: Key[] = [];
  let checks = first;
  let limit: number | null = first.cost === 'free' ? null : budget;
  let from = cursor;
  for (;;) {
    let detour: Cursor | null = null;
    for (const part of partsAfter(spec, dir, from)) {
      keys.push(...keysOf(part, checks, want - keys.length, limit));
      if (keys.length >= want) return keys;
      detour = limit === null ? null : boundary(part, limit);
      if (detour !== null) break;
    }
    if (detour === null) return keys;
    from = detour;
    checks = fallback();
    limit = null;
  }
};

/* ---------- the list ---------- */

/**
 * How the partitions are read: all at once through the most selective
 * criterion's own index when it matches few contacts overall, otherwise each
 * status partition on its own — through a partitioned criterion's index when
 * it matches very few there, or down the sort index.
 */
type PartitionPlan = { status: string; mode: 'walk' | 'candidates'; best: Criterion | null; estimates: Map<Criterion, number> };
type Planned = { global: Criterion | null; partitions: PartitionPlan[] };
export type ListPlan = { mode: 'walk' | 'candidates' | 'mixed' | 'search'; driver: string | null };

const planPartitions = (
  store: Store,
  statuses: readonly string[],
  criteria: readonly Criterion[],
  tuning: ListTuning,
): Planned => {
  const cap = Math.max(tuning.membershipMax, tuning.candidateMax);
  const global = new Map<Criterion, number>(criteria.filter((c) => !c.partitioned).map((c) => [c, c.estimate(store, statuses, cap)]));
  const partitions = statuses.map((status) => ({
    status,
    estimates: new Map(criteria.map((c) => [c, c.partitioned ? c.estimate(store, [status], cap) : (global.get(c) ?? Infinity)])),
  }));
  for (const c of criteria) {
    if (c.partitioned) global.set(c, partitions.reduce((sum, p) => sum + (p.estimates.get(c) ?? 0), 0));
  }
  let best: Criterion | null = null;
  for (const c of criteria) if (best === null || (global.get(c) ?? Infinity) < (global.get(best) ?? Infinity)) best = c;
  const overall = best !== null && (global.get(best) ?? Infinity) <= tuning.candidateMax ? best : null;
  return {
    global: overall,
    partitions: partitions.map(({ status, estimates }) => {
      let own: Criterion | null = null;
      for (const c of criteria) {
        if (c.partitioned && (own === null || (estimates.get(c) ?? Infinity) < (estimates.get(own) ?? Infinity))) own = c;
      }
      const small = own !== null && (estimates.get(own) ?? Infinity) <= tuning.partitionCandidateMax;
      return { status, mode: overall !== null || small ? 'candidates' : 'walk', best: overall ?? (small ? own : null), estimates };
    }),
  };
};

/** How a list request is answered (tests and the bench print it). */
export const planList = (store: Store, input: ContactFilterParsed, tuning: Partial<ListTuning> = {}): ListPlan => {
  if (searchTerms(input.q).length > 0) return { mode: 'search', driver: null };
  const planned = planPartitions(store, statusesOf(input), criteriaOf(input), { ...defaultTuning, ...tuning });
  if (planned.global !== null) return { mode: 'candidates', driver: planned.global.name };
  const plans = planned.partitions;
  const modes = new Set(plans.map((p) => p.mode));
  const drivers = new Set(plans.map((p) => p.best?.name ?? null));
  return {
    mode: modes.size === 1 ? (plans[0]?.mode ?? 'walk') : 'mixed',
    driver: drivers.size === 1 ? ([...drivers][0] ?? null) : null,
  };
};

/**
 * The contact list — every filter, every sort, keyset pages. Each status
 * partition is read as its plan says (see CANDIDATE_MAX) and the partitions
 * merged. `total` is exact without filters or with a status filter only
 * (trigger-kept counters) and when every partition had a small candidate
 * set (counted once, on the first page, then carried by the cursor); it is
 * null for a broad filter, where counting would read much of the base.
 */
export const listContacts = (store: Store, input: ListInput, tuningPatch: Partial<ListTuning> = {}): ContactPage => {
  const tuning = { ...defaultTuning, ...tuningPatch };
  const criteria = criteriaOf(input);
  const terms = searchTerms(input.q);
  if (terms.length > 0) return searchContacts(store, terms, input, criteria);
  const spec = sorts[input.sort];
  const statuses = statusesOf(input);
  const planned = planPartitions(store, statuses, criteria, tuning);
  const cursor = input.cursor === null ? null : decodeCursor(input.cursor);
  const want = input.limit + 1;
  const sign = input.dir === 'asc' ? 1 : -1;

  // a criterion on the sort column narrows the range walked; the others are checked on the way
  const within = and(criteria.filter((c) => c.column === spec.col).map((c) => c.where));
  const checksFor = (status: string, membership: (c: Criterion) => boolean): Cond =>
    and(criteria.filter((c) => c.column !== spec.col).map((c) => c.check(status, membership(c))));
  // the detour's id sets: every criterion small enough, counted once (capped) on first need
  const broad = new Map<string, Map<Criterion, number>>();
  const fallbackSizes = (status: string): Map<Criterion, number> => {
    let sizes = broad.get(status);
    if (!sizes) {
      sizes = new Map(criteria.map((c) => [c, c.estimate(store, c.partitioned ? [status] : statuses, tuning.fallbackMax)]));
      broad.set(status, sizes);
    }
    return sizes;
  };

  let counted: number | null = 0;
  /** Candidates in `statuses` through `best`'s index, sorted by SQLite, the page cut at the cursor. */
  const candidates = (best: Criterion, among: readonly string[]): Key[] => {
    const own = best.candidates(among);
    const where = and([own.where, ...criteria.filter((c) => c !== best).map((c) => c.residual)]);
    const after = afterCursor(`c.${spec.col}`, input.dir, cursor);
    if (counted !== null && cursor === null) {
      counted += Number(prepared(store.sqlite, `SELECT count(*) FROM ${own.from} WHERE ${where.sql}`).pluck().get(...where.params));
    }
    return prepared(
      store.sqlite,
      `SELECT c.id, c.${spec.col} AS k FROM ${own.from} WHERE ${where.sql} AND (${after.sql})
        ORDER BY c.${spec.col} ${input.dir}, c.id ${input.dir} LIMIT ?`,
    ).all(...where.params, ...after.params, want) as Key[];
  };
  const keys: Key[] =
    planned.global !== null
      ? candidates(planned.global, statuses)
      : planned.partitions.flatMap((plan) => {
          const { status, best } = plan;
          if (plan.mode === 'candidates' && best !== null) return candidates(best, [status]);
          counted = null;
          return walkPartition(
            store,
            spec,
            status,
            input.dir,
            cursor,
            within,
            checksFor(status, (c) => (plan.estimates.get(c) ?? Infinity) <= tuning.membershipMax),
            () => checksFor(status, (c) => (fallbackSizes(status).get(c) ?? Infinity) <= tuning.fallbackMax),
            want,
            tuning.walkBudget,
          );
        });
  keys.sort((a, b) => sign * (compareKeys(a.k, b.k) || a.id - b.id));
  const total =
    criteria.length === 0 ? statusCount(store, statuses) : counted === null ? null : cursor === null ? counted : (cursor.total ?? null);
  return finishPage(store, keys.slice(0, want), input.limit, total, false);
};

/* ---------- search ---------- */

const ftsQuery = (terms: string[]): string => terms.map((t) => `"${t.replace(/"/g, '')}"*`).join(' AND ');

/**
 * Full-text prefix match, accent-insensitive and unranked (ranking a whole
 * match set costs ~90 ms at 1M rows: STACK.md). One probe tells whether the
 * matches are few enough to sort; otherwise pages walk the index by rowid,
 * newest first, and filters are checked on the way.
 */
const searchContacts = (store: Store, terms: string[], input: ListInput, criteria: Criterion[]): ContactPage => {
  const match = ftsQuery(terms);
  const conds = and([statusIn('+c.status', statusesOf(input)), ...criteria.map((c) => c.residual)]);
  const probe = prepared(
    store.sqlite,
    `SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid DESC LIMIT ${SORTED_SEARCH_MAX + 1}`,
  )
    .pluck()
    .all(match) as number[];

  if (probe.length > SORTED_SEARCH_MAX) {
    const after = input.cursor === null ? Number.MAX_SAFE_INTEGER : decodeCursor(input.cursor).id;
    const ids = prepared(
      store.sqlite,
      `SELECT c.id FROM contacts_fts f JOIN contacts c ON c.id = f.rowid
        WHERE contacts_fts MATCH ? AND f.rowid < ? AND ${conds.sql} ORDER BY f.rowid DESC LIMIT ?`,
    )
      .pluck()
      .all(match, after, ...conds.params, input.limit + 1) as number[];
    return finishPage(
      store,
      ids.map((id) => ({ id, k: null })),
      input.limit,
      null,
      true,
    );
  }

  const col = sorts[input.sort].col;
  const keys = prepared(
    store.sqlite,
    `SELECT c.id, c.${col} AS k FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?)) AND ${conds.sql}`,
  ).all(JSON.stringify(probe), ...conds.params) as Key[];
  const sign = input.dir === 'asc' ? 1 : -1;
  keys.sort((a, b) => sign * (compareKeys(a.k, b.k) || a.id - b.id));
  let start = 0;
  if (input.cursor !== null) {
    const c = decodeCursor(input.cursor);
    start = keys.findIndex((k) => sign * (compareKeys(k.k, c.v) || k.id - c.id) > 0);
    if (start < 0) start = keys.length;
  }
  return finishPage(store, keys.slice(start, start + input.limit + 1), input.limit, keys.length, false);
};

/** Ids of every contact a filter matches (bulk actions): the same criteria, SQLite picks the plan. */
export const matchingIds = (store: Store, filter: ContactFilterParsed): number[] => {
  const terms = searchTerms(filter.q);
  const conds = and([
    statusIn('c.status', statusesOf(filter)),
    ...criteriaOf(filter).map((c) => c.where),
    ...(terms.length > 0
      ? [{ sql: 'c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)', params: [ftsQuery(terms)] }]
      : []),
  ]);
  return prepared(store.sqlite, `SELECT c.id FROM contacts c WHERE ${conds.sql}`).pluck().all(...conds.params) as number[];
};
