import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type App } from './fixtures';

describe('demo shop in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('demo');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('loads a demo shop with a progress bar, then lists and sorts it', async () => {
    const { page } = app;
    await page.getByTestId('first-run').waitFor();
    await page.getByTestId('demo-size').getByText('10 000', { exact: true }).click();
    await page.getByTestId('setup-demo').click();
    await page.getByTestId('contact-list').waitFor({ timeout: 90_000 });
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length > 5);
    expect(await page.getByTestId('contact-total').innerText()).toMatch(/10\s000/);
    // virtualised: a 10,000-row base keeps a few dozen rows in the page
    expect(await page.getByTestId('contact-row').count()).toBeLessThan(60);
    // biggest spenders first: the Pareto skew shows at the top
    const header = page.locator('[role="columnheader"]', { has: page.getByTestId('sort-totalCents') });
    await page.getByTestId('sort-totalCents').click();
    if ((await header.getAttribute('aria-sort')) !== 'descending') await page.getByTestId('sort-totalCents').click();
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    await page.waitForFunction(() => !document.querySelector('[data-testid="contact-grid"][aria-busy="true"]'));
    await app.shot('10-demo-list');
    await page.getByTestId('contact-row').first().click();
    await page.getByTestId('contact-page').waitFor();
    await app.shot('11-demo-contact');
    // what they bought, line by line: articles of the shop's catalogue, weighed ones by the kilo
    await page.getByTestId('timeline-purchase').first().click();
    await page.getByTestId('purchase-view').getByTestId('purchase-line').first().waitFor();
    expect(await page.getByTestId('purchase-view').getByTestId('purchase-line').count()).toBeGreaterThan(0);
    await app.shot('12-demo-purchase');
    await page.keyboard.press('Escape');

    // the catalogue the counter sells from: a wine merchant and fine grocery, cheese by the kilo
    await page.getByTestId('nav-products').click();
    await page.getByTestId('products-page').waitFor();
    const comte = page.getByTestId('product-row').filter({ hasText: 'Comté 24 mois' });
    expect(await comte.getByTestId('product-row-price').innerText()).toMatch(/^32,50\s€\s\/\skg$/);
    expect(await page.getByTestId('product-row').count()).toBeGreaterThan(30);
    await app.shot('13-demo-catalogue');
    expect(app.errors).toEqual([]);
  });
});
