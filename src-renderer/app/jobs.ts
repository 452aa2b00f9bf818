import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Api, JobFinished, JobProgress, JobSubject } from '@contract';
import { useApi } from '../api/context';
import { notifyError } from './notify';

type Seen = { progress: JobProgress | null; finished: JobFinished | null };

/**
 * How often a tracked job without an end is asked about: its `job.finished`
 * event is lost when it comes while the event stream (re)connects, and the
 * screen would wait on it forever.
 */
export const JOB_STATUS_POLL_MS = 2_000;

export type JobTracker = {
  jobId: string | null;
  progress: JobProgress | null;
  finished: JobFinished | null;
  track(jobId: string | null): void;
  /** Asks the store to stop the tracked job; its end still comes as `finished` (cancelled, or done if it was faster). */
  cancel(): Promise<void>;
  /** Cancel asked and not refused: the panel's button shows it is on its way. */
  cancelling: boolean;
};

/**
 * Follows one background job. Listens before the job starts and remembers
 * events by id: a fast job can report (even finish) before the call that
 * started it has returned its id.
 */
export const useJobTracker = (): JobTracker => {
  const api = useApi();
  const { t } = useTranslation();
  const seen = useRef(new Map<string, Seen>());
  const [jobId, setJobId] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [, bump] = useReducer((n: number) => n + 1, 0);

  const entry = useCallback((id: string): Seen => {
    let e = seen.current.get(id);
    if (!e) {
      e = { progress: null, finished: null };
      seen.current.set(id, e);
    }
    return e;
  }, []);

  useEffect(() => {
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
  }, [api, entry]);

  useEffect(() => {
    if (jobId === null) return;
    let stopped = false;
    const timer = setInterval(() => {
      if (entry(jobId).finished !== null) return;
      api.call('jobs.status', { jobId }).then(
        (state) => {
          if (stopped || state === null || state.status === 'running' || entry(jobId).finished !== null) return;
          entry(jobId).finished = state;
          bump();
        },
        // the next round asks again
        () => undefined,
      );
    }, JOB_STATUS_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, entry, jobId]);

  const track = useCallback((id: string | null) => {
    setJobId(id);
    setCancelling(false);
  }, []);
  const cancel = useCallback(async () => {
    if (jobId === null) return;
    setCancelling(true);
    try {
      await api.call('jobs.cancel', { jobId });
    } catch (error) {
      notifyError(t, error);
      setCancelling(false);
    }
  }, [api, jobId, t]);
  const current = jobId === null ? undefined : seen.current.get(jobId);
  return { jobId, progress: current?.progress ?? null, finished: current?.finished ?? null, track, cancel, cancelling };
};

/**
 * The jobs running with a subject (an import, an undo), for a screen opened
 * after they started to take its own back. Asked once; a failed ask is
 * nothing to take back, as is the usual case.
 */
export const runningJobs = (api: Api): Promise<{ jobId: string; subject: JobSubject }[]> =>
  api.call('jobs.running', {}).then(
    (jobs) => jobs.flatMap(({ jobId, subject }) => (subject === null ? [] : [{ jobId, subject }])),
    () => [],
  );
