import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { JobFinished, JobProgress } from '@contract';
import { useApi } from '../api/context';

type Seen = { progress: JobProgress | null; finished: JobFinished | null };

export type JobTracker = {
  jobId: string | null;
  progress: JobProgress | null;
  finished: JobFinished | null;
  track(jobId: string | null): void;
};

/**
 * Follows one background job. Listens before the job starts and remembers
 * events by id: a fast job can report (even finish) before the call that
 * started it has returned its id.
 */
export const useJobTracker = (): JobTracker => {
  const api = useApi();
  const seen = useRef(new Map<string, Seen>());
  const [jobId, setJobId] = useState<string | null>(null);
  const [, bump] = useReducer((n: number) => n + 1, 0);

  useEffect(() => {
    const entry = (id: string): Seen => {
      let e = seen.current.get(id);
      if (!e) {
        e = { progress: null, finished: null };
        seen.current.set(id, e);
      }
      return e;
    };
    const offProgress = api.on('job.progress', (p) => {
      entry(p.jobId).progress = p;
      bump();
    });
    const offFinished = api.on('job.finished', (f) => {
      entry(f.jobId).finished = f;
      bump();
    });
    return () => {
      offProgress();
      offFinished();
    };
  }, [api]);

  const track = useCallback((id: string | null) => setJobId(id), []);
  const current = jobId === null ? undefined : seen.current.get(jobId);
  return { jobId, progress: current?.progress ?? null, finished: current?.finished ?? null, track };
};
