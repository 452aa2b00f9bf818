/**
 * Retention periods are counted in calendar years, the way a person reads
 * "3 years after": the same day of the same month. 29 February has no twin in
 * a common year; it becomes 28 February (never 1 March), so a period never
 * ends later than the law allows.
 */
const parse = (date: string): [number, number, number] => {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) throw new Error(`not a calendar date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
};

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

const format = (y: number, m: number, d: number): string =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;


/**
 * The latest reference day still due on `on`: the largest d with
 * addYears(d, years) ≤ on. On 28 February of a common year that is
 * 29 February when the year `years` back was a leap year (its period ended
 * that very day).
 */
export const lastDueReference = (on: string, years: number): string => {
  const [y, m, d] = parse(on);
  const year = y - years;
  if (m === 2 && d === 28 && isLeap(year) && !isLeap(y)) return format(year, 2, 29);
  if (m === 2 && d === 29 && !isLeap(year)) return format(year, 2, 28);
  return format(year, m, d);
};
