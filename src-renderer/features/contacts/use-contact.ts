import { useCallback, useEffect, useState } from 'react';
import type { Contact } from '@contract';
import { useApi } from '../../api/context';

export type ContactLoad =
  | { state: 'loading' }
  | { state: 'ready'; contact: Contact }
  | { state: 'error'; error: unknown };

/** One contact by id, reloaded when the data changes elsewhere (a job, a restore). */
export const useContact = (id: number | undefined): [ContactLoad, () => void] => {
  const api = useApi();
  const [load, setLoad] = useState<{ id: number | undefined; tick: number; value: ContactLoad }>({
    id,
    tick: 0,
    value: { state: 'loading' },
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    if (id === undefined) return;
    let live = true;
    api.call('contacts.get', { id }).then(
      (contact) => live && setLoad({ id, tick, value: { state: 'ready', contact } }),
      (error: unknown) => live && setLoad({ id, tick, value: { state: 'error', error } }),
    );
    return () => {
      live = false;
    };
  }, [api, id, tick]);

  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && reload()), [api, reload]);

  // a reload keeps showing the previous contact instead of flashing a loader
  const current: ContactLoad = load.id === id ? load.value : { state: 'loading' };
  return [current, reload];
};
