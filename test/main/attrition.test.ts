import { describe, expect, it } from 'vitest';
import { DAY_MS, type AtRiskCustomer, type AtRiskReason, type AtRiskSort, type ChurnMonth } from '../../src-main/contract';
import {
  atRiskPage,
  atRiskSummary,
  churnByMonth,
  contactRisk,
  markLost,
  recordWinBacks,
  unmarkLost,
  winbackPage,
} from '../../src-main/domain/analytics/attrition';
import { customerValue } from '../../src-main/domain/analytics/clv';
import { recomputeAnalytics } from '../../src-main/domain/analytics/recompute';
import { nextBestOffers, productAffinity } from '../../src-main/domain/analytics/offers';
import { countSegment, segmentIds } from '../../src-main/domain/segments/sql';
import { transaction, type Store } from '../../src-main/store/db';
import { failure, openClient, openStore } from './helpers';

type Api = Awaited<ReturnType<typeof openClient>>['api'];

/** The analysis date of every check: the data below is laid out around it. */
const NOW = new Date('2026-06-15T12:00:00.000Z');
const daysAgo = (d: number, hour = 10): string => new Date(NOW.getTime() - d * DAY_MS + (hour - 12) * 3_600_000).toISOString();

/** Seeded, so a failure can be replayed. */
const rng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

type Profile = 'regular' | 'stopped' | 'single' | 'declining' | 'lapsed' | 'sameDay' | 'prospect';

/**
 * A small shop: regular customers, customers who stopped, one-purchase
 * customers, decliners, lapsed ones, two tickets on one day, prospects,
 * anonymous sales and refunds, every sale recorded through the real calls.
 * Two tastes of products so the co-occurrence has something to find.
 */
const buildShop = async (api: Api) => {
  const rand = rng(42);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const products: number[] = [];
  for (let i = 1; i <= 8; i++) {
    products.push((await api.call('products.create', { name: `Produit ${i}`, category: i <= 4 ? 'Cave' : 'Épicerie', priceCents: 500 * i })).id);
  }
  const p = (n: number): number => products[n - 1] ?? 0;
  const tastes = [
    [p(1), p(2), p(3)],
    [p(4), p(5), p(6)],
  ];
  const profiles: Profile[] = [];
  const plan: Profile[] = [
    ...Array<Profile>(9).fill('regular'),
    ...Array<Profile>(7).fill('stopped'),
    ...Array<Profile>(8).fill('single'),
    ...Array<Profile>(6).fill('declining'),
    ...Array<Profile>(4).fill('lapsed'),
    ...Array<Profile>(2).fill('sameDay'),
    ...Array<Profile>(3).fill('prospect'),
  ];
  const contacts: number[] = [];
  const sales: number[] = [];
  const sell = async (contactId: number | null, taste: number[], at: string) => {
    const lines = [{ productId: taste[int(0, 2)] ?? p(1), quantity: int(1, 3) }];
    if (rand() < 0.5) lines.push({ productId: taste[int(0, 2)] ?? p(1), quantity: 1 });
    if (rand() < 0.3) lines.push({ productId: p(7), quantity: 1 });
    if (rand() < 0.05) lines.push({ productId: p(8), quantity: 1 });
    const sale = await api.call('purchases.create', { contactId, purchasedAt: at, lines });
    sales.push(sale.id);
  };
  for (const [i, profile] of plan.entries()) {
    const id = (await api.call('contacts.create', { firstName: `Client${i}`, lastName: profile, postcode: '69001' })).id;
    contacts.push(id);
    profiles.push(profile);
    const taste = tastes[i % 2] ?? [];
    const days: number[] = [];
    switch (profile) {
      case 'regular':
        for (let d = 480 - int(0, 20); d >= 0; d -= int(25, 35)) days.push(d);
        break;
      case 'stopped':
        for (let d = 500 - int(0, 30); d >= 150 + int(0, 100); d -= int(18, 26)) days.push(d);
        break;
      case 'single':
        days.push(int(1, 700));
        break;
      case 'declining':
        for (let k = 0; k < int(5, 8); k++) days.push(370 + int(0, 350));
        for (let k = 0; k < int(1, 2); k++) days.push(int(1, 60));
        break;
      case 'lapsed':
        for (let k = 0; k < 3; k++) days.push(400 + int(0, 300));
        break;
      case 'sameDay': {
        const d = int(100, 300);
        days.push(d, d);
        break;
      }
      case 'prospect':
        break;
    }
    for (const d of days) await sell(id, taste, daysAgo(d, int(8, 18)));
  }
  for (let k = 0; k < 5; k++) await sell(null, tastes[k % 2] ?? [], daysAgo(int(1, 500)));
  // a few refunds, whole sales given back
  for (const id of sales.filter((_, k) => k % 11 === 5)) await api.call('purchases.refund', { purchaseId: id });
  // a product no longer sold is never offered
  await api.call('products.update', { id: p(8), patch: { active: false } });
  return { contacts, profiles, products };
};

type Purchase = { id: number; contactId: number | null; at: string; cents: number; sale: boolean };
type Line = { purchaseId: number; productId: number | null; quantity: number };

const readBase = (store: Store) => ({
  purchases: (
    store.sqlite
      .prepare('SELECT id, contact_id AS contactId, purchased_at AS at, amount_cents AS cents, kind FROM purchases ORDER BY id')
      .all() as { id: number; contactId: number | null; at: string; cents: number; kind: string }[]
  ).map((r) => ({ id: r.id, contactId: r.contactId, at: r.at, cents: r.cents, sale: r.kind === 'sale' })) as Purchase[],
  lines: store.sqlite.prepare('SELECT purchase_id AS purchaseId, product_id AS productId, quantity_milli AS quantity FROM purchase_lines ORDER BY id').all() as Line[],
  activeProducts: new Set(store.sqlite.prepare('SELECT id FROM products WHERE active = 1').pluck().all() as number[]),
  window: store.sqlite.prepare('SELECT window_start AS start, prev_start AS prevStart, risk_factor AS factor FROM analytics_state').get() as {
    start: string;
    prevStart: string;
    factor: number;
  },
});

/** Everything the checks need, computed plainly from the purchases. */
const reference = (base: ReturnType<typeof readBase>, lost: ReadonlySet<number> = new Set()) => {
  const { purchases, window } = base;
  type C = { sales: number; total: number; prevSales: number; allSales: number; allTotal: number; days: number[]; lastSale: string | null; firstSale: string | null; lastInWindow: string | null };
  const per = new Map<number, C>();
  for (const p of [...purchases].sort((a, b) => a.at.localeCompare(b.at))) {
    if (p.contactId === null) continue;
    const c = per.get(p.contactId) ?? { sales: 0, total: 0, prevSales: 0, allSales: 0, allTotal: 0, days: [], lastSale: null, firstSale: null, lastInWindow: null };
    per.set(p.contactId, c);
    c.allTotal += p.cents;
    const inWindow = p.at >= window.start;
    const inPrev = !inWindow && p.at >= window.prevStart;
    if (inWindow) c.total += p.cents;
    if (p.sale) {
      c.allSales += 1;
      c.firstSale ??= p.at;
      c.lastSale = p.at;
      const day = Math.floor(Date.parse(p.at) / DAY_MS);
      if (!c.days.includes(day)) c.days.push(day);
      if (inWindow) {
        c.sales += 1;
        c.lastInWindow = p.at;
      }
      if (inPrev) c.prevSales += 1;
    }
  }
  const gapOf = (c: C): number | null => {
    if (c.days.length < 2) return null;
    const gaps = c.days.slice(1).map((d, i) => d - (c.days[i] ?? 0)).sort((a, b) => a - b);
    const mid = gaps.length >> 1;
    return gaps.length % 2 === 1 ? (gaps[mid] ?? 0) : Math.round(((gaps[mid - 1] ?? 0) + (gaps[mid] ?? 0)) / 2);
  };
  const activeGaps = [...per.values()].filter((c) => c.sales > 0).map(gapOf).filter((g): g is number => g !== null).sort((a, b) => a - b);
  const shopGap = activeGaps.length === 0 ? null : (activeGaps[Math.floor((activeGaps.length - 1) / 2)] ?? null);
  const nowMs = NOW.getTime();
  const atRisk = new Map<number, { reasons: AtRiskReason[]; value: number; due: number | null }>();
  for (const [id, c] of per) {
    if (c.sales === 0 || lost.has(id)) continue;
    const gap = gapOf(c);
    const reasons: AtRiskReason[] = [];
    let due: number | null = null;
    if (gap !== null && c.lastSale !== null) due = Date.parse(c.lastSale) + Math.round(gap * window.factor * DAY_MS);
    else if (shopGap !== null && c.lastInWindow !== null) due = Date.parse(c.lastInWindow) + Math.round(shopGap * window.factor * DAY_MS);
    if (due !== null && due <= nowMs) {
      const last = c.lastSale ?? '';
      reasons.push({
        kind: 'overdue',
        daysOverdue: Math.floor((nowMs - due) / DAY_MS),
        daysSinceLastSale: Math.floor((nowMs - Date.parse(last)) / DAY_MS),
        usualGapDays: gap ?? shopGap ?? 0,
        shopGap: gap === null,
      });
    }
    if (c.prevSales >= 2 && c.sales * 2 <= c.prevSales) reasons.push({ kind: 'declining', previousSales: c.prevSales, sales: c.sales });
    if (reasons.length > 0) atRisk.set(id, { reasons, value: c.total, due });
  }
  const previous = [...per.values()].filter((c) => c.prevSales > 0);
  const rawRetention = previous.length === 0 ? 0 : previous.filter((c) => c.sales > 0).length / previous.length;
  return { per, shopGap, atRisk, retention: Math.min(0.95, rawRetention) };
};

/** Churn from the raw sales: sets of active customers per month. */
const referenceChurn = (purchases: readonly Purchase[], from: string, to: string): ChurnMonth[] => {
  const active = new Map<string, Set<number>>();
  const first = new Map<number, string>();
  for (const p of purchases) {
    if (!p.sale || p.contactId === null) continue;
    const m = p.at.slice(0, 7);
    const set = active.get(m) ?? new Set<number>();
    set.add(p.contactId);
    active.set(m, set);
    const f = first.get(p.contactId);
    if (f === undefined || m < f) first.set(p.contactId, m);
  }
  const months: string[] = [];
  for (let d = new Date(`${from}-01T00:00:00Z`); d.toISOString().slice(0, 7) <= to; d.setUTCMonth(d.getUTCMonth() + 1)) months.push(d.toISOString().slice(0, 7));
  return months.map((month) => {
    const prevDate = new Date(`${month}-01T00:00:00Z`);
    prevDate.setUTCMonth(prevDate.getUTCMonth() - 1);
    const before = active.get(prevDate.toISOString().slice(0, 7)) ?? new Set<number>();
    const now = active.get(month) ?? new Set<number>();
    const retained = [...now].filter((c) => before.has(c)).length;
    const fresh = [...now].filter((c) => first.get(c) === month).length;
    return {
      month,
      active: now.size,
      new: fresh,
      returning: now.size - fresh,
      retained,
      churned: before.size - retained,
      rate: before.size === 0 ? null : (before.size - retained) / before.size,
    };
  });
};

/** Next best offers written plainly: every other buyer of what the customer bought, every product they bought. */
const referenceOffers = (base: ReturnType<typeof readBase>, contactId: number) => {
  const sale = new Map(base.purchases.filter((p) => p.sale).map((p) => [p.id, p]));
  const bought = new Map<number, Map<number, number>>(); // contact → product → lines
  for (const l of base.lines) {
    const p = sale.get(l.purchaseId);
    if (p === undefined || p.contactId === null || l.productId === null || l.quantity <= 0) continue;
    const mine = bought.get(p.contactId) ?? new Map<number, number>();
    mine.set(l.productId, (mine.get(l.productId) ?? 0) + 1);
    bought.set(p.contactId, mine);
  }
  const baseLines = base.lines.filter((l) => l.productId !== null && l.quantity > 0);
  const baseShare = (id: number) => baseLines.filter((l) => l.productId === id).length / baseLines.length;
  const own = bought.get(contactId) ?? new Map<number, number>();
  const similar = [...bought.entries()].filter(([c, ps]) => c !== contactId && [...own.keys()].some((k) => ps.has(k)));
  const totalLines = similar.reduce((s, [, ps]) => s + [...ps.values()].reduce((a, b) => a + b, 0), 0);
  const tally = new Map<number, { count: number; lines: number }>();
  for (const [, ps] of similar) {
    for (const [prod, n] of ps) {
      const t = tally.get(prod) ?? { count: 0, lines: 0 };
      t.count += 1;
      t.lines += n;
      tally.set(prod, t);
    }
  }
  const offers = [...tally.entries()]
    .filter(([prod]) => !own.has(prod) && base.activeProducts.has(prod))
    .map(([prod, t]) => ({ productId: prod, count: t.count, lift: t.lines / totalLines / baseShare(prod) }))
    .sort((a, b) => b.count - a.count || b.lift - a.lift || a.productId - b.productId)
    .slice(0, 10);
  return { offers, similar: similar.length };
};

const allAtRisk = (store: Store, sort: AtRiskSort, limit: number): AtRiskCustomer[] => {
  const out: AtRiskCustomer[] = [];
  let cursor: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = atRiskPage(store, { sort, cursor, limit }, NOW);
    out.push(...page.rows);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return out;
};

/** A fresh shop per test: the helpers remove every database after each test. */
const fresh = async () => {
  const { api, dbPath } = await openClient();
  return { api, dbPath, shop: await buildShop(api) };
};

describe('attrition on a generated shop', () => {

  it('churn per month equals the sets of active customers month by month, empty months included', async () => {
    const { dbPath } = await fresh();
    const store = openStore(dbPath);
    recomputeAnalytics(store, NOW);
    const base = readBase(store);
    expect(churnByMonth(store, { from: '2024-06', to: '2026-06' })).toEqual(referenceChurn(base.purchases, '2024-06', '2026-06'));
    // a range with no sale at all, right after the data: last month's customers all churned, then nobody
    const after = churnByMonth(store, { from: '2026-07', to: '2026-09' });
    expect(after.map((m) => m.active)).toEqual([0, 0, 0]);
    expect(after[1]?.rate).toBeNull();
    expect(referenceChurn(base.purchases, '2026-07', '2026-09')).toEqual(after);
    expect(churnByMonth(store, { from: '2026-06', to: '2026-05' })).toEqual([]);
  });

  it('at-risk customers, their reasons and value, paged by value and by days overdue', async () => {
    const { dbPath, shop } = await fresh();
    const store = openStore(dbPath);
    recomputeAnalytics(store, NOW);
    const ref = reference(readBase(store));
    expect(ref.atRisk.size).toBeGreaterThan(5);
    // the generated profiles did produce each signal
    const kinds = [...ref.atRisk.values()].flatMap((r) => r.reasons.map((x) => `${x.kind}${x.kind === 'overdue' && x.shopGap ? '/shop' : ''}`));
    expect(new Set(kinds)).toEqual(new Set(['overdue', 'overdue/shop', 'declining']));

    for (const limit of [1, 4, 50]) {
      const byValue = allAtRisk(store, 'value', limit);
      expect(byValue.map((r) => r.contactId).sort((a, b) => a - b)).toEqual([...ref.atRisk.keys()].sort((a, b) => a - b));
      for (const r of byValue) {
        expect(r.reasons, `contact ${r.contactId}`).toEqual(ref.atRisk.get(r.contactId)?.reasons);
        expect(r.valueCents).toBe(ref.atRisk.get(r.contactId)?.value);
      }
      const expectedOrder = [...ref.atRisk.entries()].sort((a, b) => b[1].value - a[1].value || b[0] - a[0]).map(([id]) => id);
      expect(byValue.map((r) => r.contactId)).toEqual(expectedOrder);

      const byDue = allAtRisk(store, 'overdue', limit);
      const dueOrder = [...ref.atRisk.entries()]
        .sort((a, b) => (a[1].due ?? Infinity) - (b[1].due ?? Infinity) || a[0] - b[0])
        .map(([id]) => id);
      expect(byDue.map((r) => r.contactId)).toEqual(dueOrder);
    }
    const summary = atRiskSummary(store, NOW);
    expect(summary).toEqual({ customers: ref.atRisk.size, valueCents: [...ref.atRisk.values()].reduce((s, r) => s + r.value, 0) });
    // the segment criterion picks the same customers
    expect(countSegment(store, { version: 2, root: { field: 'atRisk' } }, NOW)).toBe(ref.atRisk.size);
    // one customer's view agrees with the list
    const [someone, expected] = [...ref.atRisk.entries()][0] ?? [0, undefined];
    expect(contactRisk(store, someone, NOW)).toMatchObject({ atRisk: true, reasons: expected?.reasons });
    const notAtRisk = shop.contacts.find((c, i) => shop.profiles[i] === 'lapsed' && !ref.atRisk.has(c)) ?? 0;
    expect(contactRisk(store, notAtRisk, NOW).atRisk).toBe(false);
  });

  it('lifetime value, historical and predicted, from the observed retention', async () => {
    const { dbPath, shop } = await fresh();
    const store = openStore(dbPath);
    recomputeAnalytics(store, NOW);
    const ref = reference(readBase(store));
    expect(ref.retention).toBeGreaterThan(0);
    for (const [i, id] of shop.contacts.entries()) {
      const v = customerValue(store, id, NOW);
      const c = ref.per.get(id);
      const total = c?.allTotal ?? 0;
      const count = c?.allSales ?? 0;
      const span = Math.max(1, c?.firstSale == null ? 0 : (NOW.getTime() - Date.parse(c.firstSale)) / (365.25 * DAY_MS));
      const basket = count === 0 ? 0 : total / count;
      const lifetime = 1 / (1 - ref.retention);
      expect(v.historicalCents, shop.profiles[i]).toBe(total);
      expect(v.purchases).toBe(count);
      expect(v.retention.rate).toBeCloseTo(ref.retention, 12);
      expect(v.lifetimeYears).toBeCloseTo(lifetime, 12);
      expect(v.spanYears).toBeCloseTo(span, 9);
      expect(v.predictedCents).toBe(Math.max(0, Math.round(basket * (count / span) * lifetime)));
      if (shop.profiles[i] === 'prospect') expect(v.predictedCents).toBe(0);
    }
  });

  it('next best offers: what similar customers bought and this one did not, ranked by count then lift', async () => {
    const { dbPath, shop } = await fresh();
    const store = openStore(dbPath);
    recomputeAnalytics(store, NOW);
    const base = readBase(store);
    let nonEmpty = 0;
    for (const id of shop.contacts) {
      const got = nextBestOffers(store, id);
      const want = referenceOffers(base, id);
      expect(got.similarCustomers, `contact ${id}`).toBe(want.similar);
      expect(got.offers.map((o) => [o.productId, o.count]), `contact ${id}`).toEqual(want.offers.map((o) => [o.productId, o.count]));
      for (const [k, o] of got.offers.entries()) expect(o.lift).toBeCloseTo(want.offers[k]?.lift ?? NaN, 9);
      if (got.offers.length > 0) nonEmpty += 1;
    }
    expect(nonEmpty).toBeGreaterThan(10);
    // the inactive product is never offered
    const inactive = shop.products[7];
    for (const id of shop.contacts) expect(nextBestOffers(store, id).offers.some((o) => o.productId === inactive)).toBe(false);
  });

  it('sells with: same baskets, then same customers', async () => {
    const { dbPath, shop } = await fresh();
    const store = openStore(dbPath);
    const base = readBase(store);
    const product = shop.products[0] ?? 0;
    const sale = new Map(base.purchases.filter((p) => p.sale).map((p) => [p.id, p]));
    const baskets = new Set(base.lines.filter((l) => l.productId === product && sale.has(l.purchaseId)).map((l) => l.purchaseId));
    const counts = new Map<number, number>();
    for (const b of baskets) {
      for (const prod of new Set(base.lines.filter((l) => l.purchaseId === b && l.productId !== null && l.quantity > 0).map((l) => l.productId))) {
        if (prod !== null && prod !== product) counts.set(prod, (counts.get(prod) ?? 0) + 1);
      }
    }
    const expected = [...counts.entries()].filter(([p]) => base.activeProducts.has(p)).sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const got = productAffinity(store, product);
    expect(got.baskets).toBe(baskets.size);
    // ties in count are broken by lift, so compare the counts in order and the sets
    expect(got.sameBasket.map((o) => o.count)).toEqual(expected.map(([, n]) => n).slice(0, 10));
    expect(new Set(got.sameBasket.map((o) => o.productId))).toEqual(new Set(expected.slice(0, 10).map(([p]) => p)));
    const buyers = new Set([...baskets].map((b) => sale.get(b)?.contactId).filter((c): c is number => c != null));
    expect(got.customers).toBe(buyers.size);
  });

  it('marking lost takes a customer off the at-risk list into the win-back list, until they buy again', async () => {
    const { api, dbPath } = await fresh();
    const store = openStore(dbPath);
    recomputeAnalytics(store, NOW);
    const ref = reference(readBase(store));
    const [target, other] = [...ref.atRisk.keys()];
    if (target === undefined || other === undefined) throw new Error('no customers at risk');
    const before = atRiskSummary(store, NOW);
    transaction(store, () => markLost(store, { contactId: target, attrition: 'dissatisfaction', note: 'Livraison ratée' }, NOW));
    expect(store.sqlite.prepare('SELECT status FROM contacts WHERE id = ?').pluck().get(target)).toBe('former');
    const lostRef = reference(readBase(store), new Set([target]));
    expect(atRiskSummary(store, NOW)).toEqual({ customers: lostRef.atRisk.size, valueCents: before.valueCents - (ref.atRisk.get(target)?.value ?? 0) });
    expect(allAtRisk(store, 'value', 3).some((r) => r.contactId === target)).toBe(false);
    expect(contactRisk(store, target, NOW).atRisk).toBe(false);
    const list = winbackPage(store, { cursor: null, limit: 10 });
    expect(list).toMatchObject({ lost: 1, wonBack: 0, nextCursor: null });
    expect(list.rows[0]).toMatchObject({ contactId: target, attrition: 'dissatisfaction', note: 'Livraison ratée', markedAt: NOW.toISOString(), wonBackAt: null });
    expect(countSegment(store, { version: 2, root: { field: 'markedLost' } }, NOW)).toBe(1);

    // marking again replaces the mark
    transaction(store, () => markLost(store, { contactId: target, attrition: 'structural', note: null }, NOW));
    expect(winbackPage(store, { cursor: null, limit: 10 }).rows.map((r) => [r.attrition, r.note])).toEqual([['structural', null]]);

    // a second one, marked a day later, who does not come back
    transaction(store, () => markLost(store, { contactId: other, attrition: 'anecdotal', note: null }, new Date(NOW.getTime() + DAY_MS)));
    const both = winbackPage(store, { cursor: null, limit: 1 });
    expect(both).toMatchObject({ lost: 2, wonBack: 0, rows: [{ contactId: other }] });
    expect(winbackPage(store, { cursor: both.nextCursor, limit: 1 })).toMatchObject({ rows: [{ contactId: target }], nextCursor: null });
    expect(atRiskSummary(store, NOW).customers).toBe(reference(readBase(store), new Set([target, other])).atRisk.size);

    // a sale after the mark: won back, a customer again
    const at = new Date(NOW.getTime() + 2 * DAY_MS).toISOString();
    await api.call('purchases.create', { contactId: target, purchasedAt: at, lines: [{ label: 'Retour', unitPriceCents: 1200 }] });
    expect(winbackPage(store, { cursor: null, limit: 10 })).toMatchObject({ lost: 1, wonBack: 1, rows: [{ contactId: other }] });
    // the stored date, written in the sale's own transaction: the first sale after the mark; nothing left to record
    expect(store.sqlite.prepare('SELECT won_back_at FROM customer_losses WHERE contact_id = ?').pluck().get(target)).toBe(at);
    expect(transaction(store, () => recordWinBacks(store, [target]))).toBe(0);
    expect(transaction(store, () => recordWinBacks(store, null))).toBe(0);
    expect(store.sqlite.prepare('SELECT status FROM contacts WHERE id = ?').pluck().get(target)).toBe('customer');
    expect(segmentIds(store, { version: 2, root: { field: 'markedLost' } }, NOW)).toEqual([other]);
    expect(contactRisk(store, other, NOW).atRisk).toBe(false);

    transaction(store, () => unmarkLost(store, target, NOW));
    transaction(store, () => unmarkLost(store, other, NOW));
    expect(winbackPage(store, { cursor: null, limit: 10 })).toMatchObject({ lost: 0, wonBack: 0 });
    expect(store.sqlite.prepare('SELECT status FROM contacts WHERE id = ?').pluck().get(other)).toBe('customer');
  });

  it('the calls: outlook of a contact, mark and unmark, and clear errors on bad input', async () => {
    const { api, shop } = await fresh();
    const [id] = shop.contacts;
    if (id === undefined) throw new Error('no contact');
    const outlook = await api.call('analytics.contact.value', { contactId: id });
    expect(outlook.value.contactId).toBe(id);
    expect(outlook.loss).toBeNull();
    const marked = await api.call('analytics.lost.mark', { contactId: id, attrition: 'conjunctural', note: '  déménagé  ' });
    expect(marked).toMatchObject({ contactId: id, attrition: 'conjunctural', note: 'déménagé', wonBackAt: null });
    expect((await api.call('contacts.get', { id })).status).toBe('former');
    expect((await api.call('analytics.contact.value', { contactId: id })).loss?.attrition).toBe('conjunctural');
    expect((await api.call('analytics.winback', {})).rows.map((r) => r.contactId)).toContain(id);
    await api.call('analytics.lost.unmark', { contactId: id });
    expect((await api.call('contacts.get', { id })).status).toBe('customer');

    expect((await failure(api.call('analytics.contact.value', { contactId: 999_999 }))).code).toBe('NOT_FOUND');
    expect((await failure(api.call('analytics.lost.mark', { contactId: 999_999, attrition: 'anecdotal' }))).code).toBe('NOT_FOUND');
    expect((await failure(api.call('analytics.lost.unmark', { contactId: id }))).code).toBe('NOT_FOUND');
    const kind = await failure(api.call('analytics.lost.mark', { contactId: id, attrition: 'bored' as 'anecdotal' }));
    expect(kind.code).toBe('VALIDATION');
    expect(kind.details?.issues).toEqual([{ path: 'attrition', code: 'invalid_attrition' }]);
    const range = await failure(api.call('analytics.churn', { from: '2026-05', to: '2026-01' }));
    expect(range.details?.issues).toEqual([{ path: 'to', code: 'range_inverted' }]);
    expect((await failure(api.call('analytics.churn', { from: '2026-13', to: '2026-12' }))).details?.issues).toEqual([{ path: 'from', code: 'invalid_month' }]);
    expect((await failure(api.call('analytics.atRisk', { cursor: 'nonsense' }))).details?.issues).toEqual([{ path: 'cursor', code: 'invalid_cursor' }]);
    expect((await failure(api.call('analytics.product.affinity', { productId: 999_999 }))).code).toBe('NOT_FOUND');
    const page = await api.call('analytics.atRisk', { sort: 'overdue', limit: 2 });
    expect(page.rows.length).toBeLessThanOrEqual(2);
  });
});

describe('attrition on an empty base', () => {
  it('has no churn, nobody at risk, no offers and a value of zero', async () => {
    const { api, dbPath } = await openClient();
    const prospect = (await api.call('contacts.create', { firstName: 'Jeanne', lastName: 'Seule' })).id;
    const store = openStore(dbPath);
    recomputeAnalytics(store, NOW);
    expect(churnByMonth(store, { from: '2026-01', to: '2026-02' })).toEqual([
      { month: '2026-01', active: 0, new: 0, returning: 0, retained: 0, churned: 0, rate: null },
      { month: '2026-02', active: 0, new: 0, returning: 0, retained: 0, churned: 0, rate: null },
    ]);
    expect(atRiskSummary(store, NOW)).toEqual({ customers: 0, valueCents: 0 });
    expect(atRiskPage(store, { sort: 'overdue', cursor: null, limit: 10 }, NOW)).toEqual({ rows: [], nextCursor: null, summary: { customers: 0, valueCents: 0 } });
    expect(atRiskPage(store, { sort: 'value', cursor: null, limit: 10 }, NOW).rows).toEqual([]);
    expect(customerValue(store, prospect, NOW)).toMatchObject({ historicalCents: 0, predictedCents: 0, lifetimeYears: 1, retention: { previous: 0, rate: 0 } });
    expect(nextBestOffers(store, prospect)).toEqual({ offers: [], similarCustomers: 0 });
    expect(winbackPage(store, { cursor: null, limit: 5 })).toEqual({ rows: [], nextCursor: null, lost: 0, wonBack: 0 });
    const outlook = await api.call('analytics.contact.value', { contactId: prospect });
    expect(outlook.risk).toEqual({ atRisk: false, reasons: [], dueAt: null, valueCents: 0 });
  });
});
