import type { Migration } from './types';

/**
 * Frozen once released. A line's quantity goes to the thousandth (goods sold
 * by weight or length: 0,352 kg), kept exact as whole thousandths the way
 * money is kept in cents. The column is renamed so that no query reads the
 * new unit as the old one; its CHECK follows the rename. Lines written so
 * far held whole units.
 */
export const migration0019: Migration = {
  version: 19,
  name: 'line-quantity-thousandths',
  up(db) {
    db.exec(`
      ALTER TABLE purchase_lines RENAME COLUMN quantity TO quantity_milli;
      UPDATE purchase_lines SET quantity_milli = quantity_milli * 1000;
    `);
  },
};
