import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDelimited } from '../../../src-main/domain/importexport/csv';
import { guessMapping, mapRow, type ContactTarget, type PurchaseTarget } from '../../../src-main/domain/importexport/mapping';
import { openTable, type SkipReason } from '../../../src-main/domain/importexport/table';
import { eachOf, inBatches } from '../../../src-main/domain/importexport/rows';
import { parseDate, parseFrenchDecimal, parseQuantity, restorePhone, restorePostcode } from '../../../src-main/domain/importexport/values';
import { isVCardFault, parseVCards, readVCards } from '../../../src-main/domain/importexport/vcard';
import { readXlsx } from '../../../src-main/domain/importexport/xlsx';
import { collect, fixture, fixtureStream } from './helpers';

type Mapped<T extends string> = { line: number; count: number } & Partial<Record<T, string>>;

/** Reads a delimited fixture the way the importer will: detect, find the header, guess, map. */
const readFixture = async <T extends string>(name: string, guess: (headers: string[]) => (T | null)[]) => {
  const file = await openDelimited(fixtureStream(name));
  const skipped: [number, SkipReason][] = [];
  const table = await openTable(file.batches, { onSkip: (line, reason) => skipped.push([line, reason]) });
  const rows = await collect(eachOf(table.batches));
  const mapping = guess(table.header?.cells ?? []);
  const mapped: Mapped<T>[] = rows.map((r) => ({ line: r.line, count: r.cells.length, ...mapRow(mapping, r.cells) }));
  return { file, table, rows, mapping, mapped, skipped };
};

const contacts = (headers: string[]) => guessMapping(headers, 'contacts');
const purchases = (headers: string[]) => guessMapping(headers, 'purchases');

describe('clients-excel-fr.csv (Windows-1252, ;, CRLF, French Excel)', () => {
  it('is detected, mapped and read to the exact rows', async () => {
    const { file, table, mapping, mapped, skipped } = await readFixture('clients-excel-fr.csv', contacts);
    expect(file.encoding).toBe('windows-1252');
    expect(file.delimiter).toBe(';');
    expect(table.header?.line).toBe(1);
    expect(mapping).toEqual([
      'civility', 'lastName', 'firstName', 'company', 'email', 'phone', 'mobile', 'addressLine1', 'addressLine2',
      'postcode', 'city', 'country', 'birthDate', 'code', 'note', 'tags', null,
    ]);
    // Line 5 is blank, line 6 an Excel empty row (";;;;"): skipped without a report; line 8 repeats the header.
    expect(skipped).toEqual([[8, 'repeated_header']]);
    const expected: Mapped<ContactTarget>[] = [
      {
        line: 2, count: 17, civility: 'Mme', lastName: 'Lefèvre', firstName: 'Élodie', email: 'elodie.lefevre@orange.fr',
        phone: '04 74 22 33 44', mobile: '06 12 34 56 78', addressLine1: '12 rue de l’Église', addressLine2: 'Bât. B – 2e étage',
        postcode: '01000', city: 'Bourg-en-Bresse', country: 'France', birthDate: '05/03/1985', code: 'C0001',
        note: 'Préfère être appelée le matin', tags: 'VIP, Fidèle',
      },
      {
        line: 3, count: 17, civility: 'M.', lastName: 'Garçon', firstName: 'François', company: 'Cœur de Lion SARL',
        email: 'f.garcon@coeurdelion.fr', phone: '01 43 55 66 77', mobile: '0698765432', addressLine1: '5, avenue du Général Leclerc',
        postcode: '75011', city: 'Paris', country: 'France', birthDate: '1/2/78', code: 'C0002',
        note: 'Livraison : sonner deux fois\nCode porte 1234A', tags: 'Pro',
      },
      {
        line: 7, count: 17, civility: 'M.', lastName: 'Dupont', firstName: 'Jean-Pierre', email: 'jp.dupont@wanadoo.fr',
        mobile: '06.11.22.33.44', addressLine1: 'Lieu-dit "Les Chênes"', postcode: '09100', city: 'Pamiers', country: 'France',
        birthDate: '31/12/1960', code: 'C0003', note: 'Ancien client : bon d’achat 50 € offert',
      },
      {
        line: 9, count: 17, civility: 'Mme', lastName: 'Œuvray', firstName: 'Zoé', company: 'Boulangerie Œuvray & Fils',
        email: 'zoe@oeuvray.fr', phone: '03 80 12 34 56', mobile: '07 12 34 56 78', addressLine1: '3 place de la Libération',
        postcode: '21000', city: 'Dijon', country: 'France', birthDate: '29/02/2000', code: 'C0004',
        note: 'Commande de bûches – Noël', tags: 'Noël, Pro',
      },
      // The bad row: 13 cells for 17 columns, an invalid e-mail and phone, a 4-digit postcode, 31 February.
      {
        line: 10, count: 13, civility: 'Mlle', lastName: 'Martin', email: 'pas-un-email', phone: '123', postcode: '7500',
        city: 'Paris', country: 'France', birthDate: '31/02/2024',
      },
      {
        line: 11, count: 17, civility: 'M.', lastName: 'D’Arcy', firstName: 'Hervé', email: 'herve.darcy@free.fr',
        mobile: '+33 6 98 76 54 32', addressLine1: '8 promenade des Anglais', postcode: '06000', city: 'Nice', country: 'France',
        birthDate: '1990-07-14', code: 'C0006',
      },
    ];
    expect(mapped).toEqual(expected);
    expect(mapped.map((r) => parseDate(r.birthDate ?? ''))).toEqual([
      { ok: true, value: '1985-03-05' },
      { ok: true, value: '1978-02-01' },
      { ok: true, value: '1960-12-31' },
      { ok: true, value: '2000-02-29' },
      { ok: false, reason: 'impossible_date' },
      { ok: true, value: '1990-07-14' },
    ]);
  });

  it('reads the unmapped amount column as cents, decimal commas and all', async () => {
    const { rows } = await readFixture('clients-excel-fr.csv', contacts);
    expect(rows.map((r) => r.cells[16] ?? '').map((v) => parseFrenchDecimal(v))).toEqual([
      { ok: true, value: 123450 },
      { ok: true, value: 8990 },
      { ok: true, value: 0 },
      { ok: true, value: 1250 },
      { ok: false, reason: 'empty' },
      { ok: true, value: -300 },
    ]);
  });

  it('keeps every byte of 0x80-0x9F that French text uses', () => {
    const bytes = readFileSync(fixture('clients-excel-fr.csv'));
    for (const b of [0x80, 0x8c, 0x92, 0x96, 0x9c]) expect(bytes.includes(b)).toBe(true);
    expect(bytes.includes(Buffer.from('é', 'utf8'))).toBe(false);
  });
});

describe('clients-utf8-bom.csv (UTF-8 with BOM, comma, English headers)', () => {
  it('is detected, mapped and read to the exact rows', async () => {
    const { file, table, mapping, mapped, skipped } = await readFixture('clients-utf8-bom.csv', contacts);
    expect(file.encoding).toBe('utf-8-bom');
    expect(file.delimiter).toBe(',');
    expect(table.header?.cells[0]).toBe('First name');
    expect(skipped).toEqual([]);
    expect(mapping).toEqual([
      'firstName', 'lastName', 'company', 'email', 'phone', 'mobile', 'addressLine1', 'postcode', 'city', 'country', 'birthDate', 'tags', 'note',
    ]);
    const expected: Mapped<ContactTarget>[] = [
      {
        line: 2, count: 13, firstName: 'Anne', lastName: 'Dubois', company: 'Dubois, Fils & Cie', email: 'anne@dubois.fr',
        phone: '+33 4 78 00 00 00', mobile: '+33 6 00 00 00 01', addressLine1: '1 quai Saint-Antoine', postcode: '69002',
        city: 'Lyon', country: 'France', birthDate: '1979-11-23', tags: 'client,vip', note: 'Prefers e-mail 📧',
      },
      {
        line: 3, count: 13, firstName: 'Tom', lastName: "O'Neil", company: 'Le "Petit" Café', email: 'tom@petitcafe.co.uk',
        phone: '+44 20 7946 0958', addressLine1: '221B Baker Street', postcode: 'NW1 6XE', city: 'London', country: 'United Kingdom',
        birthDate: '04/12/1990',
      },
      {
        line: 4, count: 13, firstName: 'Zoë', lastName: 'Ångström', email: 'zoe@example.se', mobile: '+46 70 123 45 67',
        addressLine1: 'Drottninggatan 1', postcode: '111 51', city: 'Stockholm', country: 'Sweden', tags: 'nordic', note: 'Line one\nLine two',
      },
      {
        line: 6, count: 13, firstName: 'Chloé', lastName: 'Nguyễn', company: 'Phở Paris', email: 'chloe@pho.paris', phone: '01 42 00 00 00',
        addressLine1: '12, rue Saint-Denis', postcode: '75001', city: 'Paris', country: 'France', birthDate: '2001-01-01',
        note: '=HYPERLINK("http://example.com")',
      },
    ];
    expect(mapped).toEqual(expected);
  });
});

describe('achats-caisse.csv (a till export)', () => {
  it('finds the header under the title, maps purchases and reads the exact rows', async () => {
    const { file, table, mapping, mapped, skipped } = await readFixture('achats-caisse.csv', purchases);
    expect([file.encoding, file.delimiter]).toEqual(['windows-1252', ';']);
    expect(table.header?.line).toBe(3);
    expect(table.preamble.map((r) => r.cells)).toEqual([['Export caisse – Boutique Comptoir – du 01/03/2024 au 31/03/2024']]);
    expect(skipped).toEqual([[1, 'preamble']]);
    expect(mapping).toEqual([
      'reference', 'date', 'customerCode', 'email', 'productName', 'sku', 'quantity', 'unitPrice', 'lineTotal', 'amount', 'channel',
    ]);
    const expected: Mapped<PurchaseTarget>[] = [
      { line: 4, count: 11, reference: 'T-0001', date: '05/03/2024 14:32', customerCode: '000123', productName: 'Café « Moka » 250 g', sku: 'CAF-250', quantity: '2', unitPrice: '6,90', lineTotal: '13,80', amount: '25,30', channel: 'Boutique' },
      { line: 5, count: 11, reference: 'T-0001', date: '05/03/2024 14:32', customerCode: '000123', productName: 'Théière fonte – 1 L', sku: 'THE-1L', quantity: '1', unitPrice: '11,50', lineTotal: '11,50', amount: '25,30', channel: 'Boutique' },
      { line: 6, count: 11, reference: 'T-0002', date: '06/03/2024 09:05', email: 'marie.curie@orange.fr', productName: 'Coffret Noël œnologie', sku: 'COF-NOE', quantity: '1', unitPrice: '45,00', lineTotal: '45,00', amount: '45,00', channel: 'Web' },
      { line: 7, count: 11, reference: 'T-0003', date: '07/03/2024', customerCode: '000124', productName: 'Café « Moka » 250 g', sku: 'CAF-250', quantity: '-1', unitPrice: '6,90', lineTotal: '-6,90', amount: '-6,90', channel: 'Boutique' },
      { line: 8, count: 11, reference: 'T-0004', date: '32/03/2024', customerCode: '000125', productName: 'Tasse', sku: 'TAS-01', quantity: '1', unitPrice: '4,50', lineTotal: '4,50', amount: '4,50', channel: 'Salon' },
      { line: 9, count: 11, reference: 'T-0005', date: '08/03/2024', customerCode: '000126', productName: 'Sucre en morceaux', sku: 'SUC-1KG', quantity: '1,5', unitPrice: '2,10', lineTotal: '3,15', amount: '3,15', channel: 'Boutique' },
      { line: 10, count: 11, reference: 'T-0006', date: '09/03/2024', amount: '1 204,00 €', channel: 'Téléphone' },
    ];
    expect(mapped).toEqual(expected);
  });

  it('converts dates, quantities and amounts, and says why the bad ones fail', async () => {
    const { mapped } = await readFixture('achats-caisse.csv', purchases);
    const converted = mapped.map((r) => ({
      line: r.line,
      date: parseDate(r.date ?? ''),
      quantity: r.quantity === undefined ? null : parseQuantity(r.quantity),
      amount: parseFrenchDecimal(r.amount ?? ''),
    }));
    expect(converted).toEqual([
      { line: 4, date: { ok: true, value: '2024-03-05' }, quantity: { ok: true, value: 2 }, amount: { ok: true, value: 2530 } },
      { line: 5, date: { ok: true, value: '2024-03-05' }, quantity: { ok: true, value: 1 }, amount: { ok: true, value: 2530 } },
      { line: 6, date: { ok: true, value: '2024-03-06' }, quantity: { ok: true, value: 1 }, amount: { ok: true, value: 4500 } },
      { line: 7, date: { ok: true, value: '2024-03-07' }, quantity: { ok: false, reason: 'negative_quantity' }, amount: { ok: true, value: -690 } },
      { line: 8, date: { ok: false, reason: 'impossible_date' }, quantity: { ok: true, value: 1 }, amount: { ok: true, value: 450 } },
      // sugar by the kilo: goods sold by weight go to the thousandth
      { line: 9, date: { ok: true, value: '2024-03-08' }, quantity: { ok: true, value: 1.5 }, amount: { ok: true, value: 315 } },
      { line: 10, date: { ok: true, value: '2024-03-09' }, quantity: null, amount: { ok: true, value: 120400 } },
    ]);
    // A refund line is accepted when the importer allows it.
    expect(parseQuantity('-1', { allowNegative: true })).toEqual({ ok: true, value: -1 });
  });
});

describe('clients.xlsx (exceljs, shared strings, typed cells)', () => {
  it('reads the first worksheet to the exact rows', async () => {
    const rows = await collect(readXlsx(fixture('clients.xlsx')));
    expect(rows).toEqual([
      { line: 1, cells: ['Civilité', 'Nom', 'Prénom', 'E-mail', 'Portable', 'CP', 'Ville', 'Date de naissance', 'Client depuis', 'Total achats', 'Actif', 'Remarques'] },
      { line: 2, cells: ['Mme', 'Lefèvre', 'Élodie', 'elodie@orange.fr', '06 12 34 56 78', '01000', 'Bourg-en-Bresse', '1985-03-05', '2019-06-01 14:30', '1234.5', 'true', 'Très fidèle'] },
      { line: 3, cells: ['M.', 'Garçon', 'François', 'f.garcon@free.fr', '612345678', '1000', 'Ambérieu-en-Bugey', '1978-02-01', '2020-01-15', '0.3', 'false', 'Ligne 1\nLigne 2'] },
      { line: 5, cells: ['Mme', 'Œuvray', 'Zoé', 'zoe@oeuvray.fr', '+33 7 12 34 56 78', '21000', 'Dijon', '', '', '12345678.9', 'x', 'Commande de bûches – Noël'] },
    ]);
  });

  it("maps the header and restores what Excel's number cells lost", async () => {
    const table = await openTable(inBatches(readXlsx(fixture('clients.xlsx'))));
    const mapping = guessMapping(table.header?.cells ?? [], 'contacts');
    expect(mapping).toEqual(['civility', 'lastName', 'firstName', 'email', 'mobile', 'postcode', 'city', 'birthDate', null, null, null, 'note']);
    const rows = (await collect(eachOf(table.batches))).map((r) => mapRow(mapping, r.cells));
    expect(rows.map((r) => [restorePostcode(r.postcode ?? ''), restorePhone(r.mobile ?? '')])).toEqual([
      [{ value: '01000', fixed: false }, { value: '06 12 34 56 78', fixed: false }],
      [{ value: '01000', fixed: true }, { value: '0612345678', fixed: true }],
      [{ value: '21000', fixed: false }, { value: '+33 7 12 34 56 78', fixed: false }],
    ]);
  });
});

describe('contacts.vcf (3.0, 4.0, 2.1, folded lines, a photo, broken cards)', () => {
  const expected = [
    {
      line: 1,
      issues: [],
      fields: {
        civility: 'mme', firstName: 'Élodie', lastName: 'Lefèvre', company: 'Cœur de Lion SARL', jobTitle: 'Gérante',
        email: 'elodie.lefevre@orange.fr', email2: 'elodie@coeurdelion.fr',
        emails: [{ value: 'elodie.lefevre@orange.fr', kinds: ['home'], label: null, line: 8 }, { value: 'elodie@coeurdelion.fr', kinds: ['work'], label: null, line: 7 }],
        mobile: '06 12 34 56 78', phone: '04 74 22 33 44',
        phones: [{ value: '06 12 34 56 78', kinds: ['cell'], label: null, line: 9 }, { value: '04 74 22 33 44', kinds: ['work'], label: null, line: 10 }],
        addressLine1: '12 rue de l’Église', addressLine2: 'Bât. B', postcode: '01000', city: 'Bourg-en-Bresse', country: 'France',
        birthDate: '1985-03-05', tags: ['VIP', 'Fidèle'],
        note: 'Préfère être appelée le matin, jamais le lundi; livraison au 2e\nétage. Cette note est assez longue pour être repliée sur plusieurs lignes.',
        lines: {
          civility: 3, firstName: 3, lastName: 3, company: 5, jobTitle: 6, email: 8, email2: 7, mobile: 9, phone: 10,
          addressLine1: 12, addressLine2: 12, city: 12, postcode: 12, country: 12, birthDate: 13, note: 14, tags: 16,
        },
      },
    },
    {
      line: 22,
      issues: [],
      fields: {
        civility: 'mme', firstName: 'Zoé', lastName: 'Œuvray', email: 'zoe@oeuvray.fr', email2: 'zoe@gmail.com',
        emails: [{ value: 'zoe@oeuvray.fr', kinds: [], label: null, line: 28 }, { value: 'zoe@gmail.com', kinds: [], label: null, line: 27 }],
        mobile: '+33-7-12-34-56-78', phones: [{ value: '+33-7-12-34-56-78', kinds: ['cell'], label: null, line: 29 }],
        addressLine1: '3 place de la Libération', addressLine2: 'Résidence du Parc', postcode: '21000', city: 'Dijon', country: 'France',
        birthDate: '--04-12', language: 'fr', tags: [],
        lines: {
          civility: 26, firstName: 25, lastName: 25, email: 28, email2: 27, mobile: 29,
          addressLine1: 30, addressLine2: 30, city: 30, postcode: 30, country: 30, birthDate: 31, language: 32,
        },
      },
    },
    {
      line: 35,
      issues: [],
      fields: {
        civility: 'm', firstName: 'François', lastName: 'Garçon', mobile: '0698765432', phone: '01 43 55 66 77',
        phones: [{ value: '0698765432', kinds: ['cell'], label: null, line: 38 }, { value: '01 43 55 66 77', kinds: ['home'], label: null, line: 39 }],
        preferredPhone: '0698765432',
        emails: [], addressLine1: '5, avenue du Général Leclerc', postcode: '75011',
        city: 'Paris', country: 'France', note: 'Client depuis 2015\nCarte fidélité perdue', tags: [],
        // the address is folded by a quoted-printable soft break: reported at its first line
        lines: { civility: 37, firstName: 37, lastName: 37, mobile: 38, phone: 39, addressLine1: 40, city: 40, postcode: 40, country: 40, note: 42 },
      },
    },
    { line: 44, fault: 'unterminated_card', message: 'line 44: a vCard without END:VCARD' },
    {
      line: 48,
      issues: [{ line: 55, reason: 'invalid_line' }],
      fields: {
        company: 'Boulangerie Martin', email: 'contact@boulangerie-martin.fr',
        // its address is in group item1, whose Apple label says Work
        emails: [{ value: 'contact@boulangerie-martin.fr', kinds: ['work'], label: null, line: 53 }],
        phone: '04 78 00 00 00', phones: [{ value: '04 78 00 00 00', kinds: ['work'], label: null, line: 52 }], tags: [],
        lines: { company: 51, email: 53, phone: 52 },
      },
    },
    { line: 57, fault: 'text_outside_card', message: 'line 57: text outside a vCard (BEGIN:VCARD … END:VCARD)' },
  ];

  it('parses every card, reports the broken ones at their line and skips the photo', () => {
    const items = parseVCards(readFileSync(fixture('contacts.vcf'), 'utf8'));
    expect(items).toEqual(expected);
    expect(items.filter(isVCardFault).map((f) => f.fault)).toEqual(['unterminated_card', 'text_outside_card']);
  });

  it('streams the same cards from the file, whatever the chunk size', async () => {
    const bytes = readFileSync(fixture('contacts.vcf'));
    for (const size of [1, 7, 4096]) {
      const items = await collect(readVCards((async function* () {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      })()));
      expect(items).toEqual(expected);
    }
  });
});
