import { AppError, type Api, type JobFinished, type JobRef } from '../src-main/contract';

/**
 * Starts a job through `start` and waits for its end. Listens first: a short
 * job may finish before the call that started it has answered.
 */
export const finishedJob = async (api: Pick<Api, 'on'>, start: () => Promise<JobRef>): Promise<JobFinished> => {
  const seen = new Map<string, JobFinished>();
  let wanted: string | null = null;
  let resolve: (f: JobFinished) => void = () => undefined;
  const done = new Promise<JobFinished>((r) => (resolve = r));
  const off = api.on('job.finished', (f) => {
    if (f.jobId === wanted) resolve(f);
    else seen.set(f.jobId, f);
  });
  try {
    const { jobId } = await start();
    wanted = jobId;
    return seen.get(jobId) ?? (await done);
  } finally {
    off();
  }
};

/** A job to its end: its result when done; a refusal, failure or cancel throws its AppError. */
export const jobResult = async (api: Pick<Api, 'on'>, start: () => Promise<JobRef>): Promise<unknown> => {
  const f = await finishedJob(api, start);
  if (f.status !== 'done') throw new AppError(f.error?.code ?? 'INTERNAL', f.error?.message ?? f.status, f.error?.details);
  return f.result;
};
