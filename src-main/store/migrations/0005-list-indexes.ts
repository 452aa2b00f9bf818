import type { Migration } from './types';

/**
 * Frozen once released. The contact list's indexes, measured at 1M contacts
 * (test/bench/list-filters.ts): reading a contact row costs 1–6 µs there
 * (the table is 4× the page cache), reading an index entry ~0.13 µs. So a
 * filtered page must be answered from index entries alone:
 * - The (status, column, id) indexes that serve each sort and each filter
 *   carry the other filter columns and sort keys after id (which keeps their
 *   order): a walk down a sort index tests every filter on the entry, and
 *   the candidates a filter's own index gives come with every sort key.
 *   contacts_by_source gains status and the same columns.
 * - (status, city_key, postcode, id) and (status, postcode, city_key, id):
 *   one city (or postcode) is a run already sorted by postcode (or city), so
 *   "Paris by postcode" merges the runs of the few cities matching instead
 *   of walking every postcode before 75.
 * - contact_tags carries its contact's status and list columns, kept by
 *   triggers, and contact_tags_by_tag is (tag_id, status, contact_id, …):
 *   a tag's members per status with their sort keys, so a tag that only
 *   prospects carry costs nothing on the customers, and "VIP by total" sorts
 *   the VIP entries without reading 20,000 contact rows.
 */
/**
 * What the list filters on and sorts by (besides status and id): every list
 * index carries all of them, so any filter is tested and any sort key read on
 * the entry.
 */
const LIST_COLUMNS = ['sort_name', 'source', 'city_key', 'postcode', 'created_at', 'last_purchase_at', 'total_cents'] as const;
const TYPES: Record<(typeof LIST_COLUMNS)[number], string> = {
  sort_name: 'TEXT',
  source: 'TEXT',
  city_key: 'TEXT',
  postcode: 'TEXT',
  created_at: 'TEXT',
  last_purchase_at: 'TEXT',
  total_cents: 'INTEGER',
};
/** (status, key…, id, then the other columns): the order of the keys, the payload of the rest. */
const listIndex = (
  name: string,
  keys: readonly string[],
  lead: readonly string[] = ['status'],
  payload: readonly string[] = LIST_COLUMNS,
): string =>
  `CREATE INDEX ${name} ON contacts (${[...lead, ...keys, 'id', ...payload.filter((c) => !keys.includes(c) && !lead.includes(c))].join(', ')});`;
/** What a city or postcode run is checked on: the filters, not the other sort keys. */
const FILTERED = ['source', 'city_key', 'postcode', 'created_at', 'last_purchase_at'];
const COPIED = ['status', ...LIST_COLUMNS] as const;
const copied = COPIED.join(', ');
const fromContact = (id: string): string => `SELECT ${copied} FROM contacts c WHERE c.id = ${id}`;

export const migration0005: Migration = {
  version: 5,
  name: 'list-indexes',
  up(db) {
    db.exec(`
      DROP INDEX contacts_by_status;
      DROP INDEX contacts_by_status_city;
      DROP INDEX contacts_by_status_postcode;
      DROP INDEX contacts_by_status_created;
      DROP INDEX contacts_by_status_last_purchase;
      DROP INDEX contacts_by_status_total;
      DROP INDEX contacts_by_source;
      ${listIndex('contacts_by_status', ['sort_name'])}
      ${listIndex('contacts_by_status_city', ['city_key'])}
      ${listIndex('contacts_by_status_postcode', ['postcode'])}
      ${listIndex('contacts_by_status_created', ['created_at'])}
      ${listIndex('contacts_by_status_last_purchase', ['last_purchase_at'])}
      ${listIndex('contacts_by_status_total', ['total_cents'])}
      ${listIndex('contacts_by_source', [], ['source', 'status'])}
      ${listIndex('contacts_by_city_postcode', ['city_key', 'postcode'], ['status'], FILTERED)}
      ${listIndex('contacts_by_postcode_city', ['postcode', 'city_key'], ['status'], FILTERED)}

      ${COPIED.map((col) => `ALTER TABLE contact_tags ADD COLUMN ${col} ${col === 'status' ? 'TEXT' : TYPES[col]};`).join('\n      ')}
      UPDATE contact_tags SET (${copied}) = (${fromContact('contact_tags.contact_id')});
      DROP INDEX contact_tags_by_tag;
      CREATE INDEX contact_tags_by_tag ON contact_tags (tag_id, status, contact_id, ${LIST_COLUMNS.join(', ')});
      CREATE INDEX contact_tags_by_contact ON contact_tags (contact_id, tag_id);
      CREATE TRIGGER contact_tags_copy_ai AFTER INSERT ON contact_tags BEGIN
        UPDATE contact_tags SET (${copied}) = (${fromContact('new.contact_id')})
          WHERE contact_id = new.contact_id AND tag_id = new.tag_id;
      END;
      CREATE TRIGGER contact_tags_copy_au AFTER UPDATE OF contact_id ON contact_tags BEGIN
        UPDATE contact_tags SET (${copied}) = (${fromContact('new.contact_id')})
          WHERE contact_id = new.contact_id AND tag_id = new.tag_id;
      END;
      CREATE TRIGGER contacts_tags_copy_au AFTER UPDATE OF ${copied} ON contacts
        WHEN ${COPIED.map((col) => `old.${col} IS NOT new.${col}`).join(' OR ')} BEGIN
        UPDATE contact_tags SET (${copied}) = (${COPIED.map((col) => `new.${col}`).join(', ')}) WHERE contact_id = new.id;
      END;
    `);
  },
};
