import { ERASED_SUBJECT } from '../../contract';
import { prepared, withLedgerGate, type Store } from '../../store/db';
import { appendAudit } from '../audit/log';
import { suppressionHash } from '../consent/suppression';
import { journalErasures, type ErasureEntry } from './journal';

/**
 * Real erasure (GDPR art. 17, DESIGN §4 "personal data really disappears"):
 * the person's rows go, every copy of their data elsewhere in the file is
 * purged (merge snapshots, import undo records, full-text index, requests'
 * subject line), sales stay for the accounts with no link and no free text,
 * and what remains is a suppression entry (salted hashes) so a re-import
 * cannot bring them back, plus an erasure log entry (ids and hashes) that is
 * mirrored outside the database and re-applied after a backup restore.
 */

export type ErasureReasonKind = 'request' | 'retention' | 'user';
export type ErasureReason = { kind: ErasureReasonKind; requestId?: number };

type Identifiers = { emails: string[]; phones: string[] };

const uniq = (values: (string | null | undefined)[]): string[] => [
  ...new Set(values.filter((v): v is string => typeof v === 'string' && v.trim() !== '')),
];

/** The person's e-mails and phones as the live tables hold them (main columns and the extra lists). */
export const liveIdentifiers = (store: Store, contactId: number): Identifiers | null => {
  const row = prepared(store.sqlite, 'SELECT email, phone FROM contacts WHERE id = ?').get(contactId) as
    | { email: string | null; phone: string | null }
    | undefined;
  if (!row) return null;
  const emails = prepared(store.sqlite, 'SELECT email FROM contact_emails WHERE contact_id = ?').pluck().all(contactId) as string[];
  const phones = prepared(store.sqlite, 'SELECT phone FROM contact_phones WHERE contact_id = ?').pluck().all(contactId) as string[];
  return { emails: uniq([row.email, ...emails]), phones: uniq([row.phone, ...phones]) };
};

/**
 * An archived record (retention) is JSON whose shape belongs to the archive:
 * any string under a key naming an e-mail or a phone counts, so a record
 * erased from the archive is suppressed too.
 */
const archivedIdentifiers = (record: string): Identifiers => {
  const out: Identifiers = { emails: [], phones: [] };
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'string') {
      if (/e-?mail/i.test(key)) out.emails.push(value);
      else if (/phone|tel/i.test(key)) out.phones.push(value);
    } else if (Array.isArray(value)) {
      for (const v of value) walk(v, key);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  try {
    walk(JSON.parse(record) as unknown, '');
  } catch {
    // a damaged archive record still gets deleted, just without suppression keys
  }
  return { emails: uniq(out.emails), phones: uniq(out.phones) };
};

/** The erasure log's keys: "email:<hash>" / "phone:<hash>", the same hashes the suppression list holds. */
export const identifierKeys = (store: Store, ids: Identifiers): string[] => [
  ...new Set([
    ...ids.emails.map((e) => `email:${suppressionHash(store, 'email', e)}`),
    ...ids.phones.map((p) => `phone:${suppressionHash(store, 'phone', p)}`),
  ]),
];

/**
 * Everyone whose data the contact's merge snapshots may hold: a record merged
 * into this one is the same person (still-standing merges only; an undone
 * merge gave the other record back its own life).
 */
const mergedInto = (store: Store, contactId: number): number[] => {
  const out = new Set<number>([contactId]);
  const queue = [contactId];
  const removed = prepared(store.sqlite, 'SELECT removed_id FROM merges WHERE kept_id = ? AND undone_at IS NULL').pluck();
  while (queue.length > 0) {
    const next = queue.pop() as number;
    for (const r of removed.all(next) as number[]) {
      if (!out.has(r)) {
        out.add(r);
        queue.push(r);
      }
    }
  }
  return [...out];
};

/** What a merge keeps once the people in it are deleted: no data, and a reason `merges.undo` can give. */
export const PURGED_MERGE_SNAPSHOT = '{"purged":"contact_deleted"}';

/**
 * Every copy of these people's data kept beside their records, which deleting
 * the records alone would leave: the snapshots of the merges they took part
 * in (standing or undone), the before-images import undo keeps, the pairs
 * declared "not duplicates" (ids are reused). `merges`: an erasure deletes
 * the merges; a plain deletion keeps each as a line of history without its
 * snapshot, so the history and `merges.undo` say why it cannot be undone.
 * Import undo needs nothing more: it skips a contact that is gone.
 */
export const purgeCopies = (
  store: Store,
  persons: readonly number[],
  merges: 'delete' | 'blank',
): { merges: number; importRecords: number } => {
  const list = JSON.stringify(persons);
  const inList = 'IN (SELECT value FROM json_each(@list))';
  const mergeRows =
    merges === 'delete'
      ? prepared(store.sqlite, `DELETE FROM merges WHERE kept_id ${inList} OR removed_id ${inList}`).run({ list }).changes
      : prepared(
          store.sqlite,
          `UPDATE merges SET snapshot = @blank WHERE (kept_id ${inList} OR removed_id ${inList}) AND snapshot <> @blank`,
        ).run({ list, blank: PURGED_MERGE_SNAPSHOT }).changes;
  prepared(store.sqlite, `DELETE FROM not_duplicates WHERE a_id ${inList} OR b_id ${inList}`).run({ list });
  const importRecords = prepared(
    store.sqlite,
    `DELETE FROM import_changes WHERE entity IN ('contact', 'contact_status') AND entity_id ${inList}`,
  ).run({ list }).changes;
  return { merges: mergeRows, importRecords };
};

/** Replaces every occurrence of the person's identifiers (any case) in a text the register keeps. */
const scrub = (text: string | null, needles: string[]): string | null => {
  if (text === null) return null;
  let out = text;
  for (const n of needles) {
    // a two-letter surname would blank half the text
    if (n.length < 3) continue;
    out = out.replace(new RegExp(n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ERASED_SUBJECT);
  }
  return out;
};

type Target = { keys: string[]; needles: string[]; live: boolean };

const target = (store: Store, contactId: number): Target | null => {
  const live = liveIdentifiers(store, contactId);
  if (live) {
    const names = prepared(store.sqlite, 'SELECT first_name, last_name FROM contacts WHERE id = ?').get(contactId) as {
      first_name: string | null;
      last_name: string | null;
    };
    const full = [names.first_name, names.last_name].filter((v) => v).join(' ');
    return {
      keys: identifierKeys(store, live),
      needles: uniq([full, names.last_name, ...live.emails, ...live.phones]).sort((a, b) => b.length - a.length),
      live: true,
    };
  }
  const archived = prepared(store.sqlite, 'SELECT record FROM contact_archive WHERE contact_id = ?').pluck().get(contactId) as
    | string
    | undefined;
  if (archived === undefined) return null;
  const ids = archivedIdentifiers(archived);
  return { keys: identifierKeys(store, ids), needles: [...ids.emails, ...ids.phones], live: false };
};

/**
 * Removes one person. `keys` given (re-applying a logged erasure) are added
 * to the suppression list as they are; otherwise they are computed from the
 * record. Returns the log entries written (the person's, then one per record
 * merged into theirs, so a backup from before the merge loses both), or an
 * empty list when there was nobody.
 */
export const eraseOne = (
  store: Store,
  contactId: number,
  reason: ErasureReason,
  erasedAt: string,
  knownKeys?: string[],
  replay?: { action: string; match: string[] },
): ErasureEntry[] => {
  const db = store.sqlite;
  const t = target(store, contactId);
  if (!t) return [];
  // ids are reused once the highest one is gone: a replay erases only the same person
  if (replay && replay.match.length > 0 && !replay.match.some((k) => t.keys.includes(k))) return [];
  const keys = [...new Set([...(knownKeys ?? []), ...t.keys])];
  const suppress = prepared(db, "INSERT OR IGNORE INTO suppression (kind, hash, reason, created_at) VALUES (?, ?, 'erasure', ?)");
  for (const k of keys) {
    const [kind, hash] = k.split(':', 2);
    if ((kind === 'email' || kind === 'phone') && hash) suppress.run(kind, hash, erasedAt);
  }

  // sales stay for the accounts, unlinked (the FK sets contact_id NULL); their free text goes now
  const sales = prepared(db, 'UPDATE purchases SET note = NULL WHERE contact_id = ? AND note IS NOT NULL').run(contactId).changes;
  const anonymousSales = prepared(db, 'SELECT count(*) FROM purchases WHERE contact_id = ?').pluck().get(contactId) as number;

  const persons = mergedInto(store, contactId);
  const list = persons.map(() => '?').join(', ');
  const { merges, importRecords } = purgeCopies(store, persons, 'delete');

  // the register keeps the request (it is proof the right was honoured), not who asked
  const requests = prepared(db, 'SELECT id, identity_check, outcome, extension_reason FROM privacy_requests WHERE contact_id = ? OR id = ?').all(
    contactId,
    reason.requestId ?? -1,
  ) as { id: number; identity_check: string; outcome: string | null; extension_reason: string | null }[];
  const updateRequest = prepared(
    db,
    'UPDATE privacy_requests SET subject = ?, identity_check = ?, outcome = ?, extension_reason = ?, contact_id = NULL, updated_at = ? WHERE id = ?',
  );
  for (const r of requests) {
    updateRequest.run(
      ERASED_SUBJECT,
      scrub(r.identity_check, t.needles),
      scrub(r.outcome, t.needles),
      scrub(r.extension_reason, t.needles),
      erasedAt,
      r.id,
    );
  }

  db.prepare(`DELETE FROM contact_archive WHERE contact_id IN (${list})`).run(...persons);
  // personal rows cascade (e-mails, phones, tags, notes, interactions, tasks, consent…); the FTS row goes by trigger
  if (t.live) prepared(db, 'DELETE FROM contacts WHERE id = ?').run(contactId);

  const log = prepared(db, 'INSERT INTO erasure_log (erased_at, contact_id, keys, request_id, reason) VALUES (?, ?, ?, ?, ?)');
  // a replay gets the merged records' entries from the journal, line by line
  const logged = replay ? [contactId] : persons;
  for (const id of logged) log.run(erasedAt, id, JSON.stringify(keys), reason.requestId ?? null, reason.kind);
  appendAudit(store, {
    action: replay?.action ?? 'privacy.erase',
    entity: 'contact',
    entityId: contactId,
    detail: {
      reason: reason.kind,
      requestId: reason.requestId ?? null,
      keys: keys.length,
      sales: anonymousSales,
      salesCleared: sales,
      merges,
      importRecords,
      requests: requests.length,
      archived: !t.live,
    },
  });
  return logged.map((id) => ({ contactId: id, erasedAt, keys, requestId: reason.requestId ?? null, reason: reason.kind }));
};

/**
 * The contentless full-text index only tombstones deleted rows: the tokens
 * (and their 1–6 letter prefixes) of the erased record, and of every earlier
 * version of it, stay in its segments until they are merged. 'optimize'
 * rewrites the index into one segment without them (about 1 s per 200 000
 * contacts, measured), which an erasure — rare and deliberate — can afford.
 */
export const purgeSearchIndex = (store: Store): void => {
  prepared(store.sqlite, "INSERT INTO contacts_fts (contacts_fts) VALUES ('optimize')").run();
  prepared(store.sqlite, "DELETE FROM counters WHERE name = 'search.purge_pending'").run();
};

/**
 * A plain deletion leaves the rewrite to the daily check: seconds per delete
 * at a million contacts would make tidying the file a chore, and the terms
 * left over are not searchable (the rows are tombstoned), only still bytes.
 */
const markSearchPurgePending = (store: Store): void => {
  prepared(store.sqlite, "INSERT OR IGNORE INTO counters (name, value) VALUES ('search.purge_pending', 1)").run();
};

/** The daily check's share: the index rewritten once for every plain deletion since. */
export const purgeSearchIndexIfPending = (store: Store): boolean => {
  if (prepared(store.sqlite, "SELECT 1 FROM counters WHERE name = 'search.purge_pending'").pluck().get() === undefined) return false;
  purgeSearchIndex(store);
  return true;
};

/**
 * Erases the given contacts inside the caller's transaction, with the ledger
 * gate open for the consent events that cascade. Unknown ids are skipped.
 * The caller calls `forgetErasedBytes` once its transaction has committed.
 */
export const eraseContacts = (store: Store, ids: number[], reason: ErasureReason): { erased: number } => {
  if (!store.sqlite.inTransaction) throw new Error('eraseContacts runs inside the caller’s transaction');
  const erasedAt = new Date().toISOString();
  let erased = 0;
  const entries = withLedgerGate(store, 'erasure', () => {
    const out: ErasureEntry[] = [];
    for (const id of new Set(ids)) {
      const written = eraseOne(store, id, reason, erasedAt);
      if (written.length > 0) erased += 1;
      out.push(...written);
    }
    return out;
  });
  if (entries.length > 0) {
    purgeSearchIndex(store);
    // last step, so a failure above rolls back before anything is written outside the database
    journalErasures(store, entries);
  }
  return { erased };
};

/**
 * A plain deletion (the shop tidying its file, not the person's request):
 * the records go with every copy the app could bring them back from (merge
 * undo, import undo) inside the caller's transaction, and the search index's
 * leftover terms at the next daily check. Unlike an erasure it leaves no suppression entry and no
 * erasure log: restoring a backup or importing the person again brings them
 * back, as one expects after deleting something; the right to erasure, which
 * must survive both, is `eraseContacts`. Returns the contacts deleted.
 */
export const deleteContactsAndCopies = (store: Store, ids: readonly number[]): number => {
  const list = JSON.stringify(ids);
  // `mergedInto` for a whole selection at once (a filter may match a million): only live contacts
  // seed it, since a gone id may be another record's merged-away one, whose merge is not theirs
  const persons = prepared(
    store.sqlite,
    `WITH RECURSIVE person (id) AS (
       SELECT id FROM contacts WHERE id IN (SELECT value FROM json_each(?))
       UNION SELECT m.removed_id FROM merges m JOIN person ON m.kept_id = person.id WHERE m.undone_at IS NULL
     ) SELECT id FROM person`,
  )
    .pluck()
    .all(list) as number[];
  if (persons.length === 0) return 0;
  const { changes } = withLedgerGate(store, 'erasure', () => {
    purgeCopies(store, persons, 'blank');
    // personal rows cascade; sales stay, anonymous (ON DELETE SET NULL); the search entry goes by trigger
    return prepared(store.sqlite, 'DELETE FROM contacts WHERE id IN (SELECT value FROM json_each(?))').run(list);
  });
  if (changes > 0) markSearchPurgePending(store);
  return changes;
};

/**
 * After the erasing transaction has committed: the WAL still holds the pages
 * as they were before (and secure_delete only zeroes the main file), so
 * checkpoint everything into the file and truncate the WAL to nothing.
 */
export const forgetErasedBytes = (store: Store): void => {
  if (store.sqlite.inTransaction) return;
  store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
};
