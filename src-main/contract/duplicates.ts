import { z } from 'zod';
import { NAME_MAX } from './contacts';
import { id } from './fields';

/** Why two records look like the same person; each is a locale key under `duplicates.reason.*`. */
export const duplicateReasons = ['same_email', 'same_phone', 'similar_name_same_postcode'] as const;
export type DuplicateReason = (typeof duplicateReasons)[number];

/**
 * Raw text from the capture form, checked on every keystroke: a half-typed
 * e-mail or phone is not an error here, it simply matches nothing yet.
 */
const typed = (max: number) =>
  z
    .string()
    .max(max, { error: 'too_long' })
    .nullish()
    .transform((v) => {
      const t = v?.trim() ?? '';
      return t === '' ? null : t;
    });

export const checkDuplicatesInput = z
  .object({
    firstName: typed(NAME_MAX),
    lastName: typed(NAME_MAX),
    email: typed(254),
    phone: typed(40),
    postcode: typed(12),
    /** The contact being edited: never its own duplicate, nor one it was declared distinct from. */
    excludeId: id.nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type CheckDuplicatesInput = z.input<typeof checkDuplicatesInput>;

/** Enough of a contact to recognise it and to choose which record to keep. */
export type DuplicateContact = {
  id: number;
  name: string;
  email: string | null;
  phone: string | null;
  postcode: string | null;
  city: string | null;
  createdAt: string;
  purchaseCount: number;
};

/** `score` is 0–100: how likely the two records are the same person. */
export type DuplicateCandidate = DuplicateContact & { reasons: DuplicateReason[]; score: number };

export type DuplicatePair = {
  a: DuplicateContact;
  b: DuplicateContact;
  reasons: DuplicateReason[];
  score: number;
};

export const findDuplicatesInput = z
  .object({
    limit: z.number().int().min(1).max(5000).default(500),
    minScore: z.number().int().min(0).max(100).default(50),
  })
  .strict()
  .default({ limit: 500, minScore: 50 });
export type FindDuplicatesInput = z.input<typeof findDuplicatesInput>;

/** Result of the `duplicates` job (in `job.finished.result`). */
export type DuplicateFindResult = {
  /** Best first, at most `limit`. */
  pairs: DuplicatePair[];
  /** Pairs at or above `minScore` before the limit was applied. */
  total: number;
  /** Contacts in the base when the scan ran. */
  scanned: number;
  /**
   * E-mails or phones shared by so many records (a shop's own number, a
   * company switchboard) that they say nothing about duplicates: not used.
   */
  ignoredShared: number;
  ms: number;
};

export const dismissDuplicateInput = z
  .object({ aId: id, bId: id })
  .strict()
  .refine((v) => v.aId !== v.bId, { path: ['bId'], message: 'same_contact' });
export type DismissDuplicateResult = { aId: number; bId: number };

/** Takes back a "not a duplicate": the finder and the capture check propose the pair again. */
export const undismissDuplicateInput = z
  .object({ aId: id, bId: id })
  .strict()
  .refine((v) => v.aId !== v.bId, { path: ['bId'], message: 'same_contact' });

export const dismissedPairsInput = z
  .object({
    /** From the previous page's `nextCursor`. */
    cursor: z.string().max(200).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict()
  .default({ cursor: null, limit: 50 });
export type DismissedPairsInput = z.input<typeof dismissedPairsInput>;

/** A pair declared "not a duplicate", with both names as they are now. */
export type DismissedPair = {
  a: { id: number; name: string };
  b: { id: number; name: string };
  decidedAt: string;
};
/** Newest decision first. */
export type DismissedPairPage = { rows: DismissedPair[]; nextCursor: string | null; total: number };

export const mergeSides = ['kept', 'removed'] as const;
export type MergeSide = (typeof mergeSides)[number];

const fieldName = z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, { error: 'unknown_field' });

/**
 * `fields` picks, per contact field (camelCase, as in `contacts.get`), whose
 * value the merged record takes. Unlisted fields: the kept record's value,
 * or the removed one's where the kept record has none; except `createdAt`
 * (the earlier), `lastInboundAt` (the later) and `status` (customer over
 * former over prospect). Derived fields (ids, aggregates, sort keys) cannot be picked.
 */
export const mergeInput = z
  .object({
    keptId: id,
    removedId: id,
    fields: z.record(fieldName, z.enum(mergeSides)).default({}),
  })
  .strict()
  .refine((v) => v.keptId !== v.removedId, { path: ['removedId'], message: 'same_contact' });
export type MergeInput = z.input<typeof mergeInput>;

export const mergePreviewInput = z
  .object({ keptId: id, removedId: id })
  .strict()
  .refine((v) => v.keptId !== v.removedId, { path: ['removedId'], message: 'same_contact' });

export type MergeValue = string | number | null;

/** One row of the field-by-field picker. */
export type MergeFieldChoice = {
  /** camelCase field name; the label is the locale key `contact.field.<field>`. */
  field: string;
  kept: MergeValue;
  removed: MergeValue;
  /** What the merge takes when the user does not choose. */
  default: MergeSide;
  /** The two values differ (the picker shows these first). */
  differs: boolean;
};

/** Linked rows that will move (or moved) to the kept record, per table and column. */
export type MergeMove = { table: string; column: string; rows: number };

export type MergePreview = {
  kept: DuplicateContact;
  removed: DuplicateContact;
  fields: MergeFieldChoice[];
  moves: MergeMove[];
};

export type MergeResult = {
  mergeId: number;
  keptId: number;
  removedId: number;
  moves: MergeMove[];
  /** Rows the kept record already had (same tag, same extra e-mail…): dropped, restored by undo. */
  dropped: number;
  /** Emails and phones added to the kept record as additional ones. */
  added: number;
};

export const mergeUndoInput = z.object({ mergeId: id }).strict();

/** Why a merge cannot be undone; locale keys under `merges.blocker.*`. */
export const mergeUndoBlockers = [
  'already_undone',
  'newer_merge',
  'kept_missing',
  'removed_id_taken',
  'snapshot_invalid',
  /** Only found by trying: a row created since the merge holds a unique value the restored rows need. */
  'restore_conflict',
  /** The merged person was deleted since: the merge's record of their data went with them. */
  'contact_deleted',
] as const;
export type MergeUndoBlocker = (typeof mergeUndoBlockers)[number];

export type MergeUndoResult = {
  mergeId: number;
  keptId: number;
  removedId: number;
  /** Linked rows moved back or re-inserted. */
  restored: number;
  /**
   * The kept record changed after the merge (edited fields, new purchases):
   * those edits were kept and its aggregates recomputed, so the state is not
   * byte-for-byte the pre-merge one.
   */
  keptEditedSince: boolean;
};

export const mergeListInput = z
  .object({
    contactId: id.optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
  .default({ limit: 100 });

export type MergeSummary = {
  id: number;
  keptId: number;
  removedId: number;
  keptName: string;
  removedName: string;
  mergedAt: string;
  undoneAt: string | null;
  /** Linked rows moved by the merge. */
  moved: number;
  /** null when `merges.undo` would run. */
  undoBlocker: MergeUndoBlocker | null;
  /** A contact of the merge was deleted since and the merge's record with it: the names are no longer known. */
  purged: boolean;
};
