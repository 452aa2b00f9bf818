import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, contactInput, mergeInput } from '../../src-main/contract';
import { createContact } from '../../src-main/domain/contacts/service';
import { mergeContacts } from '../../src-main/domain/duplicates/merge';
import { addMonths } from '../../src-main/contract';
import { adjust, createReward, enrol, getMember, redeem, runDaily, setProgramme } from '../../src-main/domain/loyalty/service';
import { createPurchase, deletePurchase, refundPurchase } from '../../src-main/domain/purchases/service';
import { transaction, type Store } from '../../src-main/store/db';
import { openStore } from './helpers';

/**
 * The ledger against a plain model: for random sequences of sales, refunds,
 * deletions, redemptions, adjustments, expiry runs (a clock moved forward)
 * and a merge of the two members, after every step the cached balance, the
 * sum of the entries and the model's balance agree, the open lots are the
 * model's (so debits and expiry took the oldest first), and a redemption
 * never takes a balance below zero.
 */

type Lot = { id: number; remaining: number; expiresOn: string };
type MSale = { id: number; owner: number; amount: number; refunded: number; earned: number; earnId: number | null; effective: number; at: string; deleted: boolean };
type MMember = { balance: number; tier: 'basic' | 'gold'; lots: Lot[] };

type Op =
  | { op: 'sale'; who: number; cents: number; days: number }
  | { op: 'refund'; pick: number; cents: number; days: number }
  | { op: 'delete'; pick: number; days: number }
  | { op: 'redeem'; who: number; reward: number; days: number }
  | { op: 'adjust'; who: number; points: number; days: number }
  | { op: 'expire'; days: number }
  | { op: 'merge'; days: number };

const days = fc.integer({ min: 1, max: 120 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('sale' as const), who: fc.nat(1), cents: fc.integer({ min: 0, max: 30_000 }), days }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), cents: fc.integer({ min: 1, max: 20_000 }), days }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat(), days }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('redeem' as const), who: fc.nat(1), reward: fc.nat(3), days }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('adjust' as const), who: fc.nat(1), points: fc.integer({ min: -300, max: 300 }).filter((p) => p !== 0), days }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('expire' as const), days: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('merge' as const), days }) },
);

const REWARDS = [
  { cost: 10, minTier: null },
  { cost: 75, minTier: null },
  { cost: 300, minTier: null },
  { cost: 20, minTier: 'gold' as const },
];

const EXPIRY_MONTHS = 24;

const run = (ops: Op[]): void => {
  const store: Store = openStore();
  const db = store.sqlite;
  let clock = new Date('2025-01-06T10:00:00.000Z');
  const tick = (d: number) => {
    clock = new Date(clock.getTime() + d * 86_400_000);
    return clock;
  };
  const day = () => clock.toISOString().slice(0, 10);
  transaction(store, () => setProgramme(store, { welcomePoints: 50, referrerPoints: 0, referredPoints: 0, expiryMonths: EXPIRY_MONTHS }, clock));
  const rewards = REWARDS.map((r, i) =>
    transaction(store, () =>
      createReward(store, { name: `R${i}`, kind: 'item', value: 0, productId: null, costPoints: r.cost, validFrom: null, validTo: null, minTier: r.minTier, active: true }, clock),
    ),
  );
  const ids = ['Alice', 'Alicia'].map((n) => transaction(store, () => createContact(store, contactInput.parse({ firstName: n, lastName: 'Moreau' }))).id);
  const model = new Map<number, MMember>();
  const sales: MSale[] = [];
  const lastEntry = () => Number(db.prepare('SELECT max(id) FROM loyalty_entries').pluck().get());

  /** What the service does on a credit: lift a negative balance first, open a lot with the rest. */
  const credit = (who: number, points: number) => {
    const m = model.get(who);
    if (!m) throw new Error('no member');
    const lot = Math.min(points, Math.max(0, m.balance + points));
    m.balance += points;
    if (lot > 0) m.lots.push({ id: lastEntry(), remaining: lot, expiresOn: addMonths(day(), EXPIRY_MONTHS) });
  };
  const debit = (who: number, points: number) => {
    const m = model.get(who);
    if (!m) throw new Error('no member');
    m.balance -= points;
    let left = points;
    for (const lot of m.lots) {
      const take = Math.min(left, lot.remaining);
      lot.remaining -= take;
      left -= take;
    }
    m.lots = m.lots.filter((l) => l.remaining > 0);
  };
  const spend = (who: number): number => {
    const from = `${addMonths(day(), -12)}T00:00:00.000Z`;
    return Number(db.prepare('SELECT coalesce(sum(amount_cents), 0) FROM purchases WHERE contact_id = ? AND purchased_at >= ?').pluck().get(who, from));
  };
  const retier = (who: number) => {
    const m = model.get(who);
    if (m) m.tier = spend(who) >= 50_000 ? 'gold' : 'basic';
  };
  const syncSale = (s: MSale) => {
    if (!model.has(s.owner)) return;
    // the spend over the window moved even when no point does
    if (s.earnId === null) return retier(s.owner);
    const target = s.deleted ? 0 : s.earned - Math.floor((s.earned * Math.min(s.refunded, s.amount)) / s.amount);
    const delta = target - s.effective;
    if (delta < 0) {
      const take = Math.min(-delta, Math.max(0, model.get(s.owner)?.balance ?? 0));
      if (take > 0) debit(s.owner, take);
      s.effective += delta;
    }
    retier(s.owner);
  };

  for (const id of ids) {
    transaction(store, () => enrol(store, { contactId: id, paidEntry: false }, clock));
    model.set(id, { balance: 0, tier: 'basic', lots: [] });
    credit(id, 50);
  }

  const check = (label: string) => {
    for (const [id, m] of model) {
      const cached = getMember(store, id).balance;
      const sum = Number(db.prepare('SELECT coalesce(sum(points), 0) FROM loyalty_entries WHERE contact_id = ?').pluck().get(id));
      expect(cached, `${label}: cached balance of ${id}`).toBe(sum);
      expect(sum, `${label}: balance of ${id}`).toBe(m.balance);
      const lots = db.prepare('SELECT entry_id AS id, remaining, expires_on AS expiresOn FROM loyalty_lots WHERE contact_id = ? AND remaining > 0 ORDER BY entry_id').all(id);
      expect(lots, `${label}: lots of ${id}`).toEqual(m.lots);
      expect(getMember(store, id).tier, `${label}: tier of ${id}`).toBe(m.tier);
    }
  };

  let merged = false;
  ops.forEach((o, step) => {
    tick(o.days);
    const label = `step ${step} ${o.op}`;
    const alive = [...model.keys()];
    if (o.op === 'sale') {
      const who = alive[o.who % alive.length] ?? 0;
      const m = model.get(who);
      if (!m) return;
      const p = transaction(store, () =>
        createPurchase(store, { contactId: who, channel: 'shop', lines: [{ productId: null, label: 'x', quantity: 1, unitPriceCents: o.cents }], reference: null, note: null }, clock),
      );
      const earned = Math.floor((o.cents * (m.tier === 'gold' ? 2 : 1)) / 100 + 1e-9);
      const sale: MSale = { id: p.id, owner: who, amount: o.cents, refunded: 0, earned, earnId: null, effective: earned, at: clock.toISOString(), deleted: false };
      if (earned > 0) {
        credit(who, earned);
        sale.earnId = lastEntry();
      }
      sales.push(sale);
      retier(who);
    } else if (o.op === 'refund' || o.op === 'delete') {
      const open = sales.filter((s) => !s.deleted && s.amount - s.refunded > 0);
      const s = open[o.pick % Math.max(1, open.length)];
      if (!s) return;
      if (o.op === 'refund') {
        const cents = Math.min(o.cents, s.amount - s.refunded);
        transaction(store, () => refundPurchase(store, { purchaseId: s.id, lines: undefined, amountCents: cents, refundedAt: undefined, note: null }, clock));
        s.refunded += cents;
      } else {
        transaction(store, () => deletePurchase(store, s.id, clock));
        s.deleted = true;
      }
      syncSale(s);
    } else if (o.op === 'redeem') {
      const who = alive[o.who % alive.length] ?? 0;
      const m = model.get(who);
      const r = REWARDS[o.reward];
      const reward = rewards[o.reward];
      if (!m || !r || !reward) return;
      const before = m.balance;
      const refused = (r.minTier === 'gold' && m.tier !== 'gold') || m.balance < r.cost;
      let error: unknown = null;
      try {
        transaction(store, () => redeem(store, who, reward.id, clock));
      } catch (e) {
        error = e;
      }
      if (refused) {
        expect(error, label).toBeInstanceOf(AppError);
        expect((error as AppError).code, label).toBe('CONFLICT');
      } else {
        expect(error, label).toBeNull();
        debit(who, r.cost);
        retier(who);
        // never overdraws: only a balance that covered the cost was debited
        expect(before - r.cost, label).toBeGreaterThanOrEqual(0);
        expect(getMember(store, who).balance, label).toBeGreaterThanOrEqual(0);
      }
    } else if (o.op === 'adjust') {
      const who = alive[o.who % alive.length] ?? 0;
      if (!model.has(who)) return;
      transaction(store, () => adjust(store, { contactId: who, points: o.points, reason: 'model' }, clock));
      if (o.points > 0) credit(who, o.points);
      else debit(who, -o.points);
      retier(who);
    } else if (o.op === 'expire') {
      const today = day();
      const expected = [...model.values()].reduce((sum, m) => sum + m.lots.filter((l) => l.expiresOn <= today).reduce((s, l) => s + l.remaining, 0), 0);
      const { expired } = transaction(store, () => runDaily(store, clock));
      expect(expired, label).toBe(expected);
      for (const [id, m] of model) {
        const touched = m.lots.some((l) => l.expiresOn <= today);
        const due = m.lots.filter((l) => l.expiresOn <= today).reduce((s, l) => s + l.remaining, 0);
        m.lots = m.lots.filter((l) => l.expiresOn > today);
        m.balance -= due;
        if (touched || m.tier !== 'basic') retier(id);
      }
      // what is left never expires before what went: the oldest lots went first
      const open = db.prepare('SELECT min(expires_on) FROM loyalty_lots WHERE remaining > 0').pluck().get() as string | null;
      if (open !== null) expect(open > today, label).toBe(true);
    } else if (!merged && alive.length === 2) {
      const [kept, removed] = alive as [number, number];
      transaction(store, () => mergeContacts(store, mergeInput.parse({ keptId: kept, removedId: removed })));
      merged = true;
      const k = model.get(kept);
      const r = model.get(removed);
      if (!k || !r) return;
      k.balance += r.balance;
      k.lots = [...k.lots, ...r.lots].sort((a, b) => a.id - b.id);
      // one side's negative balance eats into the other side's lots, oldest first
      let excess = k.lots.reduce((s, l) => s + l.remaining, 0) - Math.max(0, k.balance);
      for (const lot of k.lots) {
        const take = Math.min(Math.max(0, excess), lot.remaining);
        lot.remaining -= take;
        excess -= take;
      }
      k.lots = k.lots.filter((l) => l.remaining > 0);
      model.delete(removed);
      for (const s of sales) if (s.owner === removed) s.owner = kept;
    }
    check(label);
  });
  const totals = db.prepare('SELECT members, balance FROM loyalty_totals').get() as { members: number; balance: number };
  expect(totals).toEqual({ members: model.size, balance: [...model.values()].reduce((s, m) => s + m.balance, 0) });
};

describe('loyalty ledger model', () => {
  it('balance = sum of entries = model, oldest lots first, no overdraw, through sales, refunds, redemptions, expiry, adjustments and a merge', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => run(ops)),
      { numRuns: 60 },
    );
  });

  it("a refund too small to cost a point still drops a tier reached to the cent (a CI run's counterexample)", () => {
    run([
      { op: 'sale', who: 0, cents: 7_910, days: 1 },
      { op: 'sale', who: 0, cents: 26_038, days: 1 },
      { op: 'sale', who: 0, cents: 5_538, days: 1 },
      { op: 'sale', who: 0, cents: 10_514, days: 1 },
      { op: 'refund', pick: 0, cents: 1, days: 1 },
    ]);
  });

  it('a refund of a sale that earned nothing recounts the tier too', () => {
    run([
      { op: 'sale', who: 0, cents: 49, days: 1 },
      { op: 'sale', who: 0, cents: 49_951, days: 1 },
      { op: 'refund', pick: 0, cents: 49, days: 1 },
    ]);
  });

  it('a known sequence: points spent, sale deleted, expiry after two years', () => {
    run([
      { op: 'sale', who: 0, cents: 12_345, days: 1 },
      { op: 'redeem', who: 0, reward: 1, days: 1 },
      { op: 'delete', pick: 0, days: 1 },
      { op: 'adjust', who: 1, points: -120, days: 1 },
      { op: 'sale', who: 1, cents: 20_000, days: 1 },
      { op: 'merge', days: 1 },
      { op: 'expire', days: 800 },
    ]);
  });
});
