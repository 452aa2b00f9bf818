import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import {
  createDecoder,
  decodeAll,
  decodeWindows1252,
  detectEncoding,
  detectFileKind,
  detectFormat,
  utf8ValidLength,
} from '../../../src-main/domain/importexport/encoding';
import { ImportError } from '../../../src-main/domain/importexport/errors';
import { fixture } from './helpers';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (error) {
    if (error instanceof ImportError) return error.code;
    throw error;
  }
  return 'none';
};

describe('detectEncoding', () => {
  it('trusts a BOM first', () => {
    expect(detectEncoding(bytes(0xef, 0xbb, 0xbf, 0x61))).toBe('utf-8-bom');
    expect(detectEncoding(bytes(0xff, 0xfe, 0x61, 0x00))).toBe('utf-16le');
    expect(detectEncoding(bytes(0xfe, 0xff, 0x00, 0x61))).toBe('utf-16be');
  });

  it('reads valid UTF-8 as UTF-8, anything else as Windows-1252', () => {
    expect(detectEncoding(Buffer.from('Nom;Prénom\nLefèvre;Élodie', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(iconv.encode('Nom;Prénom\nLefèvre;Élodie €', 'windows1252'))).toBe('windows-1252');
    expect(detectEncoding(Buffer.from('plain ascii', 'utf8'))).toBe('utf-8');
  });

  it('tells a French Mac Roman file (Excel for Mac « CSV ») from Windows-1252 by its accented letters', () => {
    const french = 'Nom;Prénom;Ville;Remarques\rLefèvre;Élodie;Bourg-en-Bresse;À rappeler, très fidèle\rGarçon;François;Besançon;Crème brûlée – Noël\r';
    const mac = iconv.encode(french, 'macintosh');
    expect(detectEncoding(mac)).toBe('mac-roman');
    expect(decodeAll(mac)).toBe(french);
    expect(detectEncoding(iconv.encode(french, 'windows1252'))).toBe('windows-1252');
    // Windows-1252's own quotes and dashes are no sign of a Mac
    expect(detectEncoding(iconv.encode('Nom;Remarque\r\nDupont;« l’été » – 5 € ™', 'windows1252'))).toBe('windows-1252');
  });

  it('accepts a UTF-8 sequence cut by the end of the sample', () => {
    const cut = Buffer.from('abc é', 'utf8').subarray(0, 5);
    expect(detectEncoding(cut)).toBe('utf-8');
  });

  it('is strict: overlongs, surrogates and stray continuation bytes are not UTF-8', () => {
    expect(utf8ValidLength(bytes(0xc0, 0xaf), false)).toBe(0);
    expect(utf8ValidLength(bytes(0x61, 0xed, 0xa0, 0x80), false)).toBe(1);
    expect(utf8ValidLength(bytes(0x61, 0x80), false)).toBe(1);
    expect(utf8ValidLength(bytes(0xf4, 0x90, 0x80, 0x80), false)).toBe(0);
    expect(utf8ValidLength(Buffer.from('😀é', 'utf8'), false)).toBe(6);
  });

  it('recognises UTF-16 written without a BOM', () => {
    expect(detectEncoding(iconv.encode('Nom;Prénom\r\nDupont;Jean', 'utf16le'))).toBe('utf-16le');
    expect(detectEncoding(iconv.encode('Nom;Prénom\r\nDupont;Jean', 'utf16be'))).toBe('utf-16be');
  });

  it('refuses binary files, naming what they are', () => {
    const png = bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52);
    expect(codeOf(() => detectEncoding(png))).toBe('binary_file');
    expect(codeOf(() => detectEncoding(Buffer.from('%PDF-1.7\n%âãÏÓ', 'latin1')))).toBe('binary_file');
    expect(codeOf(() => detectEncoding(bytes(0xff, 0xd8, 0xff, 0xe0)))).toBe('binary_file');
    expect(codeOf(() => detectEncoding(Buffer.from('Nom;Prénom\n\u0000\u0001', 'latin1')))).toBe('binary_file');
    expect(codeOf(() => detectEncoding(bytes(0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)))).toBe('xls_file');
    const zip = Buffer.concat([bytes(0x50, 0x4b, 0x03, 0x04), Buffer.from('....word/document.xml')]);
    expect(codeOf(() => detectEncoding(zip))).toBe('binary_file');
    const xlsx = Buffer.concat([bytes(0x50, 0x4b, 0x03, 0x04), Buffer.from('....[Content_Types].xml....xl/workbook.xml')]);
    expect(detectFileKind(xlsx)).toBe('xlsx');
    expect(codeOf(() => detectEncoding(xlsx))).toBe('binary_file');
    expect(codeOf(() => detectFileKind(new Uint8Array(0)))).toBe('empty_file');
  });
});

describe('Windows-1252', () => {
  it('decodes 0x80-0x9F as Windows-1252 does, unlike Node’s own decoder', () => {
    const high = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i);
    const text = decodeWindows1252(high);
    expect(text).toBe('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ');
    expect(new TextDecoder('windows-1252').decode(high)).not.toBe(text);
    expect(decodeWindows1252(iconv.encode('€ œ ’ – Œ « » é ç ÿ', 'windows1252'))).toBe('€ œ ’ – Œ « » é ç ÿ');
  });
});

describe('createDecoder', () => {
  const text = 'Nom;Prénom\r\nLefèvre;Élodie 😀 €\r\n';

  it('gives the same text whatever the chunking (sequences split across chunks)', () => {
    for (const [encoding, encoded] of [
      ['utf-8', Buffer.from(text, 'utf8')],
      ['utf-8-bom', Buffer.from(`\ufeff${text}`, 'utf8')],
      ['utf-16le', iconv.encode(text, 'utf16le', { addBOM: true })],
      ['utf-16be', iconv.encode(text, 'utf16be')],
      ['windows-1252', iconv.encode(text.replace('😀', ':)'), 'windows1252')],
    ] as const) {
      const expected = encoding === 'windows-1252' ? text.replace('😀', ':)') : text;
      for (const size of [1, 2, 3, 5, 1000]) {
        const decoder = createDecoder(encoding);
        let out = '';
        for (let i = 0; i < encoded.length; i += size) out += decoder.write(encoded.subarray(i, i + size));
        out += decoder.end();
        expect(out, `${encoding} by ${size}`).toBe(expected);
      }
    }
  });

  it('locates invalid UTF-8 found after the sample', () => {
    const decoder = createDecoder('utf-8');
    decoder.write(Buffer.from('é;a\nb;c\n', 'utf8'));
    let error: unknown;
    try {
      decoder.write(bytes(0x64, 0x3b, 0xe9, 0x0a));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).code).toBe('invalid_utf8');
    expect((error as ImportError).location).toEqual({ byte: 11, line: 3 });
    expect((error as ImportError).message).toBe('invalid UTF-8 at byte 11 (line 3)');
  });

  it('reports a UTF-8 file that ends inside a sequence', () => {
    const whole = createDecoder('utf-8-bom');
    const encoded = Buffer.from('\ufeffé', 'utf8');
    expect(whole.write(encoded.subarray(0, 4)) + whole.write(encoded.subarray(4)) + whole.end()).toBe('é');
    const cut = createDecoder('utf-8');
    cut.write(Buffer.concat([Buffer.from('aé', 'utf8'), bytes(0xc3)]));
    expect(codeOf(() => cut.end())).toBe('invalid_utf8');
  });

  it('switches to Windows-1252 when an all-ASCII start was not UTF-8 after all', () => {
    const decoder = createDecoder('utf-8');
    expect(decoder.write(Buffer.from('Nom;Ville\n', 'ascii'))).toBe('Nom;Ville\n');
    expect(decoder.write(iconv.encode('Lefèvre;Besançon €\n', 'windows1252'))).toBe('Lefèvre;Besançon €\n');
    expect(decoder.encoding).toBe('windows-1252');
    expect(decoder.write(bytes(0x9c))).toBe('œ');
  });

  it('decodes a whole buffer with detection', () => {
    expect(decodeAll(iconv.encode('Cœur', 'windows1252'))).toBe('Cœur');
    expect(decodeAll(Buffer.from('\ufeffCœur', 'utf8'))).toBe('Cœur');
  });
});

describe('detectFormat', () => {
  it('tells workbooks, vCards and delimited text apart by content', () => {
    expect(detectFormat(readFileSync(fixture('clients.xlsx')).subarray(0, 65536))).toBe('xlsx');
    expect(detectFormat(readFileSync(fixture('contacts.vcf')))).toBe('vcard');
    expect(detectFormat(readFileSync(fixture('clients-excel-fr.csv')))).toBe('delimited');
    expect(detectFormat(readFileSync(fixture('clients-utf8-bom.csv')))).toBe('delimited');
    expect(codeOf(() => detectFormat(Buffer.from('<html><table><tr><td>Nom</td></tr></table></html>')))).toBe('binary_file');
  });
});
