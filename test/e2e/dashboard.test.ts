import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchApp, type App } from './fixtures';

const digits = (text: string): number => Number(text.replace(/\D/g, ''));

/** The list's total once it has settled on `n`. */
const listTotal = async (page: Page, n: number): Promise<void> => {
  await page.getByTestId('contact-list').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid="contact-grid"][aria-busy="true"]'));
  await page.waitForFunction((want) => Number(document.querySelector('[data-testid="contact-total"]')?.textContent?.replace(/\D/g, '')) === want, n);
};

/**
 * Issue 6 in Chromium against the built app on a demo shop: the dashboard
 * on the home screen, a tier clicked through to its customers; an RFM cell
 * clicked through to its customers, saved as a segment and exported — the
 * cell's count, the list's total and the file's lines agree.
 */
describe('the dashboard and the RFM grid in the browser', () => {
  let app: App;
  let champions = 0;

  beforeAll(async () => {
    app = await launchApp('dashboard');
    await app.page.getByTestId('first-run').waitFor();
    await app.page.getByTestId('setup-demo').click();
    await app.page.getByTestId('contact-list').waitFor({ timeout: 90_000 });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('shows the dashboard of the demo shop on the home screen, for the period chosen', async () => {
    const { page } = app;
    await page.getByTestId('nav-home').click();
    await page.getByTestId('dashboard').waitFor();
    await page.getByTestId('kpi-revenue-value').waitFor();
    expect(await page.getByTestId('kpi-revenue-value').innerText()).toMatch(/\d.*€/);
    expect(await page.getByTestId('kpi-top-share-value').innerText()).toMatch(/\d+(,\d)?\s?%/);
    await page.getByTestId('dashboard-revenue').locator('canvas').waitFor();
    await page.waitForTimeout(600);
    await app.shot('dashboard-01-home');

    const span = await page.getByTestId('dashboard-span').innerText();
    await page.getByTestId('dashboard-period').getByText('Trimestre').click();
    await page.waitForFunction((before) => document.querySelector('[data-testid="dashboard-span"]')?.textContent !== before, span);
    await page.waitForTimeout(600);
    await app.shot('dashboard-02-quarter');
    expect(app.errors).toEqual([]);
  });

  it('opens the customers of a tier from the dashboard', async () => {
    const { page } = app;
    const row = page.getByTestId('dashboard-tiers').locator('tr', { has: page.getByTestId('dashboard-tier-gold') });
    const gold = digits(await row.locator('td').nth(1).innerText());
    expect(gold).toBeGreaterThan(0);
    await page.getByTestId('dashboard-tier-gold').click();
    await listTotal(page, gold);
    expect(await page.locator('[data-testid="filter-chip"][data-filter="segment"]').innerText()).toContain('Or');
    await app.shot('dashboard-03-gold-customers');
  });

  it('clicks an RFM cell through to its customers and saves them as a segment', async () => {
    const { page } = app;
    await page.getByTestId('nav-analysis').click();
    await page.getByTestId('rfm-grid').waitFor();
    const cell = page.getByTestId('rfm-cell-5-5');
    champions = digits((await cell.innerText()).split('\n')[0] ?? '');
    expect(champions).toBeGreaterThan(0);
    await app.shot('dashboard-04-rfm-grid');
    await cell.click();
    await listTotal(page, champions);

    await page.getByTestId('segment-save-as').click();
    await page.getByTestId('segment-save-as-input').fill('Champions du printemps');
    await page.getByTestId('segment-save-as-save').click();
    // the chip now names the saved segment, and the unsaved draft's button is gone
    await page.getByTestId('segment-save-as').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="filter-chip"][data-filter="segment"]').innerText()).toContain('Champions du printemps');
    await listTotal(page, champions);
    await app.shot('dashboard-05-saved');
  });

  it('exports the saved segment: one line per customer of the cell', async () => {
    const { page } = app;
    await page.getByTestId('export-open').click();
    expect(await page.getByTestId('export-scope-filter').isChecked()).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
    await page.getByTestId('export-result').waitFor();
    expect(digits(await page.getByTestId('export-result').innerText())).toBe(champions);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv.trim().split(/\r\n/).length).toBe(champions + 1);
    await app.shot('dashboard-06-export');
    await page.getByTestId('export-close').click();

    // and it is listed with the saved segments, with the same count
    await page.getByTestId('nav-segments').click();
    const saved = page.getByTestId('segment-list-row').filter({ hasText: 'Champions du printemps' });
    await saved.getByTestId('segment-list-count').waitFor();
    expect(Number(await saved.getByTestId('segment-list-count').getAttribute('data-count'))).toBe(champions);
    expect(app.errors).toEqual([]);
  });

  it('shows the analysis period and risk settings', async () => {
    const { page } = app;
    await page.getByTestId('nav-settings').click();
    const section = page.getByTestId('analysis-settings');
    await section.getByTestId('analysis-window-now').waitFor();
    expect(await section.getByTestId('analysis-window-now').innerText()).toMatch(/\d{4}/);
    expect(await section.getByTestId('analysis-window-months').inputValue()).toBe('12');
    await section.scrollIntoViewIfNeeded();
    await app.shot('dashboard-07-analysis-settings');

    // saved in a job that recomputes every figure: its end is told and the period shown follows
    const span = await section.getByTestId('analysis-window-now').innerText();
    await section.getByTestId('analysis-window-months').fill('6');
    await section.getByTestId('analysis-settings-save').click();
    await page.getByText('Période d’analyse enregistrée, chiffres recalculés.').waitFor();
    await section.getByTestId('analysis-settings-save').waitFor();
    await page.waitForFunction((before) => document.querySelector('[data-testid="analysis-window-now"]')?.textContent !== before, span);
    expect(await section.getByTestId('analysis-window-months').inputValue()).toBe('6');
    expect(await page.getByTestId('job-indicator').count()).toBe(0);
    await app.shot('dashboard-08-analysis-saved');
    expect(app.errors).toEqual([]);
  });
});
