import { EARLIEST_YEAR, isCalendarDate, type ContactFilter, type ContactSource, type ContactStatus, type SegmentDefinition } from '@contract';
import { parseTarget } from '../consent/labels';
import { dayFromInput } from './day-input';

/**
 * The list's filters as the user set them. Dates stay as typed ("14/07/2024")
 * so that a half-typed or mistyped date is shown back, not lost; they become
 * contract bounds only in `toContactFilter`.
 */
export type ListFilters = {
  status: ContactStatus[];
  /** Tag ids: a contact with any of them matches. */
  tags: number[];
  source: ContactSource[];
  /** Start of the city name (no case, no accents). */
  city: string;
  /** Start of the postcode. */
  postcode: string;
  createdFrom: string;
  createdTo: string;
  lastPurchaseFrom: string;
  lastPurchaseTo: string;
  /** "email:offers": only those the consent rules let us contact so; '' for no condition. */
  contactable: string;
  /**
   * A saved segment the list is narrowed to, or an unsaved definition (a
   * chart or a grid cell clicked through), with its name for the chip; null for none.
   */
  segment: { id: number; name: string } | { name: string; definition: SegmentDefinition } | null;
};

export const noFilters: ListFilters = {
  status: [],
  tags: [],
  source: [],
  city: '',
  postcode: '',
  createdFrom: '',
  createdTo: '',
  lastPurchaseFrom: '',
  lastPurchaseTo: '',
  contactable: '',
  segment: null,
};

export type DateRange = 'created' | 'lastPurchase';
export const dateRanges: readonly DateRange[] = ['created', 'lastPurchase'];
export const rangeFields = {
  created: { from: 'createdFrom', to: 'createdTo' },
  lastPurchase: { from: 'lastPurchaseFrom', to: 'lastPurchaseTo' },
} as const satisfies Record<DateRange, { from: keyof ListFilters; to: keyof ListFilters }>;

/** A criterion the chips show and remove one at a time. */
export type FilterKey = 'segment' | 'status' | 'tags' | 'source' | 'city' | 'postcode' | 'contactable' | DateRange;

/** Typed day → `YYYY-MM-DD`; null when empty; 'invalid' when it is not a date. */
export const parseDay = (typed: string): string | null | 'invalid' => {
  if (typed.trim() === '') return null;
  const iso = dayFromInput(typed);
  return isCalendarDate(iso) ? iso : 'invalid';
};

/**
 * A day's edge on the machine's clock, as the UTC instant the contract takes:
 * the list shows dates in local time, so "created on the 14th" must mean the
 * local 14th, not the UTC one. `to` is the day's last millisecond (inclusive).
 */
export const dayEdge = (iso: string, edge: 'from' | 'to'): string => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const ms = edge === 'from' ? new Date(y, m - 1, d).getTime() : new Date(y, m - 1, d + 1).getTime() - 1;
  const instant = new Date(ms).toISOString();
  // east of UTC, 1 Jan 1900 starts in 1899, which the contract refuses: the bare day is close enough there.
  // Only then: any other 1 January starts in the year before too, and the bare day dropped its first hours.
  return Number(instant.slice(0, 4)) < EARLIEST_YEAR ? iso : instant;
};

/** What is wrong with a date range: a field that is not a date, or an end before the start. */
export const rangeErrors = (f: ListFilters, range: DateRange): { from: string | null; to: string | null } => {
  const from = parseDay(f[rangeFields[range].from]);
  const to = parseDay(f[rangeFields[range].to]);
  return {
    from: from === 'invalid' ? 'invalid_date' : null,
    to: to === 'invalid' ? 'invalid_date' : from !== null && from !== 'invalid' && to !== null && to < from ? 'inverted' : null,
  };
};

/** The range's valid days (an invalid or inverted bound is left out, not sent). */
export const rangeDays = (f: ListFilters, range: DateRange): { from: string | null; to: string | null } => {
  const errors = rangeErrors(f, range);
  const from = parseDay(f[rangeFields[range].from]);
  const to = parseDay(f[rangeFields[range].to]);
  return {
    from: errors.from === null && from !== 'invalid' ? from : null,
    to: errors.to === null && to !== 'invalid' ? to : null,
  };
};

/** The contract's filter for a search and the list filters: only the criteria actually set. */
export const toContactFilter = (q: string, f: ListFilters): ContactFilter => {
  const out: ContactFilter = { q };
  if (f.status.length > 0) out.status = [...f.status];
  if (f.tags.length > 0) out.tags = [...f.tags];
  if (f.source.length > 0) out.source = [...f.source];
  if (f.city.trim() !== '') out.city = f.city.trim();
  if (f.postcode.trim() !== '') out.postcode = f.postcode.trim();
  const created = rangeDays(f, 'created');
  if (created.from !== null) out.createdFrom = dayEdge(created.from, 'from');
  if (created.to !== null) out.createdTo = dayEdge(created.to, 'to');
  const purchase = rangeDays(f, 'lastPurchase');
  if (purchase.from !== null) out.lastPurchaseFrom = dayEdge(purchase.from, 'from');
  if (purchase.to !== null) out.lastPurchaseTo = dayEdge(purchase.to, 'to');
  const contactable = parseTarget(f.contactable);
  if (contactable !== null) out.contactable = contactable;
  if (f.segment !== null) {
    if ('id' in f.segment) out.segmentId = f.segment.id;
    else out.definition = f.segment.definition;
  }
  return out;
};

/** The filter narrows the list (a search counts): "current filter" differs from "whole base". */
export const narrows = (filter: ContactFilter): boolean =>
  Object.entries(filter).some(([key, value]) => (key === 'q' ? typeof value === 'string' && value.trim() !== '' : value !== undefined));

/** The criteria set (even a mistyped date: its chip lets the user remove it). */
export const activeKeys = (f: ListFilters): FilterKey[] => {
  const keys: FilterKey[] = [];
  if (f.segment !== null) keys.push('segment');
  if (f.status.length > 0) keys.push('status');
  if (f.tags.length > 0) keys.push('tags');
  if (f.source.length > 0) keys.push('source');
  if (f.city.trim() !== '') keys.push('city');
  if (f.postcode.trim() !== '') keys.push('postcode');
  if (parseTarget(f.contactable) !== null) keys.push('contactable');
  for (const range of dateRanges) {
    const { from, to } = rangeFields[range];
    if (f[from].trim() !== '' || f[to].trim() !== '') keys.push(range);
  }
  return keys;
};

export const withoutKey = (f: ListFilters, key: FilterKey): ListFilters => {
  switch (key) {
    case 'segment':
      return { ...f, segment: null };
    case 'status':
    case 'tags':
    case 'source':
      return { ...f, [key]: [] };
    case 'city':
    case 'postcode':
    case 'contactable':
      return { ...f, [key]: '' };
    default:
      return { ...f, [rangeFields[key].from]: '', [rangeFields[key].to]: '' };
  }
};
