import { Writable } from 'node:stream';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { readDelimited } from '../../../src-main/domain/importexport/csv';
import { encodeWindows1252, formatCsvLine, writeDelimited } from '../../../src-main/domain/importexport/csv-writer';
import { neutralise, unneutralise } from '../../../src-main/domain/importexport/neutralise';
import { chunked, collect } from './helpers';

const capture = () => {
  const parts: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _e, cb) {
      parts.push(chunk);
      setImmediate(cb);
    },
  });
  return { stream, bytes: () => Buffer.concat(parts) };
};

describe('neutralise', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'],
    ['+SUM(A1)', "'+SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['+33 6 12 34 56 78', '+33 6 12 34 56 78'],
    ['+44 20 7946 0958', '+44 20 7946 0958'],
    ['+1 (555) 010-9999', '+1 (555) 010-9999'],
    ['+33.6.12.34.56.78', '+33.6.12.34.56.78'],
    ['-12,50', '-12,50'],
    ['-1 234.5', '-1 234.5'],
    ['+33 6 12 34 56 78 cmd', "'+33 6 12 34 56 78 cmd"],
    ["'=A1", "''=A1"],
    ["'hello", "'hello"],
    ['Dupont', 'Dupont'],
    ['', ''],
  ])('%j → %j, and back', (input, output) => {
    expect(neutralise(input)).toBe(output);
    expect(unneutralise(output)).toBe(input);
  });
});

describe('writeDelimited', () => {
  it('quotes only when needed and neutralises every cell', () => {
    expect(formatCsvLine(['a', 'b;c', 'd"e', 'f\ng', '=1+1', '+33 6 12 34 56 78', ''], ';')).toBe('a;"b;c";"d""e";"f\ng";\'=1+1;+33 6 12 34 56 78;');
    expect(formatCsvLine(['1,5', 'x;y'], ',')).toBe('"1,5",x;y');
  });

  it('writes UTF-8 with a BOM and CRLF, respecting back-pressure', async () => {
    const out = capture();
    const rows = Array.from({ length: 3000 }, (_, i) => [`${i}`, 'Élodie 😀', '01000']);
    const result = await writeDelimited([['n', 'nom', 'cp'], ...rows], out.stream, { delimiter: ';', encoding: 'utf-8-bom' });
    expect(result).toEqual({ rows: 3001, replaced: 0, firstReplacedRow: null });
    const bytes = out.bytes();
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8').slice(1, 30)).toBe('n;nom;cp\r\n0;Élodie 😀;01000\r\n');
  });

  it('writes Windows-1252, replacing and counting what it cannot hold', async () => {
    const out = capture();
    const rows = [
      ['Cœur', '€ 12,50', 'l’été – « oui »'],
      ['Zoë', 'e\u0301', 'ok'],
      ['Nguyễn', '😀', 'Ā'],
    ];
    const result = await writeDelimited(rows, out.stream, { delimiter: ';', encoding: 'windows-1252' });
    expect(result).toEqual({ rows: 3, replaced: 3, firstReplacedRow: 3 });
    expect(iconv.decode(out.bytes(), 'windows1252')).toBe('Cœur;€ 12,50;l’été – « oui »\r\nZoë;é;ok\r\nNguy?n;?;?\r\n');
    expect(encodeWindows1252('plain').replaced).toBe(0);
  });

  it('is read back by readDelimited, separator and encoding detected', async () => {
    for (const encoding of ['utf-8-bom', 'windows-1252'] as const) {
      for (const delimiter of [';', ','] as const) {
        const out = capture();
        const rows = [
          ['Nom', 'Prénom', 'Note', 'Montant'],
          ['Lefèvre', 'Élodie', 'deux\nlignes, "citées"; ok', '-12,50'],
          ['Dupont', 'Jean', '=SOMME(A1)', '1 234,00'],
        ];
        await writeDelimited(rows, out.stream, { delimiter, encoding });
        const back = await collect(readDelimited(chunked(out.bytes(), 3)));
        expect(back.map((r) => r.cells.map(unneutralise)), `${encoding} ${delimiter}`).toEqual(rows);
      }
    }
  });
});
