import type { PurchaseKind } from '../../contract';
import { prepared, type Store } from '../../store/db';

/**
 * A contact's purchase figures live on the contact row (DESIGN §4) and are
 * kept current in the transaction that changes a purchase:
 * - purchase_count: number of sales (refunds are not purchases);
 * - total_cents: sales plus refunds (refunds are negative);
 * - first_purchase_at / last_purchase_at: over sales only.
 * Status follows: a prospect who buys becomes a customer; a former customer
 * buying after their last purchase is a customer again; a customer whose
 * only sales are deleted goes back to prospect. 'former' is only ever set by hand.
 */
export type PurchaseFacts = { contactId: number | null; kind: PurchaseKind; purchasedAt: string; amountCents: number };

const APPLY_SALE = `UPDATE contacts SET
    purchase_count = purchase_count + 1,
    total_cents = total_cents + @amount,
    first_purchase_at = CASE WHEN first_purchase_at IS NULL OR @at < first_purchase_at THEN @at ELSE first_purchase_at END,
    last_purchase_at = CASE WHEN last_purchase_at IS NULL OR @at > last_purchase_at THEN @at ELSE last_purchase_at END,
    status = CASE
      WHEN status = 'prospect' THEN 'customer'
      WHEN status = 'former' AND (last_purchase_at IS NULL OR @at > last_purchase_at) THEN 'customer'
      ELSE status END
  WHERE id = @id`;

const APPLY_REFUND = 'UPDATE contacts SET total_cents = total_cents + ? WHERE id = ?';

/** O(1): adds one new purchase (sale or refund) to its contact's figures. For imports and the counter alike. */
export const applyPurchaseToAggregates = (store: Store, p: PurchaseFacts): void => {
  if (p.contactId === null) return;
  if (p.kind === 'sale') prepared(store.sqlite, APPLY_SALE).run({ amount: p.amountCents, at: p.purchasedAt, id: p.contactId });
  else prepared(store.sqlite, APPLY_REFUND).run(p.amountCents, p.contactId);
};

type Figures = { count: number; total: number; first: string | null; last: string | null };

/** Reads only the covering index purchases_by_contact (contact_id, purchased_at, amount_cents, kind). */
export const CONTACT_FIGURES_SQL = `SELECT count(*) FILTER (WHERE kind = 'sale') AS count, coalesce(sum(amount_cents), 0) AS total,
    min(purchased_at) FILTER (WHERE kind = 'sale') AS first, max(purchased_at) FILTER (WHERE kind = 'sale') AS last
  FROM purchases WHERE contact_id = ?`;

export const contactFigures = (store: Store, contactId: number): Figures =>
  prepared(store.sqlite, CONTACT_FIGURES_SQL).get(contactId) as Figures;

const SET_FIGURES = `UPDATE contacts SET
    purchase_count = @count, total_cents = @total, first_purchase_at = @first, last_purchase_at = @last,
    status = CASE
      WHEN @count > 0 AND status = 'prospect' THEN 'customer'
      WHEN @count = 0 AND purchase_count > 0 AND status = 'customer' THEN 'prospect'
      ELSE status END
  WHERE id = @id`;

/**
 * Recomputes one contact's figures from its purchases (after a delete, an
 * import undo, a merge that moved sales). Cost: that contact's purchases only.
 */
export const recomputeContactAggregates = (store: Store, contactId: number): void => {
  const f = contactFigures(store, contactId);
  prepared(store.sqlite, SET_FIGURES).run({ ...f, id: contactId });
};
