import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError, cardNumberFor, mergeInput, mergeListInput, type MergeInput } from '../../src-main/contract';
import { mergeContacts, mergePreview, type MergeSnapshot } from '../../src-main/domain/duplicates/merge';
import { matchName, sortKey } from '../../src-main/domain/duplicates/similarity';
import { listMerges, undoMerge } from '../../src-main/domain/duplicates/undo';
import { recomputeFigures } from '../../src-main/domain/analytics/figures';
import { createStore, type Store } from '../../src-main/store/db';
import type { Sqlite } from '../../src-main/store/open';
import { failure, openClient, openStore } from './helpers';

/* ---------- stores and plain-SQL fixtures (independent of the services' shapes) ---------- */


const NOW = '2026-03-01T10:00:00.000Z';

type Person = {
  first?: string | null;
  last?: string | null;
  email?: string | null;
  phone?: string | null;
  postcode?: string | null;
  city?: string | null;
  code?: string | null;
  status?: 'prospect' | 'customer' | 'former';
  civility?: 'm' | 'mme' | null;
  createdAt?: string;
};

const addContact = (db: Sqlite, p: Person, id: number | null = null): number => {
  const first = p.first ?? null;
  const last = p.last ?? null;
  return Number(
    db
      .prepare(
        `INSERT INTO contacts (id, civility, first_name, last_name, email, phone, postcode, city, code, status, source,
           sort_name, match_name, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'shop_form', ?, ?, ?, ?)`,
      )
      .run(
        id,
        p.civility ?? null,
        first,
        last,
        p.email ?? null,
        p.phone ?? null,
        p.postcode ?? null,
        p.city ?? null,
        p.code ?? null,
        p.status ?? 'prospect',
        sortKey(first, last),
        matchName(first, last),
        p.createdAt ?? NOW,
        p.createdAt ?? NOW,
      ).lastInsertRowid,
  );
};

type Reference = { table: string; column: string };

/** Every (table, column) referencing contacts, read from the schema as the merge does. */
const contactReferences = (db: Sqlite): Reference[] => {
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")
    .pluck()
    .all() as string[];
  return tables.flatMap((table) =>
    (db.prepare(`PRAGMA foreign_key_list("${table}")`).all() as { table: string; from: string }[])
      .filter((fk) => fk.table === 'contacts')
      .map((fk) => ({ table, column: fk.from })),
  );
};

const ensureTags = (db: Sqlite): number[] => {
  for (const name of ['VIP', 'Newsletter', 'Pro', 'Fidèle']) {
    db.prepare('INSERT OR IGNORE INTO tags (name, folded) VALUES (?, lower(?))').run(name, name);
  }
  return db.prepare('SELECT id FROM tags ORDER BY id').pluck().all() as number[];
};

let nextCard = 900_000;

/** A loyalty member with its active card, once per contact; the balance is what its entries already add up to. */
const addMember = (db: Sqlite, contactId: number, referrerId: number | null): void => {
  if (db.prepare('SELECT 1 FROM loyalty_members WHERE contact_id = ?').get(contactId) !== undefined) return;
  const card = db.prepare("INSERT INTO loyalty_cards (number, contact_id, status, issued_at) VALUES (?, ?, 'active', ?)").run(cardNumberFor(nextCard++), contactId, NOW);
  db.prepare(
    `INSERT INTO loyalty_members (contact_id, card_id, enrolled_at, tier, tier_since, referrer_id, balance)
     VALUES (?, ?, ?, 'basic', ?, ?, (SELECT coalesce(sum(points), 0) FROM loyalty_entries WHERE contact_id = ?))`,
  ).run(contactId, card.lastInsertRowid, NOW, NOW, referrerId, contactId);
};

/**
 * One linked row per call, for each table known today. A table added later
 * falls back to a generic row; if that cannot be built (CHECK constraints…),
 * the test fails by name, so the merge of every new table gets tested.
 */
const factories: Record<string, (db: Sqlite, contactId: number, n: number) => void> = {
  'purchases.contact_id': (db, id, n) => {
    db.prepare('INSERT INTO purchases (contact_id, purchased_at, amount_cents, channel, created_at) VALUES (?, ?, ?, ?, ?)').run(
      id,
      `2025-0${1 + (n % 9)}-1${n % 10}T10:00:00.000Z`,
      1000 + n * 137,
      n % 2 === 0 ? 'shop' : 'web',
      NOW,
    );
  },
  'contact_emails.contact_id': (db, id, n) => {
    db.prepare('INSERT INTO contact_emails (contact_id, email, label) VALUES (?, ?, ?)').run(id, `extra${n}@example.fr`, n % 2 ? 'pro' : null);
  },
  'contact_phones.contact_id': (db, id, n) => {
    db.prepare('INSERT INTO contact_phones (contact_id, phone, label) VALUES (?, ?, ?)').run(id, `+3361234${String(n).padStart(4, '0')}`, null);
  },
  'contact_tags.contact_id': (db, id, n) => {
    const tags = ensureTags(db);
    db.prepare('INSERT OR IGNORE INTO contact_tags (contact_id, tag_id) VALUES (?, ?)').run(id, tags[n % tags.length]);
  },
  'notes.contact_id': (db, id, n) => {
    db.prepare('INSERT INTO notes (contact_id, body, noted_at, created_at) VALUES (?, ?, ?, ?)').run(id, `Note ${n} — ça va`, NOW, NOW);
  },
  'interactions.contact_id': (db, id, n) => {
    db.prepare(
      `INSERT INTO interactions (contact_id, kind, direction, initiated_by, occurred_at, summary, created_at)
       VALUES (?, 'call', ?, 'contact', ?, ?, ?)`,
    ).run(id, n % 2 ? 'in' : 'out', NOW, `Appel ${n}`, NOW);
  },
  'tasks.contact_id': (db, id, n) => {
    db.prepare('INSERT INTO tasks (contact_id, title, due_date, done_at, created_at) VALUES (?, ?, ?, ?, ?)').run(
      id,
      `Relance ${n}`,
      '2026-04-01',
      n % 3 === 0 ? NOW : null,
      NOW,
    );
  },
  // consent rows come from the ledger (its triggers derive consent_state); e-mail and SMS cells here,
  // phone and post below, so the kept and removed contacts never share a cell (no collision to count)
  'consent_events.contact_id': (db, id, n) => {
    const cells = ['email', 'sms'].flatMap((channel) => ['newsletter', 'offers', 'loyalty', 'partners'].map((purpose) => [channel, purpose]));
    const [channel, purpose] = cells[n % cells.length] ?? ['email', 'newsletter'];
    db.prepare(
      `INSERT INTO consent_events (contact_id, channel, purpose, event, at, method, operator, recorded_at)
       VALUES (?, ?, ?, ?, ?, 'counter', 'test', ?)`,
    ).run(id, channel, purpose, ['granted', 'informed', 'withdrawn'][n % 3], `2025-0${1 + (n % 9)}-10T10:00:00.000Z`, NOW);
  },
  'consent_state.contact_id': (db, id, n) => {
    const cells = ['phone', 'post'].flatMap((channel) => ['newsletter', 'offers', 'loyalty', 'partners'].map((purpose) => [channel, purpose]));
    const [channel, purpose] = cells[n % cells.length] ?? ['post', 'newsletter'];
    db.prepare(
      `INSERT INTO consent_events (contact_id, channel, purpose, event, at, method, operator, recorded_at)
       VALUES (?, ?, ?, ?, ?, 'paper', 'test', ?)`,
    ).run(id, channel, purpose, n % 4 === 0 ? 'objected' : 'granted', `2025-0${1 + (n % 9)}-11T10:00:00.000Z`, NOW);
  },
  // loyalty (migration 10): rows as the service writes them, so balances stay the sum of the entries
  'loyalty_cards.contact_id': (db, id) => {
    db.prepare("INSERT INTO loyalty_cards (number, contact_id, status, issued_at) VALUES (?, ?, 'lost', ?)").run(cardNumberFor(nextCard++), id, NOW);
  },
  'loyalty_members.contact_id': (db, id) => {
    addMember(db, id, null);
  },
  'loyalty_members.referrer_id': (db, id, n) => {
    addMember(db, addContact(db, { first: `Filleul ${n}`, last: 'Parrainé' }), id);
  },
  'loyalty_entries.contact_id': (db, id, n) => {
    db.prepare("INSERT INTO loyalty_entries (contact_id, kind, points, at, reason) VALUES (?, 'bonus', ?, ?, 'test')").run(id, 10 + n, NOW);
  },
  'loyalty_lots.contact_id': (db, id, n) => {
    const entry = db.prepare("INSERT INTO loyalty_entries (contact_id, kind, points, at, lot_expires_on) VALUES (?, 'welcome', ?, ?, '2028-03-01')").run(id, 5 + n, NOW);
    db.prepare('INSERT INTO loyalty_lots (entry_id, contact_id, expires_on, remaining) VALUES (?, ?, ?, ?)').run(entry.lastInsertRowid, id, '2028-03-01', 5 + n);
  },
  'loyalty_tier_history.contact_id': (db, id, n) => {
    db.prepare("INSERT INTO loyalty_tier_history (contact_id, at, from_tier, to_tier, direction) VALUES (?, ?, NULL, 'basic', 'initial')").run(id, `2025-0${1 + (n % 9)}-01T10:00:00.000Z`);
  },
  'loyalty_vouchers.contact_id': (db, id, n) => {
    const reward = db.prepare('SELECT id FROM loyalty_rewards LIMIT 1').pluck().get() ??
      db.prepare("INSERT INTO loyalty_rewards (name, kind, value, cost_points, created_at, updated_at) VALUES ('Café', 'item', 0, 10, ?, ?)").run(NOW, NOW).lastInsertRowid;
    db.prepare('INSERT INTO loyalty_vouchers (code, contact_id, reward_id, entry_id, issued_at) VALUES (?, ?, ?, ?, ?)').run(`FID-TEST${nextCard++}`, id, reward, n, NOW);
  },
  // analytics (migration 12): a customer marked as lost by hand
  'customer_losses.contact_id': (db, id, n) => {
    db.prepare('INSERT OR IGNORE INTO customer_losses (contact_id, attrition, note, marked_at) VALUES (?, ?, ?, ?)').run(
      id,
      ['dissatisfaction', 'structural', 'conjunctural', 'anecdotal'][n % 4],
      `Perdu ${n}`,
      NOW,
    );
  },
  'privacy_requests.contact_id': (db, id, n) => {
    db.prepare(
      `INSERT INTO privacy_requests (contact_id, subject, kind, received_on, identity_check, due_on, created_at, updated_at)
       VALUES (?, ?, ?, '2026-01-05', 'pièce d''identité', '2026-02-05', ?, ?)`,
    ).run(id, `Demande ${n}`, ['access', 'erasure', 'objection'][n % 3], NOW, NOW);
  },
};

type ColumnInfo = { name: string; type: string; notnull: number; dflt_value: string | null; pk: number; hidden: number };

const genericRow = (db: Sqlite, ref: Reference, contactId: number, n: number): void => {
  const columns = (db.prepare(`PRAGMA table_xinfo("${ref.table}")`).all() as ColumnInfo[]).filter((c) => c.hidden === 0);
  const fks = db.prepare(`PRAGMA foreign_key_list("${ref.table}")`).all() as { table: string; from: string; to: string | null }[];
  const values: Record<string, unknown> = {};
  for (const c of columns) {
    if (c.name === ref.column) values[c.name] = contactId;
    else if (c.pk === 1 && c.type.toUpperCase() === 'INTEGER') continue;
    else if (c.notnull === 1 && c.dflt_value === null) {
      const fk = fks.find((f) => f.from === c.name);
      if (fk) values[c.name] = db.prepare(`SELECT ${fk.to ?? 'rowid'} FROM "${fk.table}" LIMIT 1`).pluck().get();
      else if (/INT/i.test(c.type)) values[c.name] = n;
      else if (/REAL|FLOA|DOUB/i.test(c.type)) values[c.name] = n + 0.5;
      else if (/BLOB/i.test(c.type)) values[c.name] = Buffer.from([n]);
      else values[c.name] = `value ${n}`;
    }
  }
  const names = Object.keys(values);
  try {
    db.prepare(`INSERT INTO "${ref.table}" (${names.map((x) => `"${x}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`).run(
      ...names.map((x) => values[x]),
    );
  } catch (error) {
    throw new Error(
      `merge.test.ts has no row factory for ${ref.table}.${ref.column} and a generic row fails: add one to \`factories\``,
      { cause: error },
    );
  }
};

const addLinked = (db: Sqlite, ref: Reference, contactId: number, n: number): void => {
  const factory = factories[`${ref.table}.${ref.column}`];
  if (factory) factory(db, contactId, n);
  else genericRow(db, ref, contactId, n);
};

/** Consistent aggregates, so a dump is a realistic base. */
const fixAggregates = (db: Sqlite): void => {
  db.exec(`UPDATE contacts SET (purchase_count, total_cents, first_purchase_at, last_purchase_at) = (
    SELECT count(*) FILTER (WHERE kind = 'sale'), coalesce(sum(amount_cents), 0),
      min(purchased_at) FILTER (WHERE kind = 'sale'), max(purchased_at) FILTER (WHERE kind = 'sale')
    FROM purchases WHERE contact_id = contacts.id)`);
  // and the analytics tables derived from the purchases, as the purchase calls would have kept them
  recomputeFigures(createStore(db, ''));
};

/**
 * Every stored table, row by row in rowid order, rowid included. Left out:
 * the merge log itself, and the full-text index's internal tables (their
 * b-tree layout changes with a delete and re-insert; search is checked instead).
 */
const dump = (db: Sqlite): Record<string, unknown[]> => {
  const virtual = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'").pluck().all() as string[];
  const tables = (
    db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]
  ).filter((t) => t !== 'merges' && !virtual.some((v) => t === v || t.startsWith(`${v}_`)));
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const withoutRowid = (db.prepare('SELECT wr FROM pragma_table_list WHERE name = ?').pluck().get(t) as number) === 1;
    out[t] = db.prepare(withoutRowid ? `SELECT * FROM "${t}"` : `SELECT rowid AS __rowid, * FROM "${t}" ORDER BY rowid`).all();
  }
  return out;
};

const count = (db: Sqlite, sql: string, ...params: unknown[]): number => Number(db.prepare(sql).pluck().get(...params));

const merge = (store: Store, input: MergeInput) => mergeContacts(store, mergeInput.parse(input));

const expectError = (fn: () => unknown, code: string, reason?: string) => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    if (reason !== undefined) expect((error as AppError).details?.reason).toBe(reason);
    return;
  }
  throw new Error(`expected ${code}`);
};

const searchIds = (db: Sqlite, term: string): number[] =>
  db.prepare('SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? ORDER BY rowid').pluck().all(`"${term}"*`) as number[];

/* ---------- a base with rows in every linked table ---------- */

const richBase = (store: Store) => {
  const db = store.sqlite;
  const kept = addContact(db, { first: 'Jean', last: 'Dupont', email: 'jean@example.fr', phone: '+33611111111', postcode: '75011', city: 'Paris', code: 'C-1', createdAt: '2024-05-01T09:00:00.000Z' });
  const removed = addContact(db, { first: 'Jean', last: 'Dupond', email: 'jd@example.fr', phone: '+33622222222', postcode: '75011', city: null, code: 'C-2', status: 'customer', createdAt: '2023-01-15T09:00:00.000Z', civility: 'm' });
  const other = addContact(db, { first: 'Zoé', last: 'Autre', email: 'zoe@example.fr' });
  const refs = contactReferences(db);
  let n = 0;
  for (const ref of refs) {
    for (let i = 0; i < 3; i++) addLinked(db, ref, removed, n++);
    addLinked(db, ref, kept, n++);
    addLinked(db, ref, other, n++);
  }
  // collisions: a tag both have, and the kept primary e-mail repeated among the removed one's extras
  const tags = ensureTags(db);
  db.prepare('INSERT OR IGNORE INTO contact_tags (contact_id, tag_id) VALUES (?, ?)').run(kept, tags[0]);
  db.prepare('INSERT OR IGNORE INTO contact_tags (contact_id, tag_id) VALUES (?, ?)').run(removed, tags[0]);
  db.prepare('INSERT INTO contact_emails (contact_id, email) VALUES (?, ?)').run(removed, 'jean@example.fr');
  // the kept record already lists the removed one's primary e-mail: redundant once that becomes its primary
  db.prepare('INSERT INTO contact_emails (contact_id, email) VALUES (?, ?)').run(kept, 'jd@example.fr');
  fixAggregates(db);
  return { kept, removed, other, refs };
};

describe('merge', () => {
  it('moves every linked record, in every table that references contacts', () => {
    const store = openStore();
    const db = store.sqlite;
    const { kept, removed, other, refs } = richBase(store);
    expect(refs.map((r) => r.table)).toEqual(
      expect.arrayContaining(['purchases', 'contact_emails', 'contact_phones', 'contact_tags', 'notes', 'interactions', 'tasks']),
    );
    // a row's identity besides the contact: its rowid, or the rest of a WITHOUT ROWID key (a tag, a consent cell)
    // a table keyed by the contact itself (a loyalty membership) has one row per contact: present or not
    const ownKey = (t: string, column: string) =>
      (db.prepare("SELECT name FROM pragma_table_info(?) WHERE pk > 0 AND type = 'INTEGER'").pluck().all(t) as string[]).join() === column;
    const keyed = (t: string, column: string) =>
      ownKey(t, column)
        ? "'member'"
        : (db.prepare('SELECT wr FROM pragma_table_list WHERE name = ?').pluck().get(t) as number) === 1
        ? (db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk > 0 AND name <> ? ORDER BY pk').pluck().all(t, column) as string[])
            .map((c) => `"${c}"`)
            .join(" || ':' || ")
        : 'rowid';
    const before = new Map(
      refs.map((r) => [`${r.table}.${r.column}`, db.prepare(`SELECT ${keyed(r.table, r.column)} FROM "${r.table}" WHERE "${r.column}" = ?`).pluck().all(removed)]),
    );
    const otherRows = new Map(refs.map((r) => [r.table, count(db, `SELECT count(*) FROM "${r.table}" WHERE "${r.column}" = ?`, other)]));
    const purchases = count(db, 'SELECT count(*) FROM purchases WHERE contact_id IN (?, ?)', kept, removed);
    const total = count(db, 'SELECT sum(amount_cents) FROM purchases WHERE contact_id IN (?, ?)', kept, removed);
    const tagCount = count(db, 'SELECT contact_count FROM tags ORDER BY id LIMIT 1');

    const result = merge(store, { keptId: kept, removedId: removed, fields: { email: 'removed', lastName: 'removed' } });

    expect(count(db, 'SELECT count(*) FROM contacts WHERE id = ?', removed)).toBe(0);
    for (const ref of refs) {
      expect(count(db, `SELECT count(*) FROM "${ref.table}" WHERE "${ref.column}" = ?`, removed), ref.table).toBe(0);
      expect(count(db, `SELECT count(*) FROM "${ref.table}" WHERE "${ref.column}" = ?`, other), ref.table).toBe(otherRows.get(ref.table));
      const moved = before.get(`${ref.table}.${ref.column}`) ?? [];
      const now = db.prepare(`SELECT ${keyed(ref.table, ref.column)} FROM "${ref.table}" WHERE "${ref.column}" = ?`).pluck().all(kept);
      // every row is on the kept contact now (a tag it already had counts as there)
      expect(moved.every((k) => now.includes(k)), ref.table).toBe(true);
      expect(result.moves.find((m) => m.table === ref.table)?.rows ?? 0, ref.table).toBeGreaterThanOrEqual(moved.length - 1);
    }
    // the tag both had, the removed one's membership (one membership each: the kept one's stays, with both ledgers),
    // the removed one's loss mark (one per customer: the kept one's stays)
    expect(result.dropped).toBe(4);

    const k = db.prepare('SELECT * FROM contacts WHERE id = ?').get(kept) as Record<string, unknown>;
    expect(k).toMatchObject({
      first_name: 'Jean',
      last_name: 'Dupond',
      email: 'jd@example.fr',
      phone: '+33611111111',
      city: 'Paris',
      code: 'C-1',
      civility: 'm',
      status: 'customer',
      created_at: '2023-01-15T09:00:00.000Z',
      match_name: 'jean dupond',
      sort_name: 'dupond jean',
      purchase_count: purchases,
      total_cents: total,
    });
    const emails = db.prepare('SELECT email FROM contact_emails WHERE contact_id = ? ORDER BY id').pluck().all(kept) as string[];
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails.filter((e) => e === 'jean@example.fr')).toHaveLength(1);
    expect(emails).not.toContain('jd@example.fr');
    const phones = db.prepare('SELECT phone FROM contact_phones WHERE contact_id = ?').pluck().all(kept) as string[];
    expect(phones).toContain('+33622222222');
    expect(count(db, 'SELECT contact_count FROM tags ORDER BY id LIMIT 1')).toBe(tagCount - 1);
    expect(searchIds(db, 'dupond')).toEqual([kept]);

    const snapshot = JSON.parse(db.prepare('SELECT snapshot FROM merges WHERE id = ?').pluck().get(result.mergeId) as string) as MergeSnapshot;
    expect(snapshot.removed).toMatchObject({ id: removed, last_name: 'Dupond', email: 'jd@example.fr' });
    expect(snapshot.kept).toMatchObject({ id: kept, last_name: 'Dupont', email: 'jean@example.fr' });
    const moves = snapshot.steps.filter((s) => s.op === 'move');
    // a loss mark is one row per customer: both had one, the kept one's stays and the other is dropped, not moved
    expect(new Set(moves.map((s) => s.table))).toEqual(new Set(refs.map((r) => r.table).filter((t) => t !== 'customer_losses')));
    const drops = (reason: string) => snapshot.steps.flatMap((s) => (s.op === 'delete' && s.reason === reason ? [s.table] : []));
    expect(drops('collision')).toEqual(['contact_tags', 'customer_losses', 'loyalty_members']);
    expect(drops('duplicate')).toEqual(['contact_emails']);
    expect(drops('contact')).toEqual(['contacts']);
  });

  it('undo gives back a byte-for-byte identical base', () => {
    const store = openStore();
    const db = store.sqlite;
    const { kept, removed } = richBase(store);
    const before = dump(db);
    const { mergeId } = merge(store, { keptId: kept, removedId: removed, fields: { email: 'removed', code: 'removed', phone: 'removed' } });
    expect(dump(db)).not.toEqual(before);
    const result = undoMerge(store, mergeId);
    expect(result).toMatchObject({ mergeId, keptId: kept, removedId: removed, keptEditedSince: false });
    expect(dump(db)).toEqual(before);
    expect(db.prepare('SELECT undone_at FROM merges WHERE id = ?').pluck().get(mergeId)).not.toBeNull();
    expect(searchIds(db, 'dupond')).toEqual([removed]);
    expect(searchIds(db, 'dupont')).toEqual([kept]);
  });

  it('moves and restores rows of tables added later (unique keys, cascades, SET NULL, self references)', () => {
    const store = openStore();
    const db = store.sqlite;
    db.exec(`
      ALTER TABLE contacts ADD COLUMN referred_by INTEGER REFERENCES contacts (id) ON DELETE SET NULL;
      CREATE TABLE club_cards (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL UNIQUE REFERENCES contacts (id) ON DELETE CASCADE,
        number TEXT NOT NULL UNIQUE
      ) STRICT;
      CREATE TABLE club_ledger (
        id INTEGER PRIMARY KEY,
        card_id INTEGER NOT NULL REFERENCES club_cards (id) ON DELETE CASCADE,
        points INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE consent_proofs (
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        at TEXT NOT NULL,
        proof BLOB,
        PRIMARY KEY (contact_id, channel, at)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE complaints (
        contact_id INTEGER REFERENCES contacts (id) ON DELETE SET NULL,
        handled_by INTEGER REFERENCES contacts (id),
        body TEXT NOT NULL
      ) STRICT;
    `);
    const kept = addContact(db, { first: 'Anne', last: 'Roux' });
    const removed = addContact(db, { first: 'Anne', last: 'Rousse' });
    const friend = addContact(db, { first: 'Paul', last: 'Ami' });
    db.prepare('UPDATE contacts SET referred_by = ? WHERE id IN (?, ?)').run(removed, friend, removed);
    db.prepare('INSERT INTO club_cards (id, contact_id, number) VALUES (1, ?, ?), (2, ?, ?)').run(kept, 'L-1', removed, 'L-2');
    db.prepare('INSERT INTO club_ledger (card_id, points) VALUES (1, 10), (2, 25), (2, 5)').run();
    db.prepare('INSERT INTO consent_proofs (contact_id, channel, at, proof) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)').run(
      kept, 'email', NOW, Buffer.from([1, 2]),
      removed, 'email', NOW, Buffer.from([3]),
      removed, 'sms', NOW, null,
    );
    db.prepare('INSERT INTO complaints (rowid, contact_id, handled_by, body) VALUES (7, ?, ?, ?), (9, ?, ?, ?)').run(
      removed, removed, 'late', kept, removed, 'broken',
    );
    const before = dump(db);

    const result = merge(store, { keptId: kept, removedId: removed });
    // the kept card stays, the removed one (and its ledger) goes, to come back on undo
    expect(db.prepare('SELECT contact_id, number FROM club_cards').all()).toEqual([{ contact_id: kept, number: 'L-1' }]);
    expect(count(db, 'SELECT count(*) FROM club_ledger')).toBe(1);
    expect(db.prepare('SELECT contact_id, channel FROM consent_proofs ORDER BY channel').all()).toEqual([
      { contact_id: kept, channel: 'email' },
      { contact_id: kept, channel: 'sms' },
    ]);
    expect(db.prepare('SELECT contact_id, handled_by FROM complaints ORDER BY rowid').all()).toEqual([
      { contact_id: kept, handled_by: kept },
      { contact_id: kept, handled_by: kept },
    ]);
    expect(db.prepare('SELECT referred_by FROM contacts WHERE id = ?').pluck().get(friend)).toBe(kept);
    expect(result.dropped).toBe(2);

    undoMerge(store, result.mergeId);
    expect(dump(db)).toEqual(before);
  });

  it('takes the kept values, fills gaps from the removed record, and follows the choices', () => {
    const store = openStore();
    const db = store.sqlite;
    const kept = addContact(db, { first: 'Marie', last: 'Curie', email: null, phone: '+33633333333', city: 'Paris' });
    const removed = addContact(db, { first: 'Marie', last: 'Curie-Sklodowska', email: 'mc@example.fr', phone: '+33644444444', city: 'Varsovie' });
    const preview = mergePreview(store, kept, removed);
    const field = (f: string) => preview.fields.find((x) => x.field === f);
    expect(field('email')).toMatchObject({ kept: null, removed: 'mc@example.fr', default: 'removed', differs: true });
    expect(field('city')).toMatchObject({ kept: 'Paris', removed: 'Varsovie', default: 'kept' });
    expect(field('firstName')).toMatchObject({ differs: false });
    expect(preview.fields.map((f) => f.field)).not.toContain('purchaseCount');
    expect(preview.fields.map((f) => f.field)).not.toContain('matchName');
    expect(preview.kept.id).toBe(kept);

    merge(store, { keptId: kept, removedId: removed, fields: { city: 'removed' } });
    expect(db.prepare('SELECT email, phone, city, last_name FROM contacts WHERE id = ?').get(kept)).toEqual({
      email: 'mc@example.fr',
      phone: '+33633333333',
      city: 'Varsovie',
      last_name: 'Curie',
    });
    expect(db.prepare('SELECT phone FROM contact_phones WHERE contact_id = ?').pluck().all(kept)).toEqual(['+33644444444']);
  });

  it('keeps every number and tag of both records, and the merged contact can still be edited', async () => {
    const { api } = await openClient();
    const numbers = (prefix: string) => Array.from({ length: 8 }, (_, i) => ({ phone: `+336${prefix}0000${i}0`, label: null }));
    const tags = (prefix: string) => Array.from({ length: 30 }, (_, i) => `${prefix}${i}`);
    const a = await api.call('contacts.create', { firstName: 'Jo', lastName: 'Petit', phone: '+33611111111', phones: numbers('21'), tags: tags('a') });
    const b = await api.call('contacts.create', { firstName: 'Jo', lastName: 'Petit', phone: '+33622222222', phones: numbers('22'), tags: tags('b') });
    await api.call('contacts.merge', { keptId: a.id, removedId: b.id });
    const merged = await api.call('contacts.get', { id: a.id });
    expect(merged.phones).toHaveLength(17);
    expect(merged.tags).toHaveLength(60);
    // a field of its own, and a list the edit replaces within what a record takes
    const edited = await api.call('contacts.update', { id: a.id, patch: { jobTitle: 'Gérant', emails: [{ email: 'jo@exemple.fr', label: null }] } });
    expect(edited).toMatchObject({ jobTitle: 'Gérant', emails: [{ email: 'jo@exemple.fr' }] });
    expect(edited.phones).toHaveLength(17);
    expect(edited.tags).toHaveLength(60);
    // a list the edit writes is held to it
    const refused = await failure(api.call('contacts.update', { id: a.id, patch: { phones: merged.phones.slice(0, 11) } }));
    expect(refused.details?.issues).toEqual([{ path: 'patch.phones', code: 'too_many' }]);
  });

  it('refuses bad merges', () => {
    const store = openStore();
    const db = store.sqlite;
    const a = addContact(db, { first: 'A', last: 'Un' });
    const b = addContact(db, { first: 'B', last: 'Deux' });
    expect(() => mergeInput.parse({ keptId: a, removedId: a })).toThrow();
    expectError(() => mergeContacts(store, { keptId: a, removedId: a, fields: {} }), 'VALIDATION');
    expectError(() => merge(store, { keptId: a, removedId: 999 }), 'NOT_FOUND');
    expectError(() => merge(store, { keptId: 999, removedId: a }), 'NOT_FOUND');
    expectError(() => merge(store, { keptId: a, removedId: b, fields: { nickname: 'removed' } }), 'VALIDATION');
    expectError(() => merge(store, { keptId: a, removedId: b, fields: { purchaseCount: 'removed' } }), 'VALIDATION');
    const { mergeId } = merge(store, { keptId: a, removedId: b });
    // the removed record is gone: merging it again is NOT_FOUND
    expectError(() => merge(store, { keptId: a, removedId: b }), 'NOT_FOUND');
    expect(count(db, 'SELECT count(*) FROM merges')).toBe(1);
    expect(mergeId).toBeGreaterThan(0);
  });
});

describe('undo', () => {
  it('refuses what cannot be undone safely, with the reason', () => {
    const store = openStore();
    const db = store.sqlite;
    const a = addContact(db, { first: 'Ann', last: 'Alpha' });
    const b = addContact(db, { first: 'Ann', last: 'Alfa' });
    const c = addContact(db, { first: 'Ann', last: 'Alpah' });
    const first = merge(store, { keptId: a, removedId: b }).mergeId;
    const second = merge(store, { keptId: a, removedId: c }).mergeId;
    expectError(() => undoMerge(store, first), 'CONFLICT', 'newer_merge');
    expectError(() => undoMerge(store, 12345), 'NOT_FOUND');
    const list = listMerges(store, mergeListInput.parse({ contactId: a }));
    expect(list.map((m) => [m.id, m.undoBlocker])).toEqual([
      [second, null],
      [first, 'newer_merge'],
    ]);
    expect(list[1]).toMatchObject({ keptId: a, removedId: b, keptName: 'Ann Alpha', removedName: 'Ann Alfa', moved: 0, undoneAt: null });
    undoMerge(store, second);
    expectError(() => undoMerge(store, second), 'CONFLICT', 'already_undone');
    undoMerge(store, first);
    expect(count(db, 'SELECT count(*) FROM contacts')).toBe(3);

    const again = merge(store, { keptId: a, removedId: b }).mergeId;
    // the freed id taken by a new record
    addContact(db, { first: 'New', last: 'Comer' }, b);
    expectError(() => undoMerge(store, again), 'CONFLICT', 'removed_id_taken');
    db.prepare('DELETE FROM contacts WHERE id = ?').run(b);
    db.prepare('DELETE FROM contacts WHERE id = ?').run(a);
    expectError(() => undoMerge(store, again), 'CONFLICT', 'kept_missing');
    expect(listMerges(store, mergeListInput.parse({})).map((m) => m.undoBlocker)).toEqual(['kept_missing', 'already_undone', 'already_undone']);
  });

  it('keeps what changed after the merge and recomputes aggregates', () => {
    const store = openStore();
    const db = store.sqlite;
    const a = addContact(db, { first: 'Luc', last: 'Perrin', city: 'Lyon' });
    const b = addContact(db, { first: 'Luc', last: 'Perin', email: 'luc@example.fr' });
    factories['purchases.contact_id']?.(db, a, 1);
    factories['purchases.contact_id']?.(db, b, 2);
    factories['purchases.contact_id']?.(db, b, 3);
    factories['notes.contact_id']?.(db, b, 4);
    fixAggregates(db);
    const { mergeId } = merge(store, { keptId: a, removedId: b });
    // after the merge: the user fixes the city, a sale is added, a moved note is deleted
    db.prepare("UPDATE contacts SET city = 'Villeurbanne', updated_at = '2026-03-02T00:00:00.000Z' WHERE id = ?").run(a);
    factories['purchases.contact_id']?.(db, a, 5);
    fixAggregates(db);
    db.prepare('DELETE FROM notes WHERE contact_id = ?').run(a);
    const result = undoMerge(store, mergeId);
    expect(result.keptEditedSince).toBe(true);
    expect(db.prepare('SELECT city, email, purchase_count FROM contacts WHERE id = ?').get(a)).toEqual({
      city: 'Villeurbanne',
      email: null,
      purchase_count: 2,
    });
    expect(db.prepare('SELECT email, purchase_count FROM contacts WHERE id = ?').get(b)).toEqual({ email: 'luc@example.fr', purchase_count: 2 });
    expect(count(db, 'SELECT count(*) FROM notes')).toBe(0);
  });

  // a referrer R with its referred member M, R's twin T and M's twin N (a member too in the first case)
  it.each([
    {
      // R moves to T (on M's row); then M is merged into N, whose row wins: undone first, the
      // older merge could not find the member row the newer one deleted (with the moved referrer in it)
      case: 'the referrer moved, then the member row deleted',
      twinIsMember: true,
      merges: ['TR', 'NM'],
    },
    {
      // M's row (keyed by its contact) moves to N; then R is merged into T: undone first, the
      // older merge would take the row back with the newer merge's referrer, out of that merge's reach
      case: "the member row moved (its key with it), then its referrer",
      twinIsMember: false,
      merges: ['NM', 'TR'],
    },
  ])('waits for a newer merge that touched the same rows through other contacts: $case', ({ twinIsMember, merges }) => {
    const store = openStore();
    const db = store.sqlite;
    const ids: Record<string, number> = {
      R: addContact(db, { first: 'Rémi', last: 'Parrain' }),
      T: addContact(db, { first: 'Rémi', last: 'Parin' }),
      M: addContact(db, { first: 'Fanny', last: 'Filleule' }),
      N: addContact(db, { first: 'Fanny', last: 'Fileule' }),
    };
    const id = (k: string | undefined): number => ids[k ?? ''] ?? 0;
    addMember(db, id('M'), id('R'));
    if (twinIsMember) addMember(db, id('N'), null);
    const original = dump(db);
    const [first, second] = merges.map((pair) => merge(store, { keptId: id(pair[0]), removedId: id(pair[1]) }).mergeId);
    expect(listMerges(store, mergeListInput.parse({})).map((m) => [m.id, m.undoBlocker])).toEqual([
      [second, null],
      [first, 'newer_merge'],
    ]);
    expectError(() => undoMerge(store, first ?? 0), 'CONFLICT', 'newer_merge');
    undoMerge(store, second ?? 0);
    undoMerge(store, first ?? 0);
    expect(dump(db)).toEqual(original);
  });

  it('undoing any sequence of merges, newest first, gives back the original base', () => {
    const names = ['Jean Dupont', 'Jean Dupond', 'Marie Curie', 'Luc Perrin', 'Anne Roux', 'Paul Ami', 'Léa Bonnet', 'Zoé Autre'];
    const sides = fc.constantFrom('kept' as const, 'removed' as const);
    const fieldChoice = fc.record(
      { email: sides, phone: sides, firstName: sides, lastName: sides, city: sides, code: sides, status: sides, createdAt: sides, civility: sides },
      { requiredKeys: [] },
    );
    const op = fc.oneof(
      fc.record({ kind: fc.constant('merge' as const), a: fc.nat(), b: fc.nat(), fields: fieldChoice }),
      fc.record({ kind: fc.constant('undo' as const), pick: fc.nat() }),
    );
    const person = fc.record({
      email: fc.option(fc.constantFrom('a@x.fr', 'b@x.fr', 'c@x.fr'), { nil: null }),
      phone: fc.option(fc.constantFrom('+33611111111', '+33622222222'), { nil: null }),
      city: fc.option(fc.constantFrom('Paris', 'Lyon'), { nil: null }),
      code: fc.boolean(),
      status: fc.constantFrom('prospect' as const, 'customer' as const, 'former' as const),
      civility: fc.option(fc.constantFrom('m' as const, 'mme' as const), { nil: null }),
      day: fc.integer({ min: 1, max: 28 }),
      links: fc.array(fc.nat({ max: 20 }), { maxLength: 8 }),
    });

    fc.assert(
      fc.property(fc.array(person, { minLength: 2, maxLength: 6 }), fc.array(op, { minLength: 1, maxLength: 8 }), (people, ops) => {
        const store = openStore();
        const db = store.sqlite;
        const refs = contactReferences(db);
        const ids = people.map((p, i) => {
          const [first, last] = (names[i] ?? 'X Y').split(' ');
          return addContact(db, {
            first,
            last,
            email: p.email,
            phone: p.phone,
            city: p.city,
            code: p.code ? `K${i}` : null,
            status: p.status,
            civility: p.civility,
            createdAt: `2025-01-${String(p.day).padStart(2, '0')}T00:00:00.000Z`,
          });
        });
        people.forEach((p, i) => {
          for (const link of p.links) {
            const ref = refs[link % refs.length];
            if (ref) addLinked(db, ref, ids[i] ?? 0, link);
          }
          // extras that repeat other records' primaries exercise the de-duplication
          if (p.email) db.prepare('INSERT INTO contact_emails (contact_id, email) VALUES (?, ?)').run(ids[(i + 1) % ids.length], p.email);
        });
        fixAggregates(db);
        const original = dump(db);

        const merges: number[] = [];
        for (const o of ops) {
          const alive = db.prepare('SELECT id FROM contacts ORDER BY id').pluck().all() as number[];
          if (o.kind === 'merge') {
            if (alive.length < 2) continue;
            const keptId = alive[o.a % alive.length] ?? 0;
            const rest = alive.filter((x) => x !== keptId);
            const removedId = rest[o.b % rest.length] ?? 0;
            merges.push(mergeContacts(store, { keptId, removedId, fields: o.fields }).mergeId);
          } else if (merges.length > 0) {
            const id = merges[o.pick % merges.length] ?? 0;
            try {
              undoMerge(store, id);
            } catch (error) {
              expect(error).toBeInstanceOf(AppError);
              expect((error as AppError).code).toBe('CONFLICT');
            }
          }
        }
        for (const id of [...merges].sort((x, y) => y - x)) {
          const undone = db.prepare('SELECT undone_at FROM merges WHERE id = ?').pluck().get(id);
          if (undone === null) undoMerge(store, id);
        }
        expect(dump(db)).toEqual(original);
        store.sqlite.close();
      }),
      { numRuns: 25 },
    );
  });
});

describe('through the contract', () => {
  it('previews, merges, lists and undoes', async () => {
    const { api } = await openClient();
    const a = await api.call('contacts.create', { firstName: 'Jean', lastName: 'Dupont', email: 'jean@example.fr', postcode: '75011' });
    const b = await api.call('contacts.create', { firstName: 'Jean', lastName: 'Dupond', phone: '06 12 34 56 78', postcode: '75011' });
    const changed: string[] = [];
    api.on('data.changed', (e) => changed.push(e.scope));

    const preview = await api.call('contacts.mergePreview', { keptId: a.id, removedId: b.id });
    expect(preview.fields.find((f) => f.field === 'phone')).toMatchObject({ kept: null, removed: '+33612345678', default: 'removed' });

    const result = await api.call('contacts.merge', { keptId: a.id, removedId: b.id, fields: { lastName: 'removed' } });
    expect(result).toMatchObject({ keptId: a.id, removedId: b.id });
    const merged = await api.call('contacts.get', { id: a.id });
    expect(merged).toMatchObject({ lastName: 'Dupond', phone: '+33612345678', email: 'jean@example.fr' });
    await expect(api.call('contacts.get', { id: b.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const list = await api.call('merges.list', { contactId: a.id });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: result.mergeId, removedName: 'Jean Dupond', undoBlocker: null });

    await api.call('merges.undo', { mergeId: result.mergeId });
    expect(await api.call('contacts.get', { id: b.id })).toMatchObject({ lastName: 'Dupond', phone: '+33612345678' });
    expect(await api.call('contacts.get', { id: a.id })).toMatchObject({ lastName: 'Dupont', phone: null });
    await expect(api.call('merges.undo', { mergeId: result.mergeId })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'already_undone' },
    });
    expect(changed).toEqual(['contacts', 'contacts']);

    await expect(api.call('contacts.merge', { keptId: a.id, removedId: a.id })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(api.call('contacts.merge', { keptId: a.id, removedId: 424242 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.call('merges.undo', { mergeId: 424242 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
