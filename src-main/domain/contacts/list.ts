import {
  AppError,
  contactStatuses,
  instantRange,
  localDate,
  searchTerms,
  SORTED_SEARCH_MAX,
  type ContactFilterParsed,
  type ContactPage,
  type ContactRow,
  type ContactSort,
  type ConsentTarget,
  type SegmentDefinition,
  type TagRef,
} from '../../contract';
import type { z } from 'zod';
import type { contactListInput } from '../../contract/contacts';
import { prepared, statement, type Statement, type Store } from '../../store/db';
import { indexedValues, textMatch, type TextMatch } from './search-text';
import { cityKey } from './keys';
import { contactableCond, contactablePool, countContactable, reachIndexOf } from '../consent/sql';
import {
  and,
  contactableProbe,
  FALSE,
  or,
  placeholders,
  prefixEnd,
  rangeTest,
  tagsProbe,
  tagsSet,
  TRUE,
  type Cond,
  type Ref,
  type Test,
} from './conditions';
import { loadDefinition } from '../segments/definition';
import { compileSegment } from '../segments/sql';


type ListInput = z.output<typeof contactListInput>;
type SortKey = string | number | null;
/**
 * `total` rides along so later pages repeat the first page's count without
 * recounting; so do the first page's counts of each criterion per status
 * partition (-1: beyond its cap), and the criterion (its index) whose
 * candidates a partition's walk fell back to. Both only choose how a page is
 * read: stale ones cost time, never rows.
 */
type Plan = { counts: Record<string, number[]>; via: Record<string, number> };
type Cursor = { v: SortKey; id: number; total?: number | null; plan?: Plan };
type Key = { id: number; k: SortKey };

/*
 * How a filtered page is found at 1M contacts. Measured (CPU time) on the
 * 2-core dev machine, test/bench/list-filters.ts: visiting and testing an
 * index entry ~0.1 µs; sorting a candidate ~0.2 µs more; reading a contact
 * row 1–6 µs (the table is 4× the page cache); building an id set ~0.2 µs an
 * id and probing it ~0.45 µs; a primary-key probe of contact_tags ~1 µs.
 * So a page is answered from index entries: every list index carries the
 * filter columns and the sort keys, contact_tags too (migration 5), and only
 * the page's own rows are read.
 *
 * Every criterion is first counted per status partition, up to the size
 * where its candidates stop beating a walk (CANDIDATE_MAX; SET_CANDIDATE_MAX
 * for a tag, whose walk check is a probe; ROW_CANDIDATE_MAX for a company,
 * whose candidates are rows). One that matches nothing in a partition ends
 * it. One small over all partitions gives the page in one sorted query.
 * Otherwise each partition is read on its own (every sort index starts with
 * status), largest first, each only up to the page's last row so far:
 * 1. its smallest criterion's candidates, if small there;
 * 2. a city under the postcode sort (or the reverse): the runs of each
 *    matching city, already by postcode, merged (STREAM_MAX runs);
 * 3. else the sort index is walked, every criterion tested on the entry:
 *    uncorrelated filters fill a page in ~limit / density entries. With a
 *    few tags asked, the walk reads the tags' own entries in the list's
 *    order instead (migration 16), merged: members only, no probe per entry.
 *    A filter that disagrees with the sort (lapsed customers by creation
 *    date, VIPs by ascending total) leaves a walk of WALK_BUDGET entries
 *    short: then the cheapest criterion's candidates after it are taken if
 *    they cost less than FALLBACK_MAX entries (and less than finishing the
 *    walk at the density it met), else the walk goes on; both budgets double
 *    each round, so a page costs a few times the cheaper of the two.
 * The next page's cursor carries what this one learnt: the counts, and a
 * fallback taken up to the end of the list, whose candidates it then reads
 * at once. Neither decides which rows a page holds, only how it is read.
 */
export const CANDIDATE_MAX = 4_000;
export const SET_CANDIDATE_MAX = 15_000;
export const ROW_CANDIDATE_MAX = 600;
export const STREAM_MAX = 64;
export const WALK_BUDGET = 12_000;
export const FALLBACK_MAX = 64_000;
/** A tag or company is checked through its id set up to this size, by a probe per entry beyond. */
export const SET_MAX = 5_000;
/** Each tag asked is one walk, merged: a few are cheaper than probing every entry of the contacts' walk. */
export const TAG_WALK_MAX = 8;
/** What the first round of a walk's fallback counts may spend, in index entries. */
export const FALLBACK_FIRST_COUNT = 4_000;
/**
 * A broad search next to a small criterion reads the criterion's contacts
 * and checks the search on their values (search-text.ts) when the matches
 * outnumber them this many times. Measured at 1M: a contact read and checked
 * costs 5–8 µs (a random row read), a match read from the index in order
 * 55–100 ns ("ma", 157k matches: 9–16 ms a page; with an 806-member tag
 * beside it, 8.6 ms checked against 15.5 ms scanned).
 */
export const SEARCH_VERIFY_RATIO = 100;

/** The thresholds; tests lower them to drive every path on a small base. */
export type ListTuning = {
  candidateMax: number;
  setCandidateMax: number;
  rowCandidateMax: number;
  streamMax: number;
  walkBudget: number;
  fallbackMax: number;
  setMax: number;
  /** A search matching more than this is not sorted (SORTED_SEARCH_MAX in the contract). */
  sortedSearchMax: number;
  /** Up to this many tags asked, a walk reads their own entries in the list's order (0: never). */
  tagWalkMax: number;
  /** A broad search checks a small criterion's contacts itself when its matches are this many times more (0: always). */
  searchVerifyRatio: number;
  /** What the first round of a walk's fallback counts may spend, in index entries. */
  fallbackFirstCount: number;
};
const defaultTuning: ListTuning = {
  candidateMax: CANDIDATE_MAX,
  setCandidateMax: SET_CANDIDATE_MAX,
  rowCandidateMax: ROW_CANDIDATE_MAX,
  streamMax: STREAM_MAX,
  walkBudget: WALK_BUDGET,
  fallbackMax: FALLBACK_MAX,
  setMax: SET_MAX,
  sortedSearchMax: SORTED_SEARCH_MAX,
  tagWalkMax: TAG_WALK_MAX,
  searchVerifyRatio: SEARCH_VERIFY_RATIO,
  fallbackFirstCount: FALLBACK_FIRST_COUNT,
};

/**
 * A page's rows, read as arrays and made into objects here: better-sqlite3
 * builds a row object key by key, which for these 16 columns cost twice the
 * arrays and this literal (100 rows: 1.1 ms against 0.56 ms; SQLite's own
 * share 0.08 ms). The literal follows the SELECT's order.
 */
const ROW_SELECT = `SELECT c.id, c.civility, c.first_name AS firstName, c.last_name AS lastName, c.email, c.phone,
  c.postcode, c.city, c.status, c.created_at AS createdAt, c.purchase_count AS purchaseCount,
  c.total_cents AS totalCents, c.last_purchase_at AS lastPurchaseAt, c.code, c.company_id AS companyId,
  (SELECT co.name FROM companies co WHERE co.id = c.company_id) AS companyName`;

type RowCells = [
  ContactRow['id'],
  ContactRow['civility'],
  ContactRow['firstName'],
  ContactRow['lastName'],
  ContactRow['email'],
  ContactRow['phone'],
  ContactRow['postcode'],
  ContactRow['city'],
  ContactRow['status'],
  ContactRow['createdAt'],
  ContactRow['purchaseCount'],
  ContactRow['totalCents'],
  ContactRow['lastPurchaseAt'],
  ContactRow['code'],
  ContactRow['companyId'],
  ContactRow['companyName'],
];

const rowOf = (r: RowCells, tags: TagRef[]): ContactRow => ({
  id: r[0],
  civility: r[1],
  firstName: r[2],
  lastName: r[3],
  email: r[4],
  phone: r[5],
  postcode: r[6],
  city: r[7],
  status: r[8],
  createdAt: r[9],
  purchaseCount: r[10],
  totalCents: r[11],
  lastPurchaseAt: r[12],
  code: r[13],
  companyId: r[14],
  companyName: r[15],
  tags,
});

/**
 * The keys of a statement selecting a contact id then a sort value, read as
 * arrays for the same reason: 101 keys 160 µs as objects, 120 µs so.
 */
const keysOf = (stmt: Statement, ...params: unknown[]): Key[] =>
  (stmt.raw(true).all(...params) as [number, SortKey][]).map(([id, k]) => ({ id, k }));

type SortSpec = { col: string; index: string; tagIndex: string; nullable: boolean };

/**
 * Every sort walks a (status, column, id) index of contacts, and a tag's
 * members a (tag_id, status, column, contact_id) index of contact_tags
 * (migration 16); city sorts on its folded key.
 */
const sorts: Record<ContactSort, SortSpec> = {
  name: { col: 'sort_name', index: 'contacts_by_status', tagIndex: 'contact_tags_by_tag_name', nullable: false },
  city: { col: 'city_key', index: 'contacts_by_status_city', tagIndex: 'contact_tags_by_tag_city', nullable: true },
  postcode: { col: 'postcode', index: 'contacts_by_status_postcode', tagIndex: 'contact_tags_by_tag_postcode', nullable: true },
  createdAt: { col: 'created_at', index: 'contacts_by_status_created', tagIndex: 'contact_tags_by_tag_created', nullable: false },
  lastPurchaseAt: {
    col: 'last_purchase_at',
    index: 'contacts_by_status_last_purchase',
    tagIndex: 'contact_tags_by_tag_last_purchase',
    nullable: true,
  },
  totalCents: { col: 'total_cents', index: 'contacts_by_status_total', tagIndex: 'contact_tags_by_tag_total', nullable: false },
};
/** The tag index in the order of a sort column. */
const tagIndexOf = (col: string): string => Object.values(sorts).find((s) => s.col === col)?.tagIndex ?? sorts.name.tagIndex;

/** Carried by every list index after id (migration 5): a criterion on them is tested on the index entry. */
const FILTER_COLUMNS = ['source', 'city_key', 'postcode', 'created_at', 'last_purchase_at'] as const;

/**
 * A city filter under the postcode sort (and the reverse) reads the runs of
 * (status, city_key, postcode, id): one city's contacts already come by postcode.
 */
const streams: Partial<Record<ContactSort, { criterion: string; index: string; key: string }>> = {
  postcode: { criterion: 'city', index: 'contacts_by_city_postcode', key: 'city_key' },
  city: { criterion: 'postcode', index: 'contacts_by_postcode_city', key: 'postcode' },
};

export const contactCount = (store: Store): number =>
  Number(statement(store.sqlite, "SELECT value FROM counters WHERE name = 'contacts'").pluck().get() ?? 0);

/** Kept by triggers (migration 3). */
const statusCount = (store: Store, statuses: readonly string[]): number =>
  Number(
    statement(
      store.sqlite,
      "SELECT coalesce(sum(value), 0) FROM counters WHERE name IN (SELECT 'contacts.' || value FROM json_each(?))",
    )
      .pluck()
      .get(JSON.stringify(statuses)),
  );

/* ---------- cursor ---------- */

export const encodeCursor = (c: Cursor): string => {
  const total = c.total ?? null;
  const fields =
    c.plan !== undefined ? [c.v, c.id, total, c.plan.counts, c.plan.via] : total !== null ? [c.v, c.id, total] : [c.v, c.id];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
};

const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= -1;

/** Per status partition named, as the cursor carries them: a few integers (counts) or one (a criterion). */
const isPerStatus = <T>(value: unknown, valid: (v: unknown) => v is T): value is Record<string, T> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.entries(value).every(([status, v]) => ALL_STATUSES.includes(status) && valid(v));
const isCounts = (v: unknown): v is number[] => Array.isArray(v) && v.length <= 32 && v.every(isCount);

export const decodeCursor = (raw: string): Cursor => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      (parsed.length === 2 ||
        (parsed.length === 3 && Number.isInteger(parsed[2])) ||
        (parsed.length === 5 &&
          (parsed[2] === null || Number.isInteger(parsed[2])) &&
          isPerStatus(parsed[3], isCounts) &&
          isPerStatus(parsed[4], isCount))) &&
      (parsed[0] === null || typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
      Number.isInteger(parsed[1])
    ) {
      return {
        v: parsed[0] as SortKey,
        id: parsed[1] as number,
        total: (parsed[2] as number | null | undefined) ?? null,
        ...(parsed.length === 5 ? { plan: { counts: parsed[3] as Record<string, number[]>, via: parsed[4] as Record<string, number> } } : {}),
      };
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

/* ---------- conditions ---------- */


const ALL_STATUSES: readonly string[] = contactStatuses;

const statusIn = (col: string, statuses: readonly string[]): Cond =>
  statuses.length === ALL_STATUSES.length
    ? TRUE
    : { sql: `${col} IN (${placeholders(statuses.length)})`, params: [...statuses] };

/** Counts up to `cap + 1` rows: enough to tell "small" from "broad" without reading a broad set. */
const cappedCount = (store: Store, from: Cond, where: Cond, cap: number): number =>
  Number(
    statement(store.sqlite, `SELECT count(*) FROM (SELECT 1 FROM ${from.sql} WHERE ${where.sql} LIMIT ?)`)
      .pluck()
      .get(...from.params, ...where.params, cap + 1),
  );

/* ---------- filter criteria ---------- */

/**
 * `c.col` may lead SQLite to the column's own index; `+c.col` may not (a walk
 * down the sort index must never turn into "read the filter's index, then
 * sort everything"), yet both read the index entry when it carries the column.
 */
const refs =
  (alias: string, plus = ''): Ref =>
  (col) =>
    `${plus}${alias}.${col}`;

/**
 * Candidates: a FROM (aliased c, with c.id and the list columns) and the
 * WHERE that keeps the criterion's matches; a contact may come up to
 * `copies` times (once per tag it holds among those asked).
 */
type Source = { from: Cond; where: Cond; copies: number };

/**
 * One filter criterion and the ways to evaluate it. Column criteria (source,
 * city, postcode, dates) are tested on any list index entry, and their own
 * index gives candidates with every sort key but the name. Tags are an id
 * set, or a primary-key probe; their index carries the same columns
 * (migration 5). A company is an id set whose candidates are contact rows.
 */
type Criterion = {
  name: string;
  /** The contacts column tested, if any: walking that column's own sort index, the test is the range walked. */
  column: string | null;
  /** For prefix filters: the [from, to) range of `column`, whose distinct values can be enumerated. */
  prefix: [string, string] | null;
  /** For range filters (prefixes, dates): the [lo, hi) range of `column`; null bounds are open. */
  bounds: Bounds | null;
  /** Plain condition: bulk actions, where SQLite picks the plan. */
  where: Cond;
  /** Checked on an index entry or row already read, never through another index of contacts. */
  residual: Cond;
  /** Tested on the entries of any list index (else through `set` or `probe`). */
  onEntry: boolean;
  /** Counted per status partition (a company is counted over all of them). */
  perStatus: boolean;
  /** Under the sort on `col`, its candidates read contact rows (no sort key on its index). */
  rowsFor(col: string): boolean;
  /**
   * Matches in partition `status`, counted up to `cap + 1` (an upper bound
   * for several tags); within `range` of the sort column `col` when given,
   * which must then be on the criterion's index.
   */
  count(store: Store, status: string, cap: number, range?: { cond: Cond; col: string }): number;
  /** The tags asked, when the criterion is a tag filter: a walk may read their entries instead of the contacts'. */
  tagIds: readonly number[] | null;
  /** Matches over the whole base, or an upper bound; only for choosing how to check it. */
  size(store: Store, cap: number): number;
  /** Its candidates in `statuses` under the sort on `col`. */
  candidates(statuses: readonly string[], col: string): Source;
  /** Membership of `id` (c.id by default) through its own index, among `statuses`. */
  set(statuses: readonly string[], id?: string): Cond;
  /** Checked per row without building a set (tags: one primary-key probe). */
  probe: Cond;
  /** Membership of the contact `id` without its row (tags: one probe; others: their id set). */
  probeOf(id: string): Cond;
};

const inStatus = (alias: string, statuses: readonly string[]): Cond => ({
  sql: `${alias}.status IN (${placeholders(statuses.length)})`,
  params: [...statuses],
});

/** A criterion on a contacts column carried by every list index. */
const columnCriterion = (
  name: string,
  column: string,
  index: string,
  /** the criterion's index starts with status (else with the column: source) */
  statusFirst: boolean,
  test: Test,
  bounds: Bounds | null = null,
  prefix: [string, string] | null = null,
): Criterion => {
  const own = (alias: string, statuses: readonly string[]): Cond =>
    statusFirst ? and([inStatus(alias, statuses), test(refs(alias))]) : and([test(refs(alias)), inStatus(alias, statuses)]);
  const from: Cond = { sql: `contacts c INDEXED BY ${index}`, params: [] };
  const residual = test(refs('c', '+'));
  return {
    name,
    column,
    prefix,
    bounds,
    where: test(refs('c')),
    residual,
    onEntry: true,
    perStatus: true,
    rowsFor: () => false,
    count: (store, status, cap, range) => cappedCount(store, from, and([own('c', [status]), range?.cond ?? TRUE]), cap),
    size: (store, cap) => cappedCount(store, from, own('c', ALL_STATUSES), cap),
    candidates: (statuses) => ({ from, where: own('c', statuses), copies: 1 }),
    set: (statuses, id = 'c.id') => {
      const inner = own('x', statuses);
      return { sql: `${id} IN (SELECT x.id FROM contacts x INDEXED BY ${index} WHERE ${inner.sql})`, params: inner.params };
    },
    probe: residual,
    probeOf: (id) => {
      const inner = own('x', ALL_STATUSES);
      return { sql: `${id} IN (SELECT x.id FROM contacts x INDEXED BY ${index} WHERE ${inner.sql})`, params: inner.params };
    },
    tagIds: null,
  };
};

const tagsCriterion = (tagIds: readonly number[]): Criterion => {
  const list = JSON.stringify(tagIds);
  const members = (statuses: readonly string[]): Cond => ({
    sql: `SELECT ct.contact_id FROM contact_tags ct INDEXED BY ${sorts.name.tagIndex}
      WHERE ct.tag_id IN (SELECT value FROM json_each(?)) AND ct.status IN (${placeholders(statuses.length)})`,
    params: [list, ...statuses],
  });
  /**
   * The members in `statuses` as contact entries (c.id, the sort column `col`
   * and the filter columns), from the tag index in `col`'s order alone; a
   * contact holding several of the tags comes once per tag (removing the
   * copies in SQL would cost a temporary b-tree of every member: they are
   * skipped in the sorted page instead). `LIMIT -1` keeps the members a
   * subquery of their own (SQLite neither flattens it nor pushes the page's
   * range into it): with statistics, it would otherwise seek that range on
   * the tag index for every tag × status × value, or scan the index once per
   * term of its OR (measured at 1M: 500–800 ms a page of a 600-member tag).
   */
  const entries = (statuses: readonly string[], col: string): Cond => ({
    sql: `(SELECT ct.contact_id AS id, ct.status, ${[col, ...FILTER_COLUMNS.filter((f) => f !== col)].map((f) => `ct.${f}`).join(', ')}
      FROM contact_tags ct INDEXED BY ${tagIndexOf(col)}
      WHERE ct.tag_id IN (SELECT value FROM json_each(?)) AND ct.status IN (${placeholders(statuses.length)}) LIMIT -1) c`,
    params: [list, ...statuses],
  });
  // the thin (contact_id, tag_id) index: the table's rows are wide (they carry the list columns)
  const probeOf = (id: string): Cond => tagsProbe(id, tagIds);
  const probe = probeOf('c.id');
  const set = (statuses: readonly string[], id = 'c.id'): Cond => {
    const m = members(statuses);
    return { sql: `${id} IN (${m.sql})`, params: m.params };
  };
  return {
    name: 'tags',
    column: null,
    prefix: null,
    bounds: null,
    where: tagsSet('c.id', tagIds),
    residual: probe,
    onEntry: false,
    perStatus: true,
    rowsFor: () => false,
    count: (store, status, cap, range) =>
      range === undefined
        ? Number(statement(store.sqlite, `SELECT count(*) FROM (${members([status]).sql} LIMIT ?)`).pluck().get(...members([status]).params, cap + 1))
        : cappedCount(store, entries([status], range.col), range.cond, cap),
    // triggers keep tags.contact_count: free, exact for one tag
    size: (store) =>
      Number(
        statement(store.sqlite, 'SELECT coalesce(sum(contact_count), 0) FROM tags WHERE id IN (SELECT value FROM json_each(?))')
          .pluck()
          .get(list),
      ),
    candidates: (statuses, col) => ({ from: entries(statuses, col), where: TRUE, copies: tagIds.length }),
    set,
    probe,
    probeOf,
    tagIds,
  };
};

const companyCriterion = (companyId: number): Criterion => {
  const set = (id = 'c.id'): Cond => ({
    sql: `${id} IN (SELECT x.id FROM contacts x INDEXED BY contacts_by_company WHERE x.company_id = ?)`,
    params: [companyId],
  });
  const from: Cond = { sql: 'contacts c INDEXED BY contacts_by_company', params: [] };
  const size = (store: Store, cap: number): number => cappedCount(store, from, { sql: 'c.company_id = ?', params: [companyId] }, cap);
  return {
    name: 'company',
    column: null,
    prefix: null,
    bounds: null,
    where: { sql: 'c.company_id = ?', params: [companyId] },
    residual: { sql: '+c.company_id = ?', params: [companyId] },
    onEntry: false,
    perStatus: false,
    rowsFor: () => true,
    // over every status: a company's people are few, reading their rows to split them would cost more
    count: (store, _status, cap) => size(store, cap),
    size,
    candidates: (statuses) => ({
      from,
      where: and([{ sql: 'c.company_id = ?', params: [companyId] }, inStatus('+c', statuses)]),
      copies: 1,
    }),
    set: (_statuses, id) => set(id),
    probe: set(),
    probeOf: (id) => set(id),
    tagIds: null,
  };
};

/**
 * Who the consent rules allow on a channel for a purpose today (consent/sql.ts
 * states the rule engine in SQL). Decided on the contact row and one
 * consent_state probe, so it is checked by id (a probe, or an id set when
 * small); its candidates come from the cell's consent rows and the business
 * contacts when the regime needs consent, else from every contact with an
 * address for the channel.
 */
const contactableCriterion = (target: ConsentTarget, on: string): Criterion => {
  const rule = (alias: string): Cond => contactableCond(alias, target, on);
  const pool = contactablePool(target, on);
  const from = (statuses: readonly string[]): { from: Cond; where: Cond } =>
    pool === null
      ? { from: { sql: `contacts c INDEXED BY ${reachIndexOf(target.channel)}`, params: [] }, where: and([statusIn('c.status', statuses), rule('c')]) }
      : {
          // counting reads the reach entries only; the page's sort key then comes from the row, for its few candidates
          from: { sql: `(${pool.sql}) p JOIN contacts c INDEXED BY ${reachIndexOf(target.channel)} ON c.id = p.id`, params: pool.params },
          where: and([statusIn('c.status', statuses), rule('c')]),
        };
  const probeOf = (id: string): Cond => contactableProbe(id, target, on);
  return {
    name: 'contactable',
    column: null,
    prefix: null,
    bounds: null,
    where: rule('c'),
    residual: rule('c'),
    onEntry: false,
    perStatus: true,
    rowsFor: () => true,
    count: (store, status, cap) => {
      const f = from([status]);
      return cappedCount(store, f.from, f.where, cap);
    },
    // the pool bounds the matches (index entries only), read far enough for the planner to call a broad
    // one broad (over 4 × cap) without counting it per partition; no pool: the whole base
    size: (store, cap) =>
      pool === null ? contactCount(store) : cappedCount(store, { sql: `(${pool.sql}) p`, params: pool.params }, TRUE, 4 * cap),
    candidates: (statuses) => ({ ...from(statuses), copies: 1 }),
    set: (statuses, id = 'c.id') => {
      const f = from(statuses);
      return { sql: `${id} IN (SELECT c.id FROM ${f.from.sql} WHERE ${f.where.sql})`, params: [...f.from.params, ...f.where.params] };
    },
    probe: probeOf('c.id'),
    probeOf,
    tagIds: null,
  };
};


/**
 * A saved segment (issue 6): its definition compiled to one condition on the
 * contact row (domain/segments/sql.ts). It may read any column, a purchase
 * or a loyalty row, so it is never tested on an index entry: checked by id
 * (a probe of the row, or an id set when small) while another criterion or
 * the sort drives the walk, and its candidates are rows, taken only when few.
 */
const segmentCriterion = (store: Store, definition: SegmentDefinition): Criterion => {
  const now = new Date();
  const cond = (alias: string): Cond => compileSegment(definition, alias, { store, now });
  const where = cond('c');
  const from: Cond = { sql: 'contacts c', params: [] };
  let exact: number | undefined;
  const probeOf = (id: string): Cond => {
    const inner = cond('x');
    // parenthesised: a segment's top level may be an OR, which AND binds tighter than
    return { sql: `EXISTS (SELECT 1 FROM contacts x WHERE x.id = ${id} AND (${inner.sql}))`, params: inner.params };
  };
  return {
    name: 'segment',
    column: null,
    prefix: null,
    bounds: null,
    where,
    residual: where,
    onEntry: false,
    perStatus: true,
    rowsFor: () => true,
    count: (s, status, cap) => cappedCount(s, from, and([inStatus('c', [status]), where]), cap),
    // exact, once per request: a capped count costs as much for a selective segment (it reads until it
    // gives up), is asked once per partition, and the page's total needs the exact figure anyway
    size: () => (exact ??= Number(statement(store.sqlite, `SELECT count(*) FROM contacts c WHERE ${where.sql}`).pluck().get(...where.params))),
    candidates: (statuses) => ({ from, where: and([inStatus('c', statuses), where]), copies: 1 }),
    set: (statuses, id = 'c.id') => {
      const inner = and([inStatus('x', statuses), cond('x')]);
      return { sql: `${id} IN (SELECT x.id FROM contacts x WHERE ${inner.sql})`, params: inner.params };
    },
    probe: probeOf('c.id'),
    probeOf,
    tagIds: null,
  };
};

type Bounds = { lo: string | null; hi: string | null };


const prefixCriterion = (name: string, column: string, index: string, prefix: string): Criterion => {
  const end = prefixEnd(prefix);
  return columnCriterion(name, column, index, true, rangeTest(column, prefix, end), { lo: prefix, hi: end }, [prefix, end]);
};

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The statuses a filter keeps (all when it names none). */
export const statusesOf = (filter: ContactFilterParsed): string[] => {
  const s = unique(filter.status ?? []);
  return s.length === 0 ? [...ALL_STATUSES] : contactStatuses.filter((x) => s.includes(x));
};

/** The filter's criteria other than status (status decides the partitions read). */
export const criteriaOf = (filter: ContactFilterParsed, store: Store): Criterion[] => {
  const out: Criterion[] = [];
  if (filter.tags !== undefined) out.push(tagsCriterion(unique(filter.tags)));
  const source = unique(filter.source ?? []);
  if (source.length > 0) {
    out.push(
      columnCriterion('source', 'source', 'contacts_by_source', false, (ref) => ({
        sql: `${ref('source')} IN (${placeholders(source.length)})`,
        params: source,
      })),
    );
  }
  if (filter.companyId !== undefined) out.push(companyCriterion(filter.companyId));
  if (filter.contactable !== undefined) out.push(contactableCriterion(filter.contactable, localDate()));
  const city = cityKey(filter.city?.trim() ?? '');
  if (city !== '') out.push(prefixCriterion('city', 'city_key', 'contacts_by_status_city', city));
  const postcode = filter.postcode?.trim().toUpperCase() ?? '';
  if (postcode !== '') out.push(prefixCriterion('postcode', 'postcode', 'contacts_by_status_postcode', postcode));
  if (filter.createdFrom !== undefined || filter.createdTo !== undefined) {
    const r = instantRange(filter.createdFrom, filter.createdTo);
    out.push(
      columnCriterion('created', 'created_at', 'contacts_by_status_created', true, rangeTest('created_at', r.from, r.to), {
        lo: r.from,
        hi: r.to,
      }),
    );
  }
  if (filter.lastPurchaseFrom !== undefined || filter.lastPurchaseTo !== undefined) {
    const r = instantRange(filter.lastPurchaseFrom, filter.lastPurchaseTo);
    out.push(
      columnCriterion(
        'lastPurchase',
        'last_purchase_at',
        'contacts_by_status_last_purchase',
        true,
        rangeTest('last_purchase_at', r.from, r.to),
        { lo: r.from, hi: r.to },
      ),
    );
  }
  if (filter.segmentId !== undefined) out.push(segmentCriterion(store, loadDefinition(store, filter.segmentId)));
  // an unsaved definition (a chart clicked through) reads exactly as a saved one
  if (filter.definition !== undefined) out.push(segmentCriterion(store, filter.definition));
  return out;
};

/* ---------- paging ---------- */

const compareKeys = (a: SortKey, b: SortKey): number => {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
};

/**
 * The page's tags, in one query for all its rows: the thin (contact_id,
 * tag_id) index (contact_tags' own rows are wide: they carry the list
 * columns), then each tag by its key; CROSS JOIN keeps that order, or SQLite
 * may loop over the tags and probe every row of the page for each. Sorted by
 * name once for the page: each contact's share stays in that order.
 */
const tagsById = (store: Store, ids: readonly number[]): Map<number, TagRef[]> => {
  const out = new Map<number, TagRef[]>();
  const rows = statement(
    store.sqlite,
    `SELECT ct.contact_id AS contactId, t.id, t.name, t.color
      FROM contact_tags ct INDEXED BY contact_tags_by_contact CROSS JOIN tags t ON t.id = ct.tag_id
      WHERE ct.contact_id IN (SELECT value FROM json_each(?)) ORDER BY t.folded`,
  )
    .raw(true)
    .all(JSON.stringify(ids)) as [number, TagRef['id'], TagRef['name'], TagRef['color']][];
  // as arrays, like the rows: a tag on many rows of the page is one object
  const refs = new Map<number, TagRef>();
  for (const [contactId, id, name, color] of rows) {
    let tag = refs.get(id);
    if (tag === undefined) {
      tag = { id, name, color };
      refs.set(id, tag);
    }
    const tags = out.get(contactId);
    if (tags === undefined) out.set(contactId, [tag]);
    else tags.push(tag);
  }
  return out;
};

const rowsById = (store: Store, ids: readonly number[]): Map<number, ContactRow> => {
  const tags = tagsById(store, ids);
  const rows = statement(store.sqlite, `${ROW_SELECT} FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?))`)
    .raw(true)
    .all(JSON.stringify(ids)) as RowCells[];
  return new Map(rows.map((r) => [r[0], rowOf(r, tags.get(r[0]) ?? [])]));
};

/** The page's rows (read last, only for the rows shown) and the cursor after the last one. */
const finishPage = (
  store: Store,
  keys: readonly Key[],
  limit: number,
  total: number | null,
  capped: boolean,
  plan?: Plan,
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
    nextCursor: more && last ? encodeCursor({ v: last.k, id: last.id, total, ...(plan === undefined ? {} : { plan }) }) : null,
    total,
    capped,
  };
};

/** One index range of a partition: its NULLs (by id) or its values (by column, id), between two keys. */
type Part = { range: Cond; order: (key: string, id: string) => string };

/**
 * `ORDER BY` in the list's order, for a query that sorts itself (candidates,
 * merged runs). SQLite puts NULLs first ascending: NULLS LAST moves them,
 * which only costs where the rows are sorted anyway (a walk never sorts: it
 * reads the NULLs as a range of their own, after the values, partsBetween).
 */
const orderOf = (spec: SortSpec, dir: 'asc' | 'desc', key: string, id: string): string =>
  `${key} ${dir}${spec.nullable && dir === 'asc' ? ' NULLS LAST' : ''}, ${id} ${dir}`;

/**
 * The index ranges strictly after `from` and before `to` (keys of the list),
 * in the list's order: the values, then the NULLs (blanks last in both
 * directions: a city sort must not open on a screen of contacts without a
 * city); within `within` when a criterion bounds the sort column (no NULLs
 * then). Each is its own index range, so moving the NULLs after the values
 * costs no sort. Every range is written so SQLite seeks straight to its start:
 * - a key is split into "this value, ids after" and "values after": SQLite
 *   seeks a row value (col, id) > (?, ?) on col alone and would read every
 *   entry of that value before the cursor (a page deep in Paris read all of
 *   Paris);
 * - of several bounds on one side only one is written as an index bound,
 *   the others with a unary plus: SQLite seeks to the one it picks, and a
 *   cursor or frontier key is always the tighter (it lies inside the range).
 */
const partsBetween = (
  spec: SortSpec,
  dir: 'asc' | 'desc',
  from: Cursor | null,
  to: Cursor | null,
  within: Bounds | null,
  /** the contact id on the index read: c.contact_id on a tag's entries */
  idCol = 'c.id',
): Part[] => {
  const { col } = spec;
  const asc = dir === 'asc';
  const [after, before] = asc ? ['>', '<'] : ['<', '>'];
  const kinds: ('nulls' | 'values')[] = !spec.nullable || within !== null ? ['values'] : ['values', 'nulls'];
  const kindOf = (c: Cursor): 'nulls' | 'values' => (spec.nullable && c.v === null ? 'nulls' : 'values');
  const at = (c: Cursor): number => kinds.indexOf(kindOf(c));
  const byId = (_key: string, id: string): string => `${id} ${dir}`;
  const byKey = (key: string, id: string): string => `${key} ${dir}, ${id} ${dir}`;
  const { lo: min, hi: max } = within ?? { lo: null, hi: null };
  // the criterion's range, checked but not sought, on a run of one value already inside it
  const inRange: Cond[] = [
    ...(min === null ? [] : [{ sql: `+c.${col} >= ?`, params: [min] }]),
    ...(max === null ? [] : [{ sql: `+c.${col} < ?`, params: [max] }]),
  ];
  const parts: Part[] = [];
  kinds.forEach((kind, i) => {
    if ((from !== null && i < at(from)) || (to !== null && i > at(to))) return;
    const lo = from !== null && at(from) === i ? from : null;
    const hi = to !== null && at(to) === i ? to : null;
    if (kind === 'nulls') {
      parts.push({
        range: and([
          { sql: `c.${col} IS NULL`, params: [] },
          ...(lo ? [{ sql: `${idCol} ${after} ?`, params: [lo.id] }] : []),
          ...(hi ? [{ sql: `${idCol} ${before} ?`, params: [hi.id] }] : []),
        ]),
        order: byId,
      });
      return;
    }
    const run = (key: Cursor, ids: Cond[]): Part => ({
      range: and([{ sql: `c.${col} = ?`, params: [key.v] }, ...ids, ...inRange]),
      order: byId,
    });
    if (lo && hi && lo.v === hi.v) {
      parts.push(run(lo, [{ sql: `${idCol} ${after} ?`, params: [lo.id] }, { sql: `${idCol} ${before} ?`, params: [hi.id] }]));
      return;
    }
    if (lo) parts.push(run(lo, [{ sql: `${idCol} ${after} ?`, params: [lo.id] }]));
    // the values strictly between; the smaller values' side is the cursor's ascending, the frontier's descending
    const below = asc ? lo : hi;
    const above = asc ? hi : lo;
    const middle: Cond[] = [];
    if (below) middle.push({ sql: `c.${col} > ?`, params: [below.v] });
    if (above) middle.push({ sql: `c.${col} < ?`, params: [above.v] });
    if (min !== null) middle.push({ sql: `${below ? '+' : ''}c.${col} >= ?`, params: [min] });
    if (max !== null) middle.push({ sql: `${above ? '+' : ''}c.${col} < ?`, params: [max] });
    if (spec.nullable && !below && min === null) middle.push({ sql: `c.${col} IS NOT NULL`, params: [] });
    parts.push({ range: and(middle), order: byKey });
    if (hi) parts.push(run(hi, [{ sql: `${idCol} ${before} ?`, params: [hi.id] }]));
  });
  return parts;
};

/* ---------- the list ---------- */

/** What one request knows: the input, decoded, and the criteria split by role. */
type Ctx = {
  store: Store;
  spec: SortSpec;
  sort: ContactSort;
  dir: 'asc' | 'desc';
  cursor: Cursor | null;
  want: number;
  criteria: Criterion[];
  /** A criterion's range on the sort column: the range walked. */
  within: Bounds | null;
  /** That criterion. */
  onSort: Criterion | null;
  /** The other criteria, checked on the way. */
  others: Criterion[];
  tuning: ListTuning;
  /** How each partition was read (planList and the bench print it). */
  trace: string[];
};

/** `via`: the criterion whose candidates the walk fell back to, up to the end of the list (the next page starts there). */
type PartResult = { keys: Key[]; count: number | null; via?: Criterion };

/**
 * How a criterion is checked on entries already read (walks, another
 * criterion's candidates), and what that costs per entry, in index entries
 * visited: a column on the entry ~1, an id-set probe ~5 (plus ~2 per member
 * to build the set, once per statement), a primary-key probe ~10.
 */
const checkOf = (ctx: Ctx, c: Criterion, statuses: readonly string[]): { cond: Cond; cost: number } => {
  if (c.onEntry) return { cond: c.residual, cost: 1 };
  return c.size(ctx.store, ctx.tuning.setMax) <= ctx.tuning.setMax ? { cond: c.set(statuses), cost: 5 } : { cond: c.probe, cost: 10 };
};

/** The checks of `criteria`, cheapest first; `first`: the cost of the first, paid on every entry. */
const checksOf = (ctx: Ctx, criteria: readonly Criterion[], statuses: readonly string[]): { cond: Cond; first: number } => {
  // SQLite tests ANDed terms in order: the cheap ones first spare the probes of entries they reject
  const checks = criteria.map((c) => checkOf(ctx, c, statuses)).sort((a, b) => a.cost - b.cost);
  return { cond: and(checks.map((c) => c.cond)), first: checks[0]?.cost ?? 1 };
};

/** Candidates of `best` in `statuses` within `parts`, sorted by SQLite; counted (over all of `statuses`) when asked. */
const candidates = (ctx: Ctx, best: Criterion, statuses: readonly string[], parts: readonly Part[], counted: boolean): PartResult => {
  const { store, spec, dir } = ctx;
  const own = best.candidates(statuses, spec.col);
  // the criterion on the sort column is also in `parts`, but the count reads no parts
  const where = and([
    own.where,
    ...(ctx.onSort !== null && ctx.onSort !== best ? [ctx.onSort.residual] : []),
    checksOf(
      ctx,
      ctx.criteria.filter((c) => c !== best && c.column !== spec.col),
      statuses,
    ).cond,
  ]);
  const range = or(parts.map((p) => p.range));
  const count = counted
    ? Number(
        statement(store.sqlite, `SELECT count(${own.copies > 1 ? 'DISTINCT c.id' : '*'}) FROM ${own.from.sql} WHERE ${where.sql}`)
          .pluck()
          .get(...own.from.params, ...where.params),
      )
    : null;
  // copies of one contact sort next to each other: enough rows for `want` distinct ones, then the copies dropped
  const rows = keysOf(
    statement(
      store.sqlite,
      `SELECT c.id, c.${spec.col} AS k FROM ${own.from.sql} WHERE ${where.sql} AND (${range.sql})
        ORDER BY ${orderOf(spec, dir, `c.${spec.col}`, 'c.id')} LIMIT ?`,
    ),
    ...own.from.params,
    ...where.params,
    ...range.params,
    ctx.want * own.copies,
  );
  const keys = own.copies > 1 ? rows.filter((r, i) => rows[i - 1]?.id !== r.id).slice(0, ctx.want) : rows;
  return { keys, count };
};

/** The distinct values of a prefix criterion's column in partition `status`, one index seek each, up to `cap + 1`. */
const distinctValues = (store: Store, index: string, col: string, status: string, prefix: [string, string], cap: number): string[] =>
  statement(
    store.sqlite,
    `WITH RECURSIVE k(v) AS (
      SELECT (SELECT c.${col} FROM contacts c INDEXED BY ${index} WHERE c.status = ? AND c.${col} >= ? AND c.${col} < ? ORDER BY c.${col} LIMIT 1)
      UNION ALL
      SELECT (SELECT c.${col} FROM contacts c INDEXED BY ${index} WHERE c.status = ? AND c.${col} > k.v AND c.${col} < ? ORDER BY c.${col} LIMIT 1)
        FROM k WHERE k.v IS NOT NULL LIMIT ?
    ) SELECT v FROM k WHERE v IS NOT NULL`,
  )
    .pluck()
    .all(status, prefix[0], prefix[1], status, prefix[1], cap + 1) as string[];

/**
 * A city filter under the postcode sort (or the reverse): the runs of each
 * matching city, already by postcode, merged. Null when there are too many runs.
 */
const streamed = (ctx: Ctx, status: string, parts: readonly Part[]): PartResult | null => {
  const pair = streams[ctx.sort];
  const by = pair ? ctx.criteria.find((c) => c.name === pair.criterion) : undefined;
  if (!pair || !by?.prefix) return null;
  const values = distinctValues(ctx.store, pair.index, pair.key, status, by.prefix, ctx.tuning.streamMax);
  if (values.length > ctx.tuning.streamMax) return null;
  if (values.length === 0) return { keys: [], count: 0 };
  const { spec, dir } = ctx;
  const checks = checksOf(ctx, ctx.others.filter((c) => c !== by), [status]).cond;
  const runs: Cond[] = values.flatMap((value) =>
    parts.map((part) => ({
      sql: `SELECT * FROM (SELECT c.id, c.${spec.col} AS k FROM contacts c INDEXED BY ${pair.index}
        WHERE c.status = ? AND c.${pair.key} = ? AND ${part.range.sql} AND ${checks.sql}
        ORDER BY ${part.order(`c.${spec.col}`, 'c.id')} LIMIT ?)`,
      params: [status, value, ...part.range.params, ...checks.params, ctx.want],
    })),
  );
  const keys = keysOf(
    statement(
      ctx.store.sqlite,
      `SELECT id, k FROM (${runs.map((r) => r.sql).join(' UNION ALL ')}) ORDER BY ${orderOf(spec, dir, 'k', 'id')} LIMIT ?`,
    ),
    ...runs.flatMap((r) => r.params),
    ctx.want,
  );
  return { keys, count: null };
};

/** Where a walk reads one partition's entries in the list's order, and the contact id on them. */
type Walked = { from: string; lead: Cond; id: string };

/** The contacts' sort index. */
const contactsWalked = (spec: SortSpec, status: string): Walked => ({
  from: `contacts c INDEXED BY ${spec.index}`,
  lead: { sql: 'c.status = ?', params: [status] },
  id: 'c.id',
});

/** One tag's members, in the sort's tag index (migration 16): the filter columns ride on its entries too. */
const tagWalked = (spec: SortSpec, status: string, tagId: number): Walked => ({
  from: `contact_tags c INDEXED BY ${spec.tagIndex}`,
  lead: { sql: 'c.tag_id = ? AND c.status = ?', params: [tagId, status] },
  id: 'c.contact_id',
});

type Walk = { keys: Key[]; stopped: Cursor | null };

/** A walk's span (after `start`, before `frontier`), its checks, how many keys it wants, and its budget of entries. */
type WalkSpan = { start: Cursor | null; frontier: Cursor | null; checks: Cond; want: number; budget: number | null };

/**
 * Keyset walk of one index after `start` and before `frontier`, every check
 * on the entry. With a budget it stops after that many entries of one part
 * without a full page and says where (the last entry visited).
 */
const walkOne = (ctx: Ctx, source: Walked, { start, frontier, checks, want, budget }: WalkSpan): Walk => {
  const { store, spec } = ctx;
  const { col } = spec;
  // the columns checks may test, read from the entry (the index carries them); the sort
  // column only once, or SQLite no longer sees that the walk comes in order and sorts all of it
  const columns = FILTER_COLUMNS.filter((f) => f !== col)
    .map((f) => `, c.${f}`)
    .join('');
  const walked = (part: Part, carried: string) => ({
    sql: `SELECT ${source.id} AS id, c.${col} AS k${carried} FROM ${source.from}
      WHERE ${source.lead.sql} AND ${part.range.sql}`,
    params: [...source.lead.params, ...part.range.params],
    order: part.order(`c.${col}`, source.id),
  });
  const keys: Key[] = [];
  for (const part of partsBetween(spec, ctx.dir, start, frontier, ctx.within, source.id)) {
    const need = want - keys.length;
    // unbudgeted only without checks (listPartition): on a tag's index, checks naming c.id read the budgeted walk's columns
    if (budget === null) {
      // SQLite tests the checks on the entry itself: only the key comes back
      const w = walked(part, '');
      const sql = `${w.sql} AND ${checks.sql} ORDER BY ${w.order} LIMIT ?`;
      keys.push(...keysOf(statement(store.sqlite, sql), ...w.params, ...checks.params, need));
    } else {
      // the inner walk stops after `budget` entries; the checks read the columns it carries
      const w = walked(part, columns);
      keys.push(
        ...keysOf(
          statement(
            store.sqlite,
            `SELECT c.id, c.k FROM (${w.sql} ORDER BY ${w.order} LIMIT ?) c WHERE ${checks.sql} ORDER BY ${part.order('c.k', 'c.id')} LIMIT ?`,
          ),
          ...w.params,
          budget,
          ...checks.params,
          need,
        ),
      );
      if (keys.length < want) {
        const last = statement(store.sqlite, `${w.sql} ORDER BY ${w.order} LIMIT 1 OFFSET ?`).get(...w.params, budget - 1) as
          | Key
          | undefined;
        if (last !== undefined) return { keys, stopped: { v: last.k, id: last.id } };
      }
    }
    if (keys.length >= want) break;
  }
  return { keys, stopped: null };
};

/**
 * Keyset walk of several indexes (a contact's tags), merged: the page is
 * known up to the earliest place a walk stopped, and a contact holding
 * several of the tags comes once.
 */
const walk = (ctx: Ctx, sources: readonly Walked[], span: WalkSpan): Walk => {
  const { want } = span;
  const walks = sources.map((source) => walkOne(ctx, source, span));
  const [only] = walks;
  if (walks.length === 1 && only !== undefined) return only;
  const order = byKey(ctx.dir);
  const asKey = (c: Cursor): Key => ({ id: c.id, k: c.v });
  const cut = walks
    .flatMap((w) => (w.stopped === null ? [] : [asKey(w.stopped)]))
    .reduce<Key | null>((a, b) => (a === null || order(b, a) < 0 ? b : a), null);
  const seen = new Set<number>();
  const keys: Key[] = [];
  for (const k of walks.flatMap((w) => w.keys).sort(order)) {
    if (keys.length === want || (cut !== null && order(k, cut) > 0)) break;
    if (seen.has(k.id)) continue;
    seen.add(k.id);
    keys.push(k);
  }
  return { keys, stopped: keys.length < want && cut !== null ? { v: cut.k, id: cut.id } : null };
};

/**
 * After a walk ran out of budget: the criterion of `criteria` whose
 * candidates in `parts` cost least, if they cost at most `cap` index entries
 * (scanned and sorted: ~2 each; a row read ~20). The counts stop at a cost
 * that grows fourfold a round, so a broad criterion (all of Paris) is never
 * counted far past the cost of the small one beside it (last month's).
 */
const fallbackOf = (
  ctx: Ctx,
  criteria: readonly Criterion[],
  status: string,
  parts: readonly Part[],
  cap: number,
  above: Above,
): Criterion | null => {
  const { store, spec } = ctx;
  const range = or(parts.map((p) => p.range));
  let left = [...criteria];
  for (let spend = Math.min(cap, ctx.tuning.fallbackFirstCount); left.length > 0; spend = Math.min(cap, spend * 4)) {
    let best: { c: Criterion; cost: number } | null = null;
    // the next round recounts only these (once one fits, this round's best is the answer)
    const over: Criterion[] = [];
    for (const c of left) {
      const each = c.rowsFor(spec.col) ? 20 : 2;
      const limit = Math.floor((best === null ? spend : Math.min(spend, best.cost)) / each);
      // a count an earlier round found larger than this limit would not fit it either
      if ((above.get(c) ?? -1) >= limit) {
        over.push(c);
        continue;
      }
      // on the criterion's index, only the candidates after the walk count; the name is only on the row
      const n = c.rowsFor(spec.col) ? c.count(store, status, limit) : c.count(store, status, limit, { cond: range, col: spec.col });
      if (n <= limit) best = { c, cost: n * each };
      else {
        above.set(c, limit);
        over.push(c);
      }
    }
    if (best !== null) return best.c;
    if (spend >= cap) return null;
    left = over;
  }
  return null;
};

/** Per criterion, a number its count after the walk's frontier is known to exceed. */
type Above = Map<Criterion, number>;

/** Matches of each criterion in one partition, counted up to the size where its candidates stop being cheap. */
type Counts = Map<Criterion, number>;

/**
 * Up to how many matches a criterion's candidates beat a walk: sorting a
 * candidate costs ~2 index entries, a row read ~20, and a walk pays ~limit /
 * density entries, each checked on the entry (column criteria) or through an
 * id set (~5: tags), so the crossovers sit near sqrt(cost ratio × limit × rows).
 */
const candidateCap = (ctx: Ctx, c: Criterion): number =>
  c.rowsFor(ctx.spec.col) ? ctx.tuning.rowCandidateMax : c.onEntry ? ctx.tuning.candidateMax : ctx.tuning.setCandidateMax;

/** The criterion whose candidates cost least, if under their cap; `counts` per partition read. */
const smallest = (ctx: Ctx, counts: readonly Counts[]): Criterion | null => {
  let best: { c: Criterion; cost: number } | null = null;
  for (const c of ctx.criteria) {
    const cap = candidateCap(ctx, c);
    const summed = counts.reduce((sum, m) => sum + (m.get(c) ?? Infinity), 0);
    // a tag's partitions share its free overall count; a company is counted over every status already
    const n = !c.onEntry ? Math.min(summed, c.size(ctx.store, cap)) : summed;
    const cost = n * (c.rowsFor(ctx.spec.col) ? 20 : 1);
    if (n <= cap && (best === null || cost < best.cost)) best = { c, cost };
  }
  return best?.c ?? null;
};

/**
 * One status partition's first `want` keys after the cursor and before
 * `frontier`: a small criterion's candidates, the runs of a city/postcode
 * pair, or a walk of the sort index that, each time it runs out of budget,
 * tries the candidates of the cheapest criterion from where it stopped,
 * both budgets doubling: a page costs at most a few times the cheaper of
 * "walk until the page is full" and "sort the candidates", whichever
 * way the filter and the sort correlate.
 */
const listPartition = (ctx: Ctx, status: string, counts: Counts, frontier: Cursor | null, via: Criterion | null): PartResult => {
  const { tuning } = ctx;
  let parts = partsBetween(ctx.spec, ctx.dir, ctx.cursor, frontier, ctx.within);
  const note = (mode: string): void => {
    ctx.trace.push(`${status}:${mode}`);
  };
  if (parts.length === 0) {
    note('none');
    return { keys: [], count: null };
  }
  const small = smallest(ctx, [counts]);
  if (small !== null) {
    note(`candidates/${small.name}`);
    return candidates(ctx, small, [status], parts, ctx.cursor === null);
  }
  // the previous page's walk fell back to these candidates: after it, they can only be fewer
  if (via !== null && ctx.others.includes(via)) {
    note(`fallback/${via.name}`);
    return { ...candidates(ctx, via, [status], parts, false), via };
  }
  const stream = streamed(ctx, status, parts);
  if (stream !== null) {
    note('stream');
    return stream;
  }
  // a few tags asked: their own entries, in the list's order, hold every member and only them
  const tags = ctx.others.find((c) => c.tagIds !== null && c.tagIds.length <= tuning.tagWalkMax);
  const sources = tags?.tagIds?.map((id) => tagWalked(ctx.spec, status, id)) ?? [contactsWalked(ctx.spec, status)];
  const rest = ctx.others.filter((c) => c !== tags);
  const mode = tags === undefined ? 'walk' : 'tags-walk';
  const checks = checksOf(ctx, rest, [status]);
  if (rest.length === 0) {
    note(mode);
    return { keys: walk(ctx, sources, { start: ctx.cursor, frontier, checks: checks.cond, want: ctx.want, budget: null }).keys, count: null };
  }
  const keys: Key[] = [];
  let budget = Math.max(1, Math.floor(tuning.walkBudget / checks.first));
  let cap = tuning.fallbackMax;
  let start = ctx.cursor;
  const above: Above = new Map();
  for (let round = 0; ; round += 1) {
    const got = walk(ctx, sources, { start, frontier, checks: checks.cond, want: ctx.want - keys.length, budget });
    keys.push(...got.keys);
    // what the last counts learnt still holds after the walk, less the matches it went past: with one
    // criterion checked on the contacts' own index, those are the keys it found; else unknown (the
    // counts start over: a tag's walk passes the non-members without reading them)
    if (rest.length === 1 && tags === undefined) for (const [c, n] of above) above.set(c, n - got.keys.length);
    else above.clear();
    if (got.stopped === null) {
      note(round === 0 ? mode : `${mode}×${round + 1}`);
      return { keys, count: null };
    }
    start = got.stopped;
    parts = partsBetween(ctx.spec, ctx.dir, start, frontier, ctx.within);
    // at the density the walk met, what finishing it would cost: candidates must be cheaper than that
    const expected = got.keys.length === 0 ? Infinity : ((ctx.want - keys.length) * budget * checks.first) / got.keys.length;
    const best = fallbackOf(ctx, rest, status, parts, Math.min(cap, expected), above);
    if (best !== null) {
      note(`fallback${round === 0 ? '' : `×${round + 1}`}/${best.name}`);
      // carried to the next page only when its range had no end: the next page's then lies within it
      return { keys: [...keys, ...candidates(ctx, best, [status], parts, false).keys], count: null, ...(frontier === null ? { via: best } : {}) };
    }
    budget *= 2;
    cap *= 2;
  }
};

/** The list's order: blanks last whichever the direction (as a spreadsheet sorts), then ties by id. */
const byKey =
  (dir: 'asc' | 'desc') =>
  (a: Key, b: Key): number => {
    if ((a.k === null) !== (b.k === null)) return a.k === null ? 1 : -1;
    return (dir === 'asc' ? 1 : -1) * (compareKeys(a.k, b.k) || a.id - b.id);
  };

/**
 * The contact list — every filter, every sort, keyset pages. Each criterion
 * is first counted (up to a small cap) per status partition: one that is
 * small over all of them gives the page in one sorted query; otherwise the
 * partitions are read largest first, each only up to the page's last row so
 * far. `total` is exact without filters or with a status filter only
 * (trigger-kept counters) and when the page came from small candidate sets
 * (counted once, on the first page, then carried by the cursor); null for a
 * broad filter, where counting would read much of the base.
 */
export const listContacts = (
  store: Store,
  input: ListInput,
  tuningPatch: Partial<ListTuning> = {},
  trace: string[] = [],
): ContactPage => {
  const tuning = { ...defaultTuning, ...tuningPatch };
  const criteria = criteriaOf(input, store);
  const terms = searchTerms(input.q);
  if (terms.length > 0) return searchContacts(store, terms, input, criteria, tuning, trace);
  const spec = sorts[input.sort];
  const statuses = statusesOf(input);
  const cursor = input.cursor === null ? null : decodeCursor(input.cursor);
  const ctx: Ctx = {
    store,
    spec,
    sort: input.sort,
    dir: input.dir,
    cursor,
    want: input.limit + 1,
    criteria,
    within: criteria.find((c) => c.column === spec.col)?.bounds ?? null,
    onSort: criteria.find((c) => c.column === spec.col) ?? null,
    others: criteria.filter((c) => c.column !== spec.col),
    tuning,
    trace,
  };
  const sizes = new Map(statuses.map((s) => [s, statusCount(store, [s])]));
  const order = [...statuses].sort((a, b) => (sizes.get(b) ?? 0) - (sizes.get(a) ?? 0));
  const live: { status: string; counts: Counts }[] = [];
  // what the next page's cursor carries: the counts below, or those this page was given, and the fallbacks taken
  const carried: Record<string, number[]> = {};
  const via: Record<string, number> = {};
  for (const status of order) {
    const given = cursor?.plan?.counts[status];
    if (given !== undefined && given.length === criteria.length) {
      // never skipped as empty now: a partition that was is read through its candidates (count 0), which see new rows
      live.push({ status, counts: new Map(criteria.map((c, i) => [c, (given[i] ?? -1) < 0 ? Infinity : (given[i] ?? 0)])) });
      carried[status] = given;
      continue;
    }
    const counts: Counts = new Map();
    const empty = criteria.find((c) => {
      // the range walked: reading it is already the cheapest way, and an empty one ends at once
      if (c.column === spec.col) {
        counts.set(c, Infinity);
        return false;
      }
      const cap = candidateCap(ctx, c);
      // a tag's overall count is free: one far smaller or far broader than the cap needs no count here, only a presence check
      const overall = c.onEntry ? null : c.size(store, cap);
      const known = overall !== null && (overall <= cap || overall > 4 * cap);
      const n = c.count(store, status, known ? 0 : cap);
      counts.set(c, known && n > 0 ? (overall <= cap ? overall : Infinity) : n);
      return n === 0;
    });
    if (empty === undefined) live.push({ status, counts });
    else trace.push(`${status}:empty/${empty.name}`);
    carried[status] = criteria.map((c) => {
      const n = counts.get(c) ?? Infinity;
      return Number.isFinite(n) ? n : -1;
    });
  }

  let keys: Key[] = [];
  let counted: number | null = 0;
  const overall = live.length > 1 ? smallest(ctx, live.map((p) => p.counts)) : null;
  if (overall !== null) {
    trace.push(`all:candidates/${overall.name}`);
    const got = candidates(ctx, overall, live.map((p) => p.status), partsBetween(spec, input.dir, cursor, null, ctx.within), cursor === null);
    keys = got.keys;
    counted = got.count;
  } else {
    for (const { status, counts } of live) {
      const frontier = keys.length >= ctx.want ? (keys[ctx.want - 1] ?? null) : null;
      const given = cursor?.plan?.via[status];
      const got = listPartition(
        ctx,
        status,
        counts,
        frontier === null ? null : { v: frontier.k, id: frontier.id },
        given === undefined ? null : (criteria[given] ?? null),
      );
      if (got.via !== undefined) via[status] = criteria.indexOf(got.via);
      counted = counted === null || got.count === null ? null : counted + got.count;
      keys = [...keys, ...got.keys].sort(byKey(input.dir)).slice(0, ctx.want);
    }
  }
  let total = criteria.length === 0 ? statusCount(store, statuses) : cursor !== null ? (cursor.total ?? null) : counted;
  // a segment "contactable by e-mail for offers" shows its size: counted from the indexes (consent/sql.ts), once
  if (total === null && cursor === null && input.contactable !== undefined && criteria.length === 1) {
    total = countContactable(store, input.contactable, localDate(), statuses);
  }
  // a saved segment alone shows its size too: one count query, the same the segment page runs
  if (
    total === null &&
    cursor === null &&
    (input.segmentId !== undefined || input.definition !== undefined) &&
    criteria.length === 1 &&
    criteria[0] !== undefined
  ) {
    const only = and([statusIn('c.status', statuses), criteria[0].where]);
    total =
      statuses.length === ALL_STATUSES.length
        ? criteria[0].size(store, 0)
        : Number(statement(store.sqlite, `SELECT count(*) FROM contacts c WHERE ${only.sql}`).pluck().get(...only.params));
  }
  return finishPage(store, keys, input.limit, total, false, criteria.length === 0 ? undefined : { counts: carried, via });
};

/** How the first page of a list request is read, partition by partition (tests and the bench print it). */
export const planList = (store: Store, input: ListInput, tuning: Partial<ListTuning> = {}): string[] => {
  const trace: string[] = [];
  listContacts(store, input, tuning, trace);
  return trace;
};

/* ---------- search ---------- */

const ftsQuery = (terms: readonly string[]): string => terms.map((t) => `"${t.replace(/"/g, '')}"*`).join(' AND ');

/**
 * The full-text query for these terms. The index keeps no word positions
 * (migration 15), so a term must be one word to its tokenizer: `searchTerms`
 * cuts where it does, except at the few letters its Unicode tables still
 * class as marks (New Tai Lue vowels, two Vedic signs: 21 code points), which
 * it takes for a space. SQLite refuses such a term; it is then cut at every
 * character outside ASCII letters and digits, which every tokenizer reads
 * alike: a broader search, never an error.
 * Null when nothing searchable is left.
 */
export const searchMatch = (store: Store, terms: readonly string[]): string | null => {
  const probe = prepared(store.sqlite, 'SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? LIMIT 1');
  const query = ftsQuery(terms);
  try {
    probe.get(query);
    return query;
  } catch (error) {
    if (!(error instanceof Error) || !/phrase queries are not supported/.test(error.message)) throw error;
    const ascii = terms.flatMap((t) => t.split(/[^A-Za-z0-9]+/)).filter((t) => t.length > 0);
    return ascii.length === 0 ? null : ftsQuery(ascii);
  }
};


/** Lookups in the full-text index a checked page may make before the scan is the better deal (16–84 µs each). */
export const VERIFY_UNSURE_MAX = 32;

type Text = string | null;

/**
 * The newest `limit + 1` contacts below `below` among a small criterion's
 * members that pass `checks` and match the search, newest first: each
 * member's indexed values checked in JavaScript, and looked up in the
 * full-text index only when a character makes that check unsure (the bound
 * must reach FTS5 as an INTEGER: bound as a REAL, it is ignored and every
 * match answers). Null past VERIFY_UNSURE_MAX lookups (names in another
 * script): the caller scans the matches instead.
 */
const verified = (
  store: Store,
  match: string,
  check: TextMatch,
  q: { members: Cond; checks: Cond; below: number; limit: number },
): number[] | null => {
  // `+c.id < ?`: the members drive, never a scan of the table below the cursor
  const members = statement(
    store.sqlite,
    `SELECT c.id, c.first_name, c.last_name, c.email, c.phone, c.city, c.postcode FROM contacts c
      WHERE ${q.members.sql} AND +c.id < ? AND ${q.checks.sql} ORDER BY c.id DESC`,
  )
    .raw(true)
    .all(...q.members.params, q.below, ...q.checks.params) as [number, Text, Text, Text, Text, Text, Text][];
  const inIndex = statement(store.sqlite, 'SELECT 1 FROM contacts_fts WHERE contacts_fts MATCH ? AND rowid = CAST(? AS INTEGER)').pluck();
  const ids: number[] = [];
  let lookups = 0;
  // as arrays, like a page's rows (keysOf): up to thousands of members
  for (const [id, first_name, last_name, email, phone, city, postcode] of members) {
    let matches = check(indexedValues({ first_name, last_name, email, phone, city, postcode }));
    if (matches === null) {
      if (++lookups > VERIFY_UNSURE_MAX) return null;
      matches = inIndex.get(match, id) !== undefined;
    }
    if (!matches) continue;
    ids.push(id);
    if (ids.length > q.limit) break;
  }
  return ids;
};

/**
 * The newest `limit + 1` matches below `below` that pass the checks: the
 * full-text index read newest first, the checks on each match (`+w.id` sets
 * and probes), `rows` on the contact row when there are any.
 */
const scannedIds = (store: Store, match: string, onMatch: readonly Cond[], rows: Cond, below: number, limit: number): number[] => {
  const checks = and(onMatch);
  // better-sqlite3 binds a number as a REAL, and FTS5 only seeks to an INTEGER rowid bound: a REAL one it
  // leaves to SQLite, so every page would read the matches from the newest (measured at 1M, "ma" below
  // the middle id: 7.0 ms against 3.4 ms)
  const scan = 'SELECT f.rowid AS id FROM contacts_fts f WHERE contacts_fts MATCH ? AND f.rowid < CAST(? AS INTEGER) ORDER BY f.rowid DESC';
  return statement(
    store.sqlite,
    rows.sql === '1'
      ? `SELECT w.id FROM (${scan}) w WHERE ${checks.sql} ORDER BY w.id DESC LIMIT ?`
      : `SELECT w.id FROM (${scan}) w JOIN contacts c ON c.id = w.id WHERE ${checks.sql} AND ${rows.sql} ORDER BY w.id DESC LIMIT ?`,
  )
    .pluck()
    .all(match, below, ...checks.params, ...rows.params, limit + 1) as number[];
};

/**
 * Full-text prefix match, accent-insensitive and unranked (ranking a whole
 * match set costs ~90 ms at 1M rows: STACK.md). One probe tells whether the
 * matches are few enough to sort; otherwise pages walk the index by rowid,
 * newest first, with the filters checked on the way: on the contact row
 * first; if few matches pass, the selective criteria become id sets, so each
 * match skipped costs ~0.1 µs instead of a row read (the full-text index can
 * only be read in order: probing it for one rowid costs ~16–84 µs). Next to
 * a criterion much smaller than the matches, its contacts are read and the
 * search checked on their values instead (`verified`).
 */
const searchContacts = (
  store: Store,
  terms: string[],
  input: ListInput,
  criteria: Criterion[],
  tuning: ListTuning,
  trace: string[],
): ContactPage => {
  const match = searchMatch(store, terms);
  if (match === null) return finishPage(store, [], input.limit, 0, false);
  const statuses = statusesOf(input);
  const rowChecks = and([statusIn('+c.status', statuses), ...criteria.map((c) => c.residual)]);
  const probe = statement(
    store.sqlite,
    'SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid DESC LIMIT ?',
  )
    .pluck()
    .all(match, tuning.sortedSearchMax + 1) as number[];

  if (probe.length > tuning.sortedSearchMax) {
    // checked on the match where that needs no contact row: small criteria as id sets, broad tags by one
    // probe; `+w.id` keeps them from becoming rowid constraints of the full-text index (~30 µs each)
    const onMatch: { of: (w: string) => Cond; size: number; c: Criterion | null }[] = [];
    const onRow: Cond[] = [];
    if (statuses.length < ALL_STATUSES.length) {
      const inStatus = statusIn('x.status', statuses);
      const size = statusCount(store, statuses);
      if (size <= tuning.setMax) {
        onMatch.push({
          of: (w) => ({ sql: `+${w}.id IN (SELECT x.id FROM contacts x INDEXED BY contacts_by_status WHERE ${inStatus.sql})`, params: inStatus.params }),
          size,
          c: null,
        });
      } else {
        onRow.push(statusIn('+c.status', statuses));
      }
    }
    for (const c of criteria) {
      const size = c.size(store, tuning.setMax);
      if (size <= tuning.setMax) onMatch.push({ of: (w) => c.set(statuses, `+${w}.id`), size, c });
      else if (!c.onEntry) onMatch.push({ of: (w) => c.probeOf(`${w}.id`), size: Infinity, c: null });
      else onRow.push(c.residual);
    }
    const rows = and(onRow);
    const checked = `${onMatch.length > 0 ? ' match' : ''}${onRow.length > 0 ? ' rows' : ''}`;
    const below = input.cursor === null ? Number.MAX_SAFE_INTEGER : decodeCursor(input.cursor).id;
    // the newest matches, read above: their density over the ids they span says about how many lie below
    const newest = probe[0]!;
    const matchesBelow = (probe.length / (newest - probe[probe.length - 1]! + 1)) * Math.min(below, newest);
    // the smallest criterion as a set, whose members may be read and checked instead (the search as typed only)
    const smallest = onMatch.reduce<(typeof onMatch)[number] | null>((best, m) => (m.c !== null && (best === null || m.size < best.size) ? m : best), null);
    const verify = smallest !== null && smallest.size * tuning.searchVerifyRatio <= matchesBelow && match === ftsQuery(terms) ? textMatch(terms) : null;
    const checkedIds =
      smallest?.c && verify !== null
        ? verified(store, match, verify, {
            members: smallest.c.set(statuses, 'c.id'),
            checks: and([...onMatch.filter((m) => m !== smallest).map((m) => m.of('c')), rows]),
            below,
            limit: input.limit,
          })
        : null;
    trace.push(`search:${checkedIds !== null ? 'verify' : 'capped'}${checked}`);
    const ids = checkedIds ?? scannedIds(store, match, onMatch.map((m) => m.of('w')), rows, below, input.limit);
    // newest first, like every broad search: no sort key to carry
    return finishPage(
      store,
      ids.map((id) => ({ id, k: null })),
      input.limit,
      null,
      true,
    );
  }

  trace.push('search:sorted');
  const col = sorts[input.sort].col;
  const keys = keysOf(
    statement(store.sqlite, `SELECT c.id, c.${col} AS k FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?)) AND ${rowChecks.sql}`),
    JSON.stringify(probe),
    ...rowChecks.params,
  );
  keys.sort(byKey(input.dir));
  let start = 0;
  if (input.cursor !== null) {
    const c = decodeCursor(input.cursor);
    const cmp = byKey(input.dir);
    start = keys.findIndex((k) => cmp(k, { id: c.id, k: c.v }) > 0);
    if (start < 0) start = keys.length;
  }
  return finishPage(store, keys.slice(start, start + input.limit + 1), input.limit, keys.length, false);
};

/** Ids of every contact a filter matches (bulk actions): the same criteria, SQLite picks the plan. */
/** The filter as one condition on `contacts c`, for a caller that joins it to its own tables. */
export const matchingWhere = (store: Store, filter: ContactFilterParsed): { sql: string; params: unknown[] } => {
  const terms = searchTerms(filter.q);
  const match = terms.length > 0 ? searchMatch(store, terms) : null;
  return and([
    statusIn('c.status', statusesOf(filter)),
    ...criteriaOf(filter, store).map((c) => c.where),
    ...(terms.length === 0 ? [] : match === null ? [FALSE] : [{ sql: 'c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?)', params: [match] }]),
  ]);
};

export const matchingIds = (store: Store, filter: ContactFilterParsed): number[] => {
  const where = matchingWhere(store, filter);
  return statement(store.sqlite, `SELECT c.id FROM contacts c WHERE ${where.sql}`).pluck().all(...where.params) as number[];
};
