import { AppError, type LoyaltyProgramme } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { memberBalance, post, updateTier } from './ledger';
import { getProgramme, tierOf } from './programme';

/**
 * Points follow sales, in the transaction that records the sale, the refund
 * or the deletion. Only sales recorded through the counter call earn (an
 * import of past sales does not hand out points retroactively).
 */

/** A second identical sale for the same member this close is a double scan, not a second purchase. */
export const DUPLICATE_SCAN_MS = 1000;

type Sale = { id: number; contactId: number | null; kind: string; amountCents: number; createdAt: string };

const saleRow = (store: Store, id: number): Sale | undefined =>
  prepared(
    store.sqlite,
    'SELECT id, contact_id AS contactId, kind, amount_cents AS amountCents, created_at AS createdAt FROM purchases WHERE id = ?',
  ).get(id) as Sale | undefined;

/** Euros × points per euro × the tier's multiplier, rounded as the programme says (never a float artefact: 0.29999…). */
export const pointsFor = (amountCents: number, programme: LoyaltyProgramme, multiplier: number): number => {
  const exact = (amountCents * programme.pointsPerEuro * multiplier) / 100;
  const points = programme.rounding === 'down' ? Math.floor(exact + 1e-9) : Math.round(exact);
  return Math.max(0, points);
};

/** After a sale is written: earn, pay a pending referral, recount the tier. */
export const earnOnSale = (store: Store, purchaseId: number, now = new Date()): void => {
  const sale = saleRow(store, purchaseId);
  if (!sale || sale.kind !== 'sale' || sale.contactId === null) return;
  const contactId = sale.contactId;
  const member = prepared(
    store.sqlite,
    `SELECT m.tier, m.referrer_id AS referrerId, m.referral_pending AS pending, k.status FROM loyalty_members m
      JOIN loyalty_cards k ON k.id = m.card_id WHERE m.contact_id = ?`,
  ).get(contactId) as { tier: string; referrerId: number | null; pending: number; status: string } | undefined;
  if (!member || member.status !== 'active') return;
  const programme = getProgramme(store);
  if (!programme.enabled) return;
  const since = new Date(Date.parse(sale.createdAt) - DUPLICATE_SCAN_MS).toISOString();
  const twin = prepared(
    store.sqlite,
    `SELECT id FROM purchases WHERE contact_id = ? AND kind = 'sale' AND id <> ? AND amount_cents = ? AND created_at >= ?
      AND created_at <= ? LIMIT 1`,
  )
    .pluck()
    .get(contactId, sale.id, sale.amountCents, since, sale.createdAt) as number | undefined;
  if (twin !== undefined) {
    throw new AppError('CONFLICT', `the same sale was recorded for this member less than a second ago (purchase ${twin})`, {
      reason: 'duplicate_scan',
      purchaseId: twin,
    });
  }
  const at = now.toISOString();
  if (prepared(store.sqlite, 'SELECT 1 FROM loyalty_sale_links WHERE purchase_id = ?').get(sale.id) !== undefined) {
    throw new AppError('CONFLICT', `purchase ${sale.id} has already earned its points`, { reason: 'already_earned', purchaseId: sale.id });
  }
  const points = pointsFor(sale.amountCents, programme, tierOf(programme, member.tier).multiplier);
  if (points > 0) {
    const earnId = post(store, { contactId, kind: 'earn', points, at, purchaseId: sale.id }, programme);
    prepared(store.sqlite, 'INSERT INTO loyalty_sale_links (purchase_id, earn_id) VALUES (?, ?)').run(sale.id, earnId);
  }
  if (member.pending === 1) {
    prepared(store.sqlite, 'UPDATE loyalty_members SET referral_pending = 0 WHERE contact_id = ?').run(contactId);
    if (programme.referredPoints > 0) {
      post(store, { contactId, kind: 'referral', points: programme.referredPoints, at, purchaseId: sale.id, reason: 'referred' }, programme);
    }
    const referrer = member.referrerId;
    if (referrer !== null && referrer !== contactId && programme.referrerPoints > 0 && memberBalance(store, referrer) !== undefined) {
      post(
        store,
        { contactId: referrer, kind: 'referral', points: programme.referrerPoints, at, purchaseId: sale.id, reason: `referrer:${contactId}` },
        programme,
      );
      updateTier(store, referrer, programme, now);
    }
  }
  updateTier(store, contactId, programme, now);
};

/**
 * Brings a sale's points in line with what is left of it: earned × (1 −
 * refunded / amount), rounded down, or nothing when the sale is being
 * deleted (called before the row goes). A reversal never takes the balance
 * below zero: if the points were spent, it takes what is left and records
 * the rest as `uncovered` (the member keeps the reward; only an explicit
 * adjustment can claim it back).
 *
 * Returns the member holding the sale's points (null when it earned none).
 * The tier is the caller's to recount: a refund moves the spend over the
 * window even when it moves no points (a refund too small to cost a point,
 * a sale that earned nothing), so the recount cannot hang on the points.
 */
export const syncSalePoints = (store: Store, saleId: number, now = new Date(), deleting = false): number | null => {
  const earned = prepared(
    store.sqlite,
    `SELECT e.id, e.contact_id AS contactId, e.points FROM loyalty_sale_links l JOIN loyalty_entries e ON e.id = l.earn_id
      WHERE l.purchase_id = ?`,
  ).get(saleId) as { id: number; contactId: number; points: number } | undefined;
  if (!earned) return null;
  // the entries may have moved with a merge: the member is whoever holds the earning now
  const owner = earned.contactId;
  if (memberBalance(store, owner) === undefined) return null;
  const sale = saleRow(store, saleId);
  let target = 0;
  if (!deleting && sale && sale.amountCents > 0) {
    const refunded = -Number(
      prepared(store.sqlite, 'SELECT coalesce(sum(amount_cents), 0) FROM purchases WHERE refund_of = ?').pluck().get(saleId),
    );
    target = earned.points - Math.floor((earned.points * Math.min(refunded, sale.amountCents)) / sale.amountCents);
  }
  const reversed = Number(
    prepared(
      store.sqlite,
      "SELECT coalesce(sum(points - uncovered), 0) FROM loyalty_entries WHERE reverses_id = ? AND kind = 'reverse'",
    )
      .pluck()
      .get(earned.id),
  );
  const delta = target - (earned.points + reversed);
  if (delta === 0) return owner;
  const programme = getProgramme(store);
  const at = now.toISOString();
  if (delta > 0) {
    post(store, { contactId: owner, kind: 'reverse', points: delta, at, purchaseId: saleId, reversesId: earned.id }, programme);
  } else {
    const available = Math.max(0, memberBalance(store, owner) ?? 0);
    const take = Math.min(-delta, available);
    post(
      store,
      { contactId: owner, kind: 'reverse', points: -take, at, purchaseId: saleId, reversesId: earned.id, uncovered: -delta - take },
      programme,
    );
  }
  return owner;
};

/** After a purchase row is gone: the member's spend over the window changed. */
export const recountTier = (store: Store, contactId: number, now = new Date()): void => {
  if (memberBalance(store, contactId) === undefined) return;
  updateTier(store, contactId, getProgramme(store), now);
};
