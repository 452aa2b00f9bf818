import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { ImportReport, JobFinished } from '../../src-main/contract';
import type { StoreClient } from '../../src-main/host/client';
import { isSuppressed, suppressionHash } from '../../src-main/domain/consent/suppression';
import { openClient, openStore, undoImportCall } from './helpers';

type Ctx = Awaited<ReturnType<typeof openClient>>;

const importFile = async (client: StoreClient, file: string, options: { dryRun?: boolean; mapping?: (string | null)[] } = {}): Promise<ImportReport> => {
  const done = new Promise<JobFinished>((resolve) => {
    client.onEvent((event, payload) => {
      if (event === 'job.finished') resolve(payload as JobFinished);
    });
  });
  const started = await client.invoke('imports.run', { kind: 'contacts', path: file, dryRun: options.dryRun ?? false, policy: 'merge', ...(options.mapping ? { mapping: options.mapping } : {}) });
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  const f = await done;
  if (f.status !== 'done') throw new Error(`import ${f.status}: ${JSON.stringify(f.error)}`);
  return f.result as ImportReport;
};

/** A French Excel CSV (UTF-8 with BOM, `;`, CRLF). */
const csv = (ctx: Ctx, name: string, lines: string[]): string => {
  const file = path.join(ctx.dir, name);
  fs.writeFileSync(file, `\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
  return file;
};

const raw = <T>(ctx: Ctx, fn: (db: Database.Database) => T): T => {
  const db = new Database(ctx.dbPath, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
};

describe('suppression list', () => {
  it('hashes normalised addresses with a per-install salt and never stores them', () => {
    const a = openStore();
    const b = openStore();
    a.sqlite.transaction(() => {
      expect(suppressionHash(a, 'email', ' Claire.Martin@Example.FR ')).toBe(suppressionHash(a, 'email', 'claire.martin@example.fr'));
      expect(suppressionHash(a, 'phone', '06 12 34 56 78')).toBe(suppressionHash(a, 'phone', '+33612345678'));
      expect(suppressionHash(a, 'email', 'x@example.fr')).toMatch(/^[0-9a-f]{64}$/);
    })();
    b.sqlite.transaction(() => {
      expect(suppressionHash(b, 'email', 'x@example.fr')).not.toBe(suppressionHash(a, 'email', 'x@example.fr'));
    })();
    // nothing suppressed: no salt needed, none made
    const c = openStore();
    expect(isSuppressed(c, ['x@example.fr'], ['0612345678'])).toBe(false);
    expect(c.sqlite.prepare("SELECT count(*) FROM settings WHERE key = 'privacy.salt'").pluck().get()).toBe(0);
  });

  it('object → delete → re-import the same e-mail from a CSV: the new contact is objected, not contactable', async () => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', { lastName: 'Martin', email: 'claire.martin@example.fr', status: 'customer' });
    await ctx.api.call('consent.record', { contactId: c.id, method: 'counter', entries: [{ channel: 'email', purpose: 'newsletter', event: 'granted' }] });
    await ctx.api.call('consent.object', { contactId: c.id, method: 'email' });
    await ctx.api.call('contacts.delete', { id: c.id });
    expect(raw(ctx, (db) => db.prepare('SELECT count(*) FROM consent_events').pluck().get())).toBe(0);

    const file = csv(ctx, 'clients.csv', ['Nom;Prénom;E-mail;Téléphone', 'MARTIN;Claire;Claire.Martin@example.fr;', 'DURAND;Paul;paul.durand@example.fr;06 11 22 33 44']);
    const r = await importFile(ctx.client, file);
    expect(r.created).toBe(2);
    const list = await ctx.api.call('contacts.list', { q: '' });
    const claire = list.rows.find((x) => x.lastName?.toUpperCase() === 'MARTIN');
    const paul = list.rows.find((x) => x.lastName?.toUpperCase() === 'DURAND');
    if (!claire || !paul) throw new Error('imported contacts missing');
    const s = await ctx.api.call('consent.status', { id: claire.id });
    expect(s.cells.every((x) => x.state === 'objected' && !x.decision.allowed)).toBe(true);
    expect(s.events.every((e) => e.method === 'system' && e.operator === 'suppression')).toBe(true);
    expect((await ctx.api.call('consent.status', { id: paul.id })).events).toEqual([]);
    const segment = await ctx.api.call('contacts.list', { contactable: { channel: 'post', purpose: 'offers' } });
    expect(segment.rows.map((x) => x.id)).not.toContain(claire.id);
  });

  it('typing a suppressed phone into a new or an existing contact objects it', async () => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', { lastName: 'Petit', phone: '06 98 76 54 32' });
    await ctx.api.call('consent.object', { contactId: c.id, method: 'phone' });
    await ctx.api.call('contacts.delete', { id: c.id });
    const again = await ctx.api.call('contacts.create', { lastName: 'Petit', phone: '+33 6 98 76 54 32' });
    expect((await ctx.api.call('consent.check', { contactId: again.id, channel: 'sms', purpose: 'loyalty' })).reason).toBe('objected');
    const other = await ctx.api.call('contacts.create', { lastName: 'Autre', email: 'autre@example.fr' });
    expect((await ctx.api.call('consent.status', { id: other.id })).events).toEqual([]);
    await ctx.api.call('contacts.update', { id: other.id, patch: { phones: [{ phone: '0698765432', label: null }] } });
    expect((await ctx.api.call('consent.check', { contactId: other.id, channel: 'email', purpose: 'newsletter' })).reason).toBe('objected');
  });
});

describe('consent columns of a contact file', () => {
  const lines = [
    'Nom;Prénom;E-mail;Portable;Accepte e-mails;Optin SMS;Newsletter;Date consentement',
    'MARTIN;Claire;claire@example.fr;06 12 34 56 78;oui;non;x;15/01/2026',
    // a newsletter tool's export: the moment, on this machine's clock
    'DURAND;Paul;paul@example.fr;06 11 22 33 44;0;1;;20/01/2026 10:15',
    'PETIT;Léa;lea@example.fr;;peut-être;;non;',
    'BLANC;Marc;marc@example.fr;;;;;',
  ];

  it('become ledger events with their provenance; undo removes them; a second import adds nothing', async () => {
    const ctx = await openClient();
    const file = csv(ctx, 'clients-consent.csv', lines);
    // the user maps both e-mail columns (the guess gives a target to one column only)
    const mapping = ['lastName', 'firstName', 'email', 'mobile', 'consentEmail', 'consentSms', 'consentEmail', 'consentDate'];
    const dry = await importFile(ctx.client, file, { dryRun: true, mapping });
    expect(dry.created).toBe(4);
    expect(raw(ctx, (db) => db.prepare('SELECT count(*) FROM consent_events').pluck().get())).toBe(0);

    const r = await importFile(ctx.client, file, { mapping });
    expect(r.created).toBe(4);
    expect(r.notices).toContainEqual({ line: 4, field: 'consentEmail', value: 'peut-être', reason: 'consent_not_imported' });
    const byName = new Map((await ctx.api.call('contacts.list', {})).rows.map((x) => [x.lastName?.toUpperCase() ?? '', x.id]));
    const claire = await ctx.api.call('consent.status', { id: byName.get('MARTIN') ?? 0 });
    const state = (s: typeof claire) => Object.fromEntries(s.cells.filter((c) => c.state !== 'unknown').map((c) => [`${c.channel}:${c.purpose}`, c.state]));
    expect(state(claire)).toEqual({ 'email:newsletter': 'granted', 'email:offers': 'granted', 'sms:newsletter': 'withdrawn', 'sms:offers': 'withdrawn' });
    expect(claire.events.every((e) => e.method === 'import' && e.operator === 'import' && e.sourceFile === 'clients-consent.csv' && e.sourceLine === 2)).toBe(true);
    expect(claire.events[0]).toMatchObject({ at: '2026-01-15T00:00:00.000Z', wordingVersion: 1 });
    const paul = await ctx.api.call('consent.status', { id: byName.get('DURAND') ?? 0 });
    expect(state(paul)).toEqual({ 'email:newsletter': 'withdrawn', 'email:offers': 'withdrawn', 'sms:newsletter': 'granted', 'sms:offers': 'granted' });
    expect(paul.events[0]?.sourceLine).toBe(3);
    expect(paul.events.map((e) => e.at)).toEqual(paul.events.map(() => new Date(2026, 0, 20, 10, 15).toISOString()));
    // "peut-être" says nothing; the Newsletter column's "non" does
    const lea = await ctx.api.call('consent.status', { id: byName.get('PETIT') ?? 0 });
    expect(state(lea)).toEqual({ 'email:newsletter': 'withdrawn' });
    expect((await ctx.api.call('consent.status', { id: byName.get('BLANC') ?? 0 })).events).toEqual([]);
    expect(await ctx.api.call('consent.check', { contactId: byName.get('MARTIN') ?? 0, channel: 'email', purpose: 'offers' })).toEqual({ allowed: true, reason: 'opt_in' });

    // the same file again (merge policy): nothing new in the ledger
    const before = raw(ctx, (db) => db.prepare('SELECT count(*) FROM consent_events').pluck().get());
    const again = await importFile(ctx.client, file, { mapping });
    expect(again.created).toBe(0);
    expect(raw(ctx, (db) => db.prepare('SELECT count(*) FROM consent_events').pluck().get())).toBe(before);

    // a later file withdraws Claire's e-mails: the existing contact gets the event; undo takes it back
    const later = csv(ctx, 'desabonnements.csv', ['Nom;Prénom;E-mail;Accepte e-mails', 'MARTIN;Claire;claire@example.fr;non']);
    const imp = await importFile(ctx.client, later, { mapping: ['lastName', 'firstName', 'email', 'consentEmail'] });
    expect(await ctx.api.call('consent.check', { contactId: byName.get('MARTIN') ?? 0, channel: 'email', purpose: 'offers' })).toEqual({ allowed: false, reason: 'withdrawn' });
    await undoImportCall(ctx.api, imp.importId ?? 0);
    expect(await ctx.api.call('consent.check', { contactId: byName.get('MARTIN') ?? 0, channel: 'email', purpose: 'offers' })).toEqual({ allowed: true, reason: 'opt_in' });
    expect(await ctx.api.call('consent.status', { id: byName.get('MARTIN') ?? 0 })).toEqual(claire);

    // undoing the first import removes its contacts and their events
    await undoImportCall(ctx.api, r.importId ?? 0);
    expect(raw(ctx, (db) => db.prepare('SELECT count(*) FROM consent_events').pluck().get())).toBe(0);
    expect(raw(ctx, (db) => db.prepare('SELECT count(*) FROM consent_state').pluck().get())).toBe(0);
  });
});

describe('marketing export', () => {
  it('keeps only the contactable, counts the others by reason, applies on top of a filter', async () => {
    const ctx = await openClient();
    const mk = (lastName: string, extra: Record<string, unknown> = {}) => ctx.api.call('contacts.create', { lastName, email: `${lastName.toLowerCase()}@example.fr`, ...extra });
    const opted = await mk('Opted', { city: 'Lyon' });
    const informed = await mk('Informed', { status: 'customer', city: 'Lyon' });
    const unknown = await mk('Unknown', { city: 'Lyon' });
    const noMail = await ctx.api.call('contacts.create', { lastName: 'NoMail', city: 'Lyon' });
    const withdrawn = await mk('Withdrawn', { city: 'Paris' });
    const objecting = await mk('Objecting', { city: 'Paris' });
    const co = await ctx.api.call('companies.create', { name: 'Boulangerie Durand' });
    const business = await mk('Business', { companyId: co.id, city: 'Lyon' });
    await ctx.api.call('consent.record', { contactId: opted.id, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] });
    await ctx.api.call('consent.record', { contactId: informed.id, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'informed' }] });
    await ctx.api.call('consent.record', { contactId: withdrawn.id, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] });
    await ctx.api.call('consent.withdraw', { contactId: withdrawn.id });
    await ctx.api.call('consent.object', { contactId: objecting.id, method: 'counter' });

    const target = path.join(ctx.dir, 'campagne.csv');
    const all = await ctx.api.call('contacts.export', { path: target, marketing: { channel: 'email', purpose: 'offers' } });
    expect(all.rows).toBe(3);
    expect(all.excluded).toEqual({ no_consent: 1, no_address: 1, withdrawn: 1, objected: 1 });
    const text = fs.readFileSync(target, 'utf8');
    for (const c of [opted, informed, business]) expect(text).toContain(c.lastName ?? '');
    for (const c of [unknown, noMail, withdrawn, objecting]) expect(text).not.toContain(c.lastName ?? '');
    void unknown;

    const lyon = await ctx.api.call('contacts.export', { path: path.join(ctx.dir, 'lyon.csv'), filter: { city: 'Lyon' }, marketing: { channel: 'email', purpose: 'offers' } });
    expect(lyon).toMatchObject({ rows: 3, excluded: { no_consent: 1, no_address: 1 } });
    // a plain export is unchanged and says nothing about consent
    const plain = await ctx.api.call('contacts.export', { path: path.join(ctx.dir, 'tout.csv') });
    expect(plain.rows).toBe(7);
    expect(plain.excluded).toBeUndefined();
    const audit = raw(ctx, (db) => db.prepare("SELECT detail FROM audit_log WHERE action = 'contacts.export' ORDER BY id").pluck().all()) as string[];
    expect(JSON.parse(audit[0] ?? '{}')).toMatchObject({ rows: 3, excluded: { no_consent: 1 } });
  });
});
