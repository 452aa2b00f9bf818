import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type App } from './fixtures';

/**
 * Consent at the counter from a user's seat: record it on the contact page,
 * find the person in the list of those who may be e-mailed offers, withdraw
 * it in one click and see them drop out of that list.
 */
describe('consent in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('consent');
    await app.page.getByTestId('first-run').waitFor();
    await app.page.getByTestId('setup-empty').click();
    await app.page.getByTestId('contact-list').waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  const cell = (channel: string, purpose: string) => app.page.getByTestId(`consent-cell-${channel}-${purpose}`);

  it('records consent at the counter, boxes unticked until the person agrees', async () => {
    const { page } = app;
    for (const [first, last, email] of [
      ['Hélène', 'Dupré', 'helene.dupre@orange.fr'],
      ['Marc', 'Zidane', 'marc.zidane@free.fr'],
    ] as const) {
      await page.getByTestId('new-contact-button').click();
      await page.getByTestId('contact-form').waitFor();
      await page.getByTestId('field-firstName').fill(first);
      await page.getByTestId('field-lastName').fill(last);
      await page.getByTestId('field-email').fill(email);
      await page.getByTestId('field-email').press('Enter');
      await page.getByTestId('contact-page').waitFor();
      await page.getByTestId('consent-grid').waitFor();
      if (first === 'Marc') break;
      await page.getByTestId('nav-contacts').click();
      await page.getByTestId('contact-list').waitFor();
    }
    // Marc's page is open: a consumer with no consent may not be e-mailed offers
    expect(await cell('email', 'offers').getAttribute('data-allowed')).toBe('false');
    expect(await cell('email', 'offers').innerText()).toContain('Pas d’accord préalable');

    await page.getByTestId('consent-record-open').click();
    await page.getByTestId('consent-record-text-offers').waitFor();
    const boxes = page.locator('input[data-testid^="consent-box-"]');
    expect(await boxes.count()).toBe(16);
    for (const box of await boxes.all()) expect(await box.isChecked()).toBe(false);
    await app.shot('consent-01-record-form');

    await page.getByTestId('consent-box-offers-email').check();
    await page.getByTestId('consent-method').selectOption('counter');
    await page.getByTestId('consent-operator').fill('Julie');
    await page.getByTestId('consent-record-save').click();
    await page.locator('[data-testid="consent-cell-email-offers"][data-allowed="true"]').waitFor();
    expect(await cell('email', 'offers').innerText()).toContain('A donné son accord');
    await page.getByTestId('consent-history-row').first().waitFor();
    expect(await page.getByTestId('consent-history-row').first().innerText()).toContain('Julie');
    await page.locator('[data-testid="timeline-item"][data-kind="consent"]').first().waitFor();
    await page.getByTestId('consent-panel').scrollIntoViewIfNeeded();
    await app.shot('consent-02-granted');
  });

  it('lists the person among those who may be e-mailed offers', async () => {
    const { page } = app;
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-list').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 2);
    await page.getByTestId('filters-toggle').click();
    await page.getByTestId('filter-contactable').selectOption('email:offers');
    await page.locator('[data-testid="filter-chip"][data-filter="contactable"]').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 1);
    expect(await page.getByTestId('contact-row-name').innerText()).toContain('Marc Zidane');
    await app.shot('consent-03-contactable-list');
  });

  it('withdraws consent in one click and the person drops out of the list', async () => {
    const { page } = app;
    await page.getByTestId('contact-row-name').first().click();
    await page.getByTestId('contact-page').waitFor();
    await page.getByTestId('consent-withdraw-email-offers').click();
    await page.locator('[data-testid="consent-cell-email-offers"][data-state="withdrawn"]').waitFor();
    expect(await cell('email', 'offers').getAttribute('data-allowed')).toBe('false');
    expect(await cell('email', 'offers').innerText()).toContain('Consentement retiré');
    await page.locator('[data-testid="timeline-consent"][data-event="withdrawn"]').waitFor();
    await page.getByTestId('consent-panel').scrollIntoViewIfNeeded();
    await app.shot('consent-04-withdrawn');
    // both events are in the contact's feed, newest first
    expect(await page.getByTestId('timeline-consent').evaluateAll((els) => els.map((el) => el.getAttribute('data-event')))).toEqual([
      'withdrawn',
      'granted',
    ]);
    await page.getByTestId('timeline-list').scrollIntoViewIfNeeded();
    await app.shot('consent-05-timeline');

    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-list').waitFor();
    // the list kept its filter while the contact was open: Marc is no longer in it
    await page.locator('[data-testid="filter-chip"][data-filter="contactable"]').waitFor();
    await page.getByTestId('contact-list-empty').waitFor();
    expect(await page.getByTestId('contact-row').count()).toBe(0);
    await app.shot('consent-06-dropped-out');
  });

  it('exports for a campaign only those who may be e-mailed offers, and says who was left out', async () => {
    const { page } = app;
    // Hélène agrees to offers by e-mail; Marc withdrew his consent
    await page.getByTestId('filters-clear').first().click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 2);
    await page.getByTestId('contact-row-name').filter({ hasText: 'Hélène' }).click();
    await page.getByTestId('consent-record-open').click();
    await page.getByTestId('consent-box-offers-email').check();
    await page.getByTestId('consent-record-save').click();
    await page.locator('[data-testid="consent-cell-email-offers"][data-allowed="true"]').waitFor();

    await page.getByTestId('nav-contacts').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 2);
    await page.getByTestId('export-open').click();
    await page.getByTestId('export-marketing').check();
    expect(await page.getByTestId('export-marketing-target').inputValue()).toBe('email:offers');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-run').click()]);
    const file = await download.path();
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv).toContain('helene.dupre@orange.fr');
    expect(csv).not.toContain('marc.zidane@free.fr');
    await page.getByTestId('export-excluded').waitFor();
    expect(await page.getByTestId('export-result').innerText()).toContain('1 contact exporté');
    expect(await page.getByTestId('export-excluded').innerText()).toContain('Consentement retiré : 1');
    await app.shot('consent-07-marketing-export');
    await page.getByTestId('export-close').click();
  });

  it('shows the wordings in settings, versioned', async () => {
    const { page } = app;
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('consent-wordings').waitFor();
    await page.getByTestId('consent-wording-edit-newsletter').click();
    await page.getByTestId('consent-wording-input-newsletter').fill('Je souhaite recevoir la lettre de la boutique. Désinscription à tout moment.');
    await page.getByTestId('consent-wording-save-newsletter').click();
    await page.locator('[data-testid="consent-wording-newsletter"][data-version="2"]').waitFor();
    await page.getByTestId('consent-wording-older-newsletter').click();
    await page.getByTestId('consent-wording-old').waitFor();
    await page.getByTestId('consent-wordings').scrollIntoViewIfNeeded();
    await app.shot('consent-08-wordings');
    expect(app.errors).toEqual([]);
  });
});
