import type { JobFinished, JobProgress } from './jobs';
import type { AppStatus, StoreUpgrade } from './store';

/** Events pushed from the store to every connected window. */
export type Events = {
  'job.progress': JobProgress;
  'job.finished': JobFinished;
  'store.status': AppStatus;
  /** The base is being upgraded as it opens (repeated every second until it is done); calls wait meanwhile. */
  'store.upgrade': StoreUpgrade;
  /** Data changed outside the current window (job, restore): lists refresh. */
  'data.changed': { scope: 'contacts' | 'settings' | 'privacy' | 'all' };
};
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = ['job.progress', 'job.finished', 'store.status', 'store.upgrade', 'data.changed'];
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && (eventNames as readonly string[]).includes(name);
