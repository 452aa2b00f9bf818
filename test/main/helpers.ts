import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { AppError, type Api, type ImportRecord } from '../../src-main/contract';
import { jobResult } from '../jobs';
import { createStore, type Store } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { toApi, type StoreClient } from '../../src-main/host/client';
import { createInProcessClient } from '../../src-main/host/inprocess';

const dirs: string[] = [];

/** A fresh folder per test, removed afterwards: no test sees another's database. */
export const tempDir = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comptoir-test-'));
  dirs.push(dir);
  return dir;
};

const clients: StoreClient[] = [];
const stores: Store[] = [];

/** A store on a real file (a fresh folder unless `file` is given), closed after the test: for service-level tests. */
export const openStore = (file = path.join(tempDir(), 'comptoir.sqlite')): Store => {
  const store = createStore(openDatabase(file), file);
  stores.push(store);
  return store;
};

/** The AppError a call rejects with (fails the test if it resolves or throws something else). */
export const failure = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

export const openClient = async (dir = tempDir(), file = 'comptoir.sqlite') => {
  const dbPath = path.join(dir, file);
  const client = await createInProcessClient({ dbPath, dataDir: dir });
  clients.push(client);
  return { client, api: toApi(client, { dataDir: dir }), dbPath, dir };
};

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const st of stores.splice(0)) if (st.sqlite.open) st.sqlite.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export { finishedJob, jobResult } from '../jobs';

/** `imports.undo` to its end: the record when done; a refusal, failure or cancel throws its AppError. */
export const undoImportCall = async (api: Pick<Api, 'call' | 'on'>, importId: number): Promise<ImportRecord> =>
  (await jobResult(api, () => api.call('imports.undo', { importId }))) as ImportRecord;
