import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { updateSettings } from '../../src-main/domain/settings/service';
import { launchApp, type App } from './fixtures';

/**
 * Retention from the shop owner's seat: the queue shows who is due and under
 * which rule, an archive happens only after its preview is confirmed, the
 * register and the notice are generated, and a breach past 72 hours warns.
 */
describe('retention, register and breaches in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('retention', (dbPath) => {
      const store = createStore(openDatabase(dbPath), dbPath);
      store.sqlite.transaction(() => {
        updateSettings(store, { onboarded: true, shop: { name: 'Épicerie Lune', address: '1 place Bellecour, Lyon', email: 'bonjour@lune.fr' } });
        const add = store.sqlite.prepare(
          "INSERT INTO contacts (first_name, last_name, status, source, sort_name, created_at, updated_at) VALUES (?, ?, 'prospect', 'other', ?, ?, ?)",
        );
        add.run('Anne', 'Ancienne', 'ancienne anne', '2019-03-01T10:00:00.000Z', '2019-03-01T10:00:00.000Z');
        add.run('Paul', 'Passé', 'passe paul', '2019-05-01T10:00:00.000Z', '2019-05-01T10:00:00.000Z');
        add.run('Rita', 'Récente', 'recente rita', new Date().toISOString(), new Date().toISOString());
      })();
      store.sqlite.close();
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('lists who is due and archives them after a confirmed preview', async () => {
    const { page } = app;
    await page.goto(`${app.url.split('#')[0]}#/privacy/retention`);
    await page.getByTestId('retention-queue').waitFor();
    expect(await page.getByTestId('retention-row').count()).toBe(2);
    expect(await page.getByTestId('retention-row').first().innerText()).toContain('Anne Ancienne');
    await app.shot('retention-01-queue');

    await page.getByTestId('retention-action-archive').click();
    await page.getByTestId('retention-preview-count').waitFor();
    expect(await page.getByTestId('retention-preview-count').getAttribute('data-count')).toBe('2');
    await app.shot('retention-02-preview');
    await page.getByTestId('retention-apply').click();
    await page.getByTestId('retention-empty').waitFor();

    const db = new Database(app.dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT last_name FROM contacts').pluck().all()).toEqual(['Récente']);
      expect(db.prepare('SELECT count(*) FROM contact_archive').pluck().get()).toBe(2);
    } finally {
      db.close();
    }
  });

  it('shows the register and the information notice', async () => {
    const { page } = app;
    await page.getByTestId('privacy-tab-register').click();
    await page.getByTestId('notice-text').waitFor();
    expect(await page.getByTestId('register-activity').count()).toBe(3);
    expect(await page.getByTestId('notice-text').innerText()).toContain('Épicerie Lune');
    expect(await page.getByTestId('register-figure-archived').innerText()).toBe('2');
    await app.shot('retention-03-register');
  });

  it('warns about a breach discovered more than 72 hours ago', async () => {
    const { page } = app;
    await page.getByTestId('privacy-tab-breaches').click();
    await page.getByTestId('breach-add').click();
    await page.getByTestId('breach-discoveredAt').fill('2025-01-10T09:30');
    await page.getByTestId('breach-nature').fill('Ordinateur portable volé');
    await page.getByTestId('breach-dataCategories').fill('Noms et e-mails');
    await page.getByTestId('breach-save').click();
    await page.getByTestId('breaches-overdue').waitFor();
    await app.shot('retention-04-breach-overdue');
    expect(app.errors).toEqual([]);
  });
});
