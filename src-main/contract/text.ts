/**
 * Text folding used for sorting and matching: lower case, accents removed,
 * ligatures expanded, so "Élodie" sorts with "elodie" and "francois" finds "François".
 */
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss' };

/** Printable ASCII words one space apart: what most names are, and what folding leaves as is but for case. */
const PLAIN = /^[\x21-\x7e]+(?: [\x21-\x7e]+)*$/;

// the import folds two names a row: skipping Unicode normalisation where it cannot change anything halves that
export const fold = (value: string): string => (PLAIN.test(value) ? value.toLowerCase() : foldUnicode(value));

const foldUnicode = (value: string): string =>
  value
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[œæß]/g, (c) => LIGATURES[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Search terms typed by a user, split the way the full-text index splits them.
 * Case and accents are left to the index's tokenizer, which folds both sides
 * alike: `fold` here would also strip accents it keeps (Greek tonos, Cyrillic
 * breve) and lower letters it does not (Adlam), and "Άννα" typed as stored
 * would find nothing.
 * A number typed with spaces or dots ("06 12 34", "+33 6 12") is one term:
 * phones are indexed as one run of digits.
 */
export const searchTerms = (query: string): string[] => {
  if (/^[\d\s+().-]+$/.test(query) && /\d.*\d/.test(query)) return [query.replace(/\D/g, '')];
  return query
    .normalize('NFC')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0)
    .slice(0, 8);
};
