import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sqlite } from '../../src-main/store/open';
import { AppError, DAY_MS, type AnalyticsStatus, type JobFinished, type JobProgress, type RunningJob } from '../../src-main/contract';
import { atRiskPage, churnByMonth } from '../../src-main/domain/analytics/attrition';
import { dashboardData } from '../../src-main/domain/analytics/dashboard';
import { dayNumber, figuresOf, recomputeFigures, refreshCustomersInSteps, unpack, windowBounds, windowDue, type RecomputeStep } from '../../src-main/domain/analytics/figures';
import { recomputeAnalytics } from '../../src-main/domain/analytics/recompute';
import { createStore, transaction, type Store } from '../../src-main/store/db';
import { paretoOverview, rfmOverview } from '../../src-main/domain/analytics/rfm';
import { failure, finishedJob, jobResult, openClient, openStore, tempDir } from './helpers';

type Api = Awaited<ReturnType<typeof openClient>>['api'];

/** The derived tables as rows, all-zero month rows left out (a month emptied by deletions keeps its row). */
const snapshot = (db: Sqlite) => ({
  figures: db.prepare('SELECT * FROM customer_figures ORDER BY contact_id').all(),
  months: db.prepare('SELECT * FROM customer_months ORDER BY contact_id, month').all(),
  monthCustomers: db
    .prepare('SELECT * FROM month_customers WHERE active <> 0 OR new <> 0 OR retained <> 0 ORDER BY month')
    .all(),
  salesMonths: db
    .prepare('SELECT * FROM sales_months WHERE sales <> 0 OR refunds <> 0 OR revenue_cents <> 0 ORDER BY month')
    .all(),
});


/**
 * The figures written independently: plain SQL over the purchases for the
 * window columns, and month activity from distinct (contact, month) pairs.
 */
const independent = (db: Sqlite, bounds: { start: string; prevStart: string }) => ({
  figures: db
    .prepare(
      `SELECT contact_id,
         count(*) FILTER (WHERE kind = 'sale' AND purchased_at >= :start) AS sales,
         coalesce(sum(amount_cents) FILTER (WHERE purchased_at >= :start), 0) AS total_cents,
         min(purchased_at) FILTER (WHERE kind = 'sale' AND purchased_at >= :start) AS first_at,
         max(purchased_at) FILTER (WHERE kind = 'sale' AND purchased_at >= :start) AS last_at,
         count(*) FILTER (WHERE kind = 'sale' AND purchased_at >= :prev AND purchased_at < :start) AS prev_sales,
         coalesce(sum(amount_cents) FILTER (WHERE purchased_at >= :prev AND purchased_at < :start), 0) AS prev_total_cents
       FROM purchases WHERE contact_id IS NOT NULL GROUP BY contact_id ORDER BY contact_id`,
    )
    .all({ start: bounds.start, prev: bounds.prevStart }),
  activeByMonth: db
    .prepare(
      `SELECT m AS month, count(*) AS active FROM (SELECT DISTINCT contact_id, substr(purchased_at, 1, 7) AS m FROM purchases
        WHERE contact_id IS NOT NULL AND kind = 'sale') GROUP BY m ORDER BY m`,
    )
    .all(),
  revenueByMonth: db
    .prepare('SELECT substr(purchased_at, 1, 7) AS month, sum(amount_cents) AS revenue_cents FROM purchases GROUP BY 1 ORDER BY 1')
    .all(),
});

type Step =
  | { op: 'sale'; who: number | null; daysAgo: number; cents: number }
  | { op: 'refund'; pick: number }
  | { op: 'delete'; pick: number }
  | { op: 'merge'; a: number; b: number }
  | { op: 'undo' }
  | { op: 'erase'; who: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('sale' as const), who: fc.option(fc.nat(5), { freq: 6 }), daysAgo: fc.nat(1_100), cents: fc.integer({ min: 1, max: 50_000 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('refund' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('merge' as const), a: fc.nat(5), b: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'undo' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('erase' as const), who: fc.nat(5) }) },
);

/** Plays one step through the real calls; a refused step (refunded twice, merged contact gone) is part of life. */
const play = async (api: Api, contacts: number[], purchases: number[], merges: number[], s: Step, now: number): Promise<void> => {
  const pick = <T>(list: readonly T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);
  const attempt = async (p: Promise<unknown>) => p.catch(() => undefined);
  switch (s.op) {
    case 'sale': {
      const who = s.who === null ? null : (contacts[s.who] ?? null);
      const p = await attempt(
        api.call('purchases.create', {
          contactId: who,
          purchasedAt: new Date(now - s.daysAgo * DAY_MS - (s.cents % 7_200) * 1_000).toISOString(),
          lines: [{ label: 'Article', unitPriceCents: s.cents }],
        }),
      );
      if (p && typeof p === 'object' && 'id' in p) purchases.push(p.id as number);
      return;
    }
    case 'refund': {
      const id = pick(purchases, s.pick);
      if (id !== undefined) await attempt(api.call('purchases.refund', { purchaseId: id }));
      return;
    }
    case 'delete': {
      const id = pick(purchases, s.pick);
      if (id !== undefined) await attempt(api.call('purchases.delete', { id }));
      return;
    }
    case 'merge': {
      const kept = contacts[s.a];
      const removed = contacts[s.b];
      if (kept === undefined || removed === undefined || kept === removed) return;
      const r = await attempt(api.call('contacts.merge', { keptId: kept, removedId: removed }));
      if (r && typeof r === 'object' && 'mergeId' in r) merges.push(r.mergeId as number);
      return;
    }
    case 'undo': {
      const id = merges.pop();
      if (id !== undefined) await attempt(api.call('merges.undo', { mergeId: id }));
      return;
    }
    case 'erase': {
      const id = contacts[s.who];
      if (id !== undefined) await attempt(api.call('contacts.delete', { id }));
      return;
    }
  }
};

describe('per-customer figures kept current', () => {
  it('equal a full recompute, and an independent computation, after random purchase changes, merges and deletions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), async (steps) => {
        const { api, dbPath } = await openClient();
        const contacts: number[] = [];
        for (let i = 0; i < 6; i++) {
          contacts.push((await api.call('contacts.create', { firstName: `Client${i}`, lastName: 'Test', postcode: `7500${i}` })).id);
        }
        const purchases: number[] = [];
        const merges: number[] = [];
        const now = Date.now();
        for (const s of steps) await play(api, contacts, purchases, merges, s, now);

        const db = openStore(dbPath).sqlite;
        const kept = snapshot(db);
        await jobResult(api, () => api.call('analytics.recompute', {}));
        const rebuilt = snapshot(db);
        expect(kept).toEqual(rebuilt);

        const status = await api.call('analytics.status', {});
        if (status.window === null) throw new Error('window not set');
        const ref = independent(db, status.window);
        expect(
          rebuilt.figures.map((r) => {
            const { gap_days: _g, risk_at: _r, ...rest } = r as Record<string, unknown>;
            return rest;
          }),
        ).toEqual(ref.figures);
        expect(rebuilt.monthCustomers.map((r) => ({ month: (r as { month: string }).month, active: (r as { active: number }).active }))).toEqual(
          ref.activeByMonth,
        );
        expect(rebuilt.salesMonths.map((r) => ({ month: (r as { month: string }).month, revenue_cents: (r as { revenue_cents: number }).revenue_cents }))).toEqual(
          ref.revenueByMonth,
        );
      }),
      { numRuns: 25 },
    );
  }, 240_000);
});

/** A few dozen customers with sales over two years, through the calls. */
const shop = async (api: Api, now: number) => {
  for (let i = 0; i < 24; i++) {
    const { id } = await api.call('contacts.create', { firstName: `Client${i}`, lastName: 'Test' });
    for (let k = 0; k <= i % 3; k++) {
      await api.call('purchases.create', {
        contactId: id,
        purchasedAt: new Date(now - ((i * 41 + k * 97) % 720) * DAY_MS).toISOString(),
        lines: [{ label: 'Article', unitPriceCents: 700 + i * 10 + k }],
      });
    }
  }
};

type Bounds = ReturnType<typeof windowBounds>;

/**
 * A base as the app left it yesterday: a shop, what `calls` adds through the
 * calls, what `rows` writes straight into the store, and that day's figures
 * and bounds. Opened again today, its window is due.
 */
const leftYesterday = async <T>(now: number, calls: (api: Api, was: Bounds) => Promise<T>, rows: (store: Store, was: Bounds) => void = () => undefined) => {
  const dir = tempDir();
  const yesterday = new Date(now - DAY_MS);
  const was = windowBounds({ windowMonths: 12, referenceDate: null }, yesterday);
  const first = await openClient(dir);
  await shop(first.api, now);
  const added = await calls(first.api, was);
  await first.client.close();
  const store = openStore(first.dbPath);
  transaction(store, () => {
    rows(store, was);
    recomputeAnalytics(store, yesterday);
  });
  return { dir, store, added, yesterdays: snapshot(store.sqlite) };
};

describe('figures refreshed in steps (a job: an import, an undo)', () => {
  it('leave every screen answering between two steps, end as a refresh at once does, and a cancel changes nothing', async () => {
    const { api, dbPath } = await openClient();
    const now = Date.now();
    await shop(api, now);
    const store = openStore(dbPath);
    const db = store.sqlite;
    const ids = db.prepare('SELECT id FROM contacts ORDER BY id').pluck().all() as number[];
    const schema = () => db.prepare("SELECT type, name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
    const kept = snapshot(db);
    const before = schema();
    const screens = () => [
      rfmOverview(store),
      paretoOverview(store),
      dashboardData(store, { period: 'year' }),
      atRiskPage(store, { sort: 'value', cursor: null, limit: 20 }),
      atRiskPage(store, { sort: 'overdue', cursor: null, limit: 20 }),
      churnByMonth(store, { from: '2024-01', to: '2026-12' }),
    ];
    // 0: every customer refreshed in one pass over the purchases, as for an import of more than 100,000 customers
    const cancelAt = 3;
    let seen = 0;
    db.exec('BEGIN');
    await expect(
      refreshCustomersInSteps(
        store,
        ids,
        async () => {
          seen += 1;
          if (seen === cancelAt) throw new AppError('CANCELLED', 'cancelled by the user');
        },
        new Date(now),
        0,
      ),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    db.exec('ROLLBACK');
    expect(snapshot(db)).toEqual(kept);
    expect(schema()).toEqual(before);

    const steps: RecomputeStep[] = [];
    db.exec('BEGIN');
    await refreshCustomersInSteps(
      store,
      ids,
      async (at) => {
        steps.push(at);
        // the host serves other calls here: every analysis screen reads the figures so far, indexes aside or not
        expect(() => screens()).not.toThrow();
      },
      new Date(now),
      0,
    );
    db.exec('COMMIT');
    // the tables emptied, then the customers, then each index
    expect(steps[0]).toEqual({ stage: 'customers', done: 0, total: 0 });
    expect(steps.filter((s) => s.stage === 'customers').at(-1)).toEqual({ stage: 'customers', done: ids.length, total: ids.length });
    const indexes = steps.filter((s) => s.stage === 'indexes');
    expect(indexes.map((s) => s.done)).toEqual(indexes.map((_, i) => i + 1));
    expect(indexes.length).toBeGreaterThanOrEqual(cancelAt);
    expect(snapshot(db)).toEqual(kept);
    expect(schema()).toEqual(before);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});

describe('figures of one customer', () => {
  const bounds = windowBounds({ windowMonths: 12, referenceDate: '2026-06-30' }, new Date('2026-11-29T10:00:00Z'));

  it('puts the window at the end of the reference day and the previous one just before it', () => {
    expect(bounds).toEqual({ start: '2025-07-01T00:00:00.000Z', end: '2026-07-01T00:00:00.000Z', prevStart: '2024-07-01T00:00:00.000Z' });
    expect(windowBounds({ windowMonths: 1, referenceDate: null }, new Date('2026-03-30T23:59:00Z'))).toEqual({
      start: '2026-02-28T00:00:00.000Z',
      end: null,
      prevStart: '2026-01-28T00:00:00.000Z',
    });
  });

  it('counts sales and refunds by window, and takes the median gap between days with a sale', () => {
    const f = figuresOf(
      [
        { at: '2024-12-01T10:00:00.000Z', cents: 1_000, sale: true },
        { at: '2025-07-01T09:00:00.000Z', cents: 2_000, sale: true },
        { at: '2025-07-01T18:00:00.000Z', cents: 500, sale: true },
        { at: '2025-07-11T10:00:00.000Z', cents: -500, sale: false },
        { at: '2025-08-10T10:00:00.000Z', cents: 3_000, sale: true },
        { at: '2026-07-01T00:00:00.000Z', cents: 9_999, sale: true },
      ],
      bounds,
      1.5,
    );
    // the sale on the day after the reference day is outside; two tickets the same day are one visit
    expect(f).toEqual({
      sales: 3,
      totalCents: 5_000,
      firstAt: '2025-07-01T09:00:00.000Z',
      lastAt: '2025-08-10T10:00:00.000Z',
      prevSales: 1,
      prevTotalCents: 1_000,
      // days between visits: 212, 40, 325 → median 212
      gapDays: 212,
      riskAt: new Date(Date.parse('2026-07-01T00:00:00.000Z') + 318 * DAY_MS).toISOString(),
    });
  });

  it('counts days from the digits of an instant exactly as the calendar does', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        expect(dayNumber(iso)).toBe(Math.floor(Date.parse(iso) / DAY_MS));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads back a customer packed by SQLite as the full recompute reads them: every amount, in date order whatever the order packed', () => {
    const db = openStore(path.join(tempDir(), 'packed.sqlite')).sqlite;
    const pack = db.prepare(
      `SELECT group_concat(value ->> 'at' || char(31) || (value ->> 'sale') || (value ->> 'cents'), char(30)) FROM json_each(?)`,
    ).pluck();
    const sale = fc.record({
      at: fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
      cents: fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }),
      sale: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(sale, { minLength: 1, maxLength: 30 }), (sales) => {
        const packed = pack.get(JSON.stringify(sales.map((s) => ({ ...s, sale: s.sale ? 1 : 0 })))) as string;
        const inDateOrder = [...sales].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
        expect(unpack(packed)).toEqual(inDateOrder);
      }),
      { numRuns: 500 },
    );
  });

  it('has no usual gap with a single day of sales', () => {
    const f = figuresOf([{ at: '2026-01-05T10:00:00.000Z', cents: 100, sale: true }], bounds, 2);
    expect(f.gapDays).toBeNull();
    expect(f.riskAt).toBeNull();
    expect(f.sales).toBe(1);
  });
});

describe('analysis settings', () => {
  it('refuses a window out of range or a reference date that is not a date, and changes nothing', async () => {
    const { api } = await openClient();
    const before = await api.call('analytics.status', {});
    expect((await failure(api.call('analytics.configure', { windowMonths: 0 }))).details).toMatchObject({ issues: [{ path: 'windowMonths', code: 'too_small' }] });
    expect((await failure(api.call('analytics.configure', { referenceDate: '2026-02-30' }))).details).toMatchObject({
      issues: [{ path: 'referenceDate', code: 'invalid_date' }],
    });
    expect(await api.call('analytics.status', {})).toEqual(before);
  });

  it('recomputes the window with new settings', async () => {
    const { api } = await openClient();
    const c = await api.call('contacts.create', { firstName: 'Anne', lastName: 'Martin' });
    await api.call('purchases.create', { contactId: c.id, purchasedAt: '2025-03-10T10:00:00.000Z', lines: [{ label: 'Pain', unitPriceCents: 250 }] });
    const s = (await jobResult(api, () => api.call('analytics.configure', { windowMonths: 6, referenceDate: '2025-06-30' }))) as AnalyticsStatus;
    expect(s.window).toEqual({ start: '2025-01-01T00:00:00.000Z', end: '2025-07-01T00:00:00.000Z', prevStart: '2024-07-01T00:00:00.000Z' });
    expect(s.stale).toBe(false);
  });
});

describe('the list narrowed to an unsaved definition', () => {
  it('lists and counts exactly the contacts a chart clicked through stands for', async () => {
    const { api } = await openClient();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.call('contacts.create', { firstName: `Cliente${i}`, lastName: 'Durand' })).id);
    // two sales for the first two, one for the third, none for the others
    for (const [k, n] of [[0, 2], [1, 2], [2, 1]] as const) {
      for (let j = 0; j < n; j++) {
        await api.call('purchases.create', { contactId: ids[k], purchasedAt: `2026-0${j + 1}-10T10:00:00.000Z`, lines: [{ label: 'Thé', unitPriceCents: 900 }] });
      }
    }
    const definition = { version: 2 as const, root: { field: 'purchaseCount' as const, min: 2 } };
    const page = await api.call('contacts.list', { definition });
    expect(page.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual([ids[0], ids[1]]);
    expect(page.total).toBe(2);
    const none = await api.call('contacts.list', { definition: { version: 2, root: { op: 'not', child: { field: 'status', in: ['prospect', 'customer', 'former'] } } } });
    expect(none.rows).toEqual([]);
    // bought in February: the contacts with a sale that month, each once; a month that is not one is refused
    const march = await api.call('contacts.list', { definition: { version: 2, root: { field: 'boughtInMonths', from: '2026-02', to: '2026-02' } } });
    expect(march.rows.map((r) => r.id).sort((a, b) => a - b)).toEqual([ids[0], ids[1]]);
    const badMonth = await failure(api.call('segments.count', { definition: { version: 2, root: { field: 'boughtInMonths', from: '2026-00', to: '2026-12' } } }));
    expect(badMonth.details).toMatchObject({ issues: [{ path: 'definition.root.from', code: 'invalid_month' }] });
    const inverted = await failure(api.call('segments.count', { definition: { version: 2, root: { field: 'boughtInMonths', from: '2026-05', to: '2026-01' } } }));
    expect(inverted.details).toMatchObject({ issues: [{ path: 'definition.root.to', code: 'range_inverted' }] });
    // a definition that is not one is refused with its path, not ignored
    const bad = await failure(api.call('contacts.list', { definition: { version: 2, root: { field: 'nope' } } as never }));
    expect(bad.code).toBe('VALIDATION');
    expect(JSON.stringify(bad.details)).toContain('definition');
  });
});

describe('the analyses refilled in a job (new settings, the window following today)', () => {

  it('saves new settings in a job: reads answer and writes wait meanwhile, a cancel keeps the old settings and figures', async () => {
    const { api, dbPath } = await openClient();
    await shop(api, Date.now());
    // a gap in the ids: the progress counts contacts, not ids
    await api.call('contacts.delete', { id: 1 });
    // a second connection sees what is committed
    const db = openStore(dbPath).sqlite;
    const before = { status: await api.call('analytics.status', {}), tables: snapshot(db) };

    // cancelled at its first report
    const cancelled = await (async () => {
      const off = api.on('job.progress', (p) => void api.call('jobs.cancel', { jobId: p.jobId }));
      try {
        return await finishedJob(api, () => api.call('analytics.configure', { windowMonths: 6, riskFactor: 3 }));
      } finally {
        off();
      }
    })();
    expect(cancelled).toMatchObject({ status: 'cancelled', kind: 'analytics', subject: { type: 'analytics', cause: 'settings' } });
    expect(await api.call('analytics.status', {})).toEqual(before.status);
    expect(snapshot(db)).toEqual(before.tables);

    // to its end: between two steps a read answers, a write is told to wait, and the running job is named
    const seen: JobProgress[] = [];
    const during: Promise<unknown>[] = [];
    const off = api.on('job.progress', (p) => {
      seen.push(p);
      if (seen.length === 1) {
        during.push(
          api.call('analytics.rfm', {}),
          failure(api.call('contacts.create', { lastName: 'Pendant' })),
          api.call('jobs.running', {}),
          failure(api.call('analytics.recompute', {})),
        );
      }
    });
    const done = await finishedJob(api, () => api.call('analytics.configure', { windowMonths: 6, riskFactor: 3 }));
    off();
    expect(done).toMatchObject({ status: 'done', subject: { type: 'analytics', cause: 'settings' }, result: { windowMonths: 6, riskFactor: 3, stale: false } });
    const [rfm, write, running, second] = (await Promise.all(during)) as [unknown, AppError, RunningJob[], AppError];
    expect(rfm).toHaveProperty('customers');
    // the refusal names the job, so the screen can say what to wait for
    expect(write).toMatchObject({ code: 'BUSY', details: { reason: 'job_running', kind: 'analytics' } });
    expect(running).toEqual([{ jobId: done.jobId, kind: 'analytics', subject: { type: 'analytics', cause: 'settings' } }]);
    // one refill at a time
    expect(second.code).toBe('BUSY');
    expect(new Set(seen.map((p) => p.phase))).toEqual(new Set(['analytics.customers', 'analytics.indexes']));
    expect(seen.every((p) => p.subject?.type === 'analytics')).toBe(true);
    expect(seen.filter((p) => p.phase === 'analytics.customers').at(-1)).toMatchObject({ done: 23, total: 23 });
    expect(await api.call('analytics.status', {})).toEqual(done.result);

    // the figures are those of a recompute at once with the new settings
    const kept = snapshot(db);
    db.exec('BEGIN');
    recomputeFigures(createStore(db, dbPath));
    expect(snapshot(db)).toEqual(kept);
    db.exec('ROLLBACK');
    expect(kept).not.toEqual(before.tables);
  });

  it('is the only writing job: an import or the demo asked before its transaction has begun is refused, not interleaved', async () => {
    const { api, dir } = await openClient();
    await shop(api, Date.now());
    const file = path.join(dir, 'salon.csv');
    fs.writeFileSync(file, 'Nom;Prénom\r\nMartin;Zoé\r\n');
    // asked in the same turn: the refill has not reached its first step, nor its BEGIN
    const finished = finishedJob(api, () => api.call('analytics.recompute', {}));
    const imported = failure(api.call('imports.run', { kind: 'contacts', path: file }));
    const demo = failure(api.call('demo.generate', { customers: 10 }));
    expect(await imported).toMatchObject({ code: 'BUSY', details: { kind: 'analytics', reason: 'job_running' } });
    expect(await demo).toMatchObject({ code: 'BUSY', details: { kind: 'analytics' } });
    expect(await finished).toMatchObject({ status: 'done' });
    // once it is over, the import goes through
    expect(await jobResult(api, () => api.call('imports.run', { kind: 'contacts', path: file }))).toMatchObject({ created: 1 });
    // and the duplicate finder, which only reads, runs beside a refill
    const both = await Promise.all([
      finishedJob(api, () => api.call('analytics.recompute', {})),
      finishedJob(api, () => api.call('duplicates.find', {})),
    ]);
    expect(both.map((f) => f.status)).toEqual(['done', 'done']);
  });

  it('moves the window to today in a job of its own, rebuilding only the customers whose sales left it', async () => {
    const now = Date.now();
    // sales on the day that leaves the window today, and on the one that leaves the previous window
    const { dir, store, added: leaving, yesterdays } = await leftYesterday(now, async (api, was) => {
      const ids: number[] = [];
      for (let i = 0; i < 6; i++) {
        const { id } = await api.call('contacts.create', { firstName: `Partant${i}`, lastName: 'Test' });
        const at = Date.parse(i % 2 === 0 ? was.start : was.prevStart) + (i + 1) * 3_600_000;
        await api.call('purchases.create', { contactId: id, purchasedAt: new Date(at).toISOString(), lines: [{ label: 'Article', unitPriceCents: 1500 }] });
        ids.push(id);
      }
      return ids;
    });
    expect(windowDue(store, new Date(now))).toBe(true);

    // opened today: the hourly run finds the window moved and rolls it in a job
    const { api } = await openClient(dir);
    const phases: string[] = [];
    const offProgress = api.on('job.progress', (p) => phases.push(p.phase));
    const finished = await new Promise<JobFinished>((resolve) => {
      const off = api.on('job.finished', (f) => {
        off();
        resolve(f);
      });
    });
    offProgress();
    expect(finished).toMatchObject({ status: 'done', kind: 'analytics', subject: { type: 'analytics', cause: 'window' }, result: 'rolled' });
    // customers refreshed one by one: no index rebuilt
    expect(phases.length).toBeGreaterThan(0);
    expect(new Set(phases)).toEqual(new Set(['analytics.customers']));
    expect(windowDue(store)).toBe(false);
    const rolled = snapshot(store.sqlite);
    const changed = (rolled.figures as { contact_id: number }[]).filter((r, i) => JSON.stringify(r) !== JSON.stringify(yesterdays.figures[i])).map((r) => r.contact_id);
    expect(changed.sort((a, b) => a - b)).toEqual(leaving);
    // and they are what a full recompute today gives
    store.sqlite.exec('BEGIN');
    recomputeFigures(store);
    expect(snapshot(store.sqlite)).toEqual(rolled);
    store.sqlite.exec('ROLLBACK');
  });

  it('gives way to the user: a save or an import asked during the routine roll goes through, the roll is cancelled whole and owed', async () => {
    const now = Date.now();
    // enough customers whose sale leaves the window today for a roll of several steps (1,000 customers each)
    const { dir, store, yesterdays } = await leftYesterday(now, async () => undefined, (s, was) => {
      const at = new Date(Date.parse(was.start) + 3_600_000).toISOString();
      const contact = s.sqlite.prepare(`INSERT INTO contacts (last_name, sort_name, source, created_at, updated_at) VALUES (?, ?, 'shop', ?, ?)`);
      const sale = s.sqlite.prepare('INSERT INTO purchases (contact_id, purchased_at, amount_cents, created_at) VALUES (?, ?, 1500, ?)');
      for (let i = 0; i < 3_000; i++) {
        const id = Number(contact.run(`Partant${i}`, `partant${i}`, at, at).lastInsertRowid);
        sale.run(id, at, at);
      }
    });
    const file = path.join(dir, 'salon.csv');
    fs.writeFileSync(file, 'Nom;Prénom\r\nMartin;Zoé\r\n');

    // opened today: at the roll's first step the user saves a contact and starts an import
    const { api } = await openClient(dir);
    const asked: Promise<unknown>[] = [];
    const off = api.on('job.progress', (p) => {
      if (p.subject?.type === 'analytics' && p.done < p.total && asked.length === 0) {
        asked.push(api.call('contacts.create', { lastName: 'Comptoir' }), jobResult(api, () => api.call('imports.run', { kind: 'contacts', path: file })));
      }
    });
    const roll = await new Promise<JobFinished>((resolve) => {
      const offFinished = api.on('job.finished', (f) => {
        if (f.kind !== 'analytics') return;
        offFinished();
        resolve(f);
      });
    });
    off();
    expect(roll).toMatchObject({ status: 'cancelled', subject: { type: 'analytics', cause: 'window' } });
    const [created, imported] = (await Promise.all(asked)) as [{ id: number }, { created: number }];
    expect(created.id).toBeGreaterThan(0);
    expect(imported).toMatchObject({ created: 1 });
    // nothing of the roll was kept: yesterday's figures (the new contacts bought nothing), the window still owed
    expect(snapshot(store.sqlite)).toEqual(yesterdays);
    expect(windowDue(store, new Date(now))).toBe(true);
    expect(await api.call('jobs.running', {})).toEqual([]);
  });
});
