import { z } from 'zod';

/**
 * Date fields shared by the schemas. Calendar dates stay `YYYY-MM-DD`;
 * instants are stored as `Date.toISOString()` text so that string order is
 * time order in SQL and in JS alike (DESIGN §4).
 */
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** A day in milliseconds (days of UTC dates: no clock change in them). */
export const DAY_MS = 86_400_000;

/** Sales before this are typos, not history. */
export const EARLIEST_YEAR = 1900;

/** `Date` rolls 2024-02-30 over to March: check the parts survive the round trip. */
export const isCalendarDate = (value: string): boolean => {
  const m = DATE_PATTERN.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < EARLIEST_YEAR || y > 2200) return false;
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
};

/** The machine's calendar day: the shop's "today" is local, not UTC. */
export const localDate = (now: Date = new Date()): string =>
  `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;

/**
 * The last day a range ends with, from its exclusive end instant (a midnight
 * UTC, as an analysis window's): 1 July 00:00 UTC closes 30 June in every
 * zone. Shown as an instant, the millisecond before it reads 1 July in Paris.
 */
export const lastDayBefore = (end: string): string => new Date(Date.parse(end) - 1).toISOString().slice(0, 10);

/** The day after a calendar date (exclusive upper bounds of date ranges). */
export const nextDate = (date: string): string => {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * `YYYY-MM-DD` + n calendar months (n may be negative), the day clamped to
 * the target month's length: 31 January + 1 month = 28 (or 29) February,
 * 29 February 2024 + 36 months = 28 February 2027. The deadlines of privacy
 * requests, retention periods and points expiry all count this way.
 */
export const addMonths = (date: string, months: number): string => {
  const [y, m, d] = date.slice(0, 10).split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const day = Math.min(d, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
};

export const addYears = (date: string, years: number): string => addMonths(date, 12 * years);

export const addDays = (date: string, days: number): string => {
  const t = new Date(`${date.slice(0, 10)}T00:00:00.000Z`);
  t.setUTCDate(t.getUTCDate() + days);
  return t.toISOString().slice(0, 10);
};

/**
 * The stored instant of a day without a time (a date typed at the counter, a
 * file without hours): its midnight UTC, so it reads as the same day
 * everywhere. Screens and exports show such an instant as its date alone.
 */
export const dayInstant = (date: string): string => `${date}T00:00:00.000Z`;

/**
 * `new Date(ms).toISOString()` for many instants: each UTC day's text is
 * made once and the time of day by arithmetic (1.7M instants: 2.4 s through
 * Date, 0.5 s so). The days are kept: a till's file or the demo shop spans a
 * few thousand; the years Comptoir accepts, some 110,000 at most.
 */
export const isoFormatter = (): ((ms: number) => string) => {
  const days = new Map<number, string>();
  const two = (n: number): string => (n < 10 ? `0${n}` : String(n));
  return (ms) => {
    const day = Math.floor(ms / DAY_MS);
    let midnight = days.get(day);
    if (midnight === undefined) {
      midnight = new Date(day * DAY_MS).toISOString();
      days.set(day, midnight);
    }
    let rest = ms - day * DAY_MS;
    if (rest === 0) return midnight;
    const milli = rest % 1000;
    rest = (rest - milli) / 1000;
    const s = rest % 60;
    rest = (rest - s) / 60;
    const mi = rest % 60;
    const h = (rest - mi) / 60;
    return `${midnight.slice(0, 11)}${two(h)}:${two(mi)}:${two(s)}.${milli < 10 ? '00' : milli < 100 ? '0' : ''}${milli}Z`;
  };
};

/** Whether an instant is a day stored without its time (`dayInstant`). */
export const isDayInstant = (value: string): boolean => /^\d{4}-\d{2}-\d{2}T00:00:00(?:\.0+)?Z$/.test(value);

/** Text that is a calendar date or an ISO-8601 instant → canonical UTC instant, or null. */
export const toInstant = (value: string): string | null => {
  if (!INSTANT_PATTERN.test(value)) return null;
  if (!isCalendarDate(value.slice(0, 10))) return null;
  // a bare date or a time without zone is taken as UTC, never as the machine's zone, so it reads the same everywhere
  const withZone = value.length === 10 ? dayInstant(value) : /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(withZone.replace(' ', 'T'));
  if (Number.isNaN(ms)) return null;
  return new Date(ms).toISOString();
};

const dateText = z
  .string()
  .max(40, { error: 'invalid_date' })
  .nullish()
  .transform((v) => (v ? v.trim() : ''))
  .transform((v) => (v === '' ? null : v));

/** Optional `YYYY-MM-DD`; '' becomes null. */
export const optionalDate = dateText.refine((v) => v === null || isCalendarDate(v), { error: 'invalid_date' });

/** Optional `YYYY-MM-DD` that cannot be after today (birth dates, collection dates). */
export const optionalPastDate = optionalDate.refine((v) => v === null || v <= localDate(), { error: 'in_future' });

export const requiredDate = z
  .string({ error: 'required' })
  .trim()
  .refine(isCalendarDate, { error: 'invalid_date' });

/**
 * A date or an instant, normalised to a UTC instant, refused when later than
 * now plus `slackMs` (clock skew, time zones).
 */
export const instantNoLaterThanNow = (slackMs: number) =>
  z
    .string({ error: 'invalid_date' })
    .max(40, { error: 'invalid_date' })
    .trim()
    .transform((v, ctx) => {
      const out = toInstant(v);
      if (out === null) {
        ctx.addIssue({ code: 'custom', message: 'invalid_date' });
        return z.NEVER;
      }
      if (Date.parse(out) > Date.now() + slackMs) {
        ctx.addIssue({ code: 'custom', message: 'in_future' });
        return z.NEVER;
      }
      return out;
    });

/** "Today" at the till may be tomorrow in UTC: a day and a half of slack. */
export const PAST_SLACK_MS = 36 * 3600 * 1000;
export const pastInstant = instantNoLaterThanNow(PAST_SLACK_MS);

/** A date or an instant as a range bound; a bare date means that whole day (see `bound` users). */
export const dateBound = z
  .string()
  .max(40, { error: 'invalid_date' })
  .trim()
  .refine((v) => toInstant(v) !== null, { error: 'invalid_date' });

/**
 * Range bounds → [from, to) instants. A bare `to` date includes that whole
 * (UTC) day; the renderer passes instants when it wants local-day edges.
 */
export const instantRange = (from: string | undefined, to: string | undefined): { from: string | null; to: string | null } => ({
  from: from === undefined ? null : toInstant(from),
  to:
    to === undefined
      ? null
      : to.length === 10
        ? toInstant(nextDate(to))
        : // an instant `to` is inclusive: the next millisecond is the exclusive bound
          new Date(Date.parse(toInstant(to) ?? '') + 1).toISOString(),
});
