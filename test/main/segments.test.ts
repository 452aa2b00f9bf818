import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contactInput,
  contactListInput,
  contactSources,
  contactStatuses,
  localDate,
  loyaltyAdjustInput,
  loyaltyBonusGrantInput,
  loyaltyBonusPreviewInput,
  loyaltyEnrolInput,
  productInput,
  purchaseInput,
  refundInput,
  segmentDefinition,
  type ConsentChannel,
  type ConsentPurpose,
  type ContactSource,
  type ContactStatus,
  type SegmentCriterion,
  type SegmentDefinition,
  type SegmentNode,
} from '../../src-main/contract';
import { appendConsentEvent, consentStatus } from '../../src-main/domain/consent/ledger';
import { cityKey } from '../../src-main/domain/contacts/keys';
import { ensureTag } from '../../src-main/domain/contacts/tags';
import { listContacts, matchingIds, type ListTuning } from '../../src-main/domain/contacts/list';
import { getContact, insertContact } from '../../src-main/domain/contacts/service';
import { adjust, enrol, findMember, grantBonus, previewBonus } from '../../src-main/domain/loyalty/service';
import { createProduct } from '../../src-main/domain/purchases/products';
import { createPurchase, refundPurchase } from '../../src-main/domain/purchases/service';
import { compileSegment, countSegment, segmentIds } from '../../src-main/domain/segments/sql';
import { transaction, type Store } from '../../src-main/store/db';
import { failure, openClient, openStore, tempDir } from './helpers';

/**
 * Every criterion, and random AND / OR / NOT trees of them, compiled to SQL
 * must select exactly what a plain JS reading of the same contacts selects.
 * The reference below is written from the contract's words, not from the
 * compiler: dates compared as ISO text, the consent engine of rules.ts, the
 * loyalty member as the loyalty service reports it.
 */

/** "Today" for withinDays and consent: fixed, so the reference and SQL agree whatever the clock says. */
const NOW = new Date(2025, 11, 31, 12, 0, 0);
const ON = localDate(NOW);

const CITIES = ['Saint-Étienne', 'Saint-Denis', 'Lyon', 'lyon', 'Œuilly', null] as const;
const POSTCODES = ['42000', '42100', '69001', '93200', null] as const;
const TAGS = ['VIP', 'Pro', 'Été'] as const;
const PRODUCTS = [
  { name: 'Bordeaux', category: 'Vins' },
  { name: 'Chablis', category: 'vins ' },
  { name: 'Comté', category: 'Épicerie fine' },
  { name: 'Sac', category: null },
] as const;
const UNKNOWN_ID = 999;

const day = (n: number): string => {
  const d = new Date(Date.UTC(2025, 0, 1));
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
};

const personArb = fc.record({
  status: fc.constantFrom(...contactStatuses),
  source: fc.constantFrom<ContactSource>('shop_form', 'website', 'referral'),
  city: fc.constantFrom(...CITIES),
  postcode: fc.constantFrom(...POSTCODES),
  createdDay: fc.integer({ min: 0, max: 360 }),
  tags: fc.uniqueArray(fc.integer({ min: 0, max: TAGS.length - 1 }), { maxLength: 2 }),
  email: fc.boolean(),
  business: fc.boolean(),
  consent: fc.constantFrom('none', 'granted', 'withdrawn', 'informed'),
  member: fc.boolean(),
  bonus: fc.integer({ min: -100, max: 600 }),
  purchases: fc.array(
    fc.record({
      day: fc.integer({ min: 0, max: 360 }),
      product: fc.integer({ min: 0, max: PRODUCTS.length - 1 }),
      quantity: fc.integer({ min: 1, max: 3 }),
      refund: fc.constantFrom('none', 'none', 'one', 'all'),
    }),
    { maxLength: 3 },
  ),
});
type Person = typeof personArb extends fc.Arbitrary<infer T> ? T : never;

/** What the reference needs beyond the contact row: the lines each person still holds (bought minus refunded). */
type Held = { productId: number; at: string }[];

type Base = { store: Store; ids: number[]; tagIds: number[]; productIds: number[]; held: Map<number, Held> };

const build = (people: readonly Person[], store = openStore()): Base =>
  transaction(store, () => {
    const tagIds = TAGS.map((name) => ensureTag(store, name));
    const productIds = PRODUCTS.map((p) => createProduct(store, productInput.parse({ name: p.name, category: p.category, priceCents: 1250 })).id);
    const company = Number(
      store.sqlite
        .prepare("INSERT INTO companies (name, sort_name, country, created_at, updated_at) VALUES ('Durand SARL', 'durand sarl', 'FR', '2024-01-01', '2024-01-01')")
        .run().lastInsertRowid,
    );
    const held = new Map<number, Held>();
    let recorded = Date.UTC(2025, 0, 1);
    const ids = people.map((p, i) => {
      const id = insertContact(
        store,
        contactInput.parse({
          lastName: `Nom${i}`,
          status: p.status,
          source: p.source,
          city: p.city,
          postcode: p.postcode,
          email: p.email ? `p${i}@example.fr` : null,
          companyId: p.business ? company : null,
          tags: p.tags.map((t) => TAGS[t]),
        }),
        `${day(p.createdDay)}T09:30:00.000Z`,
      );
      if (p.member) {
        enrol(store, loyaltyEnrolInput.parse({ contactId: id }), new Date(`${day(0)}T08:00:00.000Z`));
        if (p.bonus !== 0) adjust(store, loyaltyAdjustInput.parse({ contactId: id, points: p.bonus, reason: 'test' }));
      }
      const mine: Held = [];
      for (const buy of p.purchases) {
        const productId = productIds[buy.product] ?? 0;
        const at = `${day(buy.day)}T15:00:00.000Z`;
        // each sale typed a minute after the last: two identical ones within a second read as a double scan
        recorded += 60_000;
        const sale = createPurchase(
          store,
          purchaseInput.parse({ contactId: id, purchasedAt: at, lines: [{ productId, quantity: buy.quantity }] }),
          new Date(recorded),
        );
        const line = sale.lines[0];
        if (buy.refund !== 'none' && line !== undefined) {
          const back = buy.refund === 'all' ? buy.quantity : 1;
          refundPurchase(store, refundInput.parse({ purchaseId: sale.id, lines: [{ lineId: line.id, quantity: back }] }));
          if (back < buy.quantity) mine.push({ productId, at });
        } else {
          mine.push({ productId, at });
        }
      }
      held.set(id, mine);
      if (p.consent !== 'none') {
        const events = p.consent === 'withdrawn' ? (['granted', 'withdrawn'] as const) : ([p.consent] as const);
        events.forEach((event, k) => {
          appendConsentEvent(store, {
            contactId: id,
            channel: 'email',
            purpose: 'offers',
            event,
            at: `2025-02-0${k + 1}T10:00:00.000Z`,
            method: 'counter',
            operator: 'test',
            wordingId: null,
          });
        });
      }
      return id;
    });
    return { store, ids, tagIds, productIds, held };
  });

/* ---------- the reference ---------- */

const startOfDay = (date: string): string => `${date}T00:00:00.000Z`;
const dayAfter = (date: string): string => {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};
const localMidnightDaysAgo = (n: number): string =>
  new Date(NOW.getFullYear(), NOW.getMonth(), NOW.getDate() - (n - 1)).toISOString();

const inDates = (v: string | null, c: { from?: string; to?: string; withinDays?: number }): boolean =>
  v !== null &&
  (c.from === undefined || v >= startOfDay(c.from)) &&
  (c.to === undefined || v < startOfDay(dayAfter(c.to))) &&
  (c.withinDays === undefined || v >= localMidnightDaysAgo(c.withinDays));
const within = (v: number, lo: number | undefined, hi: number | undefined): boolean => (lo === undefined || v >= lo) && (hi === undefined || v <= hi);

type Facts = ReturnType<typeof factsOf>;
const factsOf = (base: Base, id: number) => {
  const contact = getContact(base.store, id);
  const member = findMember(base.store, id);
  const categoryOf = new Map(base.productIds.map((pid, i) => [pid, PRODUCTS[i]?.category ?? null]));
  return {
    contact,
    member,
    held: (base.held.get(id) ?? []).map((h) => ({ ...h, category: categoryOf.get(h.productId) ?? null })),
    /** UTC months with a sale, read straight from the purchases (not from the analytics tables the criterion reads). */
    saleMonths: new Set(
      base.store.sqlite.prepare("SELECT DISTINCT substr(purchased_at, 1, 7) FROM purchases WHERE contact_id = ? AND kind = 'sale'").pluck().all(id) as string[],
    ),
    reachable: (channel: ConsentChannel, purpose: ConsentPurpose): boolean =>
      consentStatus(base.store, id, ON).cells.find((c) => c.channel === channel && c.purpose === purpose)?.decision.allowed ?? false,
  };
};

const sameCategory = (a: string, b: string): boolean =>
  a.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim() === b.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim();

const holds = (c: SegmentCriterion, f: Facts): boolean => {
  const k = f.contact;
  switch (c.field) {
    case 'status':
      return c.in.includes(k.status);
    case 'tags':
      return k.tags.some((t) => c.tagIds.includes(t.id));
    case 'source':
      return c.in.includes(k.source);
    case 'city':
      return cityKey(c.prefix.trim()) === '' || (k.city !== null && cityKey(k.city).startsWith(cityKey(c.prefix.trim())));
    case 'postcode':
      return k.postcode !== null && k.postcode.startsWith(c.prefix.trim().toUpperCase());
    case 'created':
      return inDates(k.createdAt, c);
    case 'lastPurchase':
      return inDates(k.lastPurchaseAt, c);
    case 'firstPurchase':
      return inDates(k.firstPurchaseAt, c);
    case 'purchaseCount':
      return within(k.purchaseCount, c.min, c.max);
    case 'totalSpent':
      return within(k.totalCents, c.minCents, c.maxCents);
    case 'boughtProduct':
      return f.held.some((h) => c.productIds.includes(h.productId) && (c.since === undefined || h.at >= startOfDay(c.since)));
    case 'boughtCategory':
      return f.held.some(
        (h) => h.category !== null && c.categories.some((cat) => sameCategory(cat, h.category ?? '')) && (c.since === undefined || h.at >= startOfDay(c.since)),
      );
    case 'contactable':
      return f.reachable(c.channel, c.purpose);
    case 'loyaltyTier':
      return f.member !== null && c.in.includes(f.member.tier);
    case 'loyaltyBalance':
      return f.member !== null && within(f.member.balance, c.min, c.max);
    case 'rfmScore':
    case 'rfmSegment':
    case 'paretoTier':
      // not generated here: their reference evaluation lives in rfm.test.ts
      throw new Error(`${c.field} is checked in rfm.test.ts`);
    case 'atRisk':
    case 'markedLost':
      // not generated here: their reference evaluation lives in attrition.test.ts
      throw new Error(`${c.field} is checked in attrition.test.ts`);
    case 'boughtInMonths':
      return [...f.saleMonths].some((m) => m >= c.from && m <= c.to);
  }
};

const evaluate = (node: SegmentNode, f: Facts): boolean => {
  if ('field' in node) return holds(node, f);
  if (node.op === 'not') return !evaluate(node.child, f);
  return node.op === 'and' ? node.children.every((k) => evaluate(k, f)) : node.children.some((k) => evaluate(k, f));
};

const expected = (base: Base, definition: SegmentDefinition): number[] =>
  base.ids.filter((id) => evaluate(definition.root, factsOf(base, id)));

/* ---------- random definitions ---------- */

const dateArb = fc.integer({ min: -10, max: 370 }).map(day);
const dateRangeArb = fc.record({ from: dateArb, to: dateArb, withinDays: fc.integer({ min: 1, max: 400 }) }, { requiredKeys: [] });
const idsArb = (ids: readonly number[]) => fc.uniqueArray(fc.constantFrom(...ids, UNKNOWN_ID), { minLength: 1, maxLength: 3 });
const bound = (max: number) => fc.integer({ min: 0, max });

const criterionArb = (base: Base): fc.Arbitrary<SegmentCriterion> =>
  fc.oneof(
    fc.record({ field: fc.constant('status' as const), in: fc.uniqueArray(fc.constantFrom(...contactStatuses), { minLength: 1 }) }),
    fc.record({ field: fc.constant('tags' as const), tagIds: idsArb(base.tagIds) }),
    fc.record({ field: fc.constant('source' as const), in: fc.uniqueArray(fc.constantFrom(...contactSources), { minLength: 1, maxLength: 3 }) }),
    fc.record({ field: fc.constant('city' as const), prefix: fc.constantFrom('saint', 'Saint-É', 'st', 'LY', 'lyon', 'oe', '-') }),
    fc.record({ field: fc.constant('postcode' as const), prefix: fc.constantFrom('42', '420', '69001', '9', '0') }),
    dateRangeArb.map((r) => ({ field: 'created' as const, ...r })),
    dateRangeArb.map((r) => ({ field: 'lastPurchase' as const, ...r })),
    dateRangeArb.map((r) => ({ field: 'firstPurchase' as const, ...r })),
    fc.record({ min: bound(3), max: bound(4) }, { requiredKeys: [] }).map((r) => ({ field: 'purchaseCount' as const, ...r })),
    fc.record({ minCents: bound(8000), maxCents: bound(8000) }, { requiredKeys: [] }).map((r) => ({ field: 'totalSpent' as const, ...r })),
    fc.record({ productIds: idsArb(base.productIds), since: dateArb }, { requiredKeys: ['productIds'] }).map((r) => ({ field: 'boughtProduct' as const, ...r })),
    fc
      .record({ categories: fc.uniqueArray(fc.constantFrom('vins', 'VINS', 'epicerie fine', 'Épicerie', 'Sacs'), { minLength: 1, maxLength: 2 }), since: dateArb }, { requiredKeys: ['categories'] })
      .map((r) => ({ field: 'boughtCategory' as const, ...r })),
    fc.record({
      field: fc.constant('contactable' as const),
      channel: fc.constantFrom<ConsentChannel>('email', 'post'),
      purpose: fc.constantFrom<ConsentPurpose>('offers', 'newsletter'),
    }),
    fc.record({ field: fc.constant('loyaltyTier' as const), in: fc.uniqueArray(fc.constantFrom('basic', 'gold', 'platinum'), { minLength: 1 }) }),
    fc.record({ min: fc.integer({ min: -50, max: 400 }), max: fc.integer({ min: -50, max: 700 }) }, { requiredKeys: [] }).map((r) => ({ field: 'loyaltyBalance' as const, ...r })),
    fc
      .tuple(fc.integer({ min: -40, max: 370 }), fc.integer({ min: 0, max: 120 }))
      .map(([start, span]) => ({ field: 'boughtInMonths' as const, from: day(start).slice(0, 7), to: day(start + span).slice(0, 7) })),
  );

const nodeArb = (base: Base): fc.Arbitrary<SegmentNode> =>
  fc.letrec<{ node: SegmentNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      criterionArb(base),
      fc.record({ op: fc.constantFrom('and' as const, 'or' as const), children: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
      fc.record({ op: fc.constant('not' as const), child: tie('node') }),
    ),
  })).node;

/** Through the contract, so ranges the generator inverted are refused exactly as a user's would be. */
const definitionsArb = (base: Base) =>
  fc.array(
    nodeArb(base)
      .map((root) => segmentDefinition.safeParse({ version: 2, root }))
      .filter((r) => r.success)
      .map((r) => r.data as SegmentDefinition),
    { minLength: 1, maxLength: 8 },
  );

const sorted = (ids: readonly number[]): number[] => [...ids].sort((a, b) => a - b);

describe('segment definitions compiled to SQL', () => {
  it('select what the plain JS reading selects, criterion by criterion and in random AND / OR / NOT trees', () => {
    fc.assert(
      fc.property(fc.array(personArb, { minLength: 1, maxLength: 10 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), (people, seed) => {
        const base = build(people);
        const defs = fc.sample(definitionsArb(base), { numRuns: 1, seed })[0] ?? [];
        for (const definition of defs) {
          const want = expected(base, definition);
          expect(sorted(segmentIds(base.store, definition, NOW))).toEqual(want);
          expect(countSegment(base.store, definition, NOW)).toBe(want.length);
        }
        base.store.sqlite.close();
      }),
      { numRuns: 40 },
    );
  });

  it('covers every criterion kind on a fixed base (each alone and negated)', () => {
    const people: Person[] = fc.sample(personArb, { numRuns: 25, seed: 7 });
    const base = build(people);
    const each = fc.sample(criterionArb(base), { numRuns: 400, seed: 11 });
    const fields = new Set<string>();
    for (const c of each) {
      const parsed = segmentDefinition.safeParse({ version: 2, root: c });
      if (!parsed.success) continue;
      fields.add(c.field);
      for (const definition of [parsed.data, { version: 2 as const, root: { op: 'not' as const, child: parsed.data.root } }]) {
        const want = expected(base, definition);
        expect(sorted(segmentIds(base.store, definition, NOW)), JSON.stringify(definition)).toEqual(want);
        expect(countSegment(base.store, definition, NOW), JSON.stringify(definition)).toBe(want.length);
      }
    }
    expect(fields.size).toBe(16);
    // "contactable by e-mail for offers" with a status is counted from the consent indexes: the same answer
    for (const status of [['customer'], ['prospect', 'former']] as ContactStatus[][]) {
      const definition: SegmentDefinition = {
        version: 2,
        root: { op: 'and', children: [{ field: 'contactable', channel: 'email', purpose: 'offers' }, { field: 'status', in: status }] },
      };
      expect(countSegment(base.store, definition, NOW)).toBe(expected(base, definition).length);
    }
  });

  it('reads "not bought" as including those who never bought, and unknown tags or products as matching nobody', () => {
    const base = build([
      { ...blank, purchases: [{ day: 10, product: 0, quantity: 1, refund: 'none' }] },
      { ...blank },
      { ...blank, purchases: [{ day: 20, product: 0, quantity: 2, refund: 'all' }] },
    ]);
    const [buyer, never, refunded] = base.ids;
    const bought: SegmentDefinition = { version: 2, root: { field: 'boughtProduct', productIds: [base.productIds[0] ?? 0] } };
    expect(segmentIds(base.store, bought, NOW)).toEqual([buyer]);
    expect(segmentIds(base.store, { version: 2, root: { op: 'not', child: bought.root } }, NOW)).toEqual([never, refunded]);
    expect(countSegment(base.store, { version: 2, root: { field: 'tags', tagIds: [UNKNOWN_ID] } }, NOW)).toBe(0);
    expect(countSegment(base.store, { version: 2, root: { field: 'boughtProduct', productIds: [UNKNOWN_ID] } }, NOW)).toBe(0);
    expect(countSegment(base.store, { version: 2, root: { op: 'not', child: { field: 'lastPurchase', from: day(15) } } }, NOW)).toBe(2);
  });

  it('reads the sale lines of "bought" from their index alone, quantity included (migration 22), not one table row a line', () => {
    const base = build([{ ...blank, purchases: [{ day: 10, product: 0, quantity: 1, refund: 'none' }] }]);
    const categories: SegmentDefinition = { version: 2, root: { op: 'not', child: { field: 'boughtCategory', categories: ['vins'] } } };
    const product: SegmentDefinition = { version: 2, root: { field: 'boughtProduct', productIds: [base.productIds[0] ?? 0], since: day(1) } };
    for (const definition of [categories, product]) {
      const cond = compileSegment(definition, 'c', { store: base.store, now: NOW });
      const plan = base.store.sqlite
        .prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM contacts c WHERE ${cond.sql}`)
        .all(...cond.params) as { detail: string }[];
      const lines = plan.map((p) => p.detail).filter((d) => / l /.test(d));
      expect(lines).toEqual(['SEARCH l USING COVERING INDEX purchase_lines_by_product (product_id=?)']);
    }
  });
});

const blank: Person = {
  status: 'customer',
  source: 'shop_form',
  city: 'Lyon',
  postcode: '69001',
  createdDay: 5,
  tags: [],
  email: true,
  business: false,
  consent: 'none',
  member: false,
  bonus: 0,
  purchases: [],
};

describe('the segments contract', () => {
  const bad: [string, unknown, string][] = [
    ['an unknown field', { version: 2, root: { field: 'shoeSize', in: [42] } }, 'unknown_field'],
    ['an unknown operator', { version: 2, root: { op: 'xor', children: [] } }, 'unknown_op'],
    ['an empty group', { version: 2, root: { op: 'and', children: [] } }, 'empty_group'],
    ['a tree deeper than 6', { version: 2, root: [...Array(6).keys()].reduce<unknown>((child) => ({ op: 'not', child }), { field: 'city', prefix: 'a' }) }, 'too_deep'],
    [
      'more than 50 criteria',
      { version: 2, root: { op: 'or', children: Array.from({ length: 11 }, () => ({ op: 'and', children: Array.from({ length: 5 }, () => ({ field: 'city', prefix: 'a' })) })) } },
      'too_many_criteria',
    ],
    ['a future version', { version: 3, root: { field: 'city', prefix: 'a' } }, 'unsupported_version'],
    ['an inverted range', { version: 2, root: { field: 'purchaseCount', min: 5, max: 2 } }, 'range_inverted'],
    ['an empty prefix', { version: 2, root: { field: 'postcode', prefix: '  ' } }, 'required'],
    ['a bad date', { version: 2, root: { field: 'created', from: '2025-02-30' } }, 'invalid_date'],
    ['an unknown status', { version: 2, root: { field: 'status', in: ['vip'] } }, 'invalid_value'],
  ];

  it.each(bad)('refuses %s with a clear code, and writes nothing', async (_what, definition, code) => {
    const { api, dbPath } = await openClient();
    const e = await failure(api.call('segments.create', { name: 'Essai', definition } as never));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.issues?.map((i) => i.code)).toContain(code);
    const c = await failure(api.call('segments.count', { definition } as never));
    expect(c.code).toBe('VALIDATION');
    expect(await api.call('segments.list', {})).toEqual([]);
    expect(fs.existsSync(dbPath)).toBe(true);
  });

  it('creates, counts, renames, redefines and deletes; names are unique without case or accents', async () => {
    const { api } = await openClient();
    const lyon = await api.call('contacts.create', { lastName: 'Martin', city: 'Lyon', status: 'customer' });
    await api.call('contacts.create', { lastName: 'Durand', city: 'Lille' });
    const def = { version: 2 as const, root: { field: 'city' as const, prefix: 'ly' } };
    expect(await api.call('segments.count', { definition: def })).toEqual({ count: 1 });
    const s = await api.call('segments.create', { name: '  Clients   fidèles ', definition: def });
    expect(s).toMatchObject({ name: 'Clients fidèles', count: 1, definition: def });
    const dup = await failure(api.call('segments.create', { name: 'CLIENTS FIDELES', definition: def }));
    expect(dup.code).toBe('CONFLICT');
    expect(dup.details?.issues).toEqual([{ path: 'name', code: 'duplicate_name' }]);
    const other = await api.call('segments.create', { name: 'Autres', definition: { version: 2, root: { op: 'not', child: def.root } } });
    expect(other.count).toBe(1);
    expect((await failure(api.call('segments.update', { id: other.id, name: 'clients fidèles' }))).code).toBe('CONFLICT');
    expect((await api.call('segments.list', {})).map((x) => [x.name, x.count])).toEqual([
      ['Autres', null],
      ['Clients fidèles', null],
    ]);
    // a bad update changes nothing
    const refused = await failure(api.call('segments.update', { id: s.id, name: 'x'.repeat(101), definition: { version: 2, root: { op: 'or', children: [] } } } as never));
    expect(refused.details?.issues?.map((i) => i.code).sort()).toEqual(['empty_group', 'too_long']);
    expect(await api.call('segments.get', { id: s.id })).toEqual(s);
    const changed = await api.call('segments.update', { id: s.id, definition: { version: 2, root: { field: 'status', in: ['prospect', 'customer'] } } });
    expect(changed).toMatchObject({ name: 'Clients fidèles', count: 2 });
    expect((await api.call('segments.get', { id: s.id })).count).toBe(2);
    await api.call('contacts.update', { id: lyon.id, patch: { status: 'former' } });
    expect((await api.call('segments.get', { id: s.id })).count).toBe(1);
    expect(await api.call('segments.delete', { id: s.id })).toEqual({ id: s.id });
    expect((await failure(api.call('segments.get', { id: s.id }))).code).toBe('NOT_FOUND');
    expect((await failure(api.call('segments.delete', { id: s.id }))).code).toBe('NOT_FOUND');
    expect((await failure(api.call('contacts.list', { segmentId: s.id }))).code).toBe('NOT_FOUND');
  });
});

const tunings: Partial<ListTuning>[] = [
  {},
  { candidateMax: 1, setCandidateMax: 1, rowCandidateMax: 1, setMax: 1, walkBudget: 2, fallbackMax: 2, sortedSearchMax: 1 },
  { candidateMax: 50, setCandidateMax: 50, rowCandidateMax: 50, setMax: 50, walkBudget: 4, fallbackMax: 50 },
];

const listAll = (store: Store, input: Record<string, unknown>, tuning: Partial<ListTuning>): { ids: number[]; total: number | null } => {
  const ids: number[] = [];
  let cursor: string | null = null;
  let total: number | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = listContacts(store, contactListInput.parse({ ...input, cursor, limit: 3 }), tuning);
    if (cursor === null) total = page.total;
    ids.push(...page.rows.map((r) => r.id));
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return { ids, total };
};

const saveSegment = (store: Store, name: string, definition: SegmentDefinition): number =>
  Number(
    store.sqlite
      .prepare("INSERT INTO segments (name, definition, created_at, updated_at) VALUES (?, ?, '2025-01-01', '2025-01-01')")
      .run(name, JSON.stringify(definition)).lastInsertRowid,
  );

describe('a saved segment as the list filter', () => {
  it('lists exactly its members, AND-ed with the other filters, under every sort and planner path', () => {
    fc.assert(
      fc.property(
        fc.array(personArb, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.constantFrom('name', 'city', 'postcode', 'createdAt', 'lastPurchaseAt', 'totalCents'),
        fc.constantFrom('asc', 'desc'),
        fc.option(fc.constantFrom<ContactStatus[]>(['customer'], ['prospect', 'former']), { nil: undefined }),
        fc.option(fc.constantFrom('ly', 'saint'), { nil: undefined }),
        (people, seed, sort, dir, status, city) => {
          const base = build(people);
          const definition = fc.sample(definitionsArb(base), { numRuns: 1, seed })[0]?.[0];
          if (definition === undefined) return;
          // the list reads "today" from the clock: so does segmentIds without a date
          const segmentId = saveSegment(base.store, 'S', definition);
          const members = new Set(segmentIds(base.store, definition));
          const others = new Set(matchingIds(base.store, { q: '', status, city }));
          const want = base.ids.filter((id) => members.has(id) && others.has(id));
          for (const tuning of tunings) {
            const got = listAll(base.store, { segmentId, status, city, sort, dir }, tuning);
            expect(sorted(got.ids)).toEqual(want);
            if (got.total !== null) expect(got.total).toBe(want.length);
          }
          expect(sorted(matchingIds(base.store, { q: '', segmentId, status, city }))).toEqual(want);
          base.store.sqlite.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('a segment whose top level is an OR', () => {
  it('is checked row by row as a whole when the list walks its sort index', () => {
    const store = openStore();
    const add = (lastName: string, postcode: string, city: string): number =>
      transaction(store, () => insertContact(store, contactInput.parse({ lastName, postcode, city })));
    const paris = add('Aubert', '93200', 'Saint-Denis');
    const lyon = add('Bernard', '69001', 'Lyon');
    add('Chevalier', '42000', 'Saint-Étienne');
    const segment = {
      id: saveSegment(store, 'Neuf-trois ou Lyon', {
        version: 2,
        root: { op: 'or', children: [{ field: 'postcode', prefix: '9' }, { field: 'city', prefix: 'lyon' }] },
      }),
    };
    // tiny caps send the planner down the walk, where the segment is a probe of each entry
    const trace: string[] = [];
    const page = listContacts(store, contactListInput.parse({ segmentId: segment.id }), tunings[1], trace);
    expect(trace.some((t) => t.includes('walk'))).toBe(true);
    expect(sorted(page.rows.map((r) => r.id))).toEqual([paris, lyon]);
  });
});

describe('a saved segment in bulk actions, exports and loyalty bonuses', () => {
  const setUp = async () => {
    const opened = await openClient();
    const { api } = opened;
    const people = [
      { lastName: 'Abel', city: 'Lyon', status: 'customer' as const, email: 'abel@example.fr' },
      { lastName: 'Brun', city: 'Lyon', status: 'customer' as const, email: 'brun@example.fr' },
      { lastName: 'Caron', city: 'Lille', status: 'customer' as const, email: 'caron@example.fr' },
      { lastName: 'Dumas', city: 'Lyon', status: 'prospect' as const },
    ];
    const ids: number[] = [];
    for (const p of people) ids.push((await api.call('contacts.create', p)).id);
    const segment = await api.call('segments.create', {
      name: 'Lyonnais clients',
      definition: { version: 2, root: { op: 'and', children: [{ field: 'city', prefix: 'lyon' }, { field: 'status', in: ['customer'] }] } },
    });
    return { ...opened, ids, segment };
  };

  it('tags exactly the segment', async () => {
    const { api, ids, segment } = await setUp();
    expect(await api.call('contacts.bulk', { filter: { segmentId: segment.id }, action: 'tag', tag: 'Lyon' })).toEqual({ affected: 2 });
    const tagged = await api.call('contacts.list', { tags: [(await api.call('tags.list', {}))[0]?.id ?? 0] });
    expect(sorted(tagged.rows.map((r) => r.id))).toEqual([ids[0], ids[1]]);
    const unknown = await failure(api.call('contacts.bulk', { filter: { segmentId: 999 }, action: 'tag', tag: 'Lyon' }));
    expect(unknown.code).toBe('NOT_FOUND');
    expect((await api.call('tags.list', {}))[0]?.contactCount).toBe(2);
  });

  it('exports the segment as CSV rows, and a marketing export of it keeps only the contactable', async () => {
    const { api, ids, segment, dir } = await setUp();
    const file = path.join(dir, 'segment.csv');
    const result = await api.call('contacts.export', { path: file, filter: { segmentId: segment.id } });
    expect(result.rows).toBe(2);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain('Abel');
    expect(text).toContain('Brun');
    expect(text).not.toContain('Caron');
    expect(text).not.toContain('Dumas');
    await api.call('consent.record', {
      contactId: ids[0] ?? 0,
      method: 'counter',
      operator: 'test',
      entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }],
    });
    const marketing = await api.call('contacts.export', {
      path: path.join(dir, 'offers.csv'),
      filter: { segmentId: segment.id },
      marketing: { channel: 'email', purpose: 'offers' },
    });
    expect(marketing.rows).toBe(1);
    expect(marketing.excluded).toEqual({ no_consent: 1 });
  });

  it('grants bonus points to the members of a segment, with its preview', async () => {
    const { api, ids, segment } = await setUp();
    for (const id of [ids[0], ids[2], ids[3]]) await api.call('loyalty.enrol', { contactId: id ?? 0 });
    const input = { filter: { segmentId: segment.id }, points: 30, reason: 'Fête des voisins' };
    expect(await api.call('loyalty.bonus.preview', input)).toEqual({ members: 1 });
    expect(await api.call('loyalty.bonus.grant', { ...input, expectedMembers: 1 })).toEqual({ granted: 1 });
    expect((await api.call('loyalty.member', { id: ids[0] ?? 0 }))?.balance).toBe(80);
    expect((await api.call('loyalty.member', { id: ids[2] ?? 0 }))?.balance).toBe(50);
  });

  it('grants through the service on a segment of loyalty criteria', () => {
    const base = build([{ ...blank, member: true, bonus: 500 }, { ...blank, member: true }, { ...blank }]);
    const segmentId = saveSegment(base.store, 'Riches', { version: 2, root: { field: 'loyaltyBalance', min: 300 } });
    const filter = { q: '', segmentId };
    expect(previewBonus(base.store, loyaltyBonusPreviewInput.parse({ filter, points: 10, reason: 'r' }))).toEqual({ members: 1 });
    transaction(base.store, () => grantBonus(base.store, loyaltyBonusGrantInput.parse({ filter, points: 10, reason: 'r', expectedMembers: 1 })));
    expect(findMember(base.store, base.ids[0] ?? 0)?.balance).toBe(560);
    expect(findMember(base.store, base.ids[1] ?? 0)?.balance).toBe(50);
  });
});

describe('migration 0011', () => {
  it('reads a segment saved as version 1 (tags under `any`) as version 2, counting and listing the same contacts', async () => {
    const dir = tempDir();
    const { api, client, dbPath } = await openClient(dir);
    const vip = await api.call('contacts.create', { lastName: 'Martin', city: 'Lyon', tags: ['VIP'] });
    await api.call('contacts.create', { lastName: 'Durand', city: 'Lyon' });
    await api.call('contacts.create', { lastName: 'Petit', city: 'Lille', tags: ['VIP'] });
    const tagId = vip.tags[0]?.id ?? 0;
    const v1Root = { op: 'and', children: [{ field: 'city', prefix: 'ly' }, { op: 'not', child: { field: 'tags', any: [tagId] } }] };
    const v2Root = { op: 'and', children: [{ field: 'city', prefix: 'ly' }, { op: 'not', child: { field: 'tags', tagIds: [tagId] } }] };
    await client.close();
    // as a base written before version 2 holds it: the row itself, not through the contract
    const raw = openStore(dbPath);
    raw.sqlite
      .prepare("INSERT INTO segments (name, definition, created_at, updated_at) VALUES ('Lyon sans VIP', ?, '2025-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z')")
      .run(JSON.stringify({ version: 1, root: v1Root }));
    const savedId = raw.sqlite.prepare('SELECT id FROM segments').pluck().get() as number;
    raw.sqlite.close();

    const { api: again } = await openClient(dir);
    const saved = await again.call('segments.get', { id: savedId });
    expect(saved).toMatchObject({ name: 'Lyon sans VIP', count: 1, definition: { version: 2, root: v2Root } });
    expect((await again.call('contacts.list', { segmentId: savedId })).rows.map((c) => c.lastName)).toEqual(['Durand']);
    // a caller still speaking version 1 is understood, and what is stored is version 2
    const fromV1 = await again.call('segments.create', { name: 'VIP', definition: { version: 1, root: { field: 'tags', any: [tagId] } } as never });
    expect(fromV1).toMatchObject({ count: 2, definition: { version: 2, root: { field: 'tags', tagIds: [tagId] } } });
    const stored = openStore(path.join(dir, 'comptoir.sqlite'));
    expect(JSON.parse(stored.sqlite.prepare('SELECT definition FROM segments WHERE id = ?').pluck().get(fromV1.id) as string)).toEqual({
      version: 2,
      root: { field: 'tags', tagIds: [tagId] },
    });
    // version 2 has no `any`: the old key under the new version is a mistake, reported as such
    const wrong = await failure(again.call('segments.count', { definition: { version: 2, root: { field: 'tags', any: [tagId] } } } as never));
    expect(wrong.details?.issues?.map((i) => [i.path, i.code])).toEqual([
      ['definition.root.tagIds', 'invalid_type'],
      ['definition.root', 'unrecognized_keys'],
    ]);
  });

  it('keeps names unique without ASCII case in the table itself, and refuses a definition without its version', () => {
    const store = openStore(path.join(tempDir(), 'm.sqlite'));
    saveSegment(store, 'VIP', { version: 2, root: { field: 'city', prefix: 'a' } });
    expect(() => saveSegment(store, 'vip', { version: 2, root: { field: 'city', prefix: 'a' } })).toThrow(/UNIQUE/);
    expect(() =>
      store.sqlite.prepare("INSERT INTO segments (name, definition, created_at, updated_at) VALUES ('x', '{\"root\":1}', '', '')").run(),
    ).toThrow(/CHECK/);
  });
});
