import { useCallback, useEffect, useRef, useState } from 'react';
import type { TimelineItem } from '@contract';
import { useApi } from '../../api/context';

const PAGE = 50;
/** The contract's largest page: a reload fetches again what was on screen, up to this. */
const RELOAD_MAX = 200;

/** Kinds this screen can draw; later issues add others, which are skipped until the UI knows them. */
const knownKinds: ReadonlySet<string> = new Set<TimelineItem['kind']>(['interaction', 'purchase', 'note', 'task', 'consent', 'loyalty']);
const known = (items: readonly TimelineItem[]): TimelineItem[] => items.filter((i) => knownKinds.has(i.kind));

export type TimelineState = {
  items: TimelineItem[];
  nextCursor: string | null;
  status: 'loading' | 'ready' | 'error';
  error: unknown;
  loadingMore: boolean;
  moreFailed: boolean;
};

const initial: TimelineState = { items: [], nextCursor: null, status: 'loading', error: null, loadingMore: false, moreFailed: false };

/**
 * One contact's feed, newest first, paged by the store's cursor. A reload
 * (after an edit here, or data changed elsewhere) fetches again as many
 * entries as were shown, so the list does not shrink under the user.
 */
export const useTimeline = (contactId: number) => {
  const api = useApi();
  const [state, setState] = useState<TimelineState>(initial);
  const [tick, setTick] = useState(0);
  const shown = useRef(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    const limit = Math.min(RELOAD_MAX, Math.max(PAGE, shown.current));
    api.call('contacts.timeline', { id: contactId, limit }).then(
      (page) => {
        if (!live) return;
        shown.current = page.items.length;
        setState({ ...initial, items: known(page.items), nextCursor: page.nextCursor, status: 'ready' });
      },
      (error: unknown) => live && setState((s) => ({ ...s, status: 'error', error })),
    );
    return () => {
      live = false;
    };
  }, [api, contactId, tick]);

  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && reload()), [api, reload]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (cursor === null || state.loadingMore) return;
    setState((s) => ({ ...s, loadingMore: true, moreFailed: false }));
    api.call('contacts.timeline', { id: contactId, cursor, limit: PAGE }).then(
      (page) => {
        setState((s) => {
          // a reload may have run meanwhile: only append to the page this cursor belongs to
          if (s.nextCursor !== cursor) return s;
          const seen = new Set(s.items.map((i) => `${i.kind}:${i.id}`));
          const items = [...s.items, ...known(page.items).filter((i) => !seen.has(`${i.kind}:${i.id}`))];
          shown.current = items.length;
          return { ...s, items, nextCursor: page.nextCursor, loadingMore: false };
        });
      },
      () => setState((s) => ({ ...s, loadingMore: false, moreFailed: true })),
    );
  }, [api, contactId, state.nextCursor, state.loadingMore]);

  /** An entry changed here (a task ticked): shown at once, no round trip. */
  const replace = useCallback((item: TimelineItem) => {
    setState((s) => ({ ...s, items: s.items.map((i) => (i.kind === item.kind && i.id === item.id ? item : i)) }));
  }, []);

  return { ...state, reload, loadMore, replace };
};
