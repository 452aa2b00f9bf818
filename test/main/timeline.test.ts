import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type TimelineItem, type TimelinePage } from '../../src-main/contract';
import { openClient, failure } from './helpers';

type Ctx = Awaited<ReturnType<typeof openClient>>;

const lastInbound = (ctx: Ctx, id: number): string | null => {
  const db = new Database(ctx.dbPath, { readonly: true });
  try {
    return db.prepare('SELECT last_inbound_at FROM contacts WHERE id = ?').pluck().get(id) as string | null;
  } finally {
    db.close();
  }
};

const rowCount = (ctx: Ctx, table: string): number => {
  const db = new Database(ctx.dbPath, { readonly: true });
  try {
    return Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  } finally {
    db.close();
  }
};


describe('notes', () => {
  it('adds dated notes, edits and deletes them', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    const n = await api.call('notes.create', { contactId: c.id, body: '  Préfère être appelée le matin.\nPas le lundi.  ', notedAt: '2024-03-01' });
    expect(n).toMatchObject({ contactId: c.id, body: 'Préfère être appelée le matin.\nPas le lundi.', notedAt: '2024-03-01T00:00:00.000Z' });
    const now = await api.call('notes.create', { contactId: c.id, body: 'Deuxième note' });
    expect(Date.now() - Date.parse(now.notedAt)).toBeLessThan(60_000);
    expect(await api.call('notes.update', { id: n.id, body: 'Le matin' })).toMatchObject({ body: 'Le matin', notedAt: n.notedAt });
    await api.call('notes.delete', { id: n.id });
    await expect(api.call('notes.delete', { id: n.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.call('notes.update', { id: n.id, body: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    [{ body: '   ' }, 'body', 'required'],
    [{ body: 'x'.repeat(10_001) }, 'body', 'too_long'],
    [{ body: 'a\u0000b' }, 'body', 'invalid_chars'],
    [{ body: 'x', notedAt: '2099-01-01' }, 'notedAt', 'in_future'],
    [{ body: 'x', notedAt: 'hier' }, 'notedAt', 'invalid_date'],
  ])('refuses %j', async (input, path, code) => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', { lastName: 'Martin' });
    const e = await failure(ctx.api.call('notes.create', { contactId: c.id, ...input }));
    expect(e.details?.issues).toContainEqual({ path, code });
    expect(rowCount(ctx, 'notes')).toBe(0);
  });

  it('refuses a note for a contact that is gone', async () => {
    const ctx = await openClient();
    const e = await failure(ctx.api.call('notes.create', { contactId: 42, body: 'x' }));
    expect(e).toMatchObject({ code: 'NOT_FOUND', details: { entity: 'contact', id: 42, issues: [{ path: 'contactId', code: 'not_found' }] } });
  });
});

describe('interactions', () => {
  it('records the last contact initiated by the person (CNIL retention)', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    const visit = await api.call('interactions.create', { contactId: c.id, kind: 'visit', occurredAt: '2024-02-01T10:00:00Z', summary: 'Essai de lunettes' });
    expect(visit).toMatchObject({ direction: 'in', initiatedBy: 'contact', occurredAt: '2024-02-01T10:00:00.000Z' });
    expect(lastInbound(ctx, c.id)).toBe('2024-02-01T10:00:00.000Z');
    // the shop calling does not restart the clock, nor does an older inbound contact typed in late
    const call = await api.call('interactions.create', { contactId: c.id, kind: 'call', initiatedBy: 'shop', occurredAt: '2024-03-01', summary: 'Relance' });
    expect(call.direction).toBe('out');
    await api.call('interactions.create', { contactId: c.id, kind: 'email', occurredAt: '2023-12-01', summary: 'Question' });
    expect(lastInbound(ctx, c.id)).toBe('2024-02-01T10:00:00.000Z');
    const sms = await api.call('interactions.create', { contactId: c.id, kind: 'sms', direction: 'in', occurredAt: '2024-04-01', summary: 'Merci !' });
    expect(lastInbound(ctx, c.id)).toBe('2024-04-01T00:00:00.000Z');
    expect((await api.call('contacts.get', { id: c.id })).lastInboundAt).toBe('2024-04-01T00:00:00.000Z');
    // the latest one deleted or turned outbound: the previous inbound one takes over
    await api.call('interactions.delete', { id: sms.id });
    expect(lastInbound(ctx, c.id)).toBe('2024-02-01T10:00:00.000Z');
    await api.call('interactions.update', { id: visit.id, initiatedBy: 'shop', direction: 'out' });
    expect(lastInbound(ctx, c.id)).toBe('2023-12-01T00:00:00.000Z');
    await api.call('interactions.update', { id: call.id, initiatedBy: 'contact', direction: 'in', summary: 'Rappel demandé' });
    expect(lastInbound(ctx, c.id)).toBe('2024-03-01T00:00:00.000Z');
    await expect(api.call('interactions.delete', { id: sms.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each([
    [{ kind: 'fax', summary: 'x' }, 'kind', 'invalid_value'],
    [{ kind: 'call', summary: '' }, 'summary', 'required'],
    [{ kind: 'call', summary: 'x', direction: 'sideways' }, 'direction', 'invalid_value'],
    [{ kind: 'call', summary: 'x', initiatedBy: 'robot' }, 'initiatedBy', 'invalid_value'],
    [{ kind: 'call', summary: 'x', occurredAt: '2099-12-31' }, 'occurredAt', 'in_future'],
  ])('refuses %j', async (input, path, code) => {
    const ctx = await openClient();
    const c = await ctx.api.call('contacts.create', { lastName: 'Martin' });
    const e = await failure(ctx.api.call('interactions.create', { contactId: c.id, ...input } as never));
    expect(e.details?.issues).toContainEqual({ path, code });
    expect(rowCount(ctx, 'interactions')).toBe(0);
    expect(lastInbound(ctx, c.id)).toBeNull();
  });
});

describe('tasks', () => {
  it('creates, edits, ticks and unticks follow-ups', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    const t = await api.call('tasks.create', { contactId: c.id, title: 'Rappeler pour la commande', dueDate: '2024-05-10' });
    expect(t).toMatchObject({ title: 'Rappeler pour la commande', dueDate: '2024-05-10', doneAt: null });
    expect(await api.call('tasks.update', { id: t.id, dueDate: '2024-05-12' })).toMatchObject({ dueDate: '2024-05-12', title: t.title });
    const done = await api.call('tasks.setDone', { id: t.id, done: true });
    expect(done.doneAt).not.toBeNull();
    expect((await api.call('tasks.setDone', { id: t.id, done: true })).doneAt).toBe(done.doneAt);
    expect((await api.call('tasks.setDone', { id: t.id, done: false })).doneAt).toBeNull();
    await expect(api.call('tasks.create', { contactId: c.id, title: 'x', dueDate: '2024-02-30' })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { issues: [{ path: 'dueDate', code: 'invalid_date' }] },
    });
    await expect(api.call('tasks.create', { contactId: 999, title: 'x', dueDate: '2024-02-03' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await api.call('tasks.delete', { id: t.id });
    await expect(api.call('tasks.setDone', { id: t.id, done: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists open follow-ups due today or overdue, across contacts, oldest first, page by page', async () => {
    const { api } = await openClient();
    const a = await api.call('contacts.create', { firstName: 'Anne', lastName: 'Dupont' });
    const b = await api.call('contacts.create', { lastName: 'Société Martin' });
    const mk = (contactId: number, dueDate: string, title = dueDate) => api.call('tasks.create', { contactId, title, dueDate });
    const t1 = await mk(a.id, '2024-05-01');
    const t2 = await mk(b.id, '2024-04-20');
    const t3 = await mk(a.id, '2024-05-10');
    const t4 = await mk(b.id, '2024-05-10');
    await mk(a.id, '2024-05-11');
    const t6 = await mk(b.id, '2024-03-01');
    await api.call('tasks.setDone', { id: t6.id, done: true });
    const rows = [];
    const totals: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api.call<'tasks.due'>>> = await api.call('tasks.due', { today: '2024-05-10', limit: 2, cursor });
      rows.push(...page.rows);
      totals.push(page.total);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(totals).toEqual([4, 4]);
    expect(rows.map((r) => r.id)).toEqual([t2.id, t1.id, t3.id, t4.id]);
    expect(rows.map((r) => r.overdue)).toEqual([true, true, false, false]);
    expect(rows[1]).toMatchObject({ contactName: 'Anne Dupont', contactId: a.id });
    expect(rows[0]!.contactName).toBe('Société Martin');
    // a deleted contact's follow-ups go with them
    await api.call('contacts.delete', { id: b.id });
    expect((await api.call('tasks.due', { today: '2024-05-10' })).rows.map((r) => r.id)).toEqual([t1.id, t3.id]);
    // without a date: today on this machine
    expect((await api.call('tasks.due', {})).total).toBe(3);
  });
});

describe('timeline', () => {
  const collect = async (ctx: Ctx, id: number, limit: number) => {
    const items: TimelineItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: TimelinePage = await ctx.api.call('contacts.timeline', { id, limit, cursor });
      items.push(...page.items);
      cursor = page.nextCursor;
      pages += 1;
      expect(page.items.length).toBeLessThanOrEqual(limit);
    } while (cursor !== null && pages < 100);
    return items;
  };

  it('merges interactions, purchases with their lines, notes and tasks, newest first, paged without gaps', async () => {
    const ctx = await openClient();
    const { api } = ctx;
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    const other = await api.call('contacts.create', { lastName: 'Autre' });
    const same = '2024-03-01T00:00:00.000Z';
    // several items at the same instant (a task sits at the start of its due day) test the tie-break
    await api.call('notes.create', { contactId: c.id, body: 'n1', notedAt: same });
    await api.call('notes.create', { contactId: c.id, body: 'n2', notedAt: '2024-01-15T08:00:00Z' });
    await api.call('interactions.create', { contactId: c.id, kind: 'visit', summary: 'i1', occurredAt: same });
    await api.call('interactions.create', { contactId: c.id, kind: 'call', summary: 'i2', occurredAt: '2024-02-01T12:00:00Z' });
    await api.call('tasks.create', { contactId: c.id, title: 't1', dueDate: '2024-03-01' });
    await api.call('tasks.create', { contactId: c.id, title: 't2', dueDate: '2024-06-30' });
    const sale = await api.call('purchases.create', { contactId: c.id, purchasedAt: same, lines: [{ label: 'Pain', unitPriceCents: 300, quantity: 2 }] });
    await api.call('purchases.refund', { purchaseId: sale.id, amountCents: 100, refundedAt: '2024-03-02' });
    await api.call('purchases.create', { contactId: c.id, purchasedAt: same, lines: [{ label: 'Gâteau', unitPriceCents: 900 }] });
    await api.call('notes.create', { contactId: other.id, body: 'not mine', notedAt: same });

    const all = await collect(ctx, c.id, 100);
    expect(all.map((i) => [i.kind, i.at])).toEqual([
      ['task', '2024-06-30T00:00:00.000Z'],
      ['purchase', '2024-03-02T00:00:00.000Z'],
      ['purchase', same],
      ['purchase', same],
      ['interaction', same],
      ['note', same],
      ['task', same],
      ['interaction', '2024-02-01T12:00:00.000Z'],
      ['note', '2024-01-15T08:00:00.000Z'],
    ]);
    const sales = all.flatMap((i) => (i.kind === 'purchase' ? [i.purchase] : []));
    expect(sales.map((p) => [p.kind, p.amountCents, p.lines.length])).toEqual([
      ['refund', -100, 1],
      ['sale', 900, 1],
      ['sale', 600, 1],
    ]);
    expect(sales[2]!.refundedCents).toBe(100);
    for (const limit of [1, 2, 3, 4]) {
      const paged = await collect(ctx, c.id, limit);
      expect(paged.map((i) => `${i.kind}:${i.id}`)).toEqual(all.map((i) => `${i.kind}:${i.id}`));
    }
    const first = await api.call('contacts.timeline', { id: c.id, limit: 9 });
    expect(first.nextCursor).toBeNull();
  });

  it('is empty for a new contact, NOT_FOUND for a missing one, and refuses a forged cursor', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { lastName: 'Martin' });
    expect(await api.call('contacts.timeline', { id: c.id })).toEqual({ items: [], nextCursor: null });
    await expect(api.call('contacts.timeline', { id: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(api.call('contacts.timeline', { id: c.id, cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(api.call('contacts.timeline', { id: c.id, limit: 1000 })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
