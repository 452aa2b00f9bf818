import type { Sqlite } from '../../store/open';

/**
 * After a merge has moved every loyalty row to the kept contact (the generic
 * mover, under the ledger's 'merge' gate): one membership, one active card
 * (the kept member's own; the other's closed, pointing at it), the balance
 * recomputed from the joined ledger (the lots moved with it, so the
 * oldest-first order holds). Referrals are left as they were so an undo is
 * exact: a member the merge made their own referrer is shown and paid as
 * having none.
 */
export const reconcileMergedMember = (db: Sqlite, keptId: number): void => {
  const member = db.prepare('SELECT card_id AS cardId FROM loyalty_members WHERE contact_id = ?').get(keptId) as
    | { cardId: number }
    | undefined;
  if (!member) return;
  db.prepare(
    "UPDATE loyalty_cards SET status = 'closed', replaced_by = ? WHERE contact_id = ? AND status = 'active' AND id <> ?",
  ).run(member.cardId, keptId, member.cardId);
  recomputeBalance(db, keptId);
  // one side's negative balance (an adjustment) eats into the other side's lots: keep open lots = max(0, balance)
  const { lots, balance } = db
    .prepare(
      `SELECT (SELECT coalesce(sum(remaining), 0) FROM loyalty_lots WHERE contact_id = ?) AS lots,
        (SELECT balance FROM loyalty_members WHERE contact_id = ?) AS balance`,
    )
    .get(keptId, keptId) as { lots: number; balance: number };
  let excess = lots - Math.max(0, balance);
  if (excess > 0) {
    const open = db
      .prepare('SELECT entry_id AS id, remaining FROM loyalty_lots WHERE contact_id = ? AND remaining > 0 ORDER BY entry_id')
      .all(keptId) as { id: number; remaining: number }[];
    const set = db.prepare('UPDATE loyalty_lots SET remaining = ? WHERE entry_id = ?');
    for (const lot of open) {
      if (excess <= 0) break;
      const take = Math.min(excess, lot.remaining);
      set.run(lot.remaining - take, lot.id);
      excess -= take;
    }
  }
};

/** The cached balance from the ledger itself. */
export const recomputeBalance = (db: Sqlite, contactId: number): void => {
  db.prepare(
    'UPDATE loyalty_members SET balance = (SELECT coalesce(sum(points), 0) FROM loyalty_entries WHERE contact_id = ?) WHERE contact_id = ?',
  ).run(contactId, contactId);
};

/**
 * After a merge is undone: each side's balance from its own entries again,
 * and a card the merge closed in favour of the other member's active again.
 */
export const reconcileUnmerged = (db: Sqlite, ids: number[]): void => {
  for (const id of ids) {
    recomputeBalance(db, id);
    db.prepare(
      `UPDATE loyalty_cards SET status = 'active', replaced_by = NULL
        WHERE id = (SELECT card_id FROM loyalty_members WHERE contact_id = ?) AND status = 'closed'
          AND replaced_by IN (SELECT id FROM loyalty_cards WHERE contact_id <> ?)`,
    ).run(id, id);
  }
};
