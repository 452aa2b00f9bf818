import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { defaultConsentWordings, type ConsentStatus } from '../../src-main/contract';
import { wordingHash } from '../../src-main/domain/consent/wordings';
import { failure, openClient } from './helpers';

type Ctx = Awaited<ReturnType<typeof openClient>>;

/** A second connection on the file, as any tool could open it: the database itself must refuse. */
const raw = <T>(ctx: Ctx, fn: (db: Database.Database) => T): T => {
  const db = new Database(ctx.dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};
const count = (ctx: Ctx, table: string): number => raw(ctx, (db) => Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()));

const consumer = async (ctx: Ctx, extra: Record<string, unknown> = {}) =>
  ctx.api.call('contacts.create', { lastName: 'Martin', firstName: 'Claire', email: 'claire.martin@example.fr', phone: '06 12 34 56 78', ...extra });

const cell = (status: ConsentStatus, channel: string, purpose: string) => status.cells.find((c) => c.channel === channel && c.purpose === purpose);

describe('consent wordings', () => {
  it('ships default French wordings, versions edits and keeps every version', async () => {
    const ctx = await openClient();
    const first = await ctx.api.call('consent.wordings.list', {});
    expect(first).toHaveLength(4);
    const offers1 = first.find((w) => w.purpose === 'offers');
    expect(offers1).toMatchObject({ version: 1, text: defaultConsentWordings.offers, hash: wordingHash(defaultConsentWordings.offers) });
    // listing again writes nothing more
    expect(await ctx.api.call('consent.wordings.list', {})).toHaveLength(4);

    const v2 = await ctx.api.call('consent.wordings.add', { purpose: 'offers', text: '  Offres v2 : vous pouvez refuser à tout moment.  ' });
    expect(v2).toMatchObject({ purpose: 'offers', version: 2, text: 'Offres v2 : vous pouvez refuser à tout moment.' });
    expect(v2.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(v2.hash).toBe(wordingHash('Offres v2 : vous pouvez refuser à tout moment.'));
    const all = await ctx.api.call('consent.wordings.list', {});
    expect(all).toHaveLength(5);
    expect(all[0]?.id).toBe(v2.id);
  });

  it('refuses an unchanged, empty or oversized text and writes nothing', async () => {
    const ctx = await openClient();
    await ctx.api.call('consent.wordings.list', {});
    const same = await failure(ctx.api.call('consent.wordings.add', { purpose: 'loyalty', text: defaultConsentWordings.loyalty }));
    expect(same).toMatchObject({ code: 'CONFLICT', details: { issues: [{ path: 'text', code: 'wording_unchanged' }] } });
    const empty = await failure(ctx.api.call('consent.wordings.add', { purpose: 'loyalty', text: '   ' }));
    expect(empty.details?.issues).toContainEqual({ path: 'text', code: 'required' });
    const long = await failure(ctx.api.call('consent.wordings.add', { purpose: 'loyalty', text: 'x'.repeat(4001) }));
    expect(long.details?.issues).toContainEqual({ path: 'text', code: 'too_long' });
    expect(count(ctx, 'consent_wordings')).toBe(4);
  });
});

describe('consent ledger', () => {
  it('records at the counter, shows the state and the history newest first, withdraws in one click', async () => {
    const ctx = await openClient();
    const c = await consumer(ctx);
    const before = await ctx.api.call('consent.status', { id: c.id });
    expect(before.personKind).toBe('consumer');
    expect(before.cells).toHaveLength(16);
    expect(before.cells.map((x) => `${x.channel}:${x.purpose}`).slice(0, 5)).toEqual([
      'email:newsletter', 'email:offers', 'email:loyalty', 'email:partners', 'sms:newsletter',
    ]);
    expect(cell(before, 'email', 'newsletter')).toMatchObject({ state: 'unknown', informed: false, since: null, decision: { allowed: false, reason: 'no_consent' } });

    const s1 = await ctx.api.call('consent.record', {
      contactId: c.id,
      method: 'counter',
      operator: 'Julie',
      at: '2026-03-02T10:00:00Z',
      entries: [
        { channel: 'email', purpose: 'newsletter', event: 'granted' },
        { channel: 'sms', purpose: 'offers', event: 'granted' },
      ],
    });
    expect(cell(s1, 'email', 'newsletter')).toMatchObject({ state: 'granted', since: '2026-03-02T10:00:00.000Z', decision: { allowed: true, reason: 'opt_in' } });
    expect(s1.events).toHaveLength(2);
    expect(s1.events[0]).toMatchObject({ contactId: c.id, method: 'counter', operator: 'Julie', wordingVersion: 1, sourceFile: null });
    expect(s1.events[0]?.wordingHash).toMatch(/^[0-9a-f]{64}$/);

    const s2 = await ctx.api.call('consent.record', {
      contactId: c.id,
      method: 'paper',
      at: '2026-03-05T09:00:00Z',
      entries: [{ channel: 'email', purpose: 'newsletter', event: 'withdrawn' }],
    });
    expect(s2.events.map((e) => [e.event, e.at])).toEqual([
      ['withdrawn', '2026-03-05T09:00:00.000Z'],
      ['granted', '2026-03-02T10:00:00.000Z'],
      ['granted', '2026-03-02T10:00:00.000Z'],
    ]);
    expect(s2.events[0]?.operator).toBe('comptoir');
    expect(cell(s2, 'email', 'newsletter')).toMatchObject({ state: 'withdrawn', decision: { allowed: false, reason: 'withdrawn' } });

    // one click: everything reachable on SMS goes
    const s3 = await ctx.api.call('consent.withdraw', { contactId: c.id, channel: 'sms' });
    expect(cell(s3, 'sms', 'offers')).toMatchObject({ state: 'withdrawn' });
    expect(s3.cells.filter((x) => x.channel === 'sms').every((x) => !x.decision.allowed)).toBe(true);
    expect(await ctx.api.call('consent.check', { contactId: c.id, channel: 'sms', purpose: 'offers' })).toEqual({ allowed: false, reason: 'withdrawn' });

    // the timeline carries the consent events
    const feed = await ctx.api.call('contacts.timeline', { id: c.id });
    expect(feed.items.filter((i) => i.kind === 'consent')).toHaveLength(s3.events.length);
    // every change is audited without personal data
    const audit = raw(ctx, (db) => db.prepare("SELECT action, entity_id AS entityId, detail FROM audit_log WHERE action LIKE 'consent.%' ORDER BY id").all()) as { action: string; entityId: number; detail: string }[];
    expect(audit.map((a) => a.action)).toEqual(['consent.record', 'consent.record', 'consent.withdraw']);
    expect(audit.every((a) => a.entityId === c.id && !a.detail.includes('claire'))).toBe(true);
  });

  it('keeps the wording version each event saw after the wording is edited', async () => {
    const ctx = await openClient();
    const c = await consumer(ctx);
    const s1 = await ctx.api.call('consent.record', { contactId: c.id, method: 'website', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] });
    const v1 = s1.events[0];
    await ctx.api.call('consent.wordings.add', { purpose: 'offers', text: 'Nouvelle formulation des offres.' });
    const s2 = await ctx.api.call('consent.record', { contactId: c.id, method: 'website', entries: [{ channel: 'sms', purpose: 'offers', event: 'granted' }] });
    const byChannel = new Map(s2.events.map((e) => [e.channel, e]));
    expect(byChannel.get('email')).toMatchObject({ wordingId: v1?.wordingId, wordingVersion: 1, wordingHash: wordingHash(defaultConsentWordings.offers) });
    expect(byChannel.get('sms')).toMatchObject({ wordingVersion: 2, wordingHash: wordingHash('Nouvelle formulation des offres.') });
  });

  it('objection: every cell objected for good, addresses suppressed, a later grant refused', async () => {
    const ctx = await openClient();
    const c = await consumer(ctx);
    await ctx.api.call('consent.record', { contactId: c.id, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] });
    const s = await ctx.api.call('consent.object', { contactId: c.id, method: 'email' });
    expect(s.cells.every((x) => x.state === 'objected' && x.decision.reason === 'objected' && !x.decision.allowed)).toBe(true);
    expect(s.events.filter((e) => e.event === 'objected')).toHaveLength(16);
    expect(count(ctx, 'suppression')).toBe(2);
    const stored = raw(ctx, (db) => db.prepare('SELECT hash FROM suppression').pluck().all()) as string[];
    expect(stored.join(' ')).not.toContain('claire');
    const again = await failure(ctx.api.call('consent.record', { contactId: c.id, method: 'counter', entries: [{ channel: 'post', purpose: 'loyalty', event: 'granted' }] }));
    expect(again).toMatchObject({ code: 'CONFLICT', details: { issues: [{ path: 'entries.0', code: 'objected' }] } });
    // objecting twice adds no duplicate events
    const twice = await ctx.api.call('consent.object', { contactId: c.id, method: 'email' });
    expect(twice.events).toHaveLength(s.events.length);
  });

  it('a business contact is opt-out for its job, opt-in for partners', async () => {
    const ctx = await openClient();
    const co = await ctx.api.call('companies.create', { name: 'Boulangerie Durand' });
    const c = await ctx.api.call('contacts.create', { lastName: 'Durand', email: 'contact@durand.fr', companyId: co.id });
    const s = await ctx.api.call('consent.status', { id: c.id });
    expect(s.personKind).toBe('business');
    expect(cell(s, 'email', 'offers')?.decision).toEqual({ allowed: true, reason: 'business_opt_out' });
    expect(cell(s, 'email', 'partners')?.decision).toEqual({ allowed: false, reason: 'no_consent' });
    expect(cell(s, 'sms', 'offers')?.decision).toEqual({ allowed: false, reason: 'no_address' });
  });

  it('the existing-customer exception needs an informed customer', async () => {
    const ctx = await openClient();
    const c = await consumer(ctx, { status: 'customer' });
    expect(await ctx.api.call('consent.check', { contactId: c.id, channel: 'email', purpose: 'offers' })).toEqual({ allowed: false, reason: 'no_consent' });
    await ctx.api.call('consent.record', { contactId: c.id, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'informed' }] });
    expect(await ctx.api.call('consent.check', { contactId: c.id, channel: 'email', purpose: 'offers' })).toEqual({ allowed: true, reason: 'existing_customer' });
    // the one-click withdrawal also ends the exception
    await ctx.api.call('consent.withdraw', { contactId: c.id });
    expect(await ctx.api.call('consent.check', { contactId: c.id, channel: 'email', purpose: 'offers' })).toEqual({ allowed: false, reason: 'withdrawn' });
    // phone canvassing: opt-out the day before the law, consent from the day it applies
    const other = await consumer(ctx, { email: 'autre@example.fr' });
    expect(await ctx.api.call('consent.check', { contactId: other.id, channel: 'phone', purpose: 'loyalty', on: '2026-08-10' })).toEqual({ allowed: true, reason: 'phone_opt_out' });
    expect(await ctx.api.call('consent.check', { contactId: other.id, channel: 'phone', purpose: 'loyalty', on: '2026-08-11' })).toEqual({ allowed: false, reason: 'no_consent' });
  });

  it.each([
    [{ at: '2099-01-01T00:00:00Z' }, 'at', 'in_future'],
    [{ at: 'hier' }, 'at', 'invalid_date'],
    [{ entries: [] }, 'entries', 'required'],
    [{ method: 'system' }, 'method', 'invalid_method'],
    [{ operator: '   ' }, 'operator', 'required'],
    [{ entries: [{ channel: 'email', purpose: 'offers', event: 'objected' }] }, 'entries.0.event', 'invalid_value'],
    [
      { entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }, { channel: 'email', purpose: 'offers', event: 'withdrawn' }] },
      'entries.1',
      'duplicate',
    ],
  ])('refuses %j and writes nothing', async (patch, path, code) => {
    const ctx = await openClient();
    const c = await consumer(ctx);
    const input = { contactId: c.id, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }], ...patch };
    const e = await failure(ctx.api.call('consent.record', input as never));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.issues?.map((i) => `${i.path}:${i.code}`)).toContain(`${path}:${code}`);
    expect(count(ctx, 'consent_events')).toBe(0);
    expect(count(ctx, 'consent_state')).toBe(0);
  });

  it('refuses an unknown contact and writes nothing', async () => {
    const ctx = await openClient();
    const e = await failure(ctx.api.call('consent.record', { contactId: 999, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] }));
    expect(e).toMatchObject({ code: 'NOT_FOUND', details: { entity: 'contact', id: 999 } });
    expect((await failure(ctx.api.call('consent.object', { contactId: 999, method: 'counter' }))).code).toBe('NOT_FOUND');
    expect((await failure(ctx.api.call('consent.status', { id: 999 }))).code).toBe('NOT_FOUND');
    expect(count(ctx, 'consent_events')).toBe(0);
    expect(count(ctx, 'audit_log')).toBe(0);
  });

  it('a merge joins both ledgers on the kept contact and recomputes its state; undo splits them again', async () => {
    const ctx = await openClient();
    const kept = await consumer(ctx);
    const removed = await consumer(ctx, { email: 'c.martin@example.fr', phone: null });
    await ctx.api.call('consent.record', { contactId: kept.id, method: 'counter', at: '2026-01-10', entries: [{ channel: 'email', purpose: 'offers', event: 'withdrawn' }, { channel: 'sms', purpose: 'newsletter', event: 'granted' }] });
    await ctx.api.call('consent.record', { contactId: removed.id, method: 'website', at: '2026-02-10', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }, { channel: 'email', purpose: 'loyalty', event: 'informed' }] });
    await ctx.api.call('consent.record', { contactId: removed.id, method: 'paper', at: '2025-12-01', entries: [{ channel: 'sms', purpose: 'newsletter', event: 'withdrawn' }] });
    await ctx.api.call('consent.object', { contactId: removed.id, method: 'email' });
    const keptBefore = await ctx.api.call('consent.status', { id: kept.id });
    const removedBefore = await ctx.api.call('consent.status', { id: removed.id });

    const merged = await ctx.api.call('contacts.merge', { keptId: kept.id, removedId: removed.id });
    const after = await ctx.api.call('consent.status', { id: kept.id });
    expect(after.events).toHaveLength(keptBefore.events.length + removedBefore.events.length);
    // the objection of either side wins everywhere
    expect(after.cells.every((c) => c.state === 'objected')).toBe(true);
    expect(cell(after, 'email', 'loyalty')?.informed).toBe(true);

    await ctx.api.call('merges.undo', { mergeId: merged.mergeId });
    expect(await ctx.api.call('consent.status', { id: kept.id })).toEqual(keptBefore);
    expect(await ctx.api.call('consent.status', { id: removed.id })).toEqual(removedBefore);
  });

  it('a merge without objection: the latest answer per cell wins', async () => {
    const ctx = await openClient();
    const kept = await consumer(ctx);
    const removed = await consumer(ctx, { email: 'c.martin@example.fr', phone: null });
    await ctx.api.call('consent.record', { contactId: kept.id, method: 'counter', at: '2026-01-10', entries: [{ channel: 'email', purpose: 'offers', event: 'withdrawn' }, { channel: 'sms', purpose: 'newsletter', event: 'granted' }] });
    await ctx.api.call('consent.record', { contactId: removed.id, method: 'website', at: '2026-02-10', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] });
    await ctx.api.call('consent.record', { contactId: removed.id, method: 'paper', at: '2025-12-01', entries: [{ channel: 'sms', purpose: 'newsletter', event: 'withdrawn' }] });
    await ctx.api.call('contacts.merge', { keptId: kept.id, removedId: removed.id });
    const after = await ctx.api.call('consent.status', { id: kept.id });
    expect(cell(after, 'email', 'offers')).toMatchObject({ state: 'granted', since: '2026-02-10T00:00:00.000Z' });
    expect(cell(after, 'sms', 'newsletter')).toMatchObject({ state: 'granted', since: '2026-01-10T00:00:00.000Z' });
    // the database still refuses to rewrite the moved events
    await ctx.client.close();
    raw(ctx, (db) => expect(() => db.prepare('UPDATE consent_events SET contact_id = ?').run(removed.id)).toThrow(/append-only/));
  });

  it('the database itself refuses to alter or delete the ledger and the wordings', async () => {
    const ctx = await openClient();
    const c = await consumer(ctx);
    await ctx.api.call('consent.record', { contactId: c.id, method: 'counter', at: '2026-01-01', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] });
    await ctx.client.close();
    raw(ctx, (db) => {
      const snapshot = () => db.prepare('SELECT * FROM consent_events').all();
      const before = snapshot();
      expect(() => db.prepare("UPDATE consent_events SET event = 'withdrawn'").run()).toThrow(/append-only/);
      expect(() => db.prepare("UPDATE consent_events SET at = '2020-01-01T00:00:00.000Z'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM consent_events').run()).toThrow(/append-only/);
      expect(snapshot()).toEqual(before);
      const words = db.prepare('SELECT * FROM consent_wordings').all();
      expect(() => db.prepare("UPDATE consent_wordings SET text = 'autre'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM consent_wordings').run()).toThrow(/append-only/);
      expect(db.prepare('SELECT * FROM consent_wordings').all()).toEqual(words);
    });
  });
});
