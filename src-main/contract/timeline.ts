import { z } from 'zod';
import type { ConsentEvent } from './consent';
import type { LedgerEntry } from './loyalty';
import { pastInstant, requiredDate } from './dates';
import { id } from './fields';
import type { Purchase } from './purchases';

export const interactionKinds = ['visit', 'call', 'email', 'letter', 'sms', 'chat', 'meeting', 'note'] as const;
export type InteractionKind = (typeof interactionKinds)[number];
export const directions = ['in', 'out'] as const;
export type Direction = (typeof directions)[number];
export const initiators = ['contact', 'shop'] as const;
export type Initiator = (typeof initiators)[number];

export const NOTE_MAX = 10_000;
export const SUMMARY_MAX = 2_000;
export const TASK_TITLE_MAX = 200;

/** Multi-line text (notes keep their line breaks): trimmed, required, bounded. */
const body = (max: number) =>
  z
    .string({ error: 'required' })
    .max(max * 4, { error: 'too_long' })
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(1, { error: 'required' })
        .max(max, { error: 'too_long' })
        .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v), { error: 'invalid_chars' }),
    );

export type Note = { id: number; contactId: number; body: string; notedAt: string; createdAt: string };

export const noteInput = z
  .object({ contactId: id, body: body(NOTE_MAX), notedAt: pastInstant.optional() })
  .strict();
export const noteUpdateInput = z
  .object({ id, body: body(NOTE_MAX).optional(), notedAt: pastInstant.optional() })
  .strict();

export type Interaction = {
  id: number;
  contactId: number;
  kind: InteractionKind;
  direction: Direction;
  initiatedBy: Initiator;
  occurredAt: string;
  summary: string;
  createdAt: string;
};

/**
 * Who initiated matters for the CNIL: an inbound contact initiated by the
 * person restarts a prospect's retention period. Left out, the direction
 * follows the initiator (the person reaching out is inbound).
 */
export const interactionInput = z
  .object({
    contactId: id,
    kind: z.enum(interactionKinds),
    initiatedBy: z.enum(initiators).default('contact'),
    direction: z.enum(directions).optional(),
    occurredAt: pastInstant.optional(),
    summary: body(SUMMARY_MAX),
  })
  .strict()
  .transform((v): Omit<typeof v, 'direction'> & { direction: Direction } => ({
    ...v,
    direction: v.direction ?? (v.initiatedBy === 'contact' ? 'in' : 'out'),
  }));
export const interactionUpdateInput = z
  .object({
    id,
    kind: z.enum(interactionKinds).optional(),
    initiatedBy: z.enum(initiators).optional(),
    direction: z.enum(directions).optional(),
    occurredAt: pastInstant.optional(),
    summary: body(SUMMARY_MAX).optional(),
  })
  .strict();

/** A follow-up ("relance"): due on a calendar day, done or not. */
export type Task = {
  id: number;
  contactId: number;
  title: string;
  dueDate: string;
  doneAt: string | null;
  createdAt: string;
};

export const taskInput = z.object({ contactId: id, title: body(TASK_TITLE_MAX), dueDate: requiredDate }).strict();
export const taskUpdateInput = z
  .object({ id, title: body(TASK_TITLE_MAX).optional(), dueDate: requiredDate.optional() })
  .strict();
export const taskDoneInput = z.object({ id, done: z.boolean() }).strict();

/** `today` is the shop's calendar day; the host's local date when left out. */
export const tasksDueInput = z
  .object({
    today: requiredDate.optional(),
    cursor: z.string().max(500).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();

export type DueTask = Task & { contactName: string; overdue: boolean };
export type DueTaskPage = {
  rows: DueTask[];
  nextCursor: string | null;
  /** Open tasks due today or before (the badge). */
  total: number;
};

/**
 * One entry of a contact's timeline. `at` is a UTC instant (a task sits at
 * the start of its due day) and the feed is ordered by `at`, newest first.
 * Later issues add members (loyalty, consent, complaint): the renderer must
 * ignore kinds it does not know.
 */
export type TimelineItem =
  | { kind: 'interaction'; at: string; id: number; interaction: Interaction }
  | { kind: 'purchase'; at: string; id: number; purchase: Purchase }
  | { kind: 'note'; at: string; id: number; note: Note }
  | { kind: 'task'; at: string; id: number; task: Task }
  | { kind: 'consent'; at: string; id: number; consent: ConsentEvent }
  | { kind: 'loyalty'; at: string; id: number; entry: LedgerEntry };
export type TimelineKind = TimelineItem['kind'];

export const timelineInput = z
  .object({
    id,
    cursor: z.string().max(500).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();

export type TimelinePage = { items: TimelineItem[]; nextCursor: string | null };
