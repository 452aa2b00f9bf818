import type { Migration } from './types';

/**
 * Frozen once released. A tag's members in each list order: one index of
 * contact_tags per sort, (tag_id, status, sort column, contact_id, then the
 * filter columns), in place of the one (tag_id, status, contact_id, …).
 *
 * Measured at 1M contacts (test/bench/list-filters.ts): a 2–3 % tag under a
 * sort it does not follow (VIPs by name, a client company's staff by date)
 * was found by walking the contacts' sort index and probing contact_tags for
 * every entry (~1 µs each): 12–20 ms a page, on every page. Walking the tag's
 * own entries in the list's order visits members only, each filter tested on
 * the entry (~0.15 µs), and a tag alone is a plain index range.
 *
 * The copies of the contact's columns these indexes read are kept by the
 * triggers of migration 5.
 *
 * What it costs, measured at 1M contacts with 426k tag memberships: tagging
 * 333k contacts at once took 18–21 s instead of 4.6 s, and a membership
 * ~45 µs to write instead of ~14 µs (six wide entries in random places). A
 * large contact import bringing tags and a purchase import set the indexes
 * aside and rebuild them (~2 s each at that size).
 *
 * The copy trigger now leaves alone a membership inserted with its copies
 * (status set): the bulk tag action writes them in the same statement, which
 * spares rewriting six entries per new member (333k members at 1M: 13.6–20.7 s
 * through the trigger, 12.1 s with the copies in the insert).
 */
const COPIED = ['status', 'sort_name', 'source', 'city_key', 'postcode', 'created_at', 'last_purchase_at', 'total_cents'] as const;
const FILTERS = ['source', 'city_key', 'postcode', 'created_at', 'last_purchase_at'] as const;
const SORTED: [string, string][] = [
  ['contact_tags_by_tag_name', 'sort_name'],
  ['contact_tags_by_tag_city', 'city_key'],
  ['contact_tags_by_tag_postcode', 'postcode'],
  ['contact_tags_by_tag_created', 'created_at'],
  ['contact_tags_by_tag_last_purchase', 'last_purchase_at'],
  ['contact_tags_by_tag_total', 'total_cents'],
];

export const migration0016: Migration = {
  version: 16,
  name: 'tag-sort-indexes',
  up(db) {
    db.exec(`
      DROP TRIGGER contact_tags_copy_ai;
      CREATE TRIGGER contact_tags_copy_ai AFTER INSERT ON contact_tags WHEN new.status IS NULL BEGIN
        UPDATE contact_tags SET (${COPIED.join(', ')}) = (SELECT ${COPIED.join(', ')} FROM contacts c WHERE c.id = new.contact_id)
          WHERE contact_id = new.contact_id AND tag_id = new.tag_id;
      END;
      DROP INDEX contact_tags_by_tag;
      ${SORTED.map(
        ([name, col]) =>
          `CREATE INDEX ${name} ON contact_tags (tag_id, status, ${col}, contact_id, ${FILTERS.filter((f) => f !== col).join(', ')});`,
      ).join('\n      ')}
    `);
  },
};
