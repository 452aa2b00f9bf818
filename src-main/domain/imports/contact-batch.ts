import {
  AppError,
  companyInput,
  fold,
  isImportNotice,
  localDate,
  type ContactData,
  type ContactInput,
  type DuplicatePolicy,
  type ImportReport,
  type RowIssue,
} from '../../contract';
import { CONTACT_LIST_MAX, contactUpdateInput, type ContactListName } from '../../contract/contacts';
import type { JobContext } from '../../host/registry';
import { bulkInsert, prepared, withLedgerGate, type Store } from '../../store/db';
import { diskSorts, type Sqlite } from '../../store/open';
import { createCompany } from '../companies/service';
import { consentColumns, recordImportedConsent } from '../consent/import';
import { wordingIds } from '../consent/ledger';
import { isSuppressed, objectIfSuppressed } from '../consent/suppression';
import {
  columnValues,
  INSERT_COLUMNS,
  INSERT_SQL,
  insertContact,
  matchName,
  storedInput,
  updateContact,
  withInputLists,
  writeUpdate,
} from '../contacts/service';
import { ensureTag } from '../contacts/tags';
import { detached } from '../importexport';
import { createFastNormaliser, isCleanPatch, validateContact } from './contact-fast';
import { normaliseContact, type CompanyNumber } from './contacts';
import { createKeyDirectory, createKeySet, type KeyDirectory, type KeySet } from './key-set';
import type { SourceRecord } from './sources';
import { BULK_UNDO_FROM, deleteImportRows, importRows, UNDO_CHUNK_IDS, type UndoTuning } from './undo-rows';

/**
 * The contacts import loop. Each row gets exactly what the row-by-row import
 * gave it (the same normalisation, duplicate decisions, writes, ids, search
 * entries, report, undo records); what changes is the cost (1M rows: 249 s
 * before, ~75 s here, most of it SQLite writing the indexes):
 *
 * - rows are normalised by `createFastNormaliser`, which steps aside to
 *   `normaliseContact` (the zod schema) for any row it cannot vouch for;
 * - the duplicate lookup (up to five indexed queries a row) is skipped when a
 *   filter of the base's and the file's keys proves the row matches nothing;
 *   a row that may match runs the same lookup as before;
 * - a merge the import can validate itself skips the schema and the re-reads
 *   of `updateContact`, and writes through the same `writeUpdate`;
 * - new contacts with nothing attached are inserted several to a statement,
 *   with the ids SQLite would have given them (see `queueNew`);
 * - the search index is written per batch instead of per row by triggers
 *   (see `searchIndex`), and a large import sets the list's indexes aside
 *   and rebuilds them before it commits (see `deferrableIndexes`); when the
 *   filter runs too, the e-mail and phone indexes go with them, and the
 *   lookups' primary half asks a `KeyDirectory` of who may hold the value,
 *   checked row by row, as the index would have answered.
 *
 * Both are DDL inside the import's one transaction: a rollback (error, dry
 * run, cancel, crash) puts the schema back with the rows. The host refuses
 * other writes while an import runs; reads between batches see the triggers
 * in place, and the list plans without its set-aside indexes until the
 * import ends (contacts/list.ts `statement`).
 */

export type ContactBatchTuning = {
  /** Rows per batch: the search index is written and the job yields (cancel, other calls) once a batch. */
  batchRows: number;
  /** Imports smaller than this keep every index live: rebuilding costs a scan of the whole table. */
  deferIndexesFrom: number;
  /**
   * Off, every row takes the row-by-row way: the zod schema, the three
   * lookups, `updateContact`, the triggers. Tests hold the fast way to it.
   */
  shortcuts: boolean;
};

/** Rows between two progress reports. */
const PROGRESS_ROWS = 1000;

export const defaultTuning: ContactBatchTuning = { batchRows: 4000, deferIndexesFrom: 50_000, shortcuts: true };

/** A file this large sets indexes aside (`deferrableIndexes`) and runs under a rollback journal (`bulkJournal`). */
export const isLargeImport = (estimatedRows: number, tuning: Partial<ContactBatchTuning> = {}): boolean => {
  const t = { ...defaultTuning, ...tuning };
  return t.shortcuts && estimatedRows >= t.deferIndexesFrom;
};

export type ContactRowsOptions = {
  mapping: readonly (string | null)[];
  policy: DuplicatePolicy;
  importId: number;
  now: string;
  /** Rows the file is thought to hold (progress, and whether reading the base's keys or setting indexes aside pays). */
  estimatedRows: number;
  /** Tests make batches small to cross their boundaries. */
  tuning?: Partial<ContactBatchTuning>;
  /** The file's header cells: a consent column's header may name its purpose ("Newsletter"). */
  headers?: readonly string[];
  /** A dry run goes on writing after an error (all is rolled back): its counts say what the file holds once fixed. */
  dryRun?: boolean;
  /** A CSV row short of cells is said (it may have been cut); an xlsx row ends at its last value. */
  format?: 'csv' | 'xlsx' | 'vcard';
};

/** What is left to do once every row is in, before committing (a rollback needs nothing). */
export type ContactRowsDone = {
  /** Whether anything was written since the rows began (by the import, or by a call that ran between two batches). */
  written: boolean;
  beforeCommit(): Promise<void>;
};

/** Where rows land in runImport's report (its lists are bounded there). */
export type ContactRowsSink = {
  report: ImportReport;
  addIssues(issues: RowIssue[]): void;
  addNotice(notice: RowIssue): void;
  errorCount(): number;
};

const withReadIssues = (line: number, issues: SourceRecord['issues']): RowIssue[] =>
  issues.map((i) => ({ line: i.line ?? line, field: i.field, value: i.value, reason: i.reason }));

/**
 * Who holds a value as a contact's own code, e-mail or phone, lowest id
 * first: the indexes (`indexedHolders`), or the import's directory while the
 * e-mail and phone indexes are set aside.
 */
type Holders = (by: 'code' | 'email' | 'phone', value: string) => readonly number[];

const HOLDERS_SQL = {
  code: 'SELECT id FROM contacts WHERE code = ?',
  email: 'SELECT id FROM contacts WHERE email = ? ORDER BY id',
  phone: 'SELECT id FROM contacts WHERE phone = ? ORDER BY id',
} as const;

const indexedHolders =
  (store: Store): Holders =>
  (by, value) =>
    prepared(store.sqlite, HOLDERS_SQL[by]).pluck().all(value) as number[];

/** An additional e-mail or phone counts after the contacts' own. */
const EXTRA_HOLDERS_SQL = {
  email: 'SELECT DISTINCT contact_id FROM contact_emails WHERE email = ? ORDER BY contact_id',
  phone: 'SELECT DISTINCT contact_id FROM contact_phones WHERE phone = ? ORDER BY contact_id',
} as const;

/** A contact with no code, e-mail or phone: nothing but its identity can find it again. */
const isKeyless = (d: Pick<ContactData, 'code' | 'email' | 'phone'>): boolean => d.code === null && d.email === null && d.phone === null;

type Identity = Pick<ContactData, 'civility' | 'companyId' | 'postcode' | 'city' | 'addressLine1' | 'birthDate'> & { matchName: string };

const IDENTITY_COLUMNS = 'match_name, civility, company_id, postcode, city, address_line1, birth_date';
const KEYLESS = 'code IS NULL AND email IS NULL AND phone IS NULL';

const identityValues = (i: Identity): unknown[] => [i.matchName, i.civility, i.companyId, i.postcode, i.city, i.addressLine1, i.birthDate];

/** The key of a row's or a stored contact's identity in the key set and the directory (control characters never reach the base). */
const identityText = (values: readonly unknown[]): string => values.map((v) => (v === null ? '' : String(v))).join('\u0000');

const identityKey = (i: Identity): string => identityText(identityValues(i));

/**
 * What finds a key-less row again: its name, civility, company, postcode,
 * city, first address line and birth date, all equal (missing on both sides
 * counts as equal), on a contact that is key-less too. Anything less would
 * fuse namesakes; a keyed contact is found by its keys. Null: the row has a
 * key, or no name to go by.
 */
const identityOf = (d: ContactData): Identity | null => {
  if (!isKeyless(d)) return null;
  const name = matchName(d);
  if (name === '') return null;
  const { civility, companyId, postcode, city, addressLine1, birthDate } = d;
  return { matchName: name, civility, companyId, postcode, city, addressLine1, birthDate };
};

const KEYLESS_IDENTITIES_SQL = `SELECT id, ${IDENTITY_COLUMNS} FROM contacts WHERE ${KEYLESS} AND match_name <> ''`;
/** A contact of that identity, bound in `identityValues` order ("missing on both sides" is IS). */
const HAS_IDENTITY = `match_name = ? AND civility IS ? AND company_id IS ? AND postcode IS ? AND city IS ? AND address_line1 IS ?
  AND birth_date IS ? AND ${KEYLESS}`;
// the (postcode, match_name) index finds the few namesakes of a postcode
const IDENTITY_HOLDER_SQL = `SELECT id FROM contacts WHERE ${HAS_IDENTITY} ORDER BY id LIMIT 1`;
const HOLDS_IDENTITY_SQL = `SELECT 1 FROM contacts WHERE id = ? AND ${HAS_IDENTITY}`;

/** The key-less contact a key-less row is, lowest id first: the index's answer, or the directory's candidates checked. */
type IdentityHolder = (identity: Identity) => number | undefined;

const indexedIdentityHolder =
  (store: Store): IdentityHolder =>
  (identity) =>
    prepared(store.sqlite, IDENTITY_HOLDER_SQL).pluck().get(identityValues(identity)) as number | undefined;

/**
 * Existing contact for this row: the customer code first, then an e-mail,
 * then a phone — the last two only on a contact whose name agrees (a shared
 * family phone or a shop's generic address must not fuse two people; among
 * several holders, the one with the row's name is the row's contact). A
 * value held only by other names is a conflict: the row becomes a new
 * contact, flagged. A row with no key at all is found by its identity.
 */
const findExisting = (
  store: Store,
  data: ContactData,
  holders: Holders,
  identityHolder: IdentityHolder,
): { id: number; by: 'code' | 'email' | 'phone' | 'identity' } | { id: number; by: 'conflict' } | null => {
  if (data.code !== null) {
    const [id] = holders('code', data.code);
    if (id !== undefined) return { id, by: 'code' };
  }
  const ours = matchName(data);
  const nameOf = prepared(store.sqlite, 'SELECT match_name FROM contacts WHERE id = ?').pluck();
  const agrees = (id: number): boolean => {
    const theirs = nameOf.get(id) as string | null;
    return !theirs || !ours || theirs === ours;
  };
  let first: number | undefined;
  for (const by of ['email', 'phone'] as const) {
    const value = data[by];
    if (value === null) continue;
    for (const ids of [() => holders(by, value), () => prepared(store.sqlite, EXTRA_HOLDERS_SQL[by]).pluck().all(value) as number[]]) {
      for (const id of ids()) {
        if (agrees(id)) return { id, by };
        first ??= id;
      }
    }
  }
  if (first !== undefined) return { id: first, by: 'conflict' };
  const identity = identityOf(data);
  const id = identity === null ? undefined : identityHolder(identity);
  return id === undefined ? null : { id, by: 'identity' };
};

/**
 * A row whose customer code a contact already holds, when the row cannot be
 * that contact: under "create" any holder; otherwise a holder with another
 * name whose e-mails and phones the row shares none of (matched by code the
 * row replaces the contact's values: another person's would overwrite them).
 * A row without e-mail or phone has only its code to go by, and is trusted.
 */
const codeTaken = (store: Store, data: ContactData, holders: Holders, policy: DuplicatePolicy): boolean => {
  if (data.code === null) return false;
  const [id] = holders('code', data.code);
  if (id === undefined) return false;
  if (policy === 'create') return true;
  const ours = matchName(data);
  const theirs = prepared(store.sqlite, 'SELECT match_name FROM contacts WHERE id = ?').pluck().get(id) as string | null;
  if (!ours || !theirs || ours === theirs) return false;
  const emails = [data.email, ...data.emails.map((e) => e.email)].filter((e): e is string => e !== null);
  const phones = [data.phone, ...data.phones.map((p) => p.phone)].filter((p): p is string => p !== null);
  if (emails.length === 0 && phones.length === 0) return false;
  const shares = prepared(
    store.sqlite,
    `SELECT 1 FROM contacts c WHERE c.id = :id AND (
      c.email IN (SELECT value FROM json_each(:emails)) OR c.phone IN (SELECT value FROM json_each(:phones))
      OR EXISTS (SELECT 1 FROM contact_emails e WHERE e.contact_id = c.id AND e.email IN (SELECT value FROM json_each(:emails)))
      OR EXISTS (SELECT 1 FROM contact_phones p WHERE p.contact_id = c.id AND p.phone IN (SELECT value FROM json_each(:phones))))`,
  );
  return shares.get({ id, emails: JSON.stringify(emails), phones: JSON.stringify(phones) }) === undefined;
};

const SCALARS = [
  'civility',
  'firstName',
  'lastName',
  'email',
  'phone',
  'addressLine1',
  'addressLine2',
  'postcode',
  'city',
  'code',
  'companyId',
  'jobTitle',
  'birthDate',
  'language',
  'sourceDetail',
] as const;

/**
 * Whether the row can add to the contact's lists (extra e-mails, phones,
 * tags); when it cannot, `patchFor` gives the same patch without them. A
 * re-imported file matches every row and most change nothing: reading the
 * three lists was most of the cost of finding that out (~31 of 52 s at 1M).
 */
const listsMatter = (data: ContactData, row: Pick<ContactInput, 'email' | 'phone'>): boolean =>
  data.emails.length > 0 ||
  data.phones.length > 0 ||
  data.tags.length > 0 ||
  (data.email !== null && data.email !== row.email) ||
  (data.phone !== null && data.phone !== row.phone);

/** Values a merge does not add because the contact's list is full, by the field they were for. */
type LeftOut = (field: ContactListName, values: readonly string[]) => void;

/**
 * The contact's list with what the row adds, up to what a record keeps (the
 * rest said through `leftOut`, as a row with too many extras is told);
 * undefined when none of it fits, so a full list is not rewritten as it was.
 */
const extended = <T>(current: readonly T[], added: readonly T[], field: ContactListName, leftOut: LeftOut, value: (item: T) => string): T[] | undefined => {
  const room = Math.max(0, CONTACT_LIST_MAX[field] - current.length);
  if (added.length > room) leftOut(field, added.slice(room).map(value));
  return room === 0 ? undefined : [...current, ...added.slice(0, room)];
};

/**
 * What the row adds to an existing contact. Matched by the shop's customer
 * code, the file is authoritative (its values replace); matched by e-mail or
 * phone, it only fills gaps. Lists (e-mails, phones, tags) are unions, up to
 * what a record keeps: a file whose rows keep bringing new numbers to one
 * contact fills its list, and the rest is named in a notice, not refused.
 */
const patchFor = (current: ContactInput, data: ContactData, authoritative: boolean, leftOut: LeftOut): Partial<ContactInput> => {
  const patch: Partial<ContactInput> = {};
  const target = patch as Record<string, unknown>;
  const cur = current as Record<string, unknown>;
  for (const key of SCALARS) {
    const value = data[key];
    if (value === null || value === undefined) continue;
    if (cur[key] === value) continue;
    if (authoritative || cur[key] === null || cur[key] === undefined) target[key] = value;
  }
  const emails = new Set([current.email, ...(current.emails ?? []).map((e) => e.email)]);
  const newEmails = [data.email, ...data.emails.map((e) => e.email)].filter(
    (e): e is string => e !== null && !emails.has(e) && e !== (patch.email ?? null),
  );
  const emailLabel = new Map(data.emails.map((e) => [e.email, e.label]));
  if (newEmails.length > 0) {
    const added = newEmails.map((email) => ({ email, label: emailLabel.get(email) ?? null }));
    const emails = extended(current.emails ?? [], added, 'emails', leftOut, (e) => e.email ?? '');
    if (emails !== undefined) patch.emails = emails;
  }
  const phones = new Set([current.phone, ...(current.phones ?? []).map((p) => p.phone)]);
  const newPhones = [data.phone, ...data.phones.map((p) => p.phone)].filter(
    (p): p is string => p !== null && !phones.has(p) && p !== (patch.phone ?? null),
  );
  const phoneLabel = new Map(data.phones.map((p) => [p.phone, p.label]));
  if (newPhones.length > 0) {
    const added = newPhones.map((phone) => ({ phone, label: phoneLabel.get(phone) ?? null }));
    const phones = extended(current.phones ?? [], added, 'phones', leftOut, (p) => p.phone ?? '');
    if (phones !== undefined) patch.phones = phones;
  }
  const tags = new Set((current.tags ?? []).map(fold));
  const newTags = data.tags.filter((t) => !tags.has(fold(t)));
  if (newTags.length > 0) {
    const all = extended(current.tags ?? [], newTags, 'tags', leftOut, (t) => t);
    if (all !== undefined) patch.tags = all;
  }
  return patch;
};

/**
 * The company a row names, by its number first (a SIRET is one establishment,
 * unique in the base; a SIREN the firm, preferring the establishment of the
 * same name), else by name — but not one that carries another number: that
 * is another establishment or another firm with the same name, so it gets
 * its own record. A company found is linked as it is, never changed (undo
 * only removes what the import created). Null: neither number nor name finds
 * one and there is no name to create it with.
 */
const companyFor = (store: Store, name: string | null, number: CompanyNumber | null): number | null => {
  const db = store.sqlite;
  const sortName = name === null ? null : fold(name);
  if (number !== null) {
    const found = (
      number.kind === 'siret'
        ? prepared(db, 'SELECT id FROM companies WHERE siret = ?').pluck().get(number.digits)
        : prepared(db, 'SELECT id FROM companies WHERE siren = ? ORDER BY sort_name IS ? DESC, id LIMIT 1').pluck().get(number.digits, sortName)
    ) as number | undefined;
    if (found !== undefined) return found;
  }
  if (name === null || sortName === null) return null;
  const byName = (
    number === null
      ? prepared(db, 'SELECT id FROM companies WHERE sort_name = ? LIMIT 1').pluck().get(sortName)
      : prepared(db, 'SELECT id FROM companies WHERE sort_name = ? AND siret IS NULL AND (siren IS NULL OR siren = ?) ORDER BY id LIMIT 1')
          .pluck()
          .get(sortName, number.digits.slice(0, 9))
  ) as number | undefined;
  if (byName !== undefined) return byName;
  const data = companyInput.parse(
    number === null ? { name } : number.kind === 'siret' ? { name, siret: number.digits } : { name, siren: number.digits },
  );
  return createCompany(store, data).id;
};

/** Whether a company with this number is in the base (a row giving only the number must name a known one). */
const companyNumberKnown = (store: Store, number: CompanyNumber): boolean =>
  prepared(store.sqlite, `SELECT 1 FROM companies WHERE ${number.kind} = ? LIMIT 1`).get(number.digits) !== undefined;

// ---------------------------------------------------------------- search index in batches

/** What the triggers below index for a contact, read from its stored row. */
export const FTS_VALUES = `id,
    coalesce(first_name, '') || ' ' || coalesce(last_name, ''),
    coalesce(email, ''),
    CASE WHEN phone LIKE '+33%' THEN phone || ' 0' || substr(phone, 4) ELSE coalesce(phone, '') END,
    coalesce(city, '') || ' ' || coalesce(postcode, '')`;

/**
 * The insert and update triggers of migration 1, and the status counter's of
 * migration 3, word for word. The batch path does exactly their work; a
 * schema whose triggers say anything else keeps its triggers and the per-row
 * index writes. (The counter's one-row UPDATE for each new contact was 2.3 s
 * of inserting 1M contacts.)
 */
const TRIGGERS = {
  contacts_status_ai: `CREATE TRIGGER contacts_status_ai AFTER INSERT ON contacts BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'contacts.' || new.status;
      END`,
  contacts_ai: `CREATE TRIGGER contacts_ai AFTER INSERT ON contacts BEGIN
        INSERT INTO contacts_fts (rowid, name, email, phone, city) VALUES (
          new.id,
          coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, ''),
          coalesce(new.email, ''),
          CASE WHEN new.phone LIKE '+33%' THEN new.phone || ' 0' || substr(new.phone, 4) ELSE coalesce(new.phone, '') END,
          coalesce(new.city, '') || ' ' || coalesce(new.postcode, '')
        );
        UPDATE counters SET value = value + 1 WHERE name = 'contacts';
      END`,
  contacts_au: `CREATE TRIGGER contacts_au AFTER UPDATE OF first_name, last_name, email, phone, city, postcode ON contacts BEGIN
        DELETE FROM contacts_fts WHERE rowid = old.id;
        INSERT INTO contacts_fts (rowid, name, email, phone, city) VALUES (
          new.id,
          coalesce(new.first_name, '') || ' ' || coalesce(new.last_name, ''),
          coalesce(new.email, ''),
          CASE WHEN new.phone LIKE '+33%' THEN new.phone || ' 0' || substr(new.phone, 4) ELSE coalesce(new.phone, '') END,
          coalesce(new.city, '') || ' ' || coalesce(new.postcode, '')
        );
      END`,
} as const;

/** The triggers' index entries for new contacts, in rowid order as FTS5 wants them. */
const INDEX_RANGE_SQL = `INSERT INTO contacts_fts (rowid, name, email, phone, city)
  SELECT ${FTS_VALUES} FROM contacts WHERE id > ? AND id <= ? ORDER BY id`;
const UNINDEX_SQL = 'DELETE FROM contacts_fts WHERE rowid IN (SELECT value FROM json_each(?))';
const REINDEX_SQL = `INSERT INTO contacts_fts (rowid, name, email, phone, city)
  SELECT ${FTS_VALUES} FROM contacts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`;

export type SearchIndex = {
  /** Whether this schema's triggers are the ones the batch path stands in for. */
  readonly batched: boolean;
  /** Drops the per-row triggers (start of a batch). */
  suspend(): void;
  /** A contact was inserted while suspended, with this status: its index entry and counts are owed. */
  inserted(id: number, status: ContactData['status']): void;
  /** A contact is about to be updated while suspended: its entry is rewritten when settling. */
  updating(id: number): void;
  /** Writes what is owed. */
  settle(): void;
  /** Settles and puts the triggers back (end of a batch, before yielding). */
  resume(): void;
};

/**
 * FTS5 writes a statement's pending terms to disk as a new segment when the
 * next statement starts, so a trigger writing one row per statement made one
 * segment per contact and spent the import merging them (~100 µs a new row,
 * ~0.7 ms a merged one, at 100k rows). Here new rows are indexed by range and
 * updated ones by list, a few thousand per statement; the counter the insert
 * trigger kept is added up the same way.
 */
export const searchIndex = (db: Sqlite): SearchIndex => {
  const sqlOf = prepared(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?").pluck();
  const batched = Object.entries(TRIGGERS).every(([name, sql]) => sqlOf.get(name) === sql);
  let suspended = false;
  // contacts with id in (done, last] were inserted and are owed; ids only grow within the import
  let done = 0;
  let last = 0;
  let owed = 0;
  // the status each contact was inserted with, as the counter's trigger counted it (later changes are its update trigger's)
  const byStatus = new Map<string, number>();
  const touched = new Set<number>();
  const settle = (): void => {
    if (touched.size > 0) {
      const ids = JSON.stringify([...touched]);
      prepared(db, UNINDEX_SQL).run(ids);
      prepared(db, REINDEX_SQL).run(ids);
      touched.clear();
    }
    if (owed > 0) {
      prepared(db, INDEX_RANGE_SQL).run(done, last);
      prepared(db, "UPDATE counters SET value = value + ? WHERE name = 'contacts'").run(owed);
      for (const [status, count] of byStatus) prepared(db, "UPDATE counters SET value = value + ? WHERE name = 'contacts.' || ?").run(count, status);
      byStatus.clear();
      done = last;
      owed = 0;
    }
  };
  return {
    batched,
    suspend() {
      if (!batched || suspended) return;
      for (const name of Object.keys(TRIGGERS)) db.exec(`DROP TRIGGER ${name}`);
      suspended = true;
    },
    inserted(id, status) {
      if (!suspended) return;
      if (owed === 0) done = id - 1;
      last = id;
      owed += 1;
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    },
    updating(id) {
      // an owed row is indexed from its stored values when settling, whatever they are by then
      if (!suspended || (owed > 0 && id > done && id <= last)) return;
      touched.add(id);
    },
    settle,
    resume() {
      if (!suspended) return;
      settle();
      for (const sql of Object.values(TRIGGERS)) db.exec(sql);
      suspended = false;
    },
  };
};

// ---------------------------------------------------------------- indexes set aside

export type DeferredIndex = { name: string; sql: string };

/**
 * At 1M contacts every index on contacts costs a few microseconds a new row
 * (random places for names, cities and postcodes; wide entries even where new
 * rows only append), against about 1.5 s to rebuild it by sorting. A large
 * import sets them aside and rebuilds them before it commits (the demo load
 * does the same). Kept live: unique indexes (their constraint must hold all
 * along), those the duplicate lookups read (e-mail, phone, code: the first
 * two may go, see `contactKeyIndexes`) and those led by a foreign key
 * (companies look their contacts up through them).
 * Measured at 1M: keeping the five indexes whose new entries only append
 * cost 13 s live against 7 s to rebuild them.
 */
const indexesLedBy = (db: Sqlite, table: 'contacts' | 'contact_tags', led: (column: string) => boolean): DeferredIndex[] => {
  const indexes = prepared(
    db,
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name",
  ).all(table) as DeferredIndex[];
  const leading = prepared(db, 'SELECT name FROM pragma_index_info(?) WHERE seqno = 0').pluck();
  return indexes.filter((i) => !/^\s*CREATE\s+UNIQUE\b/i.test(i.sql) && led(leading.get(i.name) as string));
};

const deferrableIndexes = (db: Sqlite, table: 'contacts' | 'contact_tags', live: ReadonlySet<string>): DeferredIndex[] =>
  indexesLedBy(db, table, (column) => !live.has(column));

/**
 * What the duplicate lookups read: the contacts' primary e-mail and phone,
 * and the postcode that leads the (postcode, match_name) index a key-less
 * row's identity is found by.
 */
const KEY_COLUMNS: ReadonlySet<string> = new Set(['email', 'phone', 'postcode']);

const contactsLive = (db: Sqlite): Set<string> =>
  new Set([...KEY_COLUMNS, 'code', ...(prepared(db, 'SELECT "from" FROM pragma_foreign_key_list(?)').pluck().all('contacts') as string[])]);

/**
 * The e-mail, phone and identity indexes: set aside with the list's when the
 * import can answer the lookups from a `KeyDirectory` of the base and the file.
 */
const contactKeyIndexes = (db: Sqlite): DeferredIndex[] => indexesLedBy(db, 'contacts', (column) => KEY_COLUMNS.has(column));

/** The contacts' indexes a large import sets aside and rebuilds (the bench times rebuilding them alone). */
export const deferredContactIndexes = (db: Sqlite): DeferredIndex[] => [
  ...deferrableIndexes(db, 'contacts', contactsLive(db)),
  ...contactKeyIndexes(db),
];

/**
 * The list's tag indexes (migration 16: six, each with the contact's list
 * columns) cost ~45 µs a new tag membership at 1M contacts, against ~2 s each
 * to rebuild: an import bringing tags to many contacts sets them aside too.
 * The import finds a contact's tags by contact (the primary key and the index
 * led by contact_id stay), never by tag.
 */
const TAGS_LIVE: ReadonlySet<string> = new Set(['contact_id']);

/** Tag memberships in the base (triggers keep each tag's count). */
const tagMemberships = (db: Sqlite): number => Number(prepared(db, 'SELECT coalesce(sum(contact_count), 0) FROM tags').pluck().get());

/**
 * Rebuilds what was set aside, inside the import's (or its undo's)
 * transaction, sorting on disk with helper threads (`diskSorts`); cancel is
 * still heard between two indexes.
 */
const rebuildIndexes = async (db: Sqlite, indexes: readonly DeferredIndex[], job: JobContext | null): Promise<void> => {
  if (indexes.length === 0) return;
  const restoreSorts = diskSorts(db);
  try {
    for (const [i, index] of indexes.entries()) {
      db.exec(index.sql);
      if (job) {
        job.progress('import.indexes', i + 1, indexes.length);
        await job.tick();
      }
    }
  } finally {
    restoreSorts();
  }
};

/**
 * Deletes the contacts an import created, for its undo, in the caller's
 * transaction (a failure or a cancel puts everything back), range by range
 * (`deleteImportRows`). One by one, each leaves the list's and the lookups'
 * indexes and the search index: 80 s and a 1.4 GB peak for the 1M demo
 * import. When they outnumber half of the contacts that stay, those indexes
 * are set aside and rebuilt over what stays, and the search index is
 * emptied first (the delete trigger then has nothing to take out) and
 * refilled from what stays, as the triggers would have written it: 22–26 s
 * and 490 MB. Their consent events go with them, through the ledger gate.
 */
export const deleteImportedContacts = async (store: Store, importId: number, job: JobContext | null, tuning: UndoTuning = {}): Promise<void> => {
  const db = store.sqlite;
  const bulkFrom = tuning.bulkFrom ?? BULK_UNDO_FROM;
  const rows = importRows(db, 'contacts', importId);
  job?.progress('import.undo.contacts', 0, rows.count);
  const stay = ((prepared(db, "SELECT value FROM counters WHERE name = 'contacts'").pluck().get() as number | undefined) ?? 0) - rows.count;
  const gated = (run: () => void): void => withLedgerGate(store, 'erasure', run);
  if (rows.count < bulkFrom || rows.count * 2 < stay || !searchIndex(db).batched) {
    await deleteImportRows(db, 'contacts', importId, rows, job, tuning, { wrap: gated });
    return;
  }
  const memberships = prepared(db, 'SELECT count(*) FROM contact_tags WHERE contact_id IN (SELECT id FROM contacts WHERE import_id = ?)')
    .pluck()
    .get(importId) as number;
  const indexes = [
    ...deferredContactIndexes(db),
    ...(memberships >= bulkFrom && memberships * 2 >= tagMemberships(db) - memberships ? deferrableIndexes(db, 'contact_tags', TAGS_LIVE) : []),
  ];
  // each drop zeroes the index's pages (secure_delete): ~0.25 s for a list index at 1M
  for (const i of indexes) {
    db.exec(`DROP INDEX "${i.name}"`);
    await job?.tick();
  }
  db.exec("INSERT INTO contacts_fts (contacts_fts) VALUES ('delete-all')");
  await job?.tick();
  await deleteImportRows(db, 'contacts', importId, rows, job, tuning, { wrap: gated });
  await rebuildIndexes(db, indexes, job);
  const last = Number(prepared(db, 'SELECT coalesce(max(id), 0) FROM contacts').pluck().get());
  const chunk = tuning.chunkIds ?? UNDO_CHUNK_IDS.contacts;
  for (let after = 0; after < last; after += chunk) {
    prepared(db, INDEX_RANGE_SQL).run(after, after + chunk);
    if (job) {
      job.progress('import.undo.search', Math.min(last, after + chunk), last);
      await job.tick();
    }
  }
};

/**
 * FTS5 merges its segments as they pile up, by default once 4 share a level.
 * During a large import, merging only once 16 do takes a third off writing
 * the search index (9.3 → 6.6 s for 1M contacts), and searches on the index
 * it leaves are as fast (measured on 24 prefixes, 1 to 6 letters and phone
 * digits). The import puts the setting back before it commits; a rollback
 * takes it back as well (it is a row of the index's config table).
 */
const BULK_AUTOMERGE = 16;
const DEFAULT_AUTOMERGE = 4;

const automerge = (db: Sqlite): number =>
  Number(prepared(db, "SELECT v FROM contacts_fts_config WHERE k = 'automerge'").pluck().get() ?? DEFAULT_AUTOMERGE);

// a JavaScript number is bound as a REAL, which FTS5 refuses for a setting
const setAutomerge = (db: Sqlite, segments: number): void => {
  prepared(db, "INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('automerge', CAST(? AS INTEGER))").run(segments);
};

// ---------------------------------------------------------------- keys already in the base

const CODE = 1;
const EMAIL = 2;
const PHONE = 3;
const IDENTITY = 4;

/**
 * Reading every key of the base costs about a microsecond a key; looking a
 * row up costs up to five indexed queries. The set pays when the file is not tiny
 * next to the base (an empty base costs nothing to read).
 */
const readBaseKeys = (db: Sqlite, policy: DuplicatePolicy, estimatedRows: number, base: number): KeySet | null => {
  if (estimatedRows * 8 < base) return null;
  // a contact has a code, an e-mail and a phone at most, plus the odd second e-mail or phone
  const keys = createKeySet(base * 2 + estimatedRows * 3);
  const read = (kind: number, sql: string): void => {
    for (const v of prepared(db, sql).pluck().iterate() as Iterable<string>) keys.add(kind, v);
  };
  read(CODE, 'SELECT code FROM contacts WHERE code IS NOT NULL');
  if (policy !== 'create') {
    read(EMAIL, 'SELECT email FROM contacts WHERE email IS NOT NULL');
    read(EMAIL, 'SELECT email FROM contact_emails');
    read(PHONE, 'SELECT phone FROM contacts WHERE phone IS NOT NULL');
    read(PHONE, 'SELECT phone FROM contact_phones');
    for (const [, ...identity] of prepared(db, KEYLESS_IDENTITIES_SQL).raw().iterate() as Iterable<unknown[]>) keys.add(IDENTITY, identityText(identity));
  }
  return keys;
};

/**
 * Past this many keys (an e-mail and a phone a contact, base and file) the
 * directory would outgrow the import's memory budget (32 bytes a key: 128 MB
 * here): the e-mail and phone indexes then stay live.
 */
const DIRECTORY_MAX_KEYS = 4_000_000;

/** Every contact's primary e-mail and phone, by covering index scans (before those indexes are set aside). */
const readBaseDirectory = (db: Sqlite, expected: number): KeyDirectory => {
  const directory = createKeyDirectory(expected);
  const read = (kind: number, sql: string): void => {
    for (const [id, v] of prepared(db, sql).raw().iterate() as Iterable<[number, string]>) directory.add(kind, v, id);
  };
  read(EMAIL, 'SELECT id, email FROM contacts WHERE email IS NOT NULL');
  read(PHONE, 'SELECT id, phone FROM contacts WHERE phone IS NOT NULL');
  for (const [id, ...identity] of prepared(db, KEYLESS_IDENTITIES_SQL).raw().iterate() as Iterable<[number, ...unknown[]]>) {
    directory.add(IDENTITY, identityText(identity), id);
  }
  return directory;
};

const remember = (keys: KeySet, d: ContactData): void => {
  if (d.code !== null) keys.add(CODE, d.code);
  if (d.email !== null) keys.add(EMAIL, d.email);
  for (const e of d.emails) keys.add(EMAIL, e.email);
  if (d.phone !== null) keys.add(PHONE, d.phone);
  for (const p of d.phones) keys.add(PHONE, p.phone);
  const identity = identityOf(d);
  if (identity !== null) keys.add(IDENTITY, identityKey(identity));
};

/** A row whose code, e-mail and phone (or, without any, identity) are all unknown matches nothing: the lookup can be skipped. */
const mayMatch = (keys: KeySet, d: ContactData, policy: DuplicatePolicy): boolean => {
  if (d.code !== null && keys.has(CODE, d.code)) return true;
  if (policy === 'create') return false;
  if ((d.email !== null && keys.has(EMAIL, d.email)) || (d.phone !== null && keys.has(PHONE, d.phone))) return true;
  const identity = identityOf(d);
  return identity !== null && keys.has(IDENTITY, identityKey(identity));
};

// ---------------------------------------------------------------- the loop

/**
 * Validates and applies every record inside the caller's transaction (the
 * caller rolls back on a dry run or any error, so nothing here undoes
 * anything). Once a row has an error a real run writes nothing more, but
 * every row is still checked so the report lists them all; a dry run goes
 * on writing, so its counts are those of the file without its bad rows.
 */
export const importContactRows = async (
  store: Store,
  records: AsyncIterable<SourceRecord[]>,
  options: ContactRowsOptions,
  sink: ContactRowsSink,
  job: JobContext | null,
): Promise<ContactRowsDone> => {
  const { report, addIssues, addNotice, errorCount } = sink;
  const db = store.sqlite;
  const { importId, now, policy, mapping } = options;
  const writing = (): boolean => options.dryRun === true || errorCount() === 0;
  // the last column a value is read from: a CSV row with fewer cells imports them empty, and is pointed at
  const lastMapped = options.format === 'csv' ? mapping.reduce((last, target, i) => (target === null ? last : i), -1) : -1;
  const fast = createFastNormaliser(mapping);
  const insertNote = prepared(db, 'INSERT INTO notes (contact_id, body, noted_at, created_at) VALUES (?, ?, ?, ?)');
  const hasNote = prepared(db, 'SELECT 1 FROM notes WHERE contact_id = ? AND body = ?');
  const recordBefore = prepared(
    db,
    "INSERT OR IGNORE INTO import_changes (import_id, entity, entity_id, before) VALUES (?, 'contact', ?, ?)",
  );
  const recordCreated = prepared(
    db,
    "INSERT OR IGNORE INTO import_changes (import_id, entity, entity_id, before) VALUES (?, ?, ?, 'null')",
  );
  const importOf = prepared(db, 'SELECT import_id FROM contacts WHERE id = ?').pluck();
  const insertRow = prepared(db, INSERT_SQL);
  const insertEmail = prepared(db, 'INSERT INTO contact_emails (contact_id, email, label) VALUES (?, ?, ?)');
  const insertPhone = prepared(db, 'INSERT INTO contact_phones (contact_id, phone, label) VALUES (?, ?, ?)');
  const tagContact = prepared(db, 'INSERT OR IGNORE INTO contact_tags (contact_id, tag_id) VALUES (?, ?)');
  const totalChanges = prepared(db, 'SELECT total_changes()').pluck();
  const index = searchIndex(db);
  const base = (prepared(db, "SELECT value FROM counters WHERE name = 'contacts'").pluck().get() as number | undefined) ?? 0;
  const tuning = { ...defaultTuning, ...options.tuning };
  let keys = tuning.shortcuts ? readBaseKeys(db, policy, options.estimatedRows, base) : null;
  const large = isLargeImport(options.estimatedRows, tuning);
  const listDeferred = large && options.estimatedRows * 2 >= base ? deferrableIndexes(db, 'contacts', contactsLive(db)) : [];
  // the e-mail and phone indexes go too when the key filter runs (it spares most rows a lookup): the rest ask a directory
  const directoryKeys = policy === 'create' ? 0 : base * 2 + options.estimatedRows * 2;
  const keyIndexes = listDeferred.length > 0 && keys !== null && directoryKeys <= DIRECTORY_MAX_KEYS ? contactKeyIndexes(db) : [];
  let directory = keyIndexes.length > 0 && policy !== 'create' ? readBaseDirectory(db, directoryKeys) : null;
  const holds = {
    email: prepared(db, 'SELECT 1 FROM contacts WHERE id = ? AND email = ?'),
    phone: prepared(db, 'SELECT 1 FROM contacts WHERE id = ? AND phone = ?'),
  };
  const indexed = indexedHolders(store);
  const holders: Holders = (by, value) =>
    directory === null || by === 'code'
      ? indexed(by, value)
      : directory.candidates(by === 'email' ? EMAIL : PHONE, value).filter((id) => holds[by].get(id, value) !== undefined);
  const indexedIdentity = indexedIdentityHolder(store);
  const holdsIdentity = prepared(db, HOLDS_IDENTITY_SQL);
  const identityHolder: IdentityHolder = (identity) => {
    if (directory === null) return indexedIdentity(identity);
    const values = identityValues(identity);
    return directory.candidates(IDENTITY, identityKey(identity)).find((id) => holdsIdentity.get(id, ...values) !== undefined);
  };
  const deferred = [
    ...listDeferred,
    ...keyIndexes,
    ...(large && mapping.includes('tags') && options.estimatedRows * 2 >= tagMemberships(db)
      ? deferrableIndexes(db, 'contact_tags', TAGS_LIVE)
      : []),
  ];
  // the same test as the indexes: the file is large next to the base
  const mergeEvery = listDeferred.length > 0 ? automerge(db) : null;
  const changesAtStart = totalChanges.get();
  /*
   * The indexes go, and the search index's merging slows, just before the
   * import first writes a contact, not before it starts: a file that changes
   * nothing (the same file again, a million rows) leaves them in place, where
   * dropping them zeroed their pages and the rollback then put them back.
   * Whatever was written before them was indexed the usual way.
   */
  let setAside = false;
  const setIndexesAside = (): void => {
    if (setAside) return;
    setAside = true;
    for (const i of deferred) db.exec(`DROP INDEX "${i.name}"`);
    if (mergeEvery !== null) setAutomerge(db, BULK_AUTOMERGE);
  };
  // consent columns become ledger events with their provenance (file, line, import)
  const consent = consentColumns(mapping, options.headers ?? []);
  const fileName = consent.present ? ((prepared(db, 'SELECT file_name FROM imports WHERE id = ?').pluck().get(importId) as string | undefined) ?? '') : '';
  let wordings: ReturnType<typeof wordingIds> | null = null;
  const addConsent = (contactId: number | null, line: number, cells: readonly string[]): void => {
    if (!consent.present) return;
    const row = consent.read(line, cells);
    for (const notice of row.notices) addNotice(notice);
    if (contactId === null || row.entries.length === 0 || !writing()) return;
    wordings ??= wordingIds(store);
    recordImportedConsent(store, contactId, row, { importId, fileName, line, now, wordings });
  };
  // found or created during this import; emptied whenever something else may have written meanwhile
  const companies = new Map<string, number>();
  const tags = new Map<string, number>();

  /** A note already on the contact is not added again: re-importing a file changes nothing. */
  const addNote = (contactId: number, body: string, existing: boolean): boolean => {
    if (hasNote.get(contactId, body)) return false;
    const noteId = Number(insertNote.run(contactId, body, now, now).lastInsertRowid);
    if (existing) recordCreated.run(importId, 'note', noteId);
    return true;
  };

  const companyOf = (name: string | null, number: CompanyNumber | null): number | null => {
    const key = `${number?.kind ?? ''}:${number?.digits ?? ''}:${name === null ? '' : fold(name)}`;
    let id = companies.get(key);
    if (id === undefined) {
      const found = companyFor(store, name, number);
      if (found === null) return null;
      id = found;
      companies.set(detached(key), id);
    }
    return id;
  };

  // company numbers that rows with a company name brought in, written or not (rows after an error are only checked)
  const numbersInFile = new Set<string>();
  /**
   * A SIRET or SIREN without a company name names nothing to create: it must
   * be a company the base or an earlier row of the file already has. Checked
   * on every row, written or not, so a dry run reports what the run would.
   */
  const companyIssue = (line: number, name: string | null, number: CompanyNumber | null): RowIssue | null => {
    if (number === null) return null;
    const key = `${number.kind}:${number.digits}`;
    if (name !== null) {
      numbersInFile.add(detached(key));
      return null;
    }
    if (numbersInFile.has(key) || companyNumberKnown(store, number)) return null;
    return { line, field: 'siret', value: number.cell, reason: 'siret_without_company' };
  };

  const tagOf = (name: string): number => {
    const key = fold(name);
    let id = tags.get(key);
    if (id === undefined) {
      id = ensureTag(store, name);
      tags.set(detached(key), id);
    }
    return id;
  };

  /**
   * `insertContact` for a row known to be new: its code is free (no key
   * matched) and its company was just found or made, so the reference checks
   * are already answered; a new id has no e-mails, phones or tags to clear.
   */
  const insertNew = (data: ContactData): number => {
    setIndexesAside();
    const id = Number(insertRow.run(...columnValues(data), now, now, importId).lastInsertRowid);
    for (const e of data.emails) insertEmail.run(id, e.email, e.label);
    for (const p of data.phones) insertPhone.run(id, p.phone, p.label);
    for (const t of data.tags) tagContact.run(id, tagOf(t));
    objectIfSuppressed(store, id, [data.email, ...data.emails.map((e) => e.email)], [data.phone, ...data.phones.map((p) => p.phone)], now);
    return id;
  };

  /*
   * A new contact with nothing attached (no extra e-mail or phone, tag, note,
   * consent or suppression) waits for the next few and goes in with them,
   * several to a statement (`bulkInsert`). Its id is given ahead, so what
   * follows the insert (search index, directory, report) runs at once; the
   * queue is written before anything else writes a contact or reads the
   * contacts table.
   */
  const queue = bulkInsert(db, 'contacts', ['id', ...INSERT_COLUMNS]);
  const queueNew = (data: ContactData): number => {
    setIndexesAside();
    return queue.pushNew([...columnValues(data), now, now, importId]);
  };

  /** Whether a new row can wait in the queue: nothing else is written with it. */
  const plain = (data: ContactData, note: string | null): boolean =>
    note === null &&
    !consent.present &&
    data.emails.length === 0 &&
    data.phones.length === 0 &&
    data.tags.length === 0 &&
    !isSuppressed(store, [data.email], [data.phone]);

  /** The row-by-row import's write step: a lookup, then create, skip, update or merge. */
  /** The contact the row landed on (null: skipped by policy, or refused). */
  const applyRow = (line: number, data: ContactData, note: string | null, today: string): number | null => {
    if (codeTaken(store, data, holders, policy)) {
      addIssues([{ line, field: 'code', value: data.code ?? '', reason: 'code_taken' }]);
      return null;
    }
    let existing = policy === 'create' ? null : findExisting(store, data, holders, identityHolder);
    if (existing !== null && existing.by === 'conflict') {
      addNotice({ line, field: null, value: String(existing.id), reason: 'possible_duplicate' });
      existing = null;
    }
    if (existing === null) {
      setIndexesAside();
      const id = insertContact(store, data, now, { importId });
      index.inserted(id, data.status);
      if (note !== null) addNote(id, note, false);
      report.created += 1;
      return id;
    } else if (policy === 'skip') {
      report.skipped += 1;
      return null;
    } else {
      const stored = storedInput(store, existing.id);
      const listed = listsMatter(data, stored);
      let current = listed ? withInputLists(store, existing.id, stored) : stored;
      const patch = patchFor(current, data, existing.by === 'code', (field, values) =>
        addNotice({ line, field, value: values.join(', '), reason: field === 'tags' ? 'too_many_tags' : 'too_many_extras' }),
      );
      const noteIsNew = note !== null && !hasNote.get(existing.id, note);
      if (Object.keys(patch).length === 0 && !noteIsNew) {
        report.skipped += 1;
      } else {
        // the copy kept for an undo and the merge's validation need the whole contact
        setIndexesAside();
        if (!listed) current = withInputLists(store, existing.id, stored);
        // a contact an earlier row of this file created goes whole with an undo: no copy of it to keep
        const ours = importOf.get(existing.id) === importId;
        if (!ours) recordBefore.run(importId, existing.id, JSON.stringify(current));
        try {
          if (Object.keys(patch).length > 0) {
            index.updating(existing.id);
            // the schema's verdict without the schema when the merge is plainly valid; anything else goes its way
            const merged = tuning.shortcuts && isCleanPatch(patch, today) ? validateContact({ ...current, ...patch }, today) : null;
            if (merged !== null) writeUpdate(store, existing.id, merged, patch);
            else updateContact(store, contactUpdateInput.parse({ id: existing.id, patch }));
          }
        } catch (error) {
          if (error instanceof AppError && error.code !== 'INTERNAL') {
            addIssues([{ line, field: null, value: '', reason: error.details?.issues?.[0]?.code ?? 'conflict' }]);
            return null;
          }
          throw error;
        }
        if (note !== null) addNote(existing.id, note, !ours);
        if (existing.by === 'code') report.updated += 1;
        else report.merged += 1;
      }
      return existing.id;
    }
  };

  const write = (
    line: number,
    data: ContactData,
    company: string | null,
    companyNumber: CompanyNumber | null,
    note: string | null,
    today: string,
  ): number | null => {
    if (company !== null || companyNumber !== null) data.companyId = companyOf(company, companyNumber);
    let id: number | null;
    if (keys !== null && !mayMatch(keys, data, policy)) {
      if (plain(data, note)) {
        id = queueNew(data);
      } else {
        queue.flush();
        id = insertNew(data);
        // a new contact has no notes yet
        if (note !== null) insertNote.run(id, note, now, now);
      }
      index.inserted(id, data.status);
      report.created += 1;
    } else {
      queue.flush();
      id = applyRow(line, data, note, today);
    }
    if (keys !== null) remember(keys, data);
    // whatever the row did, its values may now be the contact's primary ones (the holder checks)
    if (directory !== null && id !== null) {
      if (data.email !== null) directory.add(EMAIL, data.email, id);
      if (data.phone !== null) directory.add(PHONE, data.phone, id);
      // a key-less row lands on a key-less contact of its identity, or is one
      const identity = identityOf(data);
      if (identity !== null) directory.add(IDENTITY, identityKey(identity), id);
    }
    return id;
  };

  const total = (): number => Math.max(options.estimatedRows, report.rows);

  const processBatch = (batch: SourceRecord[]): void => {
    const today = localDate();
    if (writing() && tuning.shortcuts) index.suspend();
    for (const record of batch) {
      report.rows += 1;
      // as often as the row-by-row import said it; the host keeps at most ~20 a second
      if (job && report.rows % PROGRESS_ROWS === 0) job.progress('import.rows', report.rows, total());
      const readIssues = withReadIssues(record.line, record.issues);
      if (record.cells.length > 0 && record.cells.length <= lastMapped) {
        readIssues.push({ line: record.line, field: null, value: String(record.cells.length), reason: 'short_row' });
      }
      if (record.cells.length === 0) {
        // a vCard that could not be read as a whole: only its fault is worth saying
        addIssues(readIssues);
        continue;
      }
      // a vCard's lists and labels are only read by normaliseContact (cards are few; rows are many)
      const quick =
        readIssues.length === 0 && record.card === undefined && tuning.shortcuts ? fast.normalise(record.line, record.cells, today) : null;
      if (quick !== null) {
        for (const notice of quick.notices) addNotice(notice);
        const issue = companyIssue(quick.line, quick.company, quick.companyNumber);
        if (issue !== null) {
          addIssues([issue]);
          continue;
        }
        // once the file has an error nothing will be written: keep validating, stop writing
        addConsent(
          writing() ? write(quick.line, quick.data, quick.company, quick.companyNumber, quick.note, today) : null,
          quick.line,
          record.cells,
        );
        continue;
      }
      const n = normaliseContact(record.line, record.cells, mapping, readIssues, record.card);
      const errors = n.issues.filter((i) => !isImportNotice(i.reason));
      for (const notice of n.issues.filter((i) => isImportNotice(i.reason))) addNotice(notice);
      if (errors.length > 0 || n.data === null) {
        addIssues(errors.length > 0 ? errors : [{ line: n.line, field: null, value: '', reason: 'invalid_row' }]);
        continue;
      }
      const issue = companyIssue(n.line, n.company, n.companyNumber);
      if (issue !== null) {
        addIssues([issue]);
        continue;
      }
      addConsent(writing() ? write(n.line, n.data, n.company, n.companyNumber, n.note, today) : null, n.line, record.cells);
    }
    queue.flush();
    index.resume();
  };

  /** Between two batches other calls get their turn; one that wrote makes what the caches know stale. */
  const yieldToOthers = async (): Promise<void> => {
    if (!job) return;
    const before = totalChanges.get();
    await job.tick();
    if (totalChanges.get() === before) return;
    keys = null;
    companies.clear();
    tags.clear();
    // back to the indexed lookups, which see the other writer's rows
    directory = null;
    for (const i of keyIndexes.splice(0)) {
      if (setAside) db.exec(i.sql);
      deferred.splice(deferred.indexOf(i), 1);
    }
  };

  let batch: SourceRecord[] = [];
  for await (const read of records) {
    for (const record of read) {
      batch.push(record);
      if (batch.length < tuning.batchRows) continue;
      processBatch(batch);
      batch = [];
      await yieldToOthers();
    }
  }
  if (batch.length > 0) processBatch(batch);
  // a cancel asked during the last rows is still heard
  if (job) await job.tick();
  return {
    written: totalChanges.get() !== changesAtStart,
    beforeCommit: async () => {
      if (!setAside) return;
      await rebuildIndexes(db, deferred, job);
      if (mergeEvery !== null) setAutomerge(db, mergeEvery);
    },
  };
};
