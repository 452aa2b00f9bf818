import fs from 'node:fs';
import path from 'node:path';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { Api, ContactInput } from '../../src-main/contract';
import { ContactList } from '../../src-renderer/features/contacts/ContactList';
import { openTestStore, renderWithApi, type TestStore, giveContactGridAViewport } from './render';

/** Testing Library's one-second default is short on a busy 2-core machine; a real regression still fails. */
const WAIT = { timeout: 8000 };

giveContactGridAViewport();

/**
 * The store's own Api; downloads are noted so the test can read the file the
 * store wrote (the real download only checks the file is one it may hand out).
 */
const open = async (contacts: ContactInput[], shownIn: 'fr' | 'en' = 'fr') => {
  const store = await openTestStore();
  // English: the app follows the system's language (jsdom's is en-US), which only the window knows
  if (shownIn === 'en') await store.api.call('settings.update', { language: null });
  for (const c of contacts) await store.api.call('contacts.create', c);
  const downloads: string[] = [];
  const api: Api = {
    ...store.api,
    async download(file) {
      await store.api.download(file);
      downloads.push(file);
    },
  };
  renderWithApi(<ContactList onOpen={() => {}} />, api, shownIn);
  await screen.findAllByTestId('contact-row', {}, WAIT);
  return { store, downloads, user: userEvent.setup() };
};

/** The one file handed to the user, checked to be in the store's exports folder. */
const exportedFile = (store: TestStore, downloads: string[]): string => {
  expect(downloads).toHaveLength(1);
  const file = downloads[0] ?? '';
  expect(file.startsWith(path.join(store.dir, 'transfers', 'exports') + path.sep)).toBe(true);
  return file;
};
const exported = (store: TestStore, downloads: string[]): Buffer => fs.readFileSync(exportedFile(store, downloads));

const rowNames = (): string[] =>
  screen.getAllByTestId('contact-row').map((row) => within(row).getByTestId('contact-row-name').textContent ?? '');

const checked = (testId: string): boolean => (screen.getByTestId(testId) as HTMLInputElement).checked;

describe('contact export', () => {
  it('exports the current filter as Windows-1252 CSV with ";" for French Excel, € and accents intact', async () => {
    const { store, downloads, user } = await open([
      {
        firstName: 'Hélène',
        lastName: 'Dupré',
        city: 'Besançon',
        postcode: '25000',
        addressLine1: '12 rue de l’Église',
        jobTitle: 'Gérante (caisse à 5 €)',
        status: 'customer',
      },
      // Ł has no Windows-1252 byte: it becomes "?" and the user is told
      { firstName: 'Łukasz', lastName: 'Nowak', city: 'BESANCON', postcode: '25000' },
      { firstName: 'Marc', lastName: 'Zidane', city: 'Paris', postcode: '75001', jobTitle: 'Vendeur €' },
    ]);
    await user.click(screen.getByTestId('filters-toggle'));
    await user.type(screen.getByTestId('filter-city'), 'besan');
    await waitFor(() => expect(rowNames()).toEqual(['Hélène Dupré', 'Łukasz Nowak']), WAIT);

    await user.click(screen.getByTestId('export-open'));
    expect(checked('export-scope-filter')).toBe(true);
    expect(screen.getByText('La liste filtrée (2 contacts)')).toBeTruthy();
    expect(checked('export-format-csv')).toBe(true);
    await user.click(screen.getByTestId('export-encoding-windows-1252'));
    await user.click(screen.getByTestId('export-delimiter-semicolon'));
    await user.click(screen.getByTestId('export-run'));

    expect((await screen.findByTestId('export-result', {}, WAIT)).textContent).toBe('2 contacts exportés.');
    expect(screen.getByTestId('export-unrepresentable').textContent).toContain('1 caractère n’existe pas en Windows-1252');

    const bytes = exported(store, downloads);
    // no BOM in a Windows-1252 file; € is the single byte 0x80 there
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(bytes.includes(0x80)).toBe(true);
    const lines = iconv.decode(bytes, 'win1252').split('\r\n').filter((l) => l !== '');
    expect(lines[0]?.split(';').slice(0, 4)).toEqual(['Code client', 'Civilité', 'Prénom', 'Nom']);
    expect(lines).toHaveLength(3);
    const rows = lines.slice(1).map((l) => l.split(';'));
    expect(rows.map((r) => `${r[2]} ${r[3]}`)).toEqual(['Hélène Dupré', '?ukasz Nowak']);
    expect(rows[0]).toEqual(expect.arrayContaining(['Gérante (caisse à 5 €)', '12 rue de l’Église', 'Besançon', '25000']));
    expect(lines.join('\n')).not.toContain('Zidane');

    await user.click(screen.getByTestId('export-close'));
    await waitFor(() => expect(screen.queryByTestId('export-result')).toBeNull(), WAIT);
  });

  it('exports a selection as vCard: exactly the ticked contacts', async () => {
    const { store, downloads, user } = await open([
      { firstName: 'Zoé', lastName: 'Abel', email: 'zoe@exemple.fr' },
      { firstName: 'François', lastName: 'Dupont', phone: '06 12 34 56 78' },
      { firstName: 'Élodie', lastName: 'Martin' },
    ]);
    for (const name of ['Zoé Abel', 'Élodie Martin']) {
      const row = screen.getAllByTestId('contact-row').find((r) => within(r).getByTestId('contact-row-name').textContent === name);
      await user.click(within(row as HTMLElement).getByTestId('contact-row-select'));
    }
    await user.click(screen.getByTestId('bulk-export'));
    expect(checked('export-scope-selection')).toBe(true);
    await user.click(screen.getByTestId('export-format-vcf'));
    // CSV options are for CSV only
    expect(screen.queryByTestId('export-encoding-windows-1252')).toBeNull();
    await user.click(screen.getByTestId('export-run'));
    expect((await screen.findByTestId('export-result', {}, WAIT)).textContent).toBe('2 contacts exportés.');
    expect(screen.queryByTestId('export-unrepresentable')).toBeNull();

    const text = exported(store, downloads).toString('utf8');
    expect(text.match(/^BEGIN:VCARD$/gm)).toHaveLength(2);
    expect(text.match(/^FN:.*$/gm)).toEqual(['FN:Zoé Abel', 'FN:Élodie Martin']);
    expect(text).toContain('EMAIL;PREF=1:zoe@exemple.fr');
    expect(text).not.toContain('Dupont');
  });

  it('writes its headers and words in the language the app is shown in', async () => {
    const { store, downloads, user } = await open([{ firstName: 'Zoé', lastName: 'Abel', status: 'customer', source: 'website' }], 'en');
    await user.click(screen.getByTestId('export-open'));
    await waitFor(() => expect(screen.getByText('The whole base (1 contact)')).toBeTruthy(), WAIT);
    await user.click(screen.getByTestId('export-run'));
    expect((await screen.findByTestId('export-result', {}, WAIT)).textContent).toBe('1 contact exported.');
    const lines = exported(store, downloads).toString('utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]?.split(';').slice(0, 4)).toEqual(['Customer code', 'Title', 'First name', 'Last name']);
    expect(lines[1]).toContain(';Customer;Website;');
  });

  it('exports the whole base as .xlsx from the list toolbar', async () => {
    const { store, downloads, user } = await open([
      { firstName: 'Zoé', lastName: 'Abel', postcode: '01000', city: 'Bourg-en-Bresse' },
      { firstName: 'François', lastName: 'Dupont' },
      { firstName: 'Élodie', lastName: 'Martin', tags: ['VIP'] },
    ]);
    await user.click(screen.getByTestId('export-open'));
    // nothing narrows the list and nothing is ticked: the whole base is the only choice
    expect(screen.queryByTestId('export-scope-filter')).toBeNull();
    expect(screen.queryByTestId('export-scope-selection')).toBeNull();
    await waitFor(() => expect(screen.getByText('Toute la base (3 contacts)')).toBeTruthy(), WAIT);
    await user.click(screen.getByTestId('export-format-xlsx'));
    await user.click(screen.getByTestId('export-run'));
    expect((await screen.findByTestId('export-result', {}, WAIT)).textContent).toBe('3 contacts exportés.');

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(exportedFile(store, downloads));
    const sheet = workbook.worksheets[0];
    const values: string[][] = [];
    sheet?.eachRow((row) => values.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))));
    expect(values).toHaveLength(4);
    expect(values.slice(1).map((r) => r[3])).toEqual(['Abel', 'Dupont', 'Martin']);
    // a postcode keeps its leading zero
    expect(values[1]).toContain('01000');
  });
});
