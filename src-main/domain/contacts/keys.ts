import { fold, type ContactData } from '../../contract';

/** fold(last + ' ' + first): the list's accent- and case-insensitive sort key. */
export const sortName = (c: Pick<ContactData, 'firstName' | 'lastName'>): string =>
  fold(`${c.lastName ?? ''} ${c.firstName ?? ''}`);

/** fold(first + ' ' + last), as migration 2 filled it: duplicate detection at capture reads it. */
export const matchName = (c: Pick<ContactData, 'firstName' | 'lastName'>): string =>
  fold(`${c.firstName ?? ''} ${c.lastName ?? ''}`);

const CITY_MAP: Record<string, string> = { '-': ' ', "'": ' ', '\u2019': ' ', œ: 'oe', Œ: 'oe', æ: 'ae', Æ: 'ae' };
for (const [chars, to] of [
  ['àáâãäå', 'a'],
  ['ç', 'c'],
  ['èéêë', 'e'],
  ['ìíîï', 'i'],
  ['ñ', 'n'],
  ['òóôõö', 'o'],
  ['ùúûü', 'u'],
  ['ýÿ', 'y'],
] as const) {
  for (const c of [...chars, ...chars.toUpperCase()]) CITY_MAP[c] = to;
}
for (const mark of ['\u0300', '\u0301', '\u0302', '\u0308', '\u0327']) CITY_MAP[mark] = '';

/**
 * The JS twin of the SQL that fills `contacts.city_key` (migration 3):
 * SQLite's lower() only knows ASCII, so only A–Z are lowered here too and the
 * listed accented letters mapped; anything else stays as it is. A test
 * checks both agree.
 */
export const cityKey = (city: string): string => {
  let out = '';
  for (const c of city) out += c >= 'A' && c <= 'Z' ? c.toLowerCase() : (CITY_MAP[c] ?? c);
  return out;
};
