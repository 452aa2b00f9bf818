import { z } from 'zod';
import {
  AppError,
  displayName,
  type MergeSummary,
  type MergeUndoBlocker,
  type MergeUndoResult,
  type mergeListInput,
} from '../../contract';
import { withLedgerGate, type Store } from '../../store/db';
import { recomputeConsentState } from '../consent/events';
import { reconcileUnmerged } from '../loyalty/merge';
import { PURGED_MERGE_SNAPSHOT } from '../privacy/erasure';
import type { Sqlite } from '../../store/open';
import { recomputeAggregates, refreshAnalytics } from './contacts';
import { atomically, type MergeSnapshot, type MergeStep } from './merge';
import { matchName, sortKey } from './similarity';
import {
  decodeRow,
  decodeValue,
  deleteByKey,
  insertRow,
  isUniqueViolation,
  keyAfterMove,
  quote,
  readRow,
  sameValue,
  stmt,
  tableShape,
  whereKey,
  type JsonValue,
  type Row,
  type SqlValue,
} from './tables';

/* ---------- reading a stored snapshot back (it is data from disk: checked, not trusted) ---------- */

const jsonValue: z.ZodType<JsonValue> = z.union([
  z.string(),
  z.number(),
  z.null(),
  z.object({ $b: z.string() }).strict(),
  z.object({ $i: z.string().regex(/^-?\d+$/) }).strict(),
]);
const jsonRow = z.record(z.string(), jsonValue);
const keyRows = z.array(z.array(jsonValue));
const names = z.array(z.string().min(1)).min(1);

const stepSchema = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('move'),
    table: z.string(),
    column: z.string(),
    key: names,
    from: jsonValue,
    to: jsonValue,
    rows: keyRows,
    related: z.array(jsonValue).optional(),
  }),
  z.object({ op: z.literal('delete'), table: z.string(), reason: z.enum(['collision', 'duplicate', 'cascade', 'contact']), row: jsonRow }),
  z.object({ op: z.literal('nulled'), table: z.string(), columns: names, key: names, values: z.array(jsonValue), rows: keyRows }),
  z.object({ op: z.literal('insert'), table: z.string(), key: names, rows: keyRows }),
  z.object({ op: z.literal('kept') }),
]);

const snapshotSchema = z.object({
  v: z.literal(1),
  kept: jsonRow,
  keptAfter: jsonRow,
  removed: jsonRow,
  steps: z.array(stepSchema),
});

const parseSnapshot = (raw: string): MergeSnapshot | null => {
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(raw));
    return parsed.success ? (parsed.data as MergeSnapshot) : null;
  } catch {
    return null;
  }
};

type MergeRecord = {
  id: number;
  kept_id: number;
  removed_id: number;
  snapshot: string;
  merged_at: string;
  undone_at: string | null;
};

const contactExists = (db: Sqlite, id: number): boolean =>
  stmt(db, 'SELECT 1 AS found FROM contacts WHERE id = ?').get(id) !== undefined;

/**
 * The contacts a later merge must involve to touch what this one did: its
 * two contacts, and the others its moved rows refer to. Every row a merge
 * moves, deletes or nulls refers to one of its own two contacts: a member
 * whose referrer this merge moved, merged since into another member, is a
 * row this merge moved that the later one deleted (with the moved referrer
 * in its record); undone first, this merge would leave that record stale.
 * The other way round, a member row this merge moved whose referrer a later
 * merge moved would come back with the later merge's referrer.
 */
const involved = (m: MergeRecord, snapshot: MergeSnapshot | null): number[] => {
  const ids = new Set<number>([m.kept_id, m.removed_id]);
  for (const step of snapshot?.steps ?? []) {
    if (step.op !== 'move') continue;
    // contact ids are plain numbers; anything else in a snapshot read from disk is not a contact
    for (const v of step.related ?? []) if (typeof v === 'number') ids.add(v);
  }
  return [...ids];
};

/** Why undoing this merge now would not give back the state before it (null: it would). */
export const undoBlocker = (db: Sqlite, m: MergeRecord, snapshot: MergeSnapshot | null): MergeUndoBlocker | null => {
  if (m.undone_at !== null) return 'already_undone';
  if (m.snapshot === PURGED_MERGE_SNAPSHOT) return 'contact_deleted';
  const newer = stmt(
    db,
    `SELECT id FROM merges WHERE id > @id AND undone_at IS NULL
       AND (kept_id IN (SELECT value FROM json_each(@ids)) OR removed_id IN (SELECT value FROM json_each(@ids))) LIMIT 1`,
  ).get({ id: m.id, ids: JSON.stringify(involved(m, snapshot)) });
  if (newer !== undefined) return 'newer_merge';
  if (!contactExists(db, m.kept_id)) return 'kept_missing';
  // ids are not AUTOINCREMENT: a contact created after the merge may have taken the freed id
  if (contactExists(db, m.removed_id)) return 'removed_id_taken';
  return null;
};

const BLOCKER_MESSAGES: Record<MergeUndoBlocker, string> = {
  already_undone: 'this merge has already been undone',
  newer_merge: 'a later merge involving these contacts, or rows this merge moved, must be undone first',
  kept_missing: 'the kept contact has been deleted or merged since',
  removed_id_taken: 'the removed contact’s id is used by a contact created since',
  snapshot_invalid: 'the record of this merge is damaged',
  restore_conflict: 'a record created since the merge is in the way',
  contact_deleted: 'a contact of this merge has been deleted since, with the record of the merge',
};

const AGGREGATE_COLUMNS = ['purchase_count', 'total_cents', 'first_purchase_at', 'last_purchase_at'];
/** Recomputed from the names when the user edited the kept record after the merge. */
const DERIVED_COLUMNS = new Set(['sort_name', 'match_name', 'updated_at']);

const text = (v: SqlValue | undefined): string | null => (typeof v === 'string' ? v : null);

/**
 * Three-way restore of the kept record: a field still holding what the merge
 * put there goes back to its value before the merge; a field the user changed
 * since keeps the change (undo never throws away later work).
 */
const restoreKept = (db: Sqlite, keptId: number, snapshot: MergeSnapshot, now: string): boolean => {
  const shape = tableShape(db, 'contacts');
  const current = readRow(db, shape, [keptId]);
  if (!current) throw new AppError('CONFLICT', BLOCKER_MESSAGES.kept_missing, { reason: 'kept_missing' });
  const before = decodeRow(snapshot.kept);
  const after = decodeRow(snapshot.keptAfter);
  const set: Row = {};
  let edited = false;
  for (const c of shape.columns) {
    if (c === 'id' || AGGREGATE_COLUMNS.includes(c) || !(c in before)) continue;
    if (c in after && sameValue(current[c] ?? null, after[c] ?? null)) set[c] = before[c] ?? null;
    else if (!DERIVED_COLUMNS.has(c)) edited = true;
  }
  if (edited) {
    const pick = (c: string) => text(c in set ? set[c] : current[c]);
    const n = { firstName: pick('first_name'), lastName: pick('last_name') };
    if (shape.columns.includes('sort_name')) set.sort_name = sortKey(n.firstName, n.lastName);
    if (shape.columns.includes('match_name')) set.match_name = matchName(n.firstName, n.lastName);
    set.updated_at = now;
  }
  const columns = Object.keys(set);
  if (columns.length > 0) {
    db.prepare(`UPDATE contacts SET ${columns.map((c) => `${quote(c)} = ?`).join(', ')} WHERE id = ?`).run(
      ...columns.map((c) => set[c] ?? null),
      keptId,
    );
  }
  return edited;
};

const decodeKey = (k: JsonValue[]): SqlValue[] => k.map(decodeValue);

/** The inverse of one step; returns the number of rows given back to the removed contact. */
const revert = (db: Sqlite, step: MergeStep, keptId: number, snapshot: MergeSnapshot, now: string, flags: { edited: boolean }): number => {
  switch (step.op) {
    case 'kept':
      flags.edited = restoreKept(db, keptId, snapshot, now);
      return 0;
    case 'insert': {
      const shape = tableShape(db, step.table);
      for (const k of step.rows) deleteByKey(db, shape, decodeKey(k));
      return 0;
    }
    case 'delete': {
      insertRow(db, tableShape(db, step.table), decodeRow(step.row));
      return step.reason === 'contact' ? 0 : 1;
    }
    case 'nulled': {
      const update = db.prepare(
        `UPDATE ${quote(step.table)} SET ${step.columns.map((c) => `${quote(c)} = ?`).join(', ')}
         WHERE ${whereKey(step.key)} AND ${step.columns.map((c) => `${quote(c)} IS NULL`).join(' AND ')}`,
      );
      const values = step.values.map(decodeValue);
      for (const k of step.rows) update.run(...values, ...decodeKey(k));
      return 0;
    }
    case 'move': {
      const from = decodeValue(step.from);
      const to = decodeValue(step.to);
      const update = db.prepare(
        `UPDATE OR ABORT ${quote(step.table)} SET ${quote(step.column)} = ? WHERE ${whereKey(step.key)} AND ${quote(step.column)} IS ?`,
      );
      let restored = 0;
      for (const k of step.rows) {
        // a row deleted or moved elsewhere since the merge stays where the user put it
        restored += update.run(from, ...keyAfterMove(step.key, step.column, decodeKey(k), to), to).changes;
      }
      return restored;
    }
  }
};

const mergeRecord = (db: Sqlite, mergeId: number): MergeRecord => {
  const m = stmt(db, 'SELECT id, kept_id, removed_id, snapshot, merged_at, undone_at FROM merges WHERE id = ?').get(
    mergeId,
  ) as MergeRecord | undefined;
  if (!m) throw new AppError('NOT_FOUND', `merge ${mergeId} not found`, { entity: 'merge', id: mergeId });
  return m;
};

/**
 * Puts both contacts back as they were: the removed one with its own id, every
 * moved row back on it, dropped rows re-inserted, the kept one's fields and
 * aggregates as before. Exact when nothing touched the kept contact since;
 * otherwise later edits and sales are kept and aggregates recomputed.
 */
export const undoMerge = (store: Store, mergeId: number, now = new Date().toISOString()): MergeUndoResult =>
  atomically(store, () => {
    const db = store.sqlite;
    const m = mergeRecord(db, mergeId);
    const snapshot = parseSnapshot(m.snapshot);
    const blocker = undoBlocker(db, m, snapshot);
    if (blocker !== null) throw new AppError('CONFLICT', BLOCKER_MESSAGES[blocker], { reason: blocker, mergeId });
    if (!snapshot) throw new AppError('CONFLICT', BLOCKER_MESSAGES.snapshot_invalid, { reason: 'snapshot_invalid', mergeId });

    const flags = { edited: false };
    let restored = 0;
    // moving consent events back needs the ledger's merge gate, for these steps only
    withLedgerGate(store, 'merge', () => {
      for (let i = snapshot.steps.length - 1; i >= 0; i--) {
        const step = snapshot.steps[i];
        if (!step) continue;
        try {
          restored += revert(db, step, m.kept_id, snapshot, now, flags);
        } catch (error) {
          if (error instanceof AppError) throw error;
          if (isUniqueViolation(error) || (error instanceof Error && 'code' in error && String(error.code).startsWith('SQLITE_CONSTRAINT'))) {
            throw new AppError('CONFLICT', BLOCKER_MESSAGES.restore_conflict, {
              reason: 'restore_conflict',
              mergeId,
              table: 'table' in step ? step.table : 'contacts',
            });
          }
          throw error;
        }
      }
    });
    // each contact's consent state again from its own ledger
    recomputeConsentState(db, m.kept_id);
    recomputeConsentState(db, m.removed_id);
    reconcileUnmerged(db, [m.kept_id, m.removed_id]);

    // aggregates: exact when no sale touched the kept contact since, else recomputed for both
    const shape = tableShape(db, 'contacts');
    const current = readRow(db, shape, [m.kept_id]) ?? {};
    const before = decodeRow(snapshot.kept);
    const after = decodeRow(snapshot.keptAfter);
    const columns = AGGREGATE_COLUMNS.filter((c) => shape.columns.includes(c) && c in before);
    const untouched = columns.every((c) => sameValue(current[c] ?? null, after[c] ?? null));
    if (untouched) {
      if (columns.length > 0) {
        db.prepare(`UPDATE contacts SET ${columns.map((c) => `${quote(c)} = ?`).join(', ')} WHERE id = ?`).run(
          ...columns.map((c) => before[c] ?? null),
          m.kept_id,
        );
      }
      // the analytics rows are not in the snapshot: rebuilt from each side's purchases
      refreshAnalytics(db, [m.kept_id, m.removed_id]);
    } else {
      recomputeAggregates(db, m.kept_id);
      recomputeAggregates(db, m.removed_id);
    }

    stmt(db, 'UPDATE merges SET undone_at = ? WHERE id = ?').run(now, mergeId);
    return {
      mergeId,
      keptId: m.kept_id,
      removedId: m.removed_id,
      restored,
      keptEditedSince: flags.edited || !untouched,
    };
  });

const nameOf = (row: Record<string, JsonValue> | undefined): string =>
  row ? displayName({ firstName: text(decodeValue(row.first_name ?? null)), lastName: text(decodeValue(row.last_name ?? null)) }) : '';

export const listMerges = (store: Store, input: z.output<typeof mergeListInput>): MergeSummary[] => {
  const db = store.sqlite;
  const contactId = input.contactId ?? null;
  const rows = (
    contactId === null
      ? stmt(db, 'SELECT id, kept_id, removed_id, snapshot, merged_at, undone_at FROM merges ORDER BY id DESC LIMIT ?').all(
          input.limit,
        )
      : stmt(
          db,
          `SELECT id, kept_id, removed_id, snapshot, merged_at, undone_at FROM merges
           WHERE kept_id = @id OR removed_id = @id ORDER BY id DESC LIMIT @limit`,
        ).all({ id: contactId, limit: input.limit })
  ) as MergeRecord[];
  return rows.map((m) => {
    const snapshot = parseSnapshot(m.snapshot);
    const current = stmt(db, 'SELECT first_name, last_name FROM contacts WHERE id = ?').get(m.kept_id) as
      | { first_name: string | null; last_name: string | null }
      | undefined;
    return {
      id: m.id,
      keptId: m.kept_id,
      removedId: m.removed_id,
      keptName: current ? displayName({ firstName: current.first_name, lastName: current.last_name }) : nameOf(snapshot?.keptAfter),
      removedName: nameOf(snapshot?.removed),
      mergedAt: m.merged_at,
      undoneAt: m.undone_at,
      moved: snapshot ? snapshot.steps.reduce((n, s) => n + (s.op === 'move' ? s.rows.length : 0), 0) : 0,
      undoBlocker: snapshot || m.snapshot === PURGED_MERGE_SNAPSHOT ? undoBlocker(db, m, snapshot) : 'snapshot_invalid',
      purged: m.snapshot === PURGED_MERGE_SNAPSHOT,
    };
  });
};
