import { AppError, fold, type Tag, type TagRef } from '../../contract';
import type { z } from 'zod';
import type { tagUpdateInput } from '../../contract/contacts';
import { prepared, type Store } from '../../store/db';

/**
 * Tags are created on the fly from what is typed; "VIP", "vip" and "Vïp" are
 * one tag (unique `folded`), shown with the first spelling.
 */
export const ensureTag = (store: Store, name: string): number => {
  const folded = fold(name);
  const found = prepared(store.sqlite, 'SELECT id FROM tags WHERE folded = ?').pluck().get(folded) as number | undefined;
  if (found !== undefined) return found;
  return Number(prepared(store.sqlite, 'INSERT INTO tags (name, folded) VALUES (?, ?)').run(name, folded).lastInsertRowid);
};

export const findTag = (store: Store, name: string): number | null =>
  (prepared(store.sqlite, 'SELECT id FROM tags WHERE folded = ?').pluck().get(fold(name)) as number | undefined) ?? null;

/** Replaces a contact's tags with these names (the contact_tags triggers keep the counts). */
export const setContactTags = (store: Store, contactId: number, names: readonly string[]): void => {
  const ids = names.map((n) => ensureTag(store, n));
  prepared(
    store.sqlite,
    'DELETE FROM contact_tags WHERE contact_id = ? AND tag_id NOT IN (SELECT value FROM json_each(?))',
  ).run(contactId, JSON.stringify(ids));
  const add = prepared(store.sqlite, 'INSERT OR IGNORE INTO contact_tags (contact_id, tag_id) VALUES (?, ?)');
  for (const id of ids) add.run(contactId, id);
};

export const contactTags = (store: Store, contactId: number): TagRef[] =>
  prepared(
    store.sqlite,
    `SELECT t.id, t.name, t.color FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
      WHERE ct.contact_id = ? ORDER BY t.folded`,
  ).all(contactId) as TagRef[];

const tagColumns = 'id, name, color, contact_count AS contactCount';

export const listTags = (store: Store): Tag[] =>
  prepared(store.sqlite, `SELECT ${tagColumns} FROM tags ORDER BY folded`).all() as Tag[];

export const getTag = (store: Store, id: number): Tag => {
  const tag = prepared(store.sqlite, `SELECT ${tagColumns} FROM tags WHERE id = ?`).get(id) as Tag | undefined;
  if (!tag) throw new AppError('NOT_FOUND', `tag ${id} not found`, { entity: 'tag', id });
  return tag;
};

export const updateTag = (store: Store, input: z.output<typeof tagUpdateInput>): Tag => {
  getTag(store, input.id);
  if (input.name !== undefined) {
    const folded = fold(input.name);
    const other = prepared(store.sqlite, 'SELECT id FROM tags WHERE folded = ? AND id <> ?').pluck().get(folded, input.id);
    if (other !== undefined) {
      throw new AppError('CONFLICT', `a tag named "${input.name}" already exists`, {
        issues: [{ path: 'name', code: 'tag_exists' }],
        id: other as number,
      });
    }
    prepared(store.sqlite, 'UPDATE tags SET name = ?, folded = ? WHERE id = ?').run(input.name, folded, input.id);
  }
  if (input.color !== undefined) {
    prepared(store.sqlite, 'UPDATE tags SET color = ? WHERE id = ?').run(input.color?.toLowerCase() ?? null, input.id);
  }
  return getTag(store, input.id);
};

/** Removes the tag from every contact (ON DELETE CASCADE on contact_tags). */
export const deleteTag = (store: Store, id: number): { id: number } => {
  const { changes } = prepared(store.sqlite, 'DELETE FROM tags WHERE id = ?').run(id);
  if (changes === 0) throw new AppError('NOT_FOUND', `tag ${id} not found`, { entity: 'tag', id });
  return { id };
};
