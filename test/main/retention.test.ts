import fs from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultRetentionPolicies, localDate, type RetentionReview } from '../../src-main/contract';
import { addYears } from '../../src-main/contract';
import { lastDueReference } from '../../src-main/domain/retention/dates';
import { REFERENCE_SQL, dueBounds, dueSql, dueWhere, pageSql } from '../../src-main/domain/retention/review';
import { getStatus, updatePolicies } from '../../src-main/domain/retention/policies';
import { DAY_MS } from '../../src-main/contract';
import { runRetentionCheck, scheduleRetentionChecks } from '../../src-main/domain/retention/schedule';
import { createStore } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { failure, openClient, openStore } from './helpers';

type Ctx = Awaited<ReturnType<typeof openClient>>;

/** A second connection for setting dates the app never lets a user type (creation instants, aggregates). */
const raw = (ctx: { dbPath: string }, fn: (db: Database.Database) => void): void => {
  const db = new Database(ctx.dbPath);
  try {
    fn(db);
  } finally {
    db.close();
  }
};

const count = (ctx: { dbPath: string }, sql: string, ...params: unknown[]): number => {
  let out = 0;
  raw(ctx, (db) => {
    out = Number(db.prepare(sql).pluck().get(...params));
  });
  return out;
};

type Dates = {
  status?: 'prospect' | 'customer' | 'former';
  createdAt: string;
  sourceDate?: string | null;
  lastPurchaseAt?: string | null;
  lastInboundAt?: string | null;
};

/** A contact whose retention dates are exactly these. */
const person = async (ctx: Ctx, lastName: string, d: Dates, extra: Record<string, unknown> = {}): Promise<number> => {
  const c = await ctx.api.call('contacts.create', { lastName, ...extra });
  raw(ctx, (db) =>
    db
      .prepare(
        `UPDATE contacts SET status = ?, created_at = ?, source_date = ?, last_purchase_at = ?, last_inbound_at = ?,
           purchase_count = CASE WHEN ? IS NULL THEN 0 ELSE 1 END WHERE id = ?`,
      )
      .run(d.status ?? 'prospect', d.createdAt, d.sourceDate ?? null, d.lastPurchaseAt ?? null, d.lastInboundAt ?? null, d.lastPurchaseAt ?? null, c.id),
  );
  return c.id;
};

describe('retention dates', () => {
  it.each([
    ['2024-02-29', 3, '2027-02-28'],
    ['2024-02-29', 4, '2028-02-29'],
    ['2024-02-28', 3, '2027-02-28'],
    ['2024-03-01', 3, '2027-03-01'],
    ['2023-02-28', 1, '2024-02-28'],
    ['2024-12-31', 3, '2027-12-31'],
    ['2024-02-29T23:30:00.000Z', 3, '2027-02-28'],
    ['2000-02-29', 100, '2100-02-28'],
  ])('%s + %i years = %s', (from, years, expected) => {
    expect(addYears(from, years)).toBe(expected);
  });

  it.each([
    // on 28 February of a common year, the period of a 29 February three years back ends that very day
    ['2027-02-28', 3, '2024-02-29'],
    ['2027-02-27', 3, '2024-02-27'],
    ['2027-03-01', 3, '2024-03-01'],
    ['2028-02-29', 3, '2025-02-28'],
    ['2028-02-28', 4, '2024-02-28'],
  ])('on %s, the latest reference due under %i years is %s', (on, years, expected) => {
    expect(lastDueReference(on, years)).toBe(expected);
  });

  it('agrees with addYears on every day of four years: due exactly when reference + years ≤ on', () => {
    const day = (n: number) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    for (let i = 0; i < 4 * 366; i += 1) {
      const on = day(i + 3 * 366);
      const last = lastDueReference(on, 3);
      expect(addYears(last, 3) <= on).toBe(true);
      const next = new Date(Date.parse(`${last}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(addYears(next, 3) > on).toBe(true);
    }
  });
});

describe('retention policies', () => {
  it('start with the CNIL defaults, automatic mode off, and keep what is saved', async () => {
    const { api } = await openClient();
    expect(await api.call('retention.policies', {})).toEqual({
      prospectYears: 3,
      customerYears: 3,
      accountingYears: 10,
      automatic: false,
      automaticAction: 'archive',
    });
    const next = await api.call('retention.policies.update', { prospectYears: 2, automatic: true, automaticAction: 'erase' });
    expect(next).toMatchObject({ prospectYears: 2, customerYears: 3, automatic: true, automaticAction: 'erase' });
    expect(await api.call('retention.policies', {})).toEqual(next);
  });

  it.each([
    [{ accountingYears: 5 }, 'accountingYears', 'too_small'],
    [{ prospectYears: 0 }, 'prospectYears', 'too_small'],
    [{ customerYears: 1.5 }, 'customerYears', 'invalid_number'],
    [{ automaticAction: 'reconsent' }, 'automaticAction', 'invalid_value'],
  ])('refuses %o and changes nothing', async (patch, path, code) => {
    const { api } = await openClient();
    const e = await failure(api.call('retention.policies.update', patch as never));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.issues).toContainEqual({ path, code });
    expect((await api.call('retention.policies', {})).accountingYears).toBe(10);
  });
});

describe('retention review', () => {
  /** A hand-built base around 29 February: on 2027-02-28, exactly `due` are due. */
  const build = async (ctx: Ctx) => {
    const ids = {
      leapProspect: await person(ctx, 'Bissextile', { createdAt: '2024-02-29T10:00:00.000Z' }),
      dayLater: await person(ctx, 'Lendemain', { createdAt: '2024-03-01T08:00:00.000Z' }),
      // collected on paper long before it was typed in: the collection date counts
      oldForm: await person(ctx, 'Formulaire', { createdAt: '2026-01-05T08:00:00.000Z', sourceDate: '2023-01-10' }),
      // created long ago but wrote to the shop recently
      cameBack: await person(ctx, 'Revenu', { createdAt: '2020-01-01T08:00:00.000Z', lastInboundAt: '2025-06-01T10:00:00.000Z' }),
      oldCustomer: await person(ctx, 'Ancienne', {
        status: 'customer',
        createdAt: '2019-05-01T08:00:00.000Z',
        lastPurchaseAt: '2024-02-28T17:00:00.000Z',
      }),
      recentCustomer: await person(ctx, 'Fidèle', {
        status: 'customer',
        createdAt: '2019-05-01T08:00:00.000Z',
        lastPurchaseAt: '2024-03-02T17:00:00.000Z',
      }),
      former: await person(ctx, 'Partie', { status: 'former', createdAt: '2018-01-01T08:00:00.000Z', lastPurchaseAt: '2023-05-05T11:00:00.000Z' }),
      customerWrote: await person(ctx, 'Écrivain', {
        status: 'customer',
        createdAt: '2018-01-01T08:00:00.000Z',
        lastPurchaseAt: '2022-01-01T11:00:00.000Z',
        lastInboundAt: '2025-01-01T11:00:00.000Z',
      }),
    };
    const company = await ctx.api.call('companies.create', { name: 'Boulangerie Dupain' });
    const business = await person(ctx, 'Pro', { createdAt: '2023-09-09T09:00:00.000Z' }, { companyId: company.id });
    return { ...ids, business };
  };

  it('lists exactly the contacts due, with the rule, the reference date and the day they became due', async () => {
    const ctx = await openClient();
    const ids = await build(ctx);
    const review = await ctx.api.call('retention.review', { on: '2027-02-28', limit: 50 });
    expect(review.due).toEqual({ prospect: 3, customer: 2 });
    expect(review.rows).toEqual([
      { contactId: ids.oldForm, name: 'Formulaire', status: 'prospect', business: false, rule: 'prospect', referenceDate: '2023-01-10', dueSince: '2026-01-10' },
      { contactId: ids.former, name: 'Partie', status: 'former', business: false, rule: 'customer', referenceDate: '2023-05-05', dueSince: '2026-05-05' },
      { contactId: ids.business, name: 'Pro', status: 'prospect', business: true, rule: 'prospect', referenceDate: '2023-09-09', dueSince: '2026-09-09' },
      { contactId: ids.oldCustomer, name: 'Ancienne', status: 'customer', business: false, rule: 'customer', referenceDate: '2024-02-28', dueSince: '2027-02-28' },
      { contactId: ids.leapProspect, name: 'Bissextile', status: 'prospect', business: false, rule: 'prospect', referenceDate: '2024-02-29', dueSince: '2027-02-28' },
    ]);
    expect(review.nextCursor).toBeNull();

    // the day before, the 29 February prospect is not due yet
    const before = await ctx.api.call('retention.review', { on: '2027-02-27', rule: 'prospect', limit: 50 });
    expect(before.rows.map((r) => r.contactId)).toEqual([ids.oldForm, ids.business]);
    expect(before.due).toEqual({ prospect: 2, customer: 0 });

    const customers = await ctx.api.call('retention.review', { on: '2027-02-28', rule: 'customer', limit: 50 });
    expect(customers.rows.map((r) => r.contactId)).toEqual([ids.former, ids.oldCustomer]);
  });

  it('pages with a cursor, each due contact once, in order', async () => {
    const ctx = await openClient();
    await build(ctx);
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i += 1) {
      const page: RetentionReview = await ctx.api.call('retention.review', { on: '2027-02-28', limit: 2, cursor });
      seen.push(...page.rows.map((r) => r.contactId));
      // counted once, on the first page
      expect(page.due === null).toBe(i > 0);
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    const all = await ctx.api.call('retention.review', { on: '2027-02-28', limit: 50 });
    expect(seen).toEqual(all.rows.map((r) => r.contactId));
    expect((await failure(ctx.api.call('retention.review', { limit: 2, cursor: 'nope' }))).code).toBe('VALIDATION');
  });

  it('reads who is due from contacts_by_retention, never the whole table', () => {
    const store = openStore();
    const b = dueBounds(defaultRetentionPolicies, '2027-02-28');
    const plan = (sql: string, params: Record<string, unknown>) =>
      (store.sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join(' / ');
    const counted = plan(`SELECT count(*) FROM contacts c WHERE c.status = 'prospect' AND ${REFERENCE_SQL} < @p`, { p: b.prospectBefore });
    expect(counted).toContain('COVERING INDEX contacts_by_retention');
    const due = plan(`SELECT c.id FROM contacts c WHERE ${dueWhere(null)}`, { p: b.prospectBefore, c: b.customerBefore });
    expect(due).toContain('contacts_by_retention');
    expect(due).not.toMatch(/SCAN c\b/);
    // who is due with their sales, for a preview or an action: the index alone, one range per status
    for (const rule of [null, 'prospect', 'customer'] as const) {
      const ranges = plan(dueSql(rule), { p: b.prospectBefore, c: b.customerBefore });
      expect(ranges.match(/SEARCH c USING COVERING INDEX contacts_by_retention/g)).toHaveLength(rule === 'prospect' ? 1 : rule === null ? 3 : 2);
      expect(ranges).not.toMatch(/SCAN c\b|USING INDEX contacts_by_retention/);
    }
    // a page merges the per-status ranges in index order: no sort of every due row
    const page = plan(pageSql(null, true), { p: b.prospectBefore, c: b.customerBefore, limit: 51, afterRef: '2024-01-01', afterId: 1 });
    expect(page).toContain('MERGE (UNION ALL)');
    expect(page).not.toContain('TEMP B-TREE');
  });

  it('follows the policies: five years for prospects leaves them all in the base', async () => {
    const ctx = await openClient();
    await build(ctx);
    await ctx.api.call('retention.policies.update', { prospectYears: 5 });
    const review = await ctx.api.call('retention.review', { on: '2027-02-28', limit: 50 });
    expect(review.due).toEqual({ prospect: 0, customer: 2 });
  });

  it('reports sales older than the accounting period without touching them', async () => {
    const ctx = await openClient();
    const id = await person(ctx, 'Ancien', { createdAt: '2010-01-01T00:00:00.000Z' });
    await ctx.api.call('purchases.create', { contactId: id, purchasedAt: '2012-03-01', lines: [{ label: 'Pain', unitPriceCents: 100 }] });
    await ctx.api.call('purchases.create', { contactId: id, purchasedAt: '2020-03-01', lines: [{ label: 'Pain', unitPriceCents: 100 }] });
    const review = await ctx.api.call('retention.review', { on: '2026-01-01', limit: 10 });
    expect(review.accountingDue).toBe(1);
    expect(count(ctx, 'SELECT count(*) FROM purchases')).toBe(2);
  });
});

describe('retention actions', () => {
  /** Two long-gone prospects and a recent one, due today whatever today is. */
  const base = async (ctx: Ctx) => {
    const tag = 'Salon 2019';
    const gone = await person(
      ctx,
      'Oubliée',
      { createdAt: '2019-01-01T08:00:00.000Z' },
      {
        firstName: 'Jeanne',
        email: 'jeanne@exemple.fr',
        emails: [{ email: 'j.oubliee@travail.fr', label: 'travail' }],
        phones: [{ phone: '06 12 34 56 78', label: 'mobile' }],
        tags: [tag],
      },
    );
    await ctx.api.call('notes.create', { contactId: gone, body: 'Aime les tartes' });
    const gone2 = await person(ctx, 'Partie', { createdAt: '2019-06-01T08:00:00.000Z' });
    const recent = await person(ctx, 'Récente', { createdAt: new Date().toISOString() });
    return { gone, gone2, recent };
  };

  it('previews, then archives with confirmation: the record leaves the live base and is kept whole in the archive', async () => {
    const ctx = await openClient();
    const { gone, gone2, recent } = await base(ctx);
    await ctx.api.call('purchases.create', { contactId: gone, purchasedAt: '2019-02-01', lines: [{ label: 'Tarte', unitPriceCents: 1200 }] });
    // the sale made the prospect a customer; put it back three years after it
    raw(ctx, (db) => db.prepare("UPDATE contacts SET last_purchase_at = '2019-02-01T00:00:00.000Z' WHERE id = ?").run(gone));

    const preview = await ctx.api.call('retention.preview', { action: 'archive' });
    expect(preview).toMatchObject({ action: 'archive', count: 2, withSales: 1 });
    expect(preview.byRule.prospect + preview.byRule.customer).toBe(2);

    const done = await ctx.api.call('retention.apply', { action: 'archive', confirm: true, expected: 2 });
    expect(done).toEqual({ action: 'archive', count: 2, path: null, objected: 0 });

    expect((await failure(ctx.api.call('contacts.get', { id: gone }))).code).toBe('NOT_FOUND');
    expect((await ctx.api.call('contacts.list', { q: 'jeanne', limit: 10 })).rows).toEqual([]);
    expect((await ctx.api.call('contacts.list', { limit: 10 })).rows.map((r) => r.id)).toEqual([recent]);
    expect(count(ctx, 'SELECT count(*) FROM contact_emails WHERE contact_id = ?', gone)).toBe(0);

    let record: { contact: Record<string, unknown>; emails: unknown[]; phones: unknown[]; tags: string[]; notes: { body: string }[]; purchaseIds: number[] } | null =
      null;
    raw(ctx, (db) => {
      const row = db.prepare("SELECT rule, record FROM contact_archive WHERE contact_id = ?").get(gone) as { rule: string; record: string };
      expect(row.rule).toBe('customer');
      record = JSON.parse(row.record) as typeof record;
    });
    expect(record).toMatchObject({
      contact: { id: gone, first_name: 'Jeanne', last_name: 'Oubliée', email: 'jeanne@exemple.fr', phone: null },
      emails: [{ email: 'j.oubliee@travail.fr', label: 'travail' }],
      phones: [{ phone: '+33612345678', label: 'mobile' }],
      tags: ['Salon 2019'],
      notes: [{ body: 'Aime les tartes' }],
    });
    expect(record!.purchaseIds).toHaveLength(1);
    // the sale stays for the accounts, without the person
    expect(count(ctx, 'SELECT count(*) FROM purchases WHERE contact_id IS NULL')).toBe(1);
    expect(count(ctx, 'SELECT count(*) FROM contact_archive WHERE contact_id = ?', gone2)).toBe(1);

    raw(ctx, (db) => {
      const audit = db.prepare("SELECT action, detail FROM audit_log WHERE action = 'retention.archive'").all() as { detail: string }[];
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.detail)).toMatchObject({ count: 2, automatic: false, ids: [gone, gone2] });
      // ids and counts only
      expect(audit[0]!.detail).not.toContain('Jeanne');
    });
  });

  it.each([
    [{ action: 'archive' }],
    [{ action: 'archive', confirm: false }],
    [{ action: 'erase', confirm: 'yes' }],
  ])('applies nothing without confirm: %o', async (input) => {
    const ctx = await openClient();
    await base(ctx);
    const e = await failure(ctx.api.call('retention.apply', input as never));
    expect(e.code).toBe('VALIDATION');
    expect(e.details?.issues).toContainEqual({ path: 'confirm', code: 'confirm_required' });
    expect(count(ctx, 'SELECT count(*) FROM contacts')).toBe(3);
    expect(count(ctx, 'SELECT count(*) FROM contact_archive')).toBe(0);
    expect(count(ctx, 'SELECT count(*) FROM audit_log')).toBe(0);
  });

  it('applies nothing when the base changed since the preview, or when a chosen contact is not due', async () => {
    const ctx = await openClient();
    const { gone, recent } = await base(ctx);
    const changed = await failure(ctx.api.call('retention.apply', { action: 'archive', confirm: true, expected: 5 }));
    expect(changed.code).toBe('CONFLICT');
    expect(changed.details).toMatchObject({ reason: 'preview_changed', count: 2 });
    const notDue = await failure(ctx.api.call('retention.apply', { action: 'archive', ids: [gone, recent], confirm: true }));
    expect(notDue.code).toBe('CONFLICT');
    expect(notDue.details).toMatchObject({ reason: 'not_due', ids: [recent] });
    const both = await failure(ctx.api.call('retention.apply', { action: 'archive', rule: 'prospect', ids: [gone], confirm: true }));
    expect(both.code).toBe('VALIDATION');
    const future = await failure(ctx.api.call('retention.apply', { action: 'archive', on: '2999-01-01', confirm: true }));
    expect(future.details?.issues).toContainEqual({ path: 'on', code: 'in_future' });
    expect(count(ctx, 'SELECT count(*) FROM contacts')).toBe(3);
    expect(count(ctx, 'SELECT count(*) FROM contact_archive')).toBe(0);

    // the chosen ones alone, when they are due
    expect(await ctx.api.call('retention.apply', { action: 'archive', ids: [gone], confirm: true })).toMatchObject({ count: 1 });
    expect(count(ctx, 'SELECT count(*) FROM contacts')).toBe(2);
  });

  it('exports the list to ask again for consent, without removing anyone, leaving out those who objected', async () => {
    const ctx = await openClient();
    await base(ctx);
    const objecting = await person(ctx, 'Opposée', { createdAt: '2019-02-01T08:00:00.000Z' });
    raw(ctx, (db) =>
      db
        .prepare(
          `INSERT INTO consent_events (contact_id, channel, purpose, event, at, method, operator, recorded_at)
           VALUES (?, 'post', 'offers', 'objected', '2020-01-01T00:00:00.000Z', 'paper', 'test', '2020-01-01T00:00:00.000Z')`,
        )
        .run(objecting),
    );
    expect(await ctx.api.call('retention.preview', { action: 'reconsent', rule: 'prospect' })).toMatchObject({ count: 3, objected: 1 });
    const done = await ctx.api.call('retention.apply', { action: 'reconsent', rule: 'prospect', confirm: true });
    expect(done).toMatchObject({ count: 2, objected: 1 });
    expect(done.path).toMatch(/reconsentement-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync(done.path!, 'utf8');
    expect(csv).toContain('Oubliée');
    expect(csv).toContain('Partie');
    expect(csv).not.toContain('Récente');
    expect(csv).not.toContain('Opposée');
    expect(count(ctx, 'SELECT count(*) FROM contacts')).toBe(4);
    expect(count(ctx, "SELECT count(*) FROM audit_log WHERE action = 'retention.reconsent'")).toBe(1);
  });

  it('erases for real through the erasure procedure, recorded as retention', async () => {
    const ctx = await openClient();
    const { gone, gone2 } = await base(ctx);
    const done = await ctx.api.call('retention.apply', { action: 'erase', confirm: true });
    expect(done.count).toBe(2);
    expect(count(ctx, 'SELECT count(*) FROM contacts WHERE id IN (?, ?)', gone, gone2)).toBe(0);
    expect(count(ctx, 'SELECT count(*) FROM contact_archive')).toBe(0);
    expect(count(ctx, 'SELECT count(*) FROM erasure_log WHERE contact_id IN (?, ?)', gone, gone2)).toBe(2);
    expect(count(ctx, "SELECT count(*) FROM audit_log WHERE action = 'retention.erase'")).toBe(1);
  });
});

describe('retention check at start and daily', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const seed = (store: ReturnType<typeof openStore>) => {
    const add = store.sqlite.prepare(
      "INSERT INTO contacts (last_name, status, source, sort_name, created_at, updated_at) VALUES (?, 'prospect', 'other', ?, ?, ?)",
    );
    add.run('Vieux', 'vieux', '2020-01-15T10:00:00.000Z', '2020-01-15T10:00:00.000Z');
    add.run('Neuf', 'neuf', '2023-06-15T10:00:00.000Z', '2023-06-15T10:00:00.000Z');
  };
  const live = (store: ReturnType<typeof openStore>) => store.sqlite.prepare('SELECT last_name FROM contacts ORDER BY id').pluck().all();

  it('only counts while automatic mode is off', () => {
    const store = openStore();
    seed(store);
    const status = runRetentionCheck(store, new Date('2024-06-01T12:00:00Z'));
    expect(status).toEqual({ checkedAt: '2024-06-01T12:00:00.000Z', on: localDate(new Date('2024-06-01T12:00:00Z')), due: { prospect: 1, customer: 0 }, applied: null });
    expect(live(store)).toEqual(['Vieux', 'Neuf']);
    expect(getStatus(store)).toEqual(status);
  });

  it('applies the configured action when automatic mode is on, and audits it as automatic', () => {
    const store = openStore();
    seed(store);
    store.sqlite.transaction(() => updatePolicies(store, { automatic: true, automaticAction: 'archive' }))();
    const first = runRetentionCheck(store, new Date('2024-06-01T12:00:00Z'));
    expect(first.applied).toEqual({ action: 'archive', count: 1 });
    expect(first.due).toEqual({ prospect: 0, customer: 0 });
    expect(live(store)).toEqual(['Neuf']);
    // three years after the second one's creation, the next daily check takes it too
    const later = runRetentionCheck(store, new Date('2026-06-16T12:00:00Z'));
    expect(later.applied).toEqual({ action: 'archive', count: 1 });
    expect(live(store)).toEqual([]);
    const audit = store.sqlite.prepare("SELECT detail FROM audit_log WHERE action = 'retention.archive'").pluck().all() as string[];
    expect(audit.map((d) => (JSON.parse(d) as { automatic: boolean }).automatic)).toEqual([true, true]);
  });

  it('runs shortly after start and then every day, and stops', () => {
    vi.useFakeTimers({ now: new Date('2024-06-01T12:00:00Z') });
    const store = openStore();
    seed(store);
    const checks: string[] = [];
    const schedule = scheduleRetentionChecks({ store: () => store, onChecked: (s) => checks.push(s.checkedAt ?? '') });
    expect(checks).toEqual([]);
    vi.advanceTimersByTime(5_000);
    expect(checks).toEqual(['2024-06-01T12:00:05.000Z']);
    vi.advanceTimersByTime(DAY_MS);
    expect(checks).toHaveLength(2);
    schedule.stop();
    vi.advanceTimersByTime(3 * DAY_MS);
    expect(checks).toHaveLength(2);
  });

  it('runs again a minute after being told its run gave way (soon), then keeps its daily rhythm', () => {
    vi.useFakeTimers({ now: new Date('2024-06-01T12:00:00Z') });
    const store = openStore();
    const checks: string[] = [];
    const schedule = scheduleRetentionChecks({ store: () => store, onChecked: (s) => checks.push(s.checkedAt ?? '') });
    vi.advanceTimersByTime(5_000);
    expect(checks).toHaveLength(1);
    schedule.soon();
    vi.advanceTimersByTime(59_000);
    expect(checks).toHaveLength(1);
    vi.advanceTimersByTime(1_000);
    expect(checks).toEqual(['2024-06-01T12:00:05.000Z', '2024-06-01T12:01:05.000Z']);
    vi.advanceTimersByTime(DAY_MS);
    expect(checks).toHaveLength(3);
    schedule.stop();
    schedule.soon();
    vi.advanceTimersByTime(2 * DAY_MS);
    expect(checks).toHaveLength(3);
  });

  it('waits for an export reading the base to finish instead of skipping a day', () => {
    vi.useFakeTimers({ now: new Date('2024-06-01T12:00:00Z') });
    const store = openStore();
    seed(store);
    const checks: string[] = [];
    // an export streams rows through an open cursor, yielding between chunks
    const cursor = store.sqlite.prepare('SELECT id FROM contacts').iterate();
    cursor.next();
    const schedule = scheduleRetentionChecks({ store: () => store, onChecked: (s) => checks.push(s.checkedAt ?? '') });
    vi.advanceTimersByTime(5_000);
    expect(checks).toEqual([]);
    cursor.return?.();
    vi.advanceTimersByTime(60_000);
    expect(checks).toEqual(['2024-06-01T12:01:05.000Z']);
    schedule.stop();
  });

  it('is part of the host: retention.status reports today\'s check, or counts now when it has not run today', async () => {
    const ctx = await openClient();
    const id = (await ctx.api.call('contacts.create', { lastName: 'Vieux' })).id;
    raw(ctx, (db) => db.prepare("UPDATE contacts SET created_at = '2019-01-01T00:00:00.000Z' WHERE id = ?").run(id));
    const store = createStore(openDatabase(ctx.dbPath), ctx.dbPath);
    try {
      // yesterday's check is stale: the status counts again
      runRetentionCheck(store, new Date('2024-06-01T12:00:00Z'));
      const fresh = await ctx.api.call('retention.status', {});
      expect(fresh).toMatchObject({ on: localDate(), due: { prospect: 1, customer: 0 }, applied: null });
      expect(fresh.checkedAt).not.toBe('2024-06-01T12:00:00.000Z');
      const today = runRetentionCheck(store);
      expect(await ctx.api.call('retention.status', {})).toEqual(today);
    } finally {
      store.sqlite.close();
    }
  });
});
