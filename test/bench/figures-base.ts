/**
 * A copy of a bench base with its analytics figures computed once (issue 6),
 * for the benches that read them; a half-made copy is never reused.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { recomputeAnalytics } from '../../src-main/domain/analytics/recompute';
import { createStore, transaction } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { type Recorder } from './common';


export const figuresBase = (source: string, benchDir: string, name: string, record: Recorder): string => {
  const target = path.join(benchDir, `${name}-${path.basename(source)}`);
  if (fs.existsSync(target)) return target;
  if (!fs.existsSync(source)) throw new Error(`run the segments bench first: ${source} is missing`);
  const tmp = `${target}.tmp`;
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(tmp + ext, { force: true });
  fs.copyFileSync(source, tmp);
  // commits still in the source's WAL come along (no checkpoint of a file another bench may hold)
  if (fs.existsSync(`${source}-wal`)) fs.copyFileSync(`${source}-wal`, `${tmp}-wal`);
  const store = createStore(openDatabase(tmp), tmp);
  const t = performance.now();
  const customers = transaction(store, () => recomputeAnalytics(store));
  record(`${name} base: recomputeAnalytics (${customers.toLocaleString('en')} customers)`, `${((performance.now() - t) / 1000).toFixed(1)} s`);
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  store.sqlite.close();
  fs.renameSync(tmp, target);
  return target;
};
