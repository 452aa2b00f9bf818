import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactInput, settingsUpdateInput } from '../../src-main/contract';
import { createContact } from '../../src-main/domain/contacts/service';
import { updateSettings } from '../../src-main/domain/settings/service';
import { createStore, transaction } from '../../src-main/store/db';
import { openDatabase } from '../../src-main/store/open';
import { launchApp, root, switchToEnglish, type App } from './fixtures';
import { chooseImportFile, commitImport, mappingOf, openImports, runCheck, sampleCell, writeExcelCsv } from './import-helpers';

/** A till's export of three tickets: two with their time of day, one from a day the till wrote without hours. */
const tickets = [
  ['Date', 'N° ticket', 'Code client', 'Montant TTC', 'Canal'],
  ['05/03/2024 14:32', 'T-1001', 'C0001', '25,30', 'Boutique'],
  ['06/03/2024', 'T-1002', 'C0001', '45,00', 'Site web'],
  ['07/03/2024 09:05', 'T-1003', 'C0002', '12,50', 'Boutique'],
];

describe('importing a till’s sales in the browser', () => {
  let app: App;
  let elodie = 0;
  beforeAll(async () => {
    app = await launchApp('purchase-import', (dbPath) => {
      const store = createStore(openDatabase(dbPath), dbPath);
      transaction(store, () => {
        updateSettings(store, settingsUpdateInput.parse({ onboarded: true }));
        elodie = createContact(store, contactInput.parse({ firstName: 'Élodie', lastName: 'Lefèvre', code: 'C0001' })).id;
        createContact(store, contactInput.parse({ firstName: 'Zoé', lastName: 'Œuvray', code: 'C0002', email: 'zoe@oeuvray.fr' }));
      });
      store.sqlite.close();
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('previews each sale at its time, matched to its customer by code', async () => {
    const { page } = app;
    await openImports(page);
    await page.getByTestId('import-kind').getByText('Des achats').click();
    await chooseImportFile(page, writeExcelCsv(app.dir, 'caisse-mars.csv', tickets));
    expect(await Promise.all([0, 1, 2, 3, 4].map((i) => mappingOf(page, i)))).toEqual(['date', 'reference', 'customerCode', 'amount', 'channel']);
    // the till's clock is the shop's: 14:32 stays 14:32; a day without hours is shown as that day alone
    expect(await sampleCell(page, 2, 'purchasedAt').innerText()).toMatch(/^5 mars 2024,? (à )?14:32$/);
    expect(await sampleCell(page, 3, 'purchasedAt').innerText()).toBe('6 mars 2024');
    await app.shot('purchase-import-01-preview', 1100);
  });

  it('imports them all at once and shows them in the customer’s history at their time', async () => {
    const { page } = app;
    await runCheck(page);
    expect(await commitImport(page)).toBe('done');
    await page.goto(`${app.url}#/contacts/${elodie}`);
    const sales = page.getByTestId('timeline-purchase');
    await sales.first().waitFor();
    const texts = await sales.allInnerTexts();
    expect(texts).toHaveLength(2);
    // newest first: the web order of the 6th, by the day, then the shop sale of the 5th at 14:32
    expect(texts[0]).toContain('45,00');
    expect(texts[0]).toContain('6 mars 2024');
    expect(texts[0]).not.toMatch(/\d{2}:\d{2}/);
    expect(texts[1]).toContain('25,30');
    expect(texts[1]).toMatch(/5 mars 2024,? (à )?14:32/);
    await app.shot('purchase-import-02-timeline');
  });

  it('imports Shopify’s orders export as it comes, leaving out the refunded and the voided orders, booking a partial refund', async () => {
    const { page } = app;
    await openImports(page);
    // back to the first step after the till's import, as a user starting another file
    await page.getByTestId('import-step-file').click();
    await page.getByTestId('import-kind').getByText('Des achats').click();
    await chooseImportFile(page, path.join(root, 'test', 'fixtures', 'import', 'shopify-orders.csv'));
    // Name, Email, Financial Status … Created at: the order number, the customer, the order's status, its date
    expect(await Promise.all([0, 1, 2, 11, 15].map((i) => mappingOf(page, i)))).toEqual(['reference', 'email', 'orderStatus', '', 'date']);
    await runCheck(page);
    // a sale already in the base is left as it is: no « complete the existing purchase » to offer
    expect(await page.getByTestId('import-policy-merge').count()).toBe(0);
    expect(await page.getByTestId('import-policy-skip').isChecked()).toBe(true);
    expect(await page.getByText('quels achats seront ajoutés, laissés de côté ou refusés').isVisible()).toBe(true);
    const notice = page.getByTestId('report-notice').and(page.locator('[data-reason="not_a_sale"]'));
    expect(await notice.innerText()).toContain('Commande annulée, remboursée ou échouée');
    // the partly refunded order: its refund is booked, on the order's date, and the screen says so
    const refund = page.getByTestId('report-notice').and(page.locator('[data-reason="refund_at_order_date"]'));
    expect(await refund.innerText()).toContain('Remboursement partiel enregistré à la date de la commande');
    // sales added and left out: a purchase import completes no record
    expect(await page.getByTestId('report-count-created').innerText()).toContain('3');
    expect(await page.getByTestId('report-count-skipped').innerText()).toContain('2');
    expect(await page.getByTestId('report-count-merged').count()).toBe(0);
    expect(await page.getByTestId('import-ready').getAttribute('data-changes')).toBe('true');
    await app.shot('purchase-import-03-shopify', 1100);
    expect(await commitImport(page)).toBe('done');

    // the history counts the orders added; its undo says sales go, not records
    await page.getByTestId('import-tab-history').click();
    const row = page.getByTestId('import-history-row').filter({ hasText: 'shopify-orders.csv' });
    expect(await row.getByTestId('import-history-created').innerText()).toBe('3');
    await row.getByTestId('import-history-undo').click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Achats ajoutés, qui seront supprimés');
    await app.shot('purchase-import-04-history-undo');
    await dialog.getByRole('button', { name: 'Annuler', exact: true }).click();
  });

  it('says the same in English: the check step’s notices, the history and its undo', async () => {
    const { page } = app;
    await switchToEnglish(page);
    await openImports(page);
    await page.getByTestId('import-step-file').click();
    await page.getByTestId('import-kind').getByText('Purchases').click();
    await chooseImportFile(page, path.join(root, 'test', 'fixtures', 'import', 'shopify-orders.csv'));
    await runCheck(page);
    expect(await page.getByText('which purchases will be added, left out or refused').isVisible()).toBe(true);
    const notice = page.getByTestId('report-notice').and(page.locator('[data-reason="not_a_sale"]'));
    expect(await notice.innerText()).toContain('Cancelled, refunded or failed order: left out');
    // the same file again: its sales are in the base already, so each is left out
    expect(await page.getByTestId('report-count-created').innerText()).toContain('0');
    expect(await page.getByTestId('report-count-skipped').innerText()).toContain('5');
    // said before importing: the file would add nothing
    const ready = page.getByTestId('import-ready');
    expect(await ready.getAttribute('data-changes')).toBe('false');
    expect(await ready.innerText()).toContain('Nothing new in this file: every purchase is already in the base or left out.');
    await app.shot('purchase-import-05-check-english', 1100);
    // imported all the same: the result promises no undo, the history offers none
    expect(await commitImport(page)).toBe('done');
    expect(await page.getByTestId('import-result').innerText()).toContain('None of its purchases was new: the base did not change.');
    await app.shot('purchase-import-06-unchanged-english');

    await page.getByTestId('import-tab-history').click();
    // newest first: this import, then the one that added the sales
    const shopify = page.getByTestId('import-history-row').filter({ hasText: 'shopify-orders.csv' });
    const again = shopify.nth(0);
    const row = shopify.nth(1);
    expect(await again.getByTestId('import-history-unchanged').innerText()).toBe('Nothing new');
    expect(await again.getByTestId('import-history-undo').count()).toBe(0);
    // « Completed » and « Updated » mean nothing for sales: a dash, read out as such
    expect(await row.getByLabel('not applicable').count()).toBe(2);
    await row.getByTestId('import-history-undo').click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain('Purchases added, which will be deleted with the refunds read from the file: 3');
    await app.shot('purchase-import-07-history-undo-english');
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect(app.errors).toEqual([]);
  });
});
