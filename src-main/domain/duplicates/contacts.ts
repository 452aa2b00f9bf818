import { createStore } from '../../store/db';
import { refreshCustomers } from '../analytics/figures';
import { recomputeContactAggregates } from '../purchases/aggregates';
import { displayName, type DuplicateContact } from '../../contract';
import type { Sqlite } from '../../store/open';
import { stmt } from './tables';

/** A contact as the duplicate screens show it, plus what scoring needs. */
export type ContactFacts = DuplicateContact & {
  matchName: string | null;
  civility: string | null;
  birthDate: string | null;
};

/** FACTS_SQL's columns, in its order. */
type FactsCells = [
  id: number,
  firstName: string | null,
  lastName: string | null,
  email: string | null,
  phone: string | null,
  postcode: string | null,
  city: string | null,
  createdAt: string,
  purchaseCount: number,
  matchName: string | null,
  civility: string | null,
  birthDate: string | null,
];

const FACTS_SQL = `SELECT id, first_name, last_name, email, phone, postcode, city, created_at, purchase_count,
  match_name, civility, birth_date FROM contacts WHERE id IN (SELECT value FROM json_each(?))`;

/**
 * Read as arrays: better-sqlite3 builds a row object key by key, and the
 * finder reads hundreds of thousands of contacts at 1M (3.8 s of a 25 s run
 * went to reading them as objects).
 */
const toFacts = (r: FactsCells): ContactFacts => {
  const [id, firstName, lastName, email, phone, postcode, city, createdAt, purchaseCount, matchName, civility, birthDate] = r;
  return {
    id,
    name: displayName({ firstName, lastName }),
    email,
    phone,
    postcode,
    city,
    createdAt,
    purchaseCount,
    matchName,
    civility,
    birthDate,
  };
};

/** Contacts that no longer exist are simply absent from the map. */
export const contactFacts = (db: Sqlite, ids: Iterable<number>): Map<number, ContactFacts> => {
  const list = [...new Set(ids)];
  const out = new Map<number, ContactFacts>();
  // json_each keeps one statement whatever the number of ids (SQLite caps bound parameters)
  const CHUNK = 50_000;
  for (let i = 0; i < list.length; i += CHUNK) {
    const rows = stmt(db, FACTS_SQL).raw(true).all(JSON.stringify(list.slice(i, i + CHUNK))) as FactsCells[];
    for (const r of rows) out.set(r[0], toFacts(r));
  }
  return out;
};

export const summary = (f: ContactFacts): DuplicateContact => ({
  id: f.id,
  name: f.name,
  email: f.email,
  phone: f.phone,
  postcode: f.postcode,
  city: f.city,
  createdAt: f.createdAt,
  purchaseCount: f.purchaseCount,
});

/** Two records that say different things about who the person is. */
export const conflicting = (a: ContactFacts, b: ContactFacts): boolean =>
  (a.civility !== null && b.civility !== null && a.civility !== b.civility) ||
  (a.birthDate !== null && b.birthDate !== null && a.birthDate !== b.birthDate);

/** Purchase aggregates of one contact: the purchases service's one definition, on a bare connection. */
export const recomputeAggregates = (db: Sqlite, contactId: number): void =>
  recomputeContactAggregates(createStore(db, ''), contactId);

/** Analytics rows of these contacts rebuilt from their purchases (after an undo restored the figures on the rows). */
export const refreshAnalytics = (db: Sqlite, contactIds: readonly number[]): void => refreshCustomers(createStore(db, ''), contactIds);
