import type { z } from 'zod';
import {
  AppError,
  fromMilli,
  lineTotalCents,
  quantityMilli,
  shareOf,
  type FieldIssue,
  type Purchase,
  type PurchaseData,
  type PurchaseDeleted,
  type PurchaseKind,
  type PurchaseLine,
  type PurchasePage,
  type purchaseListInput,
  type refundInput,
} from '../../contract';
import { bulkInsert, insertSql, prepared, type Store } from '../../store/db';
import { notFound as contactNotFound } from '../contacts/service';
import { getSettings } from '../settings/service';
import { earnOnSale, recountTier, syncSalePoints } from '../loyalty/sales';
import { releaseVouchers, spendVoucher, voucherLine } from '../loyalty/vouchers';
import { applyPurchaseToAggregates, recomputeContactAggregates } from './aggregates';
import { productNotFound, productsById } from './products';

type StoredPurchase = Omit<Purchase, 'lines' | 'refundedCents'>;
/** A line as written: the total is quantity × unit price, negative quantities on refunds. */
export type NewPurchaseLine = Omit<PurchaseLine, 'id'>;
type NewLine = NewPurchaseLine;

const PURCHASE_COLUMNS = `p.id, p.contact_id AS contactId, p.kind, p.refund_of AS refundOf, p.purchased_at AS purchasedAt,
  p.amount_cents AS amountCents, p.currency, p.channel, p.reference, p.note, p.created_at AS createdAt`;

const LINE_COLUMNS = `id, product_id AS productId, label, quantity_milli / 1000.0 AS quantity, unit, unit_price_cents AS unitPriceCents,
  total_cents AS totalCents, refunds_line AS refundsLine`;

export const purchaseNotFound = (id: number): AppError =>
  new AppError('NOT_FOUND', `purchase ${id} not found`, { entity: 'purchase', id });

const validation = (issues: FieldIssue[], message: string): AppError => new AppError('VALIDATION', message, { issues });

/** Purchases with their lines and, for sales, what was refunded: a few queries whatever the count. */
export const purchasesById = (store: Store, ids: readonly number[]): Map<number, Purchase> => {
  const list = JSON.stringify(ids);
  const rows = prepared(
    store.sqlite,
    `SELECT ${PURCHASE_COLUMNS} FROM purchases p WHERE p.id IN (SELECT value FROM json_each(?))`,
  ).all(list) as StoredPurchase[];
  const lines = prepared(
    store.sqlite,
    `SELECT purchase_id AS purchaseId, ${LINE_COLUMNS} FROM purchase_lines
      WHERE purchase_id IN (SELECT value FROM json_each(?)) ORDER BY purchase_id, id`,
  ).all(list) as (PurchaseLine & { purchaseId: number })[];
  const refunded = prepared(
    store.sqlite,
    `SELECT refund_of AS id, -sum(amount_cents) AS cents FROM purchases
      WHERE refund_of IN (SELECT value FROM json_each(?)) GROUP BY refund_of`,
  ).all(list) as { id: number; cents: number }[];
  const linesOf = new Map<number, PurchaseLine[]>();
  for (const { purchaseId, ...line } of lines) {
    const bucket = linesOf.get(purchaseId);
    if (bucket) bucket.push(line);
    else linesOf.set(purchaseId, [line]);
  }
  const refundedOf = new Map(refunded.map((r) => [r.id, r.cents]));
  return new Map(
    rows.map((p) => [p.id, { ...p, lines: linesOf.get(p.id) ?? [], refundedCents: refundedOf.get(p.id) ?? 0 }]),
  );
};

export const getPurchase = (store: Store, id: number): Purchase => {
  const p = purchasesById(store, [id]).get(id);
  if (!p) throw purchaseNotFound(id);
  return p;
};

export type PurchaseHeader = {
  contactId: number | null;
  kind: PurchaseKind;
  refundOf: number | null;
  purchasedAt: string;
  currency: string;
  channel: string;
  reference: string | null;
  note: string | null;
  importId?: number | null;
  /** A purchase known only by its total (an imported till line without items); otherwise the sum of the lines. */
  amountCents?: number;
};

const PURCHASE_COLUMNS_IN = [
  'contact_id',
  'kind',
  'refund_of',
  'purchased_at',
  'amount_cents',
  'currency',
  'channel',
  'reference',
  'note',
  'import_id',
  'created_at',
] as const;
const LINE_COLUMNS_IN = ['purchase_id', 'product_id', 'label', 'quantity_milli', 'unit', 'unit_price_cents', 'total_cents', 'refunds_line'] as const;

const amountOf = (header: PurchaseHeader, lines: readonly NewLine[]): number =>
  lines.length === 0 ? (header.amountCents ?? 0) : lines.reduce((sum, l) => sum + l.totalCents, 0);

const purchaseValues = (header: PurchaseHeader, amountCents: number, now: string): unknown[] => [
  header.contactId,
  header.kind,
  header.refundOf,
  header.purchasedAt,
  amountCents,
  header.currency,
  header.channel,
  header.reference,
  header.note,
  header.importId ?? null,
  now,
];

const lineValues = (purchaseId: number, l: NewLine): unknown[] => [
  purchaseId,
  l.productId,
  l.label,
  quantityMilli(l.quantity),
  l.unit,
  l.unitPriceCents,
  l.totalCents,
  l.refundsLine,
];

/**
 * Writes a purchase and its lines and updates its contact's figures, in the
 * caller's transaction. The amount is the sum of the lines, never typed; only
 * a purchase without lines carries its own. An import goes through
 * `purchaseQueue` instead and sums the figures itself.
 */
export const insertPurchase = (store: Store, header: PurchaseHeader, lines: readonly NewLine[], now: string): number => {
  const amountCents = amountOf(header, lines);
  const id = Number(
    prepared(store.sqlite, insertSql('purchases', PURCHASE_COLUMNS_IN)).run(purchaseValues(header, amountCents, now)).lastInsertRowid,
  );
  const add = prepared(store.sqlite, insertSql('purchase_lines', LINE_COLUMNS_IN));
  for (const l of lines) add.run(lineValues(id, l));
  applyPurchaseToAggregates(store, { contactId: header.contactId, kind: header.kind, purchasedAt: header.purchasedAt, amountCents });
  return id;
};

export type PurchaseQueue = {
  /** Queues a purchase and its lines (aggregates are the caller's); returns the id it will have. */
  add(header: PurchaseHeader, lines: readonly NewLine[]): number;
  /** Writes what is queued: before anything reads purchases or their lines. */
  flush(): void;
};

/** Purchases queued at most before they are written. */
const QUEUE_MAX = 4096;

/**
 * `insertPurchase` for an import: purchases and lines go in several to a
 * statement (`bulkInsert`). Each purchase gets at once the id SQLite would
 * have given it (the largest + 1), so its lines and the caller's totals
 * need not wait for the write.
 */
export const purchaseQueue = (store: Store, now: string): PurchaseQueue => {
  const db = store.sqlite;
  const sales = bulkInsert(db, 'purchases', ['id', ...PURCHASE_COLUMNS_IN], 32);
  const lines = bulkInsert(db, 'purchase_lines', LINE_COLUMNS_IN, 32);
  let queued = 0;
  const flush = (): void => {
    // the lines name their purchase: purchases first
    sales.flush();
    lines.flush();
    queued = 0;
  };
  return {
    add(header, newLines) {
      const id = sales.pushNew(purchaseValues(header, amountOf(header, newLines), now));
      for (const l of newLines) lines.push(lineValues(id, l));
      // a caller that never needs to read back (no lookups, no job ticks) still keeps memory flat
      queued += 1;
      if (queued === QUEUE_MAX) flush();
      return id;
    },
    flush,
  };
};

/**
 * A sale at the counter in one call: lines priced from the catalogue unless
 * a price is typed, the total computed, the customer's figures and status
 * updated, all in the command's transaction.
 */
export const createPurchase = (store: Store, data: PurchaseData, nowDate: Date = new Date()): Purchase => {
  const now = nowDate.toISOString();
  if (data.contactId !== null && prepared(store.sqlite, 'SELECT 1 FROM contacts WHERE id = ?').pluck().get(data.contactId) === undefined) {
    const e = contactNotFound(data.contactId);
    throw new AppError('NOT_FOUND', e.message, { ...e.details, issues: [{ path: 'contactId', code: 'not_found' }] });
  }
  const productIds = data.lines.flatMap((l) => (l.productId === null ? [] : [l.productId]));
  const products = productsById(store, productIds);
  const lines: NewLine[] = data.lines.map((l, i) => {
    const product = l.productId === null ? null : products.get(l.productId);
    if (product === undefined) throw productNotFound(l.productId ?? 0, `lines.${i}.productId`);
    const unit = l.unitPriceCents ?? product?.priceCents ?? 0;
    return {
      productId: l.productId,
      label: l.label ?? product?.name ?? '',
      quantity: l.quantity,
      unit: product?.unit ?? 'piece',
      unitPriceCents: unit,
      totalCents: lineTotalCents(l.quantity, unit),
      refundsLine: null,
    };
  });
  const subtotal = lines.reduce((sum, l) => sum + l.totalCents, 0);
  if (subtotal < 0) {
    throw validation([{ path: 'lines', code: 'negative_total' }], 'a sale cannot total less than zero: record a refund instead');
  }
  const code = data.voucherCode ?? null;
  const voucher = code === null ? null : voucherLine(store, data.contactId, code, subtotal);
  if (voucher !== null) lines.push({ ...voucher.line, totalCents: lineTotalCents(voucher.line.quantity, voucher.line.unitPriceCents), refundsLine: null });
  const id = insertPurchase(
    store,
    {
      contactId: data.contactId,
      kind: 'sale',
      refundOf: null,
      purchasedAt: data.purchasedAt ?? now,
      currency: getSettings(store).currency,
      channel: data.channel,
      reference: data.reference,
      note: data.note,
    },
    lines,
    now,
  );
  if (voucher !== null) spendVoucher(store, voucher.voucherId, id, now);
  // loyalty points in the same transaction: a refused double scan undoes the sale too
  earnOnSale(store, id, nowDate);
  return getPurchase(store, id);
};

/** What a sale line gave back so far: thousandths and cents. */
type LineRefunded = { milli: number; cents: number };

/** What is left to give back on a sale: per line (quantity, in thousandths) and in total (cents). */
const refundable = (store: Store, sale: Purchase) => {
  const byLine = new Map(
    (
      prepared(
        store.sqlite,
        `SELECT l.refunds_line AS line, -sum(l.quantity_milli) AS milli, -sum(l.total_cents) AS cents FROM purchases p
          JOIN purchase_lines l ON l.purchase_id = p.id
          WHERE p.refund_of = ? AND l.refunds_line IS NOT NULL GROUP BY l.refunds_line`,
      ).all(sale.id) as ({ line: number } & LineRefunded)[]
    ).map((r) => [r.line, { milli: r.milli, cents: r.cents }]),
  );
  const amountOnly = Number(
    prepared(
      store.sqlite,
      `SELECT count(*) FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id
        WHERE p.refund_of = ? AND l.refunds_line IS NULL`,
    )
      .pluck()
      .get(sale.id),
  );
  return {
    remainingCents: sale.amountCents - sale.refundedCents,
    remainingMilli: (lineId: number) => {
      const line = sale.lines.find((l) => l.id === lineId);
      return line ? quantityMilli(line.quantity) - (byLine.get(lineId)?.milli ?? 0) : 0;
    },
    refunded: (lineId: number): LineRefunded => byLine.get(lineId) ?? { milli: 0, cents: 0 },
    /** An amount-only refund cannot be traced to lines: afterwards only amounts remain. */
    amountOnly: amountOnly > 0,
  };
};

/**
 * Gives back `milli` of a sale line: what its share of the line comes to
 * once the earlier refunds are counted, so refunds in any number of parts
 * add up to what the line was paid, never more (two halves of 1 kg at
 * 3,33 € give back 1,67 € and 1,66 €), and none of them goes the wrong way.
 */
const refundLine = (line: PurchaseLine, milli: number, before: LineRefunded): NewLine => {
  // the share of what the line was paid, not of its unit price: a till's discounted lot gives back what it cost
  const owed = shareOf(line.totalCents, before.milli + milli, quantityMilli(line.quantity)) - before.cents;
  // refunds made by an older rule may have given back more than this share: nothing more then, never a charge
  const cents = line.totalCents >= 0 ? Math.max(0, owed) : Math.min(0, owed);
  return {
    productId: line.productId,
    label: line.label,
    quantity: -fromMilli(milli),
    unit: line.unit,
    unitPriceCents: line.unitPriceCents,
    totalCents: cents === 0 ? 0 : -cents,
    refundsLine: line.id,
  };
};

/** A refund by amount has one line without a label: the screen shows its own word for "refund". */
export const refundAmountLine = (cents: number): NewLine => ({
  productId: null,
  label: '',
  quantity: -1,
  unit: 'piece',
  unitPriceCents: cents,
  totalCents: -cents,
  refundsLine: null,
});

/**
 * Records a refund: a 'refund' purchase with a negative amount linked to the
 * sale. By lines (never more than was sold minus what was given back), by
 * amount, or — with neither — whatever remains. Never more than remains.
 */
export const refundPurchase = (store: Store, input: z.output<typeof refundInput>, nowDate: Date = new Date()): Purchase => {
  const now = nowDate.toISOString();
  const sale = getPurchase(store, input.purchaseId);
  if (sale.kind !== 'sale') {
    throw validation([{ path: 'purchaseId', code: 'not_a_sale' }], `purchase ${sale.id} is a refund, not a sale`);
  }
  const left = refundable(store, sale);
  let lines: NewLine[];
  if (input.lines !== undefined) {
    // in thousandths, so that 0,1 + 0,2 kg asked on two rows is 0,3 kg
    const wanted = new Map<number, { milli: number | null; index: number }>();
    input.lines.forEach((l, index) => {
      const prior = wanted.get(l.lineId);
      const asked = l.quantity === undefined ? null : quantityMilli(l.quantity);
      const milli = prior === undefined ? asked : prior.milli === null || asked === null ? null : prior.milli + asked;
      wanted.set(l.lineId, { milli, index: prior?.index ?? index });
    });
    lines = [...wanted].map(([lineId, w]) => {
      const line = sale.lines.find((l) => l.id === lineId);
      if (!line) throw validation([{ path: `lines.${w.index}.lineId`, code: 'not_in_purchase' }], `line ${lineId} is not in purchase ${sale.id}`);
      const remaining = left.remainingMilli(lineId);
      const milli = w.milli ?? remaining;
      if (milli <= 0 || milli > remaining) {
        throw new AppError('VALIDATION', `only ${fromMilli(remaining)} of line ${lineId} can still be refunded`, {
          issues: [{ path: `lines.${w.index}.quantity`, code: 'exceeds_refundable' }],
          remainingQuantity: fromMilli(remaining),
        });
      }
      return refundLine(line, milli, left.refunded(lineId));
    });
  } else if (input.amountCents !== undefined) {
    lines = [refundAmountLine(input.amountCents)];
  } else if (!left.amountOnly) {
    lines = sale.lines.flatMap((l) => {
      const milli = left.remainingMilli(l.id);
      return milli > 0 ? [refundLine(l, milli, left.refunded(l.id))] : [];
    });
  } else {
    lines = left.remainingCents > 0 ? [refundAmountLine(left.remainingCents)] : [];
  }
  const giving = -lines.reduce((sum, l) => sum + l.totalCents, 0);
  if (giving <= 0) {
    throw validation([{ path: 'purchaseId', code: 'nothing_to_refund' }], `nothing remains to refund on purchase ${sale.id}`);
  }
  if (giving > left.remainingCents) {
    throw new AppError('VALIDATION', `only ${left.remainingCents} cents of purchase ${sale.id} can still be refunded`, {
      issues: [{ path: input.amountCents !== undefined ? 'amountCents' : 'lines', code: 'exceeds_refundable' }],
      remainingCents: left.remainingCents,
    });
  }
  const id = insertPurchase(
    store,
    {
      contactId: sale.contactId,
      kind: 'refund',
      refundOf: sale.id,
      purchasedAt: input.refundedAt ?? now,
      currency: sale.currency,
      channel: sale.channel,
      reference: sale.reference,
      note: input.note,
    },
    lines,
    now,
  );
  const holder = syncSalePoints(store, sale.id, nowDate);
  for (const who of new Set([sale.contactId, holder])) if (who !== null) recountTier(store, who, nowDate);
  return getPurchase(store, id);
};

/**
 * Deletes a purchase entered by mistake; a sale takes its refunds with it
 * (a refund of nothing would be meaningless). The contact's figures are
 * recomputed from its remaining purchases.
 */
export const deletePurchase = (store: Store, id: number, nowDate: Date = new Date()): PurchaseDeleted => {
  const p = prepared(store.sqlite, 'SELECT contact_id AS contactId, refund_of AS refundOf FROM purchases WHERE id = ?').get(id) as
    | { contactId: number | null; refundOf: number | null }
    | undefined;
  if (!p) throw purchaseNotFound(id);
  // a deleted sale takes its points back (while its link to them still exists)
  if (p.refundOf === null) syncSalePoints(store, id, nowDate, true);
  // a refund may sit on another contact than its sale (recorded after a merge that was undone since)
  const owners = new Set(
    prepared(store.sqlite, 'SELECT contact_id FROM purchases WHERE (refund_of = ?1 OR id = ?1) AND contact_id IS NOT NULL')
      .pluck()
      .all({ 1: id }) as number[],
  );
  if (p.refundOf === null) releaseVouchers(store, id);
  const refunds = prepared(store.sqlite, 'DELETE FROM purchases WHERE refund_of = ?').run(id).changes;
  prepared(store.sqlite, 'DELETE FROM purchases WHERE id = ?').run(id);
  for (const owner of owners) recomputeContactAggregates(store, owner);
  // a deleted refund gives the sale's share of points back
  const holder = p.refundOf !== null ? syncSalePoints(store, p.refundOf, nowDate) : null;
  if (holder !== null) owners.add(holder);
  for (const owner of owners) recountTier(store, owner, nowDate);
  return { id, deleted: refunds + 1 };
};

type PurchaseKey = [string, number];

const decodeKey = (raw: string): PurchaseKey => {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isInteger(v[1])) return [v[0], v[1] as number];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

/** A contact's purchases, newest first, keyset-paged on (purchased_at, id). */
export const listPurchases = (store: Store, input: z.output<typeof purchaseListInput>): PurchasePage => {
  if (prepared(store.sqlite, 'SELECT 1 FROM contacts WHERE id = ?').pluck().get(input.contactId) === undefined) {
    throw contactNotFound(input.contactId);
  }
  const after = input.cursor === null ? null : decodeKey(input.cursor);
  const keys = prepared(
    store.sqlite,
    `SELECT id, purchased_at AS at FROM purchases WHERE contact_id = ?
      ${after === null ? '' : 'AND (purchased_at, id) < (?, ?)'} ORDER BY purchased_at DESC, id DESC LIMIT ?`,
  ).all(input.contactId, ...(after ?? []), input.limit + 1) as { id: number; at: string }[];
  const more = keys.length > input.limit;
  const page = keys.slice(0, input.limit);
  const byId = purchasesById(
    store,
    page.map((k) => k.id),
  );
  const last = page[page.length - 1];
  return {
    rows: page.flatMap((k) => {
      const p = byId.get(k.id);
      return p ? [p] : [];
    }),
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.at, last.id])).toString('base64url') : null,
  };
};
