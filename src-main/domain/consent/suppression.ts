import { createHash, randomBytes } from 'node:crypto';
import { toE164 } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { objectAll } from './events';

/**
 * The suppression list keeps only salted hashes of normalised e-mails and
 * phones (DESIGN §5: the minimum needed so a re-import cannot bring back a
 * person who objected or was erased). The salt is per install, so the list
 * is useless against another base or a dictionary of known addresses.
 */
export type SuppressionKind = 'email' | 'phone';

const SALT_KEY = 'privacy.salt';

/**
 * The install's salt, created on first use inside the caller's transaction.
 * Not cached in memory: a salt made in a transaction that then rolls back
 * must not outlive it (one indexed read per hash is cheap).
 */
const salt = (store: Store): string => {
  const raw = prepared(store.sqlite, 'SELECT value FROM settings WHERE key = ?').pluck().get(SALT_KEY) as string | undefined;
  let value: string | null = null;
  if (raw !== undefined) {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (typeof parsed === 'string' && parsed.length >= 32) value = parsed;
    } catch {
      // a damaged salt would silently stop matching: fail loudly rather than make a new one
      throw new Error('privacy.salt is damaged');
    }
  }
  if (value === null) {
    value = randomBytes(32).toString('hex');
    prepared(store.sqlite, 'INSERT INTO settings (key, value) VALUES (?, ?)').run(SALT_KEY, JSON.stringify(value));
  }
  return value;
};

/** The form two spellings of one address share: e-mails lower-cased, phones in E.164 (digits when not a valid number). */
export const normaliseForSuppression = (kind: SuppressionKind, value: string): string => {
  const v = value.trim();
  if (kind === 'email') return v.toLowerCase();
  return toE164(v) ?? v.replace(/[^\d+]/g, '');
};

export const suppressionHash = (store: Store, kind: SuppressionKind, value: string): string =>
  createHash('sha256')
    .update(`${salt(store)}${kind}:${normaliseForSuppression(kind, value)}`)
    .digest('hex');

/** Adds the hashes (already there: kept with their first reason and date). Returns how many were new. */
export const suppress = (
  store: Store,
  entries: readonly { kind: SuppressionKind; value: string }[],
  reason: 'objection' | 'erasure',
  now = new Date().toISOString(),
): number => {
  const add = prepared(store.sqlite, 'INSERT OR IGNORE INTO suppression (kind, hash, reason, created_at) VALUES (?, ?, ?, ?)');
  let added = 0;
  for (const e of entries) {
    if (e.value.trim() === '') continue;
    added += add.run(e.kind, suppressionHash(store, e.kind, e.value), reason, now).changes;
  }
  return added;
};

/** Whether any of these e-mails or phones is on the suppression list. */
export const isSuppressed = (store: Store, emails: readonly (string | null)[], phones: readonly (string | null)[]): boolean => {
  // an empty list never needs a salt: do not create one just to answer "no"
  if (prepared(store.sqlite, 'SELECT 1 FROM suppression LIMIT 1').get() === undefined) return false;
  const has = prepared(store.sqlite, 'SELECT 1 FROM suppression WHERE kind = ? AND hash = ?');
  const check = (kind: SuppressionKind, values: readonly (string | null)[]) =>
    values.some((v) => v !== null && v.trim() !== '' && has.get(kind, suppressionHash(store, kind, v)) !== undefined);
  return check('email', emails) || check('phone', phones);
};

/** A contact's e-mails and phones (main and extra), as the suppression list needs them. */
export const contactAddresses = (store: Store, contactId: number): { emails: string[]; phones: string[] } => {
  const main = prepared(store.sqlite, 'SELECT email, phone FROM contacts WHERE id = ?').get(contactId) as
    | { email: string | null; phone: string | null }
    | undefined;
  const emails = prepared(store.sqlite, 'SELECT email FROM contact_emails WHERE contact_id = ?').pluck().all(contactId) as string[];
  const phones = prepared(store.sqlite, 'SELECT phone FROM contact_phones WHERE contact_id = ?').pluck().all(contactId) as string[];
  return {
    emails: [...(main?.email ? [main.email] : []), ...emails],
    phones: [...(main?.phone ? [main.phone] : []), ...phones],
  };
};

/**
 * A contact written with an e-mail or phone on the suppression list (the
 * person objected, or was erased, before) is objected on every channel and
 * purpose at once, so a re-import or a retyped record cannot make them
 * contactable again. Returns whether it was.
 */
export const objectIfSuppressed = (
  store: Store,
  contactId: number,
  emails: readonly (string | null)[],
  phones: readonly (string | null)[],
  now = new Date().toISOString(),
): boolean => {
  if (!isSuppressed(store, emails, phones)) return false;
  objectAll(store, contactId, 'system', 'suppression', now);
  return true;
};
