import BetterSqlite3 from 'better-sqlite3';

/**
 * The search index's tokenizer (unicode61, remove_diacritics 2) replayed in
 * JavaScript, for checking a few hundred contacts against a search without
 * reading the search index: a broad search ("ma", 157k matches at 1M) next
 * to a small filter costs a scan of every match (9–16 ms), or 16–84 µs per
 * contact looked up by rowid in the index, against 5–8 µs per contact read
 * (a random row) and checked here, ~1 µs of it the check.
 *
 * The tokenizer treats each character on its own: a token character folded
 * to a lower-case letter or digit, folded to nothing (a combining accent), or
 * a separator. What it does with each character of the Latin blocks, the
 * combining accents and General Punctuation is asked of SQLite itself, once
 * per process (~900 characters, 10–15 ms), through a
 * throw-away in-memory index made with the same options; a character outside
 * that table, or one it folds to anything else (ß, œ, Greek…), makes the
 * check answer "unsure", and the caller asks the index.
 */

/** By code point, what the tokenizer does with a character: '' drops it, ' ' separates tokens, else its folded form. */
type Table = readonly (string | undefined)[];

/** [from, to) code points: ASCII to Latin Extended-B, combining accents, Latin Extended Additional, General Punctuation. */
const RANGES: readonly [number, number][] = [
  [0x01, 0x250],
  [0x300, 0x370],
  [0x1e00, 0x1f00],
  [0x2000, 0x2070],
];

let table: Table | null = null;

/** Asks SQLite's own tokenizer what it makes of each character of RANGES. */
const readTable = (): Table => {
  const db = new BetterSqlite3(':memory:');
  try {
    db.exec(`CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = 'unicode61 remove_diacritics 2');
      CREATE VIRTUAL TABLE v USING fts5vocab (t, 'instance');`);
    const insert = db.prepare('INSERT INTO t (rowid, x) VALUES (?, ?)');
    db.transaction(() => {
      for (const [from, to] of RANGES) {
        for (let cp = from; cp < to; cp += 1) {
          insert.run(cp, `q${String.fromCodePoint(cp)}z`);
        }
      }
    })();
    const tokens = new Map<number, string[]>();
    for (const row of db.prepare('SELECT doc, term FROM v ORDER BY doc, offset').iterate() as Iterable<{ doc: number; term: string }>) {
      const list = tokens.get(row.doc) ?? [];
      list.push(row.term);
      tokens.set(row.doc, list);
    }
    const out: (string | undefined)[] = [];
    for (const [cp, terms] of tokens) {
      const [first, second] = terms;
      if (terms.length === 2 && first === 'q' && second === 'z') out[cp] = ' ';
      else if (terms.length === 1 && first === 'qz') out[cp] = '';
      else if (terms.length === 1 && first !== undefined && /^q[a-z0-9]z$/.test(first)) out[cp] = first[1]!;
    }
    return out;
  } finally {
    db.close();
  }
};

/** `text` as the tokenizer indexes it, tokens separated by one space; null when a character is not in the table. */
const folded = (t: Table, text: string): string | null => {
  let out = ' ';
  for (const ch of text) {
    const f = t[ch.codePointAt(0)!];
    if (f === undefined) return null;
    if (f === ' ') {
      if (!out.endsWith(' ')) out += ' ';
    } else out += f;
  }
  return out;
};

/** Whether a contact's indexed values match every term: null when a character makes it unsure. */
export type TextMatch = (values: readonly (string | null)[]) => boolean | null;

/**
 * The check for these search terms (each a prefix of one word, all
 * required), or null when a term is not one plain token to the table.
 */
export const textMatch = (terms: readonly string[]): TextMatch | null => {
  table ??= readTable();
  const t = table;
  const wanted: string[] = [];
  for (const term of terms) {
    const f = folded(t, term);
    if (f === null || f.length < 2 || f.indexOf(' ', 1) !== -1) return null;
    // a word starts after a space: the folded text begins with one
    wanted.push(f.trimEnd());
  }
  return (values) => {
    let text = '';
    for (const v of values) {
      if (v === null) continue;
      const f = folded(t, v);
      if (f === null) return null;
      text += f;
    }
    return wanted.every((w) => text.includes(w));
  };
};

/**
 * The values the search index holds for a contact (the insert trigger of
 * migration 1): a French phone is indexed in both its forms.
 */
export const indexedValues = (c: {
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phone: string | null;
  city: string | null;
  postcode: string | null;
}): (string | null)[] => [
  c.first_name,
  c.last_name,
  c.email,
  c.phone,
  c.phone !== null && c.phone.startsWith('+33') ? `0${c.phone.slice(3)}` : null,
  c.city,
  c.postcode,
];
