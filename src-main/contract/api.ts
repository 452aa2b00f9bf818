import type { CallInput, CallName, CallOutput } from './calls';
import type { AppErrorData } from './errors';
import type { EventName, Events } from './events';

/** A file the user picked (a DOM File in the renderer). */
export type UploadSource = Blob & { readonly name: string };

/** A picked file made readable by the store: imports take its `path`. */
export type StagedFile = { path: string; name: string; size: number };

/** What the renderer (and every other client) sees of the store, whatever the transport. */
export type Api = {
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Hands a picked file to the store (browser: an upload; Electron: its own path). */
  upload(file: UploadSource): Promise<StagedFile>;
  /** Gives the user a file the store wrote for them (an export): a download or a Save dialog. */
  download(path: string): Promise<void>;
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
  /** Envelope value: a StagedFile. */
  upload(file: UploadSource): Promise<Envelope>;
  /** Envelope value: null once the file is on its way to the user. */
  download(path: string): Promise<Envelope>;
};
