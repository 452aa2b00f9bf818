/**
 * Migrations 19 onward on a base whose counter sold for years: every sale
 * line's quantity rewritten in thousandths, then the unit columns added,
 * and the catalogue's index of lines rebuilt with their quantity (22).
 * Measures, does not assert.
 *
 *   from `npm run bench` (BENCH_MIGRATION=0 leaves it out), or alone:
 *   npx tsx test/bench/migration-lines.ts [LINES]     (default 2,000,000 lines, two a sale, one of a catalogue product)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { latestVersion, migrations } from '../../src-main/store/migrations';
import { applyPragmas, migrate } from '../../src-main/store/open';
import { printRecorder, type Recorder } from './common';

export const benchLineMigration = (record: Recorder, lines = 2_000_000): void => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comptoir-migration-'));
  try {
    const db = new BetterSqlite3(path.join(dir, 'base.sqlite'));
    applyPragmas(db);
    migrate(db, migrations, 18);
    db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${Math.ceil(lines / 2)})
      INSERT INTO purchases (id, kind, purchased_at, amount_cents, currency, channel, created_at)
        SELECT i, 'sale', '2024-01-01T10:00:00.000Z', 1000, 'EUR', 'shop', 'x' FROM n;
      INSERT INTO products (id, name, sort_name, price_cents, created_at, updated_at) VALUES (1, 'Article', 'article', 500, 'x', 'x');
      INSERT INTO purchase_lines (purchase_id, product_id, label, quantity, unit_price_cents, total_cents)
        SELECT id, 1, 'Article', 1 + id % 3, 500, 500 * (1 + id % 3) FROM purchases;
      INSERT INTO purchase_lines (purchase_id, label, quantity, unit_price_cents, total_cents)
        SELECT id, 'Autre', 1, 250, 250 FROM purchases;
    `);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const started = performance.now();
    migrate(db, migrations);
    const seconds = (performance.now() - started) / 1000;
    db.close();
    record(
      `upgrade a base of ${lines.toLocaleString('en')} sale lines to quantities in thousandths, sale units and the product index with quantities (migrations 19-${latestVersion})`,
      `${seconds.toFixed(2)} s (${Math.round(lines / seconds).toLocaleString('en')} lines/s)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

if (process.argv[1]?.endsWith('migration-lines.ts')) benchLineMigration(printRecorder, Number(process.argv[2] ?? 2_000_000));
