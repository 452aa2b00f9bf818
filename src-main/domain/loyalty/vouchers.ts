import { AppError, voucherDiscount, type Voucher } from '../../contract';
import { prepared, type Store } from '../../store/db';

/**
 * A voucher (a reward redeemed for points) is spent on one sale at the
 * counter, in that sale's transaction: an amount or percentage off becomes a
 * discount line, a free item a line at 0 €. Spent once; a deleted sale gives
 * it back. The points were taken when it was issued, so spending it moves no
 * points (the sale then earns on what was paid).
 */

const VOUCHER_COLUMNS = `v.code, v.issued_at AS issuedAt, v.reward_id AS rewardId, r.name AS rewardName, r.kind, r.value,
  r.product_id AS productId`;

export const openVouchers = (store: Store, contactId: number): Voucher[] =>
  prepared(
    store.sqlite,
    `SELECT ${VOUCHER_COLUMNS} FROM loyalty_vouchers v JOIN loyalty_rewards r ON r.id = v.reward_id
      WHERE v.contact_id = ? AND v.used_at IS NULL ORDER BY v.id DESC`,
  ).all(contactId) as Voucher[];

/** The line a voucher adds to a sale (the shape of a sale's line input, prices settled): one item, or a discount. */
export type VoucherLine = { productId: number | null; label: string; quantity: number; unit: 'piece'; unitPriceCents: number };

type Found = Voucher & { id: number; contactId: number; usedAt: string | null };

const refuse = (code: 'CONFLICT' | 'NOT_FOUND', message: string, reason: string): AppError =>
  new AppError(code, message, { reason, issues: [{ path: 'voucherCode', code: reason }] });

/**
 * Checks the voucher for this buyer and gives its line: refused when unknown,
 * spent already, or someone else's (a voucher is personal).
 */
export const voucherLine = (
  store: Store,
  contactId: number | null,
  code: string,
  subtotalCents: number,
): { voucherId: number; line: VoucherLine } => {
  const v = prepared(
    store.sqlite,
    `SELECT v.id, v.contact_id AS contactId, v.used_at AS usedAt, ${VOUCHER_COLUMNS}
      FROM loyalty_vouchers v JOIN loyalty_rewards r ON r.id = v.reward_id WHERE v.code = ?`,
  ).get(code) as Found | undefined;
  if (v === undefined) throw refuse('NOT_FOUND', `no voucher ${code}`, 'voucher_unknown');
  if (v.usedAt !== null) throw refuse('CONFLICT', `voucher ${code} was spent on ${v.usedAt.slice(0, 10)}`, 'voucher_used');
  if (contactId === null) throw refuse('CONFLICT', `voucher ${code} is personal: choose its holder as the customer`, 'voucher_needs_customer');
  if (contactId !== v.contactId) throw refuse('CONFLICT', `voucher ${code} belongs to another customer`, 'voucher_other_customer');
  const label = `${v.rewardName} (${v.code})`;
  const line =
    v.kind === 'item'
      ? { productId: v.productId, label, quantity: 1, unit: 'piece' as const, unitPriceCents: 0 }
      : { productId: null, label, quantity: 1, unit: 'piece' as const, unitPriceCents: 0 - voucherDiscount(v.kind, v.value, subtotalCents) || 0 };
  return { voucherId: v.id, line };
};

export const spendVoucher = (store: Store, voucherId: number, purchaseId: number, at: string): void => {
  prepared(store.sqlite, 'UPDATE loyalty_vouchers SET used_at = ?, purchase_id = ? WHERE id = ?').run(at, purchaseId, voucherId);
};

/** A sale deleted (a mistake at the till): the voucher it spent can be used again. */
export const releaseVouchers = (store: Store, purchaseId: number): void => {
  prepared(store.sqlite, 'UPDATE loyalty_vouchers SET used_at = NULL, purchase_id = NULL WHERE purchase_id = ?').run(purchaseId);
};
