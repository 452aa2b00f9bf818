import type { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { DAY_MS } from '../../contract/dates';
import { ImportError, isImportError } from './errors';
import { neutralise } from './neutralise';
import { isBlankRow, MAX_CELL_CHARS, MAX_COLUMNS, type Row } from './rows';

/**
 * exceljs takes ~0.4 s to load: loaded on the first xlsx read or write, not
 * when the store starts (a 1M-contact base must answer within a second).
 */
const loadExcel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;

/**
 * Excel escapes characters XML cannot carry as _xHHHH_ (and a literal
 * "_x0041_" as "_x005F_x0041_"); exceljs leaves them encoded.
 */
const decodeExcelEscapes = (text: string): string =>
  text.includes('_x') ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : text;

/** Anything encodeExcelEscapes changes: an _xHHHH_ look-alike, a control character, an entity. */
const NEEDS_ESCAPE = /_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]|&(?:lt|gt|amp|apos|quot);/;

/**
 * The reverse, for writing. Control characters (CR included: XML would turn it
 * into LF) become _xHHHH_; so does the "&" of an entity-like "&amp;", because
 * exceljs's reader decodes inline strings twice and would turn it into "&".
 */
export const encodeExcelEscapes = (text: string): string => {
  // most cells hold none of it: one scan instead of three replacements
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text
    .replace(/_x([0-9A-Fa-f]{4})_/g, '_x005F_x$1_')
    .replace(/[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`)
    .replace(/&(lt|gt|amp|apos|quot);/g, '_x0026_$1;');
};

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * exceljs turns date-formatted cells into Dates at UTC midnight of the serial.
 * Rounded to the second (serials are floats); a pure time ("14:30", serial
 * below 1) stays a time; a date with a time keeps it after a space.
 */
const formatDate = (date: Date): string => {
  const ms = Math.round(date.getTime() / 1000) * 1000;
  const d = new Date(ms);
  const time =
    d.getUTCSeconds() === 0
      ? `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
      : `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (ms < Date.UTC(1899, 11, 31)) return time;
  const day = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return time === '00:00' ? day : `${day} ${time}`;
};

/**
 * Numbers as Excel shows them: 15 significant digits, so 0.1 + 0.2 stored as
 * 0.30000000000000004 reads "0.3"; no exponent, no grouping.
 */
const formatNumber = (n: number): string => {
  if (!Number.isFinite(n)) return String(n);
  const rounded = Number(n.toPrecision(15));
  const plain = String(rounded);
  return /e/i.test(plain) ? rounded.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 }) : plain;
};

/** exceljs's own test for date formats: letters of a date or time outside quotes and brackets. */
const isDateFormat = (format: string | undefined): boolean =>
  format !== undefined && /[ymdhMsb]/.test(format.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

type CellContent = ExcelJS.CellValue | { richText: { text: string }[] } | { sharedString: number };

const cellText = (value: CellContent, numFmt: string | undefined): string => {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return decodeExcelEscapes(value);
  if (typeof value === 'number') {
    // Formula results arrive as plain numbers even in date-formatted cells.
    return isDateFormat(numFmt) && value > 0 && value < 2_958_466
      ? formatDate(new Date(Math.round((value - 25569) * DAY_MS)))
      : formatNumber(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : formatDate(value);
  if ('richText' in value) return decodeExcelEscapes(value.richText.map((r) => r.text ?? '').join(''));
  if ('error' in value) return value.error;
  if ('hyperlink' in value) return cellText(value.text as CellContent, undefined);
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result ?? null, numFmt);
  return '';
};

/**
 * The exceljs 4.4 reader internals driven here (exceljs is pinned). Its own
 * `parse()` reads the zip in one streaming pass that sometimes loses the last
 * entry, which exceljs itself writes xl/workbook.xml as (exceljs issue #3064:
 * "Cannot read properties of undefined (reading 'sheets')", intermittent).
 * Reading through the central directory instead puts the workbook, its
 * relations, shared strings and styles first, whatever their order in the file.
 */
type SheetEntry = { id: number; name: string; rId: string };
type ReaderInternals = {
  workbookRels?: { Id: string; Target: string }[];
  model?: { sheets?: SheetEntry[] };
  sharedStrings?: unknown[];
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseStyles(entry: Readable): Promise<void>;
  _parseWorksheet(
    iterator: AsyncIterable<unknown>,
    sheetNo: string,
  ): Generator<{ eventType: string; value: ExcelJS.stream.xlsx.WorksheetReader }>;
};

/** A relation target ("worksheets/sheet1.xml" or "/xl/worksheets/sheet1.xml") as a path in the zip. */
const zipPath = (target: string): string => (target.startsWith('/') ? target.slice(1) : `xl/${target}`);

/** The first worksheet in the workbook's own order (the tab the user sees first). */
type OpenSheet = { rows: ExcelJS.stream.xlsx.WorksheetReader; source: Readable };

const openFirstSheet = async (path: string): Promise<OpenSheet | null> => {
  const [Excel, { Open }] = await Promise.all([loadExcel(), import('unzipper')]);
  const directory = await Open.file(path);
  const entries = new Map(directory.files.filter((f) => f.type === 'File').map((f) => [f.path, f]));
  const entry = (name: string) => entries.get(name);
  const reader = new Excel.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  }) as unknown as ReaderInternals;

  const rels = entry('xl/_rels/workbook.xml.rels');
  const book = entry('xl/workbook.xml');
  if (!rels || !book) throw new Error('no xl/workbook.xml');
  await reader._parseRels(rels.stream());
  await reader._parseWorkbook(book.stream());
  const strings = entry('xl/sharedStrings.xml');
  reader.sharedStrings = [];
  if (strings) for await (const _ of reader._parseSharedStrings(strings.stream()));
  const styles = entry('xl/styles.xml');
  if (styles) await reader._parseStyles(styles.stream());

  const first = reader.model?.sheets?.[0];
  const target = first && reader.workbookRels?.find((r) => r.Id === first.rId)?.Target;
  const sheet = target ? entry(zipPath(target)) : undefined;
  if (!target || !sheet) return null;
  const sheetNo = /sheet(\d+)\.xml$/.exec(target)?.[1] ?? '1';
  const source = sheet.stream();
  for (const { eventType, value } of reader._parseWorksheet(source, sheetNo)) {
    if (eventType === 'worksheet') return { rows: value, source };
  }
  source.destroy();
  return null;
};

/**
 * Rows of the first worksheet, streamed (shared strings are held, the sheet
 * is not). Cells are text as in the CSV reader: dates 'YYYY-MM-DD', numbers
 * without float noise, rich text flattened, formulas by their last result.
 * Blank rows are skipped; `line` is the Excel row number.
 */
export async function* readXlsx(path: string): AsyncGenerator<Row> {
  let sheet: OpenSheet | null;
  try {
    sheet = await openFirstSheet(path);
  } catch (error) {
    throw new ImportError('invalid_xlsx', `this .xlsx file cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!sheet) throw new ImportError('no_worksheet', 'this workbook has no worksheet');
  let yielded = 0;
  try {
    for await (const row of sheet.rows) {
      const cells: string[] = [];
      let error: ImportError | null = null;
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        if (column > MAX_COLUMNS) {
          error ??= new ImportError('too_many_columns', `row ${row.number}: more than ${MAX_COLUMNS} columns`, {
            line: row.number,
            count: column,
          });
          return;
        }
        while (cells.length < column - 1) cells.push('');
        const text = cellText(cell.value as CellContent, cell.numFmt);
        if (text.length > MAX_CELL_CHARS) {
          error ??= new ImportError('cell_too_large', `row ${row.number}, column ${column}: a cell of ${text.length} characters`, {
            line: row.number,
            column,
            count: text.length,
          });
        }
        cells[column - 1] = text;
      });
      if (error) throw error;
      if (isBlankRow(cells)) continue;
      yielded += 1;
      yield { line: row.number, cells };
    }
  } catch (error) {
    if (isImportError(error)) throw error;
    throw new ImportError('invalid_xlsx', `this .xlsx file cannot be read (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    // A preview stops after a few rows: the rest of the entry is not inflated.
    sheet.source.destroy();
  }
  if (yielded === 0) throw new ImportError('empty_file', 'the first worksheet is empty');
}

export type XlsxWriteOptions = {
  sheetName?: string;
  /** Apostrophe in front of formula-like text, as in CSV exports (default true). */
  neutralise?: boolean;
};

/**
 * What exceljs 4.4 leaves untyped: the sheet's buffer is piped into a
 * PassThrough (readable-stream 2, hence `_writableState`) feeding the zip entry.
 */
type PipedSheet = { stream?: { pipes?: unknown[] } };
type Backlog = { _writableState: { length: number } };

const isBacklog = (value: unknown): value is Backlog =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { _writableState?: { length?: unknown } })._writableState?.length === 'number';

/** XML allowed to wait for compression: enough to keep zlib busy, small enough to stay flat. */
const MAX_BACKLOG_BYTES = 4 * 1024 * 1024;

/**
 * exceljs writes committed rows into the zip without back-pressure (its
 * issue #2916): rows come faster than zlib compresses them and the XML piles
 * up, about 400 MB per million rows. Waiting while the zip entry's backlog is
 * large keeps memory flat while compression overlaps row building; should
 * the internals change, yielding to the event loop remains.
 */
const compressed = async (sheet: unknown): Promise<void> => {
  const target = (sheet as PipedSheet).stream?.pipes?.[0];
  do {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (isBacklog(target) && target._writableState.length > MAX_BACKLOG_BYTES) {
      await new Promise<void>((resolve) => setTimeout(resolve, 2));
    }
  } while (isBacklog(target) && target._writableState.length > MAX_BACKLOG_BYTES);
};

/**
 * A cell of the writer: text (the default, so "01000", "0612345678" and
 * "+33…" stay text), or a number or a calendar day that Excel can sum, sort
 * and filter as such.
 */
export type XlsxCell = string | { number: number; format: string } | { day: string };

/** Excel's built-in short date (format 14): each reader sees days in their own order, 30/11/2026 in France, 11/30/2026 in the US. */
const DAY_FORMAT = 'mm-dd-yy';

/** 'YYYY-MM-DD' as Excel's day serial (days since 1899-12-30); null before 1900, which Excel cannot show. */
const daySerial = (day: string): number | null => {
  const ms = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms) || ms < Date.UTC(1900, 2, 1)) return null;
  return ms / DAY_MS + 25_569;
};

/**
 * Streams a one-sheet workbook to `path`. Text cells are string cells, so
 * leading zeros and plus signs survive; numbers and days are typed, with
 * their display format. The header is bold and frozen. Inline strings rather
 * than a shared table keep memory flat.
 */
export const writeXlsx = async (
  path: string,
  header: readonly string[],
  rows: AsyncIterable<readonly XlsxCell[]> | Iterable<readonly XlsxCell[]>,
  options: XlsxWriteOptions = {},
): Promise<{ rows: number }> => {
  const guard = options.neutralise === false ? (c: string) => c : neutralise;
  const text = (c: string): string => encodeExcelEscapes(guard(c));
  const Excel = await loadExcel();
  const workbook = new Excel.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: false,
    useStyles: true,
    // Fast deflate: compression, not row building, is what a big export waits for.
    zip: { zlib: { level: 1 } },
  });
  const sheet = workbook.addWorksheet(options.sheetName ?? 'Export', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = header.map((h) => ({ width: Math.min(40, Math.max(10, h.length + 2)) }));
  const headerRow = sheet.addRow(header.map(text));
  headerRow.font = { bold: true };
  headerRow.commit();
  /*
   * One style object per format, shared by every cell that has it: exceljs remembers the id of a style by
   * its object, and otherwise renders each cell's own new style to XML to look its id up (a third of a
   * 1M-row export).
   */
  const styles = new Map<string | null, Partial<ExcelJS.Style>>();
  const styleOf = (format: string | null): Partial<ExcelJS.Style> => {
    let style = styles.get(format);
    if (style === undefined) styles.set(format, (style = format === null ? {} : { numFmt: format }));
    return style;
  };
  let count = 0;
  const formats: (string | null)[] = [];
  for await (const cells of rows) {
    formats.length = 0;
    const values = cells.map((c, i) => {
      formats[i] = null;
      if (typeof c === 'string') return text(c);
      if ('number' in c) {
        formats[i] = c.format;
        return c.number;
      }
      const serial = daySerial(c.day);
      if (serial === null) return text(c.day);
      formats[i] = DAY_FORMAT;
      return serial;
    });
    const row = sheet.addRow(values);
    for (let i = 0; i < values.length; i += 1) row.getCell(i + 1).style = styleOf(formats[i] ?? null);
    row.commit();
    count += 1;
    if (count % 1000 === 0) await compressed(sheet);
  }
  sheet.commit();
  await workbook.commit();
  return { rows: count };
};
