import type { DuplicateReason } from '../../contract';
import { matchName as contactMatchName, sortName } from '../contacts/keys';

/**
 * The name key stored in `contacts.match_name` (and indexed with the postcode).
 * Same formula as the backfill of migration 2, so old and new rows compare alike;
 * every writer of first/last names must keep it current.
 */
export const matchName = (firstName: string | null, lastName: string | null): string =>
  contactMatchName({ firstName, lastName });

/** The list's sort key, fold(last + ' ' + first), as the contacts service writes it. */
export const sortKey = (firstName: string | null, lastName: string | null): string => sortName({ firstName, lastName });

/**
 * A folded name seen the ways a person may be typed twice: tokens glued
 * ("Jean-Pierre", "Jean Pierre" and "Jeanpierre" are one), reversed (first and
 * last name swapped, with a typo) and sorted (swapped, with three or more tokens).
 */
export type NameForms = {
  tokens: string[];
  glued: string;
  reversed: string;
  sorted: string;
};

/** Below this many letters a name says too little to call two records alike. */
const MIN_NAME_LETTERS = 3;

const PLAIN = /^[a-z0-9 '-]*$/;

/** Letters and digits runs; the common all-ASCII case skips the Unicode regex (the finder splits a million names). */
export const nameTokens = (folded: string): string[] =>
  (PLAIN.test(folded) ? folded.split(/[ '-]+/) : folded.split(/[^\p{L}\p{N}]+/u)).filter((t) => t.length > 0);

export const nameForms = (folded: string): NameForms | null => {
  const tokens = nameTokens(folded);
  const glued = tokens.join('');
  if (glued.length < MIN_NAME_LETTERS) return null;
  return {
    tokens,
    glued,
    reversed: tokens.length > 1 ? [...tokens].reverse().join('') : glued,
    sorted: tokens.length > 1 ? [...tokens].sort().join('') : glued,
  };
};

/**
 * Edits tolerated between two glued names of this length: none for tiny
 * names, one typo below 16 letters, two beyond. Two edits on ordinary names
 * mostly join different people ("lucmartin" / "leamartin", "henrivenard" /
 * "henribesnard"), which flooded a 100k base with false pairs.
 */
export const allowedEdits = (length: number): number => (length < 5 ? 0 : length < 16 ? 1 : 2);

let rowA = new Int32Array(64);
let rowB = new Int32Array(64);
let rowC = new Int32Array(64);

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein with adjacent
 * transpositions), abandoned as soon as it must exceed `max`: the finder calls
 * it millions of times and nearly all pairs are far apart.
 * Returns a value > max when the distance is larger than max.
 */
export const boundedDistance = (a: string, b: string, max: number): number => {
  const n = a.length;
  const m = b.length;
  if (Math.abs(n - m) > max) return max + 1;
  if (a === b) return 0;
  if (n === 0 || m === 0) return Math.max(n, m);
  if (rowA.length <= m) {
    rowA = new Int32Array(m + 1);
    rowB = new Int32Array(m + 1);
    rowC = new Int32Array(m + 1);
  }
  let prev2 = rowA;
  let prev = rowB;
  let cur = rowC;
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cb = b.charCodeAt(j - 1);
      const cost = ca === cb ? 0 : 1;
      let v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, (prev2[j - 2] ?? 0) + 1);
      }
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    const t = prev2;
    prev2 = prev;
    prev = cur;
    cur = t;
  }
  return prev[m] ?? max + 1;
};

/**
 * How two names compare: the number of edits between them (0 = the same
 * name, however spelt in case, accents, hyphens or order), `different`, or
 * `unknown` when either record has no usable name.
 */
export type NameMatch = number | 'different' | 'unknown';

export const compareNames = (a: NameForms | null, b: NameForms | null): NameMatch => {
  if (!a || !b) return 'unknown';
  const length = Math.max(a.glued.length, b.glued.length);
  const max = allowedEdits(length);
  if (Math.abs(a.glued.length - b.glued.length) > max) return 'different';
  let best = boundedDistance(a.glued, b.glued, max);
  if (best > 0 && (a.tokens.length > 1 || b.tokens.length > 1)) {
    if (a.sorted === b.sorted) return 0;
    best = Math.min(best, boundedDistance(a.glued, b.reversed, max), boundedDistance(a.reversed, b.glued, max));
  }
  return best > max ? 'different' : best;
};

export const isAlike = (m: NameMatch): m is number => typeof m === 'number';

/** What is known about a pair of records. */
export type Evidence = {
  sameEmail: boolean;
  samePhone: boolean;
  name: NameMatch;
  samePostcode: boolean;
  /** Both records say something incompatible (Mme vs M., two birth dates). */
  conflicting: boolean;
};

/**
 * Each clue as a probability that the pair is one person, combined as
 * independent clues. A one-letter difference weighs much less than the same
 * name: it is as often a relative (Daniel / Danielle, Hébert / Hubert) as a typo.
 */
const EMAIL_WEIGHT = 0.9;
const PHONE_WEIGHT = 0.8;
const NAME_WEIGHT = [0.85, 0.65, 0.55] as const;
/** The same name elsewhere (another postcode) only backs up an e-mail or phone match. */
const NAME_ELSEWHERE_WEIGHT = [0.5, 0.3, 0.2] as const;
/** Same e-mail or phone but another name: a household or a company address, often two people. */
const OTHER_NAME_FACTOR = 0.6;
const CONFLICT_FACTOR = 0.5;

export const reasonsOf = (e: Evidence): DuplicateReason[] => {
  const out: DuplicateReason[] = [];
  if (e.sameEmail) out.push('same_email');
  if (e.samePhone) out.push('same_phone');
  if (e.samePostcode && isAlike(e.name)) out.push('similar_name_same_postcode');
  return out;
};

/**
 * 0–100. Same e-mail and name 99, the same name at the same postcode 85,
 * with a typo 65, a shared e-mail under another name 54.
 */
export const scoreEvidence = (e: Evidence): number => {
  let miss = 1;
  if (e.sameEmail) miss *= 1 - EMAIL_WEIGHT;
  if (e.samePhone) miss *= 1 - PHONE_WEIGHT;
  if (isAlike(e.name)) {
    const edits = Math.min(e.name, 2);
    if (e.samePostcode) miss *= 1 - (NAME_WEIGHT[edits] ?? 0);
    else if (e.sameEmail || e.samePhone) miss *= 1 - (NAME_ELSEWHERE_WEIGHT[edits] ?? 0);
  }
  let p = 1 - miss;
  if ((e.sameEmail || e.samePhone) && e.name === 'different') p *= OTHER_NAME_FACTOR;
  if (e.conflicting) p *= CONFLICT_FACTOR;
  return Math.round(p * 100);
};
