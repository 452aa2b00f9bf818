import {
  AppError,
  fold,
  type Segment,
  type SegmentDefinition,
} from '../../contract';
import type { z } from 'zod';
import type { segmentCreateInput, segmentUpdateInput } from '../../contract/segments';
import { prepared, type Store } from '../../store/db';
import { readDefinition } from './definition';
import { countSegment } from './sql';

type Row = { id: number; name: string; definition: string; createdAt: string; updatedAt: string };

const SELECT = 'SELECT id, name, definition, created_at AS createdAt, updated_at AS updatedAt FROM segments';

const toSegment = (row: Row, count: number | null): Segment => ({
  id: row.id,
  name: row.name,
  definition: readDefinition(row.definition, row.id),
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  count,
});

const rowOf = (store: Store, id: number): Row => {
  const row = prepared(store.sqlite, `${SELECT} WHERE id = ?`).get(id) as Row | undefined;
  if (row === undefined) throw new AppError('NOT_FOUND', `segment ${id} not found`, { entity: 'segment', id });
  return row;
};

/** Name order as the menu shows it; no counts: each would be a query over the base. */
export const listSegments = (store: Store): Segment[] =>
  (prepared(store.sqlite, `${SELECT} ORDER BY name COLLATE NOCASE, id`).all() as Row[]).map((r) => toSegment(r, null));

export const getSegment = (store: Store, id: number, now = new Date()): Segment => {
  const row = rowOf(store, id);
  const segment = toSegment(row, null);
  return { ...segment, count: countSegment(store, segment.definition, now) };
};

/**
 * Unique without case or accents: the table's NOCASE only folds ASCII, and
 * "Fidèles" beside "FIDELES" in a menu is the same segment to the user.
 */
const checkName = (store: Store, name: string, selfId: number | null): void => {
  const key = fold(name);
  const rows = prepared(store.sqlite, 'SELECT id, name FROM segments').all() as { id: number; name: string }[];
  const other = rows.find((r) => r.id !== selfId && fold(r.name) === key);
  if (other !== undefined) {
    throw new AppError('CONFLICT', `a segment named "${name}" already exists`, {
      reason: 'duplicate_name',
      issues: [{ path: 'name', code: 'duplicate_name' }],
      id: other.id,
    });
  }
};

export const countDefinition = (store: Store, definition: SegmentDefinition, now = new Date()): { count: number } => ({
  count: countSegment(store, definition, now),
});

export const createSegment = (store: Store, input: z.output<typeof segmentCreateInput>, now = new Date()): Segment => {
  checkName(store, input.name, null);
  const at = now.toISOString();
  const id = Number(
    prepared(store.sqlite, 'INSERT INTO segments (name, definition, created_at, updated_at) VALUES (?, ?, ?, ?)').run(
      input.name,
      JSON.stringify(input.definition),
      at,
      at,
    ).lastInsertRowid,
  );
  return getSegment(store, id, now);
};

export const updateSegment = (store: Store, input: z.output<typeof segmentUpdateInput>, now = new Date()): Segment => {
  const row = rowOf(store, input.id);
  if (input.name !== undefined) checkName(store, input.name, row.id);
  prepared(store.sqlite, 'UPDATE segments SET name = ?, definition = ?, updated_at = ? WHERE id = ?').run(
    input.name ?? row.name,
    input.definition === undefined ? row.definition : JSON.stringify(input.definition),
    now.toISOString(),
    row.id,
  );
  return getSegment(store, row.id, now);
};

export const deleteSegment = (store: Store, id: number): { id: number } => {
  rowOf(store, id);
  prepared(store.sqlite, 'DELETE FROM segments WHERE id = ?').run(id);
  return { id };
};

/** A segment by its name (the CLI's `--segment NAME`), without case or accents. */
export const segmentByName = (store: Store, name: string): Segment | null => {
  const key = fold(name);
  const row = (prepared(store.sqlite, SELECT).all() as Row[]).find((r) => fold(r.name) === key);
  return row === undefined ? null : toSegment(row, null);
};
