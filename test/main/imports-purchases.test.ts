import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, isoFormatter, type Api, type ImportReport, type JobFinished, type JobProgress } from '../../src-main/contract';
import { dateTimeInstant, parseDateTime, purchaseTargets } from '../../src-main/domain/importexport';
import { loadCodeTable } from '../../src-main/domain/imports/code-table';
import { purchaseDateReader } from '../../src-main/domain/imports/purchases';
import { undoImport } from '../../src-main/domain/imports/undo';
import type { StoreClient } from '../../src-main/host/client';
import { failure, openClient, openStore, tempDir, undoImportCall } from './helpers';
import { inZone } from '../zone';

const root = path.resolve(import.meta.dirname, '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'import');
const golden = path.join(fixtures, 'achats-export-fr.csv');

type Options = {
  dryRun?: boolean;
  policy?: 'merge' | 'skip' | 'create';
  mapping?: (string | null)[];
  cancelAfterFirstProgress?: boolean;
  /** Called once, at the first progress report: the import's transaction is open and its indexes set aside. */
  whileRunning?: () => void;
};

/** Runs the purchase import job through the contract and waits for its end. */
const importFile = async (client: StoreClient, file: string, options: Options = {}): Promise<JobFinished> => {
  let jobId = '';
  const done = new Promise<JobFinished>((resolve) => {
    const off = client.onEvent((event, payload) => {
      if (event === 'job.progress' && options.cancelAfterFirstProgress) void client.invoke('jobs.cancel', { jobId });
      if (event === 'job.progress' && options.whileRunning) {
        options.whileRunning();
        delete options.whileRunning;
      }
      if (event === 'job.finished') {
        off();
        resolve(payload as JobFinished);
      }
    });
  });
  const started = await client.invoke('imports.run', {
    kind: 'purchases',
    path: file,
    dryRun: options.dryRun ?? false,
    policy: options.policy ?? 'merge',
    ...(options.mapping ? { mapping: options.mapping } : {}),
  });
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  jobId = (started.value as { jobId: string }).jobId;
  return done;
};

const report = (f: JobFinished): ImportReport => {
  if (f.status !== 'done') throw new Error(`import ${f.status}: ${JSON.stringify(f.error)}`);
  return f.result as ImportReport;
};

const query = <T>(dbPath: string, sql: string, ...params: unknown[]): T[] => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
};

/** Every user table, row by row (the import history aside, and the RFM thresholds: recomputed, with their time, after an import or its undo). */
const dump = (dbPath: string): string => {
  const tables = query<{ name: string }>(
    dbPath,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'contacts_fts%' AND name NOT IN ('imports', 'import_changes', 'import_layouts', 'analytics_state') ORDER BY name",
  ).map((t) => t.name);
  return JSON.stringify(tables.map((t) => [t, query(dbPath, `SELECT * FROM "${t}"`).map((r) => JSON.stringify(r)).sort()]));
};

/** The database file's bytes once the write-ahead log is folded in: "nothing was written", literally. */
const fileHash = (dbPath: string): string => {
  const db = new BetterSqlite3(dbPath);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return crypto.createHash('sha256').update(fs.readFileSync(dbPath)).digest('hex');
};

type Seeded = { elodie: number; francois: number; zoe: number; herve: number; coffee: number };

/** The shop the golden files were exported from: four customers found by code, e-mail or phone, one catalogue article. */
const seed = async (api: Api): Promise<Seeded> => {
  const elodie = await api.call('contacts.create', { firstName: 'Élodie', lastName: 'Lefèvre', code: 'C0001' });
  const francois = await api.call('contacts.create', { firstName: 'François', lastName: 'Garçon', code: 'C0002', status: 'former' });
  const zoe = await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Œuvray', email: 'zoe@oeuvray.fr' });
  const herve = await api.call('contacts.create', { firstName: 'Hervé', lastName: 'D’Arcy', phone: '06 12 34 56 78' });
  const coffee = await api.call('products.create', { name: 'Café Moka 250 g', sku: 'CAF-250', priceCents: 690 });
  return { elodie: elodie.id, francois: francois.id, zoe: zoe.id, herve: herve.id, coffee: coffee.id };
};

type PurchaseRow = {
  id: number;
  contact_id: number | null;
  kind: string;
  purchased_at: string;
  amount_cents: number;
  currency: string;
  channel: string;
  reference: string | null;
  refund_of: number | null;
  import_id: number | null;
};
type LineRow = { purchase_id: number; product_id: number | null; label: string; quantity_milli: number; unit_price_cents: number; total_cents: number };

const purchases = (dbPath: string) =>
  query<PurchaseRow>(
    dbPath,
    'SELECT id, contact_id, kind, purchased_at, amount_cents, currency, channel, reference, refund_of, import_id FROM purchases ORDER BY id',
  ).map(({ id: _id, import_id: _import, ...p }) => p);

const lines = (dbPath: string) =>
  query<LineRow>(dbPath, 'SELECT purchase_id, product_id, label, quantity_milli, unit_price_cents, total_cents FROM purchase_lines ORDER BY id');

const figures = (dbPath: string) =>
  query<{ id: number; status: string; purchase_count: number; total_cents: number; first_purchase_at: string | null; last_purchase_at: string | null }>(
    dbPath,
    'SELECT id, status, purchase_count, total_cents, first_purchase_at, last_purchase_at FROM contacts ORDER BY id',
  );

const day = (d: string) => `${d}T00:00:00.000Z`;
/** The golden file's first ticket, « 05/03/2024 14:32 »: the shop's clock, this machine's zone. */
const firstTicketAt = new Date(2024, 2, 5, 14, 32).toISOString();

describe('purchase import: golden files', () => {
  it('guesses the mapping of a French Excel export and previews rows matched to their customers', async () => {
    const { api } = await openClient();
    const s = await seed(api);
    const preview = await api.call('imports.preview', { kind: 'purchases', path: golden });
    expect(preview).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';', mappingSource: 'guessed' });
    // "Montant" differs between the two lines of ticket T-1001: it is each line's amount, not the ticket's
    expect(preview.mapping).toEqual([
      'date', 'reference', 'customerCode', 'email', 'phone', 'sku', 'productName', 'quantity', 'unitPrice', 'lineTotal', 'channel',
    ]);
    // the mapping screen offers exactly what the importer understands
    expect([...preview.targets].sort()).toEqual([...purchaseTargets].sort());
    expect(preview.sample).toHaveLength(7);
    expect(preview.sample[0]).toMatchObject({
      line: 2,
      values: {
        contactId: String(s.elodie),
        purchasedAt: firstTicketAt,
        reference: 'T-1001',
        productId: String(s.coffee),
        label: 'Café « Moka » 250 g',
        quantity: '2',
        unitPriceCents: '690',
        lineTotalCents: '1380',
        kind: 'sale',
        channel: 'shop',
      },
      issues: [],
    });
    expect(preview.sample[0]?.cells[0]).toBe('05/03/2024 14:32');
    expect(preview.sample.map((r) => r.values.contactId)).toEqual(
      [s.elodie, s.elodie, s.zoe, s.herve, s.elodie, s.francois, s.francois].map(String),
    );
    expect(preview.sample[4]?.values).toMatchObject({ kind: 'refund', quantity: '-1', lineTotalCents: '-690' });
  });

  it('imports the golden CSV to exactly these purchases, lines and customer figures (dry run first)', async () => {
    const { client, api, dbPath } = await openClient();
    const s = await seed(api);
    const before = dump(dbPath);
    const dry = report(await importFile(client, golden, { dryRun: true }));
    expect(dry).toMatchObject({ dryRun: true, importId: null, rows: 7, created: 6, skipped: 0, errors: [], notices: [] });
    expect(dump(dbPath)).toBe(before);

    const r = report(await importFile(client, golden));
    expect(r).toMatchObject({ dryRun: false, rows: 7, created: 6, updated: 0, merged: 0, skipped: 0, errors: [], notices: [] });
    const sale = { kind: 'sale', currency: 'EUR', refund_of: null };
    expect(purchases(dbPath)).toEqual([
      { ...sale, contact_id: s.elodie, purchased_at: firstTicketAt, amount_cents: 2530, channel: 'shop', reference: 'T-1001' },
      { ...sale, contact_id: s.zoe, purchased_at: day('2024-03-06'), amount_cents: 4500, channel: 'web', reference: 'T-1002' },
      { ...sale, contact_id: s.herve, purchased_at: day('2024-03-07'), amount_cents: 2000, channel: 'phone', reference: 'T-1003' },
      { ...sale, kind: 'refund', contact_id: s.elodie, purchased_at: day('2024-03-08'), amount_cents: -690, channel: 'shop', reference: 'T-1004' },
      { ...sale, contact_id: s.francois, purchased_at: day('2024-03-09'), amount_cents: 120400, channel: 'fair', reference: null },
      { ...sale, contact_id: s.francois, purchased_at: day('2024-03-09'), amount_cents: 120400, channel: 'fair', reference: null },
    ]);
    const [p1, p2, p3, p4, p5, p6] = query<{ id: number }>(dbPath, 'SELECT id FROM purchases ORDER BY id').map((p) => p.id);
    expect(lines(dbPath)).toEqual([
      { purchase_id: p1, product_id: s.coffee, label: 'Café « Moka » 250 g', quantity_milli: 2000, unit_price_cents: 690, total_cents: 1380 },
      { purchase_id: p1, product_id: null, label: 'Théière fonte – 1 L', quantity_milli: 1000, unit_price_cents: 1150, total_cents: 1150 },
      { purchase_id: p2, product_id: null, label: 'Coffret Noël œnologie', quantity_milli: 1000, unit_price_cents: 4500, total_cents: 4500 },
      { purchase_id: p3, product_id: null, label: 'Bon d’achat', quantity_milli: 1000, unit_price_cents: 2000, total_cents: 2000 },
      { purchase_id: p4, product_id: s.coffee, label: 'Café « Moka » 250 g', quantity_milli: -1000, unit_price_cents: 690, total_cents: -690 },
      { purchase_id: p5, product_id: null, label: 'Tapis d’Orient', quantity_milli: 1000, unit_price_cents: 120400, total_cents: 120400 },
      { purchase_id: p6, product_id: null, label: 'Tapis d’Orient', quantity_milli: 1000, unit_price_cents: 120400, total_cents: 120400 },
    ]);
    // refunds lower the total but are not purchases; a former customer who buys again is a customer
    expect(figures(dbPath)).toEqual([
      { id: s.elodie, status: 'customer', purchase_count: 1, total_cents: 1840, first_purchase_at: firstTicketAt, last_purchase_at: firstTicketAt },
      { id: s.francois, status: 'customer', purchase_count: 2, total_cents: 240800, first_purchase_at: day('2024-03-09'), last_purchase_at: day('2024-03-09') },
      { id: s.zoe, status: 'customer', purchase_count: 1, total_cents: 4500, first_purchase_at: day('2024-03-06'), last_purchase_at: day('2024-03-06') },
      { id: s.herve, status: 'customer', purchase_count: 1, total_cents: 2000, first_purchase_at: day('2024-03-07'), last_purchase_at: day('2024-03-07') },
    ]);
    const refund = await api.call('purchases.get', { id: p4! });
    expect(refund).toMatchObject({ kind: 'refund', amountCents: -690, refundedCents: 0 });
    const [history] = await api.call('imports.list', {});
    expect(history).toMatchObject({ id: r.importId, kind: 'purchases', fileName: 'achats-export-fr.csv', created: 6, undoneAt: null });
    // the mapping is remembered for the next export of the same till
    expect((await api.call('imports.preview', { kind: 'purchases', path: golden })).mappingSource).toBe('remembered');
  });

  it('imports an .xlsx to exactly these purchases: date cells, Excel serials, numbers, totals without lines', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    const s = await seed(api);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Ventes');
    sheet.addRow(['Date', 'N° commande', 'E-mail', 'Code client', 'Total TTC', 'Canal']);
    const rows = [
      sheet.addRow([new Date(Date.UTC(2024, 2, 5)), 'W-1', 'zoe@oeuvray.fr', null, 49.9, 'Internet']),
      // a date cell that lost its format: Excel's day number
      sheet.addRow([45360, 'W-2', null, 'C0001', 120, 'Boutique']),
      sheet.addRow([new Date(Date.UTC(2024, 2, 10)), 'W-3', null, 'C0001', -20, 'Boutique']),
      sheet.addRow(['11/03/2024', 'W-4', null, 'C0002', '12,50 €', 'Salon']),
    ];
    rows[0]!.getCell(1).numFmt = 'dd/mm/yyyy';
    rows[2]!.getCell(1).numFmt = 'dd/mm/yyyy';
    const file = path.join(dir, 'ventes.xlsx');
    await workbook.xlsx.writeFile(file);

    const r = report(await importFile(client, file));
    expect(r).toMatchObject({ rows: 4, created: 4, errors: [], notices: [] });
    const sale = { kind: 'sale', currency: 'EUR', refund_of: null };
    expect(purchases(dbPath)).toEqual([
      { ...sale, contact_id: s.zoe, purchased_at: day('2024-03-05'), amount_cents: 4990, channel: 'web', reference: 'W-1' },
      { ...sale, contact_id: s.elodie, purchased_at: day('2024-03-09'), amount_cents: 12000, channel: 'shop', reference: 'W-2' },
      { ...sale, kind: 'refund', contact_id: s.elodie, purchased_at: day('2024-03-10'), amount_cents: -2000, channel: 'shop', reference: 'W-3' },
      { ...sale, contact_id: s.francois, purchased_at: day('2024-03-11'), amount_cents: 1250, channel: 'fair', reference: 'W-4' },
    ]);
    expect(lines(dbPath)).toEqual([]);
    expect(figures(dbPath).find((f) => f.id === s.elodie)).toMatchObject({ purchase_count: 1, total_cents: 10000, status: 'customer' });
  });

  it('reads a till export: title above the header, ticket lines, a refund, an anonymous sale, and says why bad rows fail', async () => {
    const { client, api, dbPath } = await openClient();
    for (const code of ['000123', '000124', '000125', '000126']) await api.call('contacts.create', { lastName: `Client ${code}`, code });
    await api.call('contacts.create', { firstName: 'Marie', lastName: 'Curie', email: 'marie.curie@orange.fr' });
    const before = dump(dbPath);
    const r = report(await importFile(client, path.join(fixtures, 'achats-caisse.csv')));
    expect(r.errors).toEqual([{ line: 8, field: 'date', value: '32/03/2024', reason: 'impossible_date' }]);
    expect(r.notices).toEqual([{ line: 10, field: null, value: '', reason: 'anonymous_sale' }]);
    expect(r).toMatchObject({ importId: null, created: 0 });
    expect(dump(dbPath)).toBe(before);
    // the same rows in a dry run: what would be created once line 8 is fixed (1,5 kg of sugar included)
    const dry = report(await importFile(client, path.join(fixtures, 'achats-caisse.csv'), { dryRun: true }));
    expect(dry).toMatchObject({ created: 5 });
  });
});

describe('purchase import: an e-shop’s orders', () => {
  it('reads Shopify’s export: one order over its item rows, cancelled and refunded orders left out, a partial refund booked, the lines making the amount', async () => {
    const { client, api, dbPath } = await openClient();
    const { zoe, coffee } = await seed(api);
    const file = path.join(fixtures, 'shopify-orders.csv');
    const preview = await api.call('imports.preview', { kind: 'purchases', path: file });
    const mapped = Object.fromEntries(preview.headers.flatMap((h, i) => (preview.mapping[i] ? [[h, preview.mapping[i]]] : [])));
    // « Name » is the order number beside « Lineitem » columns; the total, which holds the shipping, is left to the user
    expect(mapped).toEqual({
      Name: 'reference',
      Email: 'email',
      'Financial Status': 'orderStatus',
      'Created at': 'date',
      'Lineitem quantity': 'quantity',
      'Lineitem name': 'productName',
      'Lineitem price': 'unitPrice',
      'Lineitem sku': 'sku',
      'Billing Phone': 'phone',
      'Lineitem discount': 'lineDiscount',
      'Refunded Amount': 'refundedAmount',
    });
    // what the preview shows of the partly refunded order's first row
    expect(preview.sample.find((r) => r.line === 7)?.values).toMatchObject({ reference: '#1004', refundedCents: '690', lineTotalCents: '690' });
    const before = dump(dbPath);
    const dry = report(await importFile(client, file, { dryRun: true }));
    expect(dump(dbPath)).toBe(before);
    const r = report(await importFile(client, file));
    expect(dry).toMatchObject({ created: r.created, skipped: r.skipped });
    expect(r.errors).toEqual([]);
    // the rows of the refunded and the voided orders, the unknown customer and the unpriced item of the latter blocking nothing
    expect(r.notices).toEqual([
      { line: 4, field: 'orderStatus', value: 'refunded', reason: 'not_a_sale' },
      { line: 5, field: 'orderStatus', value: 'voided', reason: 'not_a_sale' },
      { line: 6, field: 'orderStatus', value: 'voided', reason: 'not_a_sale' },
      { line: 7, field: 'refundedAmount', value: '6.90', reason: 'refund_at_order_date' },
    ]);
    expect(r).toMatchObject({ created: 3, skipped: 2 });
    // the shop's zone is not asked: the export gives the offset
    expect(purchases(dbPath)).toEqual([
      { contact_id: zoe, kind: 'sale', purchased_at: '2024-03-05T13:32:10.000Z', amount_cents: 2760, currency: 'EUR', channel: 'shop', reference: '#1001', refund_of: null },
      { contact_id: zoe, kind: 'sale', purchased_at: '2024-03-11T10:05:42.000Z', amount_cents: 1851, currency: 'EUR', channel: 'shop', reference: '#1004', refund_of: null },
      // « partially_refunded », 6.90 given back: the export says how much, not when
      { contact_id: zoe, kind: 'refund', purchased_at: '2024-03-11T10:05:42.000Z', amount_cents: -690, currency: 'EUR', channel: 'shop', reference: '#1004', refund_of: expect.any(Number) as number },
      { contact_id: zoe, kind: 'sale', purchased_at: '2024-03-12T15:20:00.000Z', amount_cents: 690, currency: 'EUR', channel: 'shop', reference: '#1005', refund_of: null },
    ]);
    const ids = query<{ id: number }>(dbPath, 'SELECT id FROM purchases ORDER BY id').map((p) => p.id);
    expect(lines(dbPath)).toEqual([
      { purchase_id: ids[0], product_id: coffee, label: 'Café Moka 250 g', quantity_milli: 2000, unit_price_cents: 690, total_cents: 1380 },
      { purchase_id: ids[0], product_id: null, label: 'Théière fonte « Tetsubin » 0,8 l', quantity_milli: 1000, unit_price_cents: 1380, total_cents: 1380 },
      { purchase_id: ids[1], product_id: coffee, label: 'Café Moka 250 g', quantity_milli: 1000, unit_price_cents: 690, total_cents: 690 },
      // its code's 10 % off, on the line it lowered
      { purchase_id: ids[1], product_id: null, label: 'Chocolat noir 70 %', quantity_milli: 1000, unit_price_cents: 1290, total_cents: 1161 },
      // a refund by amount, as the sale screen records one
      { purchase_id: ids[2], product_id: null, label: '', quantity_milli: -1000, unit_price_cents: 690, total_cents: -690 },
      { purchase_id: ids[3], product_id: coffee, label: 'Café Moka 250 g', quantity_milli: 1000, unit_price_cents: 690, total_cents: 690 },
    ]);
    expect(purchases(dbPath)[2]?.refund_of).toBe(ids[1]);
    // 27.60 + 18.51 + 6.90, less 6.90 given back: the refund counts no purchase
    expect(figures(dbPath).find((c) => c.id === zoe)).toMatchObject({ status: 'customer', purchase_count: 3, total_cents: 4611 });
    const sale = await api.call('purchases.get', { id: ids[1]! });
    expect(sale).toMatchObject({ amountCents: 1851, refundedCents: 690 });
    // the next export holds the same orders: nothing added
    expect(report(await importFile(client, file))).toMatchObject({ created: 0, skipped: 5 });
    // undo takes the refund with its sale
    await undoImportCall(api, r.importId!);
    expect(dump(dbPath)).toBe(before);
  });

  it('books what an order gave back on its sale, never more than the sale, and refuses one on a refund', async () => {
    const { client, api, dir, dbPath } = await openClient();
    const { zoe } = await seed(api);
    const header = 'Order Number;Order Date;Order Status;Billing Email;Item Name;Quantity;Item Cost;Order Total;Refunded total';
    const file = path.join(dir, 'remboursements.csv');
    fs.writeFileSync(
      file,
      [
        header,
        // shipping (4,90) refunded with the item: no more than the 6,90 the lines make
        '200;2024-03-01 10:00;Completed;zoe@oeuvray.fr;Café Moka 250 g;1;6,90;;11,80',
        // written with its minus, as some exports do; on the order's first row only
        '201;2024-03-02 10:00;Completed;zoe@oeuvray.fr;Café Moka 250 g;2;6,90;;-3,00',
        '201;2024-03-02 10:00;Completed;zoe@oeuvray.fr;Théière;1;20,00;;',
        '202;2024-03-03 10:00;Completed;zoe@oeuvray.fr;Café Moka 250 g;1;6,90;;0',
      ].join('\r\n'),
    );
    const r = report(await importFile(client, file));
    expect(r.errors).toEqual([]);
    expect(r.notices).toEqual([
      { line: 2, field: 'refundedAmount', value: '11,80', reason: 'refund_at_order_date' },
      { line: 2, field: 'refundedAmount', value: '11,80', reason: 'refund_above_sale' },
      { line: 3, field: 'refundedAmount', value: '-3,00', reason: 'refund_at_order_date' },
    ]);
    expect(purchases(dbPath).map((p) => [p.reference, p.kind, p.amount_cents])).toEqual([
      ['200', 'sale', 690],
      ['200', 'refund', -690],
      ['201', 'sale', 3380],
      ['201', 'refund', -300],
      ['202', 'sale', 690],
    ]);
    expect(figures(dbPath).find((c) => c.id === zoe)).toMatchObject({ purchase_count: 3, total_cents: 690 + 3380 - 300 });

    // a refund ticket (negative) has no sale to give back on; two amounts for one order are one too many; a word is no sum
    const before = dump(dbPath);
    fs.writeFileSync(
      file,
      [
        header,
        '300;2024-03-04 10:00;Completed;zoe@oeuvray.fr;Café Moka 250 g;-1;6,90;;2,00',
        '301;2024-03-05 10:00;Completed;zoe@oeuvray.fr;Café Moka 250 g;1;6,90;;2,00',
        '301;2024-03-05 10:00;Completed;zoe@oeuvray.fr;Théière;1;20,00;;3,00',
        '302;2024-03-06 10:00;Completed;zoe@oeuvray.fr;Café Moka 250 g;1;6,90;;en partie',
      ].join('\r\n'),
    );
    const refused = report(await importFile(client, file));
    expect(refused.errors).toEqual([
      { line: 2, field: 'refundedAmount', value: '2,00', reason: 'nothing_to_refund' },
      { line: 4, field: 'refundedAmount', value: '3,00', reason: 'refund_mismatch' },
      { line: 5, field: 'refundedAmount', value: 'en partie', reason: 'invalid_number' },
    ]);
    expect(refused).toMatchObject({ created: 0, importId: null });
    expect(dump(dbPath)).toBe(before);
  });

  it('takes a line’s discount off its price, in euros or in percent, and refuses one above the line', async () => {
    const { client, api, dir, dbPath } = await openClient();
    const { elodie, coffee } = await seed(api);
    const rows = [
      ['Date', 'N° ticket', 'Code client', 'Article', 'Qté', 'PU TTC', 'Remise', 'Remise %'],
      ['05/03/2024', 'T1', 'C0001', 'Café Moka 250 g', '2', '6,90', '1,00', ''],
      ['05/03/2024', 'T1', 'C0001', 'Théière', '1', '20,00', '', '10'],
      // the catalogue's price, 6,90, less a discount written as tills do, with its minus
      ['05/03/2024', 'T2', 'C0001', 'Café Moka 250 g', '1', '', '-0,50 €', ''],
      ['06/03/2024', 'T3', 'C0001', 'Théière', '1', '5,00', '6,00', ''],
      ['06/03/2024', 'T4', 'C0001', 'Théière', '1', '5,00', '', '120'],
      ['06/03/2024', 'T5', 'C0001', 'Théière', '1', '5,00', 'offerte', ''],
    ];
    const file = path.join(dir, 'remises.csv');
    fs.writeFileSync(file, rows.map((r) => r.join(';')).join('\r\n'));
    const preview = await api.call('imports.preview', { kind: 'purchases', path: file });
    expect(preview.mapping.slice(6)).toEqual(['lineDiscount', 'lineDiscountPercent']);
    const refused = report(await importFile(client, file));
    expect(refused.errors).toEqual([
      { line: 5, field: 'lineDiscount', value: '6,00', reason: 'discount_too_large' },
      { line: 6, field: 'lineDiscountPercent', value: '120', reason: 'discount_too_large' },
      { line: 7, field: 'lineDiscount', value: 'offerte', reason: 'invalid_number' },
    ]);
    fs.writeFileSync(file, rows.slice(0, 4).map((r) => r.join(';')).join('\r\n'));
    expect(report(await importFile(client, file))).toMatchObject({ created: 2, errors: [] });
    expect(purchases(dbPath).map((p) => [p.reference, p.amount_cents])).toEqual([
      ['T1', 1280 + 1800],
      ['T2', 640],
    ]);
    expect(lines(dbPath).map((l) => [l.product_id, l.unit_price_cents, l.total_cents])).toEqual([
      [coffee, 690, 1280],
      [null, 2000, 1800],
      [coffee, 690, 640],
    ]);
    expect(figures(dbPath).find((c) => c.id === elodie)).toMatchObject({ purchase_count: 2, total_cents: 3720 });
  });

  it('spreads a ticket’s own discount over its lines to the cent, so they make the ticket’s total', async () => {
    const { client, api, dir, dbPath } = await openClient();
    const { elodie, coffee } = await seed(api);
    const header = ['Date', 'N° ticket', 'Code client', 'Article', 'Qté', 'PU TTC', 'Remise ticket', 'Total TTC'];
    const file = path.join(dir, 'remise-ticket.csv');
    const write = (rows: string[][]) => fs.writeFileSync(file, [header, ...rows].map((r) => r.join(';')).join('\r\n'));
    write([
      // 3,00 off 33,80: 1,2248… and 1,7751… on the lines, the cent left over to the larger remainder
      ['05/03/2024', 'T1', 'C0001', 'Café Moka 250 g', '2', '6,90', '3,00', '30,80'],
      ['05/03/2024', 'T1', 'C0001', 'Théière', '1', '20,00', '3,00', '30,80'],
      // a percentage, and a returned item that takes no share of it
      ['05/03/2024', 'T2', 'C0001', 'Café Moka 250 g', '3', '6,90', '10 %', '12,73'],
      ['05/03/2024', 'T2', 'C0001', 'Théière', '-1', '5,90', '', '12,73'],
      // a one-line ticket priced by its total: that total is after the discount already
      ['06/03/2024', 'T3', 'C0001', 'Thé vert', '', '', '1,00', '9,00'],
      // « 0 » is no discount
      ['06/03/2024', 'T4', 'C0001', 'Café Moka 250 g', '1', '6,90', '0', '6,90'],
    ]);
    const preview = await api.call('imports.preview', { kind: 'purchases', path: file });
    expect(preview.mapping[6]).toBe('orderDiscount');
    expect(preview.sample.map((r) => r.values.orderDiscount)).toEqual(['300', '300', '10%', null, '100', null]);
    const r = report(await importFile(client, file));
    expect(r).toMatchObject({ created: 4, errors: [] });
    expect(purchases(dbPath).map((p) => [p.reference, p.amount_cents])).toEqual([
      ['T1', 3080],
      ['T2', 1273],
      ['T3', 900],
      ['T4', 690],
    ]);
    expect(lines(dbPath).map((l) => [l.product_id, l.quantity_milli, l.unit_price_cents, l.total_cents])).toEqual([
      [coffee, 2000, 690, 1380 - 122],
      [null, 1000, 2000, 2000 - 178],
      // 10 % of the 20,70 sold
      [coffee, 3000, 690, 2070 - 207],
      [null, -1000, 590, -590],
      [null, 1000, 900, 900],
      [coffee, 1000, 690, 690],
    ]);
    expect(figures(dbPath).find((c) => c.id === elodie)).toMatchObject({ purchase_count: 4, total_cents: 3080 + 1273 + 900 + 690 });

    // more than the ticket, two discounts for one ticket, a word: each said at its row, nothing written
    const before = dump(dbPath);
    write([
      ['07/03/2024', 'T5', 'C0001', 'Café Moka 250 g', '1', '6,90', '7,00', ''],
      ['07/03/2024', 'T6', 'C0001', 'Café Moka 250 g', '1', '6,90', '1,00', ''],
      ['07/03/2024', 'T6', 'C0001', 'Théière', '1', '20,00', '2,00', ''],
      ['07/03/2024', 'T7', 'C0001', 'Théière', '1', '20,00', 'fidélité', ''],
      ['07/03/2024', 'T8', 'C0001', 'Théière', '1', '20,00', '150 %', ''],
    ]);
    const refused = report(await importFile(client, file));
    expect(refused.errors).toEqual([
      { line: 2, field: 'orderDiscount', value: '7,00', reason: 'order_discount_too_large' },
      { line: 4, field: 'orderDiscount', value: '2,00', reason: 'discount_mismatch' },
      { line: 5, field: 'orderDiscount', value: 'fidélité', reason: 'invalid_number' },
      { line: 6, field: 'orderDiscount', value: '150 %', reason: 'order_discount_too_large' },
    ]);
    expect(dump(dbPath)).toBe(before);
  });

  it('leaves out the orders an e-shop says are no sale, in its words, English or French', async () => {
    const { client, api, dir } = await openClient();
    await seed(api);
    const states = ['Completed', 'Terminée', 'Cancelled', 'Annulée', 'Refunded', 'Remboursée', 'Failed', 'Échouée', 'wc-cancelled', 'Paiement accepté', 'Livré', 'Pending payment', 'partially_refunded'];
    const file = path.join(dir, 'woocommerce.csv');
    fs.writeFileSync(
      file,
      ['Order Number;Order Date;Order Status;Billing Email;Item Name;Quantity;Item Cost', ...states.map((s, i) => `${100 + i};2024-03-0${1 + (i % 9)} 10:00;${s};zoe@oeuvray.fr;Café Moka 250 g;1;6,90`)].join('\r\n'),
    );
    const r = report(await importFile(client, file));
    expect(r.notices.map((n) => n.value)).toEqual(['Cancelled', 'Annulée', 'Refunded', 'Remboursée', 'Failed', 'Échouée', 'wc-cancelled']);
    expect(r).toMatchObject({ created: 6, skipped: 7, errors: [] });
  });
});

describe('purchase import: goods sold by weight', () => {
  it('reads quantities to the thousandth, prices the line to the cent and refuses a fourth decimal', async () => {
    const { client, api, dbPath } = await openClient();
    const s = await seed(api);
    await api.call('products.create', { name: 'Comté 24 mois', priceCents: 3250, unit: 'kg' });
    const file = path.join(tempDir(), 'fromagerie.csv');
    const write = (rows: string[]) => fs.writeFileSync(file, ['Date;Ticket;Code client;Désignation;Qté;Prix unitaire;Total ligne', ...rows, ''].join('\r\n'));
    // 0,352 kg at 32,50 €/kg is 11,44 €; the total of line 3 is the till's own (a discount), kept as given
    write(['05/03/2024;T1;C0001;Comté 24 mois;0,352;32,50;', '05/03/2024;T1;C0001;Beurre cru;0,25;18,00;4,40', '06/03/2024;T2;C0002;Tomme;1;21,00;']);
    const r = report(await importFile(client, file));
    expect(r).toMatchObject({ created: 2, errors: [] });
    expect(lines(dbPath).map(({ label, quantity_milli, unit_price_cents, total_cents }) => [label, quantity_milli, unit_price_cents, total_cents])).toEqual([
      ['Comté 24 mois', 352, 3250, 1144],
      ['Beurre cru', 250, 1800, 440],
      ['Tomme', 1000, 2100, 2100],
    ]);
    const [ticket] = (await api.call('purchases.list', { contactId: s.elodie })).rows;
    expect(ticket).toMatchObject({ amountCents: 1584 });
    // the catalogue's Comté is sold by the kilo; a free line counts pieces
    expect(ticket?.lines.map((l) => [l.quantity, l.unit])).toEqual([
      [0.352, 'kg'],
      [0.25, 'piece'],
    ]);
    // a scale's fourth decimal is not a quantity the store can keep: said on its line, nothing written
    const before = dump(dbPath);
    write(['07/03/2024;T3;C0001;Comté 24 mois;0,3525;32,50;']);
    const bad = report(await importFile(client, file));
    expect(bad.errors).toEqual([{ line: 2, field: 'quantity', value: '0,3525', reason: 'quantity_decimals' }]);
    expect(dump(dbPath)).toBe(before);
  });
});

describe('purchase import: units', () => {
  it('reads the till’s unit column, the catalogue’s unit when it says none, and refuses grams it cannot price', async () => {
    const { client, api, dbPath } = await openClient();
    await seed(api);
    await api.call('products.create', { name: 'Comté 24 mois', priceCents: 3250, unit: 'kg' });
    const file = path.join(tempDir(), 'marche.csv');
    const write = (rows: string[]) => fs.writeFileSync(file, ['Date;Ticket;Code client;Désignation;Poids;Unité;PU', ...rows, ''].join('\r\n'));
    write([
      '05/03/2024;T1;C0001;Tomates;1,2;Kg;3,50',
      '05/03/2024;T1;C0001;Cidre fermier;2;litres;4,00',
      '05/03/2024;T1;C0001;Lin lavé;2,5;m;12,00',
      '05/03/2024;T1;C0001;Pain;2;pce;1,20',
      '05/03/2024;T1;C0001;Comté 24 mois;0,352;;32,50',
      // the till gave neither weight nor unit: one line at its price, not 1 kg
      '05/03/2024;T1;C0001;Comté 24 mois;;;11,44',
    ]);
    const preview = await api.call('imports.preview', { kind: 'purchases', path: file });
    expect(preview.mapping).toEqual(['date', 'reference', 'customerCode', 'productName', 'quantity', 'unit', 'unitPrice']);
    expect(preview.sample.map((r) => r.values.unit)).toEqual(['kg', 'l', 'm', null, 'kg', null]);
    const r = report(await importFile(client, file));
    expect(r).toMatchObject({ created: 1, errors: [] });
    expect(query<{ label: string; quantity_milli: number; unit: string; total_cents: number }>(dbPath, 'SELECT label, quantity_milli, unit, total_cents FROM purchase_lines ORDER BY id')).toEqual([
      { label: 'Tomates', quantity_milli: 1200, unit: 'kg', total_cents: 420 },
      { label: 'Cidre fermier', quantity_milli: 2000, unit: 'l', total_cents: 800 },
      { label: 'Lin lavé', quantity_milli: 2500, unit: 'm', total_cents: 3000 },
      { label: 'Pain', quantity_milli: 2000, unit: 'piece', total_cents: 240 },
      { label: 'Comté 24 mois', quantity_milli: 352, unit: 'kg', total_cents: 1144 },
      { label: 'Comté 24 mois', quantity_milli: 1000, unit: 'piece', total_cents: 1144 },
    ]);
    const before = dump(dbPath);
    // grams and millilitres: priced per gram or per kilo, millilitres or linear metres, only the shop knows
    write(['06/03/2024;T2;C0001;Jambon blanc;350;g;24,90', "06/03/2024;T2;C0001;Huile d'olive;250;ml;0,04"]);
    const bad = report(await importFile(client, file));
    expect(bad.errors).toEqual([
      { line: 2, field: 'unit', value: 'g', reason: 'unknown_unit' },
      { line: 3, field: 'unit', value: 'ml', reason: 'unknown_unit' },
    ]);
    expect(dump(dbPath)).toBe(before);
  });
});

describe('purchase import: the time of day', () => {
  it('keeps a till’s time of day, in the shop’s zone unless the file gives one, and the customer’s figures to the minute', async () => {
    await inZone('Europe/Paris', async () => {
      const { client, api, dbPath } = await openClient();
      const s = await seed(api);
      const file = path.join(tempDir(), 'caisse-heures.csv');
      fs.writeFileSync(
        file,
        [
          'Date;Ticket;Code client;Montant',
          // winter: Paris is UTC+1
          '05/03/2024 14:32;T1;C0001;12,00',
          // summer time, seconds, and the French « h »
          '10/07/2024 9h05:30;T2;C0001;8,00',
          // a zone in the text wins over the machine's
          '2024-03-06T18:00:00Z;T3;C0002;5,00',
          // midnight without a zone is what exports write after a date that has none
          '07/03/2024 00:00:00;T4;C0002;3,00',
          '08/03/2024;T5;C0002;4,00',
          '',
        ].join('\r\n'),
      );
      const r = report(await importFile(client, file));
      expect(r).toMatchObject({ created: 5, errors: [] });
      expect(purchases(dbPath).map((p) => [p.reference, p.purchased_at])).toEqual([
        ['T1', '2024-03-05T13:32:00.000Z'],
        ['T2', '2024-07-10T07:05:30.000Z'],
        ['T3', '2024-03-06T18:00:00.000Z'],
        ['T4', day('2024-03-07')],
        ['T5', day('2024-03-08')],
      ]);
      const byId = new Map(figures(dbPath).map((f) => [f.id, f]));
      expect(byId.get(s.elodie)).toMatchObject({ first_purchase_at: '2024-03-05T13:32:00.000Z', last_purchase_at: '2024-07-10T07:05:30.000Z' });
      expect(byId.get(s.francois)).toMatchObject({ first_purchase_at: '2024-03-06T18:00:00.000Z', last_purchase_at: day('2024-03-08') });
      // the figures are what the sales themselves give
      const fromSales = query<{ id: number; first: string; last: string }>(
        dbPath,
        "SELECT contact_id AS id, min(purchased_at) AS first, max(purchased_at) AS last FROM purchases WHERE kind = 'sale' GROUP BY contact_id ORDER BY contact_id",
      );
      expect(fromSales.map((f) => [f.id, byId.get(f.id)?.first_purchase_at, byId.get(f.id)?.last_purchase_at])).toEqual(fromSales.map((f) => [f.id, f.first, f.last]));
    });
  });

  it('writes a customer’s first and last sale as the same ISO text as the Date does, to the millisecond', () => {
    const text = isoFormatter();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59.999Z'), noInvalidDate: true }),
          // midnights, as a file by the day gives them
          fc.integer({ min: -25_567, max: 84_000 }).map((day) => new Date(day * DAY_MS)),
        ),
        (d) => {
          expect(text(d.getTime())).toBe(d.toISOString());
          // the second time from the day remembered
          expect(text(d.getTime())).toBe(d.toISOString());
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('reads a till’s usual date-times on its fast path exactly as the general parser does, across a change of clock', async () => {
    // Paris changes its clock; India is half an hour off UTC
    for (const zone of ['Europe/Paris', 'Asia/Kolkata']) await inZone(zone, async () => {
      const two = (n: number) => String(n).padStart(2, '0');
      const general = (text: string): string => {
        const r = parseDateTime(text, { order: 'dmy' });
        if (!r.ok) return r.reason;
        const instant = dateTimeInstant(r.value.date, r.value.time);
        return Date.parse(instant) > Date.now() + 36 * 3600 * 1000 ? 'in_future' : instant;
      };
      const read = purchaseDateReader('dmy', false);
      fc.assert(
        fc.property(
          // 2024-03-31 and 2024-10-27: the hours that do not exist, and the hour that happens twice, in Paris
          fc.constantFrom(2019, 2024, 2099),
          fc.integer({ min: 1, max: 12 }),
          fc.oneof(fc.integer({ min: 1, max: 31 }), fc.constantFrom(27, 31)),
          fc.integer({ min: 0, max: 25 }),
          fc.integer({ min: 0, max: 61 }),
          fc.option(fc.integer({ min: 0, max: 60 })),
          fc.boolean(),
          fc.constantFrom(' ', 'T'),
          fc.constantFrom(':', 'h'),
          (y, m, d, h, mi, sec, iso, at, colon) => {
            const clock = `${two(h)}${colon}${two(mi)}${sec === null ? '' : `:${two(sec)}`}`;
            const text = iso ? `${y}-${two(m)}-${two(d)}${at}${clock}` : `${two(d)}/${two(m)}/${y}${at}${clock}`;
            const got = read(text);
            expect('reason' in got ? got.reason : got.instant).toBe(general(text));
            // read again: from what the reader keeps of the minute, the same
            const again = read(text);
            expect('reason' in again ? again.reason : again.instant).toBe(general(text));
          },
        ),
        {
          numRuns: 3000,
          examples: [
            [2024, 3, 31, 2, 30, null, false, ' ', ':'],
            [2024, 3, 31, 3, 0, 0, true, 'T', ':'],
            [2024, 10, 27, 2, 30, 15, false, ' ', 'h'],
            [2024, 10, 27, 1, 59, 59, true, ' ', ':'],
            [2024, 3, 5, 0, 0, null, false, ' ', ':'],
          ],
        },
      );
    });
  });

  it('says which time cannot be, and finds again the sales an import stored without their time', async () => {
    await inZone('America/Martinique', async () => {
      const { client, api, dbPath } = await openClient();
      await seed(api);
      const dir = tempDir();
      const bad = path.join(dir, 'heures-fausses.csv');
      fs.writeFileSync(bad, 'Date;Ticket;Code client;Montant\r\n05/03/2024 25:10;T1;C0001;12,00\r\n05/03/2024 10:61;T2;C0001;2,00\r\n');
      const refused = report(await importFile(client, bad));
      expect(refused.errors).toEqual([
        { line: 2, field: 'date', value: '05/03/2024 25:10', reason: 'impossible_time' },
        { line: 3, field: 'date', value: '05/03/2024 10:61', reason: 'impossible_time' },
      ]);
      expect(purchases(dbPath)).toEqual([]);

      // the same till's sales, once by the day only (as imports stored them before they kept times), then with their times
      const byDay = path.join(dir, 'par-jour.csv');
      fs.writeFileSync(byDay, 'Date;Ticket;Code client;Montant\r\n05/03/2024;T1;C0001;12,00\r\n05/03/2024;;C0002;7,00\r\n');
      expect(report(await importFile(client, byDay))).toMatchObject({ created: 2 });
      const before = dump(dbPath);
      const withTimes = path.join(dir, 'avec-heures.csv');
      fs.writeFileSync(withTimes, 'Date;Ticket;Code client;Montant\r\n05/03/2024 20:30;T1;C0001;12,00\r\n05/03/2024 21:00;;C0002;7,00\r\n06/03/2024 09:00;T9;C0001;1,00\r\n');
      const again = report(await importFile(client, withTimes));
      expect(again).toMatchObject({ created: 1, skipped: 2, errors: [] });
      // Martinique is UTC-4: 20:30 there is 00:30 UTC the next day, still the 5th of March of the ticket
      expect(purchases(dbPath).map((p) => [p.reference, p.purchased_at])).toEqual([
        ['T1', day('2024-03-05')],
        [null, day('2024-03-05')],
        ['T9', '2024-03-06T13:00:00.000Z'],
      ]);
      expect(before).not.toBe(dump(dbPath));
    });
  });
});

describe('purchase import: bad input', () => {
  it('reports unknown dates, negative quantities that are no refund, amounts that are not numbers and cut rows, and writes nothing', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    await seed(api);
    const file = path.join(dir, 'fautes.csv');
    fs.writeFileSync(
      file,
      [
        'Date;Code client;Article;Qté;PU;Total ligne;Canal',
        '30/02/2024;C0001;Café;1;6,90;6,90;Boutique',
        'hier;C0001;Café;1;6,90;6,90;Boutique',
        '05/03/2024;C0001;Café;-2;6,90;13,80;Boutique',
        '05/03/2024;C0001;Café;1;douze;;Boutique',
        '05/03/2024;C0001;Café;0;6,90;;Boutique',
        '05/03/2024;C0001;Café;1;6,90;6,90;Boutique;en trop',
        '05/03/2024;C0001;Café',
        '01/01/2099;C0001;Café;1;6,90;6,90;Boutique',
        '05/03/2024;C0001;Café;2;6,90;-13,80;Boutique',
        '05/03/2024;C0001;;;;;Boutique',
        '',
      ].join('\r\n'),
    );
    const before = fileHash(dbPath);
    const r = report(await importFile(client, file));
    expect(r.errors).toEqual([
      { line: 2, field: 'date', value: '30/02/2024', reason: 'impossible_date' },
      { line: 3, field: 'date', value: 'hier', reason: 'unknown_date' },
      { line: 4, field: 'quantity', value: '-2', reason: 'negative_quantity' },
      { line: 5, field: 'unitPrice', value: 'douze', reason: 'invalid_number' },
      { line: 6, field: 'quantity', value: '0', reason: 'zero_quantity' },
      { line: 7, field: null, value: '8', reason: 'too_many_cells' },
      { line: 8, field: null, value: '3', reason: 'too_few_cells' },
      { line: 9, field: 'date', value: '01/01/2099', reason: 'in_future' },
      { line: 10, field: 'lineTotal', value: '-13,80', reason: 'sign_mismatch' },
      { line: 11, field: 'amount', value: '', reason: 'required' },
    ]);
    expect(r).toMatchObject({ importId: null, created: 0, skipped: 0 });
    expect(fileHash(dbPath)).toBe(before);
  });

  it('reports rows whose customer is unknown, ambiguous or two different people, with the column and value', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    const s = await seed(api);
    await api.call('contacts.create', { firstName: 'Paul', lastName: 'Martin', email: 'famille@exemple.fr' });
    await api.call('contacts.create', { firstName: 'Anne', lastName: 'Martin', email: 'famille@exemple.fr' });
    await api.call('contacts.delete', { id: s.herve });
    const file = path.join(dir, 'clients-inconnus.csv');
    fs.writeFileSync(
      file,
      [
        'Date;Code client;E-mail;Téléphone;Montant',
        '05/03/2024;C0001;;;10,00',
        '05/03/2024;C9999;;;10,00',
        '05/03/2024;;inconnu@exemple.fr;;10,00',
        '05/03/2024;;famille@exemple.fr;;10,00',
        '05/03/2024;C0001;zoe@oeuvray.fr;;10,00',
        '05/03/2024;;;06 12 34 56 78;10,00',
        '05/03/2024;;;12;10,00',
        '',
      ].join('\n'),
    );
    const before = dump(dbPath);
    const r = report(await importFile(client, file, { dryRun: true }));
    expect(r.errors).toEqual([
      { line: 3, field: 'customerCode', value: 'C9999', reason: 'unknown_contact' },
      { line: 4, field: 'email', value: 'inconnu@exemple.fr', reason: 'unknown_contact' },
      { line: 5, field: 'email', value: 'famille@exemple.fr', reason: 'ambiguous_contact' },
      { line: 6, field: 'email', value: 'zoe@oeuvray.fr', reason: 'contact_mismatch' },
      // a deleted contact is gone: its sales cannot come back through an import
      { line: 7, field: 'phone', value: '06 12 34 56 78', reason: 'unknown_contact' },
      { line: 8, field: 'phone', value: '12', reason: 'invalid_phone' },
    ]);
    expect(dump(dbPath)).toBe(before);
  });

  it('refuses an empty file, a file with no rows, a vCard and a mapping without date or customer', async () => {
    const dir = tempDir();
    const { client, api } = await openClient(dir);
    const empty = path.join(dir, 'vide.csv');
    fs.writeFileSync(empty, '');
    expect((await failure(api.call('imports.preview', { kind: 'purchases', path: empty }))).details).toMatchObject({ reason: 'empty_file' });
    const emptyRun = await importFile(client, empty);
    expect(emptyRun).toMatchObject({ status: 'failed', error: { code: 'VALIDATION', details: { reason: 'empty_file' } } });

    const headerOnly = path.join(dir, 'entete.csv');
    fs.writeFileSync(headerOnly, 'Date;Code client;Montant\r\n');
    expect(report(await importFile(client, headerOnly)).errors).toEqual([{ line: 1, field: null, value: '', reason: 'no_rows' }]);

    const vcf = path.join(fixtures, 'contacts.vcf');
    expect((await failure(api.call('imports.preview', { kind: 'purchases', path: vcf }))).details).toMatchObject({ reason: 'not_a_table' });

    const noCustomer = await importFile(client, golden, { mapping: ['date', 'reference', null, null, null, null, null, null, null, 'amount', null] });
    expect(noCustomer).toMatchObject({ status: 'failed', error: { details: { reason: 'customer_column_required' } } });
    const noDate = await importFile(client, golden, { mapping: [null, 'reference', 'customerCode', null, null, null, null, null, null, 'amount', null] });
    expect(noDate).toMatchObject({ status: 'failed', error: { details: { reason: 'date_column_required' } } });
    const unknownTarget = await failure(api.call('imports.preview', { kind: 'purchases', path: golden, mapping: ['date', 'firstName'] }));
    expect(unknownTarget.details).toMatchObject({ issues: [{ path: 'mapping.1', code: 'unknown_target' }] });
  });

  it('checks a ticket: its total against its lines, its lines kept together', async () => {
    const dir = tempDir();
    const { client, api } = await openClient(dir);
    await seed(api);
    const file = path.join(dir, 'tickets.csv');
    fs.writeFileSync(
      file,
      [
        'N° ticket;Date;Code client;Désignation;Qté;PU;Total TTC',
        'T-1;05/03/2024;C0001;Café;2;6,90;20,00',
        'T-1;05/03/2024;C0001;Thé;1;5,00;20,00',
        'T-2;05/03/2024;C0001;Café;1;6,90;6,90',
        'T-3;06/03/2024;C0001;Thé;1;5,00;10,00',
        'T-3;06/03/2024;C0001;Thé;1;5,00;10,00',
        'T-2;05/03/2024;C0001;Thé;1;5,00;6,90',
        '',
      ].join('\n'),
    );
    const r = report(await importFile(client, file, { dryRun: true }));
    expect(r.errors).toEqual([
      { line: 3, field: 'amount', value: '20,00', reason: 'amount_mismatch' },
      { line: 7, field: 'reference', value: 'T-2', reason: 'ticket_split' },
    ]);
  });
});

describe('purchase import: all or nothing, idempotent, undoable', () => {
  it('adds nothing when the same file is imported twice, and identical rows stay as many purchases', async () => {
    const { client, api, dbPath } = await openClient();
    await seed(api);
    expect(report(await importFile(client, golden))).toMatchObject({ created: 6, changesBase: true });
    const before = dump(dbPath);
    // the check says it before the user imports: this file would add nothing
    expect(report(await importFile(client, golden, { dryRun: true }))).toMatchObject({ created: 0, skipped: 6, changesBase: false });
    const again = report(await importFile(client, golden));
    expect(again).toMatchObject({ created: 0, skipped: 6, changesBase: false, errors: [] });
    expect(dump(dbPath)).toBe(before);
    expect((await api.call('imports.list', {})).map((i) => i.changedBase)).toEqual([false, true]);
    // a later export overlapping this one: only what is new goes in
    const dir = tempDir();
    const longer = path.join(dir, 'achats-suite.csv');
    const text = fs.readFileSync(golden, 'latin1');
    // Windows-1252 bytes read as latin1 and written back unchanged; 0x92 is its apostrophe, 0x80 its euro
    fs.writeFileSync(longer, Buffer.from(`${text}10/03/2024;;C0002;;;;Tapis d\x92Orient;1;;1 204,00 \x80;Salon\r\n`, 'latin1'));
    expect(report(await importFile(client, longer, { dryRun: true }))).toMatchObject({ created: 1, changesBase: true });
    const overlap = report(await importFile(client, longer));
    expect(overlap).toMatchObject({ created: 1, skipped: 6, changesBase: true, errors: [] });
    // policy 'create' takes the file as new sales, whatever the base holds
    const forced = report(await importFile(client, golden, { policy: 'create', dryRun: true }));
    expect(forced).toMatchObject({ created: 6, skipped: 0 });
  });

  it('leaves the database file byte for byte as before when the last row fails or the job is cancelled', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    const s = await seed(api);
    report(await importFile(client, golden));
    const rows = ['Date;N° ticket;Code client;E-mail;Désignation;Qté;PU;Canal'];
    for (let i = 0; i < 5000; i += 1) {
      rows.push(`${String(1 + (i % 28)).padStart(2, '0')}/02/2024;G-${i};${i % 2 === 0 ? 'C0001' : ''};${i % 2 === 0 ? '' : 'zoe@oeuvray.fr'};Article ${i % 7};${1 + (i % 3)};${i % 50},${String(i % 100).padStart(2, '0')};Boutique`);
    }
    const big = path.join(dir, 'gros.csv');
    fs.writeFileSync(big, `${rows.join('\r\n')}\r\n`);
    const failing = path.join(dir, 'fin-fausse.csv');
    fs.writeFileSync(failing, `${rows.join('\r\n')}\r\n31/02/2024;G-5000;C0001;;Dernier;1;1,00;Boutique\r\n`);
    const figuresBefore = figures(dbPath);
    const before = fileHash(dbPath);

    const r = report(await importFile(client, failing));
    expect(r.errors).toEqual([{ line: 5002, field: 'date', value: '31/02/2024', reason: 'impossible_date' }]);
    expect(r).toMatchObject({ rows: 5001, created: 0, importId: null });
    expect(fileHash(dbPath)).toBe(before);

    const cancelled = await importFile(client, big, { cancelAfterFirstProgress: true });
    expect(cancelled.status).toBe('cancelled');
    expect(fileHash(dbPath)).toBe(before);
    expect(figures(dbPath)).toEqual(figuresBefore);

    // the same rows without the bad one import, with the figures of 2 500 sales each
    const ok = report(await importFile(client, big));
    expect(ok).toMatchObject({ created: 5000, errors: [] });
    const after = figures(dbPath);
    expect(after.find((f) => f.id === s.elodie)).toMatchObject({ purchase_count: 2501, first_purchase_at: day('2024-02-01') });
    expect(after.find((f) => f.id === s.zoe)).toMatchObject({ purchase_count: 2501, last_purchase_at: day('2024-03-06') });
    // undo deletes 5 000 purchases and their lines (the refund-lines index keeps that linear)
    await undoImportCall(api, ok.importId!);
    expect(figures(dbPath)).toEqual(figuresBefore);
  });

  it('undo removes exactly the purchases of that import and restores every figure and status', async () => {
    const { client, api, dbPath } = await openClient();
    const s = await seed(api);
    // a sale typed at the counter before the import stays
    await api.call('purchases.create', { contactId: s.zoe, purchasedAt: '2024-01-15', lines: [{ label: 'Thé', quantity: 1, unitPriceCents: 500 }] });
    const before = dump(dbPath);
    const r = report(await importFile(client, golden));
    expect(figures(dbPath).find((f) => f.id === s.francois)).toMatchObject({ status: 'customer' });

    const undone = await undoImportCall(api, r.importId!);
    expect(undone).toMatchObject({ id: r.importId, kind: 'purchases', created: 6 });
    expect(undone.undoneAt).not.toBeNull();
    expect(dump(dbPath)).toBe(before);
    expect(figures(dbPath).find((f) => f.id === s.francois)).toMatchObject({ status: 'former', purchase_count: 0 });
    expect((await failure(api.call('imports.undo', { importId: r.importId! }))).code).toBe('CONFLICT');

    // once undone, the same file imports again
    const again = report(await importFile(client, golden));
    expect(again).toMatchObject({ created: 6, skipped: 0 });
  });

  it('undoes a large import by setting indexes and row triggers aside, to the same base as deleting one by one', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    const s = await seed(api);
    // a sale typed at the counter, in a month the file has too (its month row must stay)
    await api.call('purchases.create', { contactId: s.zoe, purchasedAt: '2024-02-15', lines: [{ label: 'Thé', quantity: 1, unitPriceCents: 500 }] });
    const before = dump(dbPath);
    const schema = (file: string) => query(file, "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name").map((r) => JSON.stringify(r));
    const schemaBefore = schema(dbPath);
    const r = report(await importFile(client, golden));
    await client.close();
    for (const bulkFrom of [undefined, 1]) {
      const copy = path.join(dir, `undo-${bulkFrom ?? 'rows'}.sqlite`);
      fs.copyFileSync(dbPath, copy);
      const store = openStore(copy);
      await undoImport(store, r.importId!, null, { bulkFrom });
      store.sqlite.close();
      expect(dump(copy)).toBe(before);
      expect(schema(copy)).toEqual(schemaBefore);
    }
  });

  it('sets the list indexes aside when most customers change, and puts them back exactly', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    const people = ['Nom;Prénom;Code client'];
    for (let i = 1; i <= 12_000; i += 1) people.push(`Nom${i};Prénom${i};K${i}`);
    const contactsFile = path.join(dir, 'clients.csv');
    fs.writeFileSync(contactsFile, `${people.join('\r\n')}\r\n`);
    const started = await client.invoke('imports.run', { kind: 'contacts', path: contactsFile });
    if (!started.ok) throw new Error(JSON.stringify(started.error));
    await new Promise<void>((resolve) => client.onEvent((event) => event === 'job.finished' && resolve()));
    expect((await api.call('app.status', {})).contactCount).toBe(12_000);
    const schema = () => JSON.stringify(query(dbPath, 'SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name'));
    const before = schema();

    // big enough for the customer index of purchases to be set aside too; the last row, without a ticket, needs it back
    const sales = ['Date;N° ticket;Code client;Montant'];
    for (let i = 0; i < 60_000; i += 1) sales.push(`${String(1 + (i % 28)).padStart(2, '0')}/01/2024;V${i};K${1 + ((i * 7) % 12_000)};${1 + (i % 90)},50`);
    sales.push('29/01/2024;;K1;9,99');
    const salesFile = path.join(dir, 'ventes.csv');
    // at a row per customer or more, codes are looked up in memory: an unknown one is still reported where it is
    const wrongFile = path.join(dir, 'ventes-erreur.csv');
    fs.writeFileSync(wrongFile, `${[...sales.slice(0, 30_000), '15/01/2024;W1;K12001;5,00', ...sales.slice(30_000)].join('\r\n')}\r\n`);
    expect(report(await importFile(client, wrongFile, { dryRun: true })).errors).toEqual([
      { line: 30_001, field: 'customerCode', value: 'K12001', reason: 'unknown_contact' },
    ]);
    fs.writeFileSync(salesFile, `${sales.join('\r\n')}\r\n`);
    // a contact page opened meanwhile reads its figures and offers without the indexes set aside
    let opened: Promise<unknown> | null = null;
    // the RFM screen opened once every total is updated, the list's figure indexes still aside, answers all the same
    let rfm: Promise<unknown> | null = null;
    const phases = new Set<string>();
    const off = client.onEvent((event, payload) => {
      if (event !== 'job.progress') return;
      const p = payload as JobProgress;
      phases.add(p.phase);
      if (p.phase === 'import.figures' && p.done === p.total) rfm = api.call('analytics.rfm', {});
    });
    const r = report(await importFile(client, salesFile, { whileRunning: () => (opened = api.call('analytics.contact.value', { contactId: 1 })) }));
    off();
    expect(opened).not.toBeNull();
    await expect(opened).resolves.toMatchObject({ offers: [] });
    expect(rfm).not.toBeNull();
    await expect(rfm).resolves.toMatchObject({ segments: expect.any(Array) });
    // the bar says what takes the time after the rows: totals, the list's indexes, the customers' analyses
    expect([...phases]).toEqual(expect.arrayContaining(['import.rows', 'import.purchaseIndexes', 'import.figures', 'import.indexes', 'import.analytics']));
    expect(r).toMatchObject({ created: 60_001, errors: [] });
    expect(schema()).toBe(before);
    // run under a rollback journal (store/open.ts bulkJournal), the file is back in WAL mode
    expect(query(dbPath, 'PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
    const againPhases = new Set<string>();
    const offAgain = client.onEvent((event, payload) => {
      if (event === 'job.progress') againPhases.add((payload as JobProgress).phase);
    });
    const again = report(await importFile(client, salesFile));
    offAgain();
    expect(again).toMatchObject({ created: 0, skipped: 60_001, errors: [] });
    // nothing to write: what was set aside comes back with a rollback, not rebuilt over every sale; the history has it
    expect(againPhases.has('import.rows')).toBe(true);
    expect(againPhases.has('import.purchaseIndexes')).toBe(false);
    expect(query(dbPath, "SELECT created, skipped FROM imports WHERE kind = 'purchases' ORDER BY id DESC LIMIT 1")).toEqual([{ created: 0, skipped: 60_001 }]);
    expect(query(dbPath, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    expect(schema()).toBe(before);
    // the purchase counter (kept by a trigger, added in one go by a big import) matches the table
    expect(query(dbPath, "SELECT value AS n FROM counters WHERE name = 'purchases'")).toEqual([{ n: 60_001 }]);
    expect(query(dbPath, 'SELECT count(*) AS n FROM purchases')).toEqual([{ n: 60_001 }]);
    // so do the month sums (a trigger too, added in one go as well)
    const months = 'SELECT month, sales, refunds, revenue_cents FROM sales_months ORDER BY month';
    const summed = `SELECT substr(purchased_at, 1, 7) AS month, sum(kind = 'sale') AS sales, sum(kind = 'refund') AS refunds,
        sum(amount_cents) AS revenue_cents FROM purchases GROUP BY 1 ORDER BY 1`;
    expect(query(dbPath, months)).toEqual(query(dbPath, summed));
    expect(query(dbPath, months)).toHaveLength(1);
    // every figure as recomputed from the purchases themselves
    const wrong = query(
      dbPath,
      `SELECT c.id FROM contacts c LEFT JOIN (SELECT contact_id, count(*) AS n, sum(amount_cents) AS total, min(purchased_at) AS first, max(purchased_at) AS last
         FROM purchases GROUP BY contact_id) p ON p.contact_id = c.id
        WHERE c.purchase_count IS NOT coalesce(p.n, 0) OR c.total_cents IS NOT coalesce(p.total, 0)
          OR c.first_purchase_at IS NOT p.first OR c.last_purchase_at IS NOT p.last OR c.status <> 'customer'`,
    );
    expect(wrong).toEqual([]);
    const counts = () => query<{ name: string; value: number }>(dbPath, "SELECT name, value FROM counters WHERE name LIKE 'contacts.%' ORDER BY name");
    expect(counts()).toEqual([
      { name: 'contacts.customer', value: 12_000 },
      { name: 'contacts.former', value: 0 },
      { name: 'contacts.prospect', value: 0 },
    ]);
    // undone, every customer is a prospect with no purchase again, through the same indexes set aside
    await undoImportCall(api, r.importId!);
    expect(schema()).toBe(before);
    expect(query(dbPath, 'SELECT count(*) AS n FROM contacts WHERE purchase_count > 0 OR total_cents <> 0 OR last_purchase_at IS NOT NULL')).toEqual([{ n: 0 }]);
    expect(query(dbPath, "SELECT value AS n FROM counters WHERE name = 'purchases'")).toEqual([{ n: 0 }]);
    expect(query(dbPath, months)).toEqual([]);
    expect(counts()).toEqual([
      { name: 'contacts.customer', value: 0 },
      { name: 'contacts.former', value: 0 },
      { name: 'contacts.prospect', value: 12_000 },
    ]);
  });

  it('refuses to undo an import whose sales were refunded since', async () => {
    const { client, api } = await openClient();
    await seed(api);
    const r = report(await importFile(client, golden));
    const [first] = (await api.call('purchases.list', { contactId: (await api.call('contacts.list', { q: 'zoe' })).rows[0]!.id })).rows;
    await api.call('purchases.refund', { purchaseId: first!.id });
    const refused = await failure(api.call('imports.undo', { importId: r.importId! }));
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { reason: 'has_refunds', count: 1 } });
  });
});

describe('comptoir import purchases', () => {
  const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const cli = path.join(root, 'src-main', 'host', 'cli', 'index.ts');
  const run = (...args: string[]) => {
    // a French terminal, whatever this machine's own locale variables say
    const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true', LANG: 'fr_FR.UTF-8' };
    delete env.LC_ALL;
    delete env.LC_MESSAGES;
    const r = spawnSync(process.execPath, [tsx, cli, ...args], { encoding: 'utf8', env });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('prints the JSON report; exit code 1 when errors stopped it, 0 otherwise, 2 for a usage error', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    await seed(api);
    await client.close();
    const bad = path.join(dir, 'mauvais.csv');
    fs.writeFileSync(bad, 'Date;Code client;Montant\n05/03/2024;C0001;10,00\n05/03/2024;C0404;abc\n');

    const failed = run('import', 'purchases', bad, '--db', dbPath, '--json');
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.out)).toEqual({
      created: 0,
      updated: 0,
      merged: 0,
      skipped: 0,
      errors: [
        { line: 3, field: 'customerCode', value: 'C0404', reason: 'unknown_contact' },
        { line: 3, field: 'amount', value: 'abc', reason: 'invalid_number' },
      ],
    });
    const dry = run('import', 'purchases', golden, '--db', dbPath, '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toEqual({ created: 6, updated: 0, merged: 0, skipped: 0, errors: [] });
    const done = run('import', 'purchases', golden, '--db', dbPath, '--json');
    expect(JSON.parse(done.out)).toEqual({ created: 6, updated: 0, merged: 0, skipped: 0, errors: [] });
    expect(done.code).toBe(0);
    // the same file again: said in so many words, before (--dry-run) and after
    const check = run('import', 'purchases', golden, '--db', dbPath, '--dry-run');
    expect(check.out).toMatch(/\nRien de nouveau dans ce fichier : l’importer ne changerait rien à la base\.\n$/);
    const again = run('import', 'purchases', golden, '--db', dbPath);
    expect(again).toMatchObject({
      code: 0,
      out: '7 lignes — achats ajoutés 0, laissés de côté 6, problèmes 0\nRien de nouveau dans ce fichier : la base n’a pas changé (l’import est noté dans l’historique).\n',
    });
    expect(run('import', 'orders', golden, '--db', dbPath).code).toBe(2);
  }, 60_000);
});

describe('customer codes in memory', () => {
  it('answers as the code index does, for any codes, and leaves out only what it cannot hold', () => {
    const code = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.integer({ min: 0, max: 99_999 }).map((n) => `C${String(n).padStart(7, '0')}`),
    );
    fc.assert(
      fc.property(fc.uniqueArray(code, { maxLength: 300 }), fc.array(code, { maxLength: 50 }), (codes, others) => {
        const store = openStore();
        const db = store.sqlite;
        const insert = db.prepare(
          "INSERT INTO contacts (last_name, code, source, sort_name, created_at, updated_at) VALUES ('X', ?, 'import', 'x', '2026-01-01', '2026-01-01')",
        );
        // ids with gaps, as deletes leave them
        codes.forEach((c, i) => {
          const id = Number(insert.run(c).lastInsertRowid);
          if (i % 7 === 3) db.prepare('DELETE FROM contacts WHERE id = ?').run(id);
        });
        const table = loadCodeTable(db);
        expect(table).not.toBeNull();
        const byIndex = db.prepare('SELECT id FROM contacts WHERE code = ?').pluck();
        for (const c of [...codes, ...others, '']) {
          const expected = byIndex.get(c) as number | undefined;
          const found = table?.get(c);
          // a code with a NUL is left to the index (the caller asks it on every miss)
          expect(found).toBe(c.includes('\u0000') ? undefined : expected);
        }
        db.close();
      }),
      { numRuns: 40 },
    );
  });
});
