import { z } from 'zod';
import { pastInstant } from './dates';
import { id, optionalText } from './fields';

/* ---------- products ---------- */

export const PRODUCT_NAME_MAX = 200;
/** 1 M€ a unit: anything above is a typo (and keeps every total a safe integer). */
export const UNIT_PRICE_MAX_CENTS = 100_000_000;
export const QUANTITY_MAX = 100_000;
export const PURCHASE_LINES_MAX = 500;

/**
 * Quantities go to the thousandth: goods sold by weight or length (0,352 kg
 * of cheese, 2,5 m of fabric). Stored as whole thousandths (`quantity_milli`),
 * so sums and what is left to refund stay exact, as cents do for money.
 */
export const QUANTITY_DECIMALS = 3;
/** Thousandths in a unit. */
export const QUANTITY_SCALE = 10 ** QUANTITY_DECIMALS;

/** A quantity in whole thousandths (the stored form). */
export const quantityMilli = (quantity: number): number => Math.round(quantity * QUANTITY_SCALE);

/** Whole thousandths back to the quantity a line shows (0.352, 2). */
export const fromMilli = (milli: number): number => milli / QUANTITY_SCALE;

/** At most three decimals (a float's noise aside). */
export const isQuantityPrecise = (quantity: number): boolean =>
  Math.abs(quantity * QUANTITY_SCALE - Math.round(quantity * QUANTITY_SCALE)) < 1e-6;

/**
 * `amount × part / whole` in whole units (cents), rounded half away from
 * zero; `part` and `whole` are positive integers. Exact: in numbers while the
 * product is a safe integer, in BigInt past it (a line's total times its
 * thousandths can reach 10^21).
 */
export const shareOf = (amount: number, part: number, whole: number): number => {
  const product = Math.abs(amount) * part;
  let magnitude: number;
  if (Number.isSafeInteger(product)) {
    magnitude = Math.floor(product / whole);
    // the float quotient may land one off near an integer: the remainder puts it right
    let rest = product - magnitude * whole;
    if (rest < 0) [magnitude, rest] = [magnitude - 1, rest + whole];
    else if (rest >= whole) [magnitude, rest] = [magnitude + 1, rest - whole];
    if (rest * 2 >= whole) magnitude += 1;
  } else {
    magnitude = Number((BigInt(Math.abs(amount)) * BigInt(part) * 2n + BigInt(whole)) / (2n * BigInt(whole)));
  }
  return amount < 0 && magnitude !== 0 ? -magnitude : magnitude;
};

/**
 * What a line comes to: quantity × unit price, rounded to the cent half away
 * from zero, so a refund of the same quantity gives back exactly what was
 * paid.
 */
export const lineTotalCents = (quantity: number, unitPriceCents: number): number => {
  const total = shareOf(unitPriceCents, Math.abs(quantityMilli(quantity)), QUANTITY_SCALE);
  return quantity < 0 && total !== 0 ? -total : total;
};

const quantityField = z
  .number({ error: 'required' })
  .positive({ error: 'must_be_positive' })
  .max(QUANTITY_MAX, { error: 'too_large' })
  .refine(isQuantityPrecise, { error: 'too_many_decimals' });

const cents = z
  .number({ error: 'required' })
  .int({ error: 'not_integer' })
  .min(-UNIT_PRICE_MAX_CENTS, { error: 'too_small' })
  .max(UNIT_PRICE_MAX_CENTS, { error: 'too_large' });

const requiredName = optionalText(PRODUCT_NAME_MAX).transform((v, ctx) => {
  if (v === null) {
    ctx.addIssue({ code: 'custom', message: 'required' });
    return z.NEVER;
  }
  return v;
});

/**
 * How a product is sold: by the piece, or weighed or measured, its price
 * then per kilogram, litre or metre. A sale line keeps its product's unit
 * as it keeps its label and price.
 */
export const saleUnits = ['piece', 'kg', 'l', 'm'] as const;
export type SaleUnit = (typeof saleUnits)[number];

export type Product = {
  id: number;
  name: string;
  sku: string | null;
  category: string | null;
  priceCents: number;
  /** What `priceCents` is for: one piece, one kilogram, one litre or one metre. */
  unit: SaleUnit;
  currency: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
};

const productShape = {
  name: requiredName,
  /** Stock-keeping unit, unique when set (what a barcode scanner types). */
  sku: optionalText(64),
  category: optionalText(100),
  priceCents: cents.min(0, { error: 'too_small' }),
  unit: z.enum(saleUnits, { error: 'invalid_value' }),
  active: z.boolean(),
};

export const productInput = z
  .object({ ...productShape, unit: productShape.unit.default('piece'), active: productShape.active.default(true) })
  .strict();
export type ProductInput = z.input<typeof productInput>;
export const productUpdateInput = z.object({ id, patch: z.object(productShape).partial().strict() }).strict();

export const productListInput = z
  .object({
    q: z.string().max(200, { error: 'too_long' }).default(''),
    category: z.string().max(100).optional(),
    /** Left out: active and inactive products alike. */
    active: z.boolean().optional(),
    cursor: z.string().max(1000).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type ProductPage = { rows: Product[]; nextCursor: string | null };

/** The counter's product picker: a few best matches (exact SKU first), active products only unless asked. */
export const productSearchInput = z
  .object({
    q: z.string().max(200, { error: 'too_long' }),
    limit: z.number().int().min(1).max(50).default(20),
    includeInactive: z.boolean().default(false),
  })
  .strict();

/* ---------- purchases ---------- */

export const purchaseChannels = ['shop', 'web', 'phone', 'fair', 'other'] as const;
export type PurchaseChannel = (typeof purchaseChannels)[number];
export const purchaseKinds = ['sale', 'refund'] as const;
export type PurchaseKind = (typeof purchaseKinds)[number];

export type PurchaseLine = {
  id: number;
  productId: number | null;
  label: string;
  /** Negative on a refund; to the thousandth (0.352 kg). */
  quantity: number;
  /** Its product's unit when sold ('piece' for a free line). */
  unit: SaleUnit;
  unitPriceCents: number;
  totalCents: number;
  /** On a refund line: the sale line it gives back. */
  refundsLine: number | null;
};

export type Purchase = {
  id: number;
  /** null once the contact has been deleted: sales stay for the accounts, anonymous. */
  contactId: number | null;
  kind: PurchaseKind;
  /** On a refund: the sale it refunds. */
  refundOf: number | null;
  purchasedAt: string;
  /** Sum of the lines; negative for a refund. */
  amountCents: number;
  currency: string;
  channel: string;
  reference: string | null;
  note: string | null;
  createdAt: string;
  lines: PurchaseLine[];
  /** On a sale: what its refunds gave back so far (positive cents); 0 on a refund. */
  refundedCents: number;
};

/**
 * A line is a product (label and price taken from the catalogue unless
 * given) or free text with a price. A negative unit price is a discount line.
 */
export const purchaseLineInput = z
  .object({
    productId: id.nullish().transform((v) => v ?? null),
    label: optionalText(PRODUCT_NAME_MAX),
    quantity: quantityField.default(1),
    unitPriceCents: cents.optional(),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.productId === null && l.label === null) ctx.addIssue({ code: 'custom', path: ['label'], message: 'required' });
    if (l.productId === null && l.unitPriceCents === undefined) {
      ctx.addIssue({ code: 'custom', path: ['unitPriceCents'], message: 'required' });
    }
  });
export type PurchaseLineInput = z.input<typeof purchaseLineInput>;

/** A loyalty voucher's code as printed (FID- and ten letters or digits), any case, spaces around ignored. */
const voucherCodeField = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^FID-[A-Z0-9]{10}$/, { error: 'invalid_voucher' })
  .nullish();

/** One call records a sale at the counter: lines, total, the customer's figures and status. */
export const purchaseInput = z
  .object({
    contactId: id.nullish().transform((v) => v ?? null),
    /** A date or an instant; now when left out. */
    purchasedAt: pastInstant.optional(),
    channel: z.enum(purchaseChannels).default('shop'),
    lines: z
      .array(purchaseLineInput)
      .min(1, { error: 'required' })
      .max(PURCHASE_LINES_MAX, { error: 'too_many' }),
    reference: optionalText(100),
    note: optionalText(1000),
    /** A loyalty voucher of the buyer, spent on this sale: its discount (or free item) becomes a line. */
    voucherCode: voucherCodeField,
  })
  .strict();
export type PurchaseInput = z.input<typeof purchaseInput>;
export type PurchaseData = z.output<typeof purchaseInput>;

/**
 * Gives money back on a sale: chosen lines (all that remains of a line when
 * its quantity is left out), or an amount, or, with neither, everything that
 * remains refundable. Never more than what remains.
 */
export const refundInput = z
  .object({
    purchaseId: id,
    lines: z
      .array(
        z
          .object({
            lineId: id,
            quantity: quantityField.optional(),
          })
          .strict(),
      )
      .min(1, { error: 'required' })
      .max(PURCHASE_LINES_MAX, { error: 'too_many' })
      .optional(),
    amountCents: z
      .number()
      .int({ error: 'not_integer' })
      .min(1, { error: 'must_be_positive' })
      .max(UNIT_PRICE_MAX_CENTS * PURCHASE_LINES_MAX, { error: 'too_large' })
      .optional(),
    refundedAt: pastInstant.optional(),
    note: optionalText(1000),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.lines !== undefined && v.amountCents !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['amountCents'], message: 'lines_or_amount' });
    }
  });
export type RefundInput = z.input<typeof refundInput>;

export const purchaseListInput = z
  .object({
    contactId: id,
    cursor: z.string().max(500).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type PurchasePage = { rows: Purchase[]; nextCursor: string | null };
export type PurchaseDeleted = { id: number; deleted: number };
