import { useCallback, useEffect, useState } from 'react';
import type { Api } from '@contract';
import { useApi } from '../../api/context';

type Loaded<T> = { data: T | null; error: unknown; reload(): void };

/** One analysis query (a module-level loader, so it is stable), loaded on mount and again on `reload` (after a recompute). */
export const useAnalysis = <T>(load: (api: Api) => Promise<T>): Loaded<T> => {
  const api = useApi();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load(api).then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, load, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  // sales recorded or imported elsewhere move the counts (the thresholds stay until recomputed)
  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && reload()), [api, reload]);
  return { data, error, reload };
};
