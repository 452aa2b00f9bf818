import type { z } from 'zod';
import {
  AppError,
  localDate,
  type DueTaskPage,
  type Interaction,
  type interactionInput,
  type interactionUpdateInput,
  type Note,
  type noteInput,
  type noteUpdateInput,
  type Task,
  type taskInput,
  type tasksDueInput,
  type taskUpdateInput,
} from '../../contract';
import { prepared, type Store } from '../../store/db';
import { assertContact, CONTACT_NAME_SQL } from '../contacts/service';

const missing = (entity: string, id: number): AppError =>
  new AppError('NOT_FOUND', `${entity} ${id} not found`, { entity, id });

/** A contact that is gone gets NOT_FOUND naming the field, not a foreign-key CONFLICT. */
const assertOwner = (store: Store, contactId: number): void => {
  try {
    assertContact(store, contactId);
  } catch (e) {
    if (e instanceof AppError) throw new AppError(e.code, e.message, { ...e.details, issues: [{ path: 'contactId', code: 'not_found' }] });
    throw e;
  }
};

/* ---------- notes ---------- */

const NOTE_COLUMNS = 'id, contact_id AS contactId, body, noted_at AS notedAt, created_at AS createdAt';

export const getNote = (store: Store, id: number): Note => {
  const n = prepared(store.sqlite, `SELECT ${NOTE_COLUMNS} FROM notes WHERE id = ?`).get(id) as Note | undefined;
  if (!n) throw missing('note', id);
  return n;
};

export const createNote = (store: Store, input: z.output<typeof noteInput>): Note => {
  assertOwner(store, input.contactId);
  const now = new Date().toISOString();
  const id = Number(
    prepared(store.sqlite, 'INSERT INTO notes (contact_id, body, noted_at, created_at) VALUES (?, ?, ?, ?)').run(
      input.contactId,
      input.body,
      input.notedAt ?? now,
      now,
    ).lastInsertRowid,
  );
  return getNote(store, id);
};

export const updateNote = (store: Store, input: z.output<typeof noteUpdateInput>): Note => {
  const n = getNote(store, input.id);
  prepared(store.sqlite, 'UPDATE notes SET body = ?, noted_at = ? WHERE id = ?').run(
    input.body ?? n.body,
    input.notedAt ?? n.notedAt,
    input.id,
  );
  return getNote(store, input.id);
};

export const deleteNote = (store: Store, id: number): { id: number } => {
  if (prepared(store.sqlite, 'DELETE FROM notes WHERE id = ?').run(id).changes === 0) throw missing('note', id);
  return { id };
};

/* ---------- interactions ---------- */

const INTERACTION_COLUMNS = `id, contact_id AS contactId, kind, direction, initiated_by AS initiatedBy,
  occurred_at AS occurredAt, summary, created_at AS createdAt`;

export const getInteraction = (store: Store, id: number): Interaction => {
  const i = prepared(store.sqlite, `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = ?`).get(id) as
    | Interaction
    | undefined;
  if (!i) throw missing('interaction', id);
  return i;
};

/** The person reached out: what restarts a prospect's CNIL retention period. */
const isInbound = (i: Pick<Interaction, 'direction' | 'initiatedBy'>): boolean =>
  i.direction === 'in' && i.initiatedBy === 'contact';

const bumpLastInbound = (store: Store, contactId: number, at: string): void => {
  prepared(
    store.sqlite,
    'UPDATE contacts SET last_inbound_at = @at WHERE id = @id AND (last_inbound_at IS NULL OR last_inbound_at < @at)',
  ).run({ at, id: contactId });
};

/**
 * After an inbound interaction changed or went: when it was the latest, the
 * latest remaining one takes over. A later date set elsewhere (an import) stays.
 */
const settleLastInbound = (store: Store, contactId: number, removedAt: string): void => {
  const current = prepared(store.sqlite, 'SELECT last_inbound_at FROM contacts WHERE id = ?').pluck().get(contactId) as
    | string
    | null
    | undefined;
  if (current === undefined || current === null || current > removedAt) return;
  const latest = prepared(
    store.sqlite,
    `SELECT max(occurred_at) FROM interactions WHERE contact_id = ? AND direction = 'in' AND initiated_by = 'contact'`,
  )
    .pluck()
    .get(contactId) as string | null;
  prepared(store.sqlite, 'UPDATE contacts SET last_inbound_at = ? WHERE id = ?').run(latest, contactId);
};

export const createInteraction = (store: Store, input: z.output<typeof interactionInput>): Interaction => {
  assertOwner(store, input.contactId);
  const now = new Date().toISOString();
  const at = input.occurredAt ?? now;
  const id = Number(
    prepared(
      store.sqlite,
      `INSERT INTO interactions (contact_id, kind, direction, initiated_by, occurred_at, summary, created_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(input.contactId, input.kind, input.direction, input.initiatedBy, at, input.summary, now).lastInsertRowid,
  );
  if (isInbound(input)) bumpLastInbound(store, input.contactId, at);
  return getInteraction(store, id);
};

export const updateInteraction = (store: Store, input: z.output<typeof interactionUpdateInput>): Interaction => {
  const before = getInteraction(store, input.id);
  const after = {
    kind: input.kind ?? before.kind,
    direction: input.direction ?? before.direction,
    initiatedBy: input.initiatedBy ?? before.initiatedBy,
    occurredAt: input.occurredAt ?? before.occurredAt,
    summary: input.summary ?? before.summary,
  };
  prepared(
    store.sqlite,
    'UPDATE interactions SET kind = ?, direction = ?, initiated_by = ?, occurred_at = ?, summary = ? WHERE id = ?',
  ).run(after.kind, after.direction, after.initiatedBy, after.occurredAt, after.summary, input.id);
  if (isInbound(before)) settleLastInbound(store, before.contactId, before.occurredAt);
  if (isInbound(after)) bumpLastInbound(store, before.contactId, after.occurredAt);
  return getInteraction(store, input.id);
};

export const deleteInteraction = (store: Store, id: number): { id: number } => {
  const before = getInteraction(store, id);
  prepared(store.sqlite, 'DELETE FROM interactions WHERE id = ?').run(id);
  if (isInbound(before)) settleLastInbound(store, before.contactId, before.occurredAt);
  return { id };
};

/* ---------- tasks ---------- */

const TASK_COLUMNS = 'id, contact_id AS contactId, title, due_date AS dueDate, done_at AS doneAt, created_at AS createdAt';

export const getTask = (store: Store, id: number): Task => {
  const t = prepared(store.sqlite, `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = ?`).get(id) as Task | undefined;
  if (!t) throw missing('task', id);
  return t;
};

export const createTask = (store: Store, input: z.output<typeof taskInput>): Task => {
  assertOwner(store, input.contactId);
  const id = Number(
    prepared(store.sqlite, 'INSERT INTO tasks (contact_id, title, due_date, created_at) VALUES (?, ?, ?, ?)').run(
      input.contactId,
      input.title,
      input.dueDate,
      new Date().toISOString(),
    ).lastInsertRowid,
  );
  return getTask(store, id);
};

export const updateTask = (store: Store, input: z.output<typeof taskUpdateInput>): Task => {
  const t = getTask(store, input.id);
  prepared(store.sqlite, 'UPDATE tasks SET title = ?, due_date = ? WHERE id = ?').run(
    input.title ?? t.title,
    input.dueDate ?? t.dueDate,
    input.id,
  );
  return getTask(store, input.id);
};

/** Done keeps the first completion time when ticked twice; undone clears it. */
export const setTaskDone = (store: Store, id: number, done: boolean): Task => {
  getTask(store, id);
  prepared(
    store.sqlite,
    done ? 'UPDATE tasks SET done_at = coalesce(done_at, ?) WHERE id = ?' : 'UPDATE tasks SET done_at = NULL WHERE id = ?',
  ).run(...(done ? [new Date().toISOString(), id] : [id]));
  return getTask(store, id);
};

export const deleteTask = (store: Store, id: number): { id: number } => {
  if (prepared(store.sqlite, 'DELETE FROM tasks WHERE id = ?').run(id).changes === 0) throw missing('task', id);
  return { id };
};

const decodeDueCursor = (raw: string): [string, number] => {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && Number.isInteger(v[1])) return [v[0], v[1] as number];
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

/**
 * Open follow-ups due today or earlier, oldest first, across all contacts.
 * Reads the partial index of open tasks (due_date, id) only.
 */
export const dueTasks = (store: Store, input: z.output<typeof tasksDueInput>): DueTaskPage => {
  const today = input.today ?? localDate();
  const after = input.cursor === null ? null : decodeDueCursor(input.cursor);
  const rows = prepared(
    store.sqlite,
    `SELECT t.id, t.contact_id AS contactId, t.title, t.due_date AS dueDate, t.done_at AS doneAt, t.created_at AS createdAt,
        ${CONTACT_NAME_SQL('c')} AS contactName
      FROM tasks t INDEXED BY tasks_open_by_due JOIN contacts c ON c.id = t.contact_id
      WHERE t.done_at IS NULL AND t.due_date <= ? ${after === null ? '' : 'AND (t.due_date, t.id) > (?, ?)'}
      ORDER BY t.due_date, t.id LIMIT ?`,
  ).all(today, ...(after ?? []), input.limit + 1) as (Task & { contactName: string })[];
  const total = Number(
    prepared(store.sqlite, 'SELECT count(*) FROM tasks WHERE done_at IS NULL AND due_date <= ?').pluck().get(today),
  );
  const more = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    rows: page.map((t) => ({ ...t, overdue: t.dueDate < today })),
    nextCursor: more && last ? Buffer.from(JSON.stringify([last.dueDate, last.id])).toString('base64url') : null,
    total,
  };
};
