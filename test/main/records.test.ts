import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidSiren, isValidSiret, type ContactInput } from '../../src-main/contract';
import { cityKey } from '../../src-main/domain/contacts/keys';
import { applyPragmas, migrate } from '../../src-main/store/open';
import { openClient, tempDir, failure } from './helpers';

type Ctx = Awaited<ReturnType<typeof openClient>>;

/** A second, read-only connection: what is really on disk (WAL readers see committed data). */
const raw = (ctx: Ctx) => new Database(ctx.dbPath, { readonly: true });

const TABLES = ['contacts', 'contact_emails', 'contact_phones', 'tags', 'contact_tags', 'companies', 'purchases'] as const;
const counts = (ctx: Ctx): Record<string, number> => {
  const db = raw(ctx);
  try {
    return Object.fromEntries(TABLES.map((t) => [t, Number(db.prepare(`SELECT count(*) FROM ${t}`).pluck().get())]));
  } finally {
    db.close();
  }
};


const full: ContactInput = {
  civility: 'mme',
  firstName: 'Élodie',
  lastName: 'Bégué',
  email: 'Elodie@Example.FR',
  phone: '06 11 22 33 44',
  code: 'C-0001',
  jobTitle: 'Gérante',
  emails: [
    { email: ' PRO@begue.fr ', label: 'pro' },
    { email: 'pro@begue.fr' },
    { email: 'elodie@example.fr', label: 'same as primary' },
  ],
  phones: [{ phone: '+33 4 78 00 00 00', label: 'bureau' }, { phone: '0611223344' }],
  birthDate: '1980-02-29',
  language: 'FR',
  source: 'salesperson',
  sourceDetail: 'Salon de Lyon',
  sourceDate: '2024-03-01',
  dataOrigin: 'own',
  tags: ['VIP', 'Fidèle', 'vip ', 'FIDELE'],
};

describe('contacts, complete', () => {
  it('stores every field, normalised, and returns the full record', async () => {
    const ctx = await openClient();
    const co = await ctx.api.call('companies.create', { name: 'Boulangerie Bégué', siret: '732 829 320 00074' });
    const c = await ctx.api.call('contacts.create', { ...full, companyId: co.id });
    expect(c).toMatchObject({
      email: 'elodie@example.fr',
      phone: '+33611223344',
      code: 'C-0001',
      companyId: co.id,
      companyName: 'Boulangerie Bégué',
      jobTitle: 'Gérante',
      emails: [{ email: 'pro@begue.fr', label: 'pro' }],
      phones: [{ phone: '+33478000000', label: 'bureau' }],
      birthDate: '1980-02-29',
      language: 'fr',
      sourceDetail: 'Salon de Lyon',
      sourceDate: '2024-03-01',
      dataOrigin: 'own',
      lastInboundAt: null,
      firstPurchaseAt: null,
    });
    expect(c.tags.map((t) => t.name)).toEqual(['Fidèle', 'VIP']);
    expect(await ctx.api.call('contacts.get', { id: c.id })).toEqual(c);
    const db = raw(ctx);
    expect(db.prepare('SELECT sort_name, match_name, city_key FROM contacts WHERE id = ?').get(c.id)).toEqual({
      sort_name: 'begue elodie',
      match_name: 'elodie begue',
      city_key: null,
    });
    db.close();
  });

  it('reuses tags whatever their case or accents, and counts them', async () => {
    const { api } = await openClient();
    await api.call('contacts.create', { lastName: 'A', tags: ['Fidèle'] });
    await api.call('contacts.create', { lastName: 'B', tags: ['FIDELE', 'Nouveau'] });
    const tags = await api.call('tags.list', {});
    expect(tags.map((t) => [t.name, t.contactCount])).toEqual([
      ['Fidèle', 2],
      ['Nouveau', 1],
    ]);
  });

  it.each([
    [{ lastName: 'A', birthDate: '2999-01-01' }, 'birthDate', 'in_future'],
    [{ lastName: 'A', birthDate: '2023-02-29' }, 'birthDate', 'invalid_date'],
    [{ lastName: 'A', birthDate: '01/02/1980' }, 'birthDate', 'invalid_date'],
    [{ lastName: 'A', sourceDate: '2999-01-01' }, 'sourceDate', 'in_future'],
    [{ lastName: 'A', language: 'fra' }, 'language', 'invalid_language'],
    [{ lastName: 'A', emails: [{ email: 'nope' }] }, 'emails.0.email', 'invalid_email'],
    [{ lastName: 'A', emails: [{ email: '' }] }, 'emails.0.email', 'required'],
    [{ lastName: 'A', phones: [{ phone: '12' }] }, 'phones.0.phone', 'invalid_phone'],
    [{ lastName: 'A', tags: [''] }, 'tags.0', 'required'],
    [{ lastName: 'A', tags: ['x'.repeat(51)] }, 'tags.0', 'too_long'],
    [{ lastName: 'A', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags', 'too_many'],
    [{ lastName: 'A', emails: Array.from({ length: 11 }, (_, i) => ({ email: `a${i}@b.fr` })) }, 'emails', 'too_many'],
    [{ lastName: 'A', code: 'x'.repeat(41) }, 'code', 'too_long'],
  ] as [ContactInput, string, string][])('refuses %j (%s: %s) and writes nothing', async (input, path, code) => {
    const ctx = await openClient();
    const before = counts(ctx);
    const e = await failure(ctx.api.call('contacts.create', input));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.issues).toContainEqual({ path, code });
    expect(counts(ctx)).toEqual(before);
  });

  it('refuses a customer code already in use, and an unknown company, writing nothing', async () => {
    const ctx = await openClient();
    const first = await ctx.api.call('contacts.create', { lastName: 'A', code: 'C1', tags: ['x'] });
    const before = counts(ctx);
    const dup = await failure(ctx.api.call('contacts.create', { lastName: 'B', code: 'C1', tags: ['new tag'], emails: [{ email: 'b@b.fr' }] }));
    expect(dup).toMatchObject({ code: 'CONFLICT', details: { issues: [{ path: 'code', code: 'code_taken' }], id: first.id } });
    const company = await failure(ctx.api.call('contacts.create', { lastName: 'B', companyId: 999, tags: ['other'] }));
    expect(company).toMatchObject({ code: 'NOT_FOUND', details: { entity: 'company', id: 999 } });
    expect(counts(ctx)).toEqual(before);
    const other = await ctx.api.call('contacts.create', { lastName: 'C' });
    const upd = await failure(ctx.api.call('contacts.update', { id: other.id, patch: { code: 'C1' } }));
    expect(upd.code).toBe('CONFLICT');
    // its own code is not a conflict with itself
    await expect(ctx.api.call('contacts.update', { id: first.id, patch: { code: 'C1', city: 'Lyon' } })).resolves.toMatchObject({
      city: 'Lyon',
    });
  });

  it('updates only what the patch names, and keeps the derived keys current', async () => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', {
      ...full,
      country: 'BE',
      postcode: '1000',
      status: 'former',
      source: 'website',
      dataOrigin: 'purchased',
    });
    const u = await ctx.api.call('contacts.update', { id: c.id, patch: { city: 'Bruxelles', firstName: 'Zoé' } });
    // a patch that leaves status, country, source, lists out leaves them alone
    expect(u).toMatchObject({
      status: 'former',
      country: 'BE',
      source: 'website',
      dataOrigin: 'purchased',
      emails: c.emails,
      phones: c.phones,
      tags: c.tags,
      city: 'Bruxelles',
    });
    const db = raw(ctx);
    expect(db.prepare('SELECT sort_name, match_name, city_key FROM contacts WHERE id = ?').get(c.id)).toEqual({
      sort_name: 'begue zoe',
      match_name: 'zoe begue',
      city_key: 'bruxelles',
    });
    db.close();
    const swapped = await ctx.api.call('contacts.update', {
      id: c.id,
      patch: { email: 'pro@begue.fr', tags: ['Nouveau'], phones: [] },
    });
    expect(swapped.emails).toEqual([]);
    expect(swapped.phones).toEqual([]);
    expect(swapped.tags.map((t) => t.name)).toEqual(['Nouveau']);
    const tags = await ctx.api.call('tags.list', {});
    expect(Object.fromEntries(tags.map((t) => [t.name, t.contactCount]))).toEqual({ VIP: 0, Fidèle: 0, Nouveau: 1 });
  });

  it('erases personal rows with the contact and keeps its sales, anonymous', async () => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', full);
    await ctx.api.call('notes.create', { contactId: c.id, body: 'Aime le pain de seigle' });
    await ctx.api.call('interactions.create', { contactId: c.id, kind: 'visit', summary: 'Passée en boutique' });
    await ctx.api.call('tasks.create', { contactId: c.id, title: 'Rappeler', dueDate: '2024-05-01' });
    const sale = await ctx.api.call('purchases.create', { contactId: c.id, lines: [{ label: 'Pain', unitPriceCents: 250 }] });
    await ctx.api.call('contacts.delete', { id: c.id });
    const db = raw(ctx);
    for (const t of ['contact_emails', 'contact_phones', 'contact_tags', 'notes', 'interactions', 'tasks']) {
      expect([t, db.prepare(`SELECT count(*) FROM ${t}`).pluck().get()]).toEqual([t, 0]);
    }
    expect(db.prepare('SELECT contact_id, amount_cents FROM purchases WHERE id = ?').get(sale.id)).toEqual({
      contact_id: null,
      amount_cents: 250,
    });
    db.close();
    expect((await ctx.api.call('tags.list', {})).every((t) => t.contactCount === 0)).toBe(true);
  });
});

describe('tags', () => {
  it('renames, colours and deletes a tag; refuses a name already taken', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { lastName: 'A', tags: ['vip', 'Nouveau'] });
    const [nouveau, vip] = await api.call('tags.list', {});
    expect(await api.call('tags.update', { id: vip!.id, name: 'VIP', color: '#FFAA00' })).toMatchObject({
      name: 'VIP',
      color: '#ffaa00',
      contactCount: 1,
    });
    await expect(api.call('tags.update', { id: vip!.id, name: 'nouveau' })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { issues: [{ path: 'name', code: 'tag_exists' }] },
    });
    await expect(api.call('tags.update', { id: 999, name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.call('tags.update', { id: vip!.id, color: 'red' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await api.call('tags.delete', { id: nouveau!.id });
    expect((await api.call('contacts.get', { id: c.id })).tags.map((t) => t.name)).toEqual(['VIP']);
    await expect(api.call('tags.delete', { id: nouveau!.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('companies', () => {
  it('checks SIREN and SIRET keys, La Poste included', () => {
    expect(isValidSiren('732829320')).toBe(true);
    expect(isValidSiren('732829321')).toBe(false);
    expect(isValidSiren('73282932')).toBe(false);
    expect(isValidSiren('356000000')).toBe(true);
    expect(isValidSiret('73282932000074')).toBe(true);
    expect(isValidSiret('73282932000075')).toBe(false);
    // La Poste establishments: digit sum multiple of 5, not Luhn
    expect(isValidSiret('35600000000010')).toBe(true);
    expect(isValidSiret('35600000049837')).toBe(true);
    expect(isValidSiret('35600000000011')).toBe(false);
  });

  it('creates, reads, updates, lists and deletes companies', async () => {
    const { api } = await openClient();
    const a = await api.call('companies.create', { name: 'Épicerie Fine', siret: '73282932000074', city: 'Lyon', postcode: '69001' });
    expect(a).toMatchObject({ siren: '732829320', siret: '73282932000074', country: 'FR', peopleCount: 0 });
    const b = await api.call('companies.create', { name: 'La Poste', siren: '356 000 000' });
    expect(b.siren).toBe('356000000');
    expect(await api.call('companies.get', { id: a.id })).toEqual(a);
    const u = await api.call('companies.update', { id: a.id, patch: { name: 'Epicerie du Marché' } });
    expect(u).toMatchObject({ name: 'Epicerie du Marché', siret: '73282932000074' });
    expect((await api.call('companies.list', { q: 'marche' })).rows.map((r) => r.id)).toEqual([a.id]);
    expect((await api.call('companies.list', { q: '356000000' })).rows.map((r) => r.id)).toEqual([b.id]);
    expect((await api.call('companies.list', { q: '732 829 320 00074' })).rows.map((r) => r.id)).toEqual([a.id]);
    const p1 = await api.call('companies.list', { limit: 1 });
    const p2 = await api.call('companies.list', { limit: 1, cursor: p1.nextCursor });
    expect([...p1.rows, ...p2.rows].map((r) => r.name)).toEqual(['Epicerie du Marché', 'La Poste']);
    expect(p2.nextCursor).toBeNull();
    await api.call('companies.delete', { id: b.id });
    await expect(api.call('companies.get', { id: b.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.call('companies.delete', { id: b.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    [{ name: '' }, 'name', 'required'],
    [{ name: 'X', siren: '123456789' }, 'siren', 'siren_check_digit'],
    [{ name: 'X', siren: '12345678' }, 'siren', 'invalid_siren'],
    [{ name: 'X', siren: '12345678A' }, 'siren', 'invalid_siren'],
    [{ name: 'X', siret: '7328 2932 0000 75' }, 'siret', 'siret_check_digit'],
    [{ name: 'X', siret: '1234567890123' }, 'siret', 'invalid_siret'],
    [{ name: 'X', siren: '356000000', siret: '73282932000074' }, 'siret', 'siret_siren_mismatch'],
    [{ name: 'X', postcode: '6900' }, 'postcode', 'invalid_postcode'],
    [{ name: 'X', email: 'x@' }, 'email', 'invalid_email'],
  ])('refuses %j', async (input, path, code) => {
    const ctx = await openClient();
    const e = await failure(ctx.api.call('companies.create', input));
    expect(e.details?.issues).toContainEqual({ path, code });
    expect(counts(ctx).companies).toBe(0);
  });

  it('refuses a second company with the same SIRET', async () => {
    const ctx = await openClient();
    const a = await ctx.api.call('companies.create', { name: 'A', siret: '73282932000074' });
    const e = await failure(ctx.api.call('companies.create', { name: 'B', siret: '73282932000074' }));
    expect(e).toMatchObject({ code: 'CONFLICT', details: { id: a.id, issues: [{ path: 'siret', code: 'siret_taken' }] } });
    const b = await ctx.api.call('companies.create', { name: 'B' });
    await expect(ctx.api.call('companies.update', { id: b.id, patch: { siret: '73282932000074' } })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(counts(ctx).companies).toBe(2);
  });

  it('links and unlinks people, lists them, and unlinks them when the company goes', async () => {
    const { api } = await openClient();
    const co = await api.call('companies.create', { name: 'Atelier' });
    const other = await api.call('companies.create', { name: 'Autre' });
    const ids: number[] = [];
    for (const n of ['Martin', 'Durand', 'Bégué']) ids.push((await api.call('contacts.create', { lastName: n })).id);
    expect(await api.call('companies.link', { companyId: co.id, contactIds: ids })).toEqual({ affected: 3 });
    expect(await api.call('companies.link', { companyId: co.id, contactIds: ids })).toEqual({ affected: 0 });
    expect((await api.call('companies.get', { id: co.id })).peopleCount).toBe(3);
    const people = await api.call('companies.people', { id: co.id });
    expect(people.rows.map((r) => r.lastName)).toEqual(['Bégué', 'Durand', 'Martin']);
    expect(people.rows[0]).toMatchObject({ companyId: co.id, companyName: 'Atelier' });
    expect(people.total).toBe(3);
    await expect(api.call('companies.link', { companyId: co.id, contactIds: [ids[0]!, 999] })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { entity: 'contact', id: 999 },
    });
    expect(await api.call('companies.unlink', { companyId: other.id, contactIds: ids })).toEqual({ affected: 0 });
    expect(await api.call('companies.unlink', { companyId: co.id, contactIds: [ids[0]!] })).toEqual({ affected: 1 });
    await api.call('companies.delete', { id: co.id });
    const c = await api.call('contacts.get', { id: ids[1]! });
    expect(c).toMatchObject({ companyId: null, companyName: null });
    await expect(api.call('companies.people', { id: co.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('bulk actions', () => {
  const seed = async () => {
    const ctx = await openClient();
    const ids: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      const c = await ctx.api.call('contacts.create', {
        lastName: `Nom${i}`,
        city: i % 2 === 0 ? 'Lyon' : 'Paris',
        status: i % 3 === 0 ? 'customer' : 'prospect',
      });
      ids.push(c.id);
    }
    return { ...ctx, ids };
  };

  it('tags, untags and deletes a selection', async () => {
    const ctx = await seed();
    const { api, ids } = ctx;
    expect(await api.call('contacts.bulk', { ids: ids.slice(0, 5), action: 'tag', tag: 'Salon 2024' })).toEqual({ affected: 5 });
    expect(await api.call('contacts.bulk', { ids: ids.slice(0, 7), action: 'tag', tag: 'SALON 2024' })).toEqual({ affected: 2 });
    const [tag] = await api.call('tags.list', {});
    expect(tag).toMatchObject({ name: 'Salon 2024', contactCount: 7 });
    expect(await api.call('contacts.bulk', { ids: ids.slice(0, 3), action: 'untag', tag: tag!.id })).toEqual({ affected: 3 });
    expect(await api.call('contacts.bulk', { ids, action: 'untag', tag: 'unknown tag' })).toEqual({ affected: 0 });
    expect((await api.call('contacts.list', { tags: [tag!.id] })).total).toBe(4);
    const sale = await api.call('purchases.create', { contactId: ids[0]!, lines: [{ label: 'x', unitPriceCents: 100 }] });
    expect(await api.call('contacts.bulk', { ids: [...ids.slice(0, 2), 99_999], action: 'delete' })).toEqual({ affected: 2 });
    expect((await api.call('purchases.get', { id: sale.id })).contactId).toBeNull();
    expect((await api.call('app.status', {})).contactCount).toBe(10);
  });

  it('acts on everything a filter matches, search included', async () => {
    const { api } = await seed();
    expect(await api.call('contacts.bulk', { filter: { city: 'lyon', status: ['customer'] }, action: 'tag', tag: 'Lyonnais' })).toEqual({
      affected: 2,
    });
    expect(await api.call('contacts.bulk', { filter: { q: 'nom1' }, action: 'tag', tag: 'Lyonnais' })).toEqual({ affected: 3 });
    expect(await api.call('contacts.bulk', { filter: { city: 'paris' }, action: 'delete' })).toEqual({ affected: 6 });
    expect((await api.call('contacts.list', {})).total).toBe(6);
  });

  it('counts what a filter matches, and deletes it only while it still matches the number confirmed', async () => {
    const ctx = await seed();
    const { api } = ctx;
    expect(await api.call('contacts.count', { filter: { city: 'paris' } })).toEqual({ count: 6 });
    expect(await api.call('contacts.count', { filter: { q: 'nom1' } })).toEqual({ count: 3 });
    const before = counts(ctx);
    const moved = await failure(api.call('contacts.bulk', { filter: { city: 'paris' }, action: 'delete', expected: 5 }));
    expect(moved).toMatchObject({ code: 'CONFLICT', details: { reason: 'count_changed', count: 6 } });
    expect(counts(ctx)).toEqual(before);
    expect(await api.call('contacts.bulk', { filter: { city: 'paris' }, action: 'delete', expected: 6 })).toEqual({ affected: 6 });
    expect(await api.call('contacts.count', { filter: { city: 'paris' } })).toEqual({ count: 0 });
  });

  it.each([
    [{ action: 'delete' }, 'ids', 'ids_or_filter'],
    [{ ids: [1], filter: {}, action: 'delete' }, 'ids', 'ids_or_filter'],
    [{ ids: [1], action: 'tag' }, 'tag', 'required'],
    [{ ids: [], action: 'delete' }, 'ids', 'required'],
    [{ ids: Array.from({ length: 10_001 }, (_, i) => i + 1), action: 'delete' }, 'ids', 'too_many'],
    [{ ids: [1], action: 'explode' }, 'action', 'invalid_value'],
  ])('refuses %#', async (input, path, code) => {
    const ctx = await seed();
    const before = counts(ctx);
    const e = await failure(ctx.api.call('contacts.bulk', input as never));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.issues).toContainEqual({ path, code });
    expect(counts(ctx)).toEqual(before);
  });

  it('refuses an unknown tag id and writes nothing', async () => {
    const ctx = await seed();
    const before = counts(ctx);
    await expect(ctx.api.call('contacts.bulk', { ids: ctx.ids, action: 'tag', tag: 42 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(counts(ctx)).toEqual(before);
  });
});

describe('city key', () => {
  it('the SQL that fills it for other writers and its JS twin agree, on insert and on update', async () => {
    const ctx = await openClient();
    const db = new Database(ctx.dbPath);
    const insert = db.prepare(
      "INSERT INTO contacts (last_name, city, source, sort_name, created_at, updated_at) VALUES ('x', ?, 'other', 'x', '', '')",
    );
    const move = db.prepare('UPDATE contacts SET city = ? WHERE id = ?');
    const read = db.prepare('SELECT city_key FROM contacts WHERE id = ?').pluck();
    const alphabet = fc.constantFrom(...'aAzZ -\'’éÉèÈêÊëËàÀâÂîÎïÏôÔöÖùÙûÛüÜçÇœŒæÆÿŸñÑøØßłŁ\u0301\u0308e0'.split(''));
    const city = fc.array(alphabet, { maxLength: 20 }).map((a) => a.join(''));
    fc.assert(
      fc.property(city, fc.option(city), (first, second) => {
        const id = Number(insert.run(first).lastInsertRowid);
        expect(read.get(id)).toBe(cityKey(first));
        move.run(second, id);
        expect(read.get(id)).toBe(second === null ? null : cityKey(second));
      }),
      { numRuns: 300 },
    );
    expect(cityKey('Saint-Étienne')).toBe('saint etienne');
    expect(cityKey("L'Haÿ-les-Roses")).toBe('l hay les roses');
    db.close();
    // the app writes it itself
    const c = await ctx.api.call('contacts.create', { lastName: 'A', city: 'Évry-Courcouronnes' });
    const u = await ctx.api.call('contacts.update', { id: c.id, patch: { city: 'ANGOULÊME' } });
    expect((await ctx.api.call('contacts.list', { city: 'angouleme' })).rows.map((r) => r.id)).toEqual([u.id]);
  });
});

describe('migrations 3 and 4', () => {
  it('fills the new counters, tag counts and city keys from a version 2 base, and keeps them by trigger', () => {
    const db = new Database(`${tempDir()}/v2.sqlite`);
    applyPragmas(db);
    migrate(db, undefined, 2);
    const add = db.prepare(
      "INSERT INTO contacts (last_name, city, status, source, sort_name, created_at, updated_at) VALUES (?, ?, ?, 'other', '', '', '')",
    );
    add.run('A', 'Saint-Étienne', 'customer');
    add.run('B', null, 'customer');
    add.run('C', 'LYON', 'former');
    db.exec("INSERT INTO tags (name, folded) VALUES ('VIP', 'vip'); INSERT INTO contact_tags VALUES (1, 1), (2, 1);");
    migrate(db);
    const counter = (name: string) => db.prepare('SELECT value FROM counters WHERE name = ?').pluck().get(name);
    expect([counter('contacts.prospect'), counter('contacts.customer'), counter('contacts.former')]).toEqual([0, 2, 1]);
    expect(db.prepare('SELECT contact_count FROM tags').pluck().get()).toBe(2);
    expect(db.prepare('SELECT city_key FROM contacts ORDER BY id').pluck().all()).toEqual(['saint etienne', null, 'lyon']);
    // stored, not generated (migration 4): a plain column of the table
    const info = db.prepare('SELECT name, hidden FROM pragma_table_xinfo(?)').all('contacts') as { name: string; hidden: number }[];
    expect(info.find((c) => c.name === 'city_key')).toEqual({ name: 'city_key', hidden: 0 });
    db.exec("UPDATE contacts SET status = 'prospect' WHERE id = 1; DELETE FROM contacts WHERE id = 2;");
    expect([counter('contacts.prospect'), counter('contacts.customer'), counter('contacts.former')]).toEqual([1, 0, 1]);
    expect(db.prepare('SELECT contact_count FROM tags').pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });
});
