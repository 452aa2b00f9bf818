import { describe, expect, it } from 'vitest';
import { AppError, SORTED_SEARCH_MAX, type ContactPage, type ContactRow } from '../../src-main/contract';
import { contactInput, contactListInput, contactUpdateInput } from '../../src-main/contract/contacts';
import { listContacts } from '../../src-main/domain/contacts/list';
import { contactToInput, getContact, insertContact, storedInput, updateContact, withInputLists } from '../../src-main/domain/contacts/service';
import { transaction } from '../../src-main/store/db';
import { openClient, openStore } from './helpers';

const people = [
  { firstName: 'François', lastName: 'Lefèvre', city: 'Lyon', postcode: '69001', email: 'f.lefevre@orange.fr' },
  { firstName: 'Élodie', lastName: 'Bégué', city: 'Ajaccio', postcode: '20000', phone: '06 11 22 33 44' },
  { firstName: 'Zoé', lastName: 'Martin', city: null, postcode: null },
  { firstName: 'Jean', lastName: 'Dupont', city: 'Bourg-en-Bresse', postcode: '01000' },
  { firstName: 'Anne', lastName: 'Dupont', city: 'Paris', postcode: '75011' },
];

const seed = async () => {
  const ctx = await openClient();
  for (const p of people) await ctx.api.call('contacts.create', p);
  return ctx;
};

const allPages = async (
  api: Awaited<ReturnType<typeof openClient>>['api'],
  input: { sort?: 'name' | 'city' | 'postcode' | 'createdAt'; dir?: 'asc' | 'desc'; q?: string; limit: number },
) => {
  const rows: ContactRow[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i += 1) {
    const page: ContactPage = await api.call('contacts.list', { ...input, cursor });
    rows.push(...page.rows);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return rows;
};

describe('contacts', () => {
  it('creates, reads, updates and deletes a contact on a real file', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Lefèvre', phone: '0612345678', postcode: '01000' });
    expect(c).toMatchObject({ id: 1, phone: '+33612345678', postcode: '01000', status: 'prospect', purchaseCount: 0 });
    expect(await api.call('contacts.get', { id: c.id })).toEqual(c);
    const u = await api.call('contacts.update', { id: c.id, patch: { city: 'Bourg-en-Bresse', email: 'ZOE@example.FR' } });
    expect(u).toMatchObject({ city: 'Bourg-en-Bresse', email: 'zoe@example.fr', firstName: 'Zoé' });
    expect(u.updatedAt >= c.updatedAt).toBe(true);
    await api.call('contacts.delete', { id: c.id });
    await expect(api.call('contacts.get', { id: c.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await api.call('app.status', {})).contactCount).toBe(0);
  });

  it('reads back as input exactly what was stored, every field and list, the way an import compares rows with it', () => {
    const store = openStore();
    const company = Number(
      store.sqlite
        .prepare("INSERT INTO companies (name, sort_name, created_at, updated_at) VALUES ('Cave Lefèvre', 'cave lefevre', 'x', 'x')")
        .run().lastInsertRowid,
    );
    const id = insertContact(
      store,
      contactInput.parse({
        civility: 'mme',
        firstName: 'Zoé',
        lastName: 'Lefèvre',
        email: 'zoe@example.fr',
        phone: '0612345678',
        emails: [{ email: 'z.lefevre@cave.fr', label: 'travail' }],
        phones: [{ phone: '0478000000', label: null }],
        addressLine1: '3 rue des Vignes',
        addressLine2: 'Bât. B',
        postcode: '01000',
        city: 'Bourg-en-Bresse',
        country: 'FR',
        status: 'customer',
        source: 'salesperson',
        code: 'C0042',
        companyId: company,
        jobTitle: 'Sommelière',
        birthDate: '1980-02-29',
        language: 'fr',
        sourceDetail: 'Salon des vins',
        sourceDate: '2026-03-01',
        dataOrigin: 'own',
        tags: ['VIP', 'Pro'],
      }),
    );
    const whole = contactToInput(getContact(store, id));
    expect(withInputLists(store, id, storedInput(store, id))).toEqual(whole);
    expect(storedInput(store, id)).toEqual({ ...whole, emails: [], phones: [], tags: [] });
    expect(() => storedInput(store, id + 1)).toThrow(AppError);
  });

  it('sets only the columns an edit changes, so indexes and triggers on the others are left alone', () => {
    const store = openStore();
    const db = store.sqlite;
    const c = transaction(store, () =>
      insertContact(store, contactInput.parse({ firstName: 'Zoé', lastName: 'Lefèvre', city: 'Lyon', postcode: '69001', jobTitle: 'Gérante' }), '2024-01-01T00:00:00.000Z'),
    );
    // what SQLite does for a column named in SET, whatever its value: fire the UPDATE OF triggers naming it
    db.exec(`CREATE TEMP TABLE fired (what TEXT);
      CREATE TEMP TRIGGER seen_search AFTER UPDATE OF first_name, last_name, email, phone, city, postcode ON main.contacts
        BEGIN INSERT INTO fired VALUES ('search'); END;
      CREATE TEMP TRIGGER seen_list AFTER UPDATE OF status, sort_name, source, city_key, postcode ON main.contacts
        BEGIN INSERT INTO fired VALUES ('list'); END;
      CREATE TEMP TRIGGER seen_job AFTER UPDATE OF job_title ON main.contacts BEGIN INSERT INTO fired VALUES ('job'); END;
      CREATE TEMP TRIGGER seen_update AFTER UPDATE ON main.contacts BEGIN INSERT INTO fired VALUES ('row'); END;`);
    const edit = (patch: Record<string, unknown>): string[] => {
      db.exec('DELETE FROM fired');
      transaction(store, () => updateContact(store, contactUpdateInput.parse({ id: c, patch })));
      return (db.prepare('SELECT what FROM fired ORDER BY what').pluck().all() as string[]).filter((w, i, all) => all.indexOf(w) === i);
    };
    expect(edit({ jobTitle: 'Directrice' })).toEqual(['job', 'row']);
    expect(edit({ lastName: 'Lefebvre' })).toEqual(['list', 'row', 'search']);
    // the same values again: the row's updated_at only
    expect(edit({ lastName: 'Lefebvre', jobTitle: 'Directrice' })).toEqual(['row']);
    expect(edit({ city: 'Villeurbanne', postcode: '69100' })).toEqual(['list', 'row', 'search']);
    const stored = db.prepare('SELECT last_name, job_title, city, city_key, postcode, sort_name FROM contacts WHERE id = ?').get(c);
    expect(stored).toEqual({ last_name: 'Lefebvre', job_title: 'Directrice', city: 'Villeurbanne', city_key: 'villeurbanne', postcode: '69100', sort_name: 'lefebvre zoe' });
    expect(listContacts(store, contactListInput.parse({ q: 'villeurb' })).rows.map((r) => r.id)).toEqual([c]);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses an update that would leave the contact invalid, and changes nothing', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    await expect(api.call('contacts.update', { id: c.id, patch: { lastName: null } })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { issues: [{ path: 'lastName', code: 'name_required' }] },
    });
    expect((await api.call('contacts.get', { id: c.id })).lastName).toBe('Martin');
  });

  it('reports invalid input with field issues and writes nothing', async () => {
    const { api } = await openClient();
    const error = await api.call('contacts.create', { lastName: 'x'.repeat(10_000), email: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details?.issues).toEqual(
      expect.arrayContaining([
        { path: 'lastName', code: 'too_long' },
        { path: 'email', code: 'invalid_email' },
      ]),
    );
    expect((await api.call('app.status', {})).contactCount).toBe(0);
  });

  it('stores SQL-looking and HTML names verbatim', async () => {
    const { api } = await openClient();
    const evil = "'); DROP TABLE contacts; --";
    const c = await api.call('contacts.create', { firstName: '<img src=x onerror=alert(1)>', lastName: evil });
    expect((await api.call('contacts.get', { id: c.id })).lastName).toBe(evil);
    const found = await api.call('contacts.list', { q: 'drop table' });
    expect(found.rows.map((r) => r.id)).toEqual([c.id]);
  });

  it('lists by name ignoring accents and case, in both directions, page by page', async () => {
    const { api } = await seed();
    const asc = await allPages(api, { sort: 'name', limit: 2 });
    expect(asc.map((r) => r.lastName)).toEqual(['Bégué', 'Dupont', 'Dupont', 'Lefèvre', 'Martin']);
    expect(asc.map((r) => r.firstName).slice(1, 3)).toEqual(['Anne', 'Jean']);
    const desc = await allPages(api, { sort: 'name', dir: 'desc', limit: 2 });
    expect(desc.map((r) => r.id)).toEqual(asc.map((r) => r.id).reverse());
  });

  it('pages through a nullable column with the blanks last in both directions', async () => {
    const { api } = await seed();
    const asc = await allPages(api, { sort: 'city', limit: 1 });
    expect(asc.map((r) => r.city)).toEqual(['Ajaccio', 'Bourg-en-Bresse', 'Lyon', 'Paris', null]);
    const desc = await allPages(api, { sort: 'city', dir: 'desc', limit: 3 });
    expect(desc.map((r) => r.city)).toEqual(['Paris', 'Lyon', 'Bourg-en-Bresse', 'Ajaccio', null]);
    const pc = await allPages(api, { sort: 'postcode', limit: 2 });
    expect(pc.map((r) => r.postcode)).toEqual(['01000', '20000', '69001', '75011', null]);
  });

  it('reports the base size without a query and the match count with one', async () => {
    const { api } = await seed();
    expect((await api.call('contacts.list', {})).total).toBe(5);
    const page = await api.call('contacts.list', { q: 'dupont' });
    expect(page).toMatchObject({ total: 2, capped: false });
  });

  it.each([
    ['francois', ['Lefèvre']],
    ['FRANÇ', ['Lefèvre']],
    ['elo beg', ['Bégué']],
    ['dupont', ['Dupont', 'Dupont']],
    ['anne dup', ['Dupont']],
    ['f.lefevre@orange', ['Lefèvre']],
    ['0611', ['Bégué']],
    ['+33 6 11 22', ['Bégué']],
    ['ajac', ['Bégué']],
    ['01000', ['Dupont']],
    ['zzz', []],
  ])('finds %s as you type', async (q, expected) => {
    const { api } = await seed();
    const page = await api.call('contacts.list', { q });
    expect(page.rows.map((r) => r.lastName)).toEqual(expected);
  });

  it('keeps the search index right after edits and deletes', async () => {
    const { api } = await seed();
    const [f] = (await api.call('contacts.list', { q: 'francois' })).rows;
    await api.call('contacts.update', { id: f!.id, patch: { firstName: 'Frank' } });
    expect((await api.call('contacts.list', { q: 'francois' })).rows).toEqual([]);
    expect((await api.call('contacts.list', { q: 'frank' })).rows).toHaveLength(1);
    await api.call('contacts.delete', { id: f!.id });
    expect((await api.call('contacts.list', { q: 'frank' })).rows).toEqual([]);
  });

  it('pages a broad search newest first without sorting it, and sorts a narrow one', async () => {
    const { api } = await openClient();
    const n = SORTED_SEARCH_MAX + 50;
    for (let i = 0; i < n; i += 1) await api.call('contacts.create', { firstName: `Prénom${i}`, lastName: 'Martin' });
    await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Martineau' });
    const first = await api.call('contacts.list', { q: 'mart', limit: 100 });
    expect(first).toMatchObject({ capped: true, total: null });
    const ids = (await allPages(api, { q: 'mart', limit: 100 })).map((r) => r.id);
    expect(ids).toHaveLength(n + 1);
    expect(new Set(ids).size).toBe(n + 1);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const narrow = await api.call('contacts.list', { q: 'prénom1', sort: 'name', dir: 'desc', limit: 500 });
    expect(narrow.capped).toBe(false);
    expect(narrow.total).toBe(narrow.rows.length);
    expect(narrow.rows.map((r) => r.firstName)).toEqual(
      [...narrow.rows.map((r) => r.firstName)].sort((a, b) => (a! < b! ? 1 : -1)),
    );
  });

  it('refuses a forged cursor', async () => {
    const { api } = await seed();
    await expect(api.call('contacts.list', { cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
