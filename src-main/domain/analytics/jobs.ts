import type { AnalyticsConfig, AnalyticsRecomputeResult, AnalyticsStatus } from '../../contract';
import { reportTo, type JobContext } from '../../host/registry';
import { jobTransaction, type Store } from '../../store/db';
import { analyticsStatus, configureAnalyticsInSteps, rollWindowInSteps, type RecomputeStep, type WindowRun } from './figures';
import { recomputeAnalyticsInSteps, recomputeDerived } from './recompute';

/**
 * The refills of the analyses as jobs: each in one transaction (all or
 * nothing: a cancel leaves settings and figures as they were), yielding
 * between slices of customers and between index builds. At 1M customers and
 * 10M sales a full refill is ~36 s, one day's move of the window ~4 s: the
 * store answers meanwhile, with the figures so far.
 */
const stepsOf = (job: JobContext): ((at: RecomputeStep) => Promise<void>) => {
  const report = reportTo(job);
  return (at) => report(at.stage === 'customers' ? 'analytics.customers' : 'analytics.indexes', at.done, at.total);
};

/** New settings saved and every figure recomputed with them; ends with the status the settings screen shows. */
export const configureJob = (store: Store, patch: Partial<AnalyticsConfig>, job: JobContext, now = new Date()): Promise<AnalyticsStatus> =>
  jobTransaction(store, async () => {
    await configureAnalyticsInSteps(store, patch, stepsOf(job), now);
    recomputeDerived(store, now);
    return analyticsStatus(store);
  });

/** Every figure again from the sales, then the thresholds derived from them. */
export const recomputeJob = (store: Store, job: JobContext, now = new Date()): Promise<AnalyticsRecomputeResult> => {
  const started = performance.now();
  return jobTransaction(store, async () => {
    const customers = await recomputeAnalyticsInSteps(store, stepsOf(job), now);
    return { customers, ms: Math.round(performance.now() - started) };
  });
};

/** The window moved to today: the customers whose sales left it rebuilt (all of them after a long absence). */
export const windowJob = (store: Store, job: JobContext, now = new Date()): Promise<WindowRun> =>
  jobTransaction(store, async () => {
    const run = await rollWindowInSteps(store, stepsOf(job), now);
    if (run !== 'none') recomputeDerived(store, now);
    return run;
  });
