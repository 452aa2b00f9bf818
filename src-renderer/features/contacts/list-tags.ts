import { useEffect, useState } from 'react';
import type { Tag } from '@contract';
import { useApi } from '../../api/context';

/**
 * The shop's tags, for the filter and the bulk tag actions; reloaded when
 * contacts change (a bulk tag can create one, counts move). A failure leaves
 * the last list: the tag pickers are a convenience, the list still works.
 */
export const useTags = (): Tag[] => {
  const api = useApi();
  const [tags, setTags] = useState<Tag[]>([]);
  const [tick, setTick] = useState(0);
  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && setTick((n) => n + 1)), [api]);
  useEffect(() => {
    let live = true;
    api.call('tags.list', {}).then(
      (list) => {
        if (live) setTags(list);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, tick]);
  return tags;
};
