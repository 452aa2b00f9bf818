import { useCallback, useEffect, useState } from 'react';
import type { ConsentStatus, ConsentWording } from '@contract';
import { useApi } from '../../api/context';

export type Load<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: unknown };

/**
 * One contact's consent grid and proof. A command answers with the new
 * status, which is shown at once (`set`); data changed elsewhere (an import,
 * a merge, a restore) reloads it.
 */
export const useConsentStatus = (contactId: number) => {
  const api = useApi();
  const [load, setLoad] = useState<{ id: number; value: Load<ConsentStatus> }>({ id: contactId, value: { state: 'loading' } });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    let live = true;
    api.call('consent.status', { id: contactId }).then(
      (value) => live && setLoad({ id: contactId, value: { state: 'ready', value } }),
      (error: unknown) => live && setLoad({ id: contactId, value: { state: 'error', error } }),
    );
    return () => {
      live = false;
    };
  }, [api, contactId, tick]);

  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && reload()), [api, reload]);

  const set = useCallback((value: ConsentStatus) => setLoad({ id: value.contactId, value: { state: 'ready', value } }), []);
  const current: Load<ConsentStatus> = load.id === contactId ? load.value : { state: 'loading' };
  return { load: current, reload, set };
};

/** Every wording version, newest first (the store seeds version 1 of each purpose on first read). */
export const useConsentWordings = (enabled = true) => {
  const api = useApi();
  const [load, setLoad] = useState<Load<ConsentWording[]>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    api.call('consent.wordings.list', {}).then(
      (value) => live && setLoad({ state: 'ready', value }),
      (error: unknown) => live && setLoad({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [api, enabled, tick]);

  useEffect(() => api.on('data.changed', () => reload()), [api, reload]);
  return { load, reload };
};
