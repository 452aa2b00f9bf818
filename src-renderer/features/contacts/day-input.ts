import { isCalendarDate, localDate } from '@contract';

/**
 * Calendar days as people type them at a French counter: "14/07/1985",
 * "14.07.1985", "14071985", "1/2/1990"; a `YYYY-MM-DD` pasted from a file is
 * accepted too. Both UI languages show dd/mm/yyyy (en-GB reads it the same way).
 */
const DAY_MONTH_YEAR = /^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})$/;
const COMPACT = /^(\d{2})(\d{2})(\d{4})$/;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Typed text → `YYYY-MM-DD`. Text that is not a date is returned as typed, so
 * the contract's own check refuses it with its message (`invalid_date`).
 */
export const dayFromInput = (typed: string): string => {
  const v = typed.trim();
  if (v === '' || ISO.test(v)) return v;
  const m = DAY_MONTH_YEAR.exec(v) ?? COMPACT.exec(v);
  if (m === null) return v;
  const iso = `${m[3]}-${(m[2] ?? '').padStart(2, '0')}-${(m[1] ?? '').padStart(2, '0')}`;
  return isCalendarDate(iso) ? iso : v;
};

/** `YYYY-MM-DD` → "dd/mm/yyyy"; anything else unchanged. */
export const dayToInput = (iso: string | null): string => {
  if (iso === null) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m === null ? iso : `${m[3]}/${m[2]}/${m[1]}`;
};

/** The calendar day `days` after today, on the machine's clock (the shop's day). */
export const dayFromToday = (days: number, now: Date = new Date()): string => {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return localDate(d);
};

/** "HH:MM" of an instant on the machine's clock. */
export const timeToInput = (instant: Date): string =>
  `${String(instant.getHours()).padStart(2, '0')}:${String(instant.getMinutes()).padStart(2, '0')}`;

/**
 * A local day and "HH:MM" (or "HHhMM", "HH") → the UTC instant the contract
 * stores; null when either part is not understood.
 */
export const instantFromInput = (day: string, time: string): string | null => {
  const iso = dayFromInput(day);
  if (!isCalendarDate(iso)) return null;
  const t = time.trim();
  const m = t === '' ? ['', '0', '0'] : /^(\d{1,2})(?:[:hH.](\d{2})?)?$/.exec(t);
  if (m === null) return null;
  const [hours, minutes] = [Number(m[1]), Number(m[2] ?? '0')];
  if (hours > 23 || minutes > 59) return null;
  const [y, mo, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(y, mo - 1, d, hours, minutes).toISOString();
};
