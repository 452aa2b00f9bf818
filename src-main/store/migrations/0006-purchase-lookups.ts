import type { Migration } from './types';

/**
 * Frozen once released. Two lookups that were scans:
 * - `purchase_lines.refunds_line` references `purchase_lines (id)`, so
 *   deleting a line makes SQLite look for the lines refunding it; without an
 *   index that reads every line, per line deleted (measured: undoing an import
 *   of 2,000 purchases in a base of 200,000 lines took 65 s; 30 ms with it).
 * - A sale by its ticket or order number (`reference`) on a day: how a
 *   purchase import knows a ticket is already in the base, anonymous sales
 *   included (by customer, a busy shop's anonymous day was read per ticket),
 *   and how a ticket is found at the counter.
 * Both partial: few lines are refunds, sales typed at the counter have no reference.
 */
export const migration0006: Migration = {
  version: 6,
  name: 'purchase-lookups',
  up(db) {
    db.exec(`
      CREATE INDEX purchase_lines_by_refunded ON purchase_lines (refunds_line) WHERE refunds_line IS NOT NULL;
      CREATE INDEX purchases_by_reference ON purchases (reference, purchased_at) WHERE reference IS NOT NULL;
    `);
  },
};
