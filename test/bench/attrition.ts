/**
 * Attrition, lifetime value and next best offer at 1M customers and 10M
 * purchases (issue 6): the at-risk totals (the dashboard reads them), churn
 * over 24 months, pages of the at-risk list, one customer's outlook (value,
 * risk, offers) and "sells with" for a product.
 *
 * Runs on a copy of the segments bench's base (the demo with consent, a VIP
 * tag and one line per sale over 200 products), figures recomputed once
 * after loading; the copy is reused.
 *
 *   from `npm run bench`, or alone: npx tsx test/bench/attrition.ts [segments-base.sqlite]
 */
import { performance } from 'node:perf_hooks';
import { atRiskPage, atRiskSummary, churnByMonth, contactRisk, shopMedianGap } from '../../src-main/domain/analytics/attrition';
import { customerValue, shopRetention } from '../../src-main/domain/analytics/clv';
import { nextBestOffers, productAffinity } from '../../src-main/domain/analytics/offers';
import { countSegment } from '../../src-main/domain/segments/sql';
import { createStore, type Store } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { figuresBase } from './figures-base';
import { percentile, runAlone, type Recorder } from './common';


const ms = (v: number) => `${v.toFixed(2)} ms`;

const timed = <T>(runs: number, fn: () => T): { p50: number; p95: number; last: T } => {
  const times: number[] = [];
  let last = fn();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = fn();
    times.push(performance.now() - t);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), last };
};

const month = (d: Date): string => d.toISOString().slice(0, 7);

/** Contacts spread over the id range, with purchases: the customers whose page a user opens. */
const sampleCustomers = (store: Store, n: number): number[] => {
  const max = Number(store.sqlite.prepare('SELECT max(contact_id) FROM customer_figures').pluck().get());
  const out: number[] = [];
  const pick = store.sqlite.prepare('SELECT contact_id FROM customer_figures WHERE contact_id >= ? ORDER BY contact_id LIMIT 1').pluck();
  for (let i = 0; i < n; i++) {
    const id = pick.get(1 + Math.floor(((i * 7919) % n) * (max / n))) as number | undefined;
    if (id !== undefined) out.push(id);
  }
  return out;
};

export const benchAttrition = async (opts: { source: string; benchDir: string; record: Recorder }): Promise<void> => {
  const file = figuresBase(opts.source, opts.benchDir, 'attrition', opts.record);
  const store = createStore(openDatabase(file), file);
  const { record } = opts;
  try {
    const now = new Date();
    const g = performance.now();
    const gap = shopMedianGap(store);
    record(`shop median gap, first read (${gap ?? '—'} days, OFFSET on customer_figures_by_gap)`, ms(performance.now() - g), '', '', 'kept until the next write');
    // computed once per minute and write; the first read is the one that counts
    const cold: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      atRiskSummary(store, new Date(now.getTime() + (i + 1) * 60_000));
      cold.push(performance.now() - t);
    }
    const summary = timed(5, () => atRiskSummary(store, now));
    record(
      `at-risk summary (${summary.last.customers.toLocaleString('en')} customers, ${(summary.last.valueCents / 100).toLocaleString('en')} €)`,
      `computed ${ms(percentile(cold, 50))} (median of 3); again before a write ${ms(summary.p50)}`,
      '',
      '',
      'dashboard ≤ 300 ms in all',
    );
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 23, 1));
    const churn = timed(20, () => churnByMonth(store, { from: month(from), to: month(now) }));
    record(`churn by month, 24 months`, `p50 ${ms(churn.p50)}, p95 ${ms(churn.p95)}`);

    for (const sort of ['value', 'overdue'] as const) {
      const first = timed(5, () => atRiskPage(store, { sort, cursor: null, limit: 50 }, now));
      let cursor = first.last.nextCursor;
      const deep: number[] = [];
      for (let i = 0; i < 20 && cursor !== null; i++) {
        const t = performance.now();
        const page = atRiskPage(store, { sort, cursor, limit: 50 }, now);
        deep.push(performance.now() - t);
        cursor = page.nextCursor;
      }
      record(`at-risk page of 50 by ${sort} (incl. summary)`, `first p50 ${ms(first.p50)}; next 20 pages p50 ${ms(percentile(deep, 50))}, p95 ${ms(percentile(deep, 95))}`);
    }

    const seg = timed(3, () => countSegment(store, { version: 2, root: { field: 'atRisk' } }, now));
    record(`segment count, atRisk criterion (${seg.last.toLocaleString('en')})`, `p50 ${ms(seg.p50)} of 3`);

    const t0 = performance.now();
    const retention = shopRetention(store);
    record(
      `shop retention, first read (${retention.retained.toLocaleString('en')} / ${retention.previous.toLocaleString('en')})`,
      ms(performance.now() - t0),
      '',
      '',
      'kept until the next write',
    );

    const customers = sampleCustomers(store, 300);
    const offers: number[] = [];
    const values: number[] = [];
    const risks: number[] = [];
    let similar = 0;
    for (const id of customers) {
      let t = performance.now();
      const o = nextBestOffers(store, id);
      offers.push(performance.now() - t);
      similar += o.similarCustomers;
      t = performance.now();
      customerValue(store, id, now);
      values.push(performance.now() - t);
      t = performance.now();
      contactRisk(store, id, now);
      risks.push(performance.now() - t);
    }
    record(
      `next best offer per customer (${customers.length} customers, ${Math.round(similar / customers.length)} similar on average)`,
      `p50 ${ms(percentile(offers, 50))}, p95 ${ms(percentile(offers, 95))}, max ${ms(Math.max(...offers))}`,
      '',
      '',
      'p95 well under 100 ms',
    );
    record('customer value (CLV) per customer', `p50 ${ms(percentile(values, 50))}, p95 ${ms(percentile(values, 95))}`);
    record('customer risk per customer', `p50 ${ms(percentile(risks, 50))}, p95 ${ms(percentile(risks, 95))}`);

    const products = store.sqlite.prepare('SELECT id FROM products ORDER BY id LIMIT 40').pluck().all() as number[];
    const affinity: number[] = [];
    for (const id of products) {
      const t = performance.now();
      productAffinity(store, id);
      affinity.push(performance.now() - t);
    }
    record(`sells with, per product (${products.length} products)`, `p50 ${ms(percentile(affinity, 50))}, p95 ${ms(percentile(affinity, 95))}`);
  } finally {
    store.sqlite.close();
  }
};

runAlone('attrition.ts', 'segments-demo-1000000x10.sqlite', benchAttrition);
