import type { Migration } from './types';

/**
 * Frozen once released. A product is sold by the piece, the kilogram, the
 * litre or the metre, and its price is for that unit; a sale line keeps the
 * unit it was sold in, as it keeps its label and price, so that « 0,352 kg »
 * still reads so once the catalogue has changed. Everything sold so far was
 * counted in pieces.
 */
export const migration0020: Migration = {
  version: 20,
  name: 'sale-units',
  up(db) {
    db.exec(`
      ALTER TABLE products ADD COLUMN unit TEXT NOT NULL DEFAULT 'piece' CHECK (unit IN ('piece', 'kg', 'l', 'm'));
      ALTER TABLE purchase_lines ADD COLUMN unit TEXT NOT NULL DEFAULT 'piece' CHECK (unit IN ('piece', 'kg', 'l', 'm'));
    `);
  },
};
