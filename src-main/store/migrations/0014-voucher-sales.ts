import type { Migration } from './types';

/**
 * Frozen once released. A voucher is spent on a sale at the counter: the
 * sale it went to is kept beside the day it was used, so deleting that sale
 * (a mistake at the till) gives the voucher back. No foreign key: the sale's
 * deletion releases the voucher in code, where it knows to clear both.
 */
export const migration0014: Migration = {
  version: 14,
  name: 'voucher-sales',
  up(db) {
    db.exec(`
      ALTER TABLE loyalty_vouchers ADD COLUMN purchase_id INTEGER;
      CREATE INDEX loyalty_vouchers_by_purchase ON loyalty_vouchers (purchase_id) WHERE purchase_id IS NOT NULL;
    `);
  },
};
