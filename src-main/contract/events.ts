import type { JobFinished, JobProgress } from './jobs';
import type { AppStatus } from './store';

/** Events pushed from the store to every connected window. */
export type Events = {
  'job.progress': JobProgress;
  'job.finished': JobFinished;
  'store.status': AppStatus;
  /** Data changed outside the current window (job, restore): lists refresh. */
  'data.changed': { scope: 'contacts' | 'settings' | 'privacy' | 'all' };
};
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = ['job.progress', 'job.finished', 'store.status', 'data.changed'];
export const isEventName = (name: unknown): name is EventName =>
  typeof name === 'string' && (eventNames as readonly string[]).includes(name);
