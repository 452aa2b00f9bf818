import { useCallback, useEffect, useRef, useState } from 'react';
import { useDebouncedValue } from '@mantine/hooks';
import type { Segment, SegmentDefinition } from '@contract';
import { useApi } from '../../api/context';

export type Load<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'error'; error: unknown };

/** The builder asks for a count once typing pauses this long. */
export const COUNT_DEBOUNCE_MS = 250;

/*
 * A segment saved, renamed or deleted here must show in the list, the
 * bonus grant's picker and any open builder without threading callbacks
 * through the shell.
 */
const listeners = new Set<() => void>();
export const segmentsChanged = (): void => {
  for (const listener of [...listeners]) listener();
};
const onSegmentsChanged = (cb: () => void): (() => void) => {
  listeners.add(cb);
  return () => {
    listeners.delete(cb);
  };
};

/** Reloads on our own changes and on the store's (an import, a restore). */
const useReloadTick = (): [number, () => void] => {
  const api = useApi();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => onSegmentsChanged(reload), [reload]);
  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && reload()), [api, reload]);
  return [tick, reload];
};

/** The saved segments, by name (without their counts: `segments.list` does not scan). */
export const useSegmentList = () => {
  const api = useApi();
  const [tick, reload] = useReloadTick();
  const [load, setLoad] = useState<Load<Segment[]>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    api.call('segments.list', {}).then(
      (value) => live && setLoad({ state: 'ready', value }),
      (error: unknown) => live && setLoad({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [api, tick]);
  return { load, reload };
};

/** One segment with its count today; `id` null (a new segment) loads nothing. */
export const useSegment = (id: number | null) => {
  const api = useApi();
  const [tick, reload] = useReloadTick();
  const [state, setState] = useState<{ id: number | null; load: Load<Segment> }>({ id, load: { state: 'loading' } });
  useEffect(() => {
    if (id === null) return;
    let live = true;
    api.call('segments.get', { id }).then(
      (value) => live && setState({ id, load: { state: 'ready', value } }),
      (error: unknown) => live && setState({ id, load: { state: 'error', error } }),
    );
    return () => {
      live = false;
    };
  }, [api, id, tick]);
  const load: Load<Segment> = state.id === id ? state.load : { state: 'loading' };
  return { load, reload };
};

type Answer = { key: string; tick: number; count: number } | { key: string; tick: number; error: unknown };

export type LiveCount =
  | { state: 'empty' }
  | { state: 'counting'; last: number | null }
  | { state: 'ready'; count: number }
  | { state: 'error'; error: unknown; last: number | null };

/**
 * The count of a definition being edited: asked once edits pause, answers to
 * an older definition dropped (a slow count must not overwrite a newer one),
 * asked again when the base changes under it.
 */
export const useLiveCount = (definition: SegmentDefinition | null): LiveCount => {
  const api = useApi();
  const [tick] = useReloadTick();
  const key = definition === null ? '' : JSON.stringify(definition);
  const [debounced] = useDebouncedValue(definition, COUNT_DEBOUNCE_MS);
  const generation = useRef(0);
  const [answer, setAnswer] = useState<Answer | null>(null);

  useEffect(() => {
    const gen = ++generation.current;
    if (debounced === null) return;
    const asked = JSON.stringify(debounced);
    api.call('segments.count', { definition: debounced }).then(
      ({ count }) => gen === generation.current && setAnswer({ key: asked, tick, count }),
      (error: unknown) => gen === generation.current && setAnswer({ key: asked, tick, error }),
    );
  }, [api, debounced, tick]);

  if (definition === null) return { state: 'empty' };
  const last = answer !== null && 'count' in answer ? answer.count : null;
  if (answer === null || answer.key !== key || answer.tick !== tick) return { state: 'counting', last };
  return 'count' in answer ? { state: 'ready', count: answer.count } : { state: 'error', error: answer.error, last };
};
