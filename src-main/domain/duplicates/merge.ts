import type { z } from 'zod';
import {
  AppError,
  type FieldIssue,
  type MergeFieldChoice,
  type MergeMove,
  type MergePreview,
  type MergeResult,
  type MergeSide,
  type MergeValue,
  type mergeInput,
} from '../../contract';
import { withLedgerGate, type Store } from '../../store/db';
import { recomputeConsentState } from '../consent/events';
import { reconcileMergedMember } from '../loyalty/merge';
import type { Sqlite } from '../../store/open';
import { contactFacts, recomputeAggregates, summary } from './contacts';
import { matchName, sortKey } from './similarity';
import {
  deleteByKey,
  encodeRow,
  encodeValue,
  foreignKeysTo,
  isUniqueViolation,
  keyAfterMove,
  quote,
  readKeys,
  readRow,
  tableShape,
  whereKey,
  type ForeignKey,
  type JsonRow,
  type JsonValue,
  type Row,
  type SqlValue,
  type TableShape,
} from './tables';

/* ---------- the snapshot: an ordered log of what the merge did ---------- */

export type DropReason = 'collision' | 'duplicate' | 'cascade' | 'contact';

/**
 * Undo replays the steps backwards, so every step records what its inverse
 * needs: rows moved (their keys before the move), rows deleted (the whole row,
 * children logged before their parent so the parent comes back first), columns
 * a delete set to NULL, rows inserted.
 */
export type MergeStep =
  | {
      op: 'move';
      table: string;
      column: string;
      key: string[];
      from: JsonValue;
      to: JsonValue;
      rows: JsonValue[][];
      /** Other contacts the moved rows refer to (a member's own id when its referrer moved, its referrer when the member row moved): a later merge of one of them may touch these rows. */
      related?: JsonValue[];
    }
  | { op: 'delete'; table: string; reason: DropReason; row: JsonRow }
  | { op: 'nulled'; table: string; columns: string[]; key: string[]; values: JsonValue[]; rows: JsonValue[][] }
  | { op: 'insert'; table: string; key: string[]; rows: JsonValue[][] }
  | { op: 'kept' };

export type MergeSnapshot = {
  v: 1;
  /** The kept contact before the merge, and right after it (to tell later edits from the merge's). */
  kept: JsonRow;
  keptAfter: JsonRow;
  /** The removed contact as it was. */
  removed: JsonRow;
  steps: MergeStep[];
};

/* ---------- fields ---------- */

/**
 * Columns the merge computes itself, or that must stay the kept record's:
 * never picked by the user. `import_id` in particular: taking the removed
 * record's would let undoing that import delete the merged record.
 */
const DERIVED_COLUMNS = new Set([
  'id',
  'import_id',
  'sort_name',
  'match_name',
  // folded city, kept in step with `city` by a trigger (migration 4)
  'city_key',
  'updated_at',
  'purchase_count',
  'total_cents',
  'first_purchase_at',
  'last_purchase_at',
]);

const STATUS_RANK: Record<string, number> = { prospect: 0, former: 1, customer: 2 };

export const camel = (column: string): string => column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export const mergeableColumns = (shape: TableShape): string[] => shape.columns.filter((c) => !DERIVED_COLUMNS.has(c));

const text = (v: SqlValue | undefined): string | null => (typeof v === 'string' ? v : null);

/**
 * What a merge takes when the user does not say: the kept record's value, or
 * the removed one's where the kept has none. A few fields have a better answer:
 * the person has been known since the earlier record, last got in touch at the
 * later date (CNIL retention runs from it), and is a customer if either is.
 */
export const defaultSide = (column: string, kept: SqlValue, removed: SqlValue): MergeSide => {
  if (column === 'created_at') {
    const k = text(kept);
    const r = text(removed);
    return k !== null && r !== null && r < k ? 'removed' : 'kept';
  }
  if (column === 'last_inbound_at') {
    const k = text(kept);
    const r = text(removed);
    if (r === null) return 'kept';
    return k === null || r > k ? 'removed' : 'kept';
  }
  if (column === 'status') {
    return (STATUS_RANK[text(removed) ?? ''] ?? 0) > (STATUS_RANK[text(kept) ?? ''] ?? 0) ? 'removed' : 'kept';
  }
  return kept === null && removed !== null ? 'removed' : 'kept';
};

type FieldPlan = Map<string, MergeSide>;

const planFields = (shape: TableShape, kept: Row, removed: Row, chosen: Record<string, MergeSide>): FieldPlan => {
  const columns = mergeableColumns(shape);
  const byField = new Map(shape.columns.map((c) => [camel(c), c]));
  const issues: FieldIssue[] = [];
  for (const field of Object.keys(chosen)) {
    const column = byField.get(field);
    if (column === undefined) issues.push({ path: `fields.${field}`, code: 'unknown_field' });
    else if (DERIVED_COLUMNS.has(column)) issues.push({ path: `fields.${field}`, code: 'not_mergeable' });
  }
  const plan: FieldPlan = new Map();
  for (const c of columns) {
    plan.set(c, chosen[camel(c)] ?? defaultSide(c, kept[c] ?? null, removed[c] ?? null));
  }
  const pick = (c: string) => (plan.get(c) === 'removed' ? removed[c] : kept[c]) ?? null;
  if (issues.length === 0 && pick('first_name') === null && pick('last_name') === null) {
    issues.push({ path: 'fields.lastName', code: 'name_required' });
  }
  if (issues.length > 0) throw new AppError('VALIDATION', 'invalid merge fields', { issues });
  return plan;
};

const contactRow = (db: Sqlite, shape: TableShape, id: number): Row => {
  const row = readRow(db, shape, [id]);
  if (!row) throw new AppError('NOT_FOUND', `contact ${id} not found`, { entity: 'contact', id });
  return row;
};

const toMergeValue = (v: SqlValue): MergeValue => {
  if (v === null || typeof v === 'string' || typeof v === 'number') return v;
  if (typeof v === 'bigint') return v.toString();
  return null;
};

/** Single-column references to contacts (all of them: contacts has a one-column key). */
const contactReferences = (db: Sqlite): ForeignKey[] => {
  const refs = foreignKeysTo(db, 'contacts');
  const composite = refs.find((fk) => fk.from.length !== 1);
  if (composite) throw new AppError('INTERNAL', `unsupported composite reference to contacts in ${composite.table}`);
  return refs;
};

const referenceValues = (fk: ForeignKey, kept: Row, removed: Row): { from: SqlValue; to: SqlValue } => {
  const target = fk.to[0] ?? 'id';
  return { from: removed[target] ?? null, to: kept[target] ?? null };
};

export const mergePreview = (store: Store, keptId: number, removedId: number): MergePreview => {
  const db = store.sqlite;
  const shape = tableShape(db, 'contacts');
  const kept = contactRow(db, shape, keptId);
  const removed = contactRow(db, shape, removedId);
  const fields: MergeFieldChoice[] = mergeableColumns(shape).map((c) => {
    const k = toMergeValue(kept[c] ?? null);
    const r = toMergeValue(removed[c] ?? null);
    return { field: camel(c), kept: k, removed: r, default: defaultSide(c, kept[c] ?? null, removed[c] ?? null), differs: k !== r };
  });
  const moves: MergeMove[] = [];
  for (const fk of contactReferences(db)) {
    const { from } = referenceValues(fk, kept, removed);
    const column = fk.from[0] ?? '';
    if (from === null) continue;
    const rows = Number(
      db.prepare(`SELECT count(*) FROM ${quote(fk.table)} WHERE ${quote(column)} = ?`).pluck().get(from) ?? 0,
    );
    if (rows > 0) moves.push({ table: fk.table, column, rows });
  }
  const facts = contactFacts(db, [keptId, removedId]);
  const kf = facts.get(keptId);
  const rf = facts.get(removedId);
  if (!kf || !rf) throw new AppError('NOT_FOUND', 'contact not found', { entity: 'contact' });
  return { kept: summary(kf), removed: summary(rf), fields, moves };
};

/* ---------- moving and deleting with a record of it ---------- */

const MAX_CASCADE_DEPTH = 16;

/**
 * Deletes one row and logs it, with whatever its deletion does to other rows:
 * children removed by ON DELETE CASCADE are deleted (and logged) first, columns
 * set to NULL are logged, and a RESTRICT / NO ACTION child stops the merge.
 */
export const deleteLogged = (
  db: Sqlite,
  table: string,
  key: SqlValue[],
  reason: DropReason,
  steps: MergeStep[],
  depth = 0,
): boolean => {
  if (depth > MAX_CASCADE_DEPTH) throw new AppError('CONFLICT', 'linked records nest too deep', { reason: 'cascade_depth' });
  const shape = tableShape(db, table);
  const row = readRow(db, shape, key);
  if (!row) return false;
  for (const fk of foreignKeysTo(db, table)) {
    const values = fk.to.map((c) => row[c] ?? null);
    if (values.some((v) => v === null)) continue;
    const child = tableShape(db, fk.table);
    const childKeys = db
      .prepare(
        `SELECT ${child.key.map((k) => (k === 'rowid' ? 'rowid' : quote(k))).join(', ')} FROM ${quote(fk.table)} WHERE ${fk.from
          .map((c) => `${quote(c)} = ?`)
          .join(' AND ')}`,
      )
      .raw()
      .all(...values) as SqlValue[][];
    if (childKeys.length === 0) continue;
    if (fk.onDelete === 'CASCADE') {
      for (const k of childKeys) deleteLogged(db, fk.table, k, 'cascade', steps, depth + 1);
    } else if (fk.onDelete === 'SET NULL' || fk.onDelete === 'SET DEFAULT') {
      steps.push({
        op: 'nulled',
        table: fk.table,
        columns: fk.from,
        key: child.key,
        values: values.map(encodeValue),
        rows: childKeys.map((k) => k.map(encodeValue)),
      });
    } else {
      throw new AppError('CONFLICT', `a ${fk.table} record still refers to this ${table} record`, {
        reason: 'referenced',
        table: fk.table,
      });
    }
  }
  deleteByKey(db, shape, key);
  steps.push({ op: 'delete', table, reason, row: encodeRow(row) });
  return true;
};

/**
 * Points every row of `fk.table` that refers to the removed contact at the
 * kept one. One UPDATE does it unless a unique key says the kept contact
 * already has that row (same tag): then row by row, and the duplicates go.
 */
const moveReferences = (
  db: Sqlite,
  fk: ForeignKey,
  others: readonly string[],
  from: SqlValue,
  to: SqlValue,
  steps: MergeStep[],
): { moved: number; dropped: number } => {
  const column = fk.from[0] ?? '';
  const shape = tableShape(db, fk.table);
  const keys = readKeys(db, shape, column, from);
  if (keys.length === 0) return { moved: 0, dropped: 0 };
  let moved: SqlValue[][] = [];
  let dropped = 0;
  try {
    // OR ABORT: a table-level ON CONFLICT REPLACE would otherwise delete rows without us knowing
    db.prepare(`UPDATE OR ABORT ${quote(fk.table)} SET ${quote(column)} = ? WHERE ${quote(column)} = ?`).run(to, from);
    moved = keys;
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const one = db.prepare(
      `UPDATE OR ABORT ${quote(fk.table)} SET ${quote(column)} = ? WHERE ${whereKey(shape.key)} AND ${quote(column)} = ?`,
    );
    for (const k of keys) {
      try {
        one.run(to, ...k, from);
        moved.push(k);
      } catch (rowError) {
        if (!isUniqueViolation(rowError)) throw rowError;
        if (deleteLogged(db, fk.table, k, 'collision', steps)) dropped++;
      }
    }
  }
  if (moved.length > 0) {
    const related = new Set<SqlValue>();
    if (others.length > 0) {
      const read = db.prepare(`SELECT ${others.map(quote).join(', ')} FROM ${quote(fk.table)} WHERE ${whereKey(shape.key)}`).raw();
      for (const k of moved) {
        for (const v of (read.get(...keyAfterMove(shape.key, column, k, to)) as SqlValue[] | undefined) ?? []) if (v !== null) related.add(v);
      }
    }
    steps.push({
      op: 'move',
      table: fk.table,
      column,
      key: shape.key,
      from: encodeValue(from),
      to: encodeValue(to),
      rows: moved.map((k) => k.map(encodeValue)),
      ...(related.size > 0 ? { related: [...related].map(encodeValue) } : {}),
    });
  }
  return { moved: moved.length, dropped };
};

/* ---------- additional e-mails and phones ---------- */

type Extra = { table: string; value: string; primary: string; fold: (v: string) => string };

const EXTRAS: readonly Extra[] = [
  { table: 'contact_emails', value: 'email', primary: 'email', fold: (v) => v.toLowerCase() },
  { table: 'contact_phones', value: 'phone', primary: 'phone', fold: (v) => v },
];

/**
 * The merged record keeps one primary e-mail (and phone); the other record's
 * primary becomes an additional one, and additional ones that repeat the
 * primary or each other go (logged, so undo brings them back).
 */
const mergeExtras = (
  db: Sqlite,
  keptId: number,
  candidates: Row[],
  merged: Row,
  steps: MergeStep[],
): { added: number; dropped: number } => {
  let added = 0;
  let dropped = 0;
  for (const extra of EXTRAS) {
    let shape: TableShape;
    try {
      shape = tableShape(db, extra.table);
    } catch {
      continue;
    }
    if (!shape.columns.includes('contact_id') || !shape.columns.includes(extra.value) || shape.key.length !== 1) continue;
    const primary = text(merged[extra.primary]);
    const seen = new Set<string>(primary === null ? [] : [extra.fold(primary)]);
    const keyCol = shape.key[0] ?? 'rowid';
    const rows = db
      .prepare(
        `SELECT ${keyCol === 'rowid' ? 'rowid' : quote(keyCol)} AS k, ${quote(extra.value)} AS v FROM ${quote(extra.table)}
         WHERE contact_id = ? ORDER BY 1`,
      )
      .all(keptId) as { k: SqlValue; v: SqlValue }[];
    for (const r of rows) {
      const v = text(r.v);
      if (v === null) continue;
      const f = extra.fold(v);
      if (seen.has(f)) {
        if (deleteLogged(db, extra.table, [r.k], 'duplicate', steps)) dropped++;
      } else seen.add(f);
    }
    const inserted: JsonValue[][] = [];
    for (const c of candidates) {
      const v = text(c[extra.primary]);
      if (v === null || seen.has(extra.fold(v))) continue;
      seen.add(extra.fold(v));
      const info = db
        .prepare(`INSERT INTO ${quote(extra.table)} (contact_id, ${quote(extra.value)}) VALUES (?, ?)`)
        .run(keptId, v);
      inserted.push([encodeValue(Number(info.lastInsertRowid))]);
      added++;
    }
    if (inserted.length > 0) steps.push({ op: 'insert', table: extra.table, key: shape.key, rows: inserted });
  }
  return { added, dropped };
};

/* ---------- the merge ---------- */

/** All or nothing, also when called outside a command (a savepoint inside the caller's transaction). */
export const atomically = <T>(store: Store, fn: () => T): T => store.sqlite.transaction(fn)();

export const mergeContacts = (
  store: Store,
  input: z.output<typeof mergeInput>,
  now = new Date().toISOString(),
): MergeResult =>
  atomically(store, () => {
    const db = store.sqlite;
    const { keptId, removedId } = input;
    if (keptId === removedId) {
      throw new AppError('VALIDATION', 'a contact cannot be merged with itself', {
        issues: [{ path: 'removedId', code: 'same_contact' }],
      });
    }
    const shape = tableShape(db, 'contacts');
    const keptBefore = contactRow(db, shape, keptId);
    const removedBefore = contactRow(db, shape, removedId);
    const plan = planFields(shape, keptBefore, removedBefore, input.fields);

    const steps: MergeStep[] = [];
    const moves: MergeMove[] = [];
    let dropped = 0;
    // the consent ledger lets a merge move its events to the kept contact, and nothing else
    withLedgerGate(store, 'merge', () => {
      const references = contactReferences(db);
      for (const fk of references) {
        const { from, to } = referenceValues(fk, keptBefore, removedBefore);
        if (from === null) continue;
        if (to === null) {
          throw new AppError('CONFLICT', `the kept contact has no ${fk.to[0] ?? 'id'} for ${fk.table} to refer to`, {
            reason: 'reference_target_missing',
            table: fk.table,
          });
        }
        // the table's other references to contacts (loyalty_members: the member and its referrer)
        const others = references.filter((o) => o.table === fk.table && o !== fk).map((o) => o.from[0] ?? '');
        const r = moveReferences(db, fk, others, from, to, steps);
        if (r.moved > 0) moves.push({ table: fk.table, column: fk.from[0] ?? '', rows: r.moved });
        dropped += r.dropped;
      }
    });

    // read after the moves: a contact that referred to the removed one now refers to the kept one
    const keptMoved = contactRow(db, shape, keptId);
    const removedMoved = contactRow(db, shape, removedId);
    deleteLogged(db, 'contacts', [removedId], 'contact', steps);

    steps.push({ op: 'kept' });
    const merged: Row = {};
    for (const [column, side] of plan) merged[column] = (side === 'removed' ? removedMoved[column] : keptMoved[column]) ?? null;
    const names = { firstName: text(merged.first_name), lastName: text(merged.last_name) };
    const set: Row = { ...merged, updated_at: now };
    if (shape.columns.includes('sort_name')) set.sort_name = sortKey(names.firstName, names.lastName);
    if (shape.columns.includes('match_name')) set.match_name = matchName(names.firstName, names.lastName);
    const columns = Object.keys(set);
    db.prepare(`UPDATE contacts SET ${columns.map((c) => `${quote(c)} = ?`).join(', ')} WHERE id = ?`).run(
      ...columns.map((c) => set[c] ?? null),
      keptId,
    );

    const extras = mergeExtras(db, keptId, [keptMoved, removedMoved], merged, steps);
    dropped += extras.dropped;
    recomputeAggregates(db, keptId);
    // the moved consent_state rows were each one side's view: the kept state comes from the joined ledger
    recomputeConsentState(db, keptId);
    // loyalty: one membership and one active card, the balance from the joined ledger
    reconcileMergedMember(db, keptId);

    const keptAfter = contactRow(db, shape, keptId);
    const snapshot: MergeSnapshot = {
      v: 1,
      kept: encodeRow(keptBefore),
      keptAfter: encodeRow(keptAfter),
      removed: encodeRow(removedBefore),
      steps,
    };
    const info = db
      .prepare('INSERT INTO merges (kept_id, removed_id, snapshot, merged_at) VALUES (?, ?, ?, ?)')
      .run(keptId, removedId, JSON.stringify(snapshot), now);
    return { mergeId: Number(info.lastInsertRowid), keptId, removedId, moves, dropped, added: extras.added };
  });
