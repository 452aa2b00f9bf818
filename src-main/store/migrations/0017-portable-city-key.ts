import { CITY_FOLD } from './0003-records';
import type { Migration } from './types';

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** replace() calls nested in one expression: SQLite 3.40's parser took 31 in a plain SELECT. */
const CHAIN_MAX = 12;

/**
 * The folding of migration 3 over `city`, in steps of at most CHAIN_MAX
 * nested replace() calls, each step a subquery reading the one before:
 * `(SELECT r(r(x)) FROM (SELECT r(r(x)) AS x FROM (SELECT lower(city) AS x)))`.
 */
const foldSql = (city: string): string => {
  let inner = `SELECT lower(${city}) AS x`;
  for (let i = 0; i < CITY_FOLD.length; i += CHAIN_MAX) {
    let chain = 'x';
    for (const [from, to] of CITY_FOLD.slice(i, i + CHAIN_MAX)) chain = `replace(${chain}, ${literal(from)}, ${literal(to)})`;
    inner = `SELECT ${chain} AS x FROM (${inner})`;
  }
  return `(${inner})`;
};

const cityKeySql = (city: string): string =>
  `CASE WHEN ${city} GLOB '*[^ -~]*' THEN ${foldSql(city)} ELSE lower(replace(replace(${city}, '-', ' '), '''', ' ')) END`;

/**
 * Frozen once released. The two triggers of migration 4 that fill
 * `contacts.city_key` for writers that leave it out, the same folding
 * written so that any SQLite reads the schema. As one expression of 66
 * nested replace() calls, SQLite before 3.46 (whose parser stack has a fixed
 * depth; Debian 12's sqlite3 is 3.40) stopped at the schema with
 * "malformed database schema (contacts_city_key_ai) - parser stack
 * overflow": the customer base could not be opened by the usual tools
 * (sqlite3, DB Browser, a script) at all.
 */
export const migration0017: Migration = {
  version: 17,
  name: 'portable-city-key',
  up(db) {
    /*
     * SQLite fires a table's triggers newest first, and the copy trigger of migration 5 relies on
     * running before the city-key one (its own copy is then refreshed by the city-key UPDATE): every
     * trigger of contacts is created again in its original order, the two city-key ones rewritten.
     */
    const triggers = db
      .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'contacts' ORDER BY rowid")
      .all() as { name: string; sql: string }[];
    const rewritten: Record<string, string> = {
      contacts_city_key_ai: `CREATE TRIGGER contacts_city_key_ai AFTER INSERT ON contacts WHEN new.city IS NOT NULL AND new.city_key IS NULL BEGIN
        UPDATE contacts SET city_key = ${cityKeySql('new.city')} WHERE id = new.id;
      END`,
      contacts_city_key_au: `CREATE TRIGGER contacts_city_key_au AFTER UPDATE OF city ON contacts
        WHEN new.city IS NOT old.city AND new.city_key IS old.city_key BEGIN
        UPDATE contacts SET city_key = ${cityKeySql('new.city')} WHERE id = new.id;
      END`,
    };
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name.replace(/"/g, '""')}"`);
    for (const t of triggers) db.exec(rewritten[t.name] ?? t.sql);
  },
};
