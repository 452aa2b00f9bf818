import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { WINDOWS_1252_HIGH } from './encoding';
import { neutralise } from './neutralise';

export type CsvWriteOptions = {
  delimiter: ';' | ',';
  /** UTF-8 with BOM (Excel then reads it as UTF-8) or Windows-1252 (older Excel, accounting tools). */
  encoding: 'utf-8-bom' | 'windows-1252';
  eol?: '\r\n';
};

export type CsvWriteResult = {
  rows: number;
  /** Characters Windows-1252 cannot hold, written as '?': the UI warns with this count. */
  replaced: number;
  /** 1-based index of the first record that lost a character, null when none did. */
  firstReplacedRow: number | null;
};

const FLUSH_CHARS = 64 * 1024;

/** Quotes a cell when the separator, a quote or a line break would otherwise split it. */
export const formatCsvCell = (cell: string, delimiter: string): string => {
  const safe = neutralise(cell);
  if (safe.includes(delimiter) || safe.includes('"') || safe.includes('\n') || safe.includes('\r')) {
    return `"${safe.replaceAll('"', '""')}"`;
  }
  return safe;
};

export const formatCsvLine = (cells: readonly string[], delimiter: string): string =>
  cells.map((c) => formatCsvCell(c, delimiter)).join(delimiter);

/** Unicode character → Latin-1 code unit of its Windows-1252 byte, for the 0x80-0x9F block. */
const HIGH_REVERSE = new Map(Array.from(WINDOWS_1252_HIGH, ([latin1, unicode]) => [unicode, latin1] as const));
const OUTSIDE_LATIN1 = /[^\x00-\x7f\xa0-\xff]/u;
const OUTSIDE_LATIN1_ALL = /[^\x00-\x7f\xa0-\xff]/gu;

export type Encoded1252 = { bytes: Buffer; replaced: number };

/**
 * Windows-1252 bytes for a string. Composed first (NFC), so an "é" typed as
 * e + accent on a Mac is kept; what still cannot be written becomes '?' and
 * is counted (one per character, an emoji included).
 */
export const encodeWindows1252 = (text: string): Encoded1252 => {
  if (!OUTSIDE_LATIN1.test(text)) return { bytes: Buffer.from(text, 'latin1'), replaced: 0 };
  let replaced = 0;
  const mapped = text.normalize('NFC').replace(OUTSIDE_LATIN1_ALL, (c) => {
    const byte = HIGH_REVERSE.get(c);
    if (byte !== undefined) return byte;
    replaced += 1;
    return '?';
  });
  return { bytes: Buffer.from(mapped, 'latin1'), replaced };
};

const write = async (out: Writable, bytes: Buffer): Promise<void> => {
  if (!out.write(bytes)) await once(out, 'drain');
};

/**
 * Streams records as a CSV that Excel opens right: chosen separator, CRLF,
 * quoting where needed, every cell neutralised against formula injection.
 * Does not end `out` (the caller may append or must close a file handle).
 */
export const writeDelimited = async (
  rows: AsyncIterable<readonly string[]> | Iterable<readonly string[]>,
  out: Writable,
  options: CsvWriteOptions,
): Promise<CsvWriteResult> => {
  const eol = options.eol ?? '\r\n';
  const result: CsvWriteResult = { rows: 0, replaced: 0, firstReplacedRow: null };
  let buffer = '';
  const lossy = options.encoding === 'windows-1252';

  const flush = async (): Promise<void> => {
    if (buffer === '') return;
    if (options.encoding === 'utf-8-bom') {
      await write(out, Buffer.from(buffer, 'utf8'));
    } else {
      const encoded = encodeWindows1252(buffer);
      result.replaced += encoded.replaced;
      await write(out, encoded.bytes);
    }
    buffer = '';
  };

  if (options.encoding === 'utf-8-bom') buffer = '\ufeff';
  for await (const cells of rows) {
    const line = formatCsvLine(cells, options.delimiter) + eol;
    result.rows += 1;
    if (lossy && result.firstReplacedRow === null && OUTSIDE_LATIN1.test(line) && encodeWindows1252(line).replaced > 0) {
      result.firstReplacedRow = result.rows;
    }
    buffer += line;
    if (buffer.length >= FLUSH_CHARS) await flush();
  }
  await flush();
  return result;
};
