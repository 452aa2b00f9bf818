import fs from 'node:fs';
import path from 'node:path';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Api, ImportReport } from '../../src-main/contract';
import { createFormatters } from '../../src-renderer/app/format';
import { createI18n } from '../../src-renderer/app/i18n';
import { ImportPage } from '../../src-renderer/features/imports/ImportPage';
import { storedText } from '../../src-renderer/features/imports/labels';
import { ReportView } from '../../src-renderer/features/imports/ReportView';
import { openTestStore, renderWithApi } from './render';

const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures', 'import');
const golden = fs.readFileSync(path.join(fixtures, 'clients-excel-fr.csv'));

/** The golden file with its bad row fixed, as the user would in Excel: same columns, same bytes otherwise. */
const fixedGolden = (): Buffer =>
  Buffer.from(
    golden
      .toString('latin1')
      .replace('Mlle;Martin;;;pas-un-email;123;;;;7500;Paris;France;31/02/2024', 'Mlle;Martin;;;martin@exemple.fr;;;;;75001;Paris;France;28/02/2004'),
    'latin1',
  );

/**
 * A dry run or a commit runs as a job on the test's own store: milliseconds alone, but a CI run shares two
 * cores with the Chromium suite, and one such wait once took over 10 s there.
 */
const JOB_WAIT = { timeout: 25_000 };
/** Several job waits per test. */
const TEST_TIMEOUT = 90_000;

const csvFile = (bytes: Buffer, name: string): File => new File([new Uint8Array(bytes)], name, { type: 'text/csv' });

const select = (column: number): HTMLSelectElement => screen.getByTestId(`mapping-select-${column}`);

const sampleRow = (line: number): HTMLElement => {
  const row = screen.getAllByTestId('sample-row').find((r) => r.dataset.line === String(line));
  if (!row) throw new Error(`no sample row for line ${line}`);
  return row;
};

const cell = (line: number, field: string): string => within(sampleRow(line)).getByTestId(`sample-cell-${field}`).textContent ?? '';

/** "Check" stays disabled while the preview catches up with the mapping: clicked before, it would do nothing. */
const checkReady = (): Promise<void> =>
  waitFor(() => expect((screen.getByTestId('import-to-check') as HTMLButtonElement).disabled).toBe(false), JOB_WAIT);

const toCheck = async (user: ReturnType<typeof userEvent.setup>): Promise<void> => {
  await checkReady();
  await user.click(screen.getByTestId('import-to-check'));
};

const contactCount = async (api: Api): Promise<number> => (await api.call('app.status', {})).contactCount;

/**
 * jsdom cannot download: the page's Blob is caught where the browser would
 * receive it (the object URL) and the anchor's navigation is stopped.
 */
const downloads: { name: string; blob: Blob }[] = [];
const blobs = new Map<string, Blob>();
const stopDownload = (e: MouseEvent) => {
  const a = e.target instanceof HTMLAnchorElement ? e.target : null;
  if (a?.download) {
    e.preventDefault();
    const blob = blobs.get(a.href);
    if (blob) downloads.push({ name: a.download, blob });
  }
};
beforeEach(() => {
  downloads.length = 0;
  let n = 0;
  URL.createObjectURL = (blob: Blob | MediaSource) => {
    const url = `blob:test/${(n += 1)}`;
    blobs.set(url, blob as Blob);
    return url;
  };
  URL.revokeObjectURL = (url: string) => void blobs.delete(url);
  document.addEventListener('click', stopDownload, true);
});
afterEach(() => document.removeEventListener('click', stopDownload, true));

describe('ImportPage', () => {
  it('imports a French Excel file: guessed mapping, stored preview, row report, fix, commit, history and undo', async () => {
    const { api } = await openTestStore();
    renderWithApi(<ImportPage />, api);
    const user = userEvent.setup();

    await user.upload(screen.getByTestId('import-file-input'), csvFile(golden, 'clients-excel-fr.csv'));
    await screen.findByTestId('import-mapping');

    // what was detected, in words
    expect(screen.getByTestId('import-format').textContent).toBe('Texte délimité (CSV)');
    expect(screen.getByTestId('import-encoding').textContent).toContain('Windows-1252');
    expect(screen.getByTestId('import-separator').textContent).toContain('point-virgule');
    expect(screen.getByTestId('import-mapping-source').dataset.source).toBe('guessed');

    // the mapping guessed from the French headers, each marked as guessed
    expect(screen.getByTestId('mapping-header-1').textContent).toBe('Nom');
    expect(select(1).value).toBe('lastName');
    expect(screen.getByTestId('mapping-header-2').textContent).toBe('Prénom');
    expect(select(2).value).toBe('firstName');
    expect(screen.getByTestId('mapping-header-9').textContent).toBe('CP');
    expect(select(9).value).toBe('postcode');
    expect(select(5).value).toBe('phone');
    expect(select(6).value).toBe('mobile');
    expect(screen.getByTestId('mapping-origin-1').dataset.origin).toBe('guessed');
    // "Total achats (€)" is no contact field: left out, and said so
    expect(screen.getByTestId('mapping-header-16').textContent).toBe('Total achats (€)');
    expect(select(16).value).toBe('');
    expect(screen.getByTestId('mapping-origin-16').dataset.origin).toBe('unrecognised');
    expect(screen.getByTestId('mapping-samples-16').textContent).toContain('1 234,50');

    // the rows as they will be stored: Windows-1252 read right, the postcode's zero kept, the phone normalised
    expect(cell(2, 'lastName')).toBe('Lefèvre');
    expect(cell(2, 'firstName')).toBe('Élodie');
    expect(cell(2, 'addressLine1')).toBe('12 rue de l’Église');
    expect(cell(2, 'addressLine2')).toBe('Bât. B – 2e étage');
    expect(cell(2, 'postcode')).toBe('01000');
    expect(cell(2, 'phone')).toBe('06 12 34 56 78');
    expect(cell(2, 'birthDate')).toBe('5 mars 1985');
    expect(cell(7, 'note')).toBe('Ancien client : bon d’achat 50 € offert');
    // the bad row is flagged where it is wrong
    expect(within(sampleRow(10)).getByTestId('sample-cell-email').dataset.issue).toBe('invalid_email');
    expect(within(sampleRow(10)).getByTestId('sample-issues').textContent).toContain('Adresse e-mail invalide.');
    // what is wrong comes right after the line number, in sight however wide the file
    expect(within(sampleRow(10)).getAllByRole('cell')[1]).toBe(within(sampleRow(10)).getByTestId('sample-issues'));
    expect(screen.getByTestId('sample-head-company')).toBeTruthy();
    // and the column it comes from says so next to its mapping
    expect(screen.getByTestId('mapping-refused-4').textContent).toBe('1 valeur refusée dans l’aperçu : Adresse e-mail invalide.');
    expect(screen.queryByTestId('mapping-refused-1')).toBeNull();

    // a column mapped elsewhere: the sample is read again through the new mapping
    await user.selectOptions(select(3), 'jobTitle');
    await waitFor(() => expect(cell(3, 'jobTitle')).toBe('Cœur de Lion SARL'));
    expect(screen.queryByTestId('sample-head-company')).toBeNull();
    expect(screen.getByTestId('mapping-origin-3').dataset.origin).toBe('edited');

    // the dry run: the whole file read, every bad cell located, nothing stored
    await toCheck(user);
    await screen.findByTestId('import-report', {}, JOB_WAIT);
    const rows = screen.getAllByTestId('report-error-row');
    expect(rows.map((r) => [r.dataset.line, r.dataset.field, r.dataset.reason])).toEqual([
      ['10', 'birthDate', 'impossible_date'],
      ['10', 'email', 'invalid_email'],
      ['10', 'phone', 'invalid_phone'],
    ]);
    const emailRow = rows[1]!;
    expect(within(emailRow).getByTestId('report-error-column').textContent).toBe('E-mail');
    expect(within(emailRow).getByTestId('report-error-value').textContent).toBe('pas-un-email');
    expect(within(emailRow).getByTestId('report-error-reason').textContent).toBe('Adresse e-mail invalide.');
    expect(within(rows[2]!).getByTestId('report-error-column').textContent).toBe('Tél');
    expect(screen.getByTestId('report-count-errors').textContent).toBe('3');
    expect(screen.getByTestId('import-blocked')).toBeTruthy();
    expect(screen.queryByTestId('import-commit')).toBeNull();
    expect(await contactCount(api)).toBe(0);

    // the report as a CSV French Excel opens: BOM, semicolons, one line per problem
    await user.click(screen.getByTestId('report-save-csv'));
    expect(downloads).toHaveLength(1);
    expect(downloads[0]!.name).toBe('compte-rendu-import-clients-excel-fr.csv');
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await downloads[0]!.blob.arrayBuffer());
    expect(csv.startsWith('\ufeffLigne;Colonne;Champ;Valeur;Problème;Gravité\r\n')).toBe(true);
    expect(csv).toContain('10;E-mail;E-mail;pas-un-email;Adresse e-mail invalide.;Ligne refusée\r\n');
    expect(csv).toContain('10;Date de naissance;Date de naissance;31/02/2024;Cette date n’existe pas.;Ligne refusée\r\n');

    // the user fixes the row in Excel and chooses the file again: the mapping made for these columns stays
    await user.click(screen.getByTestId('import-change-file'));
    await user.upload(screen.getByTestId('import-file-input'), csvFile(fixedGolden(), 'clients-corrige.csv'));
    await screen.findByTestId('import-mapping');
    expect(select(3).value).toBe('jobTitle');
    expect(screen.getByTestId('mapping-origin-3').dataset.origin).toBe('edited');
    expect(within(sampleRow(10)).getByTestId('sample-issues').textContent).toBe('Prête');

    await toCheck(user);
    await screen.findByTestId('report-clean', {}, JOB_WAIT);
    expect(screen.getByTestId('report-count-created').textContent).toBe('6');
    // Hervé shares François's mobile under another name: a new record, flagged
    expect(screen.getAllByTestId('report-notice').map((n) => n.dataset.reason)).toContain('possible_duplicate');
    expect(await contactCount(api)).toBe(0);
    expect(screen.getByTestId('import-ready').textContent).toContain('Tout est prêt.');

    // the all-or-nothing import
    await user.click(screen.getByTestId('import-commit'));
    const result = await screen.findByTestId('import-result', {}, JOB_WAIT);
    expect(result.dataset.status).toBe('done');
    expect(result.dataset.changes).toBe('true');
    expect(result.textContent).toContain('Vous pouvez annuler cet import depuis l’historique');
    expect(screen.getByTestId('report-count-created').textContent).toBe('6');
    expect(screen.getByTestId('import-open-contacts').getAttribute('href')).toBe('#/contacts');
    expect(await contactCount(api)).toBe(6);
    const [garcon] = (await api.call('contacts.list', { q: 'garcon' })).rows;
    expect(await api.call('contacts.get', { id: garcon!.id })).toMatchObject({ jobTitle: 'Cœur de Lion SARL', companyId: null });

    // the history lists it; undo removes exactly what it created
    await user.click(screen.getByTestId('import-tab-history'));
    const row = await screen.findByTestId('import-history-row');
    expect(within(row).getByTestId('import-history-file').textContent).toBe('clients-corrige.csv');
    expect(within(row).getByTestId('import-history-created').textContent).toBe('6');
    await user.click(within(row).getByTestId('import-history-undo'));
    await user.click(await screen.findByTestId('import-undo-confirm'));
    // the undo is a job too
    await waitFor(() => expect(screen.getByTestId('import-history-row').dataset.undone).toBe('true'), JOB_WAIT);
    expect(screen.getByTestId('import-history-undone')).toBeTruthy();
    expect(screen.queryByTestId('import-history-undo')).toBeNull();
    expect(await contactCount(api)).toBe(0);
  }, TEST_TIMEOUT);

  it('reads a till export as purchases, with the targets of that kind and each refused cell located', async () => {
    const { api } = await openTestStore();
    await api.call('contacts.create', { lastName: 'Curie', email: 'marie.curie@orange.fr', code: '000123' });
    renderWithApi(<ImportPage />, api);
    const user = userEvent.setup();

    await user.click(screen.getByText('Des achats'));
    await user.upload(screen.getByTestId('import-file-input'), csvFile(fs.readFileSync(path.join(fixtures, 'achats-caisse.csv')), 'caisse-mars.csv'));
    await screen.findByTestId('import-mapping');
    expect(screen.getByTestId('mapping-header-1').textContent).toBe('Date');
    expect(select(1).value).toBe('date');
    expect(select(2).value).toBe('customerCode');
    expect(within(select(4)).getByRole('option', { name: 'Article' })).toBeTruthy();
    expect(within(select(4)).queryByRole('option', { name: 'Civilité (M., Mme)' })).toBeNull();
    expect(screen.getByTestId('mapping-refused-1').textContent).toContain('Cette date n’existe pas.');

    await toCheck(user);
    await screen.findByTestId('import-report', {}, JOB_WAIT);
    const errors = screen.getAllByTestId('report-error-row').map((r) => [r.dataset.line, within(r).getByTestId('report-error-column').textContent]);
    expect(errors).toContainEqual(['8', 'Date']);
    expect(screen.queryByTestId('import-commit')).toBeNull();
    expect((await api.call('app.status', {})).contactCount).toBe(1);
  }, TEST_TIMEOUT);

  it('lists a purchase import in the history in its own words: purchases added, no record completed, undo naming what goes', async () => {
    const { api } = await openTestStore();
    const zoe = await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Œuvray', email: 'zoe@oeuvray.fr' });
    renderWithApi(<ImportPage />, api);
    const user = userEvent.setup();
    await user.click(screen.getByText('Des achats'));
    await user.upload(screen.getByTestId('import-file-input'), csvFile(fs.readFileSync(path.join(fixtures, 'shopify-orders.csv')), 'commandes.csv'));
    await screen.findByTestId('import-mapping');
    await toCheck(user);
    await screen.findByTestId('report-clean', {}, JOB_WAIT);
    // the counts in a purchase import's words, and only those it can have
    expect(screen.getByTestId('report-count-created').parentElement?.textContent).toBe('3Nouveaux achats');
    expect(screen.getByTestId('report-count-skipped').parentElement?.textContent).toBe('2Laissés de côté (déjà là, ou pas des ventes)');
    expect(screen.queryByTestId('report-count-merged')).toBeNull();
    expect(screen.getByText(/quels achats seront ajoutés, laissés de côté ou refusés/)).toBeTruthy();
    await user.click(screen.getByTestId('import-commit'));
    expect((await screen.findByTestId('import-result', {}, JOB_WAIT)).dataset.status).toBe('done');

    await user.click(screen.getByTestId('import-tab-history'));
    const row = await screen.findByTestId('import-history-row');
    expect(within(row).getByTestId('import-history-created').textContent).toBe('3');
    // a sale import completes no record: « sans objet », not a 0 that would read as "none this time"
    expect(within(row).getAllByLabelText('sans objet')).toHaveLength(2);
    await user.click(within(row).getByTestId('import-history-undo'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('Achats ajoutés, qui seront supprimés avec les remboursements lus dans le fichier : 3.');
    expect(dialog.textContent).not.toContain('Fiches créées');
    await user.click(screen.getByTestId('import-undo-confirm'));
    await waitFor(() => expect(screen.getByTestId('import-history-row').dataset.undone).toBe('true'), JOB_WAIT);
    expect((await api.call('purchases.list', { contactId: zoe.id })).rows).toEqual([]);
  }, TEST_TIMEOUT);

  it('offers the remembered mapping for a file with the same columns, and refuses a file that is no table', async () => {
    const { api } = await openTestStore();
    renderWithApi(<ImportPage />, api);
    const user = userEvent.setup();

    await user.upload(screen.getByTestId('import-file-input'), new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])], 'photo.csv'));
    expect((await screen.findByTestId('import-file-error')).textContent).toContain('Ce n’est pas un tableau');
    expect(screen.queryByTestId('import-mapping')).toBeNull();

    await user.upload(screen.getByTestId('import-file-input'), csvFile(fixedGolden(), 'clients.csv'));
    await screen.findByTestId('import-mapping');
    await user.selectOptions(select(14), '');
    await waitFor(() => expect(screen.getByTestId('mapping-origin-14').dataset.origin).toBe('edited'));
    await toCheck(user);
    await user.click(await screen.findByTestId('import-commit', {}, JOB_WAIT));
    expect((await screen.findByTestId('import-result', {}, JOB_WAIT)).dataset.status).toBe('done');
    expect(await contactCount(api)).toBe(6);

    // next month's export: same columns, the mapping comes back as the user left it
    await user.click(screen.getByTestId('import-restart'));
    await user.upload(screen.getByTestId('import-file-input'), csvFile(fixedGolden(), 'clients-mars.csv'));
    await screen.findByTestId('import-mapping');
    expect(screen.getByTestId('import-mapping-source').dataset.source).toBe('remembered');
    expect(select(14).value).toBe('');
    expect(screen.getByTestId('mapping-origin-14').dataset.origin).toBe('ignored');
    expect(screen.getByTestId('mapping-origin-1').dataset.origin).toBe('remembered');

    // importing it again changes nothing: every row is already there
    await toCheck(user);
    await screen.findByTestId('report-clean', {}, JOB_WAIT);
    expect(screen.getByTestId('report-count-created').textContent).toBe('0');
    expect(screen.getByTestId('report-count-skipped').textContent).toBe('6');
    // and the check says so where the import is offered, instead of « Tout est prêt »
    const ready = screen.getByTestId('import-ready');
    expect(ready.dataset.changes).toBe('false');
    expect(ready.textContent).toContain('Rien de nouveau dans ce fichier : chaque ligne est déjà dans la base ou laissée de côté.');
    // imported all the same: the result promises no undo of changes it did not make
    await user.click(screen.getByTestId('import-commit'));
    const result = await screen.findByTestId('import-result', {}, JOB_WAIT);
    expect(result.dataset.changes).toBe('false');
    expect(result.textContent).toContain('la base n’a pas changé. L’import est noté dans l’historique.');
    expect(result.textContent).not.toContain('annuler cet import');
    expect(await contactCount(api)).toBe(6);
    // the history keeps it, newest first, with nothing to undo; the first import keeps its undo
    await user.click(screen.getByTestId('import-tab-history'));
    await screen.findAllByTestId('import-history-row');
    const [latest, first] = screen.getAllByTestId('import-history-row');
    expect(within(latest!).getByTestId('import-history-unchanged').textContent).toBe('Rien de nouveau');
    expect(within(latest!).queryByTestId('import-history-undo')).toBeNull();
    expect(within(first!).getByTestId('import-history-file').textContent).toBe('clients.csv');
    expect(within(first!).queryByTestId('import-history-undo')).not.toBeNull();
  }, TEST_TIMEOUT);

  it('says which task a refused check waits for, and checks once that task is over', async () => {
    const { api } = await openTestStore();
    const user = userEvent.setup();
    renderWithApi(<ImportPage />, api);
    await user.upload(screen.getByTestId('import-file-input'), csvFile(fixedGolden(), 'clients-corrige.csv'));
    await screen.findByTestId('import-mapping');
    await checkReady();
    // a demo shop loading (seconds for 20,000 customers): a job that writes, so a dry run, which holds a transaction too, must wait
    const { jobId } = await api.call('demo.generate', { customers: 20_000 });
    await user.click(screen.getByTestId('import-to-check'));
    const refused = await screen.findByTestId('import-check-error', {}, JOB_WAIT);
    expect(refused.textContent).toBe('La boutique de démonstration est en cours de chargement : réessayez quand elle sera prête.');
    expect(screen.queryByTestId('report-clean')).toBeNull();

    await api.call('jobs.cancel', { jobId });
    await waitFor(async () => expect(await api.call('jobs.running', {})).toEqual([]), JOB_WAIT);
    await user.click(screen.getByTestId('import-dry-run'));
    await screen.findByTestId('report-clean', {}, JOB_WAIT);
    expect(screen.getByTestId('report-count-created').textContent).toBe('6');
    expect(screen.queryByTestId('import-check-error')).toBeNull();
    // the cancelled demo left nothing, the check wrote nothing
    expect(await contactCount(api)).toBe(0);
  }, TEST_TIMEOUT);
});

describe('ReportView notices', () => {
  const report: ImportReport = {
    dryRun: true,
    importId: null,
    rows: 8,
    created: 8,
    updated: 0,
    merged: 0,
    skipped: 0,
    changesBase: true,
    errors: [],
    errorsTruncated: false,
    errorCount: 0,
    notices: [
      { line: 3, field: 'phone', value: '06 11 22 33 44', reason: 'possible_duplicate' },
      { line: 3, field: 'consent', value: 'oui', reason: 'short_row' },
      { line: 7, field: 'consent', value: 'oui', reason: 'short_row' },
    ],
    noticeLines: { possible_duplicate: 1, short_row: 2 },
  };
  const lines = () =>
    Object.fromEntries(
      screen.getAllByTestId('report-notice').map((n) => [n.dataset.reason, n.querySelectorAll('p')[1]?.textContent]),
    );

  it.each([
    ['fr', { possible_duplicate: 'ligne 3', short_row: 'lignes 3, 7' }],
    ['en', { possible_duplicate: 'line 3', short_row: 'lines 3, 7' }],
  ] as const)('names one line in the singular and several in the plural (%s)', async (language, expected) => {
    const { api } = await openTestStore(language);
    renderWithApi(
      <ReportView report={report} kind="contacts" fileName="clients.csv" headers={['Nom']} mapping={['lastName']} />,
      api,
      language,
    );
    await screen.findByTestId('report-notices');
    expect(lines()).toEqual(expected);
  });

  it('counts the lines past the 1,000 notices the report lists', async () => {
    const { api } = await openTestStore('fr');
    const listed = Array.from({ length: 1_000 }, (_, i) => ({ line: i + 2, field: null, value: '2', reason: 'short_row' }));
    renderWithApi(
      <ReportView
        report={{ ...report, rows: 1_500, created: 1_500, notices: listed, noticeLines: { short_row: 1_500 } }}
        kind="contacts"
        fileName="clients.csv"
        headers={['Nom']}
        mapping={['lastName']}
      />,
      api,
      'fr',
    );
    await screen.findByTestId('report-notices');
    expect(lines().short_row?.replace(/[\u00a0\u202f]/g, ' ')).toBe('lignes 2, 3, 4, 5, 6, 7, 8, 9 et 1 492 autres');
  });
});

describe('preview cells', () => {
  it('shows an imported quantity as the language writes numbers, as the amounts beside it', () => {
    const nbsp = /[\u00a0\u202f]/g;
    for (const [language, expected] of [
      ['fr', ['0,352', '-2', '1 000,5', '11,44 €']],
      ['en', ['0.352', '-2', '1,000.5', '€11.44']],
    ] as const) {
      const { t } = createI18n(language);
      const fmt = createFormatters(language, 'EUR');
      const shown = [
        storedText(t, fmt, 'quantity', '0.352'),
        storedText(t, fmt, 'quantity', '-2'),
        storedText(t, fmt, 'quantity', '1000.5'),
        storedText(t, fmt, 'lineTotalCents', '1144'),
      ].map((text) => text.replace(nbsp, ' '));
      expect(shown, language).toEqual(expected);
    }
    // what the store could not read stays as the file had it
    expect(storedText(createI18n('fr').t, createFormatters('fr', 'EUR'), 'quantity', 'deux')).toBe('deux');
  });

  it('names the unit a line will be stored in, in the app’s language', () => {
    expect(['kg', 'l', 'm'].map((u) => storedText(createI18n('fr').t, createFormatters('fr', 'EUR'), 'unit', u))).toEqual(['Au kilo', 'Au litre', 'Au mètre']);
    expect(storedText(createI18n('en').t, createFormatters('en', 'EUR'), 'unit', 'kg')).toBe('Per kilogram');
  });
});
