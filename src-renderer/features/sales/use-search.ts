import { useCallback, useEffect, useRef, useState } from 'react';
import { useDebouncedValue } from '@mantine/hooks';

export type Matches<T> = { q: string; rows: readonly T[] };

const none: Matches<never> = { q: '', rows: [] };

/**
 * Matches for what is being typed, asked for once typing pauses; answers to
 * older text are dropped. `fresh` answers for the text as it is now, for an
 * Enter that comes before the pause (a barcode scanner types SKU + Enter at once).
 */
export const useSearch = <T>(text: string, search: (q: string) => Promise<T[]>, delayMs = 120) => {
  const q = text.trim();
  const [debounced] = useDebouncedValue(q, delayMs);
  const [matches, setMatches] = useState<Matches<T>>(none);
  const generation = useRef(0);

  useEffect(() => {
    if (debounced === '') return;
    const gen = ++generation.current;
    search(debounced).then(
      (rows) => gen === generation.current && setMatches({ q: debounced, rows }),
      // a failed lookup shows no matches; saving reports store failures
      () => gen === generation.current && setMatches({ q: debounced, rows: [] }),
    );
  }, [debounced, search]);

  const current: Matches<T> = q === '' ? none : matches;

  const fresh = useCallback(async (): Promise<readonly T[]> => {
    if (q === '') return [];
    if (matches.q === q) return matches.rows;
    return search(q);
  }, [q, matches, search]);

  return { matches: current, fresh };
};
