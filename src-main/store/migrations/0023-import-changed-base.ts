import type { Migration } from './types';

/**
 * Frozen once released. Whether an import changed the base: the same file
 * chosen again is recorded in the history but wrote nothing, and its row
 * offered an undo of nothing. Imports made before this version are taken as
 * having changed it, as they were shown.
 */
export const migration0023: Migration = {
  version: 23,
  name: 'import-changed-base',
  up(db) {
    db.exec('ALTER TABLE imports ADD COLUMN changed_base INTEGER NOT NULL DEFAULT 1 CHECK (changed_base = 0 OR changed_base = 1)');
  },
};
