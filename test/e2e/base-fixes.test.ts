import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, type App } from './fixtures';
import { chooseImportFile, commitImport, openImports, reportedErrors, runCheck, writeExcelCsv } from './import-helpers';

/**
 * Three leftovers of the customer base in Chromium: the SIRET column of a
 * contacts file, "not a duplicate" taken back, and the merge history after
 * one of its contacts was deleted.
 */

const HEADER = ['Nom', 'Prénom', 'Société', 'SIRET', 'E-mail', 'CP', 'Ville'];
const clients = [
  HEADER,
  ['Lefèvre', 'Élodie', 'Boulangerie Martin', '732 829 320 00074', 'elodie.lefevre@orange.fr', '01000', 'Bourg-en-Bresse'],
  ['LEFEVRE', 'Elodie', '', '', 'elodie.l@gmail.com', '01000', 'Bourg-en-Bresse'],
  ['Garçon', 'François', '', '73282932000074', 'f.garcon@exemple.fr', '75011', 'Paris'],
  ['Dupont', 'Jean', '', '', 'jean.dupont@exemple.fr', '44000', 'Nantes'],
  ['Dupond', 'Jean', '', '', 'jean.dupond@exemple.fr', '44000', 'Nantes'],
];

describe('customer base leftovers in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('base-fixes');
    await app.page.getByTestId('setup-empty').click();
    await app.page.getByTestId('contact-list').waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reports a bad SIRET and a SIRET without a company, then imports the fixed file linked by SIRET', async () => {
    const { page } = app;
    const bad = writeExcelCsv(app.dir, 'clients-siret-erreurs.csv', [
      HEADER,
      ['Lefèvre', 'Élodie', 'Boulangerie Martin', '732 829 320 00075', 'elodie.lefevre@orange.fr', '01000', 'Bourg-en-Bresse'],
      ['Garçon', 'François', '', '73282932000074', 'f.garcon@exemple.fr', '75011', 'Paris'],
    ]);
    await openImports(page);
    await chooseImportFile(page, bad);
    expect(await page.getByTestId('mapping-select-3').inputValue()).toBe('siret');
    await runCheck(page);
    const errors = await reportedErrors(page);
    expect(errors.map((e) => [e.line, e.value])).toEqual([
      ['2', '732 829 320 00075'],
      ['3', '73282932000074'],
    ]);
    expect(errors[0]?.reason).toContain('SIRET ou SIREN : la clé de contrôle ne correspond pas');
    expect(errors[1]?.reason).toContain('sans nom d’entreprise');
    await page.getByTestId('report-error-row').first().scrollIntoViewIfNeeded();
    await app.shot('base-fixes-01-siret-errors');

    const good = writeExcelCsv(app.dir, 'clients-siret.csv', clients);
    await page.getByTestId('import-change-file').click();
    await chooseImportFile(page, good);
    await runCheck(page);
    expect(await reportedErrors(page)).toEqual([]);
    expect(await commitImport(page)).toBe('done');
  });

  it('takes "not a duplicate" back from the toast and from the list of dismissed pairs', async () => {
    const { page } = app;
    await page.getByTestId('nav-duplicates').click();
    await page.getByTestId('duplicates-run').click();
    const pair = page.getByTestId('duplicate-pair');
    await pair.first().waitFor();
    expect(await pair.count()).toBe(2);

    const elodie = pair.filter({ hasText: 'Lefèvre' });
    await elodie.getByTestId('duplicate-dismiss').click();
    const toast = page.getByTestId('dismiss-done');
    await toast.waitFor();
    // the toast slides in: the picture once it has arrived
    await page.waitForFunction(() => {
      for (let el = document.querySelector<HTMLElement>('[data-testid="dismiss-done"]'); el !== null; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (style.opacity !== '1' || !['none', 'matrix(1, 0, 0, 1, 0, 0)'].includes(style.transform)) return false;
      }
      return true;
    });
    await app.shot('base-fixes-02-dismissed-toast');
    await toast.getByTestId('dismiss-undo-notice').click();
    await page.getByText('seront de nouveau proposés comme doublons possibles').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="duplicate-pair"]').length === 2);

    // dismissed again, then taken back from the list
    await pair.filter({ hasText: 'Lefèvre' }).getByTestId('duplicate-dismiss').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="duplicate-pair"]').length === 1);
    await page.getByTestId('duplicates-tab-dismissed').click();
    const row = page.getByTestId('dismissed-row');
    await row.waitFor();
    expect(await row.innerText()).toContain('Élodie Lefèvre');
    await app.shot('base-fixes-03-dismissed-list');
    await row.getByTestId('dismissed-undo').click();
    await page.getByTestId('dismissed-none').waitFor();
    await page.getByTestId('duplicates-tab-pairs').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="duplicate-pair"]').length === 2);
  });

  it('shows a merge whose kept contact was deleted as no longer undoable', async () => {
    const { page } = app;
    const jean = page.getByTestId('duplicate-pair').filter({ hasText: 'Dupon' });
    await jean.getByTestId('duplicate-compare').click();
    await page.getByTestId('merge-dialog').waitFor();
    const keptId = await page.getByTestId('merge-dialog').getAttribute('data-kept-id');
    await page.getByTestId('merge-confirm').click();
    await page.getByTestId('merge-done').waitFor();

    await page.goto(`${app.url.split('#')[0]}#/contacts/${keptId}`);
    await page.getByTestId('contact-delete').click();
    await page.getByTestId('delete-confirm').click();
    await page.getByTestId('contact-list').waitFor();

    await page.getByTestId('nav-duplicates').click();
    await page.getByTestId('duplicates-tab-history').click();
    const merged = page.locator('[data-testid="merge-row-blocker"][data-blocker="contact_deleted"]');
    await merged.waitFor();
    expect(await page.getByTestId('merge-row-kept').first().innerText()).toBe('Fiche supprimée');
    await app.shot('base-fixes-04-merge-deleted');
    expect(app.errors).toEqual([]);
  });
});
