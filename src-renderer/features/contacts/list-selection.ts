import { BULK_IDS_MAX, type ContactFilter } from '@contract';

/**
 * What the bulk actions apply to: rows ticked one by one (ids, with the last
 * one ticked as the anchor of a shift-click range), or everything the list's
 * filter matches, loaded or not (the bulk call then takes the filter).
 */
export type Selection =
  | { kind: 'ids'; ids: ReadonlySet<number>; anchor: number | null }
  | { kind: 'matching'; filter: ContactFilter; count: number | null };

export const noSelection: Selection = { kind: 'ids', ids: new Set(), anchor: null };

export const isEmptySelection = (s: Selection): boolean => s.kind === 'ids' && s.ids.size === 0;

export const isSelected = (s: Selection, id: number): boolean => s.kind === 'matching' || s.ids.has(id);

/** How many contacts the selection holds; null when the filter's count is unknown (a broad filter). */
export const selectionCount = (s: Selection): number | null => (s.kind === 'ids' ? s.ids.size : s.count);

/**
 * A click on a row's box. With `range`, every row from the anchor to this one
 * takes the clicked row's new state. `order` is the loaded rows' ids in list
 * order. Unticking a row out of "all matching" keeps the loaded rows only:
 * the store takes ids or a filter, not a filter minus some ids.
 */
export const toggleRow = (s: Selection, id: number, range: boolean, order: readonly number[]): Selection => {
  const ids = new Set(s.kind === 'matching' ? order : s.ids);
  const on = !isSelected(s, id);
  const anchor = s.kind === 'ids' ? s.anchor : null;
  let targets: readonly number[] = [id];
  if (range && anchor !== null) {
    const a = order.indexOf(anchor);
    const b = order.indexOf(id);
    if (a >= 0 && b >= 0) targets = order.slice(Math.min(a, b), Math.max(a, b) + 1);
  }
  for (const target of targets) {
    if (on) ids.add(target);
    else ids.delete(target);
  }
  return { kind: 'ids', ids, anchor: id };
};

/**
 * The header box: every loaded row. When they are the whole match and too
 * many for an id list, the filter stands for them.
 */
export const selectLoaded = (order: readonly number[], complete: boolean, filter: ContactFilter): Selection =>
  complete && order.length > BULK_IDS_MAX
    ? { kind: 'matching', filter, count: order.length }
    : { kind: 'ids', ids: new Set(order), anchor: null };

/** The header box's look for the loaded rows. */
export const loadedState = (s: Selection, order: readonly number[]): 'all' | 'some' | 'none' => {
  if (s.kind === 'matching') return 'all';
  if (s.ids.size === 0) return 'none';
  return order.length > 0 && order.every((id) => s.ids.has(id)) ? 'all' : 'some';
};

export type BulkTarget = { ids: number[] } | { filter: ContactFilter };

export const bulkTarget = (s: Selection): BulkTarget => (s.kind === 'ids' ? { ids: [...s.ids] } : { filter: s.filter });

/** Rows ticked one by one beyond what one bulk call takes (BULK_IDS_MAX): "all matching" is the way. */
export const overBulkLimit = (s: Selection): boolean => s.kind === 'ids' && s.ids.size > BULK_IDS_MAX;
