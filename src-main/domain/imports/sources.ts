import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  detectFileKind,
  ImportError,
  inBatches,
  isVCardFault,
  kindsLabel,
  openDelimited,
  openTable,
  readVCards,
  readXlsx,
  SAMPLE_BYTES,
  type Row,
  type RowBatches,
  type VCardEntry,
} from '../importexport';
import type { Language } from '../../contract';
import type { CardDetail, CardEntry } from './contacts';

/** One record of any file format: a line to report, and values by column header. */
export type SourceRecord = {
  line: number;
  cells: string[];
  /** Problems found while reading (vCard faults, short rows): reported with the row, or at their own line. */
  issues: { field: string | null; reason: string; value: string; line?: number }[];
  /** A vCard's lists and lines, which its columns cannot carry. */
  card?: CardDetail;
};

export type OpenOptions = {
  /** The language the labels of a vCard's extra e-mails and numbers are written in. */
  language: Language;
};

export type OpenedSource = {
  format: 'csv' | 'xlsx' | 'vcard';
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  /** Read once, in batches (`RowBatches`). */
  batches: AsyncIterable<SourceRecord[]>;
};

/** vCards have no header: their fields come in this fixed order, already named as targets. */
export const VCARD_COLUMNS = [
  'civility',
  'firstName',
  'lastName',
  'company',
  'jobTitle',
  'email',
  'email2',
  'mobile',
  'phone',
  'phone2',
  'addressLine1',
  'addressLine2',
  'postcode',
  'city',
  'country',
  'birthDate',
  'language',
  'note',
  'tags',
] as const;

const chunks = (file: string): AsyncIterable<Uint8Array> => fs.createReadStream(file, { highWaterMark: 256 * 1024 }) as Readable;

const sampleOf = (file: string): Uint8Array => {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const n = fs.readSync(fd, buf, 0, SAMPLE_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
};

async function* tableRecords(header: Row | null, batches: RowBatches): AsyncGenerator<SourceRecord[]> {
  const width = header?.cells.length ?? 0;
  const record = (row: Row): SourceRecord => {
    const issues: SourceRecord['issues'] = [];
    if (header !== null && row.cells.length > width && row.cells.slice(width).some((c) => c.trim() !== '')) {
      issues.push({ field: null, reason: 'too_many_cells', value: String(row.cells.length) });
    }
    return { line: row.line, cells: row.cells, issues };
  };
  for await (const rows of batches) yield rows.map(record);
}

async function* vcardRecords(file: string, language: Language): AsyncGenerator<SourceRecord> {
  for await (const item of readVCards(chunks(file))) {
    if (isVCardFault(item)) {
      yield { line: item.line, cells: [], issues: [{ field: null, reason: item.fault, value: '' }] };
      continue;
    }
    const f = item.fields;
    const cells = VCARD_COLUMNS.map((c) => (c === 'tags' ? f.tags.join(', ') : (f[c] ?? '')));
    const entry = (e: VCardEntry): CardEntry => ({ value: e.value, label: e.label ?? kindsLabel(e.kinds, language), line: e.line });
    yield {
      line: item.line,
      cells,
      issues: item.issues.map((i) => ({ field: null, reason: i.reason, value: '', line: i.line })),
      card: { emails: f.emails.map(entry), phones: f.phones.map(entry), preferredPhone: f.preferredPhone, lines: f.lines },
    };
  }
}

/**
 * Opens a file whatever its format: xlsx by its signature, vCard by its
 * extension or its first line, anything else as delimited text.
 */
export const openSource = async (file: string, options: OpenOptions = { language: 'fr' }): Promise<OpenedSource> => {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ImportError('no_file', `no file at ${file}`);
  }
  // a folder named by mistake is not an empty file: saying so points at the real slip
  if (stat.isDirectory()) throw new ImportError('is_folder', `${file} is a folder, not a file`);
  if (!stat.isFile()) throw new ImportError('empty_file', `no file at ${file}`);
  const sample = sampleOf(file);
  if (sample.length === 0) throw new ImportError('empty_file', 'the file is empty');
  const kind = detectFileKind(sample);
  const head = Buffer.from(sample.subarray(0, 200)).toString('latin1').replace(/^\uFEFF|^ï»¿/, '').trimStart();
  if (path.extname(file).toLowerCase() === '.vcf' || /^BEGIN:VCARD/i.test(head)) {
    return { format: 'vcard', encoding: null, delimiter: null, headers: [...VCARD_COLUMNS], batches: inBatches(vcardRecords(file, options.language)) };
  }
  if (kind === 'xlsx') {
    const table = await openTable(inBatches(readXlsx(file)));
    return {
      format: 'xlsx',
      encoding: null,
      delimiter: null,
      headers: table.header?.cells ?? [],
      batches: tableRecords(table.header, table.batches),
    };
  }
  const delimited = await openDelimited(chunks(file));
  const table = await openTable(delimited.batches);
  return {
    format: 'csv',
    encoding: delimited.encoding,
    delimiter: delimited.delimiter,
    headers: table.header?.cells ?? [],
    batches: tableRecords(table.header, table.batches),
  };
};
