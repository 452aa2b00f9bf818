import { AppError, fold, type DemoResult } from '../../contract';
import { recomputeAnalyticsInSteps } from '../analytics/recompute';
import { bulkInsert, jobTransaction, prepared, type BulkInsert, type Store } from '../../store/db';
import { reportTo, type JobContext } from '../../host/registry';
import {
  createWorld,
  DEMO_CATALOGUE,
  demoPurchases,
  purchaseAt,
  purchaseChannel,
  companyDomain,
  type DemoContact,
  type DemoOptions,
  type DemoPurchases,
  type Employers,
} from './data';
import {
  addRange,
  clearMarker,
  deferrableIndexes,
  dropIndexes,
  emptyMarker,
  maxId,
  readMarker,
  rebuildIndex,
  recoverInterruptedDemo,
  undoLoad,
  writeMarker,
  type DeferredIndex,
} from './load';
import { createRandom } from './random';
import { addDemoConsent } from '../consent/demo';
import { addDemoTags, createDemoTags } from './tags';

export { DEMO_MARKER_KEY, recoverInterruptedDemo } from './load';
export type { DemoOptions } from './data';

/** Sizes (customers) the first-run screen and the benches offer. */
export const DEMO_SIZES = [100, 1_000, 10_000, 100_000, 1_000_000] as const;

/**
 * Customers per transaction (~100k rows with their purchases): about half a
 * second of work, so cancel and other calls never wait long; 4× smaller
 * batches cost ~10 % more time in commits.
 */
export const DEMO_BATCH = 10_000;

const CONTACT_COLUMNS = [
  'id', 'civility', 'first_name', 'last_name', 'email', 'phone', 'address_line1', 'address_line2', 'postcode', 'city',
  'country', 'status', 'source', 'company_id', 'job_title', 'birth_date', 'source_date', 'data_origin', 'sort_name',
  'match_name', 'created_at', 'updated_at', 'purchase_count', 'total_cents', 'first_purchase_at', 'last_purchase_at',
] as const;

const CONTACT_SQL = `INSERT INTO contacts (${CONTACT_COLUMNS.join(', ')})
  VALUES (${CONTACT_COLUMNS.map(() => '?').join(', ')})`;

const contactValues = (id: number, c: DemoContact): unknown[] => [
  id,
  c.civility,
  c.firstName,
  c.lastName,
  c.email,
  c.phone,
  c.addressLine1,
  c.addressLine2,
  c.postcode,
  c.city,
  'FR',
  c.status,
  c.source,
  c.companyId,
  c.jobTitle,
  c.birthDate,
  c.sourceDate,
  c.dataOrigin,
  c.sortName,
  c.matchName,
  c.createdAt,
  c.createdAt,
  c.purchaseCount,
  c.totalCents,
  c.firstPurchaseAt,
  c.lastPurchaseAt,
];

const COMPANY_SQL = `INSERT INTO companies (id, name, sort_name, siren, siret, email, phone, address_line1, postcode, city,
  country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'FR', ?, ?)`;

/** Tickets and lines several to a statement (`bulkInsert`); a batch writes its tickets, then their lines. */
const TICKET_COLUMNS = ['id', 'contact_id', 'purchased_at', 'amount_cents', 'channel', 'created_at'];
const LINE_COLUMNS = ['purchase_id', 'product_id', 'label', 'quantity_milli', 'unit_price_cents', 'total_cents', 'unit'];

/** Queues a contact's tickets, numbered from `firstId`, and their lines; returns how many lines. */
const queueTickets = (
  tickets: BulkInsert,
  lines: BulkInsert,
  articleIds: readonly number[],
  contactId: number,
  firstId: number,
  p: DemoPurchases,
  iso: (ms: number) => string,
): number => {
  let count = 0;
  for (let k = 0; k < p.count; k++) {
    const id = firstId + k;
    const at = iso(purchaseAt(p, k));
    // recorded at the till when sold
    tickets.push([id, contactId, at, p.amounts[k] ?? 0, purchaseChannel(p, k), at]);
    const to = p.lineStart[k + 1] ?? 0;
    for (let l = p.lineStart[k] ?? to; l < to; l++) {
      const index = p.lineProduct[l] ?? 0;
      const article = DEMO_CATALOGUE[index];
      if (article === undefined) continue;
      lines.push([id, articleIds[index] ?? null, article.name, p.lineQuantity[l] ?? 0, article.priceCents, p.lineTotal[l] ?? 0, article.unit]);
      count += 1;
    }
  }
  return count;
};

const PRODUCT_SQL = `INSERT INTO products (id, name, sort_name, sku, category, price_cents, unit, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/**
 * The shop's catalogue, with ids following the base's. A base emptied of
 * its customers may keep articles of its own: an article code it already
 * uses stays theirs, and the demo's article goes without one.
 */
const addCatalogue = (store: Store, createdAt: string, created: (id: number) => void): number[] => {
  const taken = prepared(store.sqlite, 'SELECT 1 FROM products WHERE sku = ?').pluck();
  const insert = prepared(store.sqlite, PRODUCT_SQL);
  const first = maxId(store, 'products') + 1;
  return DEMO_CATALOGUE.map((p, i) => {
    const id = first + i;
    const sku = taken.get(p.sku) === undefined ? p.sku : null;
    insert.run(id, p.name, fold(p.name), sku, p.category, p.priceCents, p.unit, createdAt, createdAt);
    created(id);
    return id;
  });
};

const assertEmpty = (store: Store): void => {
  const values = prepared(store.sqlite, "SELECT value FROM counters WHERE name IN ('contacts', 'purchases')")
    .pluck()
    .all() as number[];
  if (values.some((v) => v !== 0)) {
    throw new AppError('CONFLICT', 'the demo shop can only be loaded into an empty base', { reason: 'not_empty' });
  }
};

/** A second stream for companies, so their number does not shift the contacts drawn from the seed. */
const COMPANY_STREAM = 0x5bd1e995;

/**
 * Fills an empty base with a realistic French shop: companies, contacts with
 * their purchases, aggregates, consents and tags, reproducible from the seed and `now`'s UTC
 * date. Streams in transactions of `batchSize` customers and yields between
 * them, so other calls and cancel get through; memory stays flat whatever the
 * size. Indexes filled in random order are rebuilt at the end (phase
 * 'demo.indexes'). On cancel or failure everything it wrote is removed.
 */
export const generateDemo = async (
  store: Store,
  input: DemoOptions,
  job: JobContext,
  now: Date = new Date(),
  batchSize: number = DEMO_BATCH,
): Promise<DemoResult> => {
  const started = performance.now();
  // leftovers of a load killed with the process: the base was empty before it
  recoverInterruptedDemo(store);
  assertEmpty(store);
  const world = createWorld(input, now);
  const random = createRandom(input.seed);
  const purchasesOf = demoPurchases(world.maxPurchases);
  const contactStmt = prepared(store.sqlite, CONTACT_SQL);
  let articleIds: number[] = [];
  const tickets = bulkInsert(store.sqlite, 'purchases', TICKET_COLUMNS, 64);
  const lineRows = bulkInsert(store.sqlite, 'purchase_lines', LINE_COLUMNS, 128);

  const total = input.customers;
  const marker = emptyMarker();
  let employers: Employers = { firstId: 0, domains: [] };
  let tagIds: number[] = [];
  let done = 0;
  let purchases = 0;
  let ticketLines = 0;

  /** The first transaction sets the indexes aside and writes the companies the contacts will point at. */
  const start = (): void => {
    marker.indexes = deferrableIndexes(store);
    dropIndexes(store, marker.indexes);
    const companyRandom = createRandom((input.seed ^ COMPANY_STREAM) >>> 0);
    const insert = prepared(store.sqlite, COMPANY_SQL);
    const firstId = maxId(store, 'companies') + 1;
    const domains: string[] = [];
    for (let i = 0; i < world.companyCount; i++) {
      const c = world.company(companyRandom, i);
      insert.run(firstId + i, c.name, c.sortName, c.siren, c.siret, c.email, c.phone, c.addressLine1, c.postcode, c.city, c.createdAt, c.createdAt);
      domains.push(companyDomain(c.name));
    }
    addRange(marker.companies, firstId, firstId + world.companyCount - 1);
    employers = { firstId, domains };
    tagIds = createDemoTags(store, (id) => addRange(marker.tags, id, id));
    articleIds = addCatalogue(store, world.openedAt, (id) => addRange(marker.products, id, id));
  };

  const batch = (size: number): number => {
    if (done === 0) start();
    // ids continue from the maximum, as SQLite would pick them: nothing else writes inside this transaction
    const firstContact = maxId(store, 'contacts') + 1;
    const firstPurchase = maxId(store, 'purchases') + 1;
    const firstLine = maxId(store, 'purchase_lines') + 1;
    let made = 0;
    let lines = 0;
    for (let i = 0; i < size; i++) {
      const id = firstContact + i;
      const contact = world.contact(random, purchasesOf, employers);
      contactStmt.run(contactValues(id, contact));
      lines += queueTickets(tickets, lineRows, articleIds, id, firstPurchase + made, purchasesOf, world.iso);
      made += purchasesOf.count;
    }
    // the lines name their tickets: tickets first
    tickets.flush();
    lineRows.flush();
    // the consent mix rides in the same transaction as its contacts, so a cancel or a crash undoes both
    addDemoConsent(store, firstContact, firstContact + size - 1, now.toISOString());
    addDemoTags(store, tagIds, firstContact, firstContact + size - 1);
    addRange(marker.contacts, firstContact, firstContact + size - 1);
    addRange(marker.purchases, firstPurchase, firstPurchase + made - 1);
    addRange(marker.purchase_lines, firstLine, firstLine + lines - 1);
    ticketLines += lines;
    writeMarker(store, marker);
    return made;
  };

  job.progress('demo.customers', 0, total);
  try {
    while (done < total) {
      const size = Math.min(batchSize, total - done);
      purchases += store.sqlite.transaction(() => batch(size)).immediate();
      done += size;
      job.progress('demo.customers', done, total);
      await job.tick();
    }
    // progress in rows to index: the purchase date index alone is most of this phase
    const rowsOf = (index: DeferredIndex): number =>
      index.table === 'purchases' ? purchases : index.table === 'purchase_lines' ? ticketLines : total;
    const indexRows = marker.indexes.reduce((sum, index) => sum + rowsOf(index), 0);
    let indexed = 0;
    job.progress('demo.indexes', 0, indexRows);
    for (let index = marker.indexes[0]; index !== undefined; index = marker.indexes[0]) {
      const rest = marker.indexes.slice(1);
      rebuildIndex(store, index, (build) =>
        store.sqlite
          .transaction(() => {
            build();
            if (rest.length === 0) clearMarker(store);
            else writeMarker(store, { ...marker, indexes: rest });
          })
          .immediate(),
      );
      marker.indexes = rest;
      indexed += rowsOf(index);
      job.progress('demo.indexes', indexed, indexRows);
      await job.tick();
    }
    // nothing was set aside: the marker written with the rows goes now
    if (readMarker(store) !== null) store.sqlite.transaction(() => clearMarker(store)).immediate();
    // the rows were written with their figures precomputed: the analytics tables are derived in one pass, in
    // steps (~30 s at 1M customers: the panel moves and Cancel answers); a cancel here removes the demo as above
    const progress = reportTo(job);
    await jobTransaction(store, () =>
      recomputeAnalyticsInSteps(store, (at) => progress(at.stage === 'customers' ? 'demo.analytics' : 'demo.analyticsIndexes', at.done, at.total), now),
    );
  } catch (error) {
    try {
      undoLoad(store, marker);
    } catch {
      // the original failure is what the user must see; the marker lets the next open finish the undo
    }
    throw error;
  }
  // the load and the index builds went through the WAL: give the space back now rather than at close
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  return { customers: total, purchases, ms: Math.round(performance.now() - started) };
};
