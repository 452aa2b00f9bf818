import {
  displayName,
  duplicateReasons,
  type Contact,
  type DuplicateContact,
  type DuplicateFindResult,
  type DuplicatePair,
} from '@contract';

/** One key per unordered pair: the finder, dismissals and merges all speak of the same pair. */
export const pairKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);

/** A merge made from this page, applied to the search result still on screen. */
export type AppliedMerge = {
  mergeId: number;
  keptId: number;
  removedId: number;
  /** The kept record as it is after the merge. */
  kept: DuplicateContact;
};

export type ListedPair = DuplicatePair & {
  key: string;
  /** One of the two records took part in a merge since the search: its details or the reasons may have changed. */
  changed: boolean;
};

/**
 * The search result as it stands after what the user did since: merged pairs
 * are gone, a pair that named the removed record now names the kept one (the
 * person is still a candidate), a pair that became one record or repeats a
 * better-ranked pair is gone, dismissed pairs are gone. Derived rather than
 * edited in place, so undoing a merge simply brings its pairs back.
 */
export const visiblePairs = (
  pairs: readonly DuplicatePair[],
  dismissed: ReadonlySet<string>,
  merges: readonly AppliedMerge[],
): ListedPair[] => {
  const out: ListedPair[] = [];
  const seen = new Set<string>();
  for (const pair of pairs) {
    let { a, b } = pair;
    let changed = false;
    let gone = false;
    for (const m of merges) {
      if (a.id === m.keptId || a.id === m.removedId) {
        a = m.kept;
        changed = true;
      }
      if (b.id === m.keptId || b.id === m.removedId) {
        b = m.kept;
        changed = true;
      }
      if (a.id === b.id) {
        gone = true;
        break;
      }
    }
    if (gone) continue;
    const key = pairKey(a.id, b.id);
    if (dismissed.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push({ ...pair, a, b, key, changed });
  }
  return out;
};

/**
 * Which record a merge keeps unless the user says otherwise: the one with the
 * sales (the till and the accounting know it), then the older one (its id is
 * the one printed on cards and exports), then the lower id.
 */
export const defaultSurvivor = (a: DuplicateContact, b: DuplicateContact): number => {
  if (a.purchaseCount !== b.purchaseCount) return a.purchaseCount > b.purchaseCount ? a.id : b.id;
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? a.id : b.id;
  return Math.min(a.id, b.id);
};

export const toDuplicateContact = (c: Contact): DuplicateContact => ({
  id: c.id,
  name: displayName(c),
  email: c.email,
  phone: c.phone,
  postcode: c.postcode,
  city: c.city,
  createdAt: c.createdAt,
  purchaseCount: c.purchaseCount,
});

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

const isContact = (v: unknown): v is DuplicateContact =>
  isRecord(v) && typeof v.id === 'number' && typeof v.name === 'string' && typeof v.purchaseCount === 'number';

const reasons: ReadonlySet<string> = new Set(duplicateReasons);

const isPair = (v: unknown): v is DuplicatePair =>
  isRecord(v) &&
  isContact(v.a) &&
  isContact(v.b) &&
  typeof v.score === 'number' &&
  Array.isArray(v.reasons) &&
  v.reasons.every((r) => typeof r === 'string' && reasons.has(r));

/** A job result arrives untyped in `job.finished`: checked before the page relies on it. */
export const isFindResult = (v: unknown): v is DuplicateFindResult =>
  isRecord(v) &&
  Array.isArray(v.pairs) &&
  v.pairs.every(isPair) &&
  typeof v.total === 'number' &&
  typeof v.scanned === 'number' &&
  typeof v.ignoredShared === 'number' &&
  typeof v.ms === 'number';
