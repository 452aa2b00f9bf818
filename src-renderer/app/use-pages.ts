import { useCallback, useEffect, useState } from 'react';

/** A keyset-paged answer: its rows, where to go on, and whatever else the call returns (totals). */
export type KeysetPage<R> = { rows: R[]; nextCursor: string | null };

/**
 * A list read page by page: the first page when `fetch` changes (its
 * arguments changed), the next ones appended by `more`. The last page's
 * other fields (totals, summaries) are kept with the rows gathered so far.
 */
export const useKeysetPages = <R, P extends KeysetPage<R>>(fetch: (cursor: string | null) => Promise<P>) => {
  const [page, setPage] = useState<P | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);

  const read = useCallback(
    async (cursor: string | null) => {
      setLoading(true);
      try {
        const next = await fetch(cursor);
        setPage((before) => (cursor === null || before === null ? next : { ...next, rows: [...before.rows, ...next.rows] }));
        setError(null);
      } catch (e) {
        setError(e);
      } finally {
        setLoading(false);
      }
    },
    [fetch],
  );

  useEffect(() => {
    void read(null);
  }, [read]);

  const more = useCallback(() => {
    if (page?.nextCursor != null) void read(page.nextCursor);
  }, [page, read]);
  const reload = useCallback(() => void read(null), [read]);

  return { page, error, loading, more, reload, setPage };
};
