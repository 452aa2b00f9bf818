import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
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

export const openClient = async (dir = tempDir(), file = 'comptoir.sqlite') => {
  const dbPath = path.join(dir, file);
  const client = await createInProcessClient({ dbPath, dataDir: dir });
  clients.push(client);
  return { client, api: toApi(client), dbPath, dir };
};

afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
