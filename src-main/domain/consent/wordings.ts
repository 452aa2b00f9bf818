import { createHash } from 'node:crypto';
import {
  AppError,
  consentPurposes,
  defaultConsentWordings,
  type ConsentPurpose,
  type ConsentWording,
} from '../../contract';
import { prepared, type Store } from '../../store/db';

/**
 * Versioned wordings: the exact words shown when consent was given, with a
 * content hash. The table is append-only (triggers of 0007), so an edit is a
 * new version and every recorded event keeps pointing at the words it saw.
 */
const SELECT = 'SELECT id, purpose, version, text, hash, created_at AS createdAt FROM consent_wordings';

export const wordingHash = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

const insert = (store: Store, purpose: ConsentPurpose, version: number, text: string, now: string): ConsentWording => {
  const hash = wordingHash(text);
  const id = Number(
    prepared(store.sqlite, 'INSERT INTO consent_wordings (purpose, version, text, hash, created_at) VALUES (?, ?, ?, ?, ?)').run(
      purpose,
      version,
      text,
      hash,
      now,
    ).lastInsertRowid,
  );
  return { id, purpose, version, text, hash, createdAt: now };
};

/** Version 1 of the default French text for each purpose that has none yet; returns how many were added. */
export const ensureDefaultWordings = (store: Store, now = new Date().toISOString()): number => {
  const present = new Set(prepared(store.sqlite, 'SELECT DISTINCT purpose FROM consent_wordings').pluck().all() as string[]);
  let added = 0;
  for (const purpose of consentPurposes) {
    if (present.has(purpose)) continue;
    insert(store, purpose, 1, defaultConsentWordings[purpose], now);
    added++;
  }
  return added;
};

export const listWordings = (store: Store): ConsentWording[] =>
  prepared(store.sqlite, `${SELECT} ORDER BY id DESC`).all() as ConsentWording[];

export const currentWording = (store: Store, purpose: ConsentPurpose): ConsentWording | undefined =>
  prepared(store.sqlite, `${SELECT} WHERE purpose = ? ORDER BY version DESC LIMIT 1`).get(purpose) as ConsentWording | undefined;

export const addWording = (store: Store, input: { purpose: ConsentPurpose; text: string }): ConsentWording => {
  ensureDefaultWordings(store);
  const current = currentWording(store, input.purpose);
  if (current !== undefined && current.text === input.text) {
    throw new AppError('CONFLICT', `this text is already version ${current.version} of the ${input.purpose} wording`, {
      issues: [{ path: 'text', code: 'wording_unchanged' }],
      id: current.id,
    });
  }
  return insert(store, input.purpose, (current?.version ?? 0) + 1, input.text, new Date().toISOString());
};
