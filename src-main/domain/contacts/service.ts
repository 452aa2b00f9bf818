import {
  AppError,
  CONTACT_LIST_MAX,
  CONTACT_SCALARS,
  contactInput,
  type Contact,
  type ContactData,
  type ContactInput,
  type ContactPatch,
  type ExtraEmail,
  type ExtraPhone,
  type FieldIssue,
} from '../../contract';
import type { z } from 'zod';
import type { contactUpdateInput } from '../../contract/contacts';
import { insertSql, prepared, type Statement, type Store } from '../../store/db';
import type { Sqlite } from '../../store/open';
import { objectIfSuppressed } from '../consent/suppression';
import { deleteContactsAndCopies } from '../privacy/erasure';
import { cityKey, matchName, sortName } from './keys';
import { contactTags, setContactTags } from './tags';

export { sortName, matchName, cityKey } from './keys';
export { listContacts, encodeCursor, decodeCursor, contactCount } from './list';

/** Every stored column of a contact, camelCased for the Contact type. */
const CONTACT_SELECT = `SELECT c.id, c.civility, c.first_name AS firstName, c.last_name AS lastName, c.email, c.phone,
  c.address_line1 AS addressLine1, c.address_line2 AS addressLine2, c.postcode, c.city, c.country, c.status, c.source,
  c.code, c.company_id AS companyId, co.name AS companyName, c.job_title AS jobTitle, c.birth_date AS birthDate,
  c.language, c.source_detail AS sourceDetail, c.source_date AS sourceDate, c.data_origin AS dataOrigin,
  c.created_at AS createdAt, c.updated_at AS updatedAt, c.purchase_count AS purchaseCount, c.total_cents AS totalCents,
  c.first_purchase_at AS firstPurchaseAt, c.last_purchase_at AS lastPurchaseAt, c.last_inbound_at AS lastInboundAt
  FROM contacts c LEFT JOIN companies co ON co.id = c.company_id WHERE c.id = ?`;

export type StoredContact = Omit<Contact, 'emails' | 'phones' | 'tags'>;

export const notFound = (id: number): AppError =>
  new AppError('NOT_FOUND', `contact ${id} not found: it may have been deleted`, { entity: 'contact', id });

export const contactExists = (store: Store, id: number): boolean =>
  prepared(store.sqlite, 'SELECT 1 FROM contacts WHERE id = ?').pluck().get(id) !== undefined;

export const assertContact = (store: Store, id: number): void => {
  if (!contactExists(store, id)) throw notFound(id);
};

/** A contact's own row, without its lists (extra e-mails, phones, tags). */
export const getContactRow = (store: Store, id: number): StoredContact => {
  const row = prepared(store.sqlite, CONTACT_SELECT).get(id) as StoredContact | undefined;
  if (!row) throw notFound(id);
  return row;
};

/** A contact's row with its lists read. */
const extraEmails = (store: Store, id: number): ExtraEmail[] =>
  prepared(store.sqlite, 'SELECT email, label FROM contact_emails WHERE contact_id = ? ORDER BY id').all(id) as ExtraEmail[];

const extraPhones = (store: Store, id: number): ExtraPhone[] =>
  prepared(store.sqlite, 'SELECT phone, label FROM contact_phones WHERE contact_id = ? ORDER BY id').all(id) as ExtraPhone[];

export const withLists = (store: Store, row: StoredContact): Contact => ({
  ...row,
  emails: extraEmails(store, row.id),
  phones: extraPhones(store, row.id),
  tags: contactTags(store, row.id),
});

export const getContact = (store: Store, id: number): Contact => withLists(store, getContactRow(store, id));

const validation = (issues: FieldIssue[], message = 'invalid contact'): AppError =>
  new AppError('VALIDATION', message, { issues });

/** The checks that need the base: a unique customer code, an existing company. */
const checkReferences = (store: Store, data: Pick<ContactData, 'code' | 'companyId'>, selfId: number | null): void => {
  if (data.code !== null) {
    const other = prepared(store.sqlite, 'SELECT id FROM contacts WHERE code = ? AND id IS NOT ?').pluck().get(data.code, selfId) as
      | number
      | undefined;
    if (other !== undefined) {
      throw new AppError('CONFLICT', `customer code ${data.code} is already used by contact ${other}`, {
        issues: [{ path: 'code', code: 'code_taken' }],
        id: other,
      });
    }
  }
  if (data.companyId !== null) {
    const found = prepared(store.sqlite, 'SELECT 1 FROM companies WHERE id = ?').pluck().get(data.companyId);
    if (found === undefined) {
      throw new AppError('NOT_FOUND', `company ${data.companyId} not found`, {
        entity: 'company',
        id: data.companyId,
        issues: [{ path: 'companyId', code: 'not_found' }],
      });
    }
  }
};

const writeEmails = (store: Store, id: number, emails: readonly ExtraEmail[]): void => {
  prepared(store.sqlite, 'DELETE FROM contact_emails WHERE contact_id = ?').run(id);
  const add = prepared(store.sqlite, 'INSERT INTO contact_emails (contact_id, email, label) VALUES (?, ?, ?)');
  for (const e of emails) add.run(id, e.email, e.label);
};

const writePhones = (store: Store, id: number, phones: readonly ExtraPhone[]): void => {
  prepared(store.sqlite, 'DELETE FROM contact_phones WHERE contact_id = ?').run(id);
  const add = prepared(store.sqlite, 'INSERT INTO contact_phones (contact_id, phone, label) VALUES (?, ?, ?)');
  for (const p of phones) add.run(id, p.phone, p.label);
};

/** The columns `columnValues` fills, then created_at, updated_at and import_id. */
export const INSERT_COLUMNS: readonly string[] = `civility first_name last_name email phone address_line1 address_line2
  postcode city country status source code company_id job_title birth_date language source_detail source_date data_origin
  sort_name match_name city_key created_at updated_at import_id`.split(/\s+/);

/** Shared with the import's batch path, which writes new contacts the same way without the per-row checks it has already made. */
export const INSERT_SQL = insertSql('contacts', INSERT_COLUMNS);

/** The contact's single-valued fields (INSERT_COLUMNS holds them in the same order), then the keys derived from them (sort, match, city). */
export const columnValues = (d: ContactData): unknown[] => [
  ...CONTACT_SCALARS.map((field) => d[field]),
  sortName(d),
  matchName(d),
  d.city === null ? null : cityKey(d.city),
];

const READ_INPUT = `SELECT ${INSERT_COLUMNS.slice(0, CONTACT_SCALARS.length).join(', ')} FROM contacts WHERE id = ?`;

/** A contact's single-valued fields, by name, from any record that has them (a contact, a row read raw). */
const scalarsOf = (read: (field: (typeof CONTACT_SCALARS)[number], i: number) => unknown): Omit<ContactInput, 'emails' | 'phones' | 'tags'> => {
  // a loop, no entry arrays: an import runs this once a row it matches
  const out: Record<string, unknown> = {};
  for (let i = 0; i < CONTACT_SCALARS.length; i += 1) out[CONTACT_SCALARS[i]!] = read(CONTACT_SCALARS[i]!, i);
  return out as Omit<ContactInput, 'emails' | 'phones' | 'tags'>;
};

/**
 * A contact as the input that would store it, lists left empty: one raw
 * read of its own columns, without the company's name or the purchase
 * figures that `getContact` joins and names. An import compares each row of
 * a file with the contact it matched this way: a million times when the
 * same file comes back.
 */
export const storedInput = (store: Store, id: number): ContactInput => {
  const values = prepared(store.sqlite, READ_INPUT).raw(true).get(id) as unknown[] | undefined;
  if (values === undefined) throw notFound(id);
  return { ...scalarsOf((_, i) => values[i]), emails: [], phones: [], tags: [] };
};

/** `storedInput` with the contact's e-mails, phones and tags read. */
export const withInputLists = (store: Store, id: number, input: ContactInput): ContactInput => ({
  ...input,
  emails: extraEmails(store, id),
  phones: extraPhones(store, id),
  tags: contactTags(store, id).map((t) => t.name),
});

/**
 * Writes a validated contact with its e-mails, phones and tags; returns its
 * id. Import and merge reuse it (`importId` marks what an import created).
 */
export const insertContact = (
  store: Store,
  data: ContactData,
  now = new Date().toISOString(),
  options: { importId?: number } = {},
): number => {
  checkReferences(store, data, null);
  const id = Number(
    prepared(store.sqlite, INSERT_SQL).run(...columnValues(data), now, now, options.importId ?? null).lastInsertRowid,
  );
  if (data.emails.length > 0) writeEmails(store, id, data.emails);
  if (data.phones.length > 0) writePhones(store, id, data.phones);
  if (data.tags.length > 0) setContactTags(store, id, data.tags);
  objectIfSuppressed(store, id, [data.email, ...data.emails.map((e) => e.email)], [data.phone, ...data.phones.map((p) => p.phone)], now);
  return id;
};

export const createContact = (store: Store, data: ContactData): Contact => getContact(store, insertContact(store, data));

/** The stored record as contact input, so a patch can be applied and the whole re-validated. */
export const contactToInput = (c: Contact): ContactInput => ({
  ...scalarsOf((field) => c[field]),
  emails: c.emails,
  phones: c.phones,
  tags: c.tags.map((t) => t.name),
});

/** The columns `columnValues` fills, in its order. */
const VALUE_COLUMNS = INSERT_COLUMNS.slice(0, INSERT_COLUMNS.indexOf('created_at'));
const READ_VALUES = `SELECT ${VALUE_COLUMNS.join(', ')} FROM contacts WHERE id = ?`;

/** UPDATE statements by the columns they set: a few shapes recur (an edit, a merge); the rest are let go. */
const updateStatements = new WeakMap<Sqlite, Map<string, Statement>>();
const UPDATE_SHAPES_KEPT = 64;

const updateStatement = (db: Sqlite, columns: readonly string[]): Statement => {
  let shapes = updateStatements.get(db);
  if (shapes === undefined) updateStatements.set(db, (shapes = new Map()));
  const sql = `UPDATE contacts SET ${[...columns, 'updated_at'].map((c) => `${c} = ?`).join(', ')} WHERE id = ?`;
  let stmt = shapes.get(sql);
  if (stmt === undefined) {
    stmt = db.prepare<unknown[]>(sql);
    if (shapes.size === UPDATE_SHAPES_KEPT) shapes.delete(shapes.keys().next().value as string);
    shapes.set(sql, stmt);
  }
  return stmt;
};

/**
 * Sets the columns whose value changes, and updated_at. SQLite rewrites the
 * entry of every index holding a column named in SET, and fires every
 * UPDATE OF trigger naming one, whatever the value: setting all 23 columns
 * rewrote 19 index entries (the 17 list indexes among them) and the search
 * index's row on any edit, a job title as much as a name.
 */
const writeColumns = (store: Store, id: number, data: ContactData, now: string): void => {
  const values = columnValues(data);
  const current = prepared(store.sqlite, READ_VALUES).raw(true).get(id) as unknown[] | undefined;
  const changed = VALUE_COLUMNS.flatMap((_, i) => (current === undefined || !Object.is(current[i], values[i]) ? [i] : []));
  updateStatement(store.sqlite, changed.map((i) => VALUE_COLUMNS[i]!)).run(...changed.map((i) => values[i]), now, id);
};

/**
 * Applies a patch and re-validates the whole record (a patch alone cannot
 * see cross-field rules). Lists in the patch (emails, phones, tags) replace
 * the stored ones; lists left out stay.
 */
export const updateContact = (store: Store, input: z.output<typeof contactUpdateInput>): Contact => {
  const current = getContact(store, input.id);
  const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined));
  const stored = contactToInput(current);
  /*
   * A merge keeps every address, number and tag of both records, past what
   * a form adds to one: a list the patch leaves alone is not rewritten, so
   * it is not counted again (changing a job title must not fail on a 12th
   * number); one the patch replaces is.
   */
  if (!('emails' in patch)) stored.emails = stored.emails?.slice(0, CONTACT_LIST_MAX.emails);
  if (!('phones' in patch)) stored.phones = stored.phones?.slice(0, CONTACT_LIST_MAX.phones);
  if (!('tags' in patch)) stored.tags = stored.tags?.slice(0, CONTACT_LIST_MAX.tags);
  const merged = contactInput.safeParse({ ...stored, ...patch });
  if (!merged.success) {
    throw validation(merged.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message })));
  }
  writeUpdate(store, input.id, merged.data, patch);
  return getContact(store, input.id);
};

/**
 * The write half of `updateContact`, for a record already merged and
 * validated; the lists the patch names are rewritten. The import's batch
 * path calls it when it has validated the merge itself.
 */
export const writeUpdate = (store: Store, id: number, data: ContactData, patch: ContactPatch): void => {
  checkReferences(store, data, id);
  writeColumns(store, id, data, new Date().toISOString());
  if ('emails' in patch || 'email' in patch) writeEmails(store, id, data.emails);
  if ('phones' in patch || 'phone' in patch) writePhones(store, id, data.phones);
  if ('tags' in patch) setContactTags(store, id, data.tags);
  if ('emails' in patch || 'email' in patch || 'phones' in patch || 'phone' in patch) {
    objectIfSuppressed(store, id, [data.email, ...data.emails.map((e) => e.email)], [data.phone, ...data.phones.map((p) => p.phone)]);
  }
};

/**
 * Deletion for real: e-mails, phones, tags, notes, interactions and tasks go
 * with the row (ON DELETE CASCADE), and so do the copies merges, imports and
 * the search index kept of it; sales stay for the accounts, anonymous
 * (ON DELETE SET NULL).
 */
export const deleteContact = (store: Store, id: number): { id: number } => {
  if (deleteContactsAndCopies(store, [id]) === 0) throw notFound(id);
  return { id };
};

/** "Prénom Nom" in SQL, as `displayName` builds it, for lists that show whose row it is (tasks due). */
export const CONTACT_NAME_SQL = (alias: string): string =>
  `trim(coalesce(${alias}.first_name, '') || ' ' || coalesce(${alias}.last_name, ''))`;
