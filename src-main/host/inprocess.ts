import type { EventName } from '../contract';
import type { StoreClient } from './client';
import { createDispatcher, type IntegrityMode } from './dispatcher';

export type InProcessOptions = {
  dbPath: string;
  dataDir: string;
  version?: string;
  autoBackup?: boolean;
  integrity?: IntegrityMode;
};

/**
 * The store in the calling thread: for the CLI's one-shot commands and for
 * tests. Same dispatcher, same validation, same errors as the worker.
 */
export const createInProcessClient = async (options: InProcessOptions): Promise<StoreClient> => {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const dispatcher = createDispatcher({
    dbPath: options.dbPath,
    dataDir: options.dataDir,
    version: options.version ?? '0.0.0-test',
    autoBackup: options.autoBackup ?? false,
    integrity: options.integrity ?? 'sync',
    emit: (event, payload) => {
      for (const l of listeners) l(event, payload);
    },
  });
  await dispatcher.settled();
  return {
    // structuredClone mimics the worker boundary: callers never share objects with the store
    invoke: async (name, input) => structuredClone(await dispatcher.invoke(name, structuredClone(input))),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => dispatcher.close(),
  };
};
