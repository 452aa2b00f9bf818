import { sql } from 'kysely';
import {
  AppError,
  contactInput,
  fold,
  searchTerms,
  SORTED_SEARCH_MAX,
  type Contact,
  type ContactData,
  type ContactListInput,
  type ContactPage,
  type ContactRow,
  type ContactSort,
} from '../../contract';
import type { z } from 'zod';
import type { contactListInput, contactUpdateInput } from '../../contract/contacts';
import { all, first, prepared, run, type Store } from '../../store/db';

const contactColumns = [
  'id',
  'civility',
  'firstName',
  'lastName',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'postcode',
  'city',
  'country',
  'status',
  'source',
  'createdAt',
  'updatedAt',
  'purchaseCount',
  'totalCents',
  'lastPurchaseAt',
] as const;

const rowColumns = [
  'id',
  'civility',
  'firstName',
  'lastName',
  'email',
  'phone',
  'postcode',
  'city',
  'status',
  'createdAt',
  'purchaseCount',
  'totalCents',
  'lastPurchaseAt',
] as const;

export const sortName = (c: Pick<ContactData, 'firstName' | 'lastName'>): string =>
  fold(`${c.lastName ?? ''} ${c.firstName ?? ''}`);

export const getContact = (store: Store, id: number): Contact => {
  const row = first(store, store.q.selectFrom('contacts').select(contactColumns).where('id', '=', id));
  if (!row) throw new AppError('NOT_FOUND', `contact ${id} not found`, { entity: 'contact', id });
  return row as Contact;
};

export const insertContact = (store: Store, data: ContactData, now = new Date().toISOString()): number =>
  run(
    store,
    store.q.insertInto('contacts').values({ ...data, sortName: sortName(data), createdAt: now, updatedAt: now }),
  ).lastInsertRowid;

export const createContact = (store: Store, data: ContactData): Contact => getContact(store, insertContact(store, data));

export const updateContact = (store: Store, input: z.output<typeof contactUpdateInput>): Contact => {
  const current = getContact(store, input.id);
  const merged = contactInput.safeParse({ ...pickData(current), ...input.patch });
  if (!merged.success) {
    throw new AppError('VALIDATION', 'invalid contact', {
      issues: merged.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message })),
    });
  }
  run(
    store,
    store.q
      .updateTable('contacts')
      .set({ ...merged.data, sortName: sortName(merged.data), updatedAt: new Date().toISOString() })
      .where('id', '=', input.id),
  );
  return getContact(store, input.id);
};

const pickData = (c: Contact): ContactData => ({
  civility: c.civility,
  firstName: c.firstName,
  lastName: c.lastName,
  email: c.email,
  phone: c.phone,
  addressLine1: c.addressLine1,
  addressLine2: c.addressLine2,
  postcode: c.postcode,
  city: c.city,
  country: c.country,
  status: c.status,
  source: c.source,
});

/** Purchases stay for the accounts: the foreign key sets them anonymous (ON DELETE SET NULL). */
export const deleteContact = (store: Store, id: number): { id: number } => {
  const { changes } = run(store, store.q.deleteFrom('contacts').where('id', '=', id));
  if (changes === 0) throw new AppError('NOT_FOUND', `contact ${id} not found`, { entity: 'contact', id });
  return { id };
};

export const contactCount = (store: Store): number =>
  Number(prepared(store.sqlite, "SELECT value FROM counters WHERE name = 'contacts'").pluck().get() ?? 0);

/* ---------- list: keyset paging on an index per sort column ---------- */

type SortKey = string | number | null;
type Cursor = { v: SortKey; id: number };

const sortColumns = {
  name: 'sort_name',
  city: 'city',
  postcode: 'postcode',
  createdAt: 'created_at',
  lastPurchaseAt: 'last_purchase_at',
  totalCents: 'total_cents',
} as const satisfies Record<ContactSort, string>;

export const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify([c.v, c.id])).toString('base64url');

export const decodeCursor = (raw: string): Cursor => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      (parsed[0] === null || typeof parsed[0] === 'string' || typeof parsed[0] === 'number') &&
      Number.isInteger(parsed[1])
    ) {
      return { v: parsed[0] as SortKey, id: parsed[1] as number };
    }
  } catch {
    // fall through to the validation error
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

const selectRows = (store: Store) => store.q.selectFrom('contacts').select(rowColumns);

export const listContacts = (store: Store, input: z.output<typeof contactListInput>): ContactPage => {
  const terms = searchTerms(input.q);
  if (terms.length > 0) return searchContacts(store, terms, input);
  const col = sortColumns[input.sort];
  const cursor = input.cursor === null ? null : decodeCursor(input.cursor);
  const want = input.limit + 1;
  const rows: (ContactRow & { k: SortKey })[] = [];
  const key = sql<SortKey>`${sql.ref(col)}`.as('k');
  const nulls = (afterId: number | null, n: number) =>
    all(
      store,
      selectRows(store)
        .select(key)
        .where(sql.ref(col), 'is', null)
        .$if(afterId !== null, (qb) => qb.where('id', input.dir === 'asc' ? '>' : '<', afterId ?? 0))
        .orderBy('id', input.dir)
        .limit(n),
    );
  const values = (after: Cursor | null, n: number) =>
    all(
      store,
      selectRows(store)
        .select(key)
        .where(sql.ref(col), 'is not', null)
        .$if(after !== null, (qb) =>
          qb.where(
            sql<boolean>`(${sql.ref(col)}, id) ${sql.raw(input.dir === 'asc' ? '>' : '<')} (${after?.v ?? null}, ${after?.id ?? 0})`,
          ),
        )
        .orderBy(sql.ref(col), input.dir)
        .orderBy('id', input.dir)
        .limit(n),
    );
  // SQLite sorts NULL first ascending, last descending: walk the two parts in that order
  if (input.dir === 'asc') {
    if (cursor === null || cursor.v === null) rows.push(...nulls(cursor?.id ?? null, want));
    if (rows.length < want) rows.push(...values(cursor !== null && cursor.v !== null ? cursor : null, want - rows.length));
  } else {
    if (cursor === null || cursor.v !== null) rows.push(...values(cursor, want));
    if (rows.length < want) rows.push(...nulls(cursor !== null && cursor.v === null ? cursor.id : null, want - rows.length));
  }
  return finishPage(rows, input.limit, contactCount(store), false);
};

const finishPage = (
  rows: (ContactRow & { k: SortKey })[],
  limit: number,
  total: number | null,
  capped: boolean,
): ContactPage => {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    rows: page.map(({ k: _k, ...row }) => row),
    nextCursor: more && last ? encodeCursor({ v: last.k, id: last.id }) : null,
    total,
    capped,
  };
};

const ftsQuery = (terms: string[]): string => terms.map((t) => `"${t.replace(/"/g, '')}"*`).join(' AND ');

const compareKeys = (a: SortKey, b: SortKey): number => {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
};

const rowsById = (store: Store, ids: number[]): Map<number, ContactRow> =>
  new Map(all(store, selectRows(store).where('id', 'in', ids.length > 0 ? ids : [0])).map((r) => [r.id, r]));

/**
 * Full-text prefix match, accent-insensitive and unranked (ranking a whole
 * match set costs ~90 ms at 1M rows: STACK.md). One probe tells whether the
 * matches are few enough to sort; otherwise pages walk the index by rowid.
 */
const searchContacts = (
  store: Store,
  terms: string[],
  input: z.output<typeof contactListInput>,
): ContactPage => {
  const match = ftsQuery(terms);
  const probe = prepared(
    store.sqlite,
    `SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid DESC LIMIT ${SORTED_SEARCH_MAX + 1}`,
  )
    .pluck()
    .all(match) as number[];

  if (probe.length > SORTED_SEARCH_MAX) {
    const after = input.cursor === null ? null : decodeCursor(input.cursor).id;
    const ids = (
      after === null
        ? probe.slice(0, input.limit + 1)
        : (prepared(
            store.sqlite,
            'SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? AND rowid < ? ORDER BY rowid DESC LIMIT ?',
          )
            .pluck()
            .all(match, after, input.limit + 1) as number[])
    );
    const byId = rowsById(store, ids);
    const rows = ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [{ ...r, k: null }] : [];
    });
    return finishPage(rows, input.limit, null, true);
  }

  const col = sortColumns[input.sort];
  const keys = prepared(store.sqlite, `SELECT id, ${col} AS k FROM contacts WHERE id IN (SELECT value FROM json_each(?))`).all(
    JSON.stringify(probe),
  ) as { id: number; k: SortKey }[];
  const sign = input.dir === 'asc' ? 1 : -1;
  keys.sort((a, b) => sign * (compareKeys(a.k, b.k) || a.id - b.id));
  let start = 0;
  if (input.cursor !== null) {
    const c = decodeCursor(input.cursor);
    start = keys.findIndex((k) => sign * (compareKeys(k.k, c.v) || k.id - c.id) > 0);
    if (start < 0) start = keys.length;
  }
  const slice = keys.slice(start, start + input.limit + 1);
  const byId = rowsById(store, slice.map((k) => k.id));
  const rows = slice.flatMap((k) => {
    const r = byId.get(k.id);
    return r ? [{ ...r, k: k.k }] : [];
  });
  return finishPage(rows, input.limit, keys.length, false);
};

export type { ContactListInput };
