import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { searchTerms } from '../../src-main/contract';
import { indexedValues, textMatch } from '../../src-main/domain/contacts/search-text';

/** The search index of migration 15, fed as its triggers feed it. */
const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE contacts_fts USING fts5 (
  name, email, phone, city, content = '', contentless_delete = 1,
  tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6', detail = none)`);
const insert = db.prepare(`INSERT INTO contacts_fts (rowid, name, email, phone, city) VALUES (?,
  coalesce(?1, '') || ' ' || coalesce(?2, ''), coalesce(?3, ''),
  CASE WHEN ?4 LIKE '+33%' THEN ?4 || ' 0' || substr(?4, 4) ELSE coalesce(?4, '') END,
  coalesce(?5, '') || ' ' || coalesce(?6, ''))`.replace('VALUES (?,', 'VALUES (?7,'));
const matches = db.prepare('SELECT 1 FROM contacts_fts WHERE contacts_fts MATCH ? AND rowid = CAST(? AS INTEGER)').pluck();
afterAll(() => db.close());

type Contact = { first_name: string | null; last_name: string | null; email: string | null; phone: string | null; city: string | null; postcode: string | null };

let nextId = 1;
const indexed = (c: Contact): number => {
  const id = nextId++;
  insert.run({ 1: c.first_name, 2: c.last_name, 3: c.email, 4: c.phone, 5: c.city, 6: c.postcode, 7: id });
  return id;
};
const query = (terms: readonly string[]): string => terms.map((t) => `"${t}"*`).join(' AND ');

// French text and what sits next to it: accents precomposed and combining, apostrophes and dashes; now and
// then a letter of another script, a ligature or a symbol, about which the check must say it is unsure
const FRENCH = [...'abcmreéèêëàâäîïôöùûüçÿñÉÈÀÇÔMARTINzZ019 -.\'’@_+«»–—\u00a0\u0301\u0327'];
const OTHER = [...'œŒßæøłđİıΣσάй中😀'];
const char = fc.oneof({ arbitrary: fc.constantFrom(...FRENCH), weight: 40 }, { arbitrary: fc.constantFrom(...OTHER), weight: 1 });
const text = fc.option(fc.array(char, { maxLength: 14 }).map((cs) => cs.join('')), { nil: null });
const contact = fc.record({
  first_name: text,
  last_name: text,
  email: text,
  phone: fc.option(fc.constantFrom('+33612345678', '+4915112345678', '0612'), { nil: null }),
  city: text,
  postcode: fc.option(fc.constantFrom('75011', '2A004', '69'), { nil: null }),
});
/** Typed searches: often the start of one of the contact's own words (so that many match), else anything. */
const typedFor = (c: Contact) => {
  const words = Object.values(c).flatMap((v) => (v === null ? [] : v.split(/[\s.'’@_+«»–—-]+/u))).filter((w) => w.length > 0);
  const own = words.length === 0 ? fc.constant('a') : fc.constantFrom(...words).chain((w) => fc.integer({ min: 1, max: w.length }).map((n) => [...w].slice(0, n).join('')));
  // the inside of a word: found only where another word starts with it
  const inside = words.length === 0 ? fc.constant('a') : fc.constantFrom(...words).chain((w) => fc.integer({ min: 1, max: Math.max(1, [...w].length - 1) }).map((n) => [...w].slice(n).join('') || 'a'));
  const any = fc.array(char, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
  return fc.array(fc.oneof(own, inside, any), { minLength: 1, maxLength: 3 });
};

describe('the search index tokenizer replayed in JavaScript', () => {
  it('agrees with the index on every contact it is sure about, for any search', () => {
    let sure = 0;
    let found = 0;
    fc.assert(
      fc.property(contact.chain((c) => fc.tuple(fc.constant(c), typedFor(c))), ([c, typed]) => {
        const terms = searchTerms(typed.join(' '));
        const check = terms.length === 0 ? null : textMatch(terms);
        if (check === null) return;
        const id = indexed(c);
        const verdict = check(indexedValues(c));
        if (verdict === null) return;
        sure += 1;
        if (verdict) found += 1;
        expect(verdict).toBe(matches.get(query(terms), id) !== undefined);
      }),
      { numRuns: 3000 },
    );
    expect(found).toBeGreaterThan(300);
    // a few searches and contacts are left unsure on purpose; most must still be checked
    expect(sure).toBeGreaterThan(1500);
  });

  it('is sure about French names, addresses and phones, and finds them as the index does', () => {
    const people: Contact[] = [
      { first_name: 'Hélène', last_name: 'Mâcon-Durand', email: 'h.md@gmail.com', phone: '+33612345678', city: 'Évry', postcode: '91000' },
      { first_name: 'Jean-François', last_name: "D'Artagnan", email: null, phone: null, city: 'Saint-Étienne', postcode: '42000' },
      { first_name: 'Zoë', last_name: 'Lefèvre', email: 'zoe@exemple.fr', phone: '+41791234567', city: 'L’Haÿ-les-Roses', postcode: '94240' },
    ];
    const searches = [['ma'], ['helene', 'dur'], ['0612'], ['3361'], ['ev'], ['artag'], ['francois'], ['hay', 'roses'], ['lef', 'zo'], ['gmail'], ['9424'], ['x']];
    for (const p of people) {
      const id = indexed(p);
      for (const s of searches) {
        const check = textMatch(s);
        expect(check).not.toBeNull();
        expect(check!(indexedValues(p))).toBe(matches.get(query(s), id) !== undefined);
      }
    }
    expect(textMatch(['ma'])!(indexedValues(people[0]!))).toBe(true);
    expect(textMatch(['ev'])!(indexedValues(people[2]!))).toBe(false);
  });

  it('says unsure for a letter it cannot fold to one plain letter, rather than guess', () => {
    expect(textMatch(['straße'])).toBeNull();
    expect(textMatch(['σοφ'])).toBeNull();
    expect(textMatch(['stra'])!(indexedValues({ first_name: 'Σοφία', last_name: 'Strand', email: null, phone: null, city: null, postcode: null }))).toBeNull();
  });
});
