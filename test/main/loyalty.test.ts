import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  cardNumberFor,
  compactCardNumber,
  dammCheckDigit,
  isValidCardNumber,
  type Api,
} from '../../src-main/contract';
import { contactFilter, contactInput } from '../../src-main/contract';
import { createContact } from '../../src-main/domain/contacts/service';
import { transaction, type Store } from '../../src-main/store/db';
import { createPurchase, deletePurchase, refundPurchase } from '../../src-main/domain/purchases/service';
import { adjust, createReward, dashboard, enrol, getMember, grantBonus, redeem, runDaily, setProgramme } from '../../src-main/domain/loyalty/service';
import { IN_WINDOW, tierWindowStart } from '../../src-main/domain/loyalty/ledger';
import { earnOnSale } from '../../src-main/domain/loyalty/sales';
import { failure, openClient, openStore } from './helpers';
import { inZone } from '../zone';

type Ctx = Awaited<ReturnType<typeof openClient>>;

const readOnly = <T>(ctx: Ctx, fn: (db: Database.Database) => T): T => {
  const db = new Database(ctx.dbPath, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

const count = (ctx: Ctx, table: string): number => readOnly(ctx, (db) => Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()));

/** Every member's cached balance against the sum of their entries, and the open lots against max(0, balance). */
const ledgerConsistent = (db: Database.Database): void => {
  const rows = db
    .prepare(
      `SELECT m.contact_id AS id, m.balance,
        (SELECT coalesce(sum(points), 0) FROM loyalty_entries e WHERE e.contact_id = m.contact_id) AS sum,
        (SELECT coalesce(sum(remaining), 0) FROM loyalty_lots l WHERE l.contact_id = m.contact_id) AS lots
       FROM loyalty_members m`,
    )
    .all() as { id: number; balance: number; sum: number; lots: number }[];
  for (const r of rows) {
    expect(r.balance, `member ${r.id}`).toBe(r.sum);
    expect(r.lots, `lots of ${r.id}`).toBe(Math.max(0, r.balance));
  }
  const totals = db.prepare('SELECT members, balance FROM loyalty_totals').get() as { members: number; balance: number };
  expect(totals.members).toBe(rows.length);
  expect(totals.balance).toBe(rows.reduce((s, r) => s + r.balance, 0));
};

/** A contact written by the service itself (every required column set as the app sets it). */
const contactIn = (store: Store, firstName: string, lastName = 'Leroy'): number =>
  transaction(store, () => createContact(store, contactInput.parse({ firstName, lastName }))).id;

const person = (api: Api, firstName: string, lastName = 'Martin') => api.call('contacts.create', { firstName, lastName });

const sale = (api: Api, contactId: number, cents: number) =>
  api.call('purchases.create', { contactId, lines: [{ label: 'Article', unitPriceCents: cents }] });

/* ---------- card numbers ---------- */

/** Luhn, only to show what it misses. */
const luhnValid = (digits: string): boolean => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
};

describe('card numbers', () => {
  it('are 13 digits: prefix, sequence, Damm check digit', () => {
    const n = cardNumberFor(1);
    expect(n).toMatch(/^29\d{11}$/);
    expect(n).toHaveLength(13);
    expect(isValidCardNumber(n)).toBe(true);
    expect(compactCardNumber(' 29 0000-0000.01 x')).toBe('290000000001x');
    expect(() => cardNumberFor(0)).toThrow(RangeError);
    expect(() => cardNumberFor(10_000_000_000)).toThrow(RangeError);
  });

  it('the check digit catches every single-digit error and every adjacent swap (exhaustive over the quasigroup)', () => {
    // the per-step map is a permutation for each state (single errors) and the table is totally
    // anti-symmetric (adjacent swaps): checking every state, digit pair and position covers any number
    for (let state = 0; state < 10; state++) {
      for (let a = 0; a < 10; a++) {
        for (let b = 0; b < 10; b++) {
          if (a === b) continue;
          const prefix = String(state);
          // single-digit error: from the same interim, a and b lead to different interims
          expect(dammCheckDigit(`${prefix}${a}`)).not.toBe(dammCheckDigit(`${prefix}${b}`));
        }
      }
    }
    // on real numbers: every position × every wrong digit, every adjacent transposition
    const numbers = [1, 2, 9, 10, 99, 1234, 90_909, 999_999, 1_000_000, 9_999_999_999];
    for (let i = 0; i < 400; i++) numbers.push(1 + ((i * 2_654_435_761) % 9_999_999_998));
    let singles = 0;
    let swaps = 0;
    for (const seq of numbers) {
      const n = cardNumberFor(seq);
      for (let pos = 0; pos < 13; pos++) {
        for (let d = 0; d < 10; d++) {
          if (String(d) === n[pos]) continue;
          const wrong = `${n.slice(0, pos)}${d}${n.slice(pos + 1)}`;
          expect(isValidCardNumber(wrong), `${n} → ${wrong}`).toBe(false);
          singles++;
        }
        if (pos < 12 && n[pos] !== n[pos + 1]) {
          const swapped = `${n.slice(0, pos)}${n[pos + 1]}${n[pos]}${n.slice(pos + 2)}`;
          expect(isValidCardNumber(swapped), `${n} → ${swapped}`).toBe(false);
          swaps++;
        }
      }
    }
    expect(singles).toBe(numbers.length * 13 * 9);
    expect(swaps).toBeGreaterThan(numbers.length * 5);
  });

  it('catches the 09 ↔ 90 swap that Luhn misses', () => {
    const body = '290000000009';
    const withLuhn = `${body}${(10 - ((): number => {
      for (let c = 0; c < 10; c++) if (luhnValid(`${body}${c}`)) return (10 - c) % 10;
      return 0;
    })()) % 10}`;
    expect(luhnValid(withLuhn)).toBe(true);
    const swappedLuhn = `${withLuhn.slice(0, 10)}${withLuhn[11]}${withLuhn[10]}${withLuhn[12]}`;
    expect(luhnValid(swappedLuhn)).toBe(true);
    const damm = `${body}${dammCheckDigit(body)}`;
    const swappedDamm = `${damm.slice(0, 10)}${damm[11]}${damm[10]}${damm[12]}`;
    expect(isValidCardNumber(damm)).toBe(true);
    expect(isValidCardNumber(swappedDamm)).toBe(false);
  });
});

/* ---------- through the calls ---------- */

describe('programme', () => {
  it('has the documented defaults and takes partial updates checked as a whole', async () => {
    const { api } = await openClient();
    const p = await api.call('loyalty.programme.get', {});
    expect(p).toMatchObject({ pointsPerEuro: 1, rounding: 'down', welcomePoints: 50, referrerPoints: 100, referredPoints: 50, expiryMonths: 24, pointValueCents: 1 });
    expect(p.tiers.map((t) => [t.key, t.basis, t.threshold, t.multiplier])).toEqual([
      ['basic', 'points', 0, 1],
      ['gold', 'spend', 50_000, 2],
    ]);
    const next = await api.call('loyalty.programme.update', { welcomePoints: 10, rounding: 'nearest' });
    expect(next.welcomePoints).toBe(10);
    expect((await api.call('loyalty.programme.get', {})).rounding).toBe('nearest');
    const bad = await failure(
      api.call('loyalty.programme.update', {
        tiers: [
          { key: 'basic', name: 'B', basis: 'points', threshold: 10, windowMonths: 12, multiplier: 1, benefits: '' },
        ],
      }),
    );
    expect(bad.code).toBe('VALIDATION');
    const unordered = await failure(
      api.call('loyalty.programme.update', {
        tiers: [
          { key: 'basic', name: 'B', basis: 'points', threshold: 0, windowMonths: 12, multiplier: 1, benefits: '' },
          { key: 'gold', name: 'G', basis: 'points', threshold: 0, windowMonths: 12, multiplier: 2, benefits: '' },
        ],
      }),
    );
    expect(unordered.details?.issues).toContainEqual({ path: 'tiers.1.threshold', code: 'not_ascending' });
    expect((await api.call('loyalty.programme.get', {})).welcomePoints).toBe(10);
  });
});

describe('enrolment, cards and lookup', () => {
  it('enrols once with a valid card and the welcome points; scans find the member', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await person(api, 'Alice');
    const m = await api.call('loyalty.enrol', { contactId: c.id });
    expect(isValidCardNumber(m.card.number)).toBe(true);
    expect(m).toMatchObject({ contactId: c.id, name: 'Alice Martin', balance: 50, tier: 'basic', referrerId: null });
    expect(m.card.status).toBe('active');
    const again = await failure(api.call('loyalty.enrol', { contactId: c.id }));
    expect(again.code).toBe('CONFLICT');
    expect(again.details?.reason).toBe('already_member');
    expect((await failure(api.call('loyalty.enrol', { contactId: 999 }))).code).toBe('NOT_FOUND');

    const spaced = `${m.card.number.slice(0, 4)} ${m.card.number.slice(4)}`;
    expect((await api.call('loyalty.lookup', { number: spaced })).contactId).toBe(c.id);
    const unknown = await failure(api.call('loyalty.lookup', { number: cardNumberFor(424_242) }));
    expect(unknown.code).toBe('NOT_FOUND');
    expect(unknown.details?.reason).toBe('unknown_card');
    const typo = `${m.card.number.slice(0, 12)}${(Number(m.card.number[12]) + 1) % 10}`;
    const invalid = await failure(api.call('loyalty.lookup', { number: typo }));
    expect(invalid.code).toBe('VALIDATION');
    expect(invalid.details?.issues).toEqual([{ path: 'number', code: 'invalid_check_digit' }]);
    expect(await api.call('loyalty.member', { id: c.id })).not.toBeNull();
    expect(await api.call('loyalty.member', { id: (await person(api, 'Nobody')).id })).toBeNull();
    readOnly(ctx, ledgerConsistent);
  });

  it('shows the points in the contact timeline, each movement under the sale or reward that caused it', async () => {
    const { api } = await openClient();
    const c = await person(api, 'Chloé');
    await api.call('loyalty.enrol', { contactId: c.id });
    const bought = await sale(api, c.id, 2490);
    const feed = await api.call('contacts.timeline', { id: c.id });
    const loyalty = feed.items.filter((i) => i.kind === 'loyalty');
    expect(loyalty.map((i) => (i.kind === 'loyalty' ? [i.entry.kind, i.entry.points, i.entry.purchaseId] : null))).toEqual([
      ['earn', 24, bought.id],
      ['welcome', 50, null],
    ]);
    // the sale and its points share an instant: the sale first, then what it earned
    const kinds = feed.items.map((i) => i.kind);
    expect(kinds.indexOf('purchase')).toBeLessThan(kinds.indexOf('loyalty'));
  });

  it('a replaced card keeps balance and history; old card refused as lost; a closed card refused as closed', async () => {
    const { api } = await openClient();
    const c = await person(api, 'Bruno');
    const m = await api.call('loyalty.enrol', { contactId: c.id });
    await sale(api, c.id, 1234);
    const r = await api.call('loyalty.card.replace', { contactId: c.id });
    expect(r.card.number).not.toBe(m.card.number);
    expect(r.balance).toBe(62);
    expect(r.cards.map((k) => k.status)).toEqual(['active', 'lost']);
    const lost = await failure(api.call('loyalty.lookup', { number: m.card.number }));
    expect([lost.code, lost.details?.reason]).toEqual(['CONFLICT', 'card_lost']);
    expect((await api.call('loyalty.ledger', { contactId: c.id })).entries).toHaveLength(2);
    const closed = await api.call('loyalty.card.close', { contactId: c.id });
    expect(closed.card.status).toBe('closed');
    const refused = await failure(api.call('loyalty.lookup', { number: r.card.number }));
    expect([refused.code, refused.details?.reason]).toEqual(['CONFLICT', 'card_closed']);
    expect((await failure(api.call('loyalty.card.close', { contactId: c.id }))).details?.reason).toBe('card_closed');
    // a closed member earns nothing until a new card is issued
    await sale(api, c.id, 5000);
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(62);
    const reopened = await api.call('loyalty.card.replace', { contactId: c.id });
    expect(reopened.card.status).toBe('active');
    expect(reopened.cards.map((k) => k.status)).toEqual(['active', 'closed', 'lost']);
  });

  it('paid entry records a sale of the fee (earning nothing) and needs a fee', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await person(api, 'Chloé');
    const noFee = await failure(api.call('loyalty.enrol', { contactId: c.id, paidEntry: true }));
    expect(noFee.details?.issues).toEqual([{ path: 'paidEntry', code: 'no_entry_fee' }]);
    expect(count(ctx, 'loyalty_members')).toBe(0);
    expect(count(ctx, 'loyalty_cards')).toBe(0);
    await api.call('loyalty.programme.update', { entryFeeCents: 1500 });
    const m = await api.call('loyalty.enrol', { contactId: c.id, paidEntry: true });
    expect(m.balance).toBe(50);
    const purchases = await api.call('purchases.list', { contactId: c.id });
    expect(purchases.rows.map((p) => p.amountCents)).toEqual([1500]);
    const entries = (await api.call('loyalty.ledger', { contactId: c.id })).entries;
    expect(entries.map((e) => [e.kind, e.points, e.purchaseId])).toEqual([
      ['welcome', 50, null],
      ['entry_fee', 0, purchases.rows[0]?.id],
    ]);
  });
});

describe('earning, refunds, deletions', () => {
  it('earns on a sale with the rounding rule and the tier multiplier; gold after 500 € over 12 months', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await person(api, 'Denis');
    await api.call('loyalty.enrol', { contactId: c.id });
    await sale(api, c.id, 2399);
    let m = await api.call('loyalty.member', { id: c.id });
    expect(m?.balance).toBe(50 + 23);
    await sale(api, c.id, 48_000);
    m = await api.call('loyalty.member', { id: c.id });
    // 480 points at ×1, then the tier moves up (503.99 € over the window)
    expect(m?.balance).toBe(50 + 23 + 480);
    expect(m?.tier).toBe('gold');
    expect(m?.tierName).toBe('Or');
    await sale(api, c.id, 1000);
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(50 + 23 + 480 + 20);
    const history = readOnly(ctx, (db) => db.prepare('SELECT from_tier, to_tier, direction FROM loyalty_tier_history ORDER BY id').all());
    expect(history).toEqual([
      { from_tier: null, to_tier: 'basic', direction: 'initial' },
      { from_tier: 'basic', to_tier: 'gold', direction: 'up' },
    ]);
    await api.call('loyalty.programme.update', { rounding: 'nearest' });
    await sale(api, c.id, 1075); // 10.75 € × 2 = 21.5 → 22
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(50 + 23 + 480 + 20 + 22);
    readOnly(ctx, ledgerConsistent);
  });

  it('a refund reverses its share of the points, a deletion the rest; spent points are never taken below zero', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await person(api, 'Emma');
    await api.call('loyalty.programme.update', { welcomePoints: 0 });
    await api.call('loyalty.enrol', { contactId: c.id });
    const s = await sale(api, c.id, 10_000);
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(100);
    await api.call('purchases.refund', { purchaseId: s.id, amountCents: 2_500 });
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(75);
    const refund2 = await api.call('purchases.refund', { purchaseId: s.id, amountCents: 2_500 });
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(50);
    // deleting a refund gives its share back
    await api.call('purchases.delete', { id: refund2.id });
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(75);
    // spend most of it, then delete the sale: only what is left is taken, the rest recorded as uncovered
    const reward = await api.call('loyalty.rewards.create', { name: 'Café offert', kind: 'item', costPoints: 70 });
    await api.call('loyalty.redeem', { contactId: c.id, rewardId: reward.id });
    await api.call('purchases.delete', { id: s.id });
    const m = await api.call('loyalty.member', { id: c.id });
    expect(m?.balance).toBe(0);
    const last = readOnly(ctx, (db) => db.prepare("SELECT points, uncovered, reverses_id FROM loyalty_entries WHERE kind = 'reverse' ORDER BY id DESC LIMIT 1").get());
    expect(last).toMatchObject({ points: -5, uncovered: 70 });
    readOnly(ctx, ledgerConsistent);
  });

  it('a duplicate scan within a second is refused and writes nothing', async () => {
    const store = openStore();
    const now = new Date('2026-03-02T10:00:00.000Z');
    const c = contactIn(store, 'F');
    transaction(store, () => enrol(store, { contactId: c, paidEntry: false }, now));
    const line = { productId: null, label: 'Pain', quantity: 1, unitPriceCents: 320 };
    const data = { contactId: c, channel: 'shop' as const, lines: [line], reference: null, note: null };
    transaction(store, () => createPurchase(store, data, new Date(now.getTime() + 1000)));
    let error: unknown = null;
    try {
      transaction(store, () => createPurchase(store, data, new Date(now.getTime() + 1500)));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFLICT', details: { reason: 'duplicate_scan' } });
    expect(store.sqlite.prepare('SELECT count(*) FROM purchases').pluck().get()).toBe(1);
    // a different amount, or the same a second later, is a real sale
    transaction(store, () => createPurchase(store, data, new Date(now.getTime() + 2100)));
    expect(getMember(store, c).balance).toBe(50 + 3 + 3);
    // the database itself refuses a second earning for one sale
    const saleId = Number(store.sqlite.prepare('SELECT max(id) FROM purchases').pluck().get());
    expect(() => transaction(store, () => earnOnSale(store, saleId, new Date(now.getTime() + 9000)))).toThrow(/already earned/);
    expect(() => store.sqlite.prepare('INSERT INTO loyalty_sale_links (purchase_id, earn_id) VALUES (?, 1)').run(saleId)).toThrow(/UNIQUE|PRIMARY/);
  });
});

describe('referrals', () => {
  it('pays both sides on the newcomer’s first purchase only; refuses self-referral', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const a = await person(api, 'Anne');
    const b = await person(api, 'Basile');
    const ma = await api.call('loyalty.enrol', { contactId: a.id });
    const mb = await api.call('loyalty.enrol', { contactId: b.id, referrerCardNumber: ma.card.number });
    expect(mb.referrerId).toBe(a.id);
    expect(mb.balance).toBe(50);
    expect((await api.call('loyalty.member', { id: a.id }))?.balance).toBe(50);
    await sale(api, b.id, 1000);
    expect((await api.call('loyalty.member', { id: b.id }))?.balance).toBe(50 + 10 + 50);
    expect((await api.call('loyalty.member', { id: a.id }))?.balance).toBe(50 + 100);
    await sale(api, b.id, 1100);
    expect((await api.call('loyalty.member', { id: a.id }))?.balance).toBe(150);
    const unknown = await failure(api.call('loyalty.enrol', { contactId: (await person(api, 'X')).id, referrerCardNumber: cardNumberFor(777) }));
    expect(unknown.details?.reason).toBe('unknown_card');
    readOnly(ctx, ledgerConsistent);
  });

  it('self-referral is refused; merges that fold referrals pay no one twice nor themselves', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const a = await person(api, 'Albert');
    const b = await person(api, 'Berthe');
    const c = await person(api, 'Céleste');
    const ma = await api.call('loyalty.enrol', { contactId: a.id });
    const mb = await api.call('loyalty.enrol', { contactId: b.id, referrerCardNumber: ma.card.number });
    await api.call('loyalty.enrol', { contactId: c.id, referrerCardNumber: mb.card.number });
    // C is A under another record: once merged, C refers B who refers C (each referral was real)
    await api.call('contacts.merge', { keptId: c.id, removedId: a.id });
    expect((await api.call('loyalty.member', { id: c.id }))?.referrerId).toBe(b.id);
    expect((await api.call('loyalty.member', { id: b.id }))?.referrerId).toBe(c.id);
    await sale(api, c.id, 1000);
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(50 + 50 + 10 + 50);
    expect((await api.call('loyalty.member', { id: b.id }))?.balance).toBe(50 + 100);
    // B and C are one person too: the kept member now refers to itself, shown and paid as no referrer
    await api.call('contacts.merge', { keptId: b.id, removedId: c.id });
    const folded = await api.call('loyalty.member', { id: b.id });
    expect(folded?.referrerId).toBeNull();
    // and directly: a member cannot be referred with their own card
    const d = await person(api, 'Dora');
    const md = await api.call('loyalty.enrol', { contactId: d.id });
    await api.call('loyalty.card.close', { contactId: d.id });
    const e = await person(api, 'Eve');
    const me = await api.call('loyalty.enrol', { contactId: e.id });
    const self = await failure(api.call('loyalty.enrol', { contactId: e.id, referrerCardNumber: me.card.number }));
    expect([self.code, self.details?.reason]).toEqual(['CONFLICT', 'referral_loop']);
    void md;
    readOnly(ctx, ledgerConsistent);
  });

  it('refuses A referred by B when B was referred by A', () => {
    const store = openStore();
    const now = new Date('2026-03-02T10:00:00.000Z');
    const mk = (n: string) => contactIn(store, n);
    const a = mk('A');
    const b = mk('B');
    transaction(store, () => enrol(store, { contactId: a, paidEntry: false }, now));
    const ma = getMember(store, a);
    const mb = transaction(store, () => enrol(store, { contactId: b, referrerCardNumber: ma.card.number, paidEntry: false }, now));
    expect(mb.referrerId).toBe(a);
    // A's membership gone (a base restored in part, a row removed by hand): A joining again through B would close the loop
    store.sqlite.prepare('DELETE FROM loyalty_members WHERE contact_id = ?').run(a);
    const before = store.sqlite.prepare('SELECT count(*) FROM loyalty_cards').pluck().get();
    let error: unknown = null;
    try {
      transaction(store, () => enrol(store, { contactId: a, referrerCardNumber: mb.card.number, paidEntry: false }, now));
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFLICT', details: { reason: 'referral_loop' } });
    expect(store.sqlite.prepare('SELECT count(*) FROM loyalty_cards').pluck().get()).toBe(before);
  });
});

describe('redeem and adjust', () => {
  it('redeems within balance, tier and validity, with a voucher code; refusals write nothing', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await person(api, 'Gaspard');
    await api.call('loyalty.enrol', { contactId: c.id });
    const coffee = await api.call('loyalty.rewards.create', { name: 'Café', kind: 'item', costPoints: 40 });
    const tenOff = await api.call('loyalty.rewards.create', { name: '10 € offerts', kind: 'amount', value: 1000, costPoints: 500 });
    const goldOnly = await api.call('loyalty.rewards.create', { name: '-20 %', kind: 'percent', value: 20, costPoints: 10, minTier: 'gold' });
    const expired = await api.call('loyalty.rewards.create', { name: 'Noël', kind: 'item', costPoints: 5, validFrom: '2020-12-01', validTo: '2020-12-31' });
    expect((await failure(api.call('loyalty.rewards.create', { name: 'x', kind: 'percent', value: 150, costPoints: 1 }))).code).toBe('VALIDATION');
    expect((await failure(api.call('loyalty.rewards.create', { name: 'x', kind: 'item', costPoints: 1, minTier: 'platinum' }))).details?.issues).toEqual([
      { path: 'minTier', code: 'unknown_tier' },
    ]);
    expect((await failure(api.call('loyalty.rewards.update', { id: tenOff.id, kind: 'percent' }))).code).toBe('VALIDATION');

    const before = count(ctx, 'loyalty_entries');
    const tooMuch = await failure(api.call('loyalty.redeem', { contactId: c.id, rewardId: tenOff.id }));
    expect([tooMuch.code, tooMuch.details?.reason]).toEqual(['CONFLICT', 'insufficient_points']);
    const tier = await failure(api.call('loyalty.redeem', { contactId: c.id, rewardId: goldOnly.id }));
    expect(tier.details?.reason).toBe('tier_too_low');
    expect((await failure(api.call('loyalty.redeem', { contactId: c.id, rewardId: expired.id }))).details?.reason).toBe('reward_not_valid');
    expect(count(ctx, 'loyalty_entries')).toBe(before);
    expect(count(ctx, 'loyalty_vouchers')).toBe(0);

    const r = await api.call('loyalty.redeem', { contactId: c.id, rewardId: coffee.id });
    expect(r.voucherCode).toMatch(/^FID-[A-Z2-9]{10}$/);
    expect(r.member.balance).toBe(10);
    expect(r.entry).toMatchObject({ kind: 'redeem', points: -40, rewardId: coffee.id, voucherCode: r.voucherCode });
    await api.call('loyalty.rewards.update', { id: coffee.id, active: false });
    expect((await failure(api.call('loyalty.redeem', { contactId: c.id, rewardId: coffee.id }))).details?.reason).toBe('reward_inactive');
    expect((await api.call('loyalty.rewards.list', {})).map((x) => x.name)).toContain('Café');
    readOnly(ctx, ledgerConsistent);
  });

  it('spends a voucher on the holder’s next sale: amount, percentage or free item as a line, once; a deleted sale gives it back', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await person(api, 'Inès');
    const other = await person(api, 'Jules');
    await api.call('loyalty.enrol', { contactId: c.id });
    await api.call('loyalty.adjust', { contactId: c.id, points: 1000, reason: 'Reprise de l’ancien programme' });
    const croissant = await api.call('products.create', { name: 'Croissant', priceCents: 120 });
    const fiveOff = await api.call('loyalty.rewards.create', { name: '5 € offerts', kind: 'amount', value: 500, costPoints: 100 });
    const tenPercent = await api.call('loyalty.rewards.create', { name: '-10 %', kind: 'percent', value: 10, costPoints: 100 });
    const free = await api.call('loyalty.rewards.create', { name: 'Croissant offert', kind: 'item', productId: croissant.id, costPoints: 50 });
    const codeOf = async (rewardId: number) => (await api.call('loyalty.redeem', { contactId: c.id, rewardId })).voucherCode;
    const [amount, percent, item] = [await codeOf(fiveOff.id), await codeOf(tenPercent.id), await codeOf(free.id)];
    expect((await api.call('loyalty.vouchers', { contactId: c.id })).map((v) => v.code)).toEqual([item, percent, amount]);

    const buy = (cents: number, voucherCode: string, contactId = c.id) =>
      api.call('purchases.create', { contactId, lines: [{ label: 'Panier', unitPriceCents: cents }], voucherCode });
    // typed in lower case at the till: the same code
    const first = await buy(3250, amount.toLowerCase());
    expect(first.amountCents).toBe(2750);
    expect(first.lines.at(-1)).toMatchObject({ label: `5 € offerts (${amount})`, quantity: 1, unitPriceCents: -500 });
    // the sale earns on what was paid: 27 points
    const earned = (await api.call('loyalty.ledger', { contactId: c.id, limit: 5 })).entries.find((e) => e.purchaseId === first.id);
    expect(earned?.points).toBe(27);
    // 10 % of 19,99 €, to the cent
    const second = await buy(1999, percent);
    expect(second.amountCents).toBe(1799);
    const third = await buy(800, item);
    expect(third.lines.at(-1)).toMatchObject({ productId: croissant.id, unitPriceCents: 0, label: `Croissant offert (${item})` });
    expect(third.amountCents).toBe(800);
    expect(await api.call('loyalty.vouchers', { contactId: c.id })).toEqual([]);

    // refusals write nothing: spent, someone else's, unknown, no customer, malformed
    const purchases = count(ctx, 'purchases');
    expect((await failure(buy(1000, amount))).details?.reason).toBe('voucher_used');
    expect((await failure(buy(1000, amount, other.id))).details?.reason).toBe('voucher_used');
    expect((await failure(buy(1000, 'FID-AAAAAAAAAA'))).details?.reason).toBe('voucher_unknown');
    expect((await failure(api.call('purchases.create', { contactId: null, lines: [{ label: 'x', unitPriceCents: 100 }], voucherCode: amount }))).code).toBe(
      'CONFLICT',
    );
    expect((await failure(buy(1000, 'BON-5'))).details?.issues).toEqual([{ path: 'voucherCode', code: 'invalid_voucher' }]);
    expect(count(ctx, 'purchases')).toBe(purchases);

    // the sale deleted: the voucher is back, and goes to the right customer only
    await api.call('purchases.delete', { id: first.id });
    expect((await api.call('loyalty.vouchers', { contactId: c.id })).map((v) => v.code)).toEqual([amount]);
    expect((await failure(buy(1000, amount, other.id))).details?.reason).toBe('voucher_other_customer');
    // never below zero: 5 € off a 3 € sale takes 3 €
    expect((await buy(300, amount)).amountCents).toBe(0);
    readOnly(ctx, ledgerConsistent);
  });

  it('adjustments need a reason and a non-zero amount, and alone may go below zero', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await person(api, 'Hugo');
    await api.call('loyalty.enrol', { contactId: c.id });
    expect((await failure(api.call('loyalty.adjust', { contactId: c.id, points: 0, reason: 'x' }))).details?.issues).toEqual([
      { path: 'points', code: 'must_not_be_zero' },
    ]);
    expect((await failure(api.call('loyalty.adjust', { contactId: c.id, points: 5, reason: '  ' }))).details?.issues).toEqual([
      { path: 'reason', code: 'required' },
    ]);
    expect((await failure(api.call('loyalty.adjust', { contactId: c.id, points: 1.5, reason: 'x' }))).code).toBe('VALIDATION');
    const m = await api.call('loyalty.adjust', { contactId: c.id, points: -80, reason: 'Geste annulé' });
    expect(m.balance).toBe(-30);
    const ledger = await api.call('loyalty.ledger', { contactId: c.id, limit: 1 });
    expect(ledger.entries[0]).toMatchObject({ kind: 'adjust', points: -80, reason: 'Geste annulé' });
    const next = await api.call('loyalty.ledger', { contactId: c.id, limit: 1, cursor: ledger.nextCursor });
    expect(next.entries[0]?.kind).toBe('welcome');
    expect(next.nextCursor).toBeNull();
    // a credit pays the debt back before it opens a lot
    await sale(api, c.id, 4000);
    readOnly(ctx, (db) => {
      ledgerConsistent(db);
      expect(db.prepare('SELECT sum(remaining) FROM loyalty_lots').pluck().get()).toBe(10);
    });
  });

  it('the ledger refuses updates and deletes outside erasure and merge', async () => {
    const ctx = await openClient();
    const c = await person(ctx.api, 'Inès');
    await ctx.api.call('loyalty.enrol', { contactId: c.id });
    const db = new Database(ctx.dbPath);
    try {
      expect(() => db.prepare('UPDATE loyalty_entries SET points = 1000').run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM loyalty_entries').run()).toThrow(/append-only/);
      db.prepare("UPDATE ledger_gate SET open = 'merge'").run();
      expect(() => db.prepare('UPDATE loyalty_entries SET points = 1000').run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM loyalty_entries').run()).toThrow(/append-only/);
      db.prepare('UPDATE ledger_gate SET open = NULL').run();
    } finally {
      db.close();
    }
  });
});

describe('the shop’s calendar days', () => {

  it('counts its first and last days by the days of the shop, not of UTC', () => {
    const store = openStore();
    const c = contactIn(store, 'Léonie');
    const t0 = new Date('2026-11-02T14:00:00.000Z');
    transaction(store, () => enrol(store, { contactId: c, paidEntry: false }, t0));
    const reward = (validFrom: string | null, validTo: string | null) =>
      transaction(store, () => createReward(store, { name: `R ${validFrom ?? ''}-${validTo ?? ''}`, kind: 'item', value: 0, productId: null, costPoints: 5, validFrom, validTo, minTier: null, active: true }, t0));
    const attempt = (rewardId: number, at: string): string => {
      try {
        transaction(store, () => redeem(store, c, rewardId, new Date(at)));
        return 'redeemed';
      } catch (error) {
        return (error as { details?: { reason?: string } }).details?.reason ?? String(error);
      }
    };
    const endOfYear = reward(null, '2026-12-31');
    const newYear = reward('2027-01-01', null);
    inZone('America/Martinique', () => {
      // 21:00 on 31 December in Fort-de-France is already 1 January in UTC: the shop is still open on the offer's last day
      expect(attempt(endOfYear.id, '2027-01-01T01:00:00.000Z')).toBe('redeemed');
      // 00:30 on 1 January there: over
      expect(attempt(endOfYear.id, '2027-01-01T04:30:00.000Z')).toBe('reward_not_valid');
    });
    inZone('Europe/Paris', () => {
      // 00:30 on 1 January in Paris is still 31 December in UTC: the new offer has begun
      expect(attempt(newYear.id, '2026-12-31T23:30:00.000Z')).toBe('redeemed');
      // 23:30 on 31 December in Paris: not yet
      expect(attempt(newYear.id, '2026-12-31T22:30:00.000Z')).toBe('reward_not_valid');
    });
    expect(store.sqlite.prepare("SELECT count(*) FROM loyalty_entries WHERE kind = 'redeem'").pluck().get()).toBe(2);
  });

  it('dates a lot by the day it was earned at the till and empties it when that day comes there', () => {
    inZone('America/Martinique', () => {
      const store = openStore();
      const c = contactIn(store, 'Maëlys');
      // 21:00 on 31 January 2025 in Fort-de-France, already 1 February in UTC
      const earned = new Date('2025-02-01T01:00:00.000Z');
      transaction(store, () => enrol(store, { contactId: c, paidEntry: false }, earned));
      const lot = () => store.sqlite.prepare('SELECT expires_on AS expiresOn, remaining FROM loyalty_lots WHERE contact_id = ?').get(c);
      expect(lot()).toMatchObject({ expiresOn: '2027-01-31' });
      // 21:00 on 30 January 2027 there (31 January in UTC): the points are still good until the shop's 31st
      expect(transaction(store, () => runDaily(store, new Date('2027-01-31T01:00:00.000Z'))).expired).toBe(0);
      expect(getMember(store, c).balance).toBeGreaterThan(0);
      // 00:30 on 31 January there
      expect(transaction(store, () => runDaily(store, new Date('2027-01-31T04:30:00.000Z'))).expired).toBeGreaterThan(0);
      expect(getMember(store, c).balance).toBe(0);
    });
  });
});

describe('expiry, members, bonus, dashboard', () => {
  it('expires the oldest lots first, on their day, and shows up in the dashboard', () => {
    // a shop on UTC's clock: the instants below are its days (the shop's own days are tested above)
    inZone('UTC', () => {
      const store = openStore();
      const t0 = new Date('2024-01-10T09:00:00.000Z');
      const c = contactIn(store, 'J');
      transaction(store, () => enrol(store, { contactId: c, paidEntry: false }, t0)); // 50, expires 2026-01-10
      const t1 = new Date('2024-06-01T09:00:00.000Z');
      transaction(store, () => adjust(store, { contactId: c, points: 30, reason: 'geste' }, t1)); // 30, expires 2026-06-01
      const reward = transaction(store, () => createReward(store, { name: 'R', kind: 'item', value: 0, productId: null, costPoints: 20, validFrom: null, validTo: null, minTier: null, active: true }, t1));
      transaction(store, () => redeem(store, c, reward.id, t1)); // takes 20 from the oldest lot (welcome)
      expect(transaction(store, () => runDaily(store, new Date('2026-01-09T12:00:00.000Z'))).expired).toBe(0);
      expect(transaction(store, () => runDaily(store, new Date('2026-01-10T12:00:00.000Z'))).expired).toBe(30);
      expect(getMember(store, c).balance).toBe(30);
      expect(transaction(store, () => runDaily(store, new Date('2026-06-01T00:00:01.000Z'))).expired).toBe(30);
      expect(getMember(store, c).balance).toBe(0);
      const expiries = store.sqlite.prepare("SELECT points, reverses_id AS lot FROM loyalty_entries WHERE kind = 'expire' ORDER BY id").all() as { points: number; lot: number }[];
      const lots = store.sqlite.prepare("SELECT id FROM loyalty_entries WHERE kind IN ('welcome', 'adjust') ORDER BY id").pluck().all();
      expect(expiries).toEqual([
        { points: -30, lot: lots[0] },
        { points: -30, lot: lots[1] },
      ]);
      const d = dashboard(store, new Date('2026-06-02T00:00:00.000Z'));
      expect(d).toMatchObject({ members: 1, pointsIssued: 80, pointsRedeemed: 20, pointsExpired: 60, liabilityCents: 0 });
      expect(d.redemptionRate).toBeCloseTo(0.25);
    });
  });

  it('lists members by tier and balance; grants a bonus to a segment all at once, after a matching preview', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const ids: number[] = [];
    for (let i = 0; i < 7; i++) {
      const c = await api.call('contacts.create', { firstName: `P${i}`, lastName: 'Durand', city: i < 4 ? 'Lyon' : 'Paris' });
      ids.push(c.id);
      if (i < 6) await api.call('loyalty.enrol', { contactId: c.id });
      if (i < 3) await sale(api, c.id, 1000 * (i + 1));
    }
    await api.call('loyalty.adjust', { contactId: ids[5] ?? 0, points: 1000, reason: 'test' });
    const page1 = await api.call('loyalty.members', { limit: 2 });
    expect(page1.total).toBe(6);
    expect(page1.rows.map((r) => r.balance)).toEqual([1050, 80]);
    const page2 = await api.call('loyalty.members', { limit: 10, cursor: page1.nextCursor });
    expect(page2.rows.map((r) => r.balance)).toEqual([70, 60, 50, 50]);
    expect((await api.call('loyalty.members', { minBalance: 60, maxBalance: 80 })).total).toBe(3);
    expect((await api.call('loyalty.members', { tier: 'basic' })).total).toBe(6);
    expect((await api.call('loyalty.members', { tier: 'gold' })).rows).toEqual([]);

    const filter = { city: 'Lyon' };
    const preview = await api.call('loyalty.bonus.preview', { filter, points: 25, reason: 'Fête des mères' });
    expect(preview.members).toBe(4);
    const changed = await failure(api.call('loyalty.bonus.grant', { filter, points: 25, reason: 'Fête', expectedMembers: 3 }));
    expect([changed.code, changed.details?.reason]).toEqual(['CONFLICT', 'preview_changed']);
    expect(readOnly(ctx, (db) => db.prepare("SELECT count(*) FROM loyalty_entries WHERE kind = 'bonus'").pluck().get())).toBe(0);
    expect(await api.call('loyalty.bonus.grant', { filter, points: 25, reason: 'Fête', expectedMembers: 4 })).toEqual({ granted: 4 });
    expect((await api.call('loyalty.member', { id: ids[3] ?? 0 }))?.balance).toBe(75);
    expect((await api.call('loyalty.member', { id: ids[4] ?? 0 }))?.balance).toBe(50);

    const d = await api.call('loyalty.dashboard', {});
    const issued = 6 * 50 + 10 + 20 + 30 + 1000 + 100;
    expect(d).toMatchObject({ members: 6, activeMembers: 3, pointsIssued: issued, pointsRedeemed: 0, pointsExpired: 0, liabilityCents: issued });
    expect(d.tierMix).toEqual([
      { tier: 'basic', name: 'Basique', members: 6 },
      { tier: 'gold', name: 'Or', members: 0 },
    ]);
    expect(d.tierMovements).toHaveLength(12);
    readOnly(ctx, ledgerConsistent);

    // the grant ran without SQLite's per-row parent probes: every row it wrote has its parents, and the
    // next command has the foreign keys back (a deleted member takes its entries and lots with it)
    expect(readOnly(ctx, (db) => db.pragma('foreign_key_check'))).toEqual([]);
    await api.call('contacts.delete', { id: ids[3] ?? 0 });
    for (const table of ['loyalty_entries', 'loyalty_lots', 'loyalty_members']) {
      expect(readOnly(ctx, (db) => db.prepare(`SELECT count(*) FROM ${table} WHERE contact_id = ?`).pluck().get(ids[3]))).toBe(0);
    }
    readOnly(ctx, ledgerConsistent);
  });
});

describe('tiers on points, the daily run, the programme switched off', () => {
  const threeTiers = [
    { key: 'basic', name: 'Basique', basis: 'points' as const, threshold: 0, windowMonths: 12, multiplier: 1, benefits: '' },
    { key: 'silver', name: 'Argent', basis: 'points' as const, threshold: 200, windowMonths: 3, multiplier: 1.5, benefits: 'Points × 1,5' },
    { key: 'gold', name: 'Or', basis: 'spend' as const, threshold: 50_000, windowMonths: 12, multiplier: 2, benefits: '' },
  ];

  it('reads a points window as a range of the member index, whose day is exact at the window start', () => {
    const store = openStore();
    const id = contactIn(store, 'Régine');
    transaction(store, () => enrol(store, { contactId: id, paidEntry: false }, new Date('2026-01-05T10:00:00.000Z')));
    const from = tierWindowStart(new Date('2026-04-05T15:00:00.000Z'), 3);
    expect(from).toBe('2026-01-05T00:00:00.000Z');
    const sql = `SELECT count(*) FROM loyalty_entries WHERE contact_id = ? AND ${IN_WINDOW('at')}`;
    const plan = store.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(id, from) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX loyalty_entries_by_member \(contact_id=\? AND <expr>>\?\)/);
    // the welcome entry of 10:00 that day is in; the same instant a day earlier would not be
    expect(store.sqlite.prepare(sql).pluck().get(id, from)).toBe(1);
    expect(store.sqlite.prepare(sql).pluck().get(id, '2026-01-06T00:00:00.000Z')).toBe(0);
  });

  it('a bonus to a group lifts exactly the members it takes over a points threshold, counting only their window', () => {
    const store = openStore();
    const t0 = new Date('2026-01-05T10:00:00.000Z');
    transaction(store, () => setProgramme(store, { tiers: threeTiers }, t0));
    const [near, far, old] = ['Nadia', 'Fabien', 'Odile'].map((name) => contactIn(store, name)) as [number, number, number];
    for (const id of [near, far, old]) transaction(store, () => enrol(store, { contactId: id, paidEntry: false }, t0));
    // Odile's 120 points are outside silver's 3-month window by the time of the group bonus
    transaction(store, () => grantBonus(store, { filter: contactFilter.parse({ q: 'nadia' }), points: 60, reason: 'a', expectedMembers: 1 }, t0));
    transaction(store, () => grantBonus(store, { filter: contactFilter.parse({ q: 'odile' }), points: 120, reason: 'b', expectedMembers: 1 }, t0));
    const later = new Date('2026-05-10T10:00:00.000Z');
    // in the window then: Nadia 100 + 100 (her older 110 no longer count), the others only the group's 100
    transaction(store, () => grantBonus(store, { filter: contactFilter.parse({ q: 'nadia' }), points: 100, reason: 'c', expectedMembers: 1 }, later));
    transaction(store, () => grantBonus(store, { filter: contactFilter.parse({}), points: 100, reason: 'group', expectedMembers: 3 }, later));
    expect([near, far, old].map((id) => getMember(store, id).tier)).toEqual(['silver', 'basic', 'basic']);
    expect(store.sqlite.prepare("SELECT contact_id FROM loyalty_tier_history WHERE direction = 'up'").pluck().all()).toEqual([near]);
  });

  it('a points tier is reached by a bonus, lost when its window slides past (daily run), with its history', () => {
    const store = openStore();
    const t0 = new Date('2026-01-05T10:00:00.000Z');
    transaction(store, () => setProgramme(store, { tiers: threeTiers }, t0));
    const a = contactIn(store, 'Paul');
    const b = contactIn(store, 'Pia');
    transaction(store, () => enrol(store, { contactId: a, paidEntry: false }, t0));
    transaction(store, () => enrol(store, { contactId: b, paidEntry: false }, t0));
    const granted = transaction(store, () =>
      grantBonus(store, { filter: contactFilter.parse({ q: 'paul' }), points: 160, reason: 'Lancement', expectedMembers: 1 }, t0),
    );
    expect(granted.granted).toBe(1);
    expect(getMember(store, a).tier).toBe('silver');
    expect(getMember(store, b).tier).toBe('basic');
    // silver earns × 1.5 (10 € → 15 points)
    transaction(store, () =>
      createPurchase(store, { contactId: a, channel: 'shop', lines: [{ productId: null, label: 'x', quantity: 1, unitPriceCents: 1000 }], reference: null, note: null }, t0),
    );
    expect(getMember(store, a).balance).toBe(50 + 160 + 15);
    transaction(store, () => runDaily(store, new Date('2026-03-01T10:00:00.000Z')));
    expect(getMember(store, a).tier).toBe('silver');
    transaction(store, () => runDaily(store, new Date('2026-04-06T10:00:00.000Z')));
    expect(getMember(store, a).tier).toBe('basic');
    expect(store.sqlite.prepare('SELECT to_tier, direction FROM loyalty_tier_history WHERE contact_id = ? ORDER BY id').all(a)).toEqual([
      { to_tier: 'basic', direction: 'initial' },
      { to_tier: 'silver', direction: 'up' },
      { to_tier: 'basic', direction: 'down' },
    ]);
    const d = dashboard(store, new Date('2026-04-06T10:00:00.000Z'));
    expect(d.tierMovements.filter((m) => m.up + m.down > 0)).toEqual([
      { month: '2026-01', up: 1, down: 0 },
      { month: '2026-04', up: 0, down: 1 },
    ]);
    // a tier taken away moves its members to the one they qualify for now
    transaction(store, () => grantBonus(store, { filter: contactFilter.parse({ q: 'pia' }), points: 300, reason: 'x', expectedMembers: 1 }, new Date('2026-04-07T10:00:00.000Z')));
    expect(getMember(store, b).tier).toBe('silver');
    transaction(store, () => setProgramme(store, { tiers: [threeTiers[0]!, threeTiers[2]!] }, new Date('2026-04-08T10:00:00.000Z')));
    expect(getMember(store, b).tier).toBe('basic');
    expect(dashboard(store).tierMix).toEqual([
      { tier: 'basic', name: 'Basique', members: 2 },
      { tier: 'gold', name: 'Or', members: 0 },
    ]);
  });

  it('switched off: no enrolment, no points on sales', async () => {
    const { api } = await openClient();
    const c = await person(api, 'Quentin');
    await api.call('loyalty.enrol', { contactId: c.id });
    await api.call('loyalty.programme.update', { enabled: false });
    const refused = await failure(api.call('loyalty.enrol', { contactId: (await person(api, 'Rose')).id }));
    expect([refused.code, refused.details?.reason]).toEqual(['CONFLICT', 'programme_disabled']);
    await sale(api, c.id, 5000);
    expect((await api.call('loyalty.member', { id: c.id }))?.balance).toBe(50);
  });
});

describe('merge and erasure', () => {
  const twoMembers = async (api: Api) => {
    const a = await person(api, 'Karim', 'Benali');
    const b = await person(api, 'Karim', 'Ben Ali');
    const ma = await api.call('loyalty.enrol', { contactId: a.id });
    const mb = await api.call('loyalty.enrol', { contactId: b.id });
    await sale(api, a.id, 2000);
    await sale(api, b.id, 3000);
    return { a, b, ma, mb };
  };

  it('two members merged keep one active card (the kept one’s) and the summed balance; undo splits them again', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const { a, b, ma, mb } = await twoMembers(api);
    const merged = await api.call('contacts.merge', { keptId: a.id, removedId: b.id });
    const m = await api.call('loyalty.member', { id: a.id });
    expect(m?.balance).toBe(70 + 80);
    expect(m?.card.number).toBe(ma.card.number);
    expect(m?.cards.filter((k) => k.status === 'active')).toHaveLength(1);
    expect((await api.call('loyalty.lookup', { number: ma.card.number })).contactId).toBe(a.id);
    expect((await failure(api.call('loyalty.lookup', { number: mb.card.number }))).details?.reason).toBe('card_closed');
    expect((await api.call('loyalty.ledger', { contactId: a.id })).entries).toHaveLength(4);
    readOnly(ctx, ledgerConsistent);

    await api.call('merges.undo', { mergeId: merged.mergeId });
    expect((await api.call('loyalty.member', { id: a.id }))?.balance).toBe(70);
    expect((await api.call('loyalty.member', { id: b.id }))?.balance).toBe(80);
    expect((await api.call('loyalty.lookup', { number: mb.card.number })).contactId).toBe(b.id);
    readOnly(ctx, ledgerConsistent);
  });

  it('a member merged into a non-member carries card, balance and history over', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const a = await person(api, 'Lina');
    const b = await person(api, 'Lina', 'Martins');
    const mb = await api.call('loyalty.enrol', { contactId: b.id });
    await sale(api, b.id, 1500);
    await api.call('contacts.merge', { keptId: a.id, removedId: b.id });
    const m = await api.call('loyalty.member', { id: a.id });
    expect(m?.card.number).toBe(mb.card.number);
    expect(m?.balance).toBe(65);
    // later sales of the kept contact earn on the merged membership
    await sale(api, a.id, 1000);
    expect((await api.call('loyalty.member', { id: a.id }))?.balance).toBe(75);
    readOnly(ctx, ledgerConsistent);
  });

  it('erasure removes every loyalty row of the person and the dashboard counts follow', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const { a, b } = await twoMembers(api);
    const reward = await api.call('loyalty.rewards.create', { name: 'Café', kind: 'item', costPoints: 10 });
    await api.call('loyalty.redeem', { contactId: a.id, rewardId: reward.id });
    await api.call('privacy.erase', { contactId: a.id, confirmName: 'Karim Benali' });
    readOnly(ctx, (db) => {
      for (const t of ['loyalty_members', 'loyalty_cards', 'loyalty_entries', 'loyalty_lots', 'loyalty_tier_history', 'loyalty_vouchers']) {
        expect(db.prepare(`SELECT count(*) FROM ${t} WHERE contact_id = ?`).pluck().get(a.id), t).toBe(0);
        if (t !== 'loyalty_vouchers') expect(Number(db.prepare(`SELECT count(*) FROM ${t} WHERE contact_id = ?`).pluck().get(b.id)), t).toBeGreaterThan(0);
      }
      expect(db.prepare('SELECT count(*) FROM loyalty_vouchers').pluck().get()).toBe(0);
      ledgerConsistent(db);
    });
    const d = await api.call('loyalty.dashboard', {});
    expect(d.members).toBe(1);
    expect(d.liabilityCents).toBe(80);
  });

  it('a sale fully refunded, then deleted, takes nothing more', () => {
    const store: Store = openStore();
    const now = new Date('2026-02-01T10:00:00.000Z');
    const c = contactIn(store, 'M');
    transaction(store, () => enrol(store, { contactId: c, paidEntry: false }, now));
    const p = transaction(store, () => createPurchase(store, { contactId: c, channel: 'shop', lines: [{ productId: null, label: 'x', quantity: 2, unitPriceCents: 1000 }], reference: null, note: null }, now));
    transaction(store, () => refundPurchase(store, { purchaseId: p.id, lines: undefined, amountCents: undefined, refundedAt: undefined, note: null }, now));
    expect(getMember(store, c).balance).toBe(50);
    transaction(store, () => deletePurchase(store, p.id));
    expect(getMember(store, c).balance).toBe(50);
  });
});
