import { useCallback, useEffect, useState } from 'react';
import type { LoyaltyProgramme, Member, Reward } from '@contract';
import { useApi } from '../../api/context';

export type Load<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: unknown };

/**
 * The contact page's panel, the counter and the timeline show the same
 * balance: a change made in one tells the others without threading callbacks
 * through shared pages.
 */
type Listener = (contactId: number | null) => void;
const listeners = new Set<Listener>();

/** null: the whole programme changed (settings, a bonus to a group). */
export const loyaltyChanged = (contactId: number | null): void => {
  for (const listener of [...listeners]) listener(contactId);
};

export const onLoyaltyChanged = (contactId: number | null, cb: () => void): (() => void) => {
  const listener: Listener = (id) => {
    if (id === null || contactId === null || id === contactId) cb();
  };
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
};

/** A call's answer, reloaded when loyalty data or the store changes. `key` re-runs it (another contact). */
const useLoaded = <T>(load: () => Promise<T>, contactId: number | null, key: string) => {
  const api = useApi();
  const [state, setState] = useState<{ key: string; value: Load<T> }>({ key, value: { state: 'loading' } });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setState({ key, value: { state: 'ready', value } }),
      (error: unknown) => live && setState({ key, value: { state: 'error', error } }),
    );
    return () => {
      live = false;
    };
    // `load` is a fresh closure each render: `key` says when it asks something else
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, tick]);

  useEffect(() => onLoyaltyChanged(contactId, reload), [contactId, reload]);
  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && reload()), [api, reload]);

  const value: Load<T> = state.key === key ? state.value : { state: 'loading' };
  return { load: value, reload };
};

/** The member behind a contact, or null when they have not joined. */
export const useMember = (contactId: number | null) => {
  const api = useApi();
  return useLoaded<Member | null>(
    () => (contactId === null ? Promise.resolve(null) : api.call('loyalty.member', { id: contactId })),
    contactId,
    `member:${contactId ?? 'none'}`,
  );
};

export const useProgramme = () => {
  const api = useApi();
  return useLoaded<LoyaltyProgramme>(() => api.call('loyalty.programme.get', {}), null, 'programme');
};

export const useRewards = () => {
  const api = useApi();
  return useLoaded<Reward[]>(() => api.call('loyalty.rewards.list', {}), null, 'rewards');
};
