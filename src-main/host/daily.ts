import { AppError, DAY_MS } from '../contract';
import type { Store } from '../store/db';

/** An import holds the write lock for minutes, an export its reading cursor: try again shortly rather than wait a day. */
const RETRY_MS = 60_000;

export type DailyRun = {
  stop(): void;
  /** Runs again after the short retry delay (its run gave way to the user), then on its usual rhythm. */
  soon(): void;
};

/**
 * Work the store owes itself every day (retention check, points expiry):
 * once shortly after start, so the first screen and the start-up backup come
 * first, then every 24 h. Timers are unref'd so they never keep a CLI command
 * or a test alive; `store()` is read at each run (a restore swaps the
 * connection, the recovery screen has none). A failed run is logged and
 * tried again the next day.
 */
export const scheduleDaily = <T>(options: {
  name: string;
  store(): Store | null;
  run(store: Store): T;
  onDone(result: T): void;
  delayMs: number;
  everyMs?: number;
}): DailyRun => {
  const every = options.everyMs ?? DAY_MS;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const plan = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(tick, ms);
    timer.unref();
  };
  const tick = () => {
    const store = options.store();
    if (store === null) return plan(every);
    if (store.sqlite.inTransaction) return plan(RETRY_MS);
    try {
      options.onDone(options.run(store));
    } catch (error) {
      // an export streaming rows holds the connection between its chunks, a job of the same kind runs: not now
      if (error instanceof TypeError && /busy executing a query/.test(error.message)) return plan(RETRY_MS);
      if (error instanceof AppError && error.code === 'BUSY') return plan(RETRY_MS);
      console.error(`[comptoir] ${options.name} failed`, error);
    }
    plan(every);
  };
  plan(options.delayMs);
  return {
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
    },
    soon() {
      if (timer !== null) clearTimeout(timer);
      plan(RETRY_MS);
    },
  };
};
