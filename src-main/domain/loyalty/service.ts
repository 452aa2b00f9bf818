import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import {
  AppError,
  cardNumberFor,
  displayName,
  localDate,
  type BonusGrantResult,
  type BonusPreview,
  type CardStatus,
  type LoyaltyCard,
  type LoyaltyDashboard,
  type LoyaltyProgramme,
  type Member,
  type MemberPage,
  type RedeemResult,
  type Reward,
  type loyaltyAdjustInput,
  type loyaltyBonusGrantInput,
  type loyaltyBonusPreviewInput,
  type loyaltyEnrolInput,
  type loyaltyMembersInput,
  type loyaltyProgrammeUpdateInput,
  rewardInput,
  type rewardUpdateInput,
} from '../../contract';
import { prepared, statement, type Store } from '../../store/db';
import { matchingWhere } from '../contacts/list';
import { insertPurchase } from '../purchases/service';
import { getSettings } from '../settings/service';
import { EARNING_KINDS, IN_WINDOW, entriesPage, expireDue, getEntry, lotExpiry, memberBalance, post, tierWindowStart, updateTier } from './ledger';
import { getProgramme, tierIndex, tierOf, updateProgramme } from './programme';

/* ---------- members and cards ---------- */

type MemberRow = {
  contactId: number;
  cardId: number;
  enrolledAt: string;
  tier: string;
  tierSince: string;
  referrerId: number | null;
  balance: number;
  firstName: string | null;
  lastName: string | null;
};

const MEMBER_SQL = `SELECT m.contact_id AS contactId, m.card_id AS cardId, m.enrolled_at AS enrolledAt, m.tier,
  m.tier_since AS tierSince, m.referrer_id AS referrerId, m.balance, c.first_name AS firstName, c.last_name AS lastName
  FROM loyalty_members m JOIN contacts c ON c.id = m.contact_id WHERE m.contact_id = ?`;

export const notMember = (contactId: number): AppError =>
  new AppError('NOT_FOUND', `contact ${contactId} is not a loyalty member`, { reason: 'not_member', entity: 'contact', id: contactId });

const cardsOf = (store: Store, contactId: number): (LoyaltyCard & { id: number })[] =>
  prepared(
    store.sqlite,
    `SELECT id, number, status, issued_at AS issuedAt FROM loyalty_cards WHERE contact_id = ? ORDER BY id DESC`,
  ).all(contactId) as (LoyaltyCard & { id: number })[];

export const findMember = (store: Store, contactId: number, programme = getProgramme(store)): Member | null => {
  const m = prepared(store.sqlite, MEMBER_SQL).get(contactId) as MemberRow | undefined;
  if (!m) return null;
  const cards = cardsOf(store, contactId);
  const current = cards.find((c) => c.id === m.cardId) ?? cards[0];
  if (!current) throw new AppError('INTERNAL', `member ${contactId} has no card`);
  const strip = ({ number, status, issuedAt }: LoyaltyCard): LoyaltyCard => ({ number, status, issuedAt });
  return {
    contactId: m.contactId,
    name: displayName(m),
    card: strip(current),
    cards: cards.map(strip),
    balance: m.balance,
    tier: m.tier,
    tierName: tierOf(programme, m.tier).name,
    tierSince: m.tierSince,
    enrolledAt: m.enrolledAt,
    // a merge of referrer and referred leaves a self-reference (kept for an exact undo): no referrer
    referrerId: m.referrerId === m.contactId ? null : m.referrerId,
  };
};

export const getMember = (store: Store, contactId: number, programme = getProgramme(store)): Member => {
  const m = findMember(store, contactId, programme);
  if (!m) throw notMember(contactId);
  return m;
};

const issueCard = (store: Store, contactId: number, at: string): number => {
  const seq = Number(
    prepared(store.sqlite, 'UPDATE loyalty_totals SET last_card = last_card + 1 WHERE id = 1 RETURNING last_card').pluck().get(),
  );
  return Number(
    prepared(store.sqlite, "INSERT INTO loyalty_cards (number, contact_id, status, issued_at) VALUES (?, ?, 'active', ?)").run(
      cardNumberFor(seq),
      contactId,
      at,
    ).lastInsertRowid,
  );
};

type CardRow = { id: number; contactId: number; status: CardStatus };

/** A scanned or typed number → its card, refused unless active. */
const activeCard = (store: Store, number: string): CardRow => {
  const card = prepared(store.sqlite, 'SELECT id, contact_id AS contactId, status FROM loyalty_cards WHERE number = ?').get(number) as
    | CardRow
    | undefined;
  if (!card) throw new AppError('NOT_FOUND', `no loyalty card numbered ${number}`, { reason: 'unknown_card', entity: 'card' });
  if (card.status === 'lost') throw new AppError('CONFLICT', `card ${number} was declared lost and replaced`, { reason: 'card_lost' });
  if (card.status === 'closed') throw new AppError('CONFLICT', `card ${number} is closed`, { reason: 'card_closed' });
  return card;
};

export const lookupCard = (store: Store, number: string): Member => getMember(store, activeCard(store, number).contactId);

const contactExists = (store: Store, id: number): boolean =>
  prepared(store.sqlite, 'SELECT 1 FROM contacts WHERE id = ?').pluck().get(id) !== undefined;

/** Walks up the chain of referrers from `start`: true when it reaches `target` (or loops on itself). */
const refersBackTo = (store: Store, start: number, target: number): boolean => {
  const up = prepared(store.sqlite, 'SELECT referrer_id FROM loyalty_members WHERE contact_id = ?').pluck();
  const seen = new Set<number>();
  let at: number | null = start;
  while (at !== null) {
    if (at === target) return true;
    if (seen.has(at)) return false;
    seen.add(at);
    at = (up.get(at) as number | null | undefined) ?? null;
  }
  return false;
};

export const ENTRY_FEE_LABEL = 'Adhésion au programme de fidélité';

export const enrol = (store: Store, input: z.output<typeof loyaltyEnrolInput>, now = new Date()): Member => {
  const programme = getProgramme(store);
  if (!programme.enabled) throw new AppError('CONFLICT', 'the loyalty programme is switched off', { reason: 'programme_disabled' });
  const { contactId } = input;
  if (!contactExists(store, contactId)) {
    throw new AppError('NOT_FOUND', `contact ${contactId} not found`, { entity: 'contact', id: contactId, issues: [{ path: 'contactId', code: 'not_found' }] });
  }
  // the referral first: "you cannot refer yourself" says more than "already a member"
  let referrerId: number | null = null;
  if (input.referrerCardNumber !== undefined) {
    referrerId = activeCard(store, input.referrerCardNumber).contactId;
    if (refersBackTo(store, referrerId, contactId)) {
      throw new AppError('CONFLICT', 'a member cannot be referred by themselves or by someone they referred', {
        reason: 'referral_loop',
        issues: [{ path: 'referrerCardNumber', code: 'referral_loop' }],
      });
    }
  }
  if (memberBalance(store, contactId) !== undefined) {
    throw new AppError('CONFLICT', `contact ${contactId} is already a member`, { reason: 'already_member', id: contactId });
  }
  if (input.paidEntry && programme.entryFeeCents === null) {
    throw new AppError('VALIDATION', 'the programme has no entry fee', { issues: [{ path: 'paidEntry', code: 'no_entry_fee' }] });
  }
  const at = now.toISOString();
  const cardId = issueCard(store, contactId, at);
  const first = programme.tiers[0]?.key ?? 'basic';
  prepared(
    store.sqlite,
    `INSERT INTO loyalty_members (contact_id, card_id, enrolled_at, tier, tier_since, referrer_id, referral_pending, balance)
      VALUES (?, ?, ?, ?, ?, ?, ?, 0)`,
  ).run(contactId, cardId, at, first, at, referrerId, referrerId === null ? 0 : 1);
  prepared(
    store.sqlite,
    "INSERT INTO loyalty_tier_history (contact_id, at, from_tier, to_tier, direction) VALUES (?, ?, NULL, ?, 'initial')",
  ).run(contactId, at, first);
  if (input.paidEntry && programme.entryFeeCents !== null) {
    const fee = programme.entryFeeCents;
    const purchaseId = insertPurchase(
      store,
      {
        contactId,
        kind: 'sale',
        refundOf: null,
        purchasedAt: at,
        currency: getSettings(store).currency,
        channel: 'shop',
        reference: null,
        note: null,
      },
      [{ productId: null, label: ENTRY_FEE_LABEL, quantity: 1, unit: 'piece', unitPriceCents: fee, totalCents: fee, refundsLine: null }],
      at,
    );
    post(store, { contactId, kind: 'entry_fee', points: 0, at, purchaseId }, programme);
  }
  if (programme.welcomePoints > 0) post(store, { contactId, kind: 'welcome', points: programme.welcomePoints, at }, programme);
  updateTier(store, contactId, programme, now);
  return getMember(store, contactId, programme);
};

const currentCard = (store: Store, contactId: number): CardRow => {
  const c = prepared(
    store.sqlite,
    'SELECT k.id, k.contact_id AS contactId, k.status FROM loyalty_members m JOIN loyalty_cards k ON k.id = m.card_id WHERE m.contact_id = ?',
  ).get(contactId) as CardRow | undefined;
  if (!c) throw notMember(contactId);
  return c;
};

/** A lost card: the new one carries the balance and the history (they belong to the member, not the card). A closed membership reopens. */
export const replaceCard = (store: Store, contactId: number, now = new Date()): Member => {
  const old = currentCard(store, contactId);
  const at = now.toISOString();
  const next = issueCard(store, contactId, at);
  prepared(store.sqlite, "UPDATE loyalty_cards SET status = CASE status WHEN 'active' THEN 'lost' ELSE status END, replaced_by = ? WHERE id = ?").run(
    next,
    old.id,
  );
  prepared(store.sqlite, 'UPDATE loyalty_members SET card_id = ? WHERE contact_id = ?').run(next, contactId);
  return getMember(store, contactId);
};

export const closeCard = (store: Store, contactId: number): Member => {
  const card = currentCard(store, contactId);
  if (card.status !== 'active') throw new AppError('CONFLICT', 'this card is already closed', { reason: 'card_closed' });
  prepared(store.sqlite, "UPDATE loyalty_cards SET status = 'closed' WHERE id = ?").run(card.id);
  return getMember(store, contactId);
};

const requireActiveMember = (store: Store, contactId: number): void => {
  const card = currentCard(store, contactId);
  if (card.status !== 'active') throw new AppError('CONFLICT', 'the member’s card is closed', { reason: 'card_closed' });
};

/* ---------- rewards ---------- */

type RewardRow = Omit<Reward, 'active'> & { active: number };
const REWARD_COLUMNS = `id, name, kind, value, product_id AS productId, cost_points AS costPoints, valid_from AS validFrom,
  valid_to AS validTo, min_tier AS minTier, active`;
const toReward = (r: RewardRow): Reward => ({ ...r, active: r.active === 1 });

export const listRewards = (store: Store): Reward[] =>
  (prepared(store.sqlite, `SELECT ${REWARD_COLUMNS} FROM loyalty_rewards ORDER BY active DESC, cost_points, id`).all() as RewardRow[]).map(
    toReward,
  );

export const getReward = (store: Store, id: number): Reward => {
  const r = prepared(store.sqlite, `SELECT ${REWARD_COLUMNS} FROM loyalty_rewards WHERE id = ?`).get(id) as RewardRow | undefined;
  if (!r) throw new AppError('NOT_FOUND', `reward ${id} not found`, { entity: 'reward', id });
  return toReward(r);
};

const checkRewardRefs = (store: Store, r: Omit<Reward, 'id'>): void => {
  const issues: { path: string; code: string }[] = [];
  if (r.minTier !== null && tierIndex(getProgramme(store), r.minTier) < 0) issues.push({ path: 'minTier', code: 'unknown_tier' });
  if (r.productId !== null && prepared(store.sqlite, 'SELECT 1 FROM products WHERE id = ?').pluck().get(r.productId) === undefined) {
    issues.push({ path: 'productId', code: 'not_found' });
  }
  if (issues.length > 0) throw new AppError('VALIDATION', 'invalid reward', { issues });
};

export const createReward = (store: Store, input: z.output<typeof rewardInput>, now = new Date()): Reward => {
  checkRewardRefs(store, input);
  const at = now.toISOString();
  const id = Number(
    prepared(
      store.sqlite,
      `INSERT INTO loyalty_rewards (name, kind, value, product_id, cost_points, valid_from, valid_to, min_tier, active, created_at, updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(input.name, input.kind, input.value, input.productId, input.costPoints, input.validFrom, input.validTo, input.minTier, input.active ? 1 : 0, at, at)
      .lastInsertRowid,
  );
  return getReward(store, id);
};

export const updateReward = (store: Store, input: z.output<typeof rewardUpdateInput>, now = new Date()): Reward => {
  const { id, ...patch } = input;
  const current = getReward(store, id);
  const merged: Reward = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
  // the record as a whole again: a kind changed without its value (or the reverse) must still make sense
  const { id: _id, ...fields } = merged;
  const parsed = rewardInput.safeParse(fields);
  if (!parsed.success) {
    throw new AppError('VALIDATION', 'invalid reward', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), code: i.message })),
    });
  }
  const next = { id, ...parsed.data };
  checkRewardRefs(store, next);
  prepared(
    store.sqlite,
    `UPDATE loyalty_rewards SET name = ?, kind = ?, value = ?, product_id = ?, cost_points = ?, valid_from = ?, valid_to = ?,
      min_tier = ?, active = ?, updated_at = ? WHERE id = ?`,
  ).run(next.name, next.kind, next.value, next.productId, next.costPoints, next.validFrom, next.validTo, next.minTier, next.active ? 1 : 0, now.toISOString(), id);
  return getReward(store, id);
};

/* ---------- redeem, adjust ---------- */

/** Unambiguous letters and digits (no 0/O, 1/I/L): read aloud or typed at a till. */
const VOUCHER_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const voucherCode = (): string => {
  const bytes = randomBytes(10);
  let out = 'FID-';
  for (const b of bytes) out += VOUCHER_ALPHABET[b % VOUCHER_ALPHABET.length];
  return out;
};

export const redeem = (store: Store, contactId: number, rewardId: number, now = new Date()): RedeemResult => {
  const programme = getProgramme(store);
  requireActiveMember(store, contactId);
  const reward = getReward(store, rewardId);
  // the shop typed its validity dates as days of its own calendar, and the till offers the reward by the local day too
  const today = localDate(now);
  if (!reward.active) throw new AppError('CONFLICT', 'this reward is no longer offered', { reason: 'reward_inactive' });
  if ((reward.validFrom !== null && today < reward.validFrom) || (reward.validTo !== null && today > reward.validTo)) {
    throw new AppError('CONFLICT', 'this reward is not valid today', { reason: 'reward_not_valid', validFrom: reward.validFrom, validTo: reward.validTo });
  }
  const member = getMember(store, contactId, programme);
  if (reward.minTier !== null && tierIndex(programme, member.tier) < tierIndex(programme, reward.minTier)) {
    throw new AppError('CONFLICT', `this reward needs the ${tierOf(programme, reward.minTier).name} tier`, {
      reason: 'tier_too_low',
      minTier: reward.minTier,
      tier: member.tier,
    });
  }
  if (member.balance < reward.costPoints) {
    throw new AppError('CONFLICT', `${reward.costPoints} points needed, ${member.balance} available`, {
      reason: 'insufficient_points',
      balance: member.balance,
      cost: reward.costPoints,
    });
  }
  const at = now.toISOString();
  let code = voucherCode();
  const taken = prepared(store.sqlite, 'SELECT 1 FROM loyalty_vouchers WHERE code = ?').pluck();
  while (taken.get(code) !== undefined) code = voucherCode();
  const entryId = post(store, { contactId, kind: 'redeem', points: -reward.costPoints, at, rewardId, voucherCode: code }, programme);
  prepared(store.sqlite, 'INSERT INTO loyalty_vouchers (code, contact_id, reward_id, entry_id, issued_at) VALUES (?, ?, ?, ?, ?)').run(
    code,
    contactId,
    rewardId,
    entryId,
    at,
  );
  updateTier(store, contactId, programme, now);
  return { member: getMember(store, contactId, programme), voucherCode: code, entry: getEntry(store, entryId) };
};

/** The only way below zero: an operator's decision, with its reason. */
export const adjust = (store: Store, input: z.output<typeof loyaltyAdjustInput>, now = new Date()): Member => {
  const programme = getProgramme(store);
  if (memberBalance(store, input.contactId) === undefined) throw notMember(input.contactId);
  post(store, { contactId: input.contactId, kind: 'adjust', points: input.points, at: now.toISOString(), reason: input.reason }, programme);
  updateTier(store, input.contactId, programme, now);
  return getMember(store, input.contactId, programme);
};

export const ledgerPage = (store: Store, contactId: number, cursor: string | null, limit: number) => {
  if (memberBalance(store, contactId) === undefined && !contactExists(store, contactId)) {
    throw new AppError('NOT_FOUND', `contact ${contactId} not found`, { entity: 'contact', id: contactId });
  }
  let before: number | null = null;
  if (cursor !== null) {
    if (!/^\d{1,15}$/.test(cursor)) throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
    before = Number(cursor);
  }
  return entriesPage(store, contactId, before, limit);
};

/* ---------- member list ---------- */

const decodeMemberCursor = (raw: string | null): [number, number] | null => {
  if (raw === null) return null;
  const m = /^(-?\d{1,12}):(\d{1,15})$/.exec(raw);
  if (!m) throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
  return [Number(m[1]), Number(m[2])];
};

/**
 * Highest balances first (keyset on balance then contact id, both descending so the
 * (tier, balance, id) and (balance, id) indexes are read backwards, never sorted);
 * the total from the kept counters when it can.
 */
export const listMembers = (store: Store, input: z.output<typeof loyaltyMembersInput>): MemberPage => {
  const where: string[] = [];
  const params: unknown[] = [];
  if (input.tier !== undefined) {
    where.push('m.tier = ?');
    params.push(input.tier);
  }
  if (input.minBalance !== undefined) {
    where.push('m.balance >= ?');
    params.push(input.minBalance);
  }
  if (input.maxBalance !== undefined) {
    where.push('m.balance <= ?');
    params.push(input.maxBalance);
  }
  const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const after = decodeMemberCursor(input.cursor);
  const keyset = after === null ? '' : `${where.length > 0 ? 'AND' : 'WHERE'} (m.balance < ? OR (m.balance = ? AND m.contact_id < ?))`;
  const rows = prepared(
    store.sqlite,
    `SELECT m.contact_id AS contactId, c.first_name AS firstName, c.last_name AS lastName, k.number AS cardNumber, m.balance, m.tier
      FROM loyalty_members m JOIN contacts c ON c.id = m.contact_id JOIN loyalty_cards k ON k.id = m.card_id
      ${filter} ${keyset} ORDER BY m.balance DESC, m.contact_id DESC LIMIT ?`,
  ).all(...params, ...(after === null ? [] : [after[0], after[0], after[1]]), input.limit + 1) as {
    contactId: number;
    firstName: string | null;
    lastName: string | null;
    cardNumber: string;
    balance: number;
    tier: string;
  }[];
  let total: number;
  if (where.length === 0) {
    total = Number(prepared(store.sqlite, 'SELECT members FROM loyalty_totals WHERE id = 1').pluck().get());
  } else if (where.length === 1 && input.tier !== undefined) {
    total = Number(prepared(store.sqlite, 'SELECT coalesce(max(members), 0) FROM loyalty_tier_counts WHERE tier = ?').pluck().get(input.tier));
  } else {
    total = Number(prepared(store.sqlite, `SELECT count(*) FROM loyalty_members m ${filter}`).pluck().get(...params));
  }
  const more = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((r) => ({ contactId: r.contactId, name: displayName(r), cardNumber: r.cardNumber, balance: r.balance, tier: r.tier })),
    total,
    nextCursor: more && last ? `${last.balance}:${last.contactId}` : null,
  };
};

/* ---------- bonus ---------- */

/** Members among the contacts the filter matches, in id order. */
const segmentMembers = (store: Store, filter: z.output<typeof loyaltyBonusPreviewInput>['filter']): number[] => {
  // one statement: the contacts matched are never carried through JavaScript and back (100k ids at a time)
  const where = matchingWhere(store, filter);
  return statement(
    store.sqlite,
    `SELECT m.contact_id FROM loyalty_members m JOIN loyalty_cards k ON k.id = m.card_id
      WHERE k.status = 'active' AND m.contact_id IN (SELECT c.id FROM contacts c WHERE ${where.sql}) ORDER BY m.contact_id`,
  )
    .pluck()
    .all(...where.params) as number[];
};

export const previewBonus = (store: Store, input: z.output<typeof loyaltyBonusPreviewInput>): BonusPreview => ({
  members: segmentMembers(store, input.filter).length,
});

/**
 * Members a bonus may have lifted: a bonus only adds points, so it can only
 * bring a member below a points tier up to its threshold (spend tiers and
 * lower moves are the daily recount's). One grouped read per points tier
 * instead of a recount per member; the few found are recounted in full.
 */
const liftedByBonus = (store: Store, members: readonly number[], programme: LoyaltyProgramme, now: Date): Set<number> => {
  const lifted = new Set<number>();
  const ids = JSON.stringify(members);
  for (const [i, tier] of programme.tiers.entries()) {
    if (i === 0 || tier.basis !== 'points') continue;
    const below = JSON.stringify(programme.tiers.slice(0, i).map((t) => t.key));
    const found = prepared(
      store.sqlite,
      `SELECT e.contact_id FROM loyalty_members m JOIN loyalty_entries e ON e.contact_id = m.contact_id
        WHERE m.contact_id IN (SELECT value FROM json_each(?)) AND m.tier IN (SELECT value FROM json_each(?))
          AND ${IN_WINDOW('e.at')} AND e.kind IN (SELECT value FROM json_each(?))
        GROUP BY e.contact_id HAVING sum(e.points) >= ?`,
    )
      .pluck()
      .all(ids, below, tierWindowStart(now, tier.windowMonths), JSON.stringify(EARNING_KINDS), tier.threshold) as number[];
    for (const id of found) lifted.add(id);
  }
  return lifted;
};

/** Every member of the segment gets the points, in the caller's one transaction: all or none. */
export const grantBonus = (store: Store, input: z.output<typeof loyaltyBonusGrantInput>, now = new Date()): BonusGrantResult => {
  const programme = getProgramme(store);
  const members = segmentMembers(store, input.filter);
  if (members.length !== input.expectedMembers) {
    throw new AppError('CONFLICT', `the preview counted ${input.expectedMembers} members, ${members.length} match now`, {
      reason: 'preview_changed',
      expected: input.expectedMembers,
      actual: members.length,
    });
  }
  // ~150 MB of pages change at 100k members: held until the commit instead of spilled to the log mid-way and
  // written again as the same pages change once more (measured at 1M members: 4.3–5.3 s → 4.0–4.2 s)
  const cache = Number(store.sqlite.pragma('cache_size', { simple: true }));
  store.sqlite.pragma(`cache_size = ${GRANT_CACHE_KIB}`);
  try {
    return grantTo(store, members, input, programme, now);
  } finally {
    store.sqlite.pragma(`cache_size = ${cache}`);
  }
};

/** Page cache while granting, in KiB (negative: SQLite's unit for a size); what is unused is never allocated. */
const GRANT_CACHE_KIB = -262_144;

const grantTo = (
  store: Store,
  members: readonly number[],
  input: z.output<typeof loyaltyBonusGrantInput>,
  programme: LoyaltyProgramme,
  now: Date,
): BonusGrantResult => {
  const at = now.toISOString();
  // set-based, what `post` does row by row: the entries (their triggers keep balances and figures), then
  // each credit's lot — what lifts the balance above zero (the balance read is already the one after).
  // CROSS JOIN keeps the new entries (a rowid range) outside: with statistics, SQLite preferred walking
  // every member and probing its entries, 1M probes for 100k entries (0.5 s → 6-7 s)
  const last = Number(prepared(store.sqlite, 'SELECT coalesce(max(id), 0) FROM loyalty_entries').pluck().get());
  prepared(
    store.sqlite,
    `INSERT INTO loyalty_entries (contact_id, kind, points, at, reason, lot_expires_on)
      SELECT value, 'bonus', ?, ?, ?, ? FROM json_each(?)`,
  ).run(input.points, at, input.reason, lotExpiry(programme, at), JSON.stringify(members));
  prepared(
    store.sqlite,
    `INSERT INTO loyalty_lots (entry_id, contact_id, expires_on, remaining)
      SELECT e.id, e.contact_id, e.lot_expires_on, min(e.points, m.balance) FROM loyalty_entries e
      CROSS JOIN loyalty_members m ON m.contact_id = e.contact_id WHERE e.id > ? AND min(e.points, m.balance) > 0`,
  ).run(last);
  for (const contactId of liftedByBonus(store, members, programme, now)) updateTier(store, contactId, programme, now);
  return { granted: members.length };
};

/* ---------- programme, dashboard, schedule ---------- */

export const setProgramme = (store: Store, patch: z.output<typeof loyaltyProgrammeUpdateInput>, now = new Date()): LoyaltyProgramme => {
  const next = updateProgramme(store, patch);
  // members on a tier the new programme no longer has, or on thresholds that moved: recounted now when few, else by the daily run
  const keys = next.tiers.map((t) => t.key);
  const orphans = prepared(
    store.sqlite,
    'SELECT contact_id FROM loyalty_members WHERE tier NOT IN (SELECT value FROM json_each(?))',
  )
    .pluck()
    .all(JSON.stringify(keys)) as number[];
  for (const id of orphans) updateTier(store, id, next, now);
  return next;
};

const monthOf = (d: Date, back: number): string => {
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() - back;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
};

/** Read from counters kept by triggers: a few small reads whatever the size of the ledger. */
export const dashboard = (store: Store, now = new Date()): LoyaltyDashboard => {
  const programme = getProgramme(store);
  const totals = prepared(store.sqlite, 'SELECT members, balance, positive_balance AS positive FROM loyalty_totals WHERE id = 1').get() as {
    members: number;
    balance: number;
    positive: number;
  };
  const byMetric = new Map(
    (
      prepared(store.sqlite, "SELECT metric, sum(value) AS v FROM loyalty_stats WHERE metric GLOB '*[+-]' GROUP BY metric").all() as {
        metric: string;
        v: number;
      }[]
    ).map((r) => [r.metric, r.v]),
  );
  const m = (k: string): number => byMetric.get(k) ?? 0;
  const pointsIssued = m('earn+') + m('welcome+') + m('referral+') + m('bonus+') + m('adjust+') + m('reverse+') + m('reverse-');
  const pointsRedeemed = 0 - m('redeem-');
  const pointsExpired = 0 - m('expire-');
  const from = monthOf(now, 11);
  const activeMembers = Number(
    prepared(store.sqlite, "SELECT coalesce(sum(value), 0) FROM loyalty_stats WHERE metric = 'active' AND month >= ?").pluck().get(from),
  );
  const counts = new Map(
    (prepared(store.sqlite, 'SELECT tier, members FROM loyalty_tier_counts WHERE members > 0').all() as { tier: string; members: number }[]).map(
      (r) => [r.tier, r.members],
    ),
  );
  const tierMix = programme.tiers.map((t) => ({ tier: t.key, name: t.name, members: counts.get(t.key) ?? 0 }));
  for (const [tier, members] of counts) if (!tierMix.some((t) => t.tier === tier)) tierMix.push({ tier, name: tier, members });
  const moves = new Map<string, { up: number; down: number }>();
  for (const r of prepared(store.sqlite, "SELECT month, metric, value FROM loyalty_stats WHERE metric IN ('up', 'down') AND month >= ?").all(
    from,
  ) as { month: string; metric: 'up' | 'down'; value: number }[]) {
    const e = moves.get(r.month) ?? { up: 0, down: 0 };
    e[r.metric] += r.value;
    moves.set(r.month, e);
  }
  const tierMovements = Array.from({ length: 12 }, (_, i) => {
    const month = monthOf(now, 11 - i);
    return { month, ...(moves.get(month) ?? { up: 0, down: 0 }) };
  });
  return {
    members: totals.members,
    activeMembers,
    pointsIssued,
    pointsRedeemed,
    pointsExpired,
    liabilityCents: Math.round(totals.positive * programme.pointValueCents),
    redemptionRate: pointsIssued > 0 ? pointsRedeemed / pointsIssued : 0,
    tierMix,
    tierMovements,
  };
};

/**
 * The daily run: expiry, then every member's tier against its rolling window
 * (a window slides even when nothing happens). Tiers are recounted for the
 * members touched by expiry and for those whose tier is above the first.
 */
export const runDaily = (store: Store, now = new Date()): { expired: number } => {
  const programme = getProgramme(store);
  const { expired, members } = expireDue(store, programme, now);
  const first = programme.tiers[0]?.key ?? 'basic';
  const higher = prepared(store.sqlite, 'SELECT contact_id FROM loyalty_members WHERE tier <> ?').pluck().all(first) as number[];
  for (const id of new Set([...members, ...higher])) updateTier(store, id, programme, now);
  return { expired };
};

