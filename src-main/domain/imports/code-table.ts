import type { Sqlite } from '../../store/open';

/**
 * Customer code → contact id for a whole base. `get` is exact; undefined
 * means "not in the table", which the caller confirms with its index lookup
 * (a code the table leaves out, one with a NUL, stays findable that way).
 */
export type CodeTable = { get(code: string): number | undefined };

/** Four 32-bit fields a slot: contact id (0: empty), hash, offset of the code in the joined text, its length. */
const FIELDS = 4;
const SEPARATOR = '\u0000';

/** FNV-1a over UTF-16 units start..end, then a murmur finaliser so neighbouring codes spread. */
const hashRange = (text: string, start: number, end: number): number => {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
};

/**
 * The same answers as a Map, in two flat blocks: the codes as one string
 * joined by SQLite, and an open-addressing table of ids and offsets. A
 * purchase import asks for a random customer every row. Measured on 1M codes
 * in a 1M-row import: 1.3 s to load, then 0.8 µs a row against 2.4 µs
 * through the index; ~40 MB where a Map of 1M strings took ~70 MB (peak of a
 * 10M-row import: 907 → 772 MB). Null when an id does not fit the table (not
 * a positive 32-bit integer), or the two reads below disagree.
 */
export const loadCodeTable = (db: Sqlite): CodeTable | null => {
  const where = 'code IS NOT NULL AND instr(code, char(0)) = 0';
  const text = db.prepare(`SELECT group_concat(code, char(0) ORDER BY id) FROM contacts WHERE ${where}`).pluck().get() as string | null;
  const joined = text ?? '';
  // a code more than separators; none when SQLite had no row to join (one empty code joins to '' too)
  let count = text === null ? 0 : 1;
  for (let at = joined.indexOf(SEPARATOR); at >= 0; at = joined.indexOf(SEPARATOR, at + 1)) count += 1;
  let slots = 1 << 10;
  while (slots < count * 2) slots *= 2;
  const mask = slots - 1;
  const table = new Int32Array(slots * FIELDS);
  let start = 0;
  // the same rows in the same order as the joined codes: one id per code
  for (const id of db.prepare(`SELECT id FROM contacts WHERE ${where} ORDER BY id`).pluck().iterate() as Iterable<number>) {
    if (!Number.isInteger(id) || id < 1 || id > 0x7fffffff) return null;
    let end = joined.indexOf(SEPARATOR, start);
    if (end < 0) end = joined.length;
    const h = hashRange(joined, start, end);
    let s = h & mask;
    while (table[s * FIELDS] !== 0) s = (s + 1) & mask;
    const at = s * FIELDS;
    table[at] = id;
    table[at + 1] = h;
    table[at + 2] = start;
    table[at + 3] = end - start;
    start = end + 1;
  }
  // every code given an id, and no more: else the two reads disagreed
  if (count > 0 && start !== joined.length + 1) return null;
  return {
    get(code) {
      const h = hashRange(code, 0, code.length);
      for (let s = h & mask; ; s = (s + 1) & mask) {
        const at = s * FIELDS;
        const id = table[at] ?? 0;
        if (id === 0) return undefined;
        if (table[at + 1] === h && table[at + 3] === code.length && joined.startsWith(code, table[at + 2])) return id;
      }
    },
  };
};
