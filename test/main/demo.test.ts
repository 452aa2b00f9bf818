import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openStore } from './helpers';
import {
  AppError,
  companyInput,
  contactInput,
  demoInput,
  EMAIL_PATTERN,
  fold,
  isValidSiret,
  lineTotalCents,
  toE164,
  type DemoInput,
} from '../../src-main/contract';
import { recomputeAnalytics } from '../../src-main/domain/analytics/recompute';
import { getCompany } from '../../src-main/domain/companies/service';
import { contactToInput, getContact, insertContact, matchName, sortName } from '../../src-main/domain/contacts/service';
import {
  DEMO_MARKER_KEY,
  DEMO_SIZES,
  generateDemo,
  recoverInterruptedDemo,
} from '../../src-main/domain/demo/generator';
import { DEMO_CATALOGUE } from '../../src-main/domain/demo/data';
import { deferrableIndexes } from '../../src-main/domain/demo/load';
import type { Store } from '../../src-main/store/db';
import type { JobContext } from '../../src-main/host/registry';

const NOW = new Date('2026-03-15T10:30:00.000Z');


type ProgressEvent = { phase: string; done: number; total: number };

const makeJob = (onProgress?: (e: ProgressEvent, controller: AbortController) => void) => {
  const controller = new AbortController();
  const events: ProgressEvent[] = [];
  const job: JobContext = {
    jobId: 'test',
    signal: controller.signal,
    progress(phase, done, total) {
      const e = { phase, done, total };
      events.push(e);
      onProgress?.(e, controller);
    },
    tick: () =>
      new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        if (controller.signal.aborted) throw new AppError('CANCELLED', 'cancelled');
      }),
  };
  return { job, events, controller };
};

const options = (input: DemoInput) => demoInput.parse(input);

const scalar = (store: Store, sql: string, ...params: unknown[]): number =>
  Number(store.sqlite.prepare(sql).pluck().get(...params));

const counters = (store: Store) =>
  Object.fromEntries(
    (store.sqlite.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[]).map((r) => [
      r.name,
      r.value,
    ]),
  );

/** The whole schema (indexes, triggers, tables) as SQL: a load must leave it exactly as it found it. */
const schema = (store: Store): string[] =>
  store.sqlite.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY type, name').all().map((r) => JSON.stringify(r));

const tableHash = (store: Store): string => {
  const hash = crypto.createHash('sha256');
  for (const row of store.sqlite.prepare('SELECT * FROM companies ORDER BY id').iterate()) hash.update(JSON.stringify(row));
  for (const row of store.sqlite.prepare('SELECT * FROM contacts ORDER BY id').iterate()) hash.update(JSON.stringify(row));
  for (const row of store.sqlite.prepare('SELECT * FROM purchases ORDER BY id').iterate()) hash.update(JSON.stringify(row));
  for (const row of store.sqlite.prepare('SELECT * FROM products ORDER BY id').iterate()) hash.update(JSON.stringify(row));
  for (const row of store.sqlite.prepare('SELECT * FROM purchase_lines ORDER BY id').iterate()) hash.update(JSON.stringify(row));
  for (const row of store.sqlite.prepare('SELECT * FROM tags ORDER BY id').iterate()) hash.update(JSON.stringify(row));
  for (const row of store.sqlite.prepare('SELECT * FROM contact_tags ORDER BY contact_id, tag_id').iterate()) hash.update(JSON.stringify(row));
  return hash.digest('hex');
};

const indexNamesOf = (store: Store): string[] =>
  store.sqlite
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
    .pluck()
    .all() as string[];

type ContactRecord = {
  id: number;
  civility: 'mme' | 'm' | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  address_line1: string | null;
  address_line2: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
  status: 'prospect' | 'customer' | 'former';
  source: string;
  sort_name: string;
  match_name: string;
  company_id: number | null;
  job_title: string | null;
  birth_date: string | null;
  source_date: string | null;
  data_origin: string;
  created_at: string;
  updated_at: string;
  purchase_count: number;
  total_cents: number;
  first_purchase_at: string | null;
  last_purchase_at: string | null;
};

describe('demo shop generator', () => {
  it('offers the documented sizes', () => {
    expect(DEMO_SIZES).toEqual([100, 1_000, 10_000, 100_000, 1_000_000]);
  });

  it('fills an empty base with consistent, realistic French data', async () => {
    const store = openStore();
    const schemaBefore = schema(store);
    const { job, events } = makeJob();
    const result = await generateDemo(store, options({ customers: 3_000 }), job, NOW, 1_000);

    // counts: rows, aggregates and trigger-kept counters agree
    const purchases = scalar(store, 'SELECT count(*) FROM purchases');
    expect(result.customers).toBe(3_000);
    expect(result.purchases).toBe(purchases);
    expect(scalar(store, 'SELECT count(*) FROM contacts')).toBe(3_000);
    expect(scalar(store, 'SELECT sum(purchase_count) FROM contacts')).toBe(purchases);
    expect(counters(store)).toMatchObject({ contacts: 3_000, purchases });
    // the per-status counters kept by triggers agree with the rows
    for (const { status, n } of store.sqlite.prepare('SELECT status, count(*) AS n FROM contacts GROUP BY status').all() as {
      status: string;
      n: number;
    }[]) {
      expect(counters(store)[`contacts.${status}`] ?? n).toBe(n);
    }
    expect(result.ms).toBeGreaterThanOrEqual(0);
    // about purchasesPerCustomer (10) per contact overall
    expect(purchases / 3_000).toBeGreaterThan(8.5);
    expect(purchases / 3_000).toBeLessThan(11.5);

    // the aggregates written with each contact equal a recomputation from the purchases
    const mismatches = scalar(
      store,
      `SELECT count(*) FROM contacts c
        LEFT JOIN (SELECT contact_id, count(*) AS n, sum(amount_cents) AS s, min(purchased_at) AS f, max(purchased_at) AS l
                     FROM purchases GROUP BY contact_id) p ON p.contact_id = c.id
        WHERE c.purchase_count != coalesce(p.n, 0) OR c.total_cents != coalesce(p.s, 0)
           OR c.first_purchase_at IS NOT p.f OR c.last_purchase_at IS NOT p.l`,
    );
    expect(mismatches).toBe(0);
    expect(scalar(store, 'SELECT count(*) FROM purchases WHERE contact_id IS NULL')).toBe(0);

    // tags as a shop has them: each in use, its count kept by the triggers
    const tags = store.sqlite
      .prepare('SELECT t.name, t.contact_count AS kept, (SELECT count(*) FROM contact_tags ct WHERE ct.tag_id = t.id) AS n FROM tags t ORDER BY t.id')
      .all() as { name: string; kept: number; n: number }[];
    expect(tags.map((t) => t.name)).toEqual(['VIP', 'Newsletter', 'Pro', 'Salon', 'À relancer']);
    for (const t of tags) {
      expect(t.n, t.name).toBeGreaterThan(0);
      expect(t.kept, t.name).toBe(t.n);
    }
    // VIP follows spending: every customer who spent 2,000 € or more, nobody else
    expect(
      scalar(
        store,
        `SELECT count(*) FROM contacts c WHERE (c.total_cents >= 200000) !=
          EXISTS (SELECT 1 FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.name = 'VIP' AND ct.contact_id = c.id)`,
      ),
    ).toBe(0);
    expect(scalar(store, "SELECT count(*) FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id JOIN contacts c ON c.id = ct.contact_id WHERE t.name = 'Pro' AND c.company_id IS NULL")).toBe(0);
    // each membership carries its contact's list columns (the tag filter's indexes read them)
    expect(
      scalar(
        store,
        `SELECT count(*) FROM contact_tags ct JOIN contacts c ON c.id = ct.contact_id
          WHERE ct.status IS NOT c.status OR ct.sort_name IS NOT c.sort_name OR ct.source IS NOT c.source
             OR ct.city_key IS NOT c.city_key OR ct.postcode IS NOT c.postcode OR ct.created_at IS NOT c.created_at
             OR ct.last_purchase_at IS NOT c.last_purchase_at OR ct.total_cents IS NOT c.total_cents`,
      ),
    ).toBe(0);

    // the load leaves the schema as it found it
    expect(schema(store)).toEqual(schemaBefore);
    expect(scalar(store, 'SELECT count(*) FROM settings WHERE key = ?', DEMO_MARKER_KEY)).toBe(0);
    expect(store.sqlite.pragma('quick_check', { simple: true })).toBe('ok');
    expect(store.sqlite.pragma('foreign_key_check')).toEqual([]);

    const contacts = store.sqlite.prepare('SELECT * FROM contacts ORDER BY id').all() as ContactRecord[];

    // statuses follow purchases: ~15 % prospects, a few former customers
    const prospects = contacts.filter((c) => c.status === 'prospect');
    expect(prospects.every((c) => c.purchase_count === 0)).toBe(true);
    expect(contacts.filter((c) => c.status !== 'prospect').every((c) => c.purchase_count > 0)).toBe(true);
    expect(prospects.length / contacts.length).toBeGreaterThan(0.1);
    expect(prospects.length / contacts.length).toBeLessThan(0.2);
    expect(contacts.filter((c) => c.status === 'former').length).toBeGreaterThan(0);
    expect(contacts.filter((c) => c.status === 'former').length / contacts.length).toBeLessThan(0.1);

    // Pareto: the top 20 % of customers bring at least 60 % of the revenue
    const totals = contacts.map((c) => c.total_cents).sort((a, b) => b - a);
    const revenue = totals.reduce((a, b) => a + b, 0);
    const top = totals.slice(0, totals.length / 5).reduce((a, b) => a + b, 0);
    expect(top / revenue).toBeGreaterThanOrEqual(0.6);

    // every record survives the edit round trip (read, re-validate), so editing a demo contact just works
    for (const c of contacts) {
      // the full read is slow-ish: a sample, and every employee (the rarer shape)
      if (c.id % 7 === 0 || c.company_id !== null) {
        const parsed = contactInput.safeParse(contactToInput(getContact(store, c.id)));
        expect(parsed.success, `contact ${c.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      }
      expect(c.sort_name).toBe(sortName({ firstName: c.first_name, lastName: c.last_name }));
      expect(c.match_name).toBe(matchName({ firstName: c.first_name, lastName: c.last_name }));
      expect(c.source_date).toBe(c.created_at.slice(0, 10));
      expect(c.data_origin).toBe(c.source === 'purchased_file' ? 'purchased' : 'own');
      if (c.first_purchase_at !== null) expect(c.created_at <= c.first_purchase_at).toBe(true);
      expect(c.created_at <= NOW.toISOString()).toBe(true);
    }

    // a few people work for one of the demo companies, which are valid companies themselves
    const companies = store.sqlite.prepare('SELECT id FROM companies').pluck().all() as number[];
    expect(companies.length).toBe(20);
    for (const id of companies) {
      const company = getCompany(store, id);
      const parsed = companyInput.safeParse({
        name: company.name,
        siren: company.siren,
        siret: company.siret,
        email: company.email,
        phone: company.phone,
        addressLine1: company.addressLine1,
        addressLine2: company.addressLine2,
        postcode: company.postcode,
        city: company.city,
        country: company.country,
      });
      expect(parsed.success, `company ${id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(isValidSiret(company.siret ?? '')).toBe(true);
    }
    const employees = contacts.filter((c) => c.company_id !== null);
    expect(employees.length).toBeGreaterThan(30);
    expect(employees.every((c) => c.job_title !== null && companies.includes(c.company_id ?? 0))).toBe(true);
    expect(contacts.filter((c) => c.birth_date !== null).length / contacts.length).toBeGreaterThan(0.25);

    // postcodes keep their leading zeros; French phones are valid E.164, mostly mobiles
    const postcodes = contacts.flatMap((c) => (c.postcode === null ? [] : [c.postcode]));
    expect(postcodes.every((p) => /^\d{5}$/.test(p))).toBe(true);
    expect(postcodes.some((p) => p.startsWith('0'))).toBe(true);
    const phones = contacts.flatMap((c) => (c.phone === null ? [] : [c.phone]));
    expect(phones.every((p) => /^\+33[1-7]\d{8}$/.test(p) && toE164(p) === p)).toBe(true);
    const mobiles = phones.filter((p) => /^\+33[67]/.test(p)).length / contacts.length;
    expect(mobiles).toBeGreaterThan(0.65);
    expect(mobiles).toBeLessThan(0.85);
    const emails = contacts.flatMap((c) => (c.email === null ? [] : [c.email]));
    expect(emails.length / contacts.length).toBeGreaterThan(0.7);
    expect(emails.every((e) => EMAIL_PATTERN.test(e) && e === e.toLowerCase())).toBe(true);
    expect(new Set(contacts.map((c) => c.source)).size).toBeGreaterThanOrEqual(6);
    expect(contacts.filter((c) => c.source === 'shop_form').length / contacts.length).toBeGreaterThan(0.4);

    // purchases: integer cents in range (the lines' rounding aside), dates inside the window, channels mostly shop
    const from = new Date(NOW.getTime() - 4 * 366 * 86_400_000).toISOString();
    expect(scalar(store, 'SELECT count(*) FROM purchases WHERE amount_cents NOT BETWEEN 400 AND 80010')).toBe(0);
    expect(scalar(store, 'SELECT avg(amount_cents BETWEEN 500 AND 80000) FROM purchases')).toBeGreaterThan(0.98);

    // tickets: the shop's catalogue, and lines that add up to each ticket at its article's price and unit,
    // each line's total rounded as at the counter; weighed articles in thousandths, pieces whole
    expect(store.sqlite.prepare('SELECT sku FROM products ORDER BY id').pluck().all()).toEqual(DEMO_CATALOGUE.map((p) => p.sku));
    expect(
      scalar(
        store,
        `SELECT count(*) FROM purchases p
          WHERE p.amount_cents != (SELECT coalesce(sum(l.total_cents), 0) FROM purchase_lines l WHERE l.purchase_id = p.id)
            OR NOT EXISTS (SELECT 1 FROM purchase_lines l WHERE l.purchase_id = p.id)`,
      ),
    ).toBe(0);
    const lines = store.sqlite
      .prepare(
        `SELECT l.purchase_id AS purchaseId, l.label, l.quantity_milli AS milli, l.unit_price_cents AS price, l.total_cents AS total, l.unit,
          pr.name, pr.price_cents AS productPrice, pr.unit AS productUnit
          FROM purchase_lines l LEFT JOIN products pr ON pr.id = l.product_id`,
      )
      .all() as {
      purchaseId: number;
      label: string;
      milli: number;
      price: number;
      total: number;
      unit: string;
      name: string | null;
      productPrice: number | null;
      productUnit: string | null;
    }[];
    expect(lines.length).toBeGreaterThan(purchases);
    const wrong = lines.filter(
      (l) =>
        l.name !== l.label ||
        l.productPrice !== l.price ||
        l.productUnit !== l.unit ||
        l.milli <= 0 ||
        (l.unit === 'piece' && l.milli % 1000 !== 0) ||
        l.total !== lineTotalCents(l.milli / 1000, l.price),
    );
    expect(wrong).toEqual([]);
    const weighed = lines.filter((l) => l.unit !== 'piece');
    expect(weighed.length / lines.length).toBeGreaterThan(0.1);
    expect(weighed.some((l) => l.milli % 1000 !== 0)).toBe(true);
    expect(lines.length / purchases).toBeLessThan(5);
    // wine by the case on the big orders
    expect(lines.some((l) => l.unit === 'piece' && l.milli >= 6000)).toBe(true);
    expect(scalar(store, 'SELECT count(*) FROM purchases WHERE purchased_at > ? OR purchased_at < ?', NOW.toISOString(), from)).toBe(0);
    expect(scalar(store, "SELECT count(*) FROM purchases WHERE currency != 'EUR' OR created_at != purchased_at")).toBe(0);
    const shopShare = scalar(store, "SELECT avg(channel = 'shop') FROM purchases");
    expect(shopShare).toBeGreaterThan(0.6);
    expect(
      store.sqlite.prepare('SELECT DISTINCT channel FROM purchases ORDER BY 1').pluck().all(),
    ).toEqual(['fair', 'phone', 'shop', 'web']);

    // the full-text index (filled by the triggers) finds an accented name by its folded prefix
    const accented = contacts.find((c) => c.first_name !== null && fold(c.first_name) !== c.first_name.toLowerCase());
    expect(accented).toBeDefined();
    if (accented?.first_name) {
      const term = fold(accented.first_name).split(/[^a-z0-9]+/)[0] ?? '';
      const ids = store.sqlite
        .prepare('SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?')
        .pluck()
        .all(`"${term.slice(0, 4)}"*`) as number[];
      expect(ids).toContain(accented.id);
    }

    // progress: customers, indexes, then the customers' analyses and their indexes, each monotonic and finishing at its total
    const phases = [...new Set(events.map((e) => e.phase))];
    expect(phases).toEqual(['demo.customers', 'demo.indexes', 'demo.analytics', 'demo.analyticsIndexes']);
    for (const phase of phases) {
      const list = events.filter((e) => e.phase === phase);
      for (let i = 1; i < list.length; i++) expect(list[i]?.done).toBeGreaterThanOrEqual(list[i - 1]?.done ?? 0);
      const last = list[list.length - 1];
      expect(last?.done).toBe(last?.total);
    }
    expect(events.find((e) => e.phase === 'demo.customers' && e.done === 3_000)?.total).toBe(3_000);
  });

  it('gives byte-identical rows for the same seed and day, different ones for another seed', async () => {
    const a = openStore();
    const b = openStore();
    const c = openStore();
    await generateDemo(a, options({ customers: 600, seed: 7 }), makeJob().job, NOW);
    // another hour of the same day, other transaction sizes: same rows
    await generateDemo(b, options({ customers: 600, seed: 7 }), makeJob().job, new Date('2026-03-15T22:00:00.000Z'), 70);
    await generateDemo(c, options({ customers: 600, seed: 8 }), makeJob().job, NOW);
    expect(tableHash(a)).toBe(tableHash(b));
    expect(tableHash(a)).not.toBe(tableHash(c));
  });

  it('refuses a base that already holds contacts or purchases', async () => {
    const withContact = openStore();
    insertContact(withContact, contactInput.parse({ firstName: 'Zoé', lastName: 'Lefèvre' }));
    await expect(generateDemo(withContact, options({ customers: 100 }), makeJob().job, NOW)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'not_empty' },
    });
    expect(scalar(withContact, 'SELECT count(*) FROM contacts')).toBe(1);

    // an anonymised sale (its customer erased) still makes the base non-empty
    const withSale = openStore();
    withSale.sqlite
      .prepare("INSERT INTO purchases (contact_id, purchased_at, amount_cents, created_at) VALUES (NULL, ?, 1000, ?)")
      .run(NOW.toISOString(), NOW.toISOString());
    await expect(generateDemo(withSale, options({ customers: 100 }), makeJob().job, NOW)).rejects.toBeInstanceOf(
      AppError,
    );
    expect(scalar(withSale, 'SELECT count(*) FROM contacts')).toBe(0);
  });

  it('removes everything it wrote when cancelled half-way, and keeps what the user added meanwhile', async () => {
    const store = openStore();
    const schemaBefore = schema(store);
    let userContact = 0;
    const { job, events } = makeJob((e, controller) => {
      if (e.phase !== 'demo.customers' || e.done === 0) return;
      // between two batches other calls run: a user adds a contact, then cancels
      if (userContact === 0) userContact = insertContact(store, contactInput.parse({ lastName: 'Bégué', city: 'Laon' }));
      else controller.abort();
    });
    await expect(generateDemo(store, options({ customers: 5_000 }), job, NOW, 500)).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    const progress = events.filter((e) => e.phase === 'demo.customers');
    expect(progress.map((e) => e.done)).toEqual([0, 500, 1_000]);
    expect(events.some((e) => e.phase === 'demo.indexes')).toBe(false);
    expect(store.sqlite.prepare('SELECT id, last_name FROM contacts').all()).toEqual([
      { id: userContact, last_name: 'Bégué' },
    ]);
    expect(scalar(store, 'SELECT count(*) FROM purchases')).toBe(0);
    expect(scalar(store, 'SELECT count(*) FROM purchase_lines')).toBe(0);
    expect(scalar(store, 'SELECT count(*) FROM products')).toBe(0);
    expect(counters(store)).toMatchObject({ contacts: 1, purchases: 0 });
    expect(scalar(store, 'SELECT count(*) FROM companies')).toBe(0);
    expect(scalar(store, 'SELECT count(*) FROM tags')).toBe(0);
    expect(scalar(store, 'SELECT count(*) FROM contact_tags')).toBe(0);
    expect(schema(store)).toEqual(schemaBefore);
    expect(scalar(store, 'SELECT count(*) FROM settings WHERE key = ?', DEMO_MARKER_KEY)).toBe(0);
    // the full-text index forgot the demo contacts too
    expect(scalar(store, `SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH '"ma"*'`)).toBe(0);
    expect(scalar(store, `SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'begue'`)).toBe(1);
  });

  it('refills the analyses in steps with their own phases, and a cancel there removes the demo too', async () => {
    const store = openStore();
    const schemaBefore = schema(store);
    let stoppedAt: string | null = null;
    const { job, events } = makeJob((e, controller) => {
      // every row and index is in: the last part, the customers' analyses, is stopped half-way
      if (e.phase === 'demo.analyticsIndexes' && e.done === 1) {
        stoppedAt = e.phase;
        controller.abort();
      }
    });
    await expect(generateDemo(store, options({ customers: 2_000 }), job, NOW, 500)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(stoppedAt).toBe('demo.analyticsIndexes');
    expect([...new Set(events.map((e) => e.phase))]).toEqual(['demo.customers', 'demo.indexes', 'demo.analytics', 'demo.analyticsIndexes']);
    expect(store.sqlite.inTransaction).toBe(false);
    expect(Object.values(counters(store)).every((v) => v === 0)).toBe(true);
    for (const table of ['contacts', 'purchases', 'customer_figures', 'customer_months', 'sales_months']) {
      expect(scalar(store, `SELECT count(*) FROM ${table}`), table).toBe(0);
    }
    expect(schema(store)).toEqual(schemaBefore);
    expect(scalar(store, 'SELECT count(*) FROM settings WHERE key = ?', DEMO_MARKER_KEY)).toBe(0);

    // run to the end, the same analyses as a refill at once
    await generateDemo(store, options({ customers: 2_000 }), makeJob().job, NOW, 500);
    const figures = () => store.sqlite.prepare('SELECT * FROM customer_figures ORDER BY contact_id').all();
    const stepped = figures();
    expect(stepped.length).toBeGreaterThan(1_000);
    recomputeAnalytics(store, NOW);
    expect(figures()).toEqual(stepped);
  });

  it('leaves an empty base after a cancel straight after the first batch', async () => {
    const store = openStore();
    const { job } = makeJob((e, controller) => {
      if (e.done > 0) controller.abort();
    });
    await expect(generateDemo(store, options({ customers: 5_000 }), job, NOW, 1_000)).rejects.toMatchObject({
      code: 'CANCELLED',
    });
    expect(Object.values(counters(store)).every((v) => v === 0)).toBe(true);
    expect(scalar(store, 'SELECT count(*) FROM contacts')).toBe(0);
    expect(scalar(store, 'SELECT count(*) FROM purchases')).toBe(0);
    // and the base accepts a demo again
    const again = await generateDemo(store, options({ customers: 100 }), makeJob().job, NOW);
    expect(counters(store)).toMatchObject({ contacts: 100, purchases: again.purchases });
  });

  it('undoes a load cut short by a crash when the base is next opened', async () => {
    const first = openStore();
    const file = first.file;
    const schemaBefore = schema(first);
    const controller = new AbortController();
    let batches = 0;
    const stalled: JobContext = {
      jobId: 'crash',
      signal: controller.signal,
      progress: () => undefined,
      // the process "dies" after two batches: the job never resumes
      tick: () => (++batches >= 2 ? new Promise<void>(() => undefined) : Promise.resolve()),
    };
    void generateDemo(first, options({ customers: 5_000 }), stalled, NOW, 1_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.sqlite.close();

    const reopened = openStore(file);
    expect(scalar(reopened, 'SELECT count(*) FROM contacts')).toBeGreaterThan(0);
    expect(schema(reopened).length).toBeLessThan(schemaBefore.length);
    expect(scalar(reopened, 'SELECT count(*) FROM purchase_lines')).toBeGreaterThan(0);
    expect(recoverInterruptedDemo(reopened)).toBe(true);
    expect(Object.values(counters(reopened)).every((v) => v === 0)).toBe(true);
    expect(scalar(reopened, 'SELECT count(*) FROM purchase_lines')).toBe(0);
    expect(scalar(reopened, 'SELECT count(*) FROM products')).toBe(0);
    expect(scalar(reopened, 'SELECT count(*) FROM companies')).toBe(0);
    expect(scalar(reopened, 'SELECT count(*) FROM tags')).toBe(0);
    expect(scalar(reopened, 'SELECT count(*) FROM contact_tags')).toBe(0);
    expect(schema(reopened)).toEqual(schemaBefore);
    expect(recoverInterruptedDemo(reopened)).toBe(false);
  });

  it('uses a tag of the same name the empty base already holds, and a cancel keeps that tag as it was', async () => {
    const tagged = openStore();
    const own = Number(tagged.sqlite.prepare("INSERT INTO tags (name, folded) VALUES ('Vip', 'vip')").run().lastInsertRowid);
    await generateDemo(tagged, options({ customers: 2_000 }), makeJob().job, NOW, 1_000);
    expect(tagged.sqlite.prepare("SELECT id, name FROM tags WHERE name LIKE 'vip'").all()).toEqual([{ id: own, name: 'Vip' }]);
    expect(scalar(tagged, 'SELECT count(*) FROM contact_tags WHERE tag_id = ?', own)).toBeGreaterThan(0);

    const cancelled = openStore();
    const kept = Number(cancelled.sqlite.prepare("INSERT INTO tags (name, folded) VALUES ('Vip', 'vip')").run().lastInsertRowid);
    const { job } = makeJob((e, controller) => {
      if (e.phase === 'demo.customers' && e.done > 0) controller.abort();
    });
    await expect(generateDemo(cancelled, options({ customers: 3_000 }), job, NOW, 1_000)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(cancelled.sqlite.prepare('SELECT id, name, contact_count AS n FROM tags').all()).toEqual([{ id: kept, name: 'Vip', n: 0 }]);
    expect(scalar(cancelled, 'SELECT count(*) FROM contact_tags')).toBe(0);
  });

  it('adds its catalogue beside the articles an emptied base kept: an article code already used stays theirs', async () => {
    const store = openStore();
    const at = NOW.toISOString();
    const own = Number(
      store.sqlite
        .prepare("INSERT INTO products (name, sort_name, sku, price_cents, created_at, updated_at) VALUES ('Comté 18 mois', 'comte 18 mois', 'FRO-COM24', 2890, ?, ?)")
        .run(at, at).lastInsertRowid,
    );
    await generateDemo(store, options({ customers: 300 }), makeJob().job, NOW);
    expect(store.sqlite.prepare('SELECT id, name, sku, price_cents AS price FROM products WHERE id = ?').get(own)).toEqual({
      id: own,
      name: 'Comté 18 mois',
      sku: 'FRO-COM24',
      price: 2890,
    });
    expect(scalar(store, "SELECT count(*) FROM products WHERE name = 'Comté 24 mois' AND sku IS NULL")).toBe(1);
    expect(scalar(store, 'SELECT count(*) FROM purchase_lines WHERE product_id = ?', own)).toBe(0);
    expect(scalar(store, 'SELECT count(*) FROM products')).toBe(DEMO_CATALOGUE.length + 1);

    // a cancel takes the demo's articles away and leaves theirs
    const cancelled = openStore();
    const kept = Number(
      cancelled.sqlite
        .prepare("INSERT INTO products (name, sort_name, sku, price_cents, created_at, updated_at) VALUES ('Pain', 'pain', 'PAIN', 120, ?, ?)")
        .run(at, at).lastInsertRowid,
    );
    const { job } = makeJob((e, controller) => {
      if (e.phase === 'demo.customers' && e.done > 0) controller.abort();
    });
    await expect(generateDemo(cancelled, options({ customers: 3_000 }), job, NOW, 1_000)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(cancelled.sqlite.prepare('SELECT id FROM products').pluck().all()).toEqual([kept]);
  });

  it('spreads purchases over the requested number of years, all before now', async () => {
    const store = openStore();
    await generateDemo(store, options({ customers: 400, years: 1, purchasesPerCustomer: 3 }), makeJob().job, NOW);
    const yearAgo = new Date(NOW.getTime() - 366 * 86_400_000).toISOString();
    expect(scalar(store, 'SELECT count(*) FROM purchases WHERE purchased_at < ? OR purchased_at > ?', yearAgo, NOW.toISOString())).toBe(0);
    expect(scalar(store, 'SELECT count(*) FROM contacts WHERE created_at < ? OR created_at > ?', yearAgo, NOW.toISOString())).toBe(0);
    // Sundays are closing days for the shop
    expect(scalar(store, "SELECT count(*) FROM purchases WHERE channel = 'shop' AND strftime('%w', purchased_at) = '0'")).toBe(0);
  });

  it('sets aside only indexes that neither guard a constraint nor serve a foreign key', () => {
    const store = openStore();
    const deferred = deferrableIndexes(store);
    expect(deferred.map((i) => i.name)).toContain('purchases_by_date');
    for (const index of deferred) {
      expect(index.sql).not.toMatch(/CREATE\s+UNIQUE/i);
      const lead = store.sqlite.prepare('SELECT name FROM pragma_index_info(?) WHERE seqno = 0').pluck().get(index.name);
      // a tag's memberships and an article's lines may be set aside: tags and articles are deleted one at a time, never in bulk
      const fks = store.sqlite
        .prepare(`SELECT "from" FROM pragma_foreign_key_list(?) WHERE "table" NOT IN ('tags', 'products')`)
        .pluck()
        .all(index.table);
      expect(fks).not.toContain(lead);
    }
    expect(deferred.map((i) => i.name)).toContain('contact_tags_by_tag_name');
    expect(deferred.map((i) => i.name)).toContain('purchase_lines_by_product');
    // undoing a load deletes purchases: the refund link must stay indexed or each delete scans the table
    const kept = indexNamesOf(store).filter((n) => !deferred.some((d) => d.name === n));
    expect(kept).toEqual(
      expect.arrayContaining([
        'purchases_by_contact',
        'purchases_by_refund',
        'contacts_by_company',
        'contact_tags_by_contact',
        'purchase_lines_by_purchase',
        'purchase_lines_by_refunded',
      ]),
    );
  });

  it('makes prospects only when there are no purchases per customer', async () => {
    const store = openStore();
    const result = await generateDemo(store, options({ customers: 200, purchasesPerCustomer: 0 }), makeJob().job, NOW);
    expect(result.purchases).toBe(0);
    expect(scalar(store, "SELECT count(*) FROM contacts WHERE status = 'prospect' AND purchase_count = 0")).toBe(200);
  });
});
