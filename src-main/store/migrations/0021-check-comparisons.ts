import type { Migration } from './types';

const CONSTANTS = "(?:'[a-z_]+'|\\d+)(?:, (?:'[a-z_]+'|\\d+))*";
/** A whole constraint, `CHECK (column IN ('a', 'b', …))`. */
const WHOLE_CHECK = new RegExp(`CHECK \\((\\w+) IN \\((${CONSTANTS})\\)\\)`, 'g');
/** A list inside a larger constraint: `column [NOT] IN ('a', 'b', …) OR …`. */
const INNER_LIST = new RegExp(`(\\w+) (NOT )?IN \\((${CONSTANTS})\\)`, 'g');

const comparisons = (column: string, list: string, not: boolean): string | null => {
  const values = list.split(', ');
  if (values.length < 3) return null;
  return values.map((v) => `${column} ${not ? '<>' : '='} ${v}`).join(not ? ' AND ' : ' OR ');
};

/**
 * A list of three or more constants becomes comparisons, joined by OR (IN)
 * or AND (NOT IN): the same verdict for every value, NULL included (unknown
 * both ways, which a CHECK lets pass). Inside a larger constraint they are
 * put in parentheses, where the list was one term.
 */
export const comparisonChecks = (sql: string): string =>
  sql
    .replace(WHOLE_CHECK, (whole, column: string, list: string) => {
      const tests = comparisons(column, list, false);
      return tests === null ? whole : `CHECK (${tests})`;
    })
    .replace(INNER_LIST, (whole, column: string, not: string | undefined, list: string) => {
      const tests = comparisons(column, list, not !== undefined);
      return tests === null ? whole : `(${tests})`;
    });

/**
 * Frozen once released. SQLite checks `x IN ('a', 'b', 'c')` by building a
 * little table of the list, and in a CHECK constraint it builds it again for
 * every row written: about 1 µs a row and a check (3 µs through a prepared
 * INSERT), where the same test as comparisons costs next to nothing (a list
 * of two is already turned into comparisons). A contact has two such checks,
 * a sale line one, a consent event four: 1M contacts through the import's
 * INSERT took 12.5 s with them and 9.1 s without.
 *
 * Only the constraints' text changes, for an equivalent one: what is stored
 * does not, so the table is not rebuilt (SQLite's documented way for such a
 * change: the schema row rewritten, its version raised; better-sqlite3's
 * defensive mode is lifted only while the schema rows and version are written).
 */
export const migration0021: Migration = {
  version: 21,
  name: 'check-comparisons',
  up(db) {
    const tables = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql LIKE '%CHECK%'").all() as { name: string; sql: string }[];
    const changed = tables.flatMap(({ name, sql }) => {
      const rewritten = comparisonChecks(sql);
      return rewritten === sql ? [] : [{ name, sql: rewritten }];
    });
    if (changed.length === 0) return;
    const version = Number(db.pragma('schema_version', { simple: true }));
    db.unsafeMode(true);
    try {
      db.pragma('writable_schema = ON');
      const rewrite = db.prepare("UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?");
      for (const t of changed) rewrite.run(t.sql, t.name);
      // other connections, and this one's statements, read the schema again
      db.pragma(`schema_version = ${version + 1}`);
      db.pragma('writable_schema = OFF');
    } finally {
      db.unsafeMode(false);
    }
  },
};
