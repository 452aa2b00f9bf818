import type BetterSqlite3 from 'better-sqlite3';

/**
 * A migration works on the raw connection, not on the typed schema, so it stays
 * valid however the schema types evolve later (frozen in time).
 */
export type Migration = {
  version: number;
  name: string;
  up(db: BetterSqlite3.Database): void;
};
