import { scheduleDaily, type DailyRun } from '../../host/daily';
import { transaction, type Store } from '../../store/db';
import { rollWindow } from './figures';
import { recomputeDerived } from './recompute';

/** Soon after start: an upgraded base computes its figures before anyone opens the dashboard. */
const START_DELAY_MS = 1_500;
/** Hourly: the window follows today, so it moves shortly after midnight; a check that finds nothing to do costs one row read. */
const EVERY_MS = 3_600_000;

export type AnalyticsRun = 'none' | 'rolled' | 'recomputed';

/**
 * Keeps the analysis window on today: the customers whose sales left the
 * window (or the previous one) are rebuilt, or everything when the base was
 * upgraded or the app stayed closed for long; derived thresholds follow.
 */
export const runAnalytics = (store: Store, now: Date = new Date()): AnalyticsRun => {
  const run = rollWindow(store, now);
  if (run !== 'none') recomputeDerived(store, now);
  return run;
};

export const scheduleAnalyticsRuns = (options: {
  store(): Store | null;
  onRun(result: AnalyticsRun): void;
  delayMs?: number;
  everyMs?: number;
}): DailyRun =>
  scheduleDaily({
    name: 'analytics window',
    store: options.store,
    run: (store) => transaction(store, () => runAnalytics(store)),
    onDone: options.onRun,
    delayMs: options.delayMs ?? START_DELAY_MS,
    everyMs: options.everyMs ?? EVERY_MS,
  });
