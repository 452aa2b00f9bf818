import iconv from 'iconv-lite';
import { ImportError } from './errors';

export type TextEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'mac-roman';

/** Bytes looked at before deciding; large enough to hold a few hundred rows. */
export const SAMPLE_BYTES = 64 * 1024;

export type FileKind = 'xlsx' | 'text';

type Magic = { bytes: number[]; kind: string; label: string };

/**
 * Formats people pick by mistake in the file dialog. Named so the message
 * can say what the file is rather than "unreadable".
 */
const MAGICS: Magic[] = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], kind: 'pdf', label: 'a PDF document' },
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], kind: 'png', label: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], kind: 'jpeg', label: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], kind: 'gif', label: 'a GIF image' },
  { bytes: [0x1f, 0x8b], kind: 'gzip', label: 'a compressed (gzip) file' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], kind: '7z', label: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], kind: 'rar', label: 'a RAR archive' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], kind: 'elf', label: 'a program' },
  { bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66], kind: 'sqlite', label: 'a SQLite database' },
];

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (sample: Uint8Array, prefix: readonly number[]): boolean =>
  sample.length >= prefix.length && prefix.every((b, i) => sample[i] === b);

const containsAscii = (sample: Uint8Array, text: string): boolean =>
  Buffer.from(sample.buffer, sample.byteOffset, sample.byteLength).includes(text, 0, 'latin1');

/**
 * What a file is, from its first bytes: an .xlsx workbook, text (CSV, vCard),
 * or something we refuse with a message naming it. Excel 97 (.xls) and
 * OpenDocument get their own advice because "save as .xlsx" fixes them.
 */
export const detectFileKind = (sample: Uint8Array): FileKind => {
  if (sample.length === 0) throw new ImportError('empty_file', 'the file is empty');
  if (startsWith(sample, OLE2)) {
    throw new ImportError('xls_file', 'this is an old Excel (.xls) file: save it as .xlsx or CSV first', { kind: 'xls' });
  }
  if (startsWith(sample, ZIP)) {
    // A workbook's part names sit in the local headers at the start of the archive.
    if (containsAscii(sample, 'xl/') || containsAscii(sample, '[Content_Types].xml')) {
      if (containsAscii(sample, 'opendocument')) {
        throw new ImportError('binary_file', 'this is an OpenDocument file: save it as .xlsx or CSV first', { kind: 'ods' });
      }
      return 'xlsx';
    }
    const kind = containsAscii(sample, 'opendocument.spreadsheet') ? 'ods' : 'zip';
    throw new ImportError(
      'binary_file',
      kind === 'ods' ? 'this is an OpenDocument file: save it as .xlsx or CSV first' : 'this is a ZIP archive, not a table',
      { kind },
    );
  }
  for (const magic of MAGICS) {
    if (startsWith(sample, magic.bytes)) {
      throw new ImportError('binary_file', `this is ${magic.label}, not a table`, { kind: magic.kind });
    }
  }
  return 'text';
};

/**
 * Length of the well-formed UTF-8 prefix, per the WHATWG decoder (no
 * overlongs, no surrogates, nothing above U+10FFFF). With `allowTruncatedEnd`
 * a sequence cut by the end of the sample counts as well-formed.
 */
export const utf8ValidLength = (bytes: Uint8Array, allowTruncatedEnd: boolean): number => {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k += 1) {
      if (i + k >= n) return allowTruncatedEnd ? n : i;
      const c = bytes[i + k]!;
      if (c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return n;
};

/** Bytes at the end that start a UTF-8 sequence the chunk does not finish. */
const incompleteUtf8Suffix = (bytes: Uint8Array): number => {
  const n = bytes.length;
  for (let k = 1; k <= Math.min(3, n); k += 1) {
    const b = bytes[n - k]!;
    if (b >= 0x80 && b <= 0xbf) continue;
    const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return k < size ? k : 0;
  }
  return 0;
};

/**
 * UTF-16 written without a BOM (some exports from old tills do this): text
 * that is mostly ASCII has a zero in every other byte, on one side only.
 */
const utf16WithoutBom = (sample: Uint8Array): 'utf-16le' | 'utf-16be' | null => {
  const pairs = Math.floor(Math.min(sample.length, 4096) / 2);
  if (pairs < 2) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let p = 0; p < pairs; p += 1) {
    if (sample[2 * p] === 0) evenZeros += 1;
    if (sample[2 * p + 1] === 0) oddZeros += 1;
  }
  if (oddZeros >= pairs * 0.4 && evenZeros === 0) return 'utf-16le';
  if (evenZeros >= pairs * 0.4 && oddZeros === 0) return 'utf-16be';
  return null;
};

/** é è à ç ê ù â ô in Mac Roman: bytes Windows-1252 leaves unassigned or gives rare signs (Ž ˆ ™ ‰). */
const MAC_ROMAN_FRENCH: ReadonlySet<number> = new Set([0x8e, 0x8f, 0x88, 0x8d, 0x90, 0x9d, 0x89, 0x99]);
/** é è à ç ê ù â ô î in Windows-1252: capitals and signs in Mac Roman. */
const WINDOWS_1252_FRENCH: ReadonlySet<number> = new Set([0xe9, 0xe8, 0xe0, 0xe7, 0xea, 0xf9, 0xe2, 0xf4, 0xee]);

/**
 * Excel for Mac still saves « CSV » in Mac Roman, where é is 0x8E: read as
 * Windows-1252, « Prénom » became « PrŽnom » and « Lefèvre » lost its è.
 * French text in one or the other is told apart by its accented letters.
 */
const looksMacRoman = (sample: Uint8Array): boolean => {
  let mac = 0;
  let windows = 0;
  for (const byte of sample) {
    if (MAC_ROMAN_FRENCH.has(byte)) mac += 1;
    else if (WINDOWS_1252_FRENCH.has(byte)) windows += 1;
  }
  return mac > 2 * windows;
};

/**
 * The encoding of a text file from its first bytes: BOM first, then strict
 * UTF-8, else Windows-1252 (what French Excel writes) or Mac Roman (what
 * Excel for Mac writes, told by its accented letters). A plain-ASCII sample
 * reads as UTF-8; the decoder switches to Windows-1252 (or Mac Roman, by
 * the same sign) if the first non-ASCII byte further on turns out not to be UTF-8.
 * Refuses binary files (NUL bytes, known signatures).
 */
export const detectEncoding = (sample: Uint8Array): TextEncoding => {
  if (startsWith(sample, [0xef, 0xbb, 0xbf])) return 'utf-8-bom';
  if (startsWith(sample, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(sample, [0xfe, 0xff])) return 'utf-16be';
  if (detectFileKind(sample) === 'xlsx') {
    throw new ImportError('binary_file', 'this is an Excel workbook: import it as .xlsx', { kind: 'xlsx' });
  }
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return utf16;
  const nul = sample.indexOf(0);
  if (nul >= 0) {
    throw new ImportError('binary_file', `this is not a text file (NUL byte at ${nul})`, { byte: nul, kind: 'binary' });
  }
  if (utf8ValidLength(sample, true) === sample.length) return 'utf-8';
  return looksMacRoman(sample) ? 'mac-roman' : 'windows-1252';
};

export type Decoder = {
  /** Text decoded so far; a sequence split across chunks waits for the next one. */
  write(chunk: Uint8Array): string;
  end(): string;
  /** Changes from 'utf-8' to 'windows-1252' or 'mac-roman' when an ASCII-looking file proves not to be UTF-8. */
  readonly encoding: TextEncoding;
};

const countNewlines = (text: string): number => {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
};

const NON_ASCII = /[^\x00-\x7f]/;

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
};

const ICONV_NAMES = { 'utf-16le': 'utf16le', 'utf-16be': 'utf16be', 'mac-roman': 'macintosh' } as const;

const createIconvDecoder = (encoding: keyof typeof ICONV_NAMES): Decoder => {
  const inner = iconv.getDecoder(ICONV_NAMES[encoding], { stripBOM: true });
  return {
    encoding,
    write: (chunk) => inner.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    end: () => inner.end() ?? '',
  };
};

/**
 * Windows-1252 is Latin-1 except for 0x80-0x9F (€ ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ).
 * iconv-lite's table gives those; the five unassigned bytes stay C1 controls
 * as in the WHATWG decoder, so the writer can give them back unchanged.
 */
export const WINDOWS_1252_HIGH: ReadonlyMap<string, string> = new Map(
  Array.from({ length: 32 }, (_, i) => {
    const latin1 = String.fromCharCode(0x80 + i);
    const decoded = iconv.decode(Buffer.from([0x80 + i]), 'windows1252');
    return [latin1, decoded === '\ufffd' ? latin1 : decoded] as const;
  }),
);

const HAS_C1 = /[\x80-\x9f]/;
const C1 = /[\x80-\x9f]/g;

/** Native Latin-1 decoding plus a fix-up of the 32 differing bytes: many times faster than a JS table loop. */
export const decodeWindows1252 = (bytes: Uint8Array): string => {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return HAS_C1.test(text) ? text.replace(C1, (c) => WINDOWS_1252_HIGH.get(c) ?? c) : text;
};

const createWindows1252Decoder = (): Decoder => ({
  encoding: 'windows-1252',
  write: decodeWindows1252,
  end: () => '',
});

/**
 * Streaming UTF-8 with Node's native strict decoder; on failure, the offending
 * byte is located by our own validator so the message says where.
 */
const createUtf8Decoder = (declared: boolean): Decoder => {
  const native = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let fallback: Decoder | null = null;
  let consumed = 0;
  let pending = new Uint8Array(0);
  let asciiSoFar = true;
  let lines = 0;

  const fail = (bytes: Uint8Array, atEnd: boolean): string => {
    const valid = utf8ValidLength(bytes, !atEnd);
    const before = bytes.subarray(0, valid);
    // Everything read so far was ASCII, identical in Windows-1252 and Mac Roman: switching loses nothing,
    // and the first accented letters tell which of the two the file is (an Excel for Mac file whose first 64 KB are plain)
    if (!declared && asciiSoFar && !before.some((b) => b >= 0x80)) {
      fallback = looksMacRoman(bytes) ? createIconvDecoder('mac-roman') : createWindows1252Decoder();
      const text = fallback.write(bytes);
      return atEnd ? text + fallback.end() : text;
    }
    const byte = consumed - pending.length + valid;
    const line = lines + before.filter((b) => b === 0x0a).length + 1;
    throw new ImportError('invalid_utf8', `invalid UTF-8 at byte ${byte} (line ${line})`, { byte, line });
  };

  const track = (text: string): string => {
    if (asciiSoFar && NON_ASCII.test(text)) asciiSoFar = false;
    lines += countNewlines(text);
    return text;
  };

  return {
    get encoding(): TextEncoding {
      if (fallback) return fallback.encoding;
      return declared ? 'utf-8-bom' : 'utf-8';
    },
    write(chunk) {
      if (fallback) return fallback.write(chunk);
      let text: string;
      try {
        text = native.decode(chunk, { stream: true });
      } catch {
        const failed = fail(concat(pending, chunk), false);
        consumed += chunk.length;
        return failed;
      }
      const tailSource = chunk.length >= 4 ? chunk.subarray(chunk.length - 4) : concat(pending, chunk);
      pending = tailSource.slice(tailSource.length - incompleteUtf8Suffix(tailSource));
      consumed += chunk.length;
      return track(text);
    },
    end() {
      if (fallback) return fallback.end();
      try {
        return track(native.decode());
      } catch {
        return fail(pending, true);
      }
    },
  };
};

export const createDecoder = (encoding: TextEncoding): Decoder => {
  switch (encoding) {
    case 'utf-8':
      return createUtf8Decoder(false);
    case 'utf-8-bom':
      return createUtf8Decoder(true);
    case 'windows-1252':
      return createWindows1252Decoder();
    default:
      return createIconvDecoder(encoding);
  }
};

/** Decodes a whole buffer (small files: vCards, tests). */
export const decodeAll = (bytes: Uint8Array, encoding: TextEncoding = detectEncoding(bytes.subarray(0, SAMPLE_BYTES))): string => {
  const decoder = createDecoder(encoding);
  return decoder.write(bytes) + decoder.end();
};

export type FileFormat = 'xlsx' | 'vcard' | 'delimited';

/**
 * Which reader a file needs, from its first bytes rather than its name: a
 * ".xls" from some tills is really a CSV or an HTML table, a ".csv" may be a
 * workbook. Refuses binary files and HTML pages with a message that says what to do.
 */
export const detectFormat = (sample: Uint8Array): FileFormat => {
  if (detectFileKind(sample) === 'xlsx') return 'xlsx';
  const head = createDecoder(detectEncoding(sample)).write(sample.subarray(0, 4096));
  if (/^\s*BEGIN:VCARD/i.test(head)) return 'vcard';
  if (/^\s*<(?:!doctype\s+html|html|table|\?xml)/i.test(head)) {
    throw new ImportError('binary_file', 'this is a web page or XML file, not a table: open it in Excel and save it as .xlsx or CSV', {
      kind: 'html',
    });
  }
  return 'delimited';
};
