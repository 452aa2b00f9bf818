import { scheduleDaily, type DailyRun } from '../../host/daily';
import { localDate, type RetentionStatus } from '../../contract';
import { transaction, type Store } from '../../store/db';
import { removeDue } from './actions';
import { purgeSearchIndexIfPending } from '../privacy/erasure';
import { forgetErasedBytes } from './erase';
import { getPolicies, getStatus, saveStatus } from './policies';
import { dueBounds, dueCounts, dueIds } from './review';

/**
 * The start-up and daily check: the due counts the panel and dashboard show,
 * and, only when the user turned automatic mode on, the configured action
 * applied to everyone due (audited as automatic). One transaction: the counts
 * saved are those of the base the action saw.
 */
export const runRetentionCheck = (store: Store, now: Date = new Date()): RetentionStatus => {
  const status = transaction(store, () => {
    const policies = getPolicies(store);
    const b = dueBounds(policies, localDate(now));
    let applied: RetentionStatus['applied'] = null;
    if (policies.automatic) {
      const due = dueIds(store, b);
      if (due.length > 0) {
        applied = { action: policies.automaticAction, count: removeDue(store, policies.automaticAction, b.on, {}, due, true) };
      }
    }
    const status: RetentionStatus = { checkedAt: now.toISOString(), on: b.on, due: dueCounts(store, b), applied };
    saveStatus(store, status);
    // the search terms of contacts deleted since the last check (an erasure purges its own at once)
    purgeSearchIndexIfPending(store);
    return status;
  });
  if (status.applied?.action === 'erase') forgetErasedBytes(store);
  return status;
};

/**
 * What the panel and the dashboard show: today's check, or, before it has run
 * (the app just started, or stayed open past midnight), today's counts read
 * now — a few index ranges (migration 9), so no one sees yesterday's figures.
 */
export const currentStatus = (store: Store, now: Date = new Date()): RetentionStatus => {
  const saved = getStatus(store);
  const today = localDate(now);
  if (saved.on === today) return saved;
  return { checkedAt: now.toISOString(), on: today, due: dueCounts(store, dueBounds(getPolicies(store), today)), applied: null };
};

/** After start: the first screen and the start-up backup come first (an automatic archive or erasure may take seconds). */
const START_DELAY_MS = 5_000;

/** Runs the check once the store is ready and then every 24 h. */
export const scheduleRetentionChecks = (options: {
  store(): Store | null;
  onChecked(status: RetentionStatus): void;
  delayMs?: number;
  everyMs?: number;
}): DailyRun =>
  scheduleDaily({
    name: 'retention check',
    store: options.store,
    run: runRetentionCheck,
    onDone: options.onChecked,
    delayMs: options.delayMs ?? START_DELAY_MS,
    everyMs: options.everyMs,
  });
