import type { z } from 'zod';
import {
  AppError,
  type Interaction,
  type Note,
  type Task,
  type TimelineItem,
  type TimelineKind,
  type timelineInput,
  type TimelinePage,
} from '../../contract';
import { prepared, type Store } from '../../store/db';
import { assertContact } from '../contacts/service';
import { purchasesById } from '../purchases/service';
import { consentEventsByIds } from '../consent/ledger';
import { entriesByIds } from '../loyalty/ledger';

/**
 * The contact page's one feed: every source is read newest first through its
 * own (contact_id, date) index, at most one page each, and the pages merged.
 * Order: `at` descending, then `rank` descending (a sale before the note
 * written about it at the same instant), then id descending. The cursor is
 * that triple, so paging is exact whatever the sources hold.
 */
type FeedCursor = { at: string; rank: number; id: number };
type Key = { id: number; at: string };

export type TimelineSource = {
  kind: TimelineKind;
  rank: number;
  keys(store: Store, contactId: number, after: FeedCursor | null, limit: number): Key[];
  load(store: Store, ids: readonly number[]): Map<number, TimelineItem>;
};

/** Keys of one table, strictly after the cursor in feed order. `at` is an SQL expression over the table. */
const keysOf =
  (table: string, at: string, rank: number) =>
  (store: Store, contactId: number, after: FeedCursor | null, limit: number): Key[] => {
    let cond = '';
    let params: unknown[] = [];
    if (after !== null) {
      // rows at the cursor's instant come before it when they rank lower, after it when higher
      if (rank < after.rank) [cond, params] = [`AND ${at} <= ?`, [after.at]];
      else if (rank > after.rank) [cond, params] = [`AND ${at} < ?`, [after.at]];
      else [cond, params] = [`AND (${at}, id) < (?, ?)`, [after.at, after.id]];
    }
    return prepared(
      store.sqlite,
      `SELECT id, ${at} AS at FROM ${table} WHERE contact_id = ? ${cond} ORDER BY ${at} DESC, id DESC LIMIT ?`,
    ).all(contactId, ...params, limit) as Key[];
  };

const loadRows =
  <T extends { id: number }>(sql: string, item: (row: T) => TimelineItem) =>
  (store: Store, ids: readonly number[]): Map<number, TimelineItem> =>
    new Map(
      (prepared(store.sqlite, `${sql} WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as T[]).map(
        (r) => [r.id, item(r)],
      ),
    );

/** A task sits at the start of its due day (UTC), so open and done follow-ups keep their place. */
const TASK_AT = "due_date || 'T00:00:00.000Z'";

/** Later issues (loyalty, consent, complaints) add their sources here. */
export const timelineSources: readonly TimelineSource[] = [
  {
    kind: 'purchase',
    rank: 40,
    keys: keysOf('purchases', 'purchased_at', 40),
    load: (store, ids) =>
      new Map([...purchasesById(store, ids)].map(([id, p]) => [id, { kind: 'purchase', at: p.purchasedAt, id, purchase: p }])),
  },
  {
    kind: 'interaction',
    rank: 30,
    keys: keysOf('interactions', 'occurred_at', 30),
    load: loadRows<Interaction>(
      `SELECT id, contact_id AS contactId, kind, direction, initiated_by AS initiatedBy, occurred_at AS occurredAt,
        summary, created_at AS createdAt FROM interactions`,
      (r) => ({ kind: 'interaction', at: r.occurredAt, id: r.id, interaction: r }),
    ),
  },
  {
    kind: 'note',
    rank: 20,
    keys: keysOf('notes', 'noted_at', 20),
    load: loadRows<Note>(
      'SELECT id, contact_id AS contactId, body, noted_at AS notedAt, created_at AS createdAt FROM notes',
      (r) => ({ kind: 'note', at: r.notedAt, id: r.id, note: r }),
    ),
  },
  {
    kind: 'task',
    rank: 10,
    keys: keysOf('tasks', TASK_AT, 10),
    load: loadRows<Task & { at: string }>(
      `SELECT id, contact_id AS contactId, title, due_date AS dueDate, done_at AS doneAt, created_at AS createdAt,
        ${TASK_AT} AS at FROM tasks`,
      ({ at, ...task }) => ({ kind: 'task', at, id: task.id, task }),
    ),
  },
  {
    kind: 'consent',
    rank: 15,
    keys: keysOf('consent_events', 'at', 15),
    load: (store, ids) => new Map(consentEventsByIds(store, ids).map((e) => [e.id, { kind: 'consent', at: e.at, id: e.id, consent: e }])),
  },
  {
    // just below the sale: at the same instant the sale comes first, then the points it earned
    kind: 'loyalty',
    rank: 35,
    keys: keysOf('loyalty_entries', 'at', 35),
    load: (store, ids) => new Map(entriesByIds(store, ids).map((e) => [e.id, { kind: 'loyalty', at: e.at, id: e.id, entry: e }])),
  },
];

const encode = (c: FeedCursor): string => Buffer.from(JSON.stringify([c.at, c.rank, c.id])).toString('base64url');

const decode = (raw: string): FeedCursor => {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && Number.isInteger(v[1]) && Number.isInteger(v[2])) {
      return { at: v[0], rank: v[1] as number, id: v[2] as number };
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

export const contactTimeline = (
  store: Store,
  input: z.output<typeof timelineInput>,
  sources: readonly TimelineSource[] = timelineSources,
): TimelinePage => {
  assertContact(store, input.id);
  const after = input.cursor === null ? null : decode(input.cursor);
  const want = input.limit + 1;
  const keyed = sources.flatMap((source) =>
    source.keys(store, input.id, after, want).map((k) => ({ ...k, rank: source.rank, source })),
  );
  keyed.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.rank - a.rank || b.id - a.id));
  const page = keyed.slice(0, input.limit);
  const loaded = new Map<TimelineSource, Map<number, TimelineItem>>();
  for (const source of sources) {
    const ids = page.filter((k) => k.source === source).map((k) => k.id);
    if (ids.length > 0) loaded.set(source, source.load(store, ids));
  }
  const items = page.flatMap((k) => {
    const item = loaded.get(k.source)?.get(k.id);
    return item ? [item] : [];
  });
  const last = page[page.length - 1];
  return {
    items,
    nextCursor: keyed.length > input.limit && last ? encode({ at: last.at, rank: last.rank, id: last.id }) : null,
  };
};
