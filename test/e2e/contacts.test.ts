import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, switchToEnglish, type App } from './fixtures';

/** The counter flow from a user's seat: first run, capture, search, edit, delete, English. */
describe('contacts in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('contacts');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('starts with the first-run choice and an empty base', async () => {
    const { page } = app;
    await page.getByTestId('first-run').waitFor();
    expect(await page.getByText('Bienvenue dans Comptoir').isVisible()).toBe(true);
    await app.shot('01-first-run');
    await page.getByTestId('setup-empty').click();
    await page.getByTestId('contact-list').waitFor();
    // the empty state shows once the first (empty) page has loaded
    await page.getByTestId('contact-list-empty').waitFor();
  });

  it('captures a contact from the keyboard and shows it normalised', async () => {
    const { page } = app;
    await page.keyboard.press('Alt+n');
    await page.getByTestId('contact-form').waitFor();
    await page.getByTestId('field-firstName').fill('François');
    await page.getByTestId('field-lastName').fill('Lefèvre');
    await page.getByTestId('field-email').fill('nope@');
    await page.getByTestId('field-phone').fill('06 12 34 56 78');
    await page.getByTestId('field-postcode').fill('01000');
    await page.getByTestId('field-city').fill('Bourg-en-Bresse');
    await page.getByTestId('field-lastName').press('Enter');
    // an invalid email is refused in French, next to the field, and nothing is saved
    await page.getByText('Adresse e-mail invalide.').waitFor();
    await app.shot('02-form-error');
    await page.getByTestId('field-email').fill('francois.lefevre@orange.fr');
    await page.getByTestId('field-email').press('Enter');
    await page.getByTestId('contact-page').waitFor();
    expect(await page.getByTestId('contact-name').innerText()).toContain('François Lefèvre');
    expect(await page.getByTestId('contact-phone').innerText()).toContain('06 12 34 56 78');
    expect(await page.getByTestId('contact-address').innerText()).toContain('01000');
    await app.shot('03-contact-page');
  });

  it('renders HTML typed as a name as plain text', async () => {
    const { page } = app;
    await page.getByTestId('new-contact-button').click();
    await page.getByTestId('field-firstName').fill('<img src=x onerror="window.__pwned=1">');
    await page.getByTestId('field-lastName').fill('<b>Gras</b>');
    await page.getByTestId('field-lastName').press('Enter');
    await page.getByTestId('contact-page').waitFor();
    expect(await page.getByTestId('contact-name').innerText()).toContain('<b>Gras</b>');
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('finds "François" by typing "francois"', async () => {
    const { page } = app;
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-search').fill('francois');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 1);
    expect(await page.getByTestId('contact-row').first().innerText()).toContain('Lefèvre');
    await app.shot('04-search');
  });

  it('edits the contact', async () => {
    const { page } = app;
    await page.getByTestId('contact-row').first().click();
    await page.getByTestId('contact-edit').click();
    await page.getByTestId('field-city').fill('Lyon');
    await page.getByTestId('field-postcode').fill('69001');
    await page.getByTestId('contact-save').click();
    await page.getByTestId('contact-page').waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="contact-address"]')?.textContent?.includes('Lyon'));
    expect(await page.getByTestId('contact-address').innerText()).toContain('69001');
  });

  it('deletes the contact after a confirmation', async () => {
    const { page } = app;
    await page.getByTestId('contact-delete').click();
    await page.getByTestId('delete-confirm').waitFor();
    await app.shot('05-delete-confirm');
    await page.getByTestId('delete-confirm').click();
    await page.getByTestId('contact-list').waitFor();
    await page.getByTestId('contact-search').fill('francois');
    await page.getByTestId('contact-list-empty').waitFor();
  });

  it('switches to English from the settings', async () => {
    const { page } = app;
    await switchToEnglish(page);
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-search').waitFor();
    expect(await page.getByTestId('nav-home').innerText()).toContain('Home');
    await app.shot('06-english');
    expect(app.errors).toEqual([]);
  });
});
