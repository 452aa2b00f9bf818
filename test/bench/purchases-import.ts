/**
 * Issue 3: "Import 10M purchases with per-customer aggregates kept current: ≤ 60 s".
 * The demo base's purchases are written out as a till would export them
 * (French Excel CSV, chronological, one ticket number per sale, customer
 * code), then imported by the built CLI into a copy of a base holding the
 * same customers and no purchases. Measures, does not assert.
 *
 *   npm run bench                                          (from run.ts; BENCH_PURCHASE_IMPORT=0 leaves it out)
 *   BENCH_PURCHASE_ROWS=1000000 npx tsx test/bench/purchases-import.ts   (alone, first N sales)
 *
 * Data kept in .bench/ between runs: the base without purchases and the CSV.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import iconv from 'iconv-lite';
import { createStore } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { timedNode, type Recorder } from './common';
import { benchPurchaseImportFloor } from './import-floor';
import { benchImportJob, benchUndo } from './jobs';


export type PurchaseBenchOptions = {
  root: string;
  benchDir: string;
  /** The demo base (customers and purchases), read only. */
  demoDb: string;
  cli: string;
  record: Recorder;
  /** Only the first N sales in date order (a shorter run, extrapolated in the report). */
  rows?: number;
};

const CHANNELS: Record<string, string> = { shop: 'Boutique', web: 'Site web', phone: 'Téléphone', fair: 'Salon' };

const log = (message: string) => console.log(`  … ${message}`);

/**
 * The demo's customers with codes (C0000001…) and no purchases: copied, then
 * purchases truncated and figures reset, in a file of its own. The demo file
 * itself is never opened for writing.
 */
const prepareBase = (demoDb: string, base: string): void => {
  if (fs.existsSync(base)) {
    // made by an older Comptoir: brought to this schema here, once, so the CLI's time is the import's alone
    // (else every run would also pay the upgrade and the backup taken before it)
    try {
      openDatabase(base).close();
      return;
    } catch (error) {
      // a base left by a development schema that never shipped cannot be upgraded: made again
      log(`base ${path.basename(base)} cannot be upgraded (${error instanceof Error ? error.message : String(error)}): made again`);
      for (const ext of ['', '-wal', '-shm']) fs.rmSync(base + ext, { force: true });
    }
  }
  const started = performance.now();
  const partial = `${base}.partial`;
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(partial + ext, { force: true });
  const demo = new BetterSqlite3(demoDb, { readonly: true });
  demo.exec(`VACUUM INTO '${partial.replace(/'/g, "''")}'`);
  demo.close();
  const store = createStore(openDatabase(partial), partial);
  const db = store.sqlite;
  // the truncate optimisation needs no triggers and no foreign-key checks on the parent table
  db.pragma('foreign_keys = OFF');
  const triggers = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'purchases'").all() as {
    name: string;
    sql: string;
  }[];
  const figureIndexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'contacts' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'
        AND (sql LIKE '%status%' OR sql LIKE '%total_cents%' OR sql LIKE '%purchase%')`,
    )
    .all() as { name: string; sql: string }[];
  db.transaction(() => {
    for (const t of triggers) db.exec(`DROP TRIGGER "${t.name}"`);
    db.exec('DELETE FROM purchase_lines; DELETE FROM purchases');
    for (const t of triggers) db.exec(t.sql);
    db.exec("UPDATE counters SET value = 0 WHERE name = 'purchases'");
    for (const i of figureIndexes) db.exec(`DROP INDEX "${i.name}"`);
    db.exec(`UPDATE contacts SET purchase_count = 0, total_cents = 0, first_purchase_at = NULL, last_purchase_at = NULL,
      status = CASE status WHEN 'customer' THEN 'prospect' ELSE status END, code = printf('C%07d', id)`);
    for (const i of figureIndexes) db.exec(i.sql);
  })();
  db.pragma('foreign_keys = ON');
  db.exec('VACUUM');
  db.close();
  fs.renameSync(partial, base);
  log(`base without purchases ready in ${((performance.now() - started) / 1000).toFixed(0)} s`);
};

const two = (v: number) => String(v).padStart(2, '0');

/** A cell of a `;` file: quoted when it holds the separator, a quote or a line break. */
const cell = (v: string): string => (/[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

const euros = (cents: number): string => `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)},${String(Math.abs(cents) % 100).padStart(2, '0')}`;

/** Thousandths as a till prints them: « 6 », « 0,352 ». */
const quantity = (milli: number): string => {
  const whole = Math.trunc(milli / 1000);
  const rest = Math.abs(milli % 1000);
  return rest === 0 ? String(whole) : `${milli < 0 && whole === 0 ? '-' : ''}${whole},${String(rest).padStart(3, '0').replace(/0+$/, '')}`;
};

/** A sale's date and time on the shop's clock, as a till prints it: dd/mm/yyyy hh:mm. */
const tillTime = (iso: string): string => {
  const at = new Date(iso);
  return `${two(at.getDate())}/${two(at.getMonth() + 1)}/${at.getFullYear()} ${two(at.getHours())}:${two(at.getMinutes())}`;
};

/** `header` and `lines` (each with its CRLF) in Windows-1252, written to a `.partial` file renamed to `csv` once whole. */
const writeTillFile = async (csv: string, header: string, lines: Iterable<string>): Promise<void> => {
  const partial = `${csv}.partial`;
  const out = fs.createWriteStream(partial);
  const write = (text: string) => (out.write(iconv.encode(text, 'windows1252')) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  await write(header);
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length > 1 << 20) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise<void>((resolve) => out.end(() => resolve()));
  fs.renameSync(partial, csv);
};

/** The demo's sales in date order, as a till exports them: Windows-1252, ';', decimal commas, dd/mm/yyyy hh:mm on the shop's clock. */
const writeCsv = async (demoDb: string, csv: string, limit: number | null): Promise<number> => {
  if (fs.existsSync(csv)) return Number(fs.readFileSync(`${csv}.rows`, 'utf8'));
  const started = performance.now();
  const demo = new BetterSqlite3(demoDb, { readonly: true });
  const rows = demo
    .prepare(
      `SELECT contact_id AS contact, purchased_at AS at, amount_cents AS cents, channel FROM purchases
        WHERE contact_id IS NOT NULL ORDER BY purchased_at, id ${limit === null ? '' : 'LIMIT ?'}`,
    )
    .iterate(...(limit === null ? [] : [limit])) as Iterable<{ contact: number; at: string; cents: number; channel: string }>;
  let n = 0;
  function* lines(): Generator<string> {
    for (const r of rows) {
      n += 1;
      // tills number tickets in time order
      yield `${tillTime(r.at)};T${String(n).padStart(8, '0')};C${String(r.contact).padStart(7, '0')};${euros(r.cents)};${CHANNELS[r.channel] ?? r.channel}\r\n`;
    }
  }
  try {
    await writeTillFile(csv, 'Date;N° ticket;Code client;Montant TTC;Canal\r\n', lines());
  } finally {
    demo.close();
  }
  fs.writeFileSync(`${csv}.rows`, String(n));
  log(`${n.toLocaleString('en')} sales written to ${path.basename(csv)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return n;
};

/** The built CLI in a child process. */
const timed = (cli: string, args: string[]) => timedNode([cli, ...args]);

/**
 * `csv` imported by the CLI into `target`, a fresh copy of `base`; fails
 * unless it exits 0 having created `created` sales.
 */
const importIntoCopy = async (cli: string, base: string, target: string, csv: string, created: number) => {
  for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(target + ext, { force: true });
  fs.copyFileSync(base, target);
  const run = await timed(cli, ['import', 'purchases', csv, '--db', target, '--json']);
  const result = JSON.parse(run.out.trim() || '{}') as { created?: number };
  if (run.code !== 0 || result.created !== created) {
    throw new Error(`purchase import of ${path.basename(csv)} failed (exit ${run.code}): ${run.out.slice(0, 500)} ${run.err.slice(0, 500)}`);
  }
  return run;
};

export const benchPurchaseImport = async (o: PurchaseBenchOptions): Promise<void> => {
  const base = path.join(o.benchDir, 'purchases-base.sqlite');
  const limit = o.rows ?? null;
  // "till-": the sales with their time of day ("purchases-" files, from before, held the day alone)
  const csv = path.join(o.benchDir, `till-${limit ?? 'all'}.csv`);
  prepareBase(o.demoDb, base);
  const rows = await writeCsv(o.demoDb, csv, limit);
  const target = path.join(o.benchDir, 'purchases-target.sqlite');
  const run = await importIntoCopy(o.cli, base, target, csv, rows);
  const rate = rows / run.seconds;
  o.record(
    `import ${rows.toLocaleString('en')} purchases (customer figures kept current; exit ${run.code})`,
    `${run.seconds.toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU (${Math.round(rate).toLocaleString('en')} rows/s), peak RSS ${run.peakMb.toFixed(0)} MB`,
    '530k purchases/s raw inserts',
    // no extrapolation from a partial run: the index rebuilds at the end cost about the same whatever the file's size
    rows < 10_000_000 ? `${(530_000 / rate).toFixed(1)}× raw; a partial run (10M: run all rows)` : `${(530_000 / rate).toFixed(1)}× raw`,
    '10M ≤ 60 s',
  );

  // the same file again: every sale found, nothing added
  const again = await timed(o.cli, ['import', 'purchases', csv, '--db', target, '--json']);
  const second = JSON.parse(again.out.trim() || '{}') as { created?: number; skipped?: number };
  o.record(
    `import the same ${rows.toLocaleString('en')} purchases again (created ${second.created ?? '?'}, skipped ${second.skipped ?? '?'})`,
    `${again.seconds.toFixed(1)} s wall, ${again.cpu.toFixed(1)} s CPU, peak RSS ${again.peakMb.toFixed(0)} MB`,
  );
  // what no import of this file can go under: SQLite storing the same rows and figures, with nothing else to do
  benchPurchaseImportFloor(base, target, path.join(o.benchDir, 'purchase-floor.sqlite'), o.record);
  await benchUndo(target, 'purchases', o.record);
  // the same file once more, now from the app (the import page's job): how long the store leaves other calls waiting
  await benchImportJob(target, 'purchases', csv, o.record);
  for (const ext of ['', '-wal', '-shm']) fs.rmSync(target + ext, { force: true });
};

/**
 * The demo's sales with their lines, one row a line, as a till's detailed
 * export: ticket number, date and time, customer code, article and its
 * code, quantity, unit price, line total, ticket total, channel.
 */
const writeLinesCsv = async (demoDb: string, csv: string): Promise<{ tickets: number; lines: number }> => {
  if (fs.existsSync(csv)) return JSON.parse(fs.readFileSync(`${csv}.rows`, 'utf8')) as { tickets: number; lines: number };
  const started = performance.now();
  const demo = new BetterSqlite3(demoDb, { readonly: true });
  const rows = demo
    .prepare(
      `SELECT p.id AS ticket, p.contact_id AS contact, p.purchased_at AS at, p.amount_cents AS amount, p.channel,
          l.label, pr.sku, l.quantity_milli AS milli, l.unit_price_cents AS price, l.total_cents AS total
        FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id LEFT JOIN products pr ON pr.id = l.product_id
        WHERE p.contact_id IS NOT NULL AND p.kind = 'sale' ORDER BY p.purchased_at, p.id, l.id`,
    )
    .iterate() as Iterable<{ ticket: number; contact: number; at: string; amount: number; channel: string; label: string; sku: string | null; milli: number; price: number; total: number }>;
  let tickets = 0;
  let lines = 0;
  function* rowsOfLines(): Generator<string> {
    let previous = -1;
    let head = '';
    for (const r of rows) {
      if (r.ticket !== previous) {
        previous = r.ticket;
        tickets += 1;
        head = `T${String(tickets).padStart(8, '0')};${tillTime(r.at)};C${String(r.contact).padStart(7, '0')}`;
      }
      lines += 1;
      yield `${head};${cell(r.label)};${r.sku ?? ''};${quantity(r.milli)};${euros(r.price)};${euros(r.total)};${euros(r.amount)};${CHANNELS[r.channel] ?? r.channel}\r\n`;
    }
  }
  try {
    await writeTillFile(csv, 'N° ticket;Date;Code client;Désignation;Réf. article;Qté;Prix unitaire;Total ligne;Montant TTC;Canal\r\n', rowsOfLines());
  } finally {
    demo.close();
  }
  fs.writeFileSync(`${csv}.rows`, JSON.stringify({ tickets, lines }));
  log(`${tickets.toLocaleString('en')} tickets, ${lines.toLocaleString('en')} lines written to ${path.basename(csv)} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return { tickets, lines };
};

export type TillLinesBenchOptions = Pick<PurchaseBenchOptions, 'benchDir' | 'cli' | 'record'> & {
  /** Customers of the demo shop the tickets come from (about ten tickets and 26 lines each). */
  customers: number;
};

/**
 * A till's detailed export, one row a ticket line (the demo shop's articles,
 * weighed goods included), imported into the same customers with no sales.
 * The demo is generated by the built CLI for this bench alone, so that it
 * has its ticket lines whatever the age of the main bench's demo.
 */
export const benchTillLines = async (o: TillLinesBenchOptions): Promise<void> => {
  const demo = path.join(o.benchDir, `demo-lines-${o.customers}.sqlite`);
  if (!fs.existsSync(demo)) {
    const partial = `${demo}.partial`;
    for (const ext of ['', '-wal', '-shm']) fs.rmSync(partial + ext, { force: true });
    const made = await timedNode([o.cli, 'demo', '--db', partial, '--customers', String(o.customers)]);
    if (made.code !== 0) throw new Error(`demo generation failed: ${made.err}`);
    fs.renameSync(partial, demo);
    log(`demo shop of ${o.customers.toLocaleString('en')} customers made in ${made.seconds.toFixed(0)} s`);
  }
  const base = path.join(o.benchDir, `purchases-lines-base-${o.customers}.sqlite`);
  prepareBase(demo, base);
  const csv = path.join(o.benchDir, `till-lines-${o.customers}.csv`);
  const { tickets, lines } = await writeLinesCsv(demo, csv);
  const target = path.join(o.benchDir, 'purchases-lines-target.sqlite');
  try {
    const run = await importIntoCopy(o.cli, base, target, csv, tickets);
    const stored = new BetterSqlite3(target, { readonly: true });
    const storedLines = stored.prepare('SELECT count(*) FROM purchase_lines').pluck().get() as number;
    stored.close();
    if (storedLines !== lines) throw new Error(`till import stored ${storedLines} lines of ${lines}`);
    // the raw figure is for bare rows of a table: here a ticket and its lines
    const rawSeconds = (tickets + lines) / 530_000;
    o.record(
      `import a till's detailed export: ${tickets.toLocaleString('en')} tickets, ${lines.toLocaleString('en')} lines (exit ${run.code})`,
      `${run.seconds.toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU, peak RSS ${run.peakMb.toFixed(0)} MB`,
      `530k rows/s raw inserts (${rawSeconds.toFixed(1)} s for as many tickets and lines)`,
      `${(run.seconds / rawSeconds).toFixed(1)}× raw`,
      'report',
    );
  } finally {
    for (const ext of ['', '-wal', '-shm', '-journal']) fs.rmSync(target + ext, { force: true });
  }
};

// run alone: npx tsx test/bench/purchases-import.ts (BENCH_TILL_LINES=100000: the detailed till export alone)
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  const root = process.cwd();
  const benchDir = path.join(root, '.bench');
  const cli = path.join(root, 'out', 'main', 'cli.js');
  const record: Recorder = (name, value, raw = '', ratio = '') => console.log(`  ${name}: ${value}${raw ? ` [${raw}]` : ''}${ratio ? ` (${ratio})` : ''}`);
  const rowsEnv = process.env.BENCH_PURCHASE_ROWS;
  const tillEnv = process.env.BENCH_TILL_LINES;
  (tillEnv !== undefined
    ? benchTillLines({ benchDir, cli, record, customers: Number(tillEnv) })
    : benchPurchaseImport({
        root,
        benchDir,
        demoDb: path.join(benchDir, 'demo-1000000x10.sqlite'),
        cli,
        record,
        rows: rowsEnv === undefined ? undefined : Number(rowsEnv),
      })
  ).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
