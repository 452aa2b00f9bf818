import { Writable } from 'node:stream';
import { parse as csvParse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDelimited, readDelimited } from '../../../src-main/domain/importexport/csv';
import { encodeWindows1252, writeDelimited } from '../../../src-main/domain/importexport/csv-writer';
import { createDecoder, decodeWindows1252, detectEncoding, SAMPLE_BYTES } from '../../../src-main/domain/importexport/encoding';
import { ImportError, type ImportErrorCode } from '../../../src-main/domain/importexport/errors';
import { neutralise, unneutralise } from '../../../src-main/domain/importexport/neutralise';
import { eachOf, isBlankRow, type Row } from '../../../src-main/domain/importexport/rows';
import { parseFrenchDecimal } from '../../../src-main/domain/importexport/values';
import { chunked, collect } from './helpers';

const RUNS = { numRuns: 300 };

/** Bytes that build CSV structure, so random input is not only noise. */
const structural = fc.constantFrom(
  ...[0x3b, 0x2c, 0x09, 0x7c, 0x22, 0x0d, 0x0a, 0x20, 0x61, 0x62, 0x31, 0xc3, 0xa9, 0x80, 0x9c, 0xe2, 0x82, 0xac, 0xef, 0xbb, 0xbf, 0x00],
);
const anyBytes = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc.array(structural, { maxLength: 600 }).map((a) => Uint8Array.from(a)),
);

/** Characters that carry text: not structure (quotes, separators, line breaks) and not blank. */
const contentCount = (text: string, delimiter: string): number => {
  let n = 0;
  for (const c of text) if (c !== '"' && c !== delimiter && !/\s/u.test(c)) n += 1;
  return n;
};

const READ_ERRORS: ImportErrorCode[] = ['empty_file', 'binary_file', 'xls_file', 'invalid_utf8', 'unclosed_quote', 'cell_too_large', 'too_many_columns'];
const WHOLE_FILE_AT_OPENING: ImportErrorCode[] = ['binary_file', 'xls_file'];

describe('CSV reader on arbitrary bytes', () => {
  it('never crashes: every record is returned, or the read stops with a located error', async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, fc.integer({ min: 1, max: 64 }), async (bytes, size) => {
        let file: Awaited<ReturnType<typeof openDelimited>> | undefined;
        const expectLocated = (error: unknown): void => {
          expect(error).toBeInstanceOf(ImportError);
          const e = error as ImportError;
          expect(READ_ERRORS).toContain(e.code);
          // an empty file, or what a file is (binary, an old Excel one) found at opening, is said of the whole file; every other fault has its line
          const wholeFile = e.code === 'empty_file' || (file === undefined && WHOLE_FILE_AT_OPENING.includes(e.code));
          if (!wholeFile) expect(e.location.line).toBeGreaterThanOrEqual(1);
          if (e.code === 'invalid_utf8') expect(e.location.byte).toBeLessThan(bytes.length);
        };
        try {
          // opening reads a sample (encoding, separator): a fault inside it is reported there, located the same way
          file = await openDelimited(chunked(bytes, size));
        } catch (error) {
          expectLocated(error);
          return;
        }
        let rows: Row[];
        try {
          rows = await collect(eachOf(file.batches));
        } catch (error) {
          expectLocated(error);
          return;
        }
        // No silent loss: every character of content is in exactly one returned cell.
        const decoder = createDecoder(detectEncoding(bytes.subarray(0, SAMPLE_BYTES)));
        let text = decoder.write(bytes) + decoder.end();
        const sep = /^sep=(.)\r?\n/i.exec(text);
        if (sep && [';', ',', '\t', '|'].includes(sep[1]!)) text = text.slice(sep[0].length);
        const returned = rows.reduce((n, r) => n + r.cells.reduce((m, c) => m + contentCount(c, file.delimiter), 0), 0);
        expect(returned).toBe(contentCount(text, file.delimiter));
        for (let i = 1; i < rows.length; i += 1) expect(rows[i]!.line).toBeGreaterThan(rows[i - 1]!.line);
        for (const r of rows) expect(isBlankRow(r.cells)).toBe(false);
      }),
      // a UTF-8 mark then a byte UTF-8 cannot start with: refused while opening (found by a longer run)
      { ...RUNS, examples: [[Uint8Array.from([0xef, 0xbb, 0xbf, 0x9c]), 1]] },
    );
  });

  it('gives the same rows (or the same error) however the bytes are chunked', async () => {
    const outcome = async (bytes: Uint8Array, size: number): Promise<Row[] | string> => {
      try {
        return await collect(readDelimited(chunked(bytes, size)));
      } catch (error) {
        return error instanceof ImportError ? `${error.code}:${JSON.stringify(error.location)}` : 'crash';
      }
    };
    await fc.assert(
      fc.asyncProperty(anyBytes, fc.integer({ min: 1, max: 16 }), async (bytes, size) => {
        expect(await outcome(bytes, size)).toEqual(await outcome(bytes, bytes.length || 1));
      }),
      RUNS,
    );
  });
});

/** A writable that keeps what it is given. */
const sink = (): { stream: Writable; bytes: () => Buffer } => {
  const parts: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      parts.push(chunk);
      callback();
    },
  });
  return { stream, bytes: () => Buffer.concat(parts) };
};

const WINDOWS_1252_CHARS = [...decodeWindows1252(Uint8Array.from({ length: 256 }, (_, i) => i))].filter((c) => c !== '\r');

/** Cells without CR: the reader makes every line break LF (tested on its own). */
const cell = (unit: fc.Arbitrary<string> | 'binary') =>
  fc.string({ unit, maxLength: 12 }).map((s) => s.replace(/\r/g, ''));

const matrix = (c: fc.Arbitrary<string>) =>
  fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(fc.array(c, { minLength: width, maxLength: width }), { minLength: 1, maxLength: 12 }));

describe('CSV write then read', () => {
  const expectRoundTrip = async (rows: string[][], encoding: 'utf-8-bom' | 'windows-1252', delimiter: ';' | ',') => {
    const out = sink();
    const written = await writeDelimited(rows, out.stream, { delimiter, encoding });
    expect(written.rows).toBe(rows.length);
    // The reader skips rows that are blank as written: a neutralised "\t" ("'\t") is not.
    const kept = rows.filter((r) => !isBlankRow(r.map(neutralise)));
    let back: Row[];
    try {
      back = await collect(readDelimited(chunked(out.bytes(), 7), { delimiter, encoding }));
    } catch (error) {
      // Only a file of blank rows has nothing to read.
      expect(kept).toEqual([]);
      expect((error as ImportError).code).toBe('empty_file');
      return written;
    }
    expect(back.map((r) => r.cells.map(unneutralise))).toEqual(kept);
    return written;
  };

  it('gives back any matrix of strings in UTF-8 with BOM', async () => {
    await fc.assert(
      fc.asyncProperty(matrix(cell('binary')), fc.constantFrom(';' as const, ',' as const), async (rows, delimiter) => {
        const written = await expectRoundTrip(rows, 'utf-8-bom', delimiter);
        expect(written.replaced).toBe(0);
      }),
      RUNS,
    );
  });

  it('gives back any matrix of Windows-1252 characters in Windows-1252', async () => {
    await fc.assert(
      fc.asyncProperty(matrix(cell(fc.constantFrom(...WINDOWS_1252_CHARS))), fc.constantFrom(';' as const, ',' as const), async (rows, delimiter) => {
        const written = await expectRoundTrip(rows, 'windows-1252', delimiter);
        expect(written.replaced).toBe(0);
      }),
      RUNS,
    );
  });

  it('counts every character Windows-1252 cannot hold', () => {
    const representable = new Set(WINDOWS_1252_CHARS.concat('\r'));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const expected = [...s.normalize('NFC')].filter((c) => !representable.has(c)).length;
        expect(encodeWindows1252(s).replaced).toBe(expected);
      }),
      RUNS,
    );
  });

  it('agrees with csv-parse on well-formed CSV', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ';', ',', '"', '\n', '€'), maxLength: 8 });
    const quoted = (s: string): string => `"${s.replaceAll('"', '""')}"`;
    const field = text.chain((s) =>
      /[;"\n]/.test(s) ? fc.constant(quoted(s)) : fc.constantFrom(s, quoted(s)),
    );
    const records = fc.array(fc.array(field, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(records, fc.constantFrom('\n', '\r\n'), async (recs, eol) => {
        const csv = recs.map((r) => r.join(';')).join(eol) + eol;
        const reference = (csvParse(csv, { delimiter: ';', relax_column_count: true, record_delimiter: eol }) as string[][])
          .map((r) => r.map((c) => c.replace(/\r\n/g, '\n')))
          .filter((r) => !isBlankRow(r));
        let ours: string[][] = [];
        try {
          ours = (await collect(readDelimited(chunked(Buffer.from(csv, 'utf8'), 3), { delimiter: ';' }))).map((r) => r.cells);
        } catch (error) {
          expect((error as ImportError).code).toBe('empty_file');
        }
        expect(ours).toEqual(reference);
      }),
      RUNS,
    );
  });
});

describe('neutralise', () => {
  const tricky = fc.string({ unit: fc.constantFrom("'", '=', '+', '-', '@', '\t', '\r', '1', ' ', '(', ')', '.', ',', 'a'), maxLength: 8 });

  it('is undone exactly by unneutralise, for any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), tricky), (s) => {
        expect(unneutralise(neutralise(s))).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('never leaves a formula trigger in front, except phones and negative numbers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), tricky), (s) => {
        const out = neutralise(s);
        if (/^[=+\-@\t\r]/.test(out)) {
          expect(/^\+[\d .()\u00a0-]*\d[\d .()\u00a0-]*$/.test(out) || /^-\d[\d \u00a0\u202f]*(?:[.,]\d+)?$/.test(out)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseFrenchDecimal', () => {
  it('never returns a float, whatever the input', () => {
    const numberish = fc.string({ unit: fc.constantFrom('0', '1', '5', '9', ',', '.', ' ', '-', '€', '(', ')', '\u202f', '+'), maxLength: 14 });
    fc.assert(
      fc.property(fc.oneof(fc.string(), numberish, fc.double().map(String)), (s) => {
        const r = parseFrenchDecimal(s);
        if (r.ok) expect(Number.isSafeInteger(r.value)).toBe(true);
        const rounded = parseFrenchDecimal(s, { decimals: 'round' });
        if (rounded.ok) expect(Number.isSafeInteger(rounded.value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads back any amount written the French way', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (cents) => {
        const abs = Math.abs(cents);
        const euros = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
        const text = `${cents < 0 ? '-' : ''}${euros},${String(abs % 100).padStart(2, '0')} €`;
        expect(parseFrenchDecimal(text)).toEqual({ ok: true, value: cents });
      }),
      { numRuns: 1000 },
    );
  });
});
