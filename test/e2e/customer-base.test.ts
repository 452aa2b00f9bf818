import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, root, type App } from './fixtures';

/**
 * A shop's day with the customer base: narrow the list and tag a few
 * customers, open one, note what they said, ring up a sale for them at the
 * counter, plan a call back and tick it off the follow-up list.
 */
describe('the customer base in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('base', (dbPath) => {
      execFileSync(process.execPath, [path.join(root, 'out', 'main', 'cli.js'), 'demo', '--customers', '300', '--db', dbPath]);
    });
    await app.page.getByTestId('nav-contacts').click();
    await app.page.getByTestId('contact-list').waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  const rows = () => app.page.getByTestId('contact-row');

  /** From the open contact's page to the counter, `article` typed and its line there. */
  const ringUp = async (article: string): Promise<void> => {
    const { page } = app;
    await page.getByTestId('contact-sale').click();
    await page.getByTestId('sale-page').waitFor();
    await page.getByTestId('sale-customer-info').waitFor();
    await page.getByTestId('sale-product').fill(article);
    await page.keyboard.press('Enter');
    await page.getByTestId('sale-line').waitFor();
  };

  /** Ctrl+Enter records the sale; back to the contact's page. */
  const recordAndGoBack = async (): Promise<void> => {
    const { page } = app;
    await page.keyboard.press('Control+Enter');
    await page.getByTestId('sale-last').waitFor();
    await page.goBack();
    await page.getByTestId('contact-page').waitFor();
  };

  it('filters customers, selects two and tags them VIP', async () => {
    const { page } = app;
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length > 5);
    const everyone = await page.getByTestId('contact-total').innerText();
    await page.getByTestId('filters-toggle').click();
    await page.getByTestId('filter-status-customer').click();
    await page.getByTestId('filter-chip').first().waitFor();
    // the filtered page has arrived (a selection made before it would be dropped with the old rows)
    await page.waitForFunction(
      (before) =>
        document.querySelector('[data-testid="contact-total"]')?.textContent !== before &&
        !document.querySelector('[data-testid="contact-grid"][aria-busy="true"]'),
      everyone,
    );
    await rows().nth(0).getByTestId('contact-row-select').click();
    await rows().nth(1).getByTestId('contact-row-select').click();
    expect(await page.getByTestId('bulk-count').innerText()).toContain('2');
    await page.getByTestId('bulk-tag').click();
    await page.getByTestId('bulk-tag-input').fill('VIP');
    await page.getByTestId('bulk-tag-confirm').click();
    await page.getByText(/« VIP » ajoutée à 2 contacts/).waitFor();
    await app.shot('base-01-list-tagged');
  });

  it('opens a customer, notes what they said and rings up a sale for them', async () => {
    const { page } = app;
    await page.getByTestId('bulk-clear').click();
    await rows().first().getByTestId('contact-row-name').click();
    await page.getByTestId('contact-page').waitFor();
    await page.getByTestId('timeline-list').waitFor();

    await page.getByTestId('composer-note').click();
    await page.getByTestId('note-body').fill('Cherche une veste en lin pour le printemps');
    await page.getByTestId('note-save').click();
    await page.locator('[data-testid="timeline-item"][data-kind="note"]', { hasText: 'veste en lin' }).waitFor();

    await ringUp('Retouche ourlet');
    await page.getByTestId('sale-price').fill('12,50');
    expect(await page.getByTestId('sale-total').innerText()).toMatch(/12,50\s€/);
    await app.shot('base-02-counter-sale');
    await recordAndGoBack();
    // the newest entry: a count of purchases shown says nothing once the page is full (the note and the sale push older entries off it)
    await page.getByTestId('timeline-purchase').first().filter({ hasText: 'Retouche ourlet' }).waitFor();
    expect(await page.getByTestId('timeline-purchase-amount').first().innerText()).toMatch(/12,50\s€/);
    await app.shot('base-03-contact-timeline');
  });

  it('sells cheese by the kilo: put in the catalogue at its price per kilo, weighed at the counter, kept in the history', async () => {
    const { page } = app;
    const customer = page.url();
    await page.getByTestId('nav-products').click();
    await page.getByTestId('products-page').waitFor();
    await page.getByTestId('product-new').click();
    await page.getByTestId('product-name').fill('Morbier au lait cru');
    await page.getByTestId('product-unit').getByText('Au kilo').click();
    await page.getByLabel('Prix au kilo').fill('24,80');
    await app.shot('base-03a-product-form-by-the-kilo');
    await page.getByTestId('product-save').click();
    const row = page.getByTestId('product-row').filter({ hasText: 'Morbier au lait cru' });
    expect(await row.getByTestId('product-row-price').innerText()).toMatch(/^24,80\s€\s\/\skg$/);
    await app.shot('base-03b-product-by-the-kilo');

    await page.goto(customer);
    await page.getByTestId('contact-page').waitFor();
    await ringUp('Morbier');
    // the line waits for the weight, its unit beside it
    expect(await page.getByTestId('sale-line').innerText()).toContain('kg');
    await page.getByTestId('sale-qty').fill('0,352');
    // 0,352 kg × 24,80 €/kg = 8,7296 €
    expect(await page.getByTestId('sale-line-total').innerText()).toMatch(/8,73\s€/);
    expect(await page.getByTestId('sale-total').innerText()).toMatch(/8,73\s€/);
    await app.shot('base-03c-sale-by-weight');
    await recordAndGoBack();
    const newest = page.getByTestId('timeline-purchase').first();
    await newest.filter({ hasText: /0,352\skg × Morbier au lait cru/ }).waitFor();
    expect(await newest.getByTestId('timeline-purchase-amount').innerText()).toMatch(/8,73\s€/);
    await app.shot('base-03d-timeline-by-weight');
    // the purchase itself: the weight and the price per kilo on its line
    await newest.click();
    const view = page.getByTestId('purchase-view');
    expect(await view.getByTestId('purchase-line').innerText()).toMatch(/0,352\skg[\s\S]*24,80\s€\s\/\skg[\s\S]*8,73\s€/);
    await app.shot('base-03e-purchase-by-weight');
    await page.keyboard.press('Escape');
    await view.waitFor({ state: 'detached' });
  });

  it('plans a call back and ticks it off the follow-up list', async () => {
    const { page } = app;
    await page.getByTestId('composer-task').click();
    await page.getByTestId('task-title').fill('Rappeler pour la veste');
    await page.getByTestId('task-save').click();
    await page.locator('[data-testid="timeline-item"][data-kind="task"]', { hasText: 'Rappeler pour la veste' }).waitFor();
    await page.getByTestId('nav-tasks').click();
    await page.getByTestId('tasks-page').waitFor();
    const task = page.getByTestId('task-row').filter({ hasText: 'Rappeler pour la veste' });
    await task.waitFor();
    await app.shot('base-04-follow-ups');
    await task.getByTestId('task-done').click();
    await task.waitFor({ state: 'detached' });
    expect(app.errors).toEqual([]);
  });
});
