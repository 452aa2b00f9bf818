import { EMAIL_PATTERN } from '../../contract/fields';
import { knownHeaderCount, normaliseHeader } from './mapping';
import type { Row, RowBatches } from './rows';

/** Rows looked at for the header: exports often start with a title, a date and a blank line. */
export const HEADER_SCAN_ROWS = 20;

const DATA_LIKE = /^[+(]?[\d\s.()/:,-]*\d[\d\s.()/:,-]*\d[\d\s.()/:,-]*€?$/;

/** A cell no header would hold: an e-mail, a number, a phone, a date. */
const looksLikeData = (cell: string): boolean => {
  const v = cell.trim();
  return v !== '' && (EMAIL_PATTERN.test(v) || DATA_LIKE.test(v));
};

const filled = (cells: readonly string[]): number => cells.reduce((n, c) => n + (c.trim() === '' ? 0 : 1), 0);

/**
 * Index of the header among the first rows, or -1 when the file starts with
 * data. The row naming the most known columns wins (the first of equals);
 * without any known name, the first row about as wide as the widest, unless
 * it holds values (e-mails, numbers, dates) rather than names.
 */
export const findHeaderRow = (rows: readonly Row[]): number => {
  const scanned = rows.slice(0, HEADER_SCAN_ROWS);
  let best = -1;
  let bestKnown = 0;
  scanned.forEach((row, i) => {
    const known = knownHeaderCount(row.cells);
    if (known > bestKnown) {
      best = i;
      bestKnown = known;
    }
  });
  if (best >= 0) return best;
  const widest = Math.max(0, ...scanned.map((r) => filled(r.cells)));
  const first = scanned.findIndex((r) => filled(r.cells) >= Math.ceil(widest * 0.8));
  if (first < 0) return -1;
  return scanned[first]!.cells.some(looksLikeData) ? -1 : first;
};

const NON_ASCII = /[^\x00-\x7f]/;
const DIGIT = /[0-9]/;

const headerKey = (cells: readonly string[]): string => {
  const names = cells.map(normaliseHeader);
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  return names.join('\u0000');
};

export type SkipReason = 'preamble' | 'repeated_header';

export type TableOptions = {
  /** Forces the header's line (the user picked it), or null for a file without header. */
  headerLine?: number | null;
  /** Told about each row not returned, so the report can say why a line is missing. */
  onSkip?: (line: number, reason: SkipReason) => void;
};

export type Table = {
  /** Null when the file has no header row: columns are then named by position. */
  header: Row | null;
  /** Rows above the header (titles, export dates). */
  preamble: Row[];
  /** Data rows in batches, read once; a copy of the header further down (concatenated exports) is skipped. */
  batches: RowBatches;
  /** Releases the source when the rows are not read to the end (a preview). */
  close(): Promise<void>;
};

/**
 * Splits a stream of rows into header and data without reading the file
 * twice: the first rows are buffered to find the header, the rest streams on.
 */
export const openTable = async (source: RowBatches, options: TableOptions = {}): Promise<Table> => {
  const iterator = source[Symbol.asyncIterator]();
  // whole batches: the rows past the first ones scanned are data, handed on first
  const head: Row[] = [];
  let done = false;
  while (head.length < HEADER_SCAN_ROWS) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    for (const row of next.value) head.push(row);
  }
  let index: number;
  if (options.headerLine === null) index = -1;
  else if (options.headerLine !== undefined) index = head.slice(0, HEADER_SCAN_ROWS).findIndex((r) => r.line === options.headerLine);
  else index = findHeaderRow(head);
  const header = index >= 0 ? head[index]! : null;
  const preamble = head.splice(0, index + 1).slice(0, Math.max(0, index));
  for (const row of preamble) options.onSkip?.(row.line, 'preamble');
  const key = header ? headerKey(header.cells) : null;
  const probe = header ? header.cells.findIndex((c) => c.trim() !== '') : -1;
  const probeText = probe >= 0 ? header!.cells[probe]!.trim().toLowerCase() : '';
  const probeName = normaliseHeader(probeText);
  const probeHasDigit = DIGIT.test(probeText);
  /**
   * Folding every row would cost a second per million rows; a repeated header
   * is almost always a byte copy, so only rows whose first header cell is the
   * same text, or may be once accents are folded, are folded whole. Under a
   * header such as « N° ticket » every ticket number (« T00000001 ») was one
   * of those: 15 s of 74 for 2.6M till lines. Folding keeps ASCII digits, so a
   * cell with one is no header without; past that, the one cell is folded
   * before the whole row.
   */
  const maybeHeader = (cells: readonly string[]): boolean => {
    const cell = cells[probe]?.trim().toLowerCase();
    if (cell === undefined) return false;
    if (cell === probeText) return true;
    if (Math.abs(cell.length - probeText.length) > 2 || !(NON_ASCII.test(cell) || NON_ASCII.test(probeText))) return false;
    if (!probeHasDigit && DIGIT.test(cell)) return false;
    return normaliseHeader(cell) === probeName;
  };

  const isRepeatedHeader = (row: Row): boolean => {
    if (key === null || !maybeHeader(row.cells) || headerKey(row.cells) !== key) return false;
    options.onSkip?.(row.line, 'repeated_header');
    return true;
  };

  async function* batches(): AsyncGenerator<Row[]> {
    try {
      let next: Row[] = head.splice(0);
      for (;;) {
        const kept = key === null ? next : next.filter((row) => !isRepeatedHeader(row));
        if (kept.length > 0) yield kept;
        if (done) return;
        const read = await iterator.next();
        if (read.done) {
          done = true;
          return;
        }
        next = read.value;
      }
    } finally {
      await close();
    }
  }

  const close = async (): Promise<void> => {
    if (!done) {
      done = true;
      await iterator.return?.();
    }
  };
  return { header, preamble, batches: batches(), close };
};
