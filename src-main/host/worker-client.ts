import { Worker } from 'node:worker_threads';
import type { Envelope, EventName } from '../contract';
import type { StoreClient } from './client';
import type { FromWorker, ToWorker, WorkerData } from './protocol';

export type WorkerClientOptions = {
  dbPath: string;
  dataDir: string;
  version: string;
  autoBackup: boolean;
  /** The built worker entry (out/main/worker.js). */
  workerFile: string;
};

const UPGRADE_REPEAT_MS = 1000;

/** Runs the store in a worker thread; calls are messages, answers come back by id. */
export const createWorkerClient = (options: WorkerClientOptions): StoreClient => {
  const data: WorkerData = { mode: 'store', ...options };
  const worker = new Worker(options.workerFile, { workerData: data });
  const pending = new Map<number, (m: FromWorker) => void>();
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  let nextId = 1;
  let dead: Error | null = null;

  const tell = (event: EventName, payload: unknown): void => {
    for (const l of listeners) l(event, payload);
  };

  /*
   * An upgrade blocks the worker for as long as it runs (minutes on a large
   * base), and a window that connects meanwhile would have missed its one
   * event: the last one is told again every second from here, where the
   * thread is free, until the worker says the store is open.
   */
  let repeating: ReturnType<typeof setInterval> | null = null;
  const upgradeEnded = (): void => {
    if (repeating !== null) clearInterval(repeating);
    repeating = null;
  };
  const upgrading = (payload: unknown): void => {
    upgradeEnded();
    repeating = setInterval(() => tell('store.upgrade', payload), UPGRADE_REPEAT_MS);
    // a host that is closing must not be kept alive by this
    repeating.unref();
  };

  worker.on('message', (m: FromWorker) => {
    if (m.type === 'event') {
      if (m.event === 'store.upgrade') upgrading(m.payload);
      else if (m.event === 'store.status') upgradeEnded();
      tell(m.event, m.payload);
    } else if (m.type === 'ready') {
      upgradeEnded();
    } else if (m.type === 'result' || m.type === 'closed') {
      const resolve = pending.get(m.id);
      pending.delete(m.id);
      resolve?.(m);
    }
  });
  const fail = (error: Error) => {
    dead = error;
    upgradeEnded();
    console.error('[comptoir] store worker stopped', error);
    for (const [id, resolve] of pending) {
      resolve({ type: 'result', id, envelope: { ok: false, error: { code: 'INTERNAL', message: 'the store stopped' } } });
    }
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!dead) fail(new Error(`store worker exited with code ${code}`));
  });

  const send = (m: ToWorker): Promise<FromWorker> =>
    new Promise((resolve) => {
      if (dead) {
        resolve({ type: 'result', id: m.id, envelope: { ok: false, error: { code: 'INTERNAL', message: 'the store stopped' } } });
        return;
      }
      pending.set(m.id, resolve);
      worker.postMessage(m);
    });

  return {
    async invoke(name, input): Promise<Envelope> {
      let message: ToWorker;
      try {
        // structured clone happens at postMessage: reject what cannot cross, as a validation error
        message = { type: 'call', id: nextId++, name, input: structuredClone(input) };
      } catch {
        return { ok: false, error: { code: 'VALIDATION', message: 'input cannot be serialised' } };
      }
      const reply = await send(message);
      return reply.type === 'result' ? reply.envelope : { ok: false, error: { code: 'INTERNAL', message: 'bad reply' } };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      if (!dead) await send({ type: 'close', id: nextId++ });
      dead = dead ?? new Error('closed');
      upgradeEnded();
      await worker.terminate();
    },
  };
};
