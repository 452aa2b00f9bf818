import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ParetoTier, RfmSegmentKey, SegmentDefinition, SegmentNode } from '../../src-main/contract';
import { paretoOverview, recomputeThresholds, rfmOverview } from '../../src-main/domain/analytics/rfm';
import { jobResult, openClient, openStore } from './helpers';

type Api = Awaited<ReturnType<typeof openClient>>['api'];

const DAY = 86_400_000;
const NOW = Date.now();
const day = (daysAgo: number): string => new Date(NOW - daysAgo * DAY).toISOString().slice(0, 10);
/** An instant `daysAgo` days back at a given minute, for customers whose last sales must not tie. */
const instant = (daysAgo: number, minute: number): string => new Date(Date.parse(`${day(daysAgo)}T08:00:00.000Z`) + minute * 60_000).toISOString();

/** A small deterministic generator: the same base on every run. */
const random = (seed: number) => {
  let s = seed;
  return (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
};

/* ---------- the reference, written from the purchases without the store's figures ---------- */

type Customer = { id: number; sales: number; total: number; last: string | null; prevSales: number; prevTotal: number; everSold: boolean };

const customersOf = (dbPath: string, contactIds: readonly number[], w: { start: string; end: string | null; prevStart: string }): Customer[] => {
  const db = new Database(dbPath, { readonly: true });
  try {
    const rows = db.prepare('SELECT contact_id AS id, kind, purchased_at AS at, amount_cents AS cents FROM purchases WHERE contact_id IS NOT NULL').all() as {
      id: number;
      kind: 'sale' | 'refund';
      at: string;
      cents: number;
    }[];
    const by = new Map<number, Customer>(
      contactIds.map((id) => [id, { id, sales: 0, total: 0, last: null, prevSales: 0, prevTotal: 0, everSold: false }]),
    );
    for (const r of rows) {
      const c = by.get(r.id);
      if (c === undefined) continue;
      if (r.kind === 'sale') c.everSold = true;
      if (r.at >= w.start && (w.end === null || r.at < w.end)) {
        c.total += r.cents;
        if (r.kind === 'sale') {
          c.sales += 1;
          if (c.last === null || r.at > c.last) c.last = r.at;
        }
      } else if (r.at >= w.prevStart && r.at < w.start) {
        c.prevTotal += r.cents;
        if (r.kind === 'sale') c.prevSales += 1;
      }
    }
    return [...by.values()];
  } finally {
    db.close();
  }
};

/**
 * NTILE(5) as SQL defines it (the first n mod 5 groups one larger), with
 * ties given the group of their first member: every customer with a value
 * scores the NTILE group of the lowest-ranked customer holding it.
 */
const quintiles = <T extends string | number>(values: readonly T[]): { score: (v: T) => number; upTo: (T | null)[] } => {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = sorted.length;
  const groupAt: number[] = [];
  const q = Math.floor(n / 5);
  for (let g = 1; g <= 5; g++) for (let i = 0; i < q + (g <= n % 5 ? 1 : 0); i++) groupAt.push(g);
  const first = new Map<T, number>();
  sorted.forEach((v, i) => {
    if (!first.has(v)) first.set(v, groupAt[i] ?? 0);
  });
  // the largest value of the groups 1…g (what the screen shows as "score g: up to …")
  const upTo = [1, 2, 3, 4].map((g) => {
    const last = groupAt.findLastIndex((x) => x <= g);
    return last < 0 ? null : (sorted[last] ?? null);
  });
  return { score: (v) => first.get(v) ?? 0, upTo };
};

const segmentOf = (r: number, f: number): RfmSegmentKey => {
  if (r === 5 && f >= 4) return 'champions';
  if (r >= 3 && f >= 4) return 'loyal';
  if (r >= 4 && f >= 2) return 'potentialLoyalists';
  if (r === 5) return 'new';
  if (r === 4) return 'promising';
  if (r === 3 && f === 3) return 'needAttention';
  if (r === 3) return 'aboutToSleep';
  if (f === 5) return 'cantLose';
  if (f >= 3) return 'atRisk';
  return 'hibernating';
};

type Scored = Customer & { r: number; f: number; m: number; segment: RfmSegmentKey | null; tier: ParetoTier | null; prevTier: ParetoTier | null };

const tierOfScore = (m: number): ParetoTier => (m === 5 ? 'gold' : m === 1 ? 'bottom' : 'basic');

const reference = (customers: readonly Customer[]) => {
  const active = customers.filter((c) => c.sales > 0);
  const R = quintiles(active.map((c) => c.last ?? ''));
  const F = quintiles(active.map((c) => c.sales));
  const M = quintiles(active.map((c) => c.total));
  const prevActive = customers.filter((c) => c.prevSales > 0);
  const P = quintiles(prevActive.map((c) => c.prevTotal));
  const scored: Scored[] = customers.map((c) => {
    const prevTier = c.prevSales > 0 ? tierOfScore(P.score(c.prevTotal)) : null;
    if (c.sales === 0) return { ...c, r: 0, f: 0, m: 0, segment: c.everSold ? 'lost' : null, tier: null, prevTier };
    const r = R.score(c.last ?? '');
    const f = F.score(c.sales);
    const m = M.score(c.total);
    return { ...c, r, f, m, segment: segmentOf(r, f), tier: tierOfScore(m), prevTier };
  });
  return { active, scored, R, F, M };
};

const windowOf = async (api: Api) => {
  const status = await api.call('analytics.status', {});
  if (status.window === null) throw new Error('no window');
  return status.window;
};

/* ---------- a base through the real calls ---------- */

/** A fresh base with the default window (12 months following today) set before any sale. */
const openBase = async () => {
  const opened = await openClient();
  await jobResult(opened.api, () => opened.api.call('analytics.configure', { windowMonths: 12, referenceDate: null }));
  return opened;
};

type Base = { api: Api; dbPath: string; ids: number[] };

const sale = (api: Api, contactId: number, purchasedAt: string, cents: number) =>
  api.call('purchases.create', { contactId, purchasedAt, lines: [{ label: 'Article', unitPriceCents: cents }] });

/**
 * Eight kinds of contact: no purchase; bought only long ago (lost); one sale
 * on a shared day for a shared amount (ties on all three figures); a few
 * sales; many sales; this window and the previous one; a refunded sale;
 * the previous window only.
 */
const buildBase = async (contacts: number, seed: number): Promise<Base> => {
  const { api, dbPath } = await openBase();
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const ids: number[] = [];
  for (let i = 0; i < contacts; i++) {
    const c = await api.call('contacts.create', { lastName: `Client ${i}`, firstName: 'Test' });
    ids.push(c.id);
    const kind = i % 8;
    const inWindow = () => 1 + Math.floor(rnd() * 350);
    const amount = () => pick([1500, 2500, 2500, 4000, 9900, 12_000, 35_000]);
    switch (kind) {
      case 0:
        break;
      case 1:
        for (let k = 0; k < 1 + (i % 3); k++) await sale(api, c.id, day(400 + Math.floor(rnd() * 600)), amount());
        break;
      case 2:
        await sale(api, c.id, day(pick([10, 40, 40, 200])), pick([2000, 3500]));
        break;
      case 3:
        for (let k = 0; k < 2 + Math.floor(rnd() * 4); k++) await sale(api, c.id, instant(inWindow(), i), amount());
        break;
      case 4:
        for (let k = 0; k < 8 + Math.floor(rnd() * 8); k++) await sale(api, c.id, day(inWindow()), amount());
        break;
      case 5:
        for (let k = 0; k < 1 + Math.floor(rnd() * 5); k++) await sale(api, c.id, day(inWindow()), amount());
        for (let k = 0; k < 1 + Math.floor(rnd() * 5); k++) await sale(api, c.id, day(380 + Math.floor(rnd() * 330)), amount());
        break;
      case 6: {
        const p = await sale(api, c.id, day(inWindow()), amount());
        await sale(api, c.id, day(inWindow()), 5000);
        // a refund dated in the window: the net total goes down, the sales count does not
        if (i % 16 === 6) await api.call('purchases.refund', { purchaseId: p.id, refundedAt: day(0) });
        else await api.call('purchases.refund', { purchaseId: p.id, amountCents: 700, refundedAt: day(0) });
        break;
      }
      case 7:
        for (let k = 0; k < 1 + (i % 4); k++) await sale(api, c.id, day(380 + Math.floor(rnd() * 330)), amount());
        break;
    }
  }
  return { api, dbPath, ids };
};

/* ---------- the checks ---------- */

const checkAll = async (base: Base): Promise<void> => {
  const { api, dbPath, ids } = base;
  const recomputed = await api.call('analytics.thresholds.recompute', {});
  const w = await windowOf(api);
  const customers = customersOf(dbPath, ids, w);
  const ref = reference(customers);
  const n = ref.active.length;
  expect(recomputed.customers).toBe(n);

  const rfm = await api.call('analytics.rfm', {});
  expect(rfm.thresholdsAt).toBe(recomputed.thresholdsAt);
  expect(rfm.scoredCustomers).toBe(n);
  expect(rfm.customers).toBe(n);
  const revenue = ref.active.reduce((s, c) => s + c.total, 0);
  expect(rfm.revenueCents).toBe(revenue);

  // thresholds: "score s covers values up to t_s", t_s the largest value of NTILE group s
  if (n > 0) {
    expect(rfm.thresholds.r.slice(0, 4).map((x) => x.upTo)).toEqual(ref.R.upTo);
    expect(rfm.thresholds.f.slice(0, 4).map((x) => x.upTo)).toEqual(ref.F.upTo);
    expect(rfm.thresholds.m.slice(0, 4).map((x) => x.upTo)).toEqual(ref.M.upTo);
  }

  // every contact's badge
  for (const c of ref.scored) {
    const got = await api.call('analytics.rfm.contact', { contactId: c.id });
    expect({ id: c.id, scores: got.scores, segment: got.segment, tier: got.tier }).toEqual({
      id: c.id,
      scores: c.sales > 0 ? { r: c.r, f: c.f, m: c.m } : null,
      segment: c.segment,
      tier: c.tier,
    });
  }

  // the grid
  for (const cell of rfm.grid) {
    const inCell = ref.scored.filter((c) => c.sales > 0 && c.r === cell.r && c.f === cell.f);
    const cents = inCell.reduce((s, c) => s + c.total, 0);
    expect(cell).toEqual({
      r: cell.r,
      f: cell.f,
      customers: inCell.length,
      revenueCents: cents,
      avgMonetaryCents: inCell.length === 0 ? null : Math.round(cents / inCell.length),
    });
  }
  expect(rfm.grid).toHaveLength(25);

  // the segments
  for (const s of rfm.segments) {
    const members = ref.scored.filter((c) => c.segment === s.key);
    const cents = s.key === 'lost' ? 0 : members.reduce((sum, c) => sum + c.total, 0);
    const sales = members.reduce((sum, c) => sum + c.sales, 0);
    expect({ key: s.key, customers: s.customers, revenueCents: s.revenueCents, avgBasketCents: s.avgBasketCents }).toEqual({
      key: s.key,
      customers: members.length,
      revenueCents: cents,
      avgBasketCents: s.key === 'lost' || sales === 0 ? null : Math.round(cents / sales),
    });
    expect(s.revenueShare).toBeCloseTo(revenue === 0 ? 0 : cents / revenue, 12);
  }

  // Pareto tiers, curve, movements
  const pareto = await api.call('analytics.pareto', {});
  expect(pareto.customers).toBe(n);
  for (const tier of pareto.tiers) {
    const members = ref.scored.filter((c) => c.tier === tier.tier);
    const cents = members.reduce((s, c) => s + c.total, 0);
    expect({ tier: tier.tier, customers: tier.customers, revenueCents: tier.revenueCents }).toEqual({
      tier: tier.tier,
      customers: members.length,
      revenueCents: cents,
    });
    expect(tier.share).toBeCloseTo(revenue === 0 ? 0 : cents / revenue, 12);
  }
  expect(pareto.topShare).toBe(pareto.tiers.find((x) => x.tier === 'gold')?.share);

  // every 1/50 of the customers, best first: the value at that rank, counted with all who tie with it
  const desc = ref.active.map((c) => c.total).sort((a, b) => b - a);
  const points = Math.min(50, n);
  const curve = [{ customersShare: 0, revenueShare: 0 }];
  let reached = 0;
  for (let i = 1; i <= points; i++) {
    const k = Math.round((n * i) / points);
    if (k <= reached) continue;
    const v = desc[k - 1] ?? 0;
    const upTo = desc.filter((x) => x >= v);
    reached = upTo.length;
    curve.push({ customersShare: reached / n, revenueShare: revenue === 0 ? 0 : upTo.reduce((s, x) => s + x, 0) / revenue });
  }
  expect(pareto.curve).toHaveLength(curve.length);
  pareto.curve.forEach((p, i) => {
    expect(p.customersShare).toBeCloseTo(curve[i]?.customersShare ?? NaN, 12);
    expect(p.revenueShare).toBeCloseTo(curve[i]?.revenueShare ?? NaN, 12);
  });

  const moved = new Map<string, number>();
  for (const c of ref.scored) {
    if (c.prevTier === null && c.tier === null) continue;
    const key = `${c.prevTier ?? 'new'}>${c.tier ?? 'gone'}`;
    moved.set(key, (moved.get(key) ?? 0) + 1);
  }
  for (const m of pareto.movements) expect({ move: `${m.from}>${m.to}`, n: m.customers }).toEqual({ move: `${m.from}>${m.to}`, n: moved.get(`${m.from}>${m.to}`) ?? 0 });
  expect(pareto.movements).toHaveLength(15);

  // saved-segment criteria: counted by the store, compared with the reference over every contact
  const cases: [SegmentNode, (c: Scored) => boolean][] = [
    [{ field: 'rfmScore', r: { min: 4, max: 5 } }, (c) => c.sales > 0 && c.r >= 4],
    [{ field: 'rfmScore', f: { min: 2, max: 2 }, m: { min: 1, max: 3 } }, (c) => c.sales > 0 && c.f === 2 && c.m <= 3],
    [{ field: 'rfmScore', r: { min: 1, max: 5 }, m: { min: 5, max: 5 } }, (c) => c.sales > 0 && c.m === 5],
    [{ field: 'rfmScore', r: { min: 1, max: 1 }, f: { min: 1, max: 1 }, m: { min: 1, max: 1 } }, (c) => c.sales > 0 && c.r === 1 && c.f === 1 && c.m === 1],
    [{ field: 'rfmSegment', in: ['champions', 'lost'] }, (c) => c.segment === 'champions' || c.segment === 'lost'],
    [{ field: 'rfmSegment', in: ['atRisk', 'hibernating', 'cantLose'] }, (c) => c.segment === 'atRisk' || c.segment === 'hibernating' || c.segment === 'cantLose'],
    [{ field: 'rfmSegment', in: ['lost'] }, (c) => c.segment === 'lost'],
    [{ field: 'paretoTier', in: ['gold'] }, (c) => c.tier === 'gold'],
    [{ field: 'paretoTier', in: ['basic', 'bottom'] }, (c) => c.tier === 'basic' || c.tier === 'bottom'],
    [{ op: 'not', child: { field: 'paretoTier', in: ['gold'] } }, (c) => c.tier !== 'gold'],
    [{ op: 'not', child: { field: 'rfmSegment', in: ['lost', 'new'] } }, (c) => c.segment !== 'lost' && c.segment !== 'new'],
    [
      { op: 'and', children: [{ field: 'paretoTier', in: ['gold', 'basic'] }, { field: 'rfmScore', r: { min: 1, max: 3 } }] },
      (c) => (c.tier === 'gold' || c.tier === 'basic') && c.r <= 3 && c.sales > 0,
    ],
  ];
  for (const [root, holds] of cases) {
    const definition: SegmentDefinition = { version: 2, root };
    const { count } = await api.call('segments.count', { definition });
    expect({ root: JSON.stringify(root), count }).toEqual({ root: JSON.stringify(root), count: ref.scored.filter(holds).length });
  }
  // the criteria as a list filter: the same people
  for (const [root, holds] of cases.slice(4, 6)) {
    const saved = await api.call('segments.create', { name: `rfm ${JSON.stringify(root).length}`, definition: { version: 2, root } });
    const page = await api.call('contacts.list', { segmentId: saved.id, limit: 500 });
    expect(page.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(ref.scored.filter(holds).map((c) => c.id).sort((a, b) => a - b));
  }
};

describe('RFM and Pareto tiers', () => {
  it('scores, grid, segments, tiers, curve and movements equal an independent computation', async () => {
    await checkAll(await buildBase(96, 7));
  }, 60_000);

  it('another base, with more ties', async () => {
    await checkAll(await buildBase(41, 1234));
  }, 60_000);

  it('an empty base: nothing to score, every figure empty', async () => {
    const { api, dbPath } = await openBase();
    await checkAll({ api, dbPath, ids: [] });
    const rfm = await api.call('analytics.rfm', {});
    expect(rfm.customers).toBe(0);
    expect(rfm.thresholds.r.map((x) => x.empty)).toEqual([false, true, true, true, true]);
    const pareto = await api.call('analytics.pareto', {});
    expect(pareto.curve).toEqual([{ customersShare: 0, revenueShare: 0 }]);
    expect(pareto.topShare).toBe(0);
  });

  it('an empty window: buyers of the previous window are lost and "gone"', async () => {
    const { api, dbPath } = await openBase();
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const c = await api.call('contacts.create', { lastName: `Ancien ${i}` });
      ids.push(c.id);
      await sale(api, c.id, day(400 + i * 20), 1000 * (i + 1));
    }
    await checkAll({ api, dbPath, ids });
    const rfm = await api.call('analytics.rfm', {});
    expect(rfm.segments.find((s) => s.key === 'lost')?.customers).toBe(7);
    const pareto = await api.call('analytics.pareto', {});
    expect(pareto.movements.filter((m) => m.to === 'gone').reduce((s, m) => s + m.customers, 0)).toBe(7);
  });

  it('fewer than five customers: the scores NTILE would give', async () => {
    const { api, dbPath } = await openBase();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await api.call('contacts.create', { lastName: `Petit ${i}` });
      ids.push(c.id);
      for (let k = 0; k <= i; k++) await sale(api, c.id, day(30 - i * 5 - k), 1000 * (3 - i));
    }
    await checkAll({ api, dbPath, ids });
    const best = await api.call('analytics.rfm.contact', { contactId: ids[2] ?? 0 });
    expect(best.scores).toEqual({ r: 3, f: 3, m: 1 });
  });

  it('reads use the stored thresholds until they are recomputed', async () => {
    const { api } = await openBase();
    const a = await api.call('contacts.create', { lastName: 'Avant' });
    await sale(api, a.id, day(5), 1000);
    const first = await api.call('analytics.thresholds.recompute', {});
    expect(first.customers).toBe(1);
    for (let i = 0; i < 4; i++) {
      const c = await api.call('contacts.create', { lastName: `Après ${i}` });
      await sale(api, c.id, day(1), 50_000);
    }
    // the new customers are scored with the thresholds of one customer: all above them
    const stale = await api.call('analytics.rfm', {});
    expect(stale.thresholdsAt).toBe(first.thresholdsAt);
    expect(stale.scoredCustomers).toBe(1);
    expect(stale.customers).toBe(5);
    const again = await api.call('analytics.thresholds.recompute', {});
    expect(again.customers).toBe(5);
    expect((await api.call('analytics.rfm', {})).scoredCustomers).toBe(5);
  });

  it('figures written directly: many distinct sales counts in one band, large ties, refunds below zero', () => {
    const store = openStore();
    const db = store.sqlite;
    const rnd = random(99);
    const customers: Customer[] = [];
    db.transaction(() => {
      db.prepare("UPDATE analytics_state SET window_start = '2025-07-01T00:00:00.000Z', window_end = NULL, prev_start = '2024-07-01T00:00:00.000Z'").run();
      const contact = db.prepare(
        "INSERT INTO contacts (last_name, sort_name, source, created_at, updated_at, purchase_count, last_purchase_at, status) VALUES (?, ?, 'manual', '2024-01-01', '2024-01-01', ?, ?, ?)",
      );
      const figures = db.prepare(
        'INSERT INTO customer_figures (contact_id, sales, total_cents, first_at, last_at, prev_sales, prev_total_cents) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (let i = 0; i < 2500; i++) {
        // a long tail of sales counts (the top F band holds hundreds of distinct values), a third tied at one sale
        const sales = i % 9 === 0 ? 0 : i % 3 === 0 ? 1 : 1 + Math.floor(rnd() * 5000);
        const total = sales === 0 ? -Math.floor(rnd() * 3) * 500 : i % 5 === 0 ? 5000 : Math.floor(rnd() * 100_000) - 2000;
        const last = sales === 0 ? null : `2026-0${1 + (i % 6)}-1${i % 10}T10:00:00.000Z`;
        const prevSales = i % 4 === 0 ? 0 : 1 + (i % 7);
        const prevTotal = prevSales === 0 ? 0 : (i % 11) * 1000;
        const id = Number(contact.run(`N${i}`, `n${i}`, sales > 0 || i % 2 === 0 ? 1 : 0, sales > 0 ? last : i % 2 === 0 ? '2023-01-01T00:00:00.000Z' : null, 'customer').lastInsertRowid);
        figures.run(id, sales, total, last, last, prevSales, prevTotal);
        customers.push({ id, sales, total, last, prevSales, prevTotal, everSold: sales > 0 || i % 2 === 0 });
      }
    })();
    recomputeThresholds(store, new Date('2026-07-01T00:00:00.000Z'));
    const ref = reference(customers);
    const rfm = rfmOverview(store);
    expect(rfm.thresholds.f.slice(0, 4).map((x) => x.upTo)).toEqual(ref.F.upTo);
    for (const cell of rfm.grid) {
      const inCell = ref.scored.filter((c) => c.sales > 0 && c.r === cell.r && c.f === cell.f);
      expect({ r: cell.r, f: cell.f, n: cell.customers, cents: cell.revenueCents }).toEqual({
        r: cell.r,
        f: cell.f,
        n: inCell.length,
        cents: inCell.reduce((sum, c) => sum + c.total, 0),
      });
    }
    for (const seg of rfm.segments) expect([seg.key, seg.customers]).toEqual([seg.key, ref.scored.filter((c) => c.segment === seg.key).length]);
    const pareto = paretoOverview(store);
    for (const tier of pareto.tiers) expect([tier.tier, tier.customers]).toEqual([tier.tier, ref.scored.filter((c) => c.tier === tier.tier).length]);
    for (const m of pareto.movements) {
      const n = ref.scored.filter((c) => (c.prevTier ?? 'new') === m.from && (c.tier ?? 'gone') === m.to && (c.prevTier !== null || c.tier !== null)).length;
      expect([m.from, m.to, m.customers]).toEqual([m.from, m.to, n]);
    }
  });
});
