import { createDecoder, detectEncoding, SAMPLE_BYTES, type TextEncoding } from './encoding';
import { ImportError } from './errors';
import { eachOf, isBlankRow, MAX_CELL_CHARS, MAX_COLUMNS, type Row, type RowBatches } from './rows';

export type Delimiter = ';' | ',' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [';', ',', '\t', '|'];

const SNIFF_RECORDS = 50;

const isDelimiter = (c: string): c is Delimiter => (DELIMITERS as readonly string[]).includes(c);

/**
 * Field counts of the first records for one candidate separator, reading
 * quotes the way the parser below does (a quote opens a field only at its start), so
 * a separator inside a quoted address does not count.
 */
const fieldCounts = (text: string, delimiter: string): number[] => {
  const counts: number[] = [];
  let fields = 1;
  let fieldStart = true;
  let quoted = false;
  let empty = true;
  let i = 0;
  const n = text.length;
  while (i < n && counts.length < SNIFF_RECORDS) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i += 1;
        else quoted = false;
      }
    } else if (c === '"' && fieldStart) {
      quoted = true;
      empty = false;
    } else if (c === delimiter) {
      fields += 1;
      fieldStart = true;
      empty = false;
      i += 1;
      continue;
    } else if (c === '\n' || c === '\r') {
      if (!empty) counts.push(fields);
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      fields = 1;
      empty = true;
      fieldStart = true;
      i += 1;
      continue;
    } else {
      empty = false;
    }
    fieldStart = false;
    i += 1;
  }
  // A sample cut mid-record would count a short last record; a whole file has none pending.
  if (!empty && counts.length === 0) counts.push(fields);
  return counts;
};

/**
 * The separator that splits the first records into the same number of
 * fields, preferring more fields when several are consistent (a `;` file with
 * one decimal comma per line is consistent on both). Defaults to `;`, the
 * French Excel separator, for a single-column file.
 */
export const sniffDelimiter = (text: string): Delimiter => {
  const declared = /^sep=(.)\r?\n/i.exec(text);
  if (declared && isDelimiter(declared[1]!)) return declared[1];
  let best: Delimiter = ';';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const counts = fieldCounts(text, d);
    if (counts.length === 0) continue;
    const frequency = new Map<number, number>();
    for (const c of counts) frequency.set(c, (frequency.get(c) ?? 0) + 1);
    let modal = 0;
    let modalFrequency = 0;
    for (const [count, f] of frequency) {
      if (f > modalFrequency || (f === modalFrequency && count > modal)) {
        modal = count;
        modalFrequency = f;
      }
    }
    if (modal < 2) continue;
    const score = modal * (modalFrequency / counts.length);
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  return best;
};

export type DelimitedOptions = {
  /** Forces an encoding (the user corrected the detection). */
  encoding?: TextEncoding;
  delimiter?: Delimiter;
};

export type DelimitedFile = {
  /** May change from utf-8 to windows-1252 while reading an ASCII-looking file. */
  readonly encoding: TextEncoding;
  readonly delimiter: Delimiter;
  /** Read once, a batch per chunk read. Blank lines are skipped (their line numbers still count). */
  readonly batches: RowBatches;
  /** Releases the source when the rows are not read to the end (reading them does it). */
  close(): Promise<void>;
};

type Peeked = { sample: Uint8Array; rest: AsyncIterable<Uint8Array>; close: () => Promise<void> };

/** The first bytes for detection, without losing them for the real read. */
const peek = async (source: AsyncIterable<Uint8Array>, size: number): Promise<Peeked> => {
  const iterator = source[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let total = 0;
  let done = false;
  while (total < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    total += next.value.length;
  }
  const close = async (): Promise<void> => {
    if (!done) {
      done = true;
      await iterator.return?.();
    }
  };
  async function* rest(): AsyncGenerator<Uint8Array> {
    try {
      while (head.length > 0) yield head.shift()!;
      while (!done) {
        const next = await iterator.next();
        if (next.done) done = true;
        else yield next.value;
      }
    } finally {
      await close();
    }
  }
  return { sample: Buffer.concat(head).subarray(0, size), rest: rest(), close };
};

/**
 * Decoded text with every line ending made `\n`: the parser then counts lines
 * right, a file mixing CRLF and LF still splits, and notes keep one kind of
 * newline. A CR at the end of a chunk may be the first half of a CRLF.
 */
async function* decodeText(
  bytes: AsyncIterable<Uint8Array>,
  decoder: ReturnType<typeof createDecoder>,
): AsyncGenerator<string> {
  let lastWasCR = false;
  const normalise = (text: string): string => {
    if (text.length === 0) return text;
    let t = lastWasCR && text.startsWith('\n') ? text.slice(1) : text;
    lastWasCR = text.endsWith('\r');
    if (t.includes('\r')) t = t.replace(/\r\n?/g, '\n');
    return t;
  };
  for await (const chunk of bytes) {
    const text = normalise(decoder.write(chunk));
    if (text.length > 0) yield text;
  }
  const last = normalise(decoder.end());
  if (last.length > 0) yield last;
}

const countNewlines = (text: string): number => {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
};

const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
/** A quote seen inside a quoted field; the next character says whether it was doubled. */
const QUOTE_SEEN = 3;
/** Text after a closing quote (`"abc"def`): kept, as Excel does. */
const AFTER_QUOTE = 4;
type Mode = typeof FIELD_START | typeof UNQUOTED | typeof QUOTED | typeof QUOTE_SEEN | typeof AFTER_QUOTE;

export type CsvParser = {
  /** Parses `\n`-terminated text (any chunking); complete records go to `emit`, blank ones included. */
  push(text: string, emit: (row: Row) => void): void;
  end(emit: (row: Row) => void): void;
};

/**
 * RFC 4180 as Excel reads it: a quote opens a field only at its start, `""`
 * inside quotes is one quote, a quote inside an unquoted field is text, text
 * after a closing quote is kept; newlines inside quotes stay in the cell and
 * still count as lines. Written for speed with indexOf scans rather than a
 * per-character loop (csv-parse ran at ~30 MB/s, a third of the 1M-contact
 * import budget). Limits are checked as cells grow, so memory stays bounded.
 */
export const createCsvParser = (delimiter: Delimiter): CsvParser => {
  let mode: Mode = FIELD_START;
  let cells: string[] = [];
  let extraColumns = 0;
  let field = '';
  let line = 1;
  let recordLine = 1;

  const tooLarge = (column: number, size: number): ImportError =>
    new ImportError(
      'cell_too_large',
      mode === QUOTED
        ? `line ${recordLine}, column ${column}: a quoted cell grows past ${MAX_CELL_CHARS} characters (is a quote never closed?)`
        : `line ${recordLine}, column ${column}: a cell of ${size} characters (at most ${MAX_CELL_CHARS})`,
      { line: recordLine, column, count: size },
    );

  const endField = (): void => {
    if (field.length > MAX_CELL_CHARS) throw tooLarge(cells.length + extraColumns + 1, field.length);
    if (cells.length < MAX_COLUMNS) cells.push(field);
    else extraColumns += 1;
    field = '';
  };

  const endRecord = (emit: (row: Row) => void): void => {
    endField();
    if (extraColumns > 0) {
      const count = cells.length + extraColumns;
      throw new ImportError(
        'too_many_columns',
        `line ${recordLine}: ${count} columns (at most ${MAX_COLUMNS}); is the separator right?`,
        { line: recordLine, count },
      );
    }
    emit({ line: recordLine, cells });
    cells = [];
    mode = FIELD_START;
    recordLine = line;
  };

  const push = (t: string, emit: (row: Row) => void): void => {
    const n = t.length;
    let i = 0;
    // Next separator and newline at or after i; refreshed only once passed, so scans stay linear.
    let nextDelimiter = -1;
    let nextNewline = -1;
    while (i < n) {
      switch (mode) {
        case FIELD_START:
          if (t.charCodeAt(i) === 34) {
            mode = QUOTED;
            i += 1;
          } else {
            mode = UNQUOTED;
          }
          break;
        case UNQUOTED:
        case AFTER_QUOTE: {
          if (nextDelimiter < i) {
            nextDelimiter = t.indexOf(delimiter, i);
            if (nextDelimiter === -1) nextDelimiter = n;
          }
          if (nextNewline < i) {
            nextNewline = t.indexOf('\n', i);
            if (nextNewline === -1) nextNewline = n;
          }
          const stop = nextDelimiter < nextNewline ? nextDelimiter : nextNewline;
          field = field.length === 0 ? t.slice(i, stop) : field + t.slice(i, stop);
          if (stop === n) {
            if (field.length > MAX_CELL_CHARS) throw tooLarge(cells.length + extraColumns + 1, field.length);
            i = n;
          } else if (stop === nextDelimiter) {
            endField();
            mode = FIELD_START;
            i = stop + 1;
          } else {
            line += 1;
            endRecord(emit);
            i = stop + 1;
          }
          break;
        }
        case QUOTED: {
          const quote = t.indexOf('"', i);
          const stop = quote === -1 ? n : quote;
          const part = t.slice(i, stop);
          line += countNewlines(part);
          field += part;
          if (field.length > MAX_CELL_CHARS) throw tooLarge(cells.length + extraColumns + 1, field.length);
          i = quote === -1 ? n : quote + 1;
          if (quote !== -1) mode = QUOTE_SEEN;
          break;
        }
        case QUOTE_SEEN:
          if (t.charCodeAt(i) === 34) {
            field += '"';
            mode = QUOTED;
            i += 1;
          } else {
            mode = AFTER_QUOTE;
          }
          break;
      }
    }
  };

  const end = (emit: (row: Row) => void): void => {
    if (mode === QUOTED) {
      throw new ImportError('unclosed_quote', `line ${recordLine}: a quote is opened and never closed`, {
        line: recordLine,
      });
    }
    if (mode !== FIELD_START || cells.length > 0) endRecord(emit);
  };

  return { push, end };
};

/**
 * Opens a delimited text file: detects the encoding and the separator from
 * the first 64 KB (or uses the forced ones), then streams records. Throws an
 * ImportError for empty or binary files here, and while iterating for a fault
 * that stops the read (invalid UTF-8, unclosed quote, oversized cell, too many
 * columns), always with the line.
 */
export const openDelimited = async (
  source: AsyncIterable<Uint8Array>,
  options: DelimitedOptions = {},
): Promise<DelimitedFile> => {
  const peeked = await peek(source, SAMPLE_BYTES);
  let encoding: TextEncoding;
  let sampleText: string;
  try {
    if (peeked.sample.length === 0) throw new ImportError('empty_file', 'the file is empty');
    encoding = options.encoding ?? detectEncoding(peeked.sample);
    sampleText = createDecoder(encoding).write(peeked.sample);
  } catch (error) {
    await peeked.close();
    throw error;
  }
  const sepLine = /^sep=(.)\r?\n/i.exec(sampleText);
  const declaredSeparator = sepLine !== null && isDelimiter(sepLine[1]!);
  const delimiter = options.delimiter ?? sniffDelimiter(sampleText);
  const decoder = createDecoder(encoding);

  async function* batches(): AsyncGenerator<Row[]> {
    const parser = createCsvParser(delimiter);
    let batch: Row[] = [];
    const emit = (row: Row): void => {
      if (isBlankRow(row.cells)) return;
      if (row.line === 1 && declaredSeparator) return;
      batch.push(row);
    };
    let yielded = 0;
    try {
      for await (const text of decodeText(peeked.rest, decoder)) {
        parser.push(text, emit);
        if (batch.length === 0) continue;
        const ready = batch;
        batch = [];
        yielded += ready.length;
        yield ready;
      }
      parser.end(emit);
      if (batch.length > 0) {
        yielded += batch.length;
        yield batch;
      }
    } finally {
      await peeked.close();
    }
    if (yielded === 0) throw new ImportError('empty_file', 'the file has no rows');
  }

  return {
    get encoding() {
      return decoder.encoding;
    },
    delimiter,
    batches: batches(),
    close: peeked.close,
  };
};

/** Rows of a delimited file, detecting encoding and separator. */
export async function* readDelimited(
  source: AsyncIterable<Uint8Array>,
  options: DelimitedOptions = {},
): AsyncGenerator<Row> {
  const file = await openDelimited(source, options);
  yield* eachOf(file.batches);
}
