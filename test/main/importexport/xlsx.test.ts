import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { detectFileKind } from '../../../src-main/domain/importexport/encoding';
import { encodeExcelEscapes, readXlsx, writeXlsx } from '../../../src-main/domain/importexport/xlsx';
import { neutralise, unneutralise } from '../../../src-main/domain/importexport/neutralise';
import { collect, expectCode, fixture } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-xlsx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (): string => join(dir, `f${(n += 1)}.xlsx`);

describe('writeXlsx', () => {
  it('writes text cells that keep leading zeros and plus signs, and reads back', async () => {
    const path = file();
    const rows = [
      ['01000', '0612345678', '+33 6 12 34 56 78', '=SOMME(A1:A2)', '-12,50', 'Cœur & Fils <SARL>'],
      ['', 'deux\nlignes', 'tab\there', 'cr\rhere', '&amp; &lt;', '_x0041_'],
    ];
    expect(await writeXlsx(path, ['CP', 'Tél', 'Mobile', 'Formule', 'Montant', 'Société'], rows)).toEqual({ rows: 2 });
    expect(detectFileKind(readFileSync(path).subarray(0, 65536))).toBe('xlsx');

    // Excel's view: the cells are typed as strings, so "01000" is not a number.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A2').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('A2').value).toBe('01000');
    expect(sheet.getCell('D2').value).toBe("'=SOMME(A1:A2)");
    expect(sheet.getRow(1).font?.bold).toBe(true);

    const back = await collect(readXlsx(path));
    expect(back).toEqual([
      { line: 1, cells: ['CP', 'Tél', 'Mobile', 'Formule', 'Montant', 'Société'] },
      { line: 2, cells: ['01000', '0612345678', '+33 6 12 34 56 78', "'=SOMME(A1:A2)", '-12,50', 'Cœur & Fils <SARL>'] },
      { line: 3, cells: ['', 'deux\nlignes', 'tab\there', 'cr\rhere', '&amp; &lt;', '_x0041_'] },
    ]);
  });

  it('writes numbers and days as typed cells that read back as the CSV reader gives them', async () => {
    const path = file();
    const row = [{ number: 1234.5, format: '#,##0.00' }, { number: 3, format: '0' }, { day: '2026-11-30' }, { day: '1850-01-01' }, '01000'];
    await writeXlsx(path, ['Total', 'Achats', 'Le', 'Ancien', 'CP'], [row]);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.worksheets[0]!;
    expect(sheet.getCell('A2').type).toBe(ExcelJS.ValueType.Number);
    expect(sheet.getCell('A2').numFmt).toBe('#,##0.00');
    expect(sheet.getCell('B2').value).toBe(3);
    expect(sheet.getCell('C2').type).toBe(ExcelJS.ValueType.Date);
    expect(sheet.getCell('C2').value).toEqual(new Date(Date.UTC(2026, 10, 30)));
    // Excel's built-in short date (id 14), shown in each reader's own order
    expect(sheet.getCell('C2').numFmt).toBe('mm-dd-yy');
    // Excel has no day before 1900: such a day stays text
    expect(sheet.getCell('D2').value).toBe('1850-01-01');
    expect(sheet.getCell('E2').type).toBe(ExcelJS.ValueType.String);
    expect((await collect(readXlsx(path)))[1]).toEqual({ line: 2, cells: ['1234.5', '3', '2026-11-30', '1850-01-01', '01000'] });
  });

  it('round-trips arbitrary text', async () => {
    const cell = fc.string({ unit: 'binary', maxLength: 10 }).map((s) => s.replace(/[\ud800-\udfff]/g, ''));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }), async (rows) => {
        const path = file();
        await writeXlsx(path, ['a', 'b', 'c'], rows);
        const back = (await collect(readXlsx(path))).slice(1);
        const kept = rows.filter((r) => r.some((c) => neutralise(c).trim() !== ''));
        expect(back.map((r) => [0, 1, 2].map((i) => unneutralise(r.cells[i] ?? '')))).toEqual(kept);
      }),
      { numRuns: 40 },
    );
  });

  it('escapes what XML cannot carry the way Excel does', () => {
    expect(encodeExcelEscapes('a\rb\u0001_x0041_&amp;')).toBe('a_x000D_b_x0001__x005F_x0041__x0026_amp;');
  });
});

describe('readXlsx bad input', () => {
  it('refuses a file that is not a workbook', async () => {
    const path = join(dir, 'not.xlsx');
    writeFileSync(path, 'Nom;Prénom\n');
    await expectCode(collect(readXlsx(path)), 'invalid_xlsx');
  });

  it('refuses an empty first sheet', async () => {
    const path = file();
    await writeXlsx(path, [], []);
    await expectCode(collect(readXlsx(path)), 'empty_file');
  });

  it('refuses more than 500 columns', async () => {
    const path = file();
    await writeXlsx(path, Array.from({ length: 600 }, (_, i) => `c${i}`), []);
    const error = await expectCode(collect(readXlsx(path)), 'too_many_columns');
    expect(error.location.line).toBe(1);
  });

  it('reads the first tab of the workbook, wherever its entries sit in the zip', async () => {
    // exceljs writes xl/workbook.xml last; its streaming reader loses that
    // entry now and then (exceljs #3064). Read the same file many times.
    const path = file();
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Clients').addRows([['Nom', 'CP'], ['Dupont', '01000']]);
    workbook.addWorksheet('Autre').addRow(['x']);
    await workbook.xlsx.writeFile(path);
    for (let i = 0; i < 40; i += 1) {
      expect(await collect(readXlsx(path))).toEqual([
        { line: 1, cells: ['Nom', 'CP'] },
        { line: 2, cells: ['Dupont', '01000'] },
      ]);
    }
  });

  it('stops reading when the caller stops, and can read the file again', async () => {
    for await (const row of readXlsx(fixture('clients.xlsx'))) {
      expect(row.line).toBe(1);
      break;
    }
    expect((await collect(readXlsx(fixture('clients.xlsx')))).length).toBe(4);
  });
});
