import type { z } from 'zod';
import {
  AppError,
  companyInput,
  compactIdentifier,
  contactListInput,
  fold,
  type BulkResult,
  type Company,
  type CompanyData,
  type CompanyPage,
  type CompanyPeoplePage,
  type companyLinkInput,
  type companyListInput,
  type companyPeopleInput,
  type companyUpdateInput,
} from '../../contract';
import { prepared, type Store } from '../../store/db';
import { listContacts } from '../contacts/list';

const COMPANY_COLUMNS = `co.id, co.name, co.siren, co.siret, co.email, co.phone, co.address_line1 AS addressLine1,
  co.address_line2 AS addressLine2, co.postcode, co.city, co.country, co.created_at AS createdAt, co.updated_at AS updatedAt,
  (SELECT count(*) FROM contacts c WHERE c.company_id = co.id) AS peopleCount`;

export const companyNotFound = (id: number): AppError =>
  new AppError('NOT_FOUND', `company ${id} not found`, { entity: 'company', id });

export const getCompany = (store: Store, id: number): Company => {
  const row = prepared(store.sqlite, `SELECT ${COMPANY_COLUMNS} FROM companies co WHERE co.id = ?`).get(id) as
    | Company
    | undefined;
  if (!row) throw companyNotFound(id);
  return row;
};

/** One establishment per SIRET: a second record for it is a duplicate, refused with a pointer to the first. */
const checkSiret = (store: Store, siret: string | null, selfId: number | null): void => {
  if (siret === null) return;
  const other = prepared(store.sqlite, 'SELECT id FROM companies WHERE siret = ? AND id IS NOT ?').pluck().get(siret, selfId);
  if (other !== undefined) {
    throw new AppError('CONFLICT', `SIRET ${siret} is already recorded for company ${String(other)}`, {
      issues: [{ path: 'siret', code: 'siret_taken' }],
      id: other as number,
    });
  }
};

const values = (d: CompanyData): unknown[] => [
  d.name,
  fold(d.name),
  d.siren,
  d.siret,
  d.email,
  d.phone,
  d.addressLine1,
  d.addressLine2,
  d.postcode,
  d.city,
  d.country,
];

export const createCompany = (store: Store, data: CompanyData): Company => {
  checkSiret(store, data.siret, null);
  const now = new Date().toISOString();
  const id = Number(
    prepared(
      store.sqlite,
      `INSERT INTO companies (name, sort_name, siren, siret, email, phone, address_line1, address_line2, postcode, city,
        country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(...values(data), now, now).lastInsertRowid,
  );
  return getCompany(store, id);
};

export const updateCompany = (store: Store, input: z.output<typeof companyUpdateInput>): Company => {
  const c = getCompany(store, input.id);
  const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined));
  const merged = companyInput.safeParse({
    name: c.name,
    // a new SIRET alone brings its own SIREN
    siren: 'siret' in patch && !('siren' in patch) ? null : c.siren,
    siret: c.siret,
    email: c.email,
    phone: c.phone,
    addressLine1: c.addressLine1,
    addressLine2: c.addressLine2,
    postcode: c.postcode,
    city: c.city,
    country: c.country,
    ...patch,
  });
  if (!merged.success) {
    throw new AppError('VALIDATION', 'invalid company', {
      issues: merged.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message })),
    });
  }
  checkSiret(store, merged.data.siret, input.id);
  prepared(
    store.sqlite,
    `UPDATE companies SET name = ?, sort_name = ?, siren = ?, siret = ?, email = ?, phone = ?, address_line1 = ?,
      address_line2 = ?, postcode = ?, city = ?, country = ?, updated_at = ? WHERE id = ?`,
  ).run(...values(merged.data), new Date().toISOString(), input.id);
  return getCompany(store, input.id);
};

/** Its people stay, unlinked (ON DELETE SET NULL). */
export const deleteCompany = (store: Store, id: number): { id: number } => {
  if (prepared(store.sqlite, 'DELETE FROM companies WHERE id = ?').run(id).changes === 0) throw companyNotFound(id);
  return { id };
};

const decodeKey = (raw: string): [string, number] => {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isInteger(v[1])) return [v[0], v[1] as number];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

/**
 * Companies by name, keyset-paged. Digits typed are a SIREN or SIRET (exact,
 * indexed); text matches anywhere in the name (companies number in the
 * thousands, not millions).
 */
export const listCompanies = (store: Store, input: z.output<typeof companyListInput>): CompanyPage => {
  const digits = compactIdentifier(input.q);
  const q = fold(input.q);
  const where: string[] = [];
  const params: unknown[] = [];
  if (/^\d{9}$/.test(digits)) {
    where.push('co.siren = ?');
    params.push(digits);
  } else if (/^\d{14}$/.test(digits)) {
    where.push('co.siret = ?');
    params.push(digits);
  } else if (q !== '') {
    where.push('instr(co.sort_name, ?) > 0');
    params.push(q);
  }
  if (input.cursor !== null) {
    where.push('(co.sort_name, co.id) > (?, ?)');
    params.push(...decodeKey(input.cursor));
  }
  const rows = prepared(
    store.sqlite,
    `SELECT ${COMPANY_COLUMNS}, co.sort_name AS k FROM companies co ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY co.sort_name, co.id LIMIT ?`,
  ).all(...params, input.limit + 1) as (Company & { k: string })[];
  const more = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ k: _k, ...c }) => c),
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.k, last.id])).toString('base64url') : null,
  };
};

/** The people of a company: the contact list filtered on it, by name. */
export const companyPeople = (store: Store, input: z.output<typeof companyPeopleInput>): CompanyPeoplePage => {
  getCompany(store, input.id);
  return listContacts(store, contactListInput.parse({ companyId: input.id, cursor: input.cursor, limit: input.limit }));
};

const assertContacts = (store: Store, ids: readonly number[]): void => {
  const missing = prepared(
    store.sqlite,
    'SELECT j.value FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM contacts c WHERE c.id = j.value)',
  )
    .pluck()
    .all(JSON.stringify(ids)) as number[];
  if (missing.length > 0) {
    throw new AppError('NOT_FOUND', `contact ${missing.join(', ')} not found`, {
      entity: 'contact',
      id: missing[0],
      issues: [{ path: 'contactIds', code: 'not_found' }],
    });
  }
};

export const linkPeople = (store: Store, input: z.output<typeof companyLinkInput>): BulkResult => {
  getCompany(store, input.companyId);
  assertContacts(store, input.contactIds);
  const { changes } = prepared(
    store.sqlite,
    `UPDATE contacts SET company_id = ?, updated_at = ?
      WHERE id IN (SELECT value FROM json_each(?)) AND company_id IS NOT ?`,
  ).run(input.companyId, new Date().toISOString(), JSON.stringify(input.contactIds), input.companyId);
  return { affected: changes };
};

/** Only people linked to this company are unlinked; others are left as they are. */
export const unlinkPeople = (store: Store, input: z.output<typeof companyLinkInput>): BulkResult => {
  getCompany(store, input.companyId);
  const { changes } = prepared(
    store.sqlite,
    `UPDATE contacts SET company_id = NULL, updated_at = ?
      WHERE company_id = ? AND id IN (SELECT value FROM json_each(?))`,
  ).run(new Date().toISOString(), input.companyId, JSON.stringify(input.contactIds));
  return { affected: changes };
};
