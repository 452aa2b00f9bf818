import type { z } from 'zod';
import {
  AppError,
  displayName,
  type DismissDuplicateResult,
  type DismissedPairPage,
  type dismissedPairsInput,
} from '../../contract';
import type { Store } from '../../store/db';
import { stmt } from './tables';

/**
 * The "not a duplicate" decisions, to review and take back. The table holds
 * what users decided one pair at a time (hundreds, not millions): sorting it
 * by date costs nothing worth an index.
 */

/** Takes a dismissal back: the finder and the capture check propose the pair again. */
export const undismissDuplicate = (store: Store, aId: number, bId: number): DismissDuplicateResult => {
  if (aId === bId) {
    throw new AppError('VALIDATION', 'a contact is not its own duplicate', { issues: [{ path: 'bId', code: 'same_contact' }] });
  }
  const lo = Math.min(aId, bId);
  const hi = Math.max(aId, bId);
  const { changes } = stmt(store.sqlite, 'DELETE FROM not_duplicates WHERE a_id = ? AND b_id = ?').run(lo, hi);
  if (changes === 0) {
    throw new AppError('NOT_FOUND', `contacts ${lo} and ${hi} were not declared distinct`, { entity: 'not_duplicate', aId: lo, bId: hi });
  }
  return { aId: lo, bId: hi };
};

type Key = [decidedAt: string, aId: number, bId: number];

const encodeKey = (key: Key): string => Buffer.from(JSON.stringify(key)).toString('base64url');

const decodeKey = (raw: string): Key => {
  try {
    const v: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && Number.isInteger(v[1]) && Number.isInteger(v[2])) {
      return [v[0], v[1] as number, v[2] as number];
    }
  } catch {
    // fall through
  }
  throw new AppError('VALIDATION', 'invalid cursor', { issues: [{ path: 'cursor', code: 'invalid_cursor' }] });
};

type Row = {
  decided_at: string;
  a_id: number;
  b_id: number;
  a_first: string | null;
  a_last: string | null;
  b_first: string | null;
  b_last: string | null;
};

/** Both records must still exist: a decision about a deleted or merged-away record says nothing any more. */
const FROM = `FROM not_duplicates n JOIN contacts a ON a.id = n.a_id JOIN contacts b ON b.id = n.b_id`;

/** Dismissed pairs, newest decision first, keyset-paged, with both names as they are now. */
export const listDismissed = (store: Store, input: z.output<typeof dismissedPairsInput>): DismissedPairPage => {
  const db = store.sqlite;
  const after = input.cursor === null ? null : decodeKey(input.cursor);
  const rows = (
    after === null
      ? stmt(
          db,
          `SELECT n.decided_at, n.a_id, n.b_id, a.first_name AS a_first, a.last_name AS a_last, b.first_name AS b_first,
             b.last_name AS b_last ${FROM} ORDER BY n.decided_at DESC, n.a_id DESC, n.b_id DESC LIMIT ?`,
        ).all(input.limit + 1)
      : stmt(
          db,
          `SELECT n.decided_at, n.a_id, n.b_id, a.first_name AS a_first, a.last_name AS a_last, b.first_name AS b_first,
             b.last_name AS b_last ${FROM} WHERE (n.decided_at, n.a_id, n.b_id) < (?, ?, ?)
           ORDER BY n.decided_at DESC, n.a_id DESC, n.b_id DESC LIMIT ?`,
        ).all(...after, input.limit + 1)
  ) as Row[];
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    rows: page.map((r) => ({
      a: { id: r.a_id, name: displayName({ firstName: r.a_first, lastName: r.a_last }) },
      b: { id: r.b_id, name: displayName({ firstName: r.b_first, lastName: r.b_last }) },
      decidedAt: r.decided_at,
    })),
    nextCursor: rows.length > input.limit && last !== undefined ? encodeKey([last.decided_at, last.a_id, last.b_id]) : null,
    total: stmt(db, `SELECT count(*) AS n ${FROM}`).pluck().get() as number,
  };
};
