import { scheduleDaily, type DailyRun } from '../../host/daily';
import { transaction, type Store } from '../../store/db';
import { runDaily } from './service';

/** After start, and after the retention check's own delay. */
const START_DELAY_MS = 7_000;

/** Expiry (oldest lots first) and the tier recount, shortly after start and then every 24 h. */
export const scheduleLoyaltyRuns = (options: {
  store(): Store | null;
  onRun(result: { expired: number }): void;
  delayMs?: number;
  everyMs?: number;
}): DailyRun =>
  scheduleDaily({
    name: 'loyalty daily run',
    store: options.store,
    run: (store) => transaction(store, () => runDaily(store)),
    onDone: options.onRun,
    delayMs: options.delayMs ?? START_DELAY_MS,
    everyMs: options.everyMs,
  });
