import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, type Api, type Purchase } from '../../src-main/contract';
import { applyPurchaseTotalsInBulk, CONTACT_FIGURES_SQL } from '../../src-main/domain/purchases/aggregates';
import { openClient, openStore, failure } from './helpers';
import { getPurchase, insertPurchase, purchaseQueue, refundPurchase } from '../../src-main/domain/purchases/service';
import { fromMilli, lineTotalCents, quantityMilli, refundInput } from '../../src-main/contract';
import { transaction } from '../../src-main/store/db';

type Ctx = Awaited<ReturnType<typeof openClient>>;

const raw = (ctx: Ctx) => new Database(ctx.dbPath, { readonly: true });

const counts = (ctx: Ctx): Record<string, number> => {
  const db = raw(ctx);
  try {
    return Object.fromEntries(
      ['purchases', 'purchase_lines', 'products', 'contacts'].map((t) => [t, Number(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get())]),
    );
  } finally {
    db.close();
  }
};

type Figures = { purchase_count: number; total_cents: number; first_purchase_at: string | null; last_purchase_at: string | null; status: string };

const stored = (ctx: Ctx, id: number): Figures => {
  const db = raw(ctx);
  try {
    return db
      .prepare('SELECT purchase_count, total_cents, first_purchase_at, last_purchase_at, status FROM contacts WHERE id = ?')
      .get(id) as Figures;
  } finally {
    db.close();
  }
};

/** The definition, computed the slow way from every purchase row. */
const recomputed = (ctx: Ctx, id: number): Omit<Figures, 'status'> => {
  const db = raw(ctx);
  try {
    const rows = db.prepare('SELECT kind, purchased_at AS at, amount_cents AS cents FROM purchases WHERE contact_id = ?').all(id) as {
      kind: string;
      at: string;
      cents: number;
    }[];
    const sales = rows.filter((r) => r.kind === 'sale').map((r) => r.at).sort();
    return {
      purchase_count: sales.length,
      total_cents: rows.reduce((s, r) => s + r.cents, 0),
      first_purchase_at: sales[0] ?? null,
      last_purchase_at: sales[sales.length - 1] ?? null,
    };
  } finally {
    db.close();
  }
};


const catalogue = async (api: Api) => ({
  bread: await api.call('products.create', { name: 'Pain de campagne', sku: 'PAIN-01', category: 'Boulangerie', priceCents: 320 }),
  cake: await api.call('products.create', { name: 'Éclair au café', sku: 'ECL-02', category: 'Pâtisserie', priceCents: 450 }),
  old: await api.call('products.create', { name: 'Pain au lait', sku: 'PAIN-09', priceCents: 90, active: false }),
});

describe('products', () => {
  it('keeps a catalogue: create, read, update, list, search, delete', async () => {
    const { api } = await openClient();
    const { bread, cake, old } = await catalogue(api);
    expect(bread).toMatchObject({ name: 'Pain de campagne', sku: 'PAIN-01', priceCents: 320, unit: 'piece', currency: 'EUR', active: true });
    expect(await api.call('products.get', { id: bread.id })).toEqual(bread);
    const u = await api.call('products.update', { id: bread.id, patch: { priceCents: 350 } });
    expect(u).toMatchObject({ priceCents: 350, sku: 'PAIN-01', name: 'Pain de campagne', active: true });
    const names = async (input: Parameters<Api['call']>[1]) =>
      (await api.call('products.list', input as never)).rows.map((p) => p.name);
    expect(await names({})).toEqual(['Éclair au café', 'Pain au lait', 'Pain de campagne']);
    expect(await names({ q: 'pain' })).toEqual(['Pain au lait', 'Pain de campagne']);
    expect(await names({ q: 'CAFE' })).toEqual(['Éclair au café']);
    expect(await names({ active: true })).toEqual(['Éclair au café', 'Pain de campagne']);
    expect(await names({ category: 'Pâtisserie' })).toEqual(['Éclair au café']);
    const p1 = await api.call('products.list', { limit: 2 });
    const p2 = await api.call('products.list', { limit: 2, cursor: p1.nextCursor });
    expect([...p1.rows, ...p2.rows].map((p) => p.id)).toEqual([cake.id, old.id, bread.id]);
    expect(p2.nextCursor).toBeNull();
    // a scanned SKU comes first; inactive products only when asked
    expect((await api.call('products.search', { q: 'ECL-02' })).map((p) => p.id)).toEqual([cake.id]);
    expect((await api.call('products.search', { q: 'pain' })).map((p) => p.id)).toEqual([bread.id]);
    expect((await api.call('products.search', { q: 'pain', includeInactive: true })).map((p) => p.id)).toEqual([old.id, bread.id]);
    expect((await api.call('products.search', { q: 'campagne' })).map((p) => p.id)).toEqual([bread.id]);
    expect(await api.call('products.search', { q: '  ' })).toEqual([]);
    await api.call('products.delete', { id: old.id });
    await expect(api.call('products.get', { id: old.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a duplicate SKU and bad prices, writing nothing', async () => {
    const ctx = await openClient();
    const { bread } = await catalogue(ctx.api);
    const before = counts(ctx);
    expect(await failure(ctx.api.call('products.create', { name: 'Autre', sku: 'PAIN-01', priceCents: 1 }))).toMatchObject({
      code: 'CONFLICT',
      details: { id: bread.id, issues: [{ path: 'sku', code: 'sku_taken' }] },
    });
    for (const [input, path, code] of [
      [{ name: 'X', priceCents: -1 }, 'priceCents', 'too_small'],
      [{ name: 'X', priceCents: 1.5 }, 'priceCents', 'not_integer'],
      [{ name: '', priceCents: 1 }, 'name', 'required'],
      [{ name: 'X' }, 'priceCents', 'required'],
      [{ name: 'X', priceCents: 1, unit: 'lb' }, 'unit', 'invalid_value'],
    ] as const) {
      const e = await failure(ctx.api.call('products.create', input as never));
      expect(e.details?.issues).toContainEqual({ path, code });
    }
    const e = await failure(ctx.api.call('products.update', { id: bread.id, patch: { name: '  ' } }));
    expect(e.details?.issues).toContainEqual({ path: 'patch.name', code: 'required' });
    expect(counts(ctx)).toEqual(before);
    expect((await ctx.api.call('products.get', { id: bread.id })).name).toBe('Pain de campagne');
  });
});

describe('sales', () => {
  it('records a sale at the counter in one call and makes the prospect a customer', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const { bread, cake } = await catalogue(api);
    const c = await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Martin' });
    expect(c.status).toBe('prospect');
    const sale = await api.call('purchases.create', {
      contactId: c.id,
      purchasedAt: '2024-05-02T09:30:00+02:00',
      lines: [
        { productId: bread.id, quantity: 2 },
        { productId: cake.id, unitPriceCents: 400, label: 'Éclair (promo)' },
        { label: 'Remise fidélité', unitPriceCents: -100 },
      ],
      reference: 'T-1001',
    });
    expect(sale).toMatchObject({
      contactId: c.id,
      kind: 'sale',
      purchasedAt: '2024-05-02T07:30:00.000Z',
      amountCents: 2 * 320 + 400 - 100,
      currency: 'EUR',
      channel: 'shop',
      reference: 'T-1001',
      refundedCents: 0,
    });
    expect(sale.lines.map((l) => [l.label, l.quantity, l.unitPriceCents, l.totalCents, l.productId])).toEqual([
      ['Pain de campagne', 2, 320, 640, bread.id],
      ['Éclair (promo)', 1, 400, 400, cake.id],
      ['Remise fidélité', 1, -100, -100, null],
    ]);
    const after = await api.call('contacts.get', { id: c.id });
    expect(after).toMatchObject({
      status: 'customer',
      purchaseCount: 1,
      totalCents: 940,
      firstPurchaseAt: '2024-05-02T07:30:00.000Z',
      lastPurchaseAt: '2024-05-02T07:30:00.000Z',
    });
    expect(await api.call('purchases.get', { id: sale.id })).toEqual(sale);
    // a sale without a customer is fine (walk-in)
    expect((await api.call('purchases.create', { lines: [{ label: 'Baguette', unitPriceCents: 110 }] })).contactId).toBeNull();
  });

  it.each([
    [{ lines: [] }, 'lines', 'required'],
    [{ lines: [{ label: 'x', unitPriceCents: 100, quantity: 0 }] }, 'lines.0.quantity', 'must_be_positive'],
    [{ lines: [{ label: 'x', unitPriceCents: 100, quantity: -2 }] }, 'lines.0.quantity', 'must_be_positive'],
    [{ lines: [{ label: 'x', unitPriceCents: 100, quantity: 1.0005 }] }, 'lines.0.quantity', 'too_many_decimals'],
    [{ lines: [{ label: 'x', unitPriceCents: 100, quantity: 0.0004 }] }, 'lines.0.quantity', 'too_many_decimals'],
    [{ lines: [{ label: 'x', unitPriceCents: 1.25 }] }, 'lines.0.unitPriceCents', 'not_integer'],
    [{ lines: [{ label: 'x' }] }, 'lines.0.unitPriceCents', 'required'],
    [{ lines: [{ unitPriceCents: 5 }] }, 'lines.0.label', 'required'],
    [{ lines: [{ label: 'x', unitPriceCents: 1e12 }] }, 'lines.0.unitPriceCents', 'too_large'],
    [{ lines: [{ label: 'x', unitPriceCents: -500 }] }, 'lines', 'negative_total'],
    [{ lines: [{ label: 'x', unitPriceCents: 5 }], purchasedAt: '2099-01-01' }, 'purchasedAt', 'in_future'],
    [{ lines: [{ label: 'x', unitPriceCents: 5 }], purchasedAt: '31/12/2023' }, 'purchasedAt', 'invalid_date'],
    [{ lines: [{ label: 'x', unitPriceCents: 5 }], purchasedAt: '2023-02-30' }, 'purchasedAt', 'invalid_date'],
    [{ lines: [{ label: 'x', unitPriceCents: 5 }], channel: 'pigeon' }, 'channel', 'invalid_value'],
  ])('refuses %j and writes nothing', async (input, path, code) => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', { lastName: 'Martin' });
    const before = counts(ctx);
    const e = await failure(ctx.api.call('purchases.create', { contactId: c.id, ...input } as never));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.issues).toContainEqual({ path, code });
    expect(counts(ctx)).toEqual(before);
    expect(stored(ctx, c.id)).toMatchObject({ purchase_count: 0, total_cents: 0, status: 'prospect' });
  });

  it('refuses a sale for a deleted or unknown contact, or an unknown product, with a clear NOT_FOUND', async () => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', { lastName: 'Martin' });
    await ctx.api.call('contacts.delete', { id: c.id });
    const before = counts(ctx);
    const gone = await failure(ctx.api.call('purchases.create', { contactId: c.id, lines: [{ label: 'x', unitPriceCents: 5 }] }));
    expect(gone).toMatchObject({ code: 'NOT_FOUND', details: { entity: 'contact', id: c.id } });
    expect(gone.message).toMatch(/contact \d+ not found/);
    const product = await failure(
      ctx.api.call('purchases.create', { lines: [{ label: 'x', unitPriceCents: 5 }, { productId: 77 }] }),
    );
    expect(product).toMatchObject({ code: 'NOT_FOUND', details: { entity: 'product', id: 77, issues: [{ path: 'lines.1.productId', code: 'not_found' }] } });
    expect(counts(ctx)).toEqual(before);
  });

  it('keeps the lines of past sales when a product is deleted', async () => {
    const { api } = await openClient();
    const { bread } = await catalogue(api);
    const sale = await api.call('purchases.create', { lines: [{ productId: bread.id }] });
    await api.call('products.delete', { id: bread.id });
    expect((await api.call('purchases.get', { id: sale.id })).lines[0]).toMatchObject({
      productId: null,
      label: 'Pain de campagne',
      totalCents: 320,
    });
  });

  it('lists a contact’s purchases newest first, page by page', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    const made: Purchase[] = [];
    for (const day of ['2024-01-05', '2024-03-01', '2024-03-01', '2023-12-24', '2024-02-10']) {
      made.push(await api.call('purchases.create', { contactId: c.id, purchasedAt: day, lines: [{ label: day, unitPriceCents: 100 }] }));
    }
    const seen: Purchase[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api.call<'purchases.list'>>> = await api.call('purchases.list', { contactId: c.id, limit: 2, cursor });
      seen.push(...page.rows);
      cursor = page.nextCursor;
    } while (cursor !== null);
    const expected = [...made].sort((a, b) => (a.purchasedAt < b.purchasedAt ? 1 : a.purchasedAt > b.purchasedAt ? -1 : b.id - a.id));
    expect(seen.map((p) => p.id)).toEqual(expected.map((p) => p.id));
    expect(seen[0]!.lines).toHaveLength(1);
    await expect(api.call('purchases.list', { contactId: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.call('purchases.list', { contactId: c.id, cursor: 'garbage' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('refunds', () => {
  const sold = async () => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', { lastName: 'Martin' });
    const sale = await ctx.api.call('purchases.create', {
      contactId: c.id,
      purchasedAt: '2024-04-01',
      lines: [
        { label: 'Chaise', quantity: 4, unitPriceCents: 5000 },
        { label: 'Table', unitPriceCents: 30000 },
      ],
    });
    return { ...ctx, c, sale };
  };

  it('refunds chosen lines, never more than was sold', async () => {
    const ctx = await sold();
    const { api, sale, c } = ctx;
    const [chair, table] = sale.lines;
    const r1 = await api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: chair!.id, quantity: 1 }], refundedAt: '2024-04-03' });
    expect(r1).toMatchObject({ kind: 'refund', refundOf: sale.id, contactId: c.id, amountCents: -5000, purchasedAt: '2024-04-03T00:00:00.000Z' });
    expect(r1.lines[0]).toMatchObject({ label: 'Chaise', quantity: -1, unitPriceCents: 5000, totalCents: -5000, refundsLine: chair!.id });
    expect(stored(ctx, c.id)).toMatchObject({ purchase_count: 1, total_cents: 50000 - 5000, last_purchase_at: '2024-04-01T00:00:00.000Z' });
    const before = counts(ctx);
    const over = await failure(api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: chair!.id, quantity: 4 }] }));
    expect(over).toMatchObject({ code: 'VALIDATION', details: { issues: [{ path: 'lines.0.quantity', code: 'exceeds_refundable' }], remainingQuantity: 3 } });
    const twice = await failure(
      api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: chair!.id, quantity: 2 }, { lineId: chair!.id, quantity: 2 }] }),
    );
    expect(twice.details?.issues).toContainEqual({ path: 'lines.0.quantity', code: 'exceeds_refundable' });
    const foreign = await failure(api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: 9999 }] }));
    expect(foreign.details?.issues).toContainEqual({ path: 'lines.0.lineId', code: 'not_in_purchase' });
    expect(counts(ctx)).toEqual(before);
    // the rest of the chairs, then the table: everything refunded
    await api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: chair!.id }, { lineId: table!.id }] });
    expect((await api.call('purchases.get', { id: sale.id })).refundedCents).toBe(50000);
    expect(stored(ctx, c.id)).toMatchObject({ purchase_count: 1, total_cents: 0, status: 'customer' });
    const nothing = await failure(api.call('purchases.refund', { purchaseId: sale.id }));
    expect(nothing.details?.issues).toContainEqual({ path: 'purchaseId', code: 'nothing_to_refund' });
  });

  it('sells and refunds by weight to the gram, never giving back a cent more than was paid', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    const cheese = await api.call('products.create', { name: 'Comté 24 mois', priceCents: 3250, unit: 'kg' });
    expect(cheese.unit).toBe('kg');
    const sale = await api.call('purchases.create', {
      contactId: c.id,
      lines: [
        { productId: cheese.id, quantity: 0.352 },
        { label: 'Olives en vrac', quantity: 1, unitPriceCents: 333 },
      ],
    });
    // 0,352 kg × 32,50 €/kg = 11,44 €; the line keeps the unit it was sold in, a free line counts pieces
    expect(sale.lines.map((l) => [l.quantity, l.unit, l.totalCents])).toEqual([
      [0.352, 'kg', 1144],
      [1, 'piece', 333],
    ]);
    await api.call('products.update', { id: cheese.id, patch: { unit: 'piece' } });
    expect((await api.call('purchases.get', { id: sale.id })).lines[0]?.unit).toBe('kg');
    expect(sale.amountCents).toBe(1477);
    const [comte, olives] = sale.lines;
    // two rows for the same line are one refund line: 0,1 + 0,2 kg
    const r1 = await api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: comte!.id, quantity: 0.1 }, { lineId: comte!.id, quantity: 0.2 }] });
    expect(r1.lines.map((l) => [l.quantity, l.totalCents])).toEqual([[-0.3, -975]]);
    const over = await failure(api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: comte!.id, quantity: 0.053 }] }));
    expect(over.details).toMatchObject({ issues: [{ path: 'lines.0.quantity', code: 'exceeds_refundable' }], remainingQuantity: 0.052 });
    // half of 3,33 € rounds up to 1,67 €; the other half gives back what is left of the line: 1,66 €
    const half = await api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: olives!.id, quantity: 0.5 }] });
    expect(half.amountCents).toBe(-167);
    const rest = await api.call('purchases.refund', { purchaseId: sale.id });
    expect(rest.lines.map((l) => [l.label, l.quantity, l.unit, l.totalCents])).toEqual([
      ['Comté 24 mois', -0.052, 'kg', -(1144 - 975)],
      ['Olives en vrac', -0.5, 'piece', -166],
    ]);
    expect((await api.call('purchases.get', { id: sale.id })).refundedCents).toBe(1477);
    expect(stored(ctx, c.id)).toMatchObject({ total_cents: 0 });
  });

  it('gives back, in any number of parts, exactly what a line was paid — a till’s discounted line too — and never the wrong way', () => {
    const store = openStore();
    const at = '2024-04-01T10:00:00.000Z';
    const line = fc.record({
      milli: fc.integer({ min: 1, max: 5000 }),
      unit: fc.integer({ min: 1, max: 10_000 }),
      // a till's own total below the list price (a lot, a discount), or the price itself
      discount: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
    });
    fc.assert(
      fc.property(line, fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 6 }), (l, parts) => {
        const list = lineTotalCents(fromMilli(l.milli), l.unit);
        const paid = l.discount === null ? list : Math.floor((list * l.discount) / 100);
        const saleId = transaction(store, () =>
          insertPurchase(
            store,
            { contactId: null, kind: 'sale', refundOf: null, purchasedAt: at, currency: 'EUR', channel: 'shop', reference: null, note: null },
            [{ productId: null, label: 'Comté', quantity: fromMilli(l.milli), unit: 'kg', unitPriceCents: l.unit, totalCents: paid, refundsLine: null }],
            at,
          ),
        );
        const lineId = getPurchase(store, saleId).lines[0]!.id;
        let left = l.milli;
        for (const part of [...parts.map((p) => Math.min(p, left)), l.milli]) {
          const milli = Math.min(part, left);
          if (milli <= 0) break;
          try {
            const r = transaction(store, () => refundPurchase(store, refundInput.parse({ purchaseId: saleId, lines: [{ lineId, quantity: fromMilli(milli) }] })));
            expect(r.lines[0]!.totalCents).toBeLessThanOrEqual(0);
            left -= quantityMilli(-r.lines[0]!.quantity);
          } catch (e) {
            // a few grams whose share rounds to nothing give nothing back: refused, and still left
            expect(e).toMatchObject({ code: 'VALIDATION', details: { issues: [{ code: 'nothing_to_refund' }] } });
            if (milli === left) break;
          }
          const sale = getPurchase(store, saleId);
          expect(sale.refundedCents).toBeLessThanOrEqual(paid);
        }
        if (left === 0) expect(getPurchase(store, saleId).refundedCents).toBe(paid);
      }),
      { numRuns: 150 },
    );
  });

  it('refunds an amount, then whatever remains', async () => {
    const ctx = await sold();
    const { api, sale, c } = ctx;
    await api.call('purchases.refund', { purchaseId: sale.id, amountCents: 1234, note: 'geste commercial' });
    const over = await failure(api.call('purchases.refund', { purchaseId: sale.id, amountCents: 50000 }));
    expect(over).toMatchObject({ details: { issues: [{ path: 'amountCents', code: 'exceeds_refundable' }], remainingCents: 50000 - 1234 } });
    const rest = await api.call('purchases.refund', { purchaseId: sale.id });
    expect(rest.amountCents).toBe(-(50000 - 1234));
    expect(rest.lines).toEqual([expect.objectContaining({ label: '', quantity: -1, refundsLine: null })]);
    expect(stored(ctx, c.id)).toMatchObject({ total_cents: 0, purchase_count: 1 });
  });

  it('refuses to refund a refund, an unknown purchase, or lines and an amount together', async () => {
    const { api, sale } = await sold();
    const r = await api.call('purchases.refund', { purchaseId: sale.id, amountCents: 100 });
    await expect(api.call('purchases.refund', { purchaseId: r.id })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { issues: [{ path: 'purchaseId', code: 'not_a_sale' }] },
    });
    await expect(api.call('purchases.refund', { purchaseId: 9999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.call('purchases.refund', { purchaseId: sale.id, amountCents: 1, lines: [{ lineId: 1 }] })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { issues: [{ path: 'amountCents', code: 'lines_or_amount' }] },
    });
    await expect(api.call('purchases.refund', { purchaseId: sale.id, amountCents: 0 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('deleting a sale takes its refunds and puts a customer back to prospect', async () => {
    const ctx = await sold();
    const { api, sale, c } = ctx;
    await api.call('purchases.refund', { purchaseId: sale.id, amountCents: 100 });
    expect(await api.call('purchases.delete', { id: sale.id })).toEqual({ id: sale.id, deleted: 2 });
    expect(stored(ctx, c.id)).toEqual({ purchase_count: 0, total_cents: 0, first_purchase_at: null, last_purchase_at: null, status: 'prospect' });
    expect(counts(ctx)).toMatchObject({ purchases: 0, purchase_lines: 0 });
    await expect(api.call('purchases.delete', { id: sale.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('leaves a former customer former unless they buy again later', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    await api.call('purchases.create', { contactId: c.id, purchasedAt: '2022-01-01', lines: [{ label: 'x', unitPriceCents: 100 }] });
    await api.call('contacts.update', { id: c.id, patch: { status: 'former' } });
    // an older sale typed in late does not bring them back
    const old = await api.call('purchases.create', { contactId: c.id, purchasedAt: '2021-06-01', lines: [{ label: 'x', unitPriceCents: 100 }] });
    expect(stored(ctx, c.id)).toMatchObject({ status: 'former', purchase_count: 2, first_purchase_at: '2021-06-01T00:00:00.000Z' });
    await api.call('purchases.delete', { id: old.id });
    expect(stored(ctx, c.id).status).toBe('former');
    await api.call('purchases.create', { contactId: c.id, purchasedAt: '2024-01-01', lines: [{ label: 'x', unitPriceCents: 100 }] });
    expect(stored(ctx, c.id).status).toBe('customer');
  });
});

describe('aggregates', () => {
  type Op =
    | { op: 'sale'; who: number; day: number; cents: number }
    | { op: 'refund'; pick: number; cents: number }
    | { op: 'delete'; pick: number }
    | { op: 'deleteContact'; who: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('sale' as const), who: fc.nat(3), day: fc.nat(60), cents: fc.nat(20_000) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat(), cents: fc.integer({ min: 1, max: 20_000 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteContact' as const), who: fc.nat(3) }) },
  );

  it('equal a full recomputation after any sequence of sales, refunds and deletes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const ctx = await openClient();
        const { api } = ctx;
        const people: (number | null)[] = [];
        for (let i = 0; i < 4; i += 1) people.push((await api.call('contacts.create', { lastName: `P${i}` })).id);
        const live: { id: number; kind: 'sale' | 'refund' }[] = [];
        for (const o of ops) {
          if (o.op === 'sale') {
            const p = await api.call('purchases.create', {
              contactId: people[o.who] ?? null,
              purchasedAt: new Date(Date.UTC(2024, 0, 1 + o.day, 10)).toISOString(),
              lines: [{ label: 'x', unitPriceCents: o.cents }],
            });
            live.push({ id: p.id, kind: 'sale' });
          } else if (o.op === 'refund') {
            const sales = live.filter((p) => p.kind === 'sale');
            const target = sales[o.pick % Math.max(1, sales.length)];
            if (!target) continue;
            const r = await api.call('purchases.refund', { purchaseId: target.id, amountCents: o.cents }).catch((e: unknown) => e);
            if (r instanceof AppError) expect(r.details?.issues?.[0]?.code).toMatch(/exceeds_refundable|nothing_to_refund/);
            else live.push({ id: (r as Purchase).id, kind: 'refund' });
          } else if (o.op === 'delete') {
            const target = live[o.pick % Math.max(1, live.length)];
            if (!target) continue;
            await api.call('purchases.delete', { id: target.id });
            const db = raw(ctx);
            const left = new Set(db.prepare('SELECT id FROM purchases').pluck().all() as number[]);
            db.close();
            live.splice(0, live.length, ...live.filter((p) => left.has(p.id)));
          } else {
            const id = people[o.who];
            if (id === null || id === undefined) continue;
            await api.call('contacts.delete', { id });
            people[o.who] = null;
          }
        }
        for (const id of people) {
          if (id === null) continue;
          const s = stored(ctx, id);
          const { status, ...figures } = s;
          expect(figures).toEqual(recomputed(ctx, id));
          // a customer is someone with a purchase (nobody here was set by hand)
          expect(status).toBe(figures.purchase_count > 0 ? 'customer' : 'prospect');
        }
        await ctx.client.close();
      }),
      { numRuns: 25 },
    );
  });

  it('recomputes one contact from the covering index only', async () => {
    const ctx = await openClient();
    const db = raw(ctx);
    const plan = (
      db
        .prepare(`EXPLAIN QUERY PLAN ${CONTACT_FIGURES_SQL}`)
        .all(1) as { detail: string }[]
    ).map((r) => r.detail);
    db.close();
    expect(plan.join('\n')).toMatch(/SEARCH purchases USING COVERING INDEX purchases_by_contact \(contact_id=\?\)/);
  });

  it('set the list indexes aside when most contacts change at once, and put them and the sort settings back', async () => {
    const store = openStore();
    const db = store.sqlite;
    db.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
      INSERT INTO contacts (last_name, sort_name, source, created_at, updated_at)
      SELECT 'Nom' || i, 'nom' || i, 'import', '2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z' FROM n`);
    const schema = () => db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE type = 'index' ORDER BY name").all();
    // temporary storage, the sorter's helper threads, the page cache: the rebuild changes all three
    const sorts = () => ['temp_store', 'threads', 'cache_size'].map((p) => db.pragma(p, { simple: true }));
    const before = schema();
    const atOpen = sorts();
    const totals = Array.from({ length: 12_000 }, (_, i) => ({
      contactId: i + 1,
      sales: i % 3,
      totalCents: 100 * (i % 7),
      first: i % 3 === 0 ? null : '2024-02-01',
      last: i % 3 === 0 ? null : `2024-03-${String(1 + (i % 28)).padStart(2, '0')}`,
    }));
    let asideMidway = false;
    db.exec('BEGIN');
    // the job yields between updates and between two indexes it drops or rebuilds
    await applyPurchaseTotalsInBulk(store, totals.length, totals, async () => {
      asideMidway ||= db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'contacts_by_status'").get() === undefined;
    });
    db.exec('COMMIT');
    expect(asideMidway).toBe(true);
    expect(schema()).toEqual(before);
    expect(sorts()).toEqual(atOpen);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // the rebuilt index answers as the table does
    const customers = db.prepare("SELECT count(*) FROM contacts INDEXED BY contacts_by_status WHERE status = 'customer'").pluck().get();
    expect(customers).toBe(8_000);
    expect(db.prepare('SELECT purchase_count, total_cents, first_purchase_at, last_purchase_at FROM contacts WHERE id = 5').get()).toEqual({
      purchase_count: 1,
      total_cents: 400,
      first_purchase_at: '2024-02-01',
      last_purchase_at: '2024-03-05',
    });
  });
});

describe('purchase queue of an import', () => {
  it('writes what it holds every 4096 purchases, lines after their sale, with the ids it gave', () => {
    const store = openStore();
    const queue = purchaseQueue(store, '2026-11-30T10:00:00.000Z');
    const count = (table: string) => Number(store.sqlite.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
    const header = { contactId: null, kind: 'sale' as const, refundOf: null, purchasedAt: '2026-11-29T09:00:00.000Z', currency: 'EUR', channel: 'shop', reference: null, note: null };
    const line = { productId: null, label: 'Pain', quantity: 1, unit: 'piece' as const, unitPriceCents: 120, totalCents: 120, refundsLine: null };
    store.sqlite.exec('BEGIN');
    const ids = Array.from({ length: 4097 }, () => queue.add(header, [line]));
    // nothing read back yet: the first 4096 are in, the last one waits
    expect(count('purchases')).toBe(4096);
    expect(count('purchase_lines')).toBe(4096);
    queue.flush();
    store.sqlite.exec('COMMIT');
    expect(store.sqlite.prepare('SELECT id FROM purchases ORDER BY id').pluck().all()).toEqual(ids);
    expect(store.sqlite.prepare('SELECT count(*) FROM purchase_lines l JOIN purchases p ON p.id = l.purchase_id WHERE p.amount_cents = 120').pluck().get()).toBe(4097);
  });
});
