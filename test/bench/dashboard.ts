/**
 * The dashboard at 1M customers and 10M purchases (issue 6). Target: the
 * dashboard data call ≤ 300 ms. Printed: median and p95 of 10 calls through
 * the dispatcher (in-process client, as the app's worker runs it) for the
 * default period, one line per other period, and where the time goes.
 *
 * The window's figures (RFM segments, tiers, customers at risk) are kept in
 * memory until the next write, so each call is measured twice: cold (a
 * write by another connection just before, as after a sale at the counter)
 * and warm (the home page shown again with nothing written since).
 *
 * Runs on a copy of the segments bench's base (the demo with consent, a VIP
 * tag and one line per sale), figures recomputed once after loading; the
 * copy is reused. A base whose figures are already computed may be given
 * instead (it is then read, not copied).
 *
 *   from `npm run bench`, or alone: npx tsx test/bench/dashboard.ts [segments-base.sqlite | --computed base.sqlite]
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { dashboardPeriods } from '../../src-main/contract';
import { atRiskSummary, churnByMonth } from '../../src-main/domain/analytics/attrition';
import { dashboardData } from '../../src-main/domain/analytics/dashboard';
import { rfmOverview } from '../../src-main/domain/analytics/rfm';
import { toApi } from '../../src-main/host/client';
import { createInProcessClient } from '../../src-main/host/inprocess';
import { createStore } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { figuresBase } from './figures-base';
import { percentile, type Recorder } from './common';


const TARGET_MS = 300;
const RUNS = 10;

const ms = (v: number) => `${v.toFixed(1)} ms`;

/**
 * A write committed by another connection, on a scratch table of this copy
 * (an update to the same value commits nothing): every "until the next
 * write" memo is dropped.
 */
const touch = (file: string): (() => void) & { close(): void } => {
  const db = openDatabase(file);
  db.exec('CREATE TABLE IF NOT EXISTS bench_touch (id INTEGER PRIMARY KEY, n INTEGER NOT NULL) STRICT');
  const write = db.prepare('INSERT INTO bench_touch (id, n) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET n = n + 1');
  return Object.assign(() => void write.run(), { close: () => db.close() });
};

const timed = async <T>(runs: number, fn: () => T | Promise<T>, before?: () => void): Promise<{ p50: number; p95: number; last: T }> => {
  before?.();
  let last = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    before?.();
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), last };
};

export const benchDashboard = async (opts: { source: string; benchDir: string; record: Recorder; computed?: boolean }): Promise<void> => {
  const file = opts.computed === true ? opts.source : figuresBase(opts.source, opts.benchDir, 'dashboard', opts.record);
  const { record } = opts;
  const write = touch(file);

  // where the time goes, on the domain functions, each after a write
  try {
    const store = createStore(openDatabase(file), file);
    try {
      const now = new Date();
      const month = now.toISOString().slice(0, 7);
      const parts: [string, () => unknown][] = [
        ['months: sales_months + churnByMonth, 24 months', () => churnByMonth(store, { from: `${Number(month.slice(0, 4)) - 2}${month.slice(4)}`, to: month })],
        ['RFM segment sizes (rfmOverview)', () => rfmOverview(store, now)],
        ['at-risk count and value (atRiskSummary)', () => atRiskSummary(store, now)],
      ];
      for (const [name, fn] of parts) {
        const r = await timed(3, fn, write);
        record(`  dashboard part: ${name}`, `p50 ${ms(r.p50)} of 3, after a write`);
      }
      for (const period of dashboardPeriods) {
        const r = await timed(3, () => dashboardData(store, { period }, now), write);
        record(`  dashboard data, period ${period} (domain function)`, `p50 ${ms(r.p50)} of 3, after a write`);
      }
    } finally {
      store.sqlite.close();
    }

    // the call as the app makes it
    const client = await createInProcessClient({ dbPath: file, dataDir: opts.benchDir, version: 'bench', integrity: 'off' });
    try {
      const api = toApi(client);
      const call = () => api.call('analytics.dashboard', { period: '12months' });
      const cold = await timed(RUNS, call, write);
      record(
        `dashboard data call, 12 months, after a write (${cold.last.pareto.customers.toLocaleString('en')} active customers, ${cold.last.atRisk.customers.toLocaleString('en')} at risk)`,
        `p50 ${ms(cold.p50)}, p95 ${ms(cold.p95)} of ${RUNS}`,
        '',
        '',
        `≤ ${TARGET_MS} ms`,
      );
      const warm = await timed(RUNS, call);
      record('dashboard data call, 12 months, shown again (nothing written since)', `p50 ${ms(warm.p50)}, p95 ${ms(warm.p95)} of ${RUNS}`);
    } finally {
      await client.close();
    }
  } finally {
    write.close();
  }
};

if (process.argv[1]?.endsWith('dashboard.ts')) {
  const computed = process.argv[2] === '--computed';
  const source = (computed ? process.argv[3] : process.argv[2]) ?? path.join(process.cwd(), '.bench', 'segments-demo-1000000x10.sqlite');
  benchDashboard({
    source,
    benchDir: path.dirname(source),
    computed,
    record: (name, value, _raw, _ratio, target) => console.log(`  ${name}: ${value}${target ? ` [target ${target}]` : ''}`),
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
