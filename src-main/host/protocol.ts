import type { Envelope, EventName } from '../contract';

/** Messages between a host and its store worker thread. */
export type ToWorker = { type: 'call'; id: number; name: string; input: unknown } | { type: 'close'; id: number };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; envelope: Envelope }
  | { type: 'closed'; id: number }
  | { type: 'event'; event: EventName; payload: unknown };

export type WorkerData =
  | { mode: 'store'; dbPath: string; dataDir: string; version: string; autoBackup: boolean; workerFile: string }
  | { mode: 'check'; dbPath: string };
