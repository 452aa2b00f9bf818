import type { CallInput, CallName, CallOutput } from './calls';
import type { AppErrorData } from './errors';
import type { EventName, Events } from './events';

/** What the renderer (and every other client) sees of the store, whatever the transport. */
export type Api = {
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/**
 * How a result crosses a process boundary. Errors travel as data: Electron's
 * IPC and contextBridge keep only an Error's message, which would lose the code.
 */
export type Envelope = { ok: true; value: unknown } | { ok: false; error: AppErrorData };

/** The raw transport: what the preload exposes and what the HTTP client implements. */
export type Transport = {
  invoke(name: string, input: unknown): Promise<Envelope>;
  on(event: string, listener: (payload: unknown) => void): () => void;
};
