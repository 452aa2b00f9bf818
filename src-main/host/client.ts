import {
  AppError,
  isAppErrorData,
  type Api,
  type CallName,
  type Envelope,
  type EventName,
  type Events,
} from '../contract';

/**
 * The host side's handle on the store, whichever way it runs (worker thread
 * or in-process). `invoke` takes unchecked names and input: the store
 * validates both, so IPC and HTTP can pass what they received.
 */
export type StoreClient = {
  invoke(name: string, input: unknown): Promise<Envelope>;
  onEvent(listener: (event: EventName, payload: unknown) => void): () => void;
  /** Backs up (when the host asked for automatic backups) and closes the database. */
  close(): Promise<void>;
};

/** Typed view of a client: unwraps envelopes, throws AppError on failure. */
export const toApi = (client: Pick<StoreClient, 'invoke' | 'onEvent'>): Api => ({
  async call(name, input) {
    const result = await client.invoke(name, input);
    if (result.ok) return result.value as never;
    const e = isAppErrorData(result.error) ? result.error : { code: 'INTERNAL' as const, message: 'Unexpected error' };
    throw new AppError(e.code, e.message, e.details);
  },
  on(event, listener) {
    return client.onEvent((name, payload) => {
      if (name === event) listener(payload as Events[typeof event]);
    });
  },
});

export type { CallName };
