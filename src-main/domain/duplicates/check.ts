import type { z } from 'zod';
import { fold, toE164, type DuplicateCandidate, type checkDuplicatesInput } from '../../contract';
import type { Store } from '../../store/db';
import type { Sqlite } from '../../store/open';
import { contactFacts, summary } from './contacts';
import { allowedEdits, compareNames, isAlike, nameForms, reasonsOf, scoreEvidence, type NameForms } from './similarity';
import { stmt } from './tables';

/** Name matches kept per keystroke before scoring (a big town can hold thousands of records). */
const NAME_MATCHES_MAX = 50;

const ids = (db: Sqlite, sql: string, value: string): number[] => stmt(db, sql).pluck().all(value) as number[];

type NameRows = { postcode: string; version: string; rows: [number, string][] };

/**
 * The names of the last postcode checked, per connection. The form checks on
 * every keystroke with the same postcode: reading a big town's names once
 * (20k index entries: ~10 ms) instead of each time leaves ~1 ms per keystroke.
 * Any write on this connection (total_changes) or a commit by another one
 * (data_version) empties it.
 */
const lastNames = new WeakMap<Sqlite, NameRows>();

const namesAt = (db: Sqlite, postcode: string): [number, string][] => {
  const version = `${String(stmt(db, 'SELECT total_changes()').pluck().get())}:${String(db.pragma('data_version', { simple: true }))}`;
  const cached = lastNames.get(db);
  if (cached && cached.postcode === postcode && cached.version === version) return cached.rows;
  const rows = stmt(
    db,
    'SELECT id, match_name FROM contacts INDEXED BY contacts_by_match WHERE postcode = ? AND match_name IS NOT NULL',
  )
    .raw()
    .all(postcode) as [number, string][];
  lastNames.set(db, { postcode, version, rows });
  return rows;
};

const counts = new Int32Array(128);

const isSeparator = (c: number): boolean =>
  c < 128 ? !((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) : c === 0x2019 || c === 0x2010 || c === 0x2011;

/**
 * A lower bound of the edit distance: letters one name has and the other
 * lacks (a transposition keeps the letters, so it holds for every form of a
 * name). Non-ASCII letters share one bucket, which only loosens the bound.
 */
const bagDistanceAtMost = (typed: string, stored: string, max: number): boolean => {
  counts.fill(0);
  for (let i = 0; i < typed.length; i++) {
    const c = typed.charCodeAt(i);
    const b = c < 128 ? c : 127;
    counts[b] = (counts[b] ?? 0) + 1;
  }
  let extra = 0;
  for (let i = 0; i < stored.length; i++) {
    const c = stored.charCodeAt(i);
    if (isSeparator(c)) continue;
    const b = c < 128 ? c : 127;
    const left = counts[b] ?? 0;
    if (left > 0) counts[b] = left - 1;
    else if (++extra > max) return false;
  }
  let missing = 0;
  for (let i = 0; i < 128; i++) missing += counts[i] ?? 0;
  return missing <= max;
};

/**
 * Records with the same postcode and a similar name, from the (postcode,
 * match_name) index only. A letter count drops nearly all names; only a
 * handful get an edit distance.
 */
export const similarNamesAt = (db: Sqlite, postcode: string, forms: NameForms, limit = NAME_MATCHES_MAX): number[] => {
  const max = allowedEdits(forms.glued.length + 2);
  const rows = namesAt(db, postcode);
  const found: { id: number; edits: number }[] = [];
  for (const [id, name] of rows) {
    if (!bagDistanceAtMost(forms.glued, name, max)) continue;
    const match = compareNames(forms, nameForms(name));
    if (isAlike(match)) found.push({ id, edits: match });
  }
  found.sort((a, b) => a.edits - b.edits || a.id - b.id);
  return found.slice(0, limit).map((f) => f.id);
};

/**
 * Duplicates of what is being typed in the capture form: same e-mail (primary
 * or additional), same phone (E.164), or a similar name at the same postcode.
 * Each probe is one index lookup, so it stays a few milliseconds at 1M contacts.
 */
export const checkDuplicates = (store: Store, input: z.output<typeof checkDuplicatesInput>): DuplicateCandidate[] => {
  const db = store.sqlite;
  const byEmail = new Set<number>();
  const byPhone = new Set<number>();
  const candidates = new Set<number>();

  const email = input.email?.toLowerCase() ?? null;
  if (email !== null && /^[^@\s]+@[^@\s]+$/.test(email)) {
    for (const id of ids(db, 'SELECT id FROM contacts WHERE email = ?', email)) byEmail.add(id);
    for (const id of ids(db, 'SELECT contact_id FROM contact_emails WHERE email = ?', email)) byEmail.add(id);
  }
  const phone = input.phone === null ? null : toE164(input.phone);
  if (phone !== null) {
    for (const id of ids(db, 'SELECT id FROM contacts WHERE phone = ?', phone)) byPhone.add(id);
    for (const id of ids(db, 'SELECT contact_id FROM contact_phones WHERE phone = ?', phone)) byPhone.add(id);
  }
  const typedName = input.firstName !== null || input.lastName !== null ? fold(`${input.firstName ?? ''} ${input.lastName ?? ''}`) : '';
  const forms = nameForms(typedName);
  for (const id of byEmail) candidates.add(id);
  for (const id of byPhone) candidates.add(id);
  if (forms !== null && input.postcode !== null) {
    for (const id of similarNamesAt(db, input.postcode, forms)) candidates.add(id);
  }

  if (input.excludeId !== null) {
    candidates.delete(input.excludeId);
    const dismissed = stmt(
      db,
      'SELECT CASE WHEN a_id = @id THEN b_id ELSE a_id END FROM not_duplicates WHERE a_id = @id OR b_id = @id',
    )
      .pluck()
      .all({ id: input.excludeId }) as number[];
    for (const id of dismissed) candidates.delete(id);
  }
  if (candidates.size === 0) return [];

  const out: DuplicateCandidate[] = [];
  for (const facts of contactFacts(db, candidates).values()) {
    const evidence = {
      sameEmail: byEmail.has(facts.id),
      samePhone: byPhone.has(facts.id),
      name: compareNames(forms, facts.matchName === null ? null : nameForms(facts.matchName)),
      samePostcode: input.postcode !== null && facts.postcode === input.postcode,
      conflicting: false,
    };
    const reasons = reasonsOf(evidence);
    if (reasons.length === 0) continue;
    out.push({ ...summary(facts), reasons, score: scoreEvidence(evidence) });
  }
  out.sort((a, b) => b.score - a.score || a.id - b.id);
  return out.slice(0, input.limit);
};
