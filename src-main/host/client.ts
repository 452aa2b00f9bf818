import {
  AppError,
  isAppErrorData,
  type Api,
  type CallName,
  type Envelope,
  type EventName,
  type Events,
} from '../contract';
import { isTransferFile, stageUpload } from './transfers';

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

/**
 * Typed view of a client: unwraps envelopes, throws AppError on failure. In
 * this process there is no user to hand files to: an upload is copied into
 * the data folder's transfers (as the web host does), a download only checks
 * that the file is one the store wrote for the user.
 */
export const toApi = (client: Pick<StoreClient, 'invoke' | 'onEvent'>, files: { dataDir: string } | null = null): Api => ({
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
  async upload(file) {
    if (files === null) throw new AppError('STORE_UNAVAILABLE', 'no data folder for uploads');
    const bytes = new Uint8Array(await file.arrayBuffer());
    return stageUpload(
      files.dataDir,
      file.name,
      (async function* () {
        yield bytes;
      })(),
    );
  },
  async download(path) {
    if (files === null || !isTransferFile(files.dataDir, path)) throw new AppError('NOT_FOUND', 'not a file for the user');
  },
});

export type { CallName };
