import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, StoreUpgrade } from '../../src-main/contract';
import { createWorkerClient } from '../../src-main/host/worker-client';
import { latestVersion, migrations } from '../../src-main/store/migrations';
import { migrate } from '../../src-main/store/open';
import { launchApp, root, type App } from './fixtures';

/** Sale lines in the old base: enough for its upgrade (a copy, then migration 22's index over them) to last seconds. */
const LINES = 5_000_000;

/**
 * A base written by the version before migration 22, big enough that its
 * upgrade takes a while: the window says what runs instead of spinning,
 * then opens on the upgraded base.
 */
const OLDER = 21;
/** Its steps: migration 22 (the index over the sale lines) and those after it. */
const STEPS = latestVersion - OLDER;

/** The base as the version before migration 22 left it, with `lines` sale lines of one customer. */
const olderBase = (dbPath: string, lines = LINES): void => {
  const db = new BetterSqlite3(dbPath);
  migrate(db, migrations, OLDER);
  db.exec(`
        INSERT INTO settings (key, value) VALUES ('onboarded', 'true');
        INSERT INTO contacts (id, first_name, last_name, source, sort_name, status, created_at, updated_at)
          VALUES (1, 'Zoé', 'Lefèvre', 'shop_form', 'lefevre zoe', 'customer', '2025-03-01T10:00:00.000Z', '2025-03-01T10:00:00.000Z');
        INSERT INTO products (id, name, sort_name, price_cents, created_at, updated_at) VALUES (1, 'Café', 'cafe', 250, 'x', 'x');
        INSERT INTO purchases (id, contact_id, purchased_at, amount_cents, created_at) VALUES (1, 1, '2025-03-01T10:00:00.000Z', ${250 * lines}, 'x');
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${lines})
          INSERT INTO purchase_lines (purchase_id, product_id, label, quantity_milli, unit_price_cents, total_cents)
          SELECT 1, 1, 'Café', 1000, 250, 250 FROM n;
      `);
  db.close();
};

describe('upgrade of an older base in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('upgrade', (dbPath) => olderBase(dbPath));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('shows the upgrade as it runs, then the app on the upgraded base', async () => {
    const { page } = app;
    const screen = page.getByTestId('store-upgrade');
    await screen.waitFor({ timeout: 30_000 });
    expect(await page.getByText('Mise à jour de la base de données').isVisible()).toBe(true);
    expect(await page.getByText(`version ${OLDER} vers ${latestVersion}`, { exact: false }).isVisible()).toBe(true);
    expect(await page.getByTestId('store-upgrade-step').innerText()).toMatch(new RegExp(`^(Copie de sécurité de la base avant la mise à jour…|Étape [1-${STEPS}] sur ${STEPS})$`));
    expect(await page.getByTestId('store-upgrade-elapsed').innerText()).toMatch(/^Depuis \d+ s$/);
    await app.shot('30-upgrade');
    await page.getByTestId('home').waitFor({ timeout: 120_000 });
    expect(await screen.count()).toBe(0);
    expect(await page.getByTestId('home-contact-count').innerText()).toContain('1');
    // the upgraded base itself: at the latest version, with the index the step built
    const db = new BetterSqlite3(app.dbPath, { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(latestVersion);
      expect(db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'purchase_lines_by_product'").pluck().get()).toContain('quantity_milli');
      expect(db.prepare('SELECT count(*) FROM purchase_lines').pluck().get()).toBe(LINES);
    } finally {
      db.close();
    }
    expect(app.errors).toEqual([]);
  }, 180_000);
});

describe('upgrade of an older base, told by the store worker', () => {
  it('tells its phases, again every second for a window that comes late, then its end', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comptoir-e2e-upgrade-worker-'));
    const dbPath = path.join(dir, 'comptoir.sqlite');
    olderBase(dbPath);
    const client = createWorkerClient({ dbPath, dataDir: dir, version: 'test', autoBackup: false, workerFile: path.join(root, 'out', 'main', 'worker.js') });
    try {
      const early: [EventName, unknown][] = [];
      client.onEvent((event, payload) => early.push([event, payload]));
      // a window that opens once the upgrade is under way, as the browser's page does
      while (!early.some(([e]) => e === 'store.upgrade')) await new Promise((r) => setTimeout(r, 20));
      const late: [EventName, unknown][] = [];
      client.onEvent((event, payload) => late.push([event, payload]));
      const status = await client.invoke('app.status', {});
      expect(status).toMatchObject({ ok: true, value: { state: 'ready', schemaVersion: latestVersion } });
      const phases = (events: [EventName, unknown][]) => events.filter(([e]) => e === 'store.upgrade').map(([, p]) => p as StoreUpgrade);
      // the first listener heard every phase in order; the late one at least the phase running when it came
      expect(phases(early)[0]).toMatchObject({ phase: 'backup', fromVersion: OLDER, toVersion: latestVersion, step: 0, steps: STEPS });
      expect(phases(early).at(-1)).toMatchObject({ phase: 'migration', step: STEPS, steps: STEPS });
      // two phases, told more often: repeated each second while the worker is busy (this upgrade takes seconds)
      expect(phases(early).length).toBeGreaterThan(2);
      expect(phases(late).length).toBeGreaterThan(0);
      expect(new Set(phases(early).map((p) => p.startedAt)).size).toBe(1);
      // after the end, the phases are told no more (the integrity check and the figures of the upgraded base follow as usual)
      const told = phases(late).length;
      await new Promise((r) => setTimeout(r, 1500));
      expect(phases(late)).toHaveLength(told);
      expect(late.findIndex(([e]) => e === 'store.status')).toBeGreaterThan(late.findLastIndex(([e]) => e === 'store.upgrade'));
    } finally {
      await client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
