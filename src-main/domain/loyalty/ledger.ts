import { addMonths, AppError, localDate, type LedgerEntry, type LedgerKind, type LoyaltyProgramme } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { tierIndex } from './programme';

/**
 * The points ledger. Every change to a balance is one appended entry; the
 * member's cached balance follows by trigger. Credits open a lot (what is
 * left of them, and when it expires); debits take from the oldest lots first.
 * Invariant: the open lots of a member add up to max(0, balance) — a negative
 * balance (only an explicit adjustment makes one) is paid back by the next
 * credits before they open a lot.
 */

/** Kinds that count as earned for a points-based tier (adjustments and redemptions do not). */
export const EARNING_KINDS: readonly LedgerKind[] = ['earn', 'reverse', 'welcome', 'referral', 'bonus'];

export type Post = {
  contactId: number;
  kind: LedgerKind;
  points: number;
  at: string;
  reason?: string | null;
  purchaseId?: number | null;
  rewardId?: number | null;
  voucherCode?: string | null;
  reversesId?: number | null;
  /** A reversal that could not take everything back (the points were spent). */
  uncovered?: number;
  /** Expiry: the one lot this debit empties, instead of the oldest ones. */
  lot?: number;
};

/**
 * The day a credit made at `at` expires, or null when points never do:
 * months counted from the shop's day of the credit, the day the customer
 * was told (21:00 on 31 January in Martinique is already 1 February in UTC).
 */
export const lotExpiry = (programme: LoyaltyProgramme, at: string): string | null =>
  programme.expiryMonths === null ? null : addMonths(localDate(new Date(at)), programme.expiryMonths);

export const memberBalance = (store: Store, contactId: number): number | undefined =>
  prepared(store.sqlite, 'SELECT balance FROM loyalty_members WHERE contact_id = ?').pluck().get(contactId) as
    | number
    | undefined;

/** Takes `points` from the member's open lots, oldest first; returns what they held. */
const consumeLots = (store: Store, contactId: number, points: number): number => {
  const lots = prepared(
    store.sqlite,
    'SELECT entry_id AS id, remaining FROM loyalty_lots WHERE contact_id = ? AND remaining > 0 ORDER BY entry_id',
  ).iterate(contactId) as IterableIterator<{ id: number; remaining: number }>;
  const updates: [number, number][] = [];
  let left = points;
  for (const lot of lots) {
    if (left <= 0) break;
    const take = Math.min(left, lot.remaining);
    updates.push([lot.id, lot.remaining - take]);
    left -= take;
  }
  const set = prepared(store.sqlite, 'UPDATE loyalty_lots SET remaining = ? WHERE entry_id = ?');
  for (const [id, remaining] of updates) set.run(remaining, id);
  return points - left;
};

/**
 * Appends one entry and keeps the lots in step, in the caller's transaction.
 * The caller has checked whether a debit may take the balance below zero.
 */
export const post = (store: Store, p: Post, programme: LoyaltyProgramme): number => {
  const before = memberBalance(store, p.contactId);
  if (before === undefined) throw new AppError('NOT_FOUND', `contact ${p.contactId} is not a loyalty member`, { reason: 'not_member', id: p.contactId });
  const expires = p.points > 0 ? lotExpiry(programme, p.at) : null;
  const id = Number(
    prepared(
      store.sqlite,
      `INSERT INTO loyalty_entries (contact_id, kind, points, at, reason, purchase_id, reward_id, voucher_code, reverses_id,
        lot_expires_on, uncovered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      p.contactId,
      p.kind,
      p.points,
      p.at,
      p.reason ?? null,
      p.purchaseId ?? null,
      p.rewardId ?? null,
      p.voucherCode ?? null,
      p.reversesId ?? null,
      expires,
      p.uncovered ?? 0,
    ).lastInsertRowid,
  );
  if (p.points > 0) {
    // a negative balance is paid back first: only what lifts it above zero can expire later
    const lot = Math.min(p.points, Math.max(0, before + p.points));
    if (lot > 0) {
      prepared(store.sqlite, 'INSERT INTO loyalty_lots (entry_id, contact_id, expires_on, remaining) VALUES (?, ?, ?, ?)').run(
        id,
        p.contactId,
        expires,
        lot,
      );
    }
  } else if (p.points < 0) {
    if (p.lot !== undefined) {
      prepared(store.sqlite, 'UPDATE loyalty_lots SET remaining = remaining + ? WHERE entry_id = ?').run(p.points, p.lot);
    } else {
      consumeLots(store, p.contactId, -p.points);
    }
  }
  return id;
};

const ENTRY_COLUMNS = `id, contact_id AS contactId, kind, points, at, reason, purchase_id AS purchaseId, reward_id AS rewardId,
  voucher_code AS voucherCode, reverses_id AS reversesId, lot_expires_on AS lotExpiresOn`;

export const getEntry = (store: Store, id: number): LedgerEntry =>
  prepared(store.sqlite, `SELECT ${ENTRY_COLUMNS} FROM loyalty_entries WHERE id = ?`).get(id) as LedgerEntry;

export const entriesByIds = (store: Store, ids: readonly number[]): LedgerEntry[] =>
  prepared(store.sqlite, `SELECT ${ENTRY_COLUMNS} FROM loyalty_entries WHERE id IN (SELECT value FROM json_each(?))`).all(
    JSON.stringify(ids),
  ) as LedgerEntry[];

export const entriesPage = (
  store: Store,
  contactId: number,
  before: number | null,
  limit: number,
): { entries: LedgerEntry[]; nextCursor: string | null } => {
  const rows = prepared(
    store.sqlite,
    `SELECT ${ENTRY_COLUMNS} FROM loyalty_entries WHERE contact_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
  ).all(contactId, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as LedgerEntry[];
  const more = rows.length > limit;
  const entries = rows.slice(0, limit);
  const last = entries[entries.length - 1];
  return { entries, nextCursor: more && last ? String(last.id) : null };
};

/* ---------- tiers ---------- */

/** Net sales (cents) or points earned since `from` (an instant), for one member. */
const measure = (store: Store, contactId: number, basis: 'points' | 'spend', from: string): number => {
  if (basis === 'spend') {
    return Number(
      prepared(
        store.sqlite,
        'SELECT coalesce(sum(amount_cents), 0) FROM purchases WHERE contact_id = ? AND purchased_at >= ?',
      )
        .pluck()
        .get(contactId, from),
    );
  }
  return Number(
    prepared(
      store.sqlite,
      `SELECT coalesce(sum(points), 0) FROM loyalty_entries
        WHERE contact_id = ? AND ${IN_WINDOW('at')} AND kind IN ('earn', 'reverse', 'welcome', 'referral', 'bonus')`,
    )
      .pluck()
      .get(contactId, from),
  );
};

/**
 * An entry at or after a window's start (a midnight UTC, the parameter), in
 * the terms of loyalty_entries_by_member (member, UTC day): a range of that
 * index, exact because windows start on a day.
 */
export const IN_WINDOW = (at: string): string => `unixepoch(${at}) / 86400 >= unixepoch(?) / 86400`;

/** The instant a tier's rolling window starts (midnight UTC), seen from `now`. */
export const tierWindowStart = (now: Date, windowMonths: number): string =>
  `${addMonths(now.toISOString().slice(0, 10), -windowMonths)}T00:00:00.000Z`;

/** The highest tier whose threshold the member meets over its window (the first tier always). */
export const qualifyingTier = (store: Store, contactId: number, programme: LoyaltyProgramme, now: Date): string => {
  const cache = new Map<string, number>();
  for (let i = programme.tiers.length - 1; i > 0; i--) {
    const t = programme.tiers[i];
    if (!t) continue;
    const from = tierWindowStart(now, t.windowMonths);
    const key = `${t.basis}:${from}`;
    let value = cache.get(key);
    if (value === undefined) {
      value = measure(store, contactId, t.basis, from);
      cache.set(key, value);
    }
    if (value >= t.threshold) return t.key;
  }
  return programme.tiers[0]?.key ?? 'basic';
};

/** Recomputes the member's tier; a change is written with its history. Returns the tier. */
export const updateTier = (store: Store, contactId: number, programme: LoyaltyProgramme, now: Date): string => {
  const current = prepared(store.sqlite, 'SELECT tier FROM loyalty_members WHERE contact_id = ?').pluck().get(contactId) as
    | string
    | undefined;
  if (current === undefined) return '';
  const next = qualifyingTier(store, contactId, programme, now);
  if (next === current) return current;
  const at = now.toISOString();
  prepared(store.sqlite, 'UPDATE loyalty_members SET tier = ?, tier_since = ? WHERE contact_id = ?').run(next, at, contactId);
  const direction = tierIndex(programme, next) > tierIndex(programme, current) ? 'up' : 'down';
  prepared(
    store.sqlite,
    'INSERT INTO loyalty_tier_history (contact_id, at, from_tier, to_tier, direction) VALUES (?, ?, ?, ?, ?)',
  ).run(contactId, at, current, next, direction);
  return next;
};

/* ---------- expiry ---------- */

/**
 * Empties every lot whose expiry day has come (the shop's day of `now`
 * included: the points shown as expiring on a day stay usable until that
 * day begins at the till, not at midnight UTC), each by its own 'expire'
 * entry naming the credit it came from, oldest first. Members' tiers are
 * then recomputed (a points tier may drop).
 */
export const expireDue = (store: Store, programme: LoyaltyProgramme, now: Date): { expired: number; members: number[] } => {
  const today = localDate(now);
  const due = prepared(
    store.sqlite,
    `SELECT entry_id AS id, contact_id AS contactId, remaining FROM loyalty_lots
      WHERE expires_on <= ? AND remaining > 0 AND expires_on IS NOT NULL ORDER BY entry_id`,
  ).all(today) as { id: number; contactId: number; remaining: number }[];
  const at = now.toISOString();
  let expired = 0;
  const members = new Set<number>();
  for (const lot of due) {
    post(store, { contactId: lot.contactId, kind: 'expire', points: -lot.remaining, at, reversesId: lot.id, lot: lot.id }, programme);
    expired += lot.remaining;
    members.add(lot.contactId);
  }
  return { expired, members: [...members] };
};
