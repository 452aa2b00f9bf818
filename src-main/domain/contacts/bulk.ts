import type { z } from 'zod';
import { AppError, type BulkResult } from '../../contract';
import type { contactBulkInput } from '../../contract/contacts';
import { prepared, type Store } from '../../store/db';
import { deleteContactsAndCopies } from '../privacy/erasure';
import { matchingIds } from './list';
import { ensureTag, findTag } from './tags';

type BulkInput = z.output<typeof contactBulkInput>;

/** The contact columns contact_tags keeps a copy of (migration 5), for the list's tag indexes. */
const TAG_COPIES = 'status, sort_name, source, city_key, postcode, created_at, last_purchase_at, total_cents';

const tagId = (store: Store, tag: number | string, create: boolean): number | null => {
  if (typeof tag === 'number') {
    if (prepared(store.sqlite, 'SELECT 1 FROM tags WHERE id = ?').pluck().get(tag) === undefined) {
      throw new AppError('NOT_FOUND', `tag ${tag} not found`, { entity: 'tag', id: tag });
    }
    return tag;
  }
  return create ? ensureTag(store, tag) : findTag(store, tag);
};

/**
 * Tags, untags or deletes a selection or everything a filter matches. The
 * handler runs it in one transaction: all or nothing. `affected` counts
 * contacts actually changed (already tagged ones are not counted again).
 * Deleting keeps the sales, anonymous, and removes the personal rows with
 * their copies (contacts.delete's way).
 */
/** The contacts a filter matches, counted the way a bulk action would gather them. */
export const countMatching = (store: Store, filter: BulkInput['filter'] & object): number => matchingIds(store, filter).length;

export const bulkContacts = (store: Store, input: BulkInput): BulkResult => {
  const ids = input.ids ?? (input.filter ? matchingIds(store, input.filter) : []);
  const list = JSON.stringify(ids);
  if (input.action === 'delete') {
    // what the filter matches moved since the user confirmed a number: they must see the new one first
    if (input.expected !== undefined && ids.length !== input.expected) {
      throw new AppError('CONFLICT', `the selection now holds ${ids.length} contacts, not ${input.expected}`, { reason: 'count_changed', count: ids.length });
    }
    return { affected: deleteContactsAndCopies(store, ids) };
  }
  const tag = tagId(store, input.tag ?? '', input.action === 'tag');
  if (tag === null) return { affected: 0 };
  if (input.action === 'tag') {
    // with the contact's list columns, copied here rather than by the insert trigger (migration 16)
    const { changes } = prepared(
      store.sqlite,
      `INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, ${TAG_COPIES})
        SELECT c.id, ?, ${TAG_COPIES.split(', ').map((col) => `c.${col}`).join(', ')} FROM contacts c WHERE c.id IN (SELECT value FROM json_each(?))`,
    ).run(tag, list);
    return { affected: changes };
  }
  const { changes } = prepared(
    store.sqlite,
    'DELETE FROM contact_tags WHERE tag_id = ? AND contact_id IN (SELECT value FROM json_each(?))',
  ).run(tag, list);
  return { affected: changes };
};
