import type { z } from 'zod';
import {
  AppError,
  type DismissDuplicateResult,
  type DuplicateFindResult,
  type DuplicatePair,
  type findDuplicatesInput,
} from '../../contract';
import type { JobContext } from '../../host/registry';
import type { Store } from '../../store/db';
import type { Sqlite } from '../../store/open';
import { conflicting, contactFacts, summary } from './contacts';
import { allowedEdits, compareNames, isAlike, nameForms, reasonsOf, scoreEvidence, type NameForms } from './similarity';
import { stmt } from './tables';

/**
 * More records than this sharing one e-mail or phone is a shop's own number or
 * a company switchboard, not a duplicate: comparing them all would also cost
 * n² pairs.
 */
export const SHARED_MAX = 20;

/**
 * Within a postcode, names are compared only inside blocks sharing a key. A
 * block bigger than this (a very common name in a big town) is compared only
 * between neighbours in name order.
 */
const BLOCK_MAX = 400;
const NEIGHBOURS = 40;

/** Work between two yields to the worker's queue (cancel, keystroke checks). */
const SLICE_MS = 40;

type Acc = { a: number; b: number; email: boolean; phone: boolean; edits: number };

const pairKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

/* ---------- blocking keys: hashes, so a million records do not allocate tens of millions of strings ---------- */

/** A multiplier with high bits set (the golden ratio): small primes leave short names' hashes clustered. */
const PRIME = 0x9e3779b1 | 0;
let pre = new Int32Array(64);
let suf = new Int32Array(64);
let pow = new Int32Array(64);

/** murmur3's finaliser over the polynomial hash, its length and the key kind. */
const mix = (h: number, length: number, salt: number): number => {
  let x = (h ^ Math.imul(length + 1, 0x85ebca6b) ^ Math.imul(salt, 0xc2b2ae35)) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
};

/**
 * The string and each of its one-letter deletions, hashed. Two strings one
 * edit apart (insertion, deletion, substitution or adjacent transposition)
 * always share one (deleting the extra, changed or first swapped letter gives
 * the same string); a hash collision only costs a comparison.
 */
const deletionKeys = (s: string, salt: number, out: Set<number>): void => {
  const n = s.length;
  if (pre.length <= n) {
    pre = new Int32Array(n + 1);
    suf = new Int32Array(n + 1);
    pow = new Int32Array(n + 1);
  }
  pow[0] = 1;
  pre[0] = 0;
  for (let i = 0; i < n; i++) {
    pow[i + 1] = Math.imul(pow[i] ?? 0, PRIME);
    pre[i + 1] = (Math.imul(pre[i] ?? 0, PRIME) + s.charCodeAt(i)) | 0;
  }
  suf[n] = 0;
  for (let i = n - 1; i >= 0; i--) suf[i] = (Math.imul(s.charCodeAt(i), pow[n - 1 - i] ?? 0) + (suf[i + 1] ?? 0)) | 0;
  out.add(mix(pre[n] ?? 0, n, salt));
  if (allowedEdits(n + 1) === 0) return;
  for (let i = 0; i < n; i++) {
    out.add(mix((Math.imul(pre[i] ?? 0, pow[n - 1 - i] ?? 0) + (suf[i + 1] ?? 0)) | 0, n - 1, salt));
  }
};

const hashOf = (s: string, salt: number): number => {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, PRIME) + s.charCodeAt(i)) | 0;
  return mix(h, s.length, salt);
};

const GLUED = 1;
const SORTED = 2;

/**
 * Keys of a name: its sorted tokens (swapped names), and its glued and
 * reversed forms with each of their one-letter deletions (one typo, also with
 * swapped first and last names): names one edit apart always share a key (a
 * property test checks it), and names further apart almost never do, so only
 * true candidates get compared. Two typos in a long name (which the capture
 * check accepts) are not keyed: every key tried for them (halves, thirds)
 * grouped all the Christophes of a town and multiplied comparisons by five.
 */
export const blockingKeys = (forms: NameForms, out: Set<number> = new Set()): Set<number> => {
  out.add(hashOf(forms.sorted, SORTED));
  deletionKeys(forms.glued, GLUED, out);
  if (forms.reversed !== forms.glued) deletionKeys(forms.reversed, GLUED, out);
  return out;
};

const INDEX_SPAN = 2 ** 21;

/**
 * Similar names among the records of one postcode; `found` gets the number of
 * edits. (key, record) pairs are packed in one number and sorted natively:
 * runs of one key are the blocks, with no map of arrays to allocate.
 */
export const compareBlock = (ids: number[], names: string[], found: (a: number, b: number, edits: number) => void): void => {
  const n = Math.min(ids.length, INDEX_SPAN);
  const forms: (NameForms | null)[] = names.slice(0, n).map((s) => nameForms(s));
  const packed: number[] = [];
  const keys = new Set<number>();
  for (let i = 0; i < n; i++) {
    const f = forms[i];
    if (!f) continue;
    keys.clear();
    for (const k of blockingKeys(f, keys)) packed.push(k * INDEX_SPAN + i);
  }
  const entries = Float64Array.from(packed).sort();
  const seen = new Set<number>();
  const compare = (i: number, j: number) => {
    if (i === j) return;
    const lo = i < j ? i : j;
    const hi = i < j ? j : i;
    const k = lo * n + hi;
    if (seen.has(k)) return;
    seen.add(k);
    const m = compareNames(forms[i] ?? null, forms[j] ?? null);
    if (isAlike(m)) found(ids[i] ?? 0, ids[j] ?? 0, m);
  };
  const member = (x: number): number => (entries[x] ?? 0) % INDEX_SPAN;
  const keyAt = (x: number): number => Math.floor((entries[x] ?? 0) / INDEX_SPAN);
  for (let start = 0; start < entries.length; ) {
    const key = keyAt(start);
    let end = start + 1;
    while (end < entries.length && keyAt(end) === key) end++;
    const size = end - start;
    if (size > 1 && size <= BLOCK_MAX) {
      for (let x = start; x < end; x++) for (let y = x + 1; y < end; y++) compare(member(x), member(y));
    } else if (size > BLOCK_MAX) {
      // hundreds of records with the same name: compare neighbours in name order only
      const members = Array.from({ length: size }, (_, x) => member(start + x)).sort((x, y) => {
        const gx = forms[x]?.sorted ?? '';
        const gy = forms[y]?.sorted ?? '';
        return gx < gy ? -1 : gx > gy ? 1 : 0;
      });
      for (let x = 0; x < size; x++) {
        for (let y = x + 1; y < Math.min(size, x + 1 + NEIGHBOURS); y++) compare(members[x] ?? 0, members[y] ?? 0);
      }
    }
    start = end;
  }
};

const noJob: Pick<JobContext, 'progress' | 'tick'> = { progress: () => undefined, tick: () => Promise.resolve() };

/** Groups of record ids sharing a value (primary or additional), from one sorted scan. */
const sharedGroups = (db: Sqlite, contactsColumn: 'email' | 'phone', extraTable: string): { groups: number[][]; ignored: number } => {
  const rows = stmt(
    db,
    `SELECT group_concat(id) AS ids, count(*) AS n FROM (
       SELECT ${contactsColumn} AS v, id FROM contacts WHERE ${contactsColumn} IS NOT NULL
       UNION
       SELECT ${contactsColumn} AS v, contact_id AS id FROM ${extraTable}
     ) GROUP BY v HAVING count(*) > 1`,
  ).all() as { ids: string; n: number }[];
  const groups: number[][] = [];
  let ignored = 0;
  for (const r of rows) {
    const ids = [...new Set(r.ids.split(',').map(Number))];
    if (ids.length < 2) continue;
    if (ids.length > SHARED_MAX) ignored++;
    else groups.push(ids);
  }
  return { groups, ignored };
};

/**
 * Candidate pairs over the whole base, best first. Blocking keeps it near
 * linear: pairs are formed only inside groups sharing an e-mail, a phone, or a
 * postcode plus a name key, never across the whole base. Pairs the user
 * dismissed are skipped; merged-away records no longer exist.
 */
export const findDuplicates = async (
  store: Store,
  input: z.output<typeof findDuplicatesInput>,
  job: Pick<JobContext, 'progress' | 'tick'> = noJob,
): Promise<DuplicateFindResult> => {
  const started = performance.now();
  const db = store.sqlite;
  const pairs = new Map<string, Acc>();
  const acc = (a: number, b: number): Acc => {
    const key = pairKey(a, b);
    let p = pairs.get(key);
    if (!p) {
      p = { a: Math.min(a, b), b: Math.max(a, b), email: false, phone: false, edits: -1 };
      pairs.set(key, p);
    }
    return p;
  };

  job.progress('duplicates.emails', 0, 1);
  const emails = sharedGroups(db, 'email', 'contact_emails');
  for (const g of emails.groups) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) acc(g[i] ?? 0, g[j] ?? 0).email = true;
  await job.tick();

  job.progress('duplicates.phones', 0, 1);
  const phones = sharedGroups(db, 'phone', 'contact_phones');
  for (const g of phones.groups) for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) acc(g[i] ?? 0, g[j] ?? 0).phone = true;
  await job.tick();

  const postcodes = stmt(
    db,
    `SELECT postcode, count(*) FROM contacts INDEXED BY contacts_by_match
     WHERE match_name IS NOT NULL AND postcode IS NOT NULL GROUP BY postcode`,
  )
    .raw()
    .all() as [string, number][];
  const total = postcodes.reduce((n, [, c]) => n + c, 0);
  const block = stmt(
    db,
    'SELECT id, match_name FROM contacts INDEXED BY contacts_by_match WHERE postcode = ? AND match_name IS NOT NULL',
  ).raw();
  let done = 0;
  let slice = performance.now();
  job.progress('duplicates.names', 0, total);
  for (const [postcode, count] of postcodes) {
    done += count;
    if (count < 2) continue;
    const rows = block.all(postcode) as [number, string][];
    compareBlock(
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      (a, b, edits) => {
        const p = acc(a, b);
        if (p.edits < 0 || edits < p.edits) p.edits = edits;
      },
    );
    if (performance.now() - slice > SLICE_MS) {
      job.progress('duplicates.names', done, total);
      await job.tick();
      slice = performance.now();
    }
  }
  job.progress('duplicates.names', total, total);

  job.progress('duplicates.ranking', 0, 1);
  const dismissed = new Set(
    (stmt(db, 'SELECT a_id, b_id FROM not_duplicates').raw().all() as [number, number][]).map(([a, b]) => pairKey(a, b)),
  );
  const ids = new Set<number>();
  for (const [key, p] of pairs) {
    if (dismissed.has(key)) pairs.delete(key);
    else {
      ids.add(p.a);
      ids.add(p.b);
    }
  }
  // records read now: one merged or deleted while the scan yielded is simply gone
  const facts = contactFacts(db, ids);
  const forms = new Map<number, NameForms | null>();
  const formsOf = (id: number): NameForms | null => {
    let f = forms.get(id);
    if (f === undefined) {
      const name = facts.get(id)?.matchName ?? null;
      f = name === null ? null : nameForms(name);
      forms.set(id, f);
    }
    return f;
  };
  const ranked: DuplicatePair[] = [];
  for (const p of pairs.values()) {
    const a = facts.get(p.a);
    const b = facts.get(p.b);
    if (!a || !b) continue;
    const samePostcode = a.postcode !== null && a.postcode === b.postcode;
    const evidence = {
      sameEmail: p.email,
      samePhone: p.phone,
      name: p.edits >= 0 ? p.edits : compareNames(formsOf(p.a), formsOf(p.b)),
      samePostcode,
      conflicting: conflicting(a, b),
    };
    const reasons = reasonsOf(evidence);
    if (reasons.length === 0) continue;
    const score = scoreEvidence(evidence);
    if (score < input.minScore) continue;
    ranked.push({ a: summary(a), b: summary(b), reasons, score });
  }
  ranked.sort((x, y) => y.score - x.score || x.a.id - y.a.id || x.b.id - y.b.id);
  job.progress('duplicates.ranking', 1, 1);
  const scanned = Number(stmt(db, "SELECT value FROM counters WHERE name = 'contacts'").pluck().get() ?? 0);
  return {
    pairs: ranked.slice(0, input.limit),
    total: ranked.length,
    scanned,
    ignoredShared: emails.ignored + phones.ignored,
    ms: Math.round(performance.now() - started),
  };
};

const exists = (db: Sqlite, id: number): boolean => stmt(db, 'SELECT 1 FROM contacts WHERE id = ?').get(id) !== undefined;

/** "These two are different people": the finder and the capture check stop proposing the pair. */
export const dismissDuplicate = (
  store: Store,
  aId: number,
  bId: number,
  now = new Date().toISOString(),
): DismissDuplicateResult => {
  const db = store.sqlite;
  if (aId === bId) {
    throw new AppError('VALIDATION', 'a contact is not its own duplicate', { issues: [{ path: 'bId', code: 'same_contact' }] });
  }
  for (const id of [aId, bId]) {
    if (!exists(db, id)) throw new AppError('NOT_FOUND', `contact ${id} not found`, { entity: 'contact', id });
  }
  const lo = Math.min(aId, bId);
  const hi = Math.max(aId, bId);
  stmt(db, 'INSERT INTO not_duplicates (a_id, b_id, decided_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(lo, hi, now);
  return { aId: lo, bId: hi };
};
