import type { ConsentChannel, ConsentPurpose, ConsentTarget } from '../../contract';
import { statement, type Store } from '../../store/db';
import { PHONE_OPT_IN_FROM } from './rules';

/**
 * The rule engine of `rules.ts` stated in SQL, for lists, segments and
 * marketing exports: no per-row JavaScript at 1M contacts. The channel,
 * purpose and day are known when the SQL is built, so each regime becomes a
 * constant and only the person's own facts (company, status, address,
 * consent_state) are left to SQLite. A property test checks that both agree.
 */
export type Cond = { sql: string; params: unknown[] };

type Regime = {
  /** Everyone may be reached unless they said no (post; phone before the 2026-08-11 law). */
  everyone: boolean;
  /** Business contacts may be reached about their job unless they said no. */
  business: boolean;
  /** Consumer customers told at collection may get similar offers (e-mail, SMS). */
  customerException: boolean;
};

export const regimeOf = (channel: ConsentChannel, purpose: ConsentPurpose, on: string): Regime => {
  if (purpose === 'partners') return { everyone: false, business: false, customerException: false };
  const everyone = channel === 'post' || (channel === 'phone' && on < PHONE_OPT_IN_FROM);
  return {
    everyone,
    business: !everyone,
    customerException: purpose === 'offers' && (channel === 'email' || channel === 'sms'),
  };
};

/** `isTextable` of the contract, on a column holding an E.164 number. */
const textableSql = (column: string): string => `(substr(${column}, 1, 3) <> '+33' OR substr(${column}, 4, 1) IN ('6', '7'))`;

/** `hasAddressFor` of rules.ts, on a contacts alias. */
export const addressSql = (alias: string, channel: ConsentChannel): string => {
  switch (channel) {
    case 'email':
      return `${alias}.email IS NOT NULL`;
    case 'sms':
      return `${alias}.phone IS NOT NULL AND ${textableSql(`${alias}.phone`)}`;
    case 'phone':
      return `${alias}.phone IS NOT NULL`;
    case 'post':
      return `${alias}.address_line1 IS NOT NULL AND ${alias}.city IS NOT NULL`;
  }
};

/** Allowed while the cell is unknown, given `informed` (an SQL expression, 0 or 1). */
const unknownRule = (alias: string, regime: Regime, informed: string): string => {
  if (regime.everyone) return '1';
  const parts: string[] = [];
  if (regime.business) parts.push(`${alias}.company_id IS NOT NULL`);
  if (regime.customerException) parts.push(`(${alias}.status = 'customer' AND ${informed} = 1)`);
  return parts.length === 0 ? '0' : `(${parts.join(' OR ')})`;
};

/**
 * Row-level condition: contact `alias` may be contacted on `target` on day
 * `on`. One primary-key probe of consent_state per contact.
 */
export const contactableCond = (alias: string, target: ConsentTarget, on: string): Cond => {
  const regime = regimeOf(target.channel, target.purpose, on);
  return {
    sql: `(${addressSql(alias, target.channel)} AND coalesce((SELECT CASE s.state WHEN 'granted' THEN 1 WHEN 'unknown' THEN ${unknownRule(alias, regime, 's.informed')} ELSE 0 END
      FROM consent_state s WHERE s.contact_id = ${alias}.id AND s.channel = ? AND s.purpose = ?), ${unknownRule(alias, regime, '0')}))`,
    params: [target.channel, target.purpose],
  };
};

/**
 * Why a contact is not reachable, as SQL giving a ConsentReason for the
 * excluded ones (NULL when allowed); the same order as `decide`.
 */
export const exclusionReasonSql = (alias: string, target: ConsentTarget, on: string): Cond => {
  const regime = regimeOf(target.channel, target.purpose, on);
  const cell = [target.channel, target.purpose];
  const state = `coalesce((SELECT s.state FROM consent_state s WHERE s.contact_id = ${alias}.id AND s.channel = ? AND s.purpose = ?), 'unknown')`;
  const informed = `coalesce((SELECT s.informed FROM consent_state s WHERE s.contact_id = ${alias}.id AND s.channel = ? AND s.purpose = ?), 0)`;
  const rule = unknownRule(alias, regime, informed);
  // the informed probe is only in the rule under the existing-customer exception
  const ruleParams = rule.includes(informed) ? cell : [];
  return {
    sql: `CASE ${state}
      WHEN 'objected' THEN 'objected'
      WHEN 'withdrawn' THEN 'withdrawn'
      ELSE CASE WHEN NOT (${addressSql(alias, target.channel)}) THEN 'no_address'
        WHEN ${state} = 'granted' OR ${rule} THEN NULL
        ELSE 'no_consent' END
      END`,
    params: [...cell, ...cell, ...ruleParams],
  };
};

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** The 0008 index that carries, per channel, the contacts with an address for it. */
const reachIndex: Record<ConsentChannel, string> = {
  email: 'contacts_reach_email',
  sms: 'contacts_reach_phone',
  phone: 'contacts_reach_phone',
  post: 'contacts_reach_post',
};

/**
 * How many contacts (with a status among `statuses`) may be contacted on
 * `target`, in disjoint parts: the consent rows of the cell (granted;
 * informed customers) each checked on their contact's thin reach entry, and
 * the contacts an opt-out regime covers minus those who said no. Never
 * replays the ledger nor reads a contact row (measured in test/bench/consent.ts).
 */
export const countContactable = (store: Store, target: ConsentTarget, on: string, statuses: readonly string[]): number => {
  const regime = regimeOf(target.channel, target.purpose, on);
  const addr = addressSql('c', target.channel);
  const reach = `contacts c INDEXED BY ${reachIndex[target.channel]}`;
  const all = statuses.length >= 3;
  // every status: no test at all, or the probe by id would be one per status
  const inStatus = all ? '1' : `c.status IN (${placeholders(statuses.length)})`;
  const st = all ? [] : [...statuses];
  const cell = [target.channel, target.purpose];
  // an import or the demo sets the contacts indexes aside until it commits: `statement` plans without them then
  const one = (sql: string, ...params: unknown[]): number => Number(statement(store.sqlite, sql).pluck().get(...params));
  if (regime.everyone) {
    const reachable = one(`SELECT count(*) FROM ${reach} WHERE ${addr} AND ${inStatus}`, ...st);
    const refused = one(
      `SELECT count(*) FROM consent_state s INDEXED BY consent_state_by_cell JOIN ${reach} ON c.id = s.contact_id
       WHERE s.channel = ? AND s.purpose = ? AND s.state IN ('withdrawn', 'objected') AND ${addr} AND ${inStatus}`,
      ...cell,
      ...st,
    );
    return reachable - refused;
  }
  let n = one(
    `SELECT count(*) FROM consent_state s INDEXED BY consent_state_by_cell JOIN ${reach} ON c.id = s.contact_id
     WHERE s.channel = ? AND s.purpose = ? AND s.state = 'granted' AND ${addr} AND ${inStatus}`,
    ...cell,
    ...st,
  );
  if (regime.business) {
    n += one(
      `SELECT count(*) FROM ${reach} WHERE c.company_id IS NOT NULL AND ${addr} AND ${inStatus}
       AND NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.contact_id = c.id AND s.channel = ? AND s.purpose = ? AND s.state <> 'unknown')`,
      ...st,
      ...cell,
    );
  }
  if (regime.customerException && statuses.includes('customer')) {
    n += one(
      `SELECT count(*) FROM consent_state s INDEXED BY consent_state_by_cell JOIN ${reach} ON c.id = s.contact_id
       WHERE s.channel = ? AND s.purpose = ? AND s.state = 'unknown' AND s.informed = 1
         AND c.status = 'customer' AND c.company_id IS NULL AND ${addr}`,
      ...cell,
    );
  }
  return n;
};

/**
 * Where the contacts `target` allows can only come from, when that is
 * narrower than "everyone with an address": the cell's granted rows,
 * business contacts (opt-out) not granted, informed consumers not granted;
 * disjoint, so UNION ALL never repeats a contact. Null under an opt-out
 * regime for everyone (post, phone before the law): no narrower source.
 * Each id still has to pass `contactableCond` on its contact.
 */
export const contactablePool = (target: ConsentTarget, on: string): Cond | null => {
  const regime = regimeOf(target.channel, target.purpose, on);
  if (regime.everyone) return null;
  const cell = [target.channel, target.purpose];
  const parts: Cond[] = [
    {
      sql: `SELECT s.contact_id AS id FROM consent_state s INDEXED BY consent_state_by_cell
        WHERE s.channel = ? AND s.purpose = ? AND s.state = 'granted'`,
      params: cell,
    },
  ];
  if (regime.business) {
    parts.push({
      sql: `SELECT b.id FROM contacts b INDEXED BY contacts_by_company WHERE b.company_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM consent_state s WHERE s.contact_id = b.id AND s.channel = ? AND s.purpose = ? AND s.state = 'granted')`,
      params: cell,
    });
  }
  if (regime.customerException) {
    parts.push({
      sql: `SELECT s.contact_id AS id FROM consent_state s INDEXED BY consent_state_by_cell
        WHERE s.channel = ? AND s.purpose = ? AND s.state = 'unknown' AND s.informed = 1${
          // business contacts already come from the part above
          regime.business ? ' AND s.contact_id NOT IN (SELECT b.id FROM contacts b INDEXED BY contacts_by_company WHERE b.company_id IS NOT NULL)' : ''
        }`,
      params: cell,
    });
  }
  return { sql: parts.map((p) => p.sql).join(' UNION ALL '), params: parts.flatMap((p) => p.params) };
};

/** The reach index of `target`'s channel (contacts with an address for it). */
export const reachIndexOf = (channel: ConsentChannel): string => reachIndex[channel];
