import type { Migration } from './types';

/**
 * Frozen once released. Saved segments (issue 6): a name and a definition,
 * the JSON of `segmentDefinition` with its own `version`, so a later shape
 * can be told apart and upgraded when read rather than by rewriting rows
 * here. Names are unique without case: "VIP" and "vip" would be two
 * segments nobody can tell apart in a menu.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'segments',
  up(db) {
    db.exec(`
      CREATE TABLE segments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        definition TEXT NOT NULL CHECK (json_valid(definition) AND json_type(definition, '$.version') IS 'integer'),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
    `);
  },
};
