import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactInput, productInput, purchaseInput, settingsUpdateInput } from '../../src-main/contract';
import { recomputeAnalytics } from '../../src-main/domain/analytics/recompute';
import { createContact } from '../../src-main/domain/contacts/service';
import { createProduct } from '../../src-main/domain/purchases/products';
import { createPurchase } from '../../src-main/domain/purchases/service';
import { updateSettings } from '../../src-main/domain/settings/service';
import { createStore, transaction } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { launchApp, type App } from './fixtures';

const DAY = 86_400_000;

/**
 * A small shop written before the app starts, through the services: regular
 * customers, some who stopped coming, one-purchase customers and decliners,
 * with products in two tastes so the next best offers have something to say.
 */
const prepareShop = (dbPath: string): void => {
  const store = createStore(openDatabase(dbPath), dbPath);
  const now = Date.now();
  let seed = 7;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  transaction(store, () => {
    updateSettings(store, settingsUpdateInput.parse({ onboarded: true }));
    const names = ['Bordeaux rouge', 'Côtes du Rhône', 'Champagne brut', 'Comté 18 mois', 'Tomme de Savoie', 'Brie de Meaux', 'Baguette tradition'];
    const products = names.map((name, i) =>
      createProduct(store, productInput.parse({ name, category: i < 3 ? 'Vins' : i < 6 ? 'Fromages' : 'Boulangerie', priceCents: 800 + i * 350 })).id,
    );
    const tastes = [products.slice(0, 3), products.slice(3, 6)];
    const firstNames = ['Jeanne', 'Marc', 'Louise', 'Hugo', 'Emma', 'Lucas', 'Chloé', 'Nathan', 'Léa', 'Paul', 'Manon', 'Jules'];
    const lastNames = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'];
    for (let i = 0; i < 40; i++) {
      const id = createContact(
        store,
        contactInput.parse({ firstName: firstNames[i % firstNames.length], lastName: lastNames[i % lastNames.length], city: 'Lyon', postcode: '69002' }),
      ).id;
      const taste = tastes[i % 2] ?? [];
      const days: number[] = [];
      const kind = i % 4;
      if (kind === 0) for (let d = 400; d >= 5; d -= int(20, 40)) days.push(d);
      else if (kind === 1) for (let d = 500; d >= 120 + int(0, 80); d -= int(15, 30)) days.push(d);
      else if (kind === 2) days.push(int(30, 300));
      else {
        for (let k = 0; k < 6; k++) days.push(380 + int(0, 300));
        days.push(int(5, 40));
      }
      for (const d of days) {
        const lines = [{ productId: taste[int(0, 2)] ?? products[0], quantity: int(1, 2) }];
        if (rand() < 0.4) lines.push({ productId: taste[int(0, 2)] ?? products[0], quantity: 1 });
        if (rand() < 0.3) lines.push({ productId: products[6], quantity: 1 });
        createPurchase(store, purchaseInput.parse({ contactId: id, purchasedAt: new Date(now - d * DAY).toISOString(), lines }));
      }
    }
    recomputeAnalytics(store);
  });
  store.sqlite.close();
};

describe('attrition in the browser', () => {
  let app: App;

  beforeAll(async () => {
    app = await launchApp('attrition', prepareShop);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows churn per month, the customers at risk with their reasons and the win-back list', async () => {
    const { page } = app;
    await page.goto(`${app.url}#/analysis/attrition`);
    await page.getByTestId('attrition-panel').waitFor();
    await page.getByTestId('at-risk-row').first().waitFor();
    await page.getByTestId('churn-chart').locator('canvas').waitFor();
    const customers = Number(await page.getByTestId('at-risk-summary').getAttribute('data-customers'));
    expect(customers).toBeGreaterThan(3);
    expect(await page.getByTestId('at-risk-row').count()).toBe(Math.min(customers, 50));
    await app.shot('attrition-panel');
    await page.getByTestId('at-risk-sort').getByText('Par retard').click();
    await page.getByTestId('at-risk-row').first().waitFor();
    await page.mouse.wheel(0, 600);
    await app.shot('attrition-at-risk-overdue');

    // a month's column opens the customers who left that month and have not come back
    await page.getByTestId('churn-chart').scrollIntoViewIfNeeded();
    const canvas = await page.getByTestId('churn-chart').locator('canvas').boundingBox();
    if (canvas === null) throw new Error('no chart');
    await page.mouse.click(canvas.x + canvas.width * (9.5 / 12), canvas.y + canvas.height / 2);
    await page.getByTestId('contact-list').waitFor();
    await page.waitForTimeout(500);
    await app.shot('attrition-churn-month-list');
    await page.goto(`${app.url}#/analysis/attrition`);
    await page.getByTestId('at-risk-row').first().waitFor();

    // the whole list opens in the contact list, narrowed to the same customers
    await page.getByTestId('at-risk-show').click();
    await page.getByTestId('contact-list').waitFor();
    await page.waitForTimeout(500);
    await app.shot('attrition-at-risk-list');
  });

  it('shows a customer outlook, marks them lost and lists them to win back', async () => {
    const { page } = app;
    await page.goto(`${app.url}#/analysis/attrition`);
    const row = page.getByTestId('at-risk-row').first();
    await row.waitFor();
    const id = await row.getAttribute('data-contact-id');
    await row.click();
    await page.getByTestId('customer-outlook').waitFor();
    expect(await page.getByTestId('risk').textContent()).toMatch(/À risque/);
    await page.getByTestId('customer-outlook').scrollIntoViewIfNeeded();
    await app.shot('attrition-outlook');

    await page.getByTestId('mark-lost').click();
    await page.getByTestId('mark-lost-kind-conjunctural').click();
    await page.getByTestId('mark-lost-note').fill('A déménagé à Nantes');
    await app.shot('attrition-mark-lost');
    await page.getByTestId('mark-lost-confirm').click();
    await page.getByTestId('loss-mark').waitFor();
    expect(await page.getByTestId('loss-mark').textContent()).toMatch(/Conjoncturelle/);
    await page.getByTestId('customer-outlook').scrollIntoViewIfNeeded();
    await app.shot('attrition-outlook-lost');

    // a sale refunded from this page's timeline: the value figures follow without leaving the page
    const before = await page.getByTestId('clv-historical').innerText();
    await page.getByTestId('timeline-purchase').first().click();
    await page.getByTestId('purchase-refund').click();
    await page.getByTestId('refund-confirm').click();
    await page.getByTestId('purchase-refund-row').first().waitFor();
    await page.getByTestId('purchase-close').click();
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid="clv-historical"]')?.textContent !== text,
      before,
    );

    await page.goto(`${app.url}#/analysis/attrition`);
    await page.getByTestId('winback-row').first().waitFor();
    expect(await page.getByTestId('winback-counts').textContent()).toMatch(/^1 perdus/);
    expect(await page.locator(`[data-testid="at-risk-row"][data-contact-id="${id}"]`).count()).toBe(0);
    await page.getByTestId('winback').scrollIntoViewIfNeeded();
    await app.shot('attrition-winback');
  });

  it('shows what sells with a product', async () => {
    const { page } = app;
    await page.goto(`${app.url}#/products`);
    await page.getByTestId('product-row').first().waitFor();
    await page.getByTestId('product-affinity-open').first().click();
    await page.getByTestId('product-affinity').waitFor();
    expect(await page.getByTestId('affinity-customers').locator('li').count()).toBeGreaterThan(0);
    // let the modal finish fading in
    await page.waitForTimeout(500);
    await app.shot('attrition-product-affinity');
    expect(app.errors).toEqual([]);
  });
});
