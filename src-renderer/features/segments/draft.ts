import {
  SEGMENT_VERSION,
  type ConsentChannel,
  type ConsentPurpose,
  type ContactSource,
  type ContactStatus,
  type ParetoTier,
  type RfmSegmentKey,
  type SegmentCriterion,
  type SegmentDefinition,
  type SegmentField,
  type SegmentNode,
} from '@contract';
import { parseEuros } from '../sales/money';
import { dayEdge, parseDay } from '../contacts/list-filters';
import { dayToInput } from '../contacts/day-input';

/*
 * The builder edits a draft, not the contract's tree: what is typed stays as
 * typed ("14/07/2024", "100,50") so a half-typed value is shown back, not
 * lost, and NOT is a flag on a row or group rather than a wrapper node, which
 * is how people think of it ("except those who…"). `compile` turns the draft
 * into a definition; `toDraft` does the reverse for a saved segment.
 */

export type DateField = 'created' | 'firstPurchase' | 'lastPurchase';
export type NumberField = 'purchaseCount' | 'loyaltyBalance';

/** A date range is either between two days or "in the last N days" (kept relative, evaluated on use). */
export type DateMode = 'between' | 'within';

export type DraftCriterion =
  | { field: 'status'; values: ContactStatus[] }
  | { field: 'source'; values: ContactSource[] }
  | { field: 'loyaltyTier'; values: string[] }
  | { field: 'tags'; ids: number[] }
  | { field: 'boughtProduct'; ids: number[]; since: string }
  | { field: 'boughtCategory'; categories: string[]; since: string }
  | { field: 'city' | 'postcode'; prefix: string }
  | { field: DateField; mode: DateMode; from: string; to: string; days: string }
  | { field: NumberField; min: string; max: string }
  | { field: 'totalSpent'; min: string; max: string }
  | { field: 'contactable'; channel: ConsentChannel; purpose: ConsentPurpose }
  /** Each dimension a score range; 1–5 means "any" and is left out. */
  | { field: 'rfmScore'; r: ScoreRange; f: ScoreRange; m: ScoreRange }
  | { field: 'rfmSegment'; values: RfmSegmentKey[] }
  | { field: 'paretoTier'; values: ParetoTier[] }
  /** Flags without a value: at risk today, marked lost. */
  | { field: 'atRisk' | 'markedLost' }
  /** Months as typed ("03/2026"). */
  | { field: 'boughtInMonths'; from: string; to: string };

export type ScoreRange = [number, number];
const ANY_SCORE: ScoreRange = [1, 5];
const isAny = (r: ScoreRange): boolean => r[0] <= 1 && r[1] >= 5;

export type DraftRow = { kind: 'row'; key: number; not: boolean; criterion: DraftCriterion };
export type DraftGroup = { kind: 'group'; key: number; not: boolean; op: 'and' | 'or'; children: DraftNode[] };
export type DraftNode = DraftRow | DraftGroup;

/** The order of the "add a criterion" menu: who they are, where, when, what they bought, loyalty, consent. */
export const fieldOrder: readonly SegmentField[] = [
  'status',
  'tags',
  'source',
  'city',
  'postcode',
  'created',
  'firstPurchase',
  'lastPurchase',
  'purchaseCount',
  'totalSpent',
  'boughtProduct',
  'boughtCategory',
  'loyaltyTier',
  'loyaltyBalance',
  'rfmSegment',
  'rfmScore',
  'paretoTier',
  'atRisk',
  'markedLost',
  'boughtInMonths',
  'contactable',
];

let lastKey = 0;
/** React keys for rows and groups: stable while the user moves things around. */
const nextKey = (): number => ++lastKey;

export const blankCriterion = (field: SegmentField): DraftCriterion => {
  switch (field) {
    case 'status':
      return { field, values: [] };
    case 'source':
      return { field, values: [] };
    case 'loyaltyTier':
      return { field, values: [] };
    case 'tags':
      return { field, ids: [] };
    case 'boughtProduct':
      return { field, ids: [], since: '' };
    case 'boughtCategory':
      return { field, categories: [], since: '' };
    case 'city':
    case 'postcode':
      return { field, prefix: '' };
    case 'created':
    case 'firstPurchase':
    case 'lastPurchase':
      return { field, mode: 'between', from: '', to: '', days: '' };
    case 'purchaseCount':
    case 'loyaltyBalance':
    case 'totalSpent':
      return { field, min: '', max: '' };
    case 'contactable':
      return { field, channel: 'email', purpose: 'offers' };
    case 'rfmScore':
      return { field, r: ANY_SCORE, f: ANY_SCORE, m: ANY_SCORE };
    case 'rfmSegment':
      return { field, values: [] };
    case 'paretoTier':
      return { field, values: [] };
    case 'atRisk':
    case 'markedLost':
      return { field };
    case 'boughtInMonths':
      return { field, from: '', to: '' };
  }
};

export const newRow = (field: SegmentField): DraftRow => ({ kind: 'row', key: nextKey(), not: false, criterion: blankCriterion(field) });
export const newGroup = (op: 'and' | 'or' = 'and', children: DraftNode[] = []): DraftGroup => ({
  kind: 'group',
  key: nextKey(),
  not: false,
  op,
  children,
});

/* ---------- editing the tree (immutable: React state) ---------- */

/** Replaces the node with `key` by what `fn` returns (null removes it). */
export const updateNode = (group: DraftGroup, key: number, fn: (node: DraftNode) => DraftNode | null): DraftGroup => {
  const children: DraftNode[] = [];
  let changed = false;
  for (const child of group.children) {
    if (child.key === key) {
      const next = fn(child);
      changed = true;
      if (next !== null) children.push(next);
    } else if (child.kind === 'group') {
      const next = updateNode(child, key, fn);
      if (next !== child) changed = true;
      children.push(next);
    } else {
      children.push(child);
    }
  }
  return changed ? { ...group, children } : group;
};

/** The root is a group like the others, but is never removed. */
export const editNode = (root: DraftGroup, key: number, fn: (node: DraftNode) => DraftNode | null): DraftGroup => {
  if (root.key === key) {
    const next = fn(root);
    return next !== null && next.kind === 'group' ? next : root;
  }
  return updateNode(root, key, fn);
};

/** Levels of a group counting itself (the contract's depth: a criterion is one level more). */
export const groupDepth = (group: DraftGroup): number =>
  1 + Math.max(0, ...group.children.map((c) => (c.kind === 'group' ? groupDepth(c) : 0)));

export const countRows = (node: DraftNode): number =>
  node.kind === 'row' ? 1 : node.children.reduce((n, c) => n + countRows(c), 0);

/* ---------- draft → definition ---------- */

/** What is wrong with one input of a row: a key under `segments.errors`. */
export type RowProblems = Partial<Record<'values' | 'prefix' | 'from' | 'to' | 'days' | 'min' | 'max' | 'since', string>>;

export type Compiled = {
  /** The definition of everything complete and valid, for the live count; null when nothing is. */
  definition: SegmentDefinition | null;
  /** Rows with a wrong value (a date that is not one, an end before the start…). */
  problems: Map<number, RowProblems>;
  /** Rows not filled in yet (nothing ticked, nothing typed): left out of the count, refused on save. */
  incomplete: Set<number>;
  /** Groups left empty: the contract refuses them, so saving does too. */
  emptyGroups: Set<number>;
};

type Built = { criterion: SegmentCriterion | null; problems: RowProblems; incomplete: boolean };

const done = (criterion: SegmentCriterion): Built => ({ criterion, problems: {}, incomplete: false });
const unfinished: Built = { criterion: null, problems: {}, incomplete: true };
const wrong = (problems: RowProblems): Built => ({ criterion: null, problems, incomplete: false });

/** A whole number as typed at a French counter ("1 200"); negative only where allowed. */
export const parseWhole = (typed: string, allowNegative: boolean): number | null | 'invalid' => {
  const s = typed.replace(/[\s\u00a0\u202f]/g, '').replace(/^−/, '-');
  if (s === '') return null;
  if (!(allowNegative ? /^-?\d{1,15}$/ : /^\d{1,15}$/).test(s)) return 'invalid';
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : 'invalid';
};

const parseAmount = (typed: string): number | null | 'invalid' => {
  if (typed.trim() === '') return null;
  const parsed = parseEuros(typed, { allowNegative: true });
  return parsed.ok ? parsed.value : 'invalid';
};

/** Min/max bounds: each parsed, and the pair checked for order. */
const bounds = (
  min: number | null | 'invalid',
  max: number | null | 'invalid',
  invalid: string,
): { problems: RowProblems; min: number | null; max: number | null } => {
  const problems: RowProblems = {};
  if (min === 'invalid') problems.min = invalid;
  if (max === 'invalid') problems.max = invalid;
  else if (max !== null && min !== null && min !== 'invalid' && max < min) problems.max = 'inverted';
  return { problems, min: min === 'invalid' ? null : min, max: max === 'invalid' ? null : max };
};

const hasProblems = (p: RowProblems): boolean => Object.keys(p).length > 0;

/** `since` of a purchase criterion: optional, a local day's start. */
const sinceBound = (typed: string): { since?: string; problem?: string } => {
  const day = parseDay(typed);
  if (day === 'invalid') return { problem: 'invalid_date' };
  return day === null ? {} : { since: dayEdge(day, 'from') };
};

/** "03/2026", "3/2026" or "2026-03" → `2026-03`; null when empty. */
export const parseMonth = (typed: string): string | null | 'invalid' => {
  const s = typed.trim();
  if (s === '') return null;
  const fr = /^(\d{1,2})\/(\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})$/.exec(s);
  const [year, month] = fr !== null ? [fr[2], fr[1]] : iso !== null ? [iso[1], iso[2]] : [undefined, undefined];
  if (year === undefined || month === undefined || Number(month) < 1 || Number(month) > 12) return 'invalid';
  return `${year}-${month.padStart(2, '0')}`;
};

/** `2026-03` → "03/2026", as typed in France. */
export const monthToInput = (month: string): string => `${month.slice(5, 7)}/${month.slice(0, 4)}`;

const buildCriterion = (c: DraftCriterion): Built => {
  switch (c.field) {
    case 'status':
      return c.values.length === 0 ? unfinished : done({ field: c.field, in: [...c.values] });
    case 'source':
      return c.values.length === 0 ? unfinished : done({ field: c.field, in: [...c.values] });
    case 'loyaltyTier':
      return c.values.length === 0 ? unfinished : done({ field: c.field, in: [...c.values] });
    case 'tags':
      return c.ids.length === 0 ? unfinished : done({ field: 'tags', tagIds: [...c.ids] });
    case 'boughtProduct': {
      const since = sinceBound(c.since);
      if (since.problem !== undefined) return wrong({ since: since.problem });
      if (c.ids.length === 0) return unfinished;
      return done({ field: 'boughtProduct', productIds: [...c.ids], ...(since.since === undefined ? {} : { since: since.since }) });
    }
    case 'boughtCategory': {
      const since = sinceBound(c.since);
      if (since.problem !== undefined) return wrong({ since: since.problem });
      const categories = c.categories.map((x) => x.trim()).filter((x) => x !== '');
      if (categories.length === 0) return unfinished;
      return done({ field: 'boughtCategory', categories, ...(since.since === undefined ? {} : { since: since.since }) });
    }
    case 'city':
    case 'postcode': {
      const prefix = c.prefix.trim();
      return prefix === '' ? unfinished : done({ field: c.field, prefix });
    }
    case 'created':
    case 'firstPurchase':
    case 'lastPurchase': {
      if (c.mode === 'within') {
        const days = parseWhole(c.days, false);
        if (days === null) return unfinished;
        if (days === 'invalid' || days < 1 || days > 36_600) return wrong({ days: 'invalid_days' });
        return done({ field: c.field, withinDays: days });
      }
      const from = parseDay(c.from);
      const to = parseDay(c.to);
      const problems: RowProblems = {};
      if (from === 'invalid') problems.from = 'invalid_date';
      if (to === 'invalid') problems.to = 'invalid_date';
      else if (to !== null && from !== null && from !== 'invalid' && to < from) problems.to = 'inverted';
      if (hasProblems(problems)) return wrong(problems);
      if (from === null && to === null) return unfinished;
      return done({
        field: c.field,
        ...(from === null || from === 'invalid' ? {} : { from: dayEdge(from, 'from') }),
        ...(to === null || to === 'invalid' ? {} : { to: dayEdge(to, 'to') }),
      });
    }
    case 'purchaseCount':
    case 'loyaltyBalance': {
      const allowNegative = c.field === 'loyaltyBalance';
      const b = bounds(parseWhole(c.min, allowNegative), parseWhole(c.max, allowNegative), allowNegative ? 'invalid_integer' : 'invalid_count');
      if (hasProblems(b.problems)) return wrong(b.problems);
      if (b.min === null && b.max === null) return unfinished;
      return done({ field: c.field, ...(b.min === null ? {} : { min: b.min }), ...(b.max === null ? {} : { max: b.max }) });
    }
    case 'totalSpent': {
      const b = bounds(parseAmount(c.min), parseAmount(c.max), 'invalid_amount');
      if (hasProblems(b.problems)) return wrong(b.problems);
      if (b.min === null && b.max === null) return unfinished;
      return done({ field: 'totalSpent', ...(b.min === null ? {} : { minCents: b.min }), ...(b.max === null ? {} : { maxCents: b.max }) });
    }
    case 'contactable':
      return done({ field: 'contactable', channel: c.channel, purpose: c.purpose });
    case 'rfmScore': {
      const dims = (['r', 'f', 'm'] as const).filter((d) => !isAny(c[d]));
      if (dims.length === 0) return unfinished;
      const out: Extract<SegmentCriterion, { field: 'rfmScore' }> = { field: 'rfmScore' };
      for (const d of dims) out[d] = { min: c[d][0], max: c[d][1] };
      return done(out);
    }
    case 'rfmSegment':
      return c.values.length === 0 ? unfinished : done({ field: c.field, in: [...c.values] });
    case 'paretoTier':
      return c.values.length === 0 ? unfinished : done({ field: c.field, in: [...c.values] });
    case 'atRisk':
    case 'markedLost':
      return done({ field: c.field });
    case 'boughtInMonths': {
      const from = parseMonth(c.from);
      // one month typed: that month alone
      const to = c.to.trim() === '' ? from : parseMonth(c.to);
      const problems: RowProblems = {};
      if (from === 'invalid') problems.from = 'invalid_month';
      if (to === 'invalid') problems.to = 'invalid_month';
      else if (to !== null && from !== null && from !== 'invalid' && to < from) problems.to = 'inverted';
      if (hasProblems(problems)) return wrong(problems);
      if (from === null || from === 'invalid' || to === null || to === 'invalid') return unfinished;
      return done({ field: 'boughtInMonths', from, to });
    }
  }
};

const negate = (node: SegmentNode, not: boolean): SegmentNode => (not ? { op: 'not', child: node } : node);

export const compile = (root: DraftGroup): Compiled => {
  const problems = new Map<number, RowProblems>();
  const incomplete = new Set<number>();
  const emptyGroups = new Set<number>();
  const walk = (node: DraftNode): SegmentNode | null => {
    if (node.kind === 'row') {
      const built = buildCriterion(node.criterion);
      if (hasProblems(built.problems)) problems.set(node.key, built.problems);
      if (built.incomplete) incomplete.add(node.key);
      return built.criterion === null ? null : negate(built.criterion, node.not);
    }
    if (node.children.length === 0) emptyGroups.add(node.key);
    const children = node.children.map(walk).filter((c): c is SegmentNode => c !== null);
    if (children.length === 0) return null;
    return negate({ op: node.op, children }, node.not);
  };
  const tree = walk(root);
  return { definition: tree === null ? null : { version: SEGMENT_VERSION, root: tree }, problems, incomplete, emptyGroups };
};

/** Ready to save: every row complete and valid, no empty group. */
export const isComplete = (c: Compiled): boolean =>
  c.definition !== null && c.problems.size === 0 && c.incomplete.size === 0 && c.emptyGroups.size === 0;

/* ---------- definition → draft ---------- */

/** A stored bound (a day or the instant of a local day's edge) → the local day as typed. */
export const boundToInput = (bound: string | undefined): string => {
  if (bound === undefined) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(bound)) return dayToInput(bound);
  const d = new Date(bound);
  if (Number.isNaN(d.getTime())) return bound;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
};

const wholeToInput = (n: number | undefined): string => (n === undefined ? '' : String(n));
const centsInput = (cents: number | undefined, mark: ',' | '.'): string => {
  if (cents === undefined) return '';
  const abs = Math.abs(cents);
  const text = abs % 100 === 0 ? String(abs / 100) : `${Math.floor(abs / 100)}${mark}${String(abs % 100).padStart(2, '0')}`;
  return cents < 0 ? `-${text}` : text;
};

const criterionToDraft = (c: SegmentCriterion, mark: ',' | '.'): DraftCriterion => {
  switch (c.field) {
    case 'status':
      return { field: 'status', values: [...c.in] };
    case 'source':
      return { field: 'source', values: [...c.in] };
    case 'loyaltyTier':
      return { field: 'loyaltyTier', values: [...c.in] };
    case 'tags':
      return { field: 'tags', ids: [...c.tagIds] };
    case 'boughtProduct':
      return { field: 'boughtProduct', ids: [...c.productIds], since: boundToInput(c.since) };
    case 'boughtCategory':
      return { field: 'boughtCategory', categories: [...c.categories], since: boundToInput(c.since) };
    case 'city':
    case 'postcode':
      return { field: c.field, prefix: c.prefix };
    case 'created':
    case 'firstPurchase':
    case 'lastPurchase':
      return c.withinDays !== undefined
        ? { field: c.field, mode: 'within', from: '', to: '', days: String(c.withinDays) }
        : { field: c.field, mode: 'between', from: boundToInput(c.from), to: boundToInput(c.to), days: '' };
    case 'purchaseCount':
    case 'loyaltyBalance':
      return { field: c.field, min: wholeToInput(c.min), max: wholeToInput(c.max) };
    case 'totalSpent':
      return { field: 'totalSpent', min: centsInput(c.minCents, mark), max: centsInput(c.maxCents, mark) };
    case 'contactable':
      return { field: 'contactable', channel: c.channel, purpose: c.purpose };
    case 'rfmScore': {
      const range = (b: { min: number; max: number } | undefined): ScoreRange => (b === undefined ? ANY_SCORE : [b.min, b.max]);
      return { field: 'rfmScore', r: range(c.r), f: range(c.f), m: range(c.m) };
    }
    case 'rfmSegment':
      return { field: 'rfmSegment', values: [...c.in] };
    case 'paretoTier':
      return { field: 'paretoTier', values: [...c.in] };
    case 'atRisk':
    case 'markedLost':
      return { field: c.field };
    case 'boughtInMonths':
      return { field: 'boughtInMonths', from: monthToInput(c.from), to: c.to === c.from ? '' : monthToInput(c.to) };
  }
};

const nodeToDraft = (node: SegmentNode, not: boolean, mark: ',' | '.'): DraftNode => {
  if ('field' in node) return { kind: 'row', key: nextKey(), not, criterion: criterionToDraft(node, mark) };
  // NOT of NOT cancels out: the builder shows a single flag
  if (node.op === 'not') return nodeToDraft(node.child, !not, mark);
  return { kind: 'group', key: nextKey(), not, op: node.op, children: node.children.map((c) => nodeToDraft(c, false, mark)) };
};

/** A saved definition as the builder shows it: the root is always a group. */
export const toDraft = (definition: SegmentDefinition, mark: ',' | '.'): DraftGroup => {
  const node = nodeToDraft(definition.root, false, mark);
  return node.kind === 'group' ? node : newGroup('and', [node]);
};
