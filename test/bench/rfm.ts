/**
 * RFM scores, segments and Pareto tiers at 1M customers / 10M purchases
 * (issue 6). Target: the full recompute of the thresholds, the grid, the
 * segment counts and the tiers ≤ 0.5 s. Raw figures to compare with
 * (STACK.md, issue 6): NTILE(5) over 1M rows alone 1.4 s; plain SQLite
 * end to end (aggregate the purchases, then NTILE) ≈ 2.7 s; DuckDB from a
 * loaded table 0.75 s.
 *
 * Runs on its own copy of the demo base, upgraded on open and given its
 * figures by one full recompute (recomputeAnalytics), made once and reused.
 *
 *   from `npm run bench`, or alone: npx tsx test/bench/rfm.ts [source.sqlite]
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SegmentNode } from '../../src-main/contract';
import { recomputeAnalytics } from '../../src-main/domain/analytics/recompute';
import { contactRfm, paretoOverview, recomputeThresholds, rfmOverview } from '../../src-main/domain/analytics/rfm';
import { countSegment } from '../../src-main/domain/segments/sql';
import { createStore, transaction } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { percentile, runAlone, type Recorder } from './common';


const TARGET_MS = 500;
const NTILE_RAW_MS = 1_400;
const RUNS = 9;


/** The demo base upgraded and given its figures; a half-made copy is never reused. */
const prepareBase = (source: string, benchDir: string, record: Recorder): string => {
  const target = path.join(benchDir, `rfm-${path.basename(source)}`);
  if (fs.existsSync(target)) return target;
  const tmp = `${target}.tmp`;
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(tmp + ext, { force: true });
  const src = openDatabase(source);
  src.pragma('wal_checkpoint(TRUNCATE)');
  src.close();
  fs.copyFileSync(source, tmp);
  const db = openDatabase(tmp);
  const store = createStore(db, tmp);
  const t = performance.now();
  const customers = transaction(store, () => recomputeAnalytics(store));
  record(`rfm: base prepared, figures of ${customers.toLocaleString('en')} customers`, `${((performance.now() - t) / 1000).toFixed(1)} s`);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  fs.renameSync(tmp, target);
  return target;
};

const time = <T>(fn: () => T): { ms: number; value: T } => {
  const t = performance.now();
  const value = fn();
  return { ms: performance.now() - t, value };
};

const ms = (v: number) => `${v.toFixed(0)} ms`;

export const benchRfm = async (opts: { source: string; benchDir: string; record: Recorder }): Promise<void> => {
  const file = prepareBase(opts.source, opts.benchDir, opts.record);
  const store = createStore(openDatabase(file), file);
  try {
    // one run first: the pages of the partial indexes into the cache, as in the app after a few screens
    transaction(store, () => recomputeThresholds(store));
    const parts = { thresholds: [] as number[], rfm: [] as number[], tiers: [] as number[], pareto: [] as number[], core: [] as number[], total: [] as number[] };
    let customers = 0;
    let top = 0;
    for (let i = 0; i < RUNS; i++) {
      const a = time(() => transaction(store, () => recomputeThresholds(store)));
      const b = time(() => rfmOverview(store));
      const tiers = time(() => paretoOverview(store, new Date(), { curve: false, movements: false }));
      const c = time(() => paretoOverview(store));
      parts.thresholds.push(a.ms);
      parts.rfm.push(b.ms);
      parts.tiers.push(tiers.ms);
      parts.pareto.push(c.ms);
      parts.core.push(a.ms + b.ms + tiers.ms);
      parts.total.push(a.ms + b.ms + c.ms);
      customers = a.value.customers;
      top = c.value.topShare;
    }
    const ratios = (v: number) =>
      `${(v / NTILE_RAW_MS).toFixed(2)}× raw NTILE; ${(v / 2_700).toFixed(2)}× plain SQLite 2.7 s; ${(v / 750).toFixed(2)}× DuckDB 0.75 s`;
    const core = percentile(parts.core, 50);
    opts.record(
      `rfm: full recompute — thresholds + grid + segment counts + tiers (${customers.toLocaleString('en')} active customers)`,
      `median ${ms(core)}, p95 ${ms(percentile(parts.core, 95))} (${RUNS} runs)`,
      'NTILE(5) over 1M rows 1.4 s',
      ratios(core),
      `≤ ${TARGET_MS} ms`,
    );
    const median = percentile(parts.total, 50);
    opts.record(
      '  rfm: the same with the Pareto curve and tier movements (the Analyse screens)',
      `median ${ms(median)}, p95 ${ms(percentile(parts.total, 95))}`,
      '',
      ratios(median),
    );
    opts.record('  rfm: recomputeThresholds (4 index walks)', `median ${ms(percentile(parts.thresholds, 50))}, p95 ${ms(percentile(parts.thresholds, 95))}`);
    opts.record('  rfm: rfmOverview (grid, segments, lost)', `median ${ms(percentile(parts.rfm, 50))}, p95 ${ms(percentile(parts.rfm, 95))}`);
    opts.record('  rfm: paretoOverview, tiers only (the dashboard)', `median ${ms(percentile(parts.tiers, 50))}, p95 ${ms(percentile(parts.tiers, 95))}`);
    opts.record(
      `  rfm: paretoOverview (tiers, curve, movements; top 20 % bring ${(top * 100).toFixed(0)} %)`,
      `median ${ms(percentile(parts.pareto, 50))}, p95 ${ms(percentile(parts.pareto, 95))}`,
    );

    const maxId = Number(store.sqlite.prepare('SELECT max(id) FROM contacts').pluck().get());
    const badge: number[] = [];
    for (let i = 0; i < 200; i++) badge.push(time(() => contactRfm(store, 1 + ((i * 7919) % maxId))).ms);
    opts.record('  rfm: one contact’s badge', `p50 ${percentile(badge, 50).toFixed(2)} ms, p95 ${percentile(badge, 95).toFixed(2)} ms`);

    const criteria: [string, SegmentNode][] = [
      ['segment champions', { field: 'rfmSegment', in: ['champions'] }],
      ['segment lost', { field: 'rfmSegment', in: ['lost'] }],
      ['tier gold', { field: 'paretoTier', in: ['gold'] }],
      ['scores R ≥ 4 and M = 5', { field: 'rfmScore', r: { min: 4, max: 5 }, m: { min: 5, max: 5 } }],
    ];
    for (const [name, root] of criteria) {
      const runs: number[] = [];
      let n = 0;
      for (let i = 0; i < 3; i++) {
        const r = time(() => countSegment(store, { version: 2, root }));
        runs.push(r.ms);
        n = r.value;
      }
      opts.record(`  rfm: segment count, ${name} (${n.toLocaleString('en')})`, `median ${ms(percentile(runs, 50))}`);
    }
  } finally {
    store.sqlite.close();
  }
};

runAlone('rfm.ts', 'demo-1000000x10.sqlite', benchRfm);
