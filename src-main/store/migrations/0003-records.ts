import type { Migration } from './types';

/**
 * Frozen once released: this copy of the folding table is part of the
 * schema (the generated column below), so it never follows later code.
 * Lower case in SQLite is ASCII only, hence the explicit accented capitals;
 * combining marks cover text typed in decomposed form (macOS).
 */
export const CITY_FOLD: readonly (readonly [string, string])[] = [
  ['-', ' '],
  ["'", ' '],
  ['\u2019', ' '],
  ...(
    [
      ['àáâãäå', 'a'],
      ['ç', 'c'],
      ['èéêë', 'e'],
      ['ìíîï', 'i'],
      ['ñ', 'n'],
      ['òóôõö', 'o'],
      ['ùúûü', 'u'],
      ['ýÿ', 'y'],
    ] as const
  ).flatMap(([chars, to]) => [...chars, ...chars.toUpperCase()].map((c) => [c, to] as const)),
  ['œ', 'oe'],
  ['Œ', 'oe'],
  ['æ', 'ae'],
  ['Æ', 'ae'],
  ['\u0300', ''],
  ['\u0301', ''],
  ['\u0302', ''],
  ['\u0308', ''],
  ['\u0327', ''],
];

const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** ASCII-only names (most of them) skip the long chain of replace() calls. */
const cityKeySql = (): string => {
  const ascii = `lower(replace(replace(city, '-', ' '), '''', ' '))`;
  let full = 'lower(city)';
  for (const [from, to] of CITY_FOLD) full = `replace(${full}, ${literal(from)}, ${literal(to)})`;
  return `CASE WHEN city GLOB '*[^ -~]*' THEN ${full} ELSE ${ascii} END`;
};

/**
 * Records (issue 3):
 * - `contacts.city_key`: the city without case, accents or hyphens, computed
 *   by SQLite itself (a virtual generated column) so every writer — forms,
 *   imports, the demo — keeps it right for free.
 * - The list's sort indexes become (status, column, id). Any sort is then a
 *   merge of at most three index walks (one per status), and a status filter
 *   — the most common one, and the one most tied to purchase columns (a
 *   prospect has no last purchase and a zero total) — costs nothing whatever
 *   the sort. contacts_by_status (status, sort_name, id) already serves the
 *   name sort; the single-column sort indexes go.
 * - Contacts per status are counted by triggers, so a status-filtered list
 *   shows its exact total without counting.
 * - `purchases_by_contact` gains `kind`: per-customer aggregates count sales
 *   apart from refunds while still reading only the index.
 * - `purchase_lines.refunds_line`: a refund line points at the sale line it
 *   gives back, so a line is never refunded twice.
 * - `tags.contact_count`, kept by triggers: tag lists show counts at once,
 *   and the contact list knows how selective a tag filter is before running it.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'records',
  up(db) {
    db.exec(`
      ALTER TABLE contacts ADD COLUMN city_key TEXT GENERATED ALWAYS AS (${cityKeySql()}) VIRTUAL;
      DROP INDEX contacts_by_name;
      DROP INDEX contacts_by_city;
      DROP INDEX contacts_by_postcode;
      DROP INDEX contacts_by_created;
      DROP INDEX contacts_by_last_purchase;
      DROP INDEX contacts_by_total;
      CREATE INDEX contacts_by_status_city ON contacts (status, city_key, id);
      CREATE INDEX contacts_by_status_postcode ON contacts (status, postcode, id);
      CREATE INDEX contacts_by_status_created ON contacts (status, created_at, id);
      CREATE INDEX contacts_by_status_last_purchase ON contacts (status, last_purchase_at, id);
      CREATE INDEX contacts_by_status_total ON contacts (status, total_cents, id);

      INSERT INTO counters (name, value)
        SELECT 'contacts.' || s.column1, (SELECT count(*) FROM contacts c WHERE c.status = s.column1)
        FROM (VALUES ('prospect'), ('customer'), ('former')) s;
      CREATE TRIGGER contacts_status_ai AFTER INSERT ON contacts BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'contacts.' || new.status;
      END;
      CREATE TRIGGER contacts_status_ad AFTER DELETE ON contacts BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'contacts.' || old.status;
      END;
      CREATE TRIGGER contacts_status_au AFTER UPDATE OF status ON contacts WHEN old.status <> new.status BEGIN
        UPDATE counters SET value = value - 1 WHERE name = 'contacts.' || old.status;
        UPDATE counters SET value = value + 1 WHERE name = 'contacts.' || new.status;
      END;

      DROP INDEX purchases_by_contact;
      CREATE INDEX purchases_by_contact ON purchases (contact_id, purchased_at, amount_cents, kind);

      ALTER TABLE purchase_lines ADD COLUMN refunds_line INTEGER REFERENCES purchase_lines (id) ON DELETE SET NULL;

      ALTER TABLE tags ADD COLUMN contact_count INTEGER NOT NULL DEFAULT 0;
      UPDATE tags SET contact_count = (SELECT count(*) FROM contact_tags ct WHERE ct.tag_id = tags.id);
      CREATE TRIGGER contact_tags_ai AFTER INSERT ON contact_tags BEGIN
        UPDATE tags SET contact_count = contact_count + 1 WHERE id = new.tag_id;
      END;
      CREATE TRIGGER contact_tags_ad AFTER DELETE ON contact_tags BEGIN
        UPDATE tags SET contact_count = contact_count - 1 WHERE id = old.tag_id;
      END;
      CREATE TRIGGER contact_tags_au AFTER UPDATE OF tag_id ON contact_tags BEGIN
        UPDATE tags SET contact_count = contact_count - 1 WHERE id = old.tag_id;
        UPDATE tags SET contact_count = contact_count + 1 WHERE id = new.tag_id;
      END;
    `);
  },
};
