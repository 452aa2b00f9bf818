import { fold } from '../../contract';
import { prepared, type Store } from '../../store/db';

/**
 * The demo shop's tags, shaped like a real shop's so the tag column, the tag
 * filter and tag segments have something to show: a VIP tag that follows
 * spending, the newsletter readers (the same people who opted in to it in
 * the consent mix), the trade customers, a trade-show list and former
 * customers to win back. Who gets which follows the contact's own row and a
 * hash of its id, so the demo stays reproducible.
 */
const H = '((c.id * 2654435761) % 1000)';

type DemoTag = { name: string; color: string; where: string };

const DEMO_TAGS: readonly DemoTag[] = [
  // about the top 3 % of spenders
  { name: 'VIP', color: '#e8590c', where: 'c.total_cents >= 200000' },
  // the consent mix's newsletter opt-ins (consent/demo.ts: the same hash slice)
  { name: 'Newsletter', color: '#1c7ed6', where: `${H} < 300 AND c.email IS NOT NULL` },
  { name: 'Pro', color: '#6741d9', where: 'c.company_id IS NOT NULL' },
  { name: 'Salon', color: '#0ca678', where: `c.source = 'salesperson' AND ${H} BETWEEN 700 AND 899` },
  { name: 'À relancer', color: '#c2255c', where: `c.status = 'former' AND ${H} % 5 < 2` },
];

/**
 * The demo's tags and their ids, in DEMO_TAGS' order. An empty base may still
 * hold tags (its contacts deleted): one of the same name is used as it is;
 * `created` gets the ids of the others, made here, for an undo of the load.
 */
export const createDemoTags = (store: Store, created: (id: number) => void): number[] => {
  const existing = prepared(store.sqlite, 'SELECT id FROM tags WHERE folded = ?').pluck();
  const insert = prepared(store.sqlite, 'INSERT INTO tags (name, folded, color) VALUES (?, ?, ?)');
  return DEMO_TAGS.map((t) => {
    const id = existing.get(fold(t.name));
    if (typeof id === 'number') return id;
    const made = Number(insert.run(t.name, fold(t.name), t.color).lastInsertRowid);
    created(made);
    return made;
  });
};

/**
 * Tags the contacts of ids [fromId, toId], written with their final figures:
 * the list columns contact_tags carries are copied in the same statement, so
 * its copy trigger has nothing to do (it fills only a row without them).
 */
export const addDemoTags = (store: Store, tagIds: readonly number[], fromId: number, toId: number): number => {
  let added = 0;
  for (const [i, t] of DEMO_TAGS.entries()) {
    const tagId = tagIds[i];
    if (tagId === undefined) continue;
    added += prepared(
      store.sqlite,
      `INSERT INTO contact_tags (contact_id, tag_id, status, sort_name, source, city_key, postcode, created_at, last_purchase_at, total_cents)
        SELECT c.id, ?, c.status, c.sort_name, c.source, c.city_key, c.postcode, c.created_at, c.last_purchase_at, c.total_cents
        FROM contacts c WHERE c.id BETWEEN ? AND ? AND ${t.where}`,
    ).run(tagId, fromId, toId).changes;
  }
  return added;
};
