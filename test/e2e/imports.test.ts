import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, root, type App } from './fixtures';
import {
  chooseImportFile,
  commitImport,
  mapColumn,
  mappingOf,
  openImports,
  reportedErrors,
  runCheck,
  sampleCell,
  writeExcelCsv,
} from './import-helpers';

/**
 * A shop owner's Excel list, saved as French "CSV (point-virgule)". Its
 * "Titre" column holds job titles; the guesser reads it as a civility
 * ("Titre" is both in French), so the one filled cell is refused until the
 * user maps the column to the job title.
 */
const clients = [
  ['Nom', 'Prénom', 'Titre', 'E-mail', 'Portable', 'CP', 'Ville', 'Remarques'],
  ['Lefèvre', 'Élodie', '', 'elodie.lefevre@orange.fr', '06 12 34 56 78', '01000', 'Bourg-en-Bresse', 'Préfère être appelée le matin'],
  ['Garçon', 'François', 'Gérant', 'f.garcon@coeurdelion.fr', '06 98 76 54 32', '75011', 'Paris', 'Bon d’achat 50 € offert'],
  ['Œuvray', 'Zoé', '', 'zoe@oeuvray.fr', '07 12 34 56 78', '21000', 'Dijon', 'Bûches – Noël'],
  // the same Élodie typed again years later in capitals, with her new address: a duplicate to merge
  ['LEFEVRE', 'Elodie', '', 'elodie.l@gmail.com', '', '01000', 'Bourg-en-Bresse', ''],
];

describe('importing contacts in the browser', () => {
  let app: App;
  let file: string;
  beforeAll(async () => {
    app = await launchApp('imports');
    file = writeExcelCsv(app.dir, 'clients-boutique.csv', clients);
    await app.page.getByTestId('setup-empty').click();
    await app.page.getByTestId('contact-list').waitFor();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reads the Windows-1252 file and guesses the mapping from the French headers', async () => {
    const { page } = app;
    await openImports(page);
    await chooseImportFile(page, file);
    expect(await page.getByTestId('import-encoding').innerText()).toContain('Windows-1252');
    expect(await page.getByTestId('import-separator').innerText()).toContain('point-virgule');
    expect(await Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map((i) => mappingOf(page, i)))).toEqual([
      'lastName',
      'firstName',
      'civility',
      'email',
      'mobile',
      'postcode',
      'city',
      'note',
    ]);
    // accents, ligatures, curly apostrophes and the euro sign survive; the postcode keeps its zero
    expect(await sampleCell(page, 2, 'lastName').innerText()).toBe('Lefèvre');
    expect(await sampleCell(page, 2, 'postcode').innerText()).toBe('01000');
    expect(await sampleCell(page, 3, 'note').innerText()).toBe('Bon d’achat 50 € offert');
    expect(await sampleCell(page, 4, 'lastName').innerText()).toBe('Œuvray');
    // the job title read as a civility is already flagged in the preview
    expect(await sampleCell(page, 3, 'civility').getAttribute('data-issue')).toBe('unknown_civility');
    expect(await page.getByTestId('mapping-refused-2').innerText()).toContain('Civilité inconnue');
    await app.shot('imports-01-mapping', 1500);
  });

  it('locates the bad cell in the dry run and writes nothing', async () => {
    const { page } = app;
    await runCheck(page);
    expect(await reportedErrors(page)).toEqual([
      { line: '3', column: 'Titre', value: 'Gérant', reason: 'Civilité inconnue (attendu : M., Mme…).' },
    ]);
    expect(await page.getByTestId('import-blocked').isVisible()).toBe(true);
    expect(await page.getByTestId('import-commit').count()).toBe(0);

    // the row report, as Excel opens it
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-save-csv').click()]);
    expect(download.suggestedFilename()).toBe('compte-rendu-import-clients-boutique.csv');
    const csv = fs.readFileSync(await download.path(), 'utf8');
    expect(csv).toBe(
      '\ufeffLigne;Colonne;Champ;Valeur;Problème;Gravité\r\n3;Titre;Civilité;Gérant;Civilité inconnue (attendu : M., Mme…).;Ligne refusée\r\n',
    );
    await app.shot('imports-02-report', 1100);
  });

  it('fixes it through the mapping, checks clean and imports all at once', async () => {
    const { page } = app;
    // the column name in the report leads straight to that column's mapping
    await page.getByTestId('report-error-column').getByRole('button').click();
    await page.getByTestId('import-mapping').waitFor();
    expect(await page.getByTestId('mapping-select-2').evaluate((el) => el === document.activeElement)).toBe(true);
    await mapColumn(page, 2, 'jobTitle');
    expect(await sampleCell(page, 3, 'jobTitle').innerText()).toBe('Gérant');
    expect(await page.getByTestId('mapping-origin-2').getAttribute('data-origin')).toBe('edited');

    await runCheck(page);
    expect(await reportedErrors(page)).toEqual([]);
    // e-mail and phone differ, so the import keeps the second Élodie: merging is the user's call
    expect(await page.getByTestId('report-count-created').innerText()).toBe('4');
    expect(await commitImport(page)).toBe('done');
    expect(await page.getByTestId('report-count-created').innerText()).toBe('4');
    await app.shot('imports-03-result');
  });

  it('finds an imported contact by typing the name without accents', async () => {
    const { page } = app;
    await page.getByTestId('import-open-contacts').click();
    await page.getByTestId('contact-list').waitFor();
    await page.getByTestId('contact-search').fill('oeuvray');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 1);
    expect(await page.getByTestId('contact-row-name').first().innerText()).toContain('Œuvray');
    await page.getByTestId('contact-search').fill('garcon');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="contact-row-name"]')].some((r) => r.textContent?.includes('Garçon')),
    );
    await app.shot('imports-04-contacts');
    expect(app.errors).toEqual([]);
  });

  const lefevreRows = async (expected: number): Promise<void> => {
    const { page } = app;
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-search').fill('lefevre');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="contact-row"]').length === n,
      expected,
    );
  };

  it('finds the two Élodie Lefèvre, merges them keeping the newer e-mail, and undoes the merge', async () => {
    const { page } = app;
    await lefevreRows(2);
    await page.getByTestId('nav-duplicates').click();
    await page.getByTestId('duplicates-run').click();
    const pair = page.getByTestId('duplicate-pair');
    await pair.first().waitFor();
    expect(await pair.count()).toBe(1);
    expect(await pair.getByTestId('duplicate-reason').first().getAttribute('data-reason')).toBe('similar_name_same_postcode');

    await pair.getByTestId('duplicate-compare').click();
    await page.getByTestId('merge-dialog').waitFor();
    const email = page.locator('[data-testid="merge-field"][data-field="email"]');
    const side = (await email.innerText()).indexOf('elodie.l@gmail.com') > (await email.innerText()).indexOf('elodie.lefevre@orange.fr') ? 'b' : 'a';
    await page.getByTestId(`merge-field-email-${side}`).check();
    await app.shot('imports-05-merge', 1100);
    await page.getByTestId('merge-confirm').click();
    await page.getByTestId('merge-done').waitFor();
    await lefevreRows(1);
    await page.getByTestId('contact-row').first().click();
    await page.getByTestId('contact-email').waitFor();
    expect(await page.getByTestId('contact-email').innerText()).toContain('elodie.l@gmail.com');
    // the phone came from the other record: nothing of either is lost
    expect(await page.getByTestId('contact-phone').innerText()).toContain('06 12 34 56 78');

    await page.getByTestId('nav-duplicates').click();
    await page.getByTestId('duplicates-tab-history').click();
    await page.getByTestId('merge-row-undo').first().click();
    await page.getByTestId('merge-undo-confirm').click();
    await page.locator('[data-testid="merge-row"][data-undone="true"]').waitFor();
    await page.getByTestId('merge-undo-confirm').waitFor({ state: 'detached' });
    await app.shot('imports-06-undone');
    await lefevreRows(2);
    expect(app.errors).toEqual([]);
  });

  it('undoes the whole import from its history: the contacts it created go', async () => {
    const { page } = app;
    await openImports(page);
    await page.getByTestId('import-tab-history').click();
    const row = page.getByTestId('import-history-row').first();
    expect(await row.getByTestId('import-history-file').innerText()).toBe('clients-boutique.csv');
    await row.getByTestId('import-history-undo').click();
    await page.getByTestId('import-undo-confirm').waitFor();
    await app.shot('imports-07-undo-confirm');
    await page.getByTestId('import-undo-confirm').click();
    // a job: its panel while it runs (a blink for four rows), then the row marked undone
    await page.locator('[data-testid="import-history-row"][data-undone="true"]').waitFor();
    await page.getByTestId('import-undo-progress').waitFor({ state: 'detached' });
    await app.shot('imports-08-import-undone');
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-search').fill('');
    await page.getByTestId('contact-list-empty').waitFor();
    expect(app.errors).toEqual([]);
  });

  it('finds an import still being written again when the user comes back to the page', async () => {
    const { page } = app;
    // large enough to be still running after a trip to the contact list and back (a few seconds)
    const rows = Array.from({ length: 60_000 }, (_, i) => [`Martin${i}`, 'Zoé', `zoe.martin${i}@exemple.fr`, '75011', 'Paris']);
    const big = writeExcelCsv(app.dir, 'fichier-salon.csv', [['Nom', 'Prénom', 'E-mail', 'CP', 'Ville'], ...rows]);
    await openImports(page);
    await chooseImportFile(page, big);
    await runCheck(page);
    await page.getByTestId('import-commit').click();
    await page.getByTestId('import-progress').waitFor();

    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-list').waitFor();
    // elsewhere, the header says an import is running and leads back to it
    const indicator = page.getByTestId('job-indicator');
    await indicator.waitFor();
    expect(await indicator.innerText()).toMatch(/^Import de « fichier-salon\.csv » : \d+ %$/);
    // and the list answers meanwhile (between two batches of the import)
    await page.locator('[data-testid="contact-row"], [data-testid="contact-list-empty"]').first().waitFor();
    await app.shot('imports-09-import-indicator');
    await indicator.click();
    await page.getByTestId('import-page').waitFor();
    expect(await page.getByTestId('job-indicator').count()).toBe(0);
    // the wizard starts afresh; the import it left running is shown above it, with its progress and Cancel
    await page.getByTestId('import-resumed').waitFor();
    expect(await page.getByTestId('import-resumed').innerText()).toContain('Import de « fichier-salon.csv » en cours');
    expect(await page.getByTestId('import-resumed-cancel').isEnabled()).toBe(true);
    await app.shot('imports-10-import-resumed');

    const result = page.getByTestId('import-resumed-result');
    await result.waitFor({ timeout: 60_000 });
    expect(await result.getAttribute('data-status')).toBe('done');
    expect((await result.innerText()).replace(/\s/g, ' ')).toContain('« fichier-salon.csv » est importé : 60 000 créés, 0 mis à jour, 0 fusionnés, 0 ignorés.');
    await app.shot('imports-11-import-resumed-done');
    await page.getByTestId('import-resumed-history').click();
    const row = page.getByTestId('import-history-row').first();
    expect(await row.getByTestId('import-history-file').innerText()).toBe('fichier-salon.csv');
    expect((await row.getByTestId('import-history-created').innerText()).replace(/\s/g, ' ')).toBe('60 000');
    await page.getByTestId('import-resumed-close').click();
    await page.getByTestId('import-resumed-result').waitFor({ state: 'detached' });
    expect(app.errors).toEqual([]);
  });

  it('names the rows it would import with something to check, counting them past the thousand it lists', async () => {
    const { page } = app;
    const cut = writeExcelCsv(app.dir, 'lignes-coupees.csv', [['Nom', 'Prénom', 'E-mail'], ...Array.from({ length: 1_200 }, (_, i) => [`Court${i}`, 'Jo'])]);
    await openImports(page);
    // the page was left on the history
    await page.getByTestId('import-tab-new').click();
    await chooseImportFile(page, cut);
    await runCheck(page);
    const notice = page.locator('[data-testid="report-notice"][data-reason="short_row"]');
    expect((await notice.innerText()).replace(/\s+/g, ' ')).toContain('lignes 2, 3, 4, 5, 6, 7, 8, 9 et 1 192 autres');
    await app.shot('imports-12-notices', 1100);
    expect(app.errors).toEqual([]);
  });

  it('reads a Google Contacts export as it comes: the name\'s parts, two numbers in one cell, no « myContacts » tag', async () => {
    const { page } = app;
    await openImports(page);
    await page.getByTestId('import-tab-new').click();
    // the page still holds the check of the file before: the user goes back to the first step for another one
    await page.getByTestId('import-step-file').click();
    await chooseImportFile(page, path.join(root, 'test', 'fixtures', 'import', 'google-contacts.csv'));
    expect(await Promise.all([0, 1, 3, 28, 34].map((i) => mappingOf(page, i)))).toEqual(['fullName', 'firstName', 'lastName', 'tags', 'phone']);
    expect(await sampleCell(page, 2, 'lastName').innerText()).toBe('Lefèvre');
    expect(await sampleCell(page, 2, 'tags').innerText()).toContain('VIP');
    expect(await sampleCell(page, 2, 'tags').innerText()).not.toContain('myContacts');
    expect(await sampleCell(page, 2, 'phone').getAttribute('data-issue')).toBeNull();
    await app.shot('imports-13-google', 1500);
    await runCheck(page);
    expect(await reportedErrors(page)).toEqual([]);
    expect(await page.locator('[data-testid="report-notice"][data-reason="birthday_without_year"]').innerText()).toContain('6');
    expect(app.errors).toEqual([]);
  });
});
