import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type App } from './fixtures';

const digits = (text: string): number => Number(text.replace(/\D/g, ''));

/**
 * The Analyse page in Chromium against the built app on a demo shop: the
 * RFM grid and segments, a cell opening its customers in the list, the
 * Pareto tiers with their curve, and the badge on a contact page.
 */
describe('RFM and Pareto in the browser', () => {
  let app: App;

  beforeAll(async () => {
    app = await launchApp('rfm');
    await app.page.getByTestId('first-run').waitFor();
    await app.page.getByTestId('setup-demo').click();
    await app.page.getByTestId('contact-list').waitFor({ timeout: 90_000 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the RFM grid and segments once the thresholds are computed', async () => {
    const { page } = app;
    await page.getByTestId('nav-analysis').click();
    await page.getByTestId('rfm-panel').waitFor();
    await page.getByTestId('rfm-recompute').click();
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="rfm-computed-at"]')?.textContent ?? ''));
    await page.getByTestId('rfm-grid').waitFor();
    const champions = digits(await page.getByTestId('rfm-segment-champions').locator('td').nth(1).innerText());
    expect(champions).toBeGreaterThan(0);
    await app.shot('rfm-01-grid');
  });

  it('opens the customers of a grid cell in the contact list', async () => {
    const { page } = app;
    const cell = page.getByTestId('rfm-cell-5-5');
    const inCell = digits((await cell.innerText()).split('\n')[0] ?? '');
    expect(inCell).toBeGreaterThan(0);
    await cell.click();
    await page.getByTestId('contact-list').waitFor();
    await page.waitForFunction(() => window.location.hash === '#/contacts');
    await app.shot('rfm-02-cell-customers');
  });

  it('shows the Pareto tiers, the share sentence and the curve', async () => {
    const { page } = app;
    await page.evaluate(() => {
      window.location.hash = '#/analysis/pareto';
    });
    await page.getByTestId('pareto-panel').waitFor();
    await page.getByTestId('pareto-top-share').waitFor();
    expect(await page.getByTestId('pareto-top-share').innerText()).toMatch(/\d+\s?%/);
    await page.getByTestId('pareto-curve').locator('canvas').waitFor();
    await app.shot('rfm-03-pareto');
  });

  it('shows the badge on a contact page', async () => {
    const { page } = app;
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-list').waitFor();
    await page.getByTestId('contact-row-name').first().click();
    await page.getByTestId('rfm-badge').waitFor();
    await app.shot('rfm-04-badge');
  });

  it('builds a segment on the Pareto tier and RFM scores, with its live count', async () => {
    const { page } = app;
    await page.evaluate(() => {
      window.location.hash = '#/segments/new';
    });
    await page.getByTestId('segment-builder').waitFor();
    await page.getByTestId('segment-add-g').click();
    await page.getByTestId('segment-add-g-paretoTier').click();
    await page.getByTestId('segment-tier-gold').click();
    await page.getByTestId('segment-add-g').click();
    await page.getByTestId('segment-add-g-rfmScore').click();
    await page.locator('[data-testid="segment-count"][data-state="ready"]').waitFor();
    const gold = Number(await page.getByTestId('segment-count').getAttribute('data-count'));
    expect(gold).toBeGreaterThan(0);
    await app.shot('rfm-05-segment-builder');
  });
});
