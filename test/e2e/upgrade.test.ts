import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestVersion, migrations } from '../../src-main/store/migrations';
import { migrate } from '../../src-main/store/open';
import { launchApp, type App } from './fixtures';

/** Sale lines in the old base: enough for its upgrade (a copy, then migration 22's index over them) to last seconds. */
const LINES = 5_000_000;

/**
 * A base written by the version before migration 22, big enough that its
 * upgrade takes a while: the window says what runs instead of spinning,
 * then opens on the upgraded base.
 */
describe('upgrade of an older base in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('upgrade', (dbPath) => {
      const db = new BetterSqlite3(dbPath);
      migrate(db, migrations, latestVersion - 1);
      db.exec(`
        INSERT INTO settings (key, value) VALUES ('onboarded', 'true');
        INSERT INTO contacts (id, first_name, last_name, source, sort_name, status, created_at, updated_at)
          VALUES (1, 'Zoé', 'Lefèvre', 'shop_form', 'lefevre zoe', 'customer', '2025-03-01T10:00:00.000Z', '2025-03-01T10:00:00.000Z');
        INSERT INTO products (id, name, sort_name, price_cents, created_at, updated_at) VALUES (1, 'Café', 'cafe', 250, 'x', 'x');
        INSERT INTO purchases (id, contact_id, purchased_at, amount_cents, created_at) VALUES (1, 1, '2025-03-01T10:00:00.000Z', ${250 * LINES}, 'x');
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${LINES})
          INSERT INTO purchase_lines (purchase_id, product_id, label, quantity_milli, unit_price_cents, total_cents)
          SELECT 1, 1, 'Café', 1000, 250, 250 FROM n;
      `);
      db.close();
    });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('shows the upgrade as it runs, then the app on the upgraded base', async () => {
    const { page } = app;
    const screen = page.getByTestId('store-upgrade');
    await screen.waitFor({ timeout: 30_000 });
    expect(await page.getByText('Mise à jour de la base de données').isVisible()).toBe(true);
    expect(await page.getByText(`version ${latestVersion - 1} vers ${latestVersion}`, { exact: false }).isVisible()).toBe(true);
    expect(await page.getByTestId('store-upgrade-step').innerText()).toMatch(/^(Copie de sécurité de la base avant la mise à jour…|Étape 1 sur 1)$/);
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
