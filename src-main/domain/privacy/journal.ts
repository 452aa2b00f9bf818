import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE } from '../../host/paths';
import type { Sqlite } from '../../store/open';
import { prepared, transaction, withLedgerGate, type Store } from '../../store/db';
import { eraseOne, forgetErasedBytes, purgeSearchIndex, type ErasureReasonKind } from './erasure';

/**
 * The erasure log lives in the database, so restoring a backup made before an
 * erasure would bring the person back with it. Each entry (ids and hashes
 * only) is therefore mirrored in a journal next to the data, outside any
 * backup, and every store open replays the entries the database lacks.
 *
 * The suppression hashes are salted per install: a backup made before the
 * first hash was computed has no salt, and a new one would make every logged
 * hash unrecognisable. The salt is mirrored beside the journal and put back.
 * Each entry carries a fingerprint of the salt, so a journal shared by two
 * databases in one data folder never erases across them.
 */

export type ErasureEntry = {
  contactId: number;
  erasedAt: string;
  keys: string[];
  requestId: number | null;
  reason: ErasureReasonKind;
};
type JournalLine = ErasureEntry & { fp: string | null };

const SALT_KEY = 'privacy.salt';
const reasons: readonly string[] = ['request', 'retention', 'user'];

/** One journal per database file: the default one keeps the plain name. */
export const erasureJournalFile = (dataDir: string, dbPath: string): string => {
  const dir = path.join(dataDir, 'privacy');
  if (path.resolve(dbPath) === path.resolve(dataDir, DB_FILE)) return path.join(dir, 'erasures.jsonl');
  const tag = crypto.createHash('sha256').update(path.resolve(dbPath)).digest('hex').slice(0, 12);
  return path.join(dir, `erasures-${tag}.jsonl`);
};

const journals = new WeakMap<Sqlite, string>();

const saltFile = (journal: string): string => journal.replace(/\.jsonl$/, '.salt');

const dbSalt = (store: Store): string | null =>
  (prepared(store.sqlite, 'SELECT value FROM settings WHERE key = ?').pluck().get(SALT_KEY) as string | undefined) ?? null;

const fingerprint = (salt: string | null): string | null =>
  salt === null ? null : crypto.createHash('sha256').update(`comptoir-salt-fp:${salt}`).digest('hex').slice(0, 16);

const fsyncWrite = (file: string, text: string, flag: 'a' | 'w'): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, flag, 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
};

const mirrorSalt = (store: Store, journal: string): void => {
  const salt = dbSalt(store);
  if (salt === null) return;
  const file = saltFile(journal);
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
  if (current === null) fsyncWrite(file, salt, 'w');
};

const appendLines = (journal: string, lines: JournalLine[]): void => {
  if (lines.length === 0) return;
  // a line cut by a crash must not swallow the next one
  let prefix = '';
  if (fs.existsSync(journal)) {
    const size = fs.statSync(journal).size;
    if (size > 0) {
      const fd = fs.openSync(journal, 'r');
      try {
        const last = Buffer.alloc(1);
        fs.readSync(fd, last, 0, 1, size - 1);
        if (last.toString() !== '\n') prefix = '\n';
      } finally {
        fs.closeSync(fd);
      }
    }
  }
  fsyncWrite(journal, prefix + lines.map((l) => JSON.stringify(l)).join('\n') + '\n', 'a');
};

const parseLine = (text: string): JournalLine | null => {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.contactId !== 'number' || !Number.isInteger(o.contactId) || o.contactId <= 0) return null;
  if (typeof o.erasedAt !== 'string' || typeof o.reason !== 'string' || !reasons.includes(o.reason)) return null;
  if (!Array.isArray(o.keys) || !o.keys.every((k): k is string => typeof k === 'string' && /^(email|phone):[0-9a-f]{16,128}$/.test(k)))
    return null;
  const requestId = typeof o.requestId === 'number' && Number.isInteger(o.requestId) ? o.requestId : null;
  const fp = typeof o.fp === 'string' ? o.fp : null;
  return { contactId: o.contactId, erasedAt: o.erasedAt, keys: o.keys, requestId, reason: o.reason as ErasureReasonKind, fp };
};

export const readJournal = (journal: string): JournalLine[] => {
  if (!fs.existsSync(journal)) return [];
  return fs
    .readFileSync(journal, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(parseLine)
    .filter((l): l is JournalLine => l !== null);
};

const entryKey = (e: { contactId: number; erasedAt: string }): string => `${e.contactId}|${e.erasedAt}`;

/** Called by eraseContacts inside its transaction, as its last step; a store without a journal (service tests) skips it. */
export const journalErasures = (store: Store, entries: ErasureEntry[]): void => {
  const journal = journals.get(store.sqlite);
  if (!journal) return;
  mirrorSalt(store, journal);
  const fp = fingerprint(dbSalt(store));
  appendLines(
    journal,
    entries.map((e) => ({ ...e, fp })),
  );
};

export type ReconcileResult = { reapplied: number; logged: number; mirrored: number };

/**
 * Brings the database and the journal level: log entries the journal lacks
 * (a crash between commit and append) are appended; journal entries the
 * database lacks (an older backup restored) are replayed — the person erased
 * again if the same id still holds the same e-mail or phone (or simply the
 * same id when nothing identified them), their suppression keys and log entry
 * put back in every case.
 */
export const reconcileErasures = (store: Store, journal: string): ReconcileResult => {
  let fileSalt: string | null = null;
  let lines: JournalLine[] = [];
  try {
    fileSalt = fs.existsSync(saltFile(journal)) ? fs.readFileSync(saltFile(journal), 'utf8') : null;
    lines = readJournal(journal);
  } catch (error) {
    // unreadable: open anyway (the database's own log still holds), and say so
    console.error('[comptoir] could not read the erasure journal', error);
  }
  const inDb = new Set(
    (
      prepared(store.sqlite, 'SELECT contact_id AS contactId, erased_at AS erasedAt FROM erasure_log').all() as {
        contactId: number;
        erasedAt: string;
      }[]
    ).map(entryKey),
  );
  const inFile = new Set(lines.map(entryKey));
  let reapplied = 0;
  let logged = 0;

  const missing = lines.filter((l) => !inDb.has(entryKey(l)));
  if (missing.length > 0 || (fileSalt !== null && dbSalt(store) === null)) {
    transaction(store, () => {
      if (fileSalt !== null && dbSalt(store) === null) {
        prepared(store.sqlite, 'INSERT INTO settings (key, value) VALUES (?, ?)').run(SALT_KEY, fileSalt);
      }
      const fp = fingerprint(dbSalt(store));
      const done = new Set<string>();
      withLedgerGate(store, 'erasure', () => {
        const inLog = prepared(store.sqlite, 'SELECT 1 FROM erasure_log WHERE contact_id = ? AND erased_at = ?');
        for (const line of missing) {
          const k = entryKey(line);
          if (done.has(k) || (line.fp !== null && fp !== null && line.fp !== fp)) continue;
          done.add(k);
          // written by an earlier line of this replay (a record merged into the person's)
          if (inLog.get(line.contactId, line.erasedAt) !== undefined) continue;
          const reason = { kind: line.reason, ...(line.requestId !== null ? { requestId: line.requestId } : {}) };
          const entries = eraseOne(store, line.contactId, reason, line.erasedAt, line.keys, {
            action: 'privacy.erase.reapplied',
            match: line.keys,
          });
          if (entries.length > 0) {
            reapplied += 1;
            continue;
          }
          const suppress = prepared(
            store.sqlite,
            "INSERT OR IGNORE INTO suppression (kind, hash, reason, created_at) VALUES (?, ?, 'erasure', ?)",
          );
          for (const key of line.keys) {
            const [kind, hash] = key.split(':', 2);
            suppress.run(kind, hash, line.erasedAt);
          }
          prepared(
            store.sqlite,
            'INSERT INTO erasure_log (erased_at, contact_id, keys, request_id, reason) VALUES (?, ?, ?, ?, ?)',
          ).run(line.erasedAt, line.contactId, JSON.stringify(line.keys), line.requestId, line.reason);
          logged += 1;
        }
      });
      if (reapplied > 0) purgeSearchIndex(store);
    });
    if (reapplied > 0) forgetErasedBytes(store);
  }

  // the other way round, and the salt, once the database is settled
  const fp = fingerprint(dbSalt(store));
  const unmirrored = (
    prepared(
      store.sqlite,
      'SELECT contact_id AS contactId, erased_at AS erasedAt, keys, request_id AS requestId, reason FROM erasure_log ORDER BY id',
    ).all() as { contactId: number; erasedAt: string; keys: string; requestId: number | null; reason: string }[]
  )
    .filter((r) => !inFile.has(entryKey(r)))
    .map((r) => ({
      contactId: r.contactId,
      erasedAt: r.erasedAt,
      keys: JSON.parse(r.keys) as string[],
      requestId: r.requestId,
      reason: (reasons.includes(r.reason) ? r.reason : 'user') as ErasureReasonKind,
      fp,
    }));
  try {
    mirrorSalt(store, journal);
    appendLines(journal, unmirrored);
  } catch (error) {
    // a data folder gone read-only must not lock the shop out of its base; the next open tries again
    console.error('[comptoir] could not mirror the erasure log', error);
    return { reapplied, logged, mirrored: 0 };
  }
  return { reapplied, logged, mirrored: unmirrored.length };
};

/** At every store open (start, restore), before the store reports ready. */
export const attachErasureJournal = (store: Store, journal: string): ReconcileResult => {
  journals.set(store.sqlite, journal);
  return reconcileErasures(store, journal);
};
