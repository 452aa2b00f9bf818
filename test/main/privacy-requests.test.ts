import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localDate } from '../../src-main/contract';
import { addMonths } from '../../src-main/contract';
import { failure, openClient } from './helpers';

describe('addMonths (request deadlines)', () => {
  it.each([
    ['2026-01-15', 1, '2026-02-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-02-29', 1, '2024-03-29'],
    ['2025-02-28', 1, '2025-03-28'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-05-31', 1, '2026-06-30'],
    ['2025-12-31', 1, '2026-01-31'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-01-31', 2, '2026-03-31'],
    ['2026-01-31', 3, '2026-04-30'],
    ['2023-11-30', 3, '2024-02-29'],
    ['2100-01-31', 1, '2100-02-28'],
    ['2000-01-31', 1, '2000-02-29'],
  ])('%s + %i month(s) = %s', (from, months, expected) => {
    expect(addMonths(from, months)).toBe(expected);
  });

  it('always lands in the target month, never before the same day number unless clamped', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1990-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }), fc.integer({ min: 1, max: 3 }), (d, n) => {
        const from = d.toISOString().slice(0, 10);
        const to = addMonths(from, n);
        const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
        const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
        expect((ty * 12 + tm) - (fy * 12 + fm)).toBe(n);
        const last = new Date(Date.UTC(ty, tm, 0)).getUTCDate();
        expect(td).toBe(Math.min(fd, last));
      }),
    );
  });
});

const base = { subject: 'Mme Claire Dubois', kind: 'access' as const, identityCheck: 'Carte d’identité vue au comptoir' };

describe('privacy.requests', () => {
  it('creates a request due one calendar month after receipt, refusing bad input without writing', async () => {
    const { api, dbPath } = await openClient();
    const r = await api.call('privacy.requests.create', { ...base, receivedOn: '2024-01-31' });
    expect(r).toMatchObject({ status: 'open', dueOn: '2024-02-29', deadline: '2024-02-29', extendedTo: null, contactId: null });
    expect(r.overdue).toBe(true);

    const tomorrow = new Date();
    tomorrow.setDate(tomorrow.getDate() + 2);
    const future = await failure(api.call('privacy.requests.create', { ...base, receivedOn: localDate(tomorrow) }));
    expect(future.details?.issues).toEqual([{ path: 'receivedOn', code: 'in_future' }]);
    const noCheck = await failure(api.call('privacy.requests.create', { ...base, identityCheck: '  ', receivedOn: '2026-01-02' }));
    expect(noCheck.details?.issues).toEqual([{ path: 'identityCheck', code: 'required' }]);
    const badDate = await failure(api.call('privacy.requests.create', { ...base, receivedOn: '2026-02-30' }));
    expect(badDate.code).toBe('VALIDATION');
    const unknown = await failure(api.call('privacy.requests.create', { ...base, contactId: 404, receivedOn: '2026-01-02' }));
    expect(unknown.code).toBe('NOT_FOUND');
    const db = new BetterSqlite3(dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM privacy_requests').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('extends by two months at most in total, each time with a reason', async () => {
    const { api } = await openClient();
    const r = await api.call('privacy.requests.create', { ...base, receivedOn: '2025-11-30' });
    expect(r.dueOn).toBe('2025-12-30');
    expect((await failure(api.call('privacy.requests.extend', { id: r.id, months: 1, reason: ' ' }))).details?.issues).toEqual([
      { path: 'reason', code: 'required' },
    ]);
    expect((await failure(api.call('privacy.requests.extend', { id: r.id, months: 3 as 1, reason: 'x' }))).code).toBe('VALIDATION');
    const once = await api.call('privacy.requests.extend', { id: r.id, months: 1, reason: 'Demande complexe' });
    expect(once).toMatchObject({ dueOn: '2025-12-30', extendedTo: '2026-01-30', deadline: '2026-01-30' });
    const twice = await api.call('privacy.requests.extend', { id: r.id, months: 1, reason: 'Nombreuses demandes' });
    // received 30 Nov + 3 months: February has no 30th
    expect(twice).toMatchObject({ extendedTo: '2026-02-28', extensionReason: 'Demande complexe\nNombreuses demandes' });
    const third = await failure(api.call('privacy.requests.extend', { id: r.id, months: 1, reason: 'Encore' }));
    expect(third.details?.issues).toEqual([{ path: 'months', code: 'extension_too_long' }]);
    expect((await api.call('privacy.requests.list', {})).rows[0]?.extendedTo).toBe('2026-02-28');

    const other = await api.call('privacy.requests.create', { ...base, receivedOn: '2024-01-31' });
    expect((await api.call('privacy.requests.extend', { id: other.id, months: 2, reason: 'Complexe' })).extendedTo).toBe('2024-04-30');
    expect((await failure(api.call('privacy.requests.extend', { id: other.id, months: 1, reason: 'x' }))).code).toBe('VALIDATION');
  });

  it('closes once, with an outcome; a closed request cannot be extended', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { firstName: 'Claire', lastName: 'Dubois', email: 'claire@dubois.fr' });
    const r = await api.call('privacy.requests.create', { ...base, kind: 'rectification', contactId: c.id, receivedOn: '2026-01-05' });
    expect((await failure(api.call('privacy.requests.close', { id: r.id, status: 'done', outcome: '' }))).code).toBe('VALIDATION');
    const closed = await api.call('privacy.requests.close', { id: r.id, status: 'done', outcome: 'Adresse corrigée : 3 rue Neuve' });
    expect(closed).toMatchObject({ status: 'done', outcome: 'Adresse corrigée : 3 rue Neuve', closedOn: localDate(), overdue: false });
    expect((await failure(api.call('privacy.requests.close', { id: r.id, status: 'refused', outcome: 'x' }))).code).toBe('CONFLICT');
    expect((await failure(api.call('privacy.requests.extend', { id: r.id, months: 1, reason: 'x' }))).code).toBe('CONFLICT');
    expect((await failure(api.call('privacy.requests.close', { id: 999, status: 'done', outcome: 'x' }))).code).toBe('NOT_FOUND');
    // the contact's history of requests
    const mine = await api.call('privacy.requests.list', { contactId: c.id });
    expect(mine.rows.map((x) => [x.kind, x.status])).toEqual([['rectification', 'done']]);
    const audit = await api.call('audit.list', { action: 'privacy.request' });
    expect(audit.rows.map((a) => a.action)).toEqual(['privacy.request.close', 'privacy.request.create']);
  });

  it('applies a granted objection to the consent ledger and the suppression list', async () => {
    const { api, dbPath } = await openClient();
    const c = await api.call('contacts.create', { firstName: 'Marc', lastName: 'Petit', email: 'marc@petit.fr' });
    await api.call('consent.record', {
      contactId: c.id,
      method: 'counter',
      operator: 'Claire',
      entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }],
    });
    const r = await api.call('privacy.requests.create', { ...base, kind: 'objection', contactId: c.id, receivedOn: '2026-01-05' });
    await api.call('privacy.requests.close', { id: r.id, status: 'done', outcome: 'Opposition enregistrée' });
    const db = new BetterSqlite3(dbPath, { readonly: true });
    try {
      const states = db.prepare('SELECT DISTINCT state FROM consent_state WHERE contact_id = ?').pluck().all(c.id);
      expect(states).toEqual(['objected']);
      expect(db.prepare("SELECT count(*) FROM suppression WHERE reason = 'objection'").pluck().get()).toBe(1);
    } finally {
      db.close();
    }
    // a refused objection changes nothing
    const d = await api.call('contacts.create', { firstName: 'Luc', lastName: 'Grand', email: 'luc@grand.fr' });
    const refused = await api.call('privacy.requests.create', { ...base, kind: 'objection', contactId: d.id, receivedOn: '2026-01-05' });
    await api.call('privacy.requests.close', { id: refused.id, status: 'refused', outcome: 'Identité non établie' });
    const db2 = new BetterSqlite3(dbPath, { readonly: true });
    try {
      expect(db2.prepare("SELECT count(*) FROM consent_state WHERE contact_id = ? AND state = 'objected'").pluck().get(d.id)).toBe(0);
    } finally {
      db2.close();
    }
  });

  it('counts overdue and due-soon open requests for the dashboard, and lists the most urgent first', async () => {
    const { api } = await openClient();
    const make = (receivedOn: string) => api.call('privacy.requests.create', { ...base, receivedOn });
    const late = await make('2026-01-31'); // due 2026-02-28
    const soon = await make('2026-02-03'); // due 2026-03-03
    const later = await make('2026-02-20'); // due 2026-03-20
    const done = await make('2026-01-01'); // due 2026-02-01, but closed
    await api.call('privacy.requests.close', { id: done.id, status: 'done', outcome: 'Export remis' });
    expect(await api.call('privacy.requests.overdue', { today: '2026-02-28' })).toEqual({ overdue: 0, dueSoon: 2 });
    expect(await api.call('privacy.requests.overdue', { today: '2026-03-01' })).toEqual({ overdue: 1, dueSoon: 1 });
    // an extension takes it out of the overdue count
    await api.call('privacy.requests.extend', { id: late.id, months: 1, reason: 'Complexe' });
    expect(await api.call('privacy.requests.overdue', { today: '2026-03-01' })).toEqual({ overdue: 0, dueSoon: 1 });

    const page = await api.call('privacy.requests.list', { today: '2026-03-05' });
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => r.id)).toEqual([soon.id, later.id, late.id, done.id]);
    expect(page.rows.map((r) => r.overdue)).toEqual([true, false, false, false]);
    const open = await api.call('privacy.requests.list', { status: 'open', limit: 2, offset: 2 });
    expect(open).toMatchObject({ total: 3 });
    expect(open.rows.map((r) => r.id)).toEqual([late.id]);
  });
});
