import { describe, expect, it } from 'vitest';
import {
  atRiskTarget,
  boughtInTarget,
  churnedTarget,
  newCustomersTarget,
  paretoTiers,
  paretoTierTarget,
  returningTarget,
  rfmSegmentKeys,
  rfmSegmentOf,
  rfmSegmentTarget,
  type Dashboard,
  type DashboardFigures,
  type DashboardPeriod,
  type ParetoTier,
  type RfmSegmentKey,
} from '../../src-main/contract';
import { dashboardData } from '../../src-main/domain/analytics/dashboard';
import { recomputeAnalytics } from '../../src-main/domain/analytics/recompute';
import { countSegment } from '../../src-main/domain/segments/sql';
import { transaction, type Store } from '../../src-main/store/db';
import { failure, openClient, openStore } from './helpers';

type Api = Awaited<ReturnType<typeof openClient>>['api'];

const DAY = 86_400_000;
/** The dashboard's "now" in these checks: the sales below lie before it. */
const NOW = new Date('2026-06-15T12:00:00.000Z');
/** No sale, no refund in this month: the charts must show it as zero. */
const EMPTY_MONTH = '2025-02';
const FIRST_MONTH = '2024-03';

const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const addMonth = (month: string, n: number): string => {
  const d = new Date(`${month}-01T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};
const monthsBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonth(m, 1)) out.push(m);
  return out;
};

type Row = { contactId: number | null; sale: boolean; at: string; cents: number; saleAt?: string };

/**
 * A shop over two years and a bit: customers who start and stop at random
 * months and buy a few times in a month, anonymous sales, refunds (some in a
 * later month than their sale), an empty month, a contact marked lost and a
 * prospect, every sale through the real calls. Returns what was recorded,
 * as the calls answered.
 */
const buildShop = async (api: Api) => {
  const rand = rng(7);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const rows: Row[] = [];
  const sales: { id: number; at: string; contactId: number | null }[] = [];
  const lastMonth = NOW.toISOString().slice(0, 7);
  const dayIn = (month: string): string => {
    // days 1–28 of the month, before NOW in its month
    const maxDay = month === lastMonth ? NOW.getUTCDate() - 1 : 28;
    return `${month}-${String(int(1, maxDay)).padStart(2, '0')}T${String(int(0, 23)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00.000Z`;
  };
  const sell = async (contactId: number | null, at: string) => {
    const lines = [{ label: 'Article', unitPriceCents: int(1, 40) * 250, quantity: int(1, 3) }];
    if (rand() < 0.3) lines.push({ label: 'Remise', unitPriceCents: -100, quantity: 1 });
    const p = await api.call('purchases.create', { contactId, purchasedAt: at, lines });
    rows.push({ contactId, sale: true, at: p.purchasedAt, cents: p.amountCents });
    sales.push({ id: p.id, at: p.purchasedAt, contactId });
  };
  const months = monthsBetween(FIRST_MONTH, lastMonth).filter((m) => m !== EMPTY_MONTH);
  const contacts: number[] = [];
  for (let i = 0; i < 36; i++) {
    const id = (await api.call('contacts.create', { firstName: `Client${i}`, lastName: 'Test', postcode: '69001' })).id;
    contacts.push(id);
    const start = int(0, months.length - 1);
    const stop = Math.min(months.length - 1, start + int(0, 20));
    const rate = [0.15, 0.4, 0.8][i % 3] ?? 0.4;
    let bought = false;
    for (let k = start; k <= stop; k++) {
      const month = months[k];
      if (month === undefined) continue;
      if (!bought || rand() < rate) {
        bought = true;
        const n = rand() < 0.2 ? 2 : 1;
        for (let s = 0; s < n; s++) await sell(id, dayIn(month));
      }
    }
  }
  // a prospect who never buys
  await api.call('contacts.create', { firstName: 'Prospect', lastName: 'Test' });
  for (const month of months) for (let k = int(0, 2); k > 0; k--) await sell(null, dayIn(month));
  // refunds: whole or partial, some dated in a later month (never in the empty month nor after NOW)
  for (const [k, s] of sales.entries()) {
    if (k % 9 !== 4) continue;
    const later = new Date(Date.parse(s.at) + int(0, 20) * DAY);
    const at = later.getTime() < NOW.getTime() && later.toISOString().slice(0, 7) !== EMPTY_MONTH ? later.toISOString() : s.at;
    const r = await api.call('purchases.refund', k % 2 === 0 ? { purchaseId: s.id, refundedAt: at } : { purchaseId: s.id, amountCents: 100, refundedAt: at });
    rows.push({ contactId: s.contactId, sale: false, at: r.purchasedAt, cents: r.amountCents, saleAt: s.at });
  }
  return { rows, contacts };
};

/* ---------- the reference: every figure computed plainly from what was recorded ---------- */

const referenceMonths = (rows: readonly Row[]) => {
  const revenue = new Map<string, { revenue: number; sales: number; refunds: number }>();
  const active = new Map<string, Set<number>>();
  const first = new Map<number, string>();
  for (const r of rows) {
    const m = r.at.slice(0, 7);
    const s = revenue.get(m) ?? { revenue: 0, sales: 0, refunds: 0 };
    s.revenue += r.cents;
    if (r.sale) s.sales += 1;
    else s.refunds += 1;
    revenue.set(m, s);
    if (!r.sale || r.contactId === null) continue;
    const set = active.get(m) ?? new Set<number>();
    set.add(r.contactId);
    active.set(m, set);
    const f = first.get(r.contactId);
    if (f === undefined || m < f) first.set(r.contactId, m);
  }
  const month = (m: string) => {
    const now = active.get(m) ?? new Set<number>();
    const before = active.get(addMonth(m, -1)) ?? new Set<number>();
    const fresh = [...now].filter((c) => first.get(c) === m).length;
    const churned = [...before].filter((c) => !now.has(c)).length;
    return {
      ...(revenue.get(m) ?? { revenue: 0, sales: 0, refunds: 0 }),
      active: now.size,
      new: fresh,
      returning: now.size - fresh,
      churned,
      before: before.size,
      rate: before.size === 0 ? null : churned / before.size,
    };
  };
  const figures = (from: string, to: string): DashboardFigures => {
    const ms = monthsBetween(from, to).map(month);
    const sum = (k: 'revenue' | 'sales' | 'refunds' | 'active' | 'new' | 'returning' | 'churned' | 'before') => ms.reduce((a, x) => a + x[k], 0);
    return {
      revenueCents: sum('revenue'),
      sales: sum('sales'),
      refunds: sum('refunds'),
      averageBasketCents: sum('sales') === 0 ? null : Math.round(sum('revenue') / sum('sales')),
      newCustomers: sum('new'),
      activePerMonth: sum('active') / ms.length,
      returningPerMonth: sum('returning') / ms.length,
      churnRate: sum('before') === 0 ? null : sum('churned') / sum('before'),
      churned: sum('churned'),
    };
  };
  const buyers = (m: string) => active.get(m) ?? new Set<number>();
  return { month, figures, buyers, first };
};

/** NTILE(5) cut points: the largest value of each of the four lower groups. */
const cuts = <T extends string | number>(values: T[]): T[] => {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = sorted.length;
  if (n === 0) return [];
  const q = Math.floor(n / 5);
  const r = n % 5;
  return [1, 2, 3, 4].map((k) => sorted[k * q + Math.min(k, r) - 1] as T);
};
const score = <T extends string | number>(v: T, t: T[]): number => 1 + t.filter((x) => v > x).length;

const referenceWindow = (rows: readonly Row[], w: { start: string; prevStart: string; factor: number }, lost: ReadonlySet<number>) => {
  type C = { sales: number; total: number; prevSales: number; last: string | null; lastEver: string | null; days: number[] };
  const per = new Map<number, C>();
  for (const r of [...rows].sort((a, b) => a.at.localeCompare(b.at))) {
    if (r.contactId === null) continue;
    const c = per.get(r.contactId) ?? { sales: 0, total: 0, prevSales: 0, last: null, lastEver: null, days: [] };
    per.set(r.contactId, c);
    const inWindow = r.at >= w.start;
    if (inWindow) c.total += r.cents;
    if (!r.sale) continue;
    c.lastEver = r.at;
    const day = Math.floor(Date.parse(r.at) / DAY);
    if (!c.days.includes(day)) c.days.push(day);
    if (inWindow) {
      c.sales += 1;
      c.last = r.at;
    } else if (r.at >= w.prevStart) c.prevSales += 1;
  }
  const active = [...per.entries()].filter(([, c]) => c.sales > 0);
  const tR = cuts(active.map(([, c]) => c.last ?? ''));
  const tF = cuts(active.map(([, c]) => c.sales));
  const tM = cuts(active.map(([, c]) => c.total));
  const tiers = new Map<ParetoTier, { customers: number; revenue: number; ids: number[] }>(paretoTiers.map((t) => [t, { customers: 0, revenue: 0, ids: [] }]));
  const segments = new Map<RfmSegmentKey, { customers: number; revenue: number }>(rfmSegmentKeys.map((k) => [k, { customers: 0, revenue: 0 }]));
  for (const [id, c] of active) {
    const m = score(c.total, tM);
    const tier = tiers.get(m === 5 ? 'gold' : m === 1 ? 'bottom' : 'basic');
    if (tier) {
      tier.customers += 1;
      tier.revenue += c.total;
      tier.ids.push(id);
    }
    const seg = segments.get(rfmSegmentOf(score(c.last ?? '', tR), score(c.sales, tF)));
    if (seg) {
      seg.customers += 1;
      seg.revenue += c.total;
    }
  }
  const lostSeg = segments.get('lost');
  if (lostSeg) lostSeg.customers = [...per.values()].filter((c) => c.lastEver !== null && c.sales === 0).length;

  // at risk: overdue against the usual gap (or the shop's, for one sale day), or buying half as often; not marked lost
  const gapOf = (c: C): number | null => {
    if (c.days.length < 2) return null;
    const gaps = c.days.slice(1).map((d, i) => d - (c.days[i] ?? 0)).sort((a, b) => a - b);
    const mid = gaps.length >> 1;
    return gaps.length % 2 === 1 ? (gaps[mid] ?? 0) : Math.round(((gaps[mid - 1] ?? 0) + (gaps[mid] ?? 0)) / 2);
  };
  const gaps = active.map(([, c]) => gapOf(c)).filter((g): g is number => g !== null).sort((a, b) => a - b);
  const shopGap = gaps.length === 0 ? null : (gaps[Math.floor((gaps.length - 1) / 2)] ?? null);
  let atRisk = 0;
  let atRiskValue = 0;
  for (const [id, c] of active) {
    if (lost.has(id)) continue;
    const gap = gapOf(c);
    const due =
      gap !== null && c.lastEver !== null
        ? Date.parse(c.lastEver) + Math.round(gap * w.factor * DAY)
        : shopGap !== null && c.last !== null
          ? Date.parse(c.last) + Math.round(shopGap * w.factor * DAY)
          : null;
    const overdue = due !== null && due <= NOW.getTime();
    const declining = c.prevSales >= 2 && c.sales * 2 <= c.prevSales;
    if (overdue || declining) {
      atRisk += 1;
      atRiskValue += c.total;
    }
  }
  const revenue = active.reduce((a, [, c]) => a + c.total, 0);
  return { customers: active.length, revenue, tiers, segments, atRisk, atRiskValue };
};

const readWindow = (store: Store) =>
  store.sqlite.prepare('SELECT window_start AS start, prev_start AS prevStart, risk_factor AS factor FROM analytics_state').get() as {
    start: string;
    prevStart: string;
    factor: number;
  };

const fresh = async () => {
  const { api, dbPath } = await openClient();
  const shop = await buildShop(api);
  // one customer marked lost: off the at-risk count
  const lostId = shop.contacts[1] ?? 0;
  await api.call('analytics.lost.mark', { contactId: lostId, attrition: 'structural' });
  const store = openStore(dbPath);
  transaction(store, () => recomputeAnalytics(store, NOW));
  return { api, store, shop, lost: new Set([lostId]) };
};

const expectFigures = (got: DashboardFigures, want: DashboardFigures) => {
  expect({ ...got, activePerMonth: 0, returningPerMonth: 0, churnRate: 0 }).toEqual({ ...want, activePerMonth: 0, returningPerMonth: 0, churnRate: 0 });
  expect(got.activePerMonth).toBeCloseTo(want.activePerMonth, 9);
  expect(got.returningPerMonth).toBeCloseTo(want.returningPerMonth, 9);
  if (want.churnRate === null) expect(got.churnRate).toBeNull();
  else expect(got.churnRate).toBeCloseTo(want.churnRate, 9);
};

describe('dashboard', () => {
  it('every figure of every period equals a plain computation from the recorded sales', async () => {
    const { store, shop, lost } = await fresh();
    const ref = referenceMonths(shop.rows);
    // the shop really has what the checks are about
    expect(shop.rows.some((r) => !r.sale && r.at.slice(0, 7) !== r.saleAt?.slice(0, 7))).toBe(true);
    expect(shop.rows.some((r) => !r.sale && r.contactId === null)).toBe(true);
    expect(shop.rows.some((r) => r.sale && r.contactId === null)).toBe(true);
    expect(monthsBetween('2024-04', '2026-06').filter((m) => ref.month(m).churned > 0 && ref.month(m).returning > 0).length).toBeGreaterThan(10);
    expect(ref.month(EMPTY_MONTH)).toMatchObject({ revenue: 0, sales: 0, active: 0 });

    const cases: [DashboardPeriod, string | undefined, { from: string; to: string }, { from: string; to: string }][] = [
      ['month', undefined, { from: '2026-06', to: '2026-06' }, { from: '2025-07', to: '2026-06' }],
      ['month', EMPTY_MONTH, { from: EMPTY_MONTH, to: EMPTY_MONTH }, { from: '2024-03', to: EMPTY_MONTH }],
      ['month', '2025-03', { from: '2025-03', to: '2025-03' }, { from: '2024-04', to: '2025-03' }],
      ['quarter', undefined, { from: '2026-04', to: '2026-06' }, { from: '2025-07', to: '2026-06' }],
      ['quarter', '2025-08', { from: '2025-07', to: '2025-09' }, { from: '2024-10', to: '2025-09' }],
      ['year', undefined, { from: '2026-01', to: '2026-06' }, { from: '2026-01', to: '2026-12' }],
      ['year', '2025-05', { from: '2025-01', to: '2025-12' }, { from: '2025-01', to: '2025-12' }],
      ['12months', undefined, { from: '2025-07', to: '2026-06' }, { from: '2025-07', to: '2026-06' }],
      // a reference after the current month is the current month
      ['12months', '2027-01', { from: '2025-07', to: '2026-06' }, { from: '2025-07', to: '2026-06' }],
    ];
    for (const [period, reference, current, chart] of cases) {
      const d = dashboardData(store, { period, reference }, NOW);
      expect({ period, reference, span: d.current }).toEqual({ period, reference, span: current });
      expect(d.previous).toEqual({ from: addMonth(current.from, -12), to: addMonth(current.to, -12) });
      expect(d.currentMonth).toBe('2026-06');
      expectFigures(d.figures.current, ref.figures(current.from, current.to));
      expectFigures(d.figures.previous, ref.figures(d.previous.from, d.previous.to));
      expect(d.months.map((m) => m.month)).toEqual(monthsBetween(chart.from, chart.to));
      for (const m of d.months) {
        const want = ref.month(m.month);
        const before = ref.month(addMonth(m.month, -12));
        expect({ ...m, churnRate: 0 }).toEqual({
          month: m.month,
          inPeriod: m.month >= current.from && m.month <= current.to,
          future: m.month > '2026-06',
          revenueCents: want.revenue,
          sales: want.sales,
          refunds: want.refunds,
          previousRevenueCents: before.revenue,
          previousSales: before.sales,
          active: want.active,
          new: want.new,
          returning: want.returning,
          churned: want.churned,
          churnRate: 0,
        });
        if (want.rate === null) expect(m.churnRate).toBeNull();
        else expect(m.churnRate).toBeCloseTo(want.rate, 9);
      }
    }

    // the window figures: tiers, RFM segments, customers at risk
    const d = dashboardData(store, { period: '12months' }, NOW);
    const w = referenceWindow(shop.rows, readWindow(store), lost);
    expect(w.customers).toBeGreaterThan(10);
    expect([...w.tiers.values()].every((t) => t.customers > 0)).toBe(true);
    expect([...w.segments.values()].filter((x) => x.customers > 0).length).toBeGreaterThan(4);
    expect(d.pareto.customers).toBe(w.customers);
    expect(d.pareto.revenueCents).toBe(w.revenue);
    for (const t of d.pareto.tiers) {
      const want = w.tiers.get(t.tier);
      expect({ tier: t.tier, customers: t.customers, revenue: t.revenueCents }).toEqual({ tier: t.tier, customers: want?.customers, revenue: want?.revenue });
      expect(t.share).toBeCloseTo((want?.revenue ?? 0) / w.revenue, 9);
      expect(t.customersShare).toBeCloseTo((want?.customers ?? 0) / w.customers, 9);
    }
    expect(d.pareto.topShare).toBeCloseTo((w.tiers.get('gold')?.revenue ?? 0) / w.revenue, 9);
    expect(d.rfm.customers).toBe(w.customers);
    expect(Object.fromEntries(d.rfm.segments.map((s) => [s.key, { customers: s.customers, revenue: s.revenueCents }]))).toEqual(
      Object.fromEntries([...w.segments].map(([k, v]) => [k, { customers: v.customers, revenue: v.revenue }])),
    );
    expect(w.atRisk).toBeGreaterThan(0);
    expect(d.atRisk).toEqual({ customers: w.atRisk, valueCents: w.atRiskValue });
    expect(d.thresholdsAt).toBe(NOW.toISOString());
    expect(d.window?.start).toBe(readWindow(store).start);
    expect(d.hasSales).toBe(true);
  });

  it('each chart element clicks through to exactly its customers', async () => {
    const { store, shop } = await fresh();
    const ref = referenceMonths(shop.rows);
    const d = dashboardData(store, { period: '12months' }, NOW);
    const count = (def: Parameters<typeof countSegment>[1]) => countSegment(store, def, NOW);

    for (const m of d.months) {
      const buyers = ref.buyers(m.month);
      const before = ref.buyers(addMonth(m.month, -1));
      expect(count(newCustomersTarget({ from: m.month, to: m.month }).definition)).toBe(m.new);
      expect(count(boughtInTarget(m.month).definition)).toBe(buyers.size);
      expect(count(returningTarget(m.month).definition)).toBe([...buyers].filter((c) => ref.first.get(c) !== m.month).length);
      expect(count(churnedTarget(m.month).definition)).toBe([...before].filter((c) => !buyers.has(c)).length);
      expect([buyers.size, m.churned]).toEqual([m.active, [...before].filter((c) => !buyers.has(c)).length]);
    }
    // a period's new customers, a tier, a segment, the customers at risk
    expect(count(newCustomersTarget(d.current).definition)).toBe(d.figures.current.newCustomers);
    for (const t of d.pareto.tiers) expect(count(paretoTierTarget(t.tier))).toBe(t.customers);
    for (const s of d.rfm.segments) expect(count(rfmSegmentTarget(s.key))).toBe(s.customers);
    expect(count(atRiskTarget())).toBe(d.atRisk.customers);
  });

  it('answers through the call, and an empty base gives zeros, not errors', async () => {
    const { api } = await openClient();
    const empty: Dashboard = await api.call('analytics.dashboard', { period: 'year' });
    expect(empty.figures.current).toEqual({
      revenueCents: 0,
      sales: 0,
      refunds: 0,
      averageBasketCents: null,
      newCustomers: 0,
      activePerMonth: 0,
      returningPerMonth: 0,
      churnRate: null,
      churned: 0,
    });
    expect(empty.months).toHaveLength(12);
    expect(empty.months.every((m) => m.revenueCents === 0 && m.active === 0 && m.churnRate === null)).toBe(true);
    expect(empty.hasSales).toBe(false);
    expect(empty.pareto.customers).toBe(0);
    expect(empty.pareto.topShare).toBe(0);
    expect(empty.rfm.segments.every((s) => s.customers === 0)).toBe(true);
    expect(empty.atRisk).toEqual({ customers: 0, valueCents: 0 });
    expect((await failure(api.call('analytics.dashboard', { period: 'week' as DashboardPeriod }))).code).toBe('VALIDATION');
    expect((await failure(api.call('analytics.dashboard', { period: 'month', reference: '2026-13' }))).code).toBe('VALIDATION');

    // one sale through the call: the current month (of the real clock) shows it, and the window's figures
    // (kept until the next write) are read again
    const id = (await api.call('contacts.create', { firstName: 'Une', lastName: 'Cliente' })).id;
    const sale = await api.call('purchases.create', { contactId: id, lines: [{ label: 'Article', unitPriceCents: 1250 }] });
    const d = await api.call('analytics.dashboard', { period: 'month' });
    expect(d.pareto).toMatchObject({ customers: 1, revenueCents: 1250 });
    expect(d.rfm.customers).toBe(1);
    const month = sale.purchasedAt.slice(0, 7);
    expect(d.current).toEqual({ from: month, to: month });
    expect(d.figures.current).toMatchObject({ revenueCents: 1250, sales: 1, averageBasketCents: 1250, newCustomers: 1 });
    expect(d.hasSales).toBe(true);
  });
});
