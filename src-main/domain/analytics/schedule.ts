import { scheduleDaily, type DailyRun } from '../../host/daily';
import type { JobContext } from '../../host/registry';
import type { Store } from '../../store/db';
import { windowDue, type WindowRun } from './figures';
import { windowJob } from './jobs';

/** Soon after start: an upgraded base computes its figures before anyone opens the dashboard. */
export const ANALYTICS_START_DELAY_MS = 1_500;
/** Hourly: the window follows today, so it moves shortly after midnight; a check that finds nothing to do costs one row read. */
const EVERY_MS = 3_600_000;

/**
 * Keeps the analysis window on today: when it has moved (or the figures are
 * stale: an upgraded base, a long absence), the customers whose sales left
 * the window or the previous one are rebuilt in a job (subject
 * analytics/window), so the store answers meanwhile; nothing starts when
 * nothing moved. A job already running (an import, a settings save) has the
 * run tried again shortly.
 */
export const scheduleAnalyticsRuns = (options: {
  store(): Store | null;
  startJob(run: (job: JobContext) => Promise<WindowRun>): void;
  delayMs?: number;
  everyMs?: number;
}): DailyRun =>
  scheduleDaily({
    name: 'analytics window',
    store: options.store,
    run: (store) => {
      if (windowDue(store)) options.startJob((job) => windowJob(store, job));
    },
    onDone: () => undefined,
    delayMs: options.delayMs ?? ANALYTICS_START_DELAY_MS,
    everyMs: options.everyMs ?? EVERY_MS,
  });
