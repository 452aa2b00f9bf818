import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, shots, type App } from './fixtures';

/** Data-subject rights from a user's seat: a request in the register, an access export, an erasure, the audit log. */
describe('privacy rights in the browser', () => {
  let app: App;
  let contactId = 0;
  beforeAll(async () => {
    app = await launchApp('privacy');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('records a customer', async () => {
    const { page } = app;
    await page.getByTestId('first-run').waitFor();
    await page.getByTestId('setup-empty').click();
    await page.getByTestId('contact-list').waitFor();
    await page.keyboard.press('Alt+n');
    await page.getByTestId('contact-form').waitFor();
    await page.getByTestId('field-firstName').fill('Quentinella');
    await page.getByTestId('field-lastName').fill('Zorglubowski');
    await page.getByTestId('field-email').fill('quentinella@exemple-unique.fr');
    await page.getByTestId('field-email').press('Enter');
    await page.getByTestId('contact-page').waitFor();
    contactId = Number(await page.getByTestId('contact-page').getAttribute('data-contact-id'));
    expect(contactId).toBeGreaterThan(0);
    await page.getByTestId('privacy-actions').waitFor();
  });

  it('records an access request from the contact page and hands over the export', async () => {
    const { page } = app;
    await page.getByTestId('privacy-new-request').click();
    await page.getByTestId('request-form-kind').selectOption('access');
    await page.getByTestId('request-form-identity').fill('Carte d’identité vue au comptoir');
    await page.getByTestId('request-form-save').click();
    await page.getByTestId('privacy-contact-request').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-access-json').click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^comptoir-acces-${contactId}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as {
      contact: { last_name: string };
      tables: Record<string, unknown[]>;
    };
    expect(data.contact.last_name).toBe('Zorglubowski');
    expect(data.tables.privacy_requests).toHaveLength(1);
    await app.shot('privacy-01-contact-actions');

    // the printable document, as the person reads it: their fields in words, dates in the shop's calendar
    const [printable] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-access-html').click()]);
    expect(printable.suggestedFilename()).toMatch(/\.html$/);
    const reader = await page.context().newPage();
    await reader.setContent(fs.readFileSync(await printable.path(), 'utf8'));
    expect(await reader.locator('table.record th', { hasText: 'Prénom' }).count()).toBe(1);
    const request = reader.locator('section', { hasText: 'Demandes relatives à vos données' });
    expect(await request.locator('td', { hasText: /^Accès$/ }).count()).toBe(1);
    expect(await request.locator('td', { hasText: /^En cours$/ }).count()).toBe(1);
    await reader.screenshot({ path: path.join(shots, 'privacy-01b-access-document.png') });
    await reader.close();
  });

  it('shows the request in the register with its deadline', async () => {
    const { page } = app;
    await page.goto(`${app.url.split('#')[0]}#/privacy`);
    await page.getByTestId('requests-table').waitFor();
    expect(await page.getByTestId('request-row').count()).toBe(1);
    expect(await page.getByTestId('request-subject').innerText()).toBe('Quentinella Zorglubowski');
    await app.shot('privacy-02-register');
  });

  it('erases the person once their name is typed, and the audit log says so', async () => {
    const { page } = app;
    await page.goto(`${app.url.split('#')[0]}#/contacts/${contactId}`);
    await page.getByTestId('privacy-erase').click();
    const confirm = page.getByTestId('erase-confirm');
    expect(await confirm.isDisabled()).toBe(true);
    await page.getByTestId('erase-name').fill('quentinella zorglubowski');
    expect(await confirm.isEnabled()).toBe(true);
    await app.shot('privacy-03-erase-dialog');
    await confirm.click();
    await page.getByTestId('contact-list').waitFor();
    await page.getByTestId('contact-list-empty').waitFor();

    await page.goto(`${app.url.split('#')[0]}#/privacy`);
    await page.getByTestId('requests-table').waitFor();
    expect(await page.getByTestId('request-subject').innerText()).toBe('Personne effacée');
    await page.getByTestId('privacy-tab-audit').click();
    await page.getByTestId('audit-table').waitFor();
    const actions = await page.getByTestId('audit-action').allInnerTexts();
    expect(actions.slice(0, 2)).toEqual(['Effacement d’une personne', 'Export des données d’une personne']);
    await app.shot('privacy-04-audit');

    // nothing of the name is left in the file the app writes
    const db = new BetterSqlite3(app.dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(0);
    } finally {
      db.close();
    }
    for (const f of [app.dbPath, `${app.dbPath}-wal`]) {
      if (fs.existsSync(f)) expect(fs.readFileSync(f).toString('latin1').toLowerCase()).not.toContain('zorglu');
    }
    expect(app.errors).toEqual([]);
  });
});
