import { z } from 'zod';
import { isCalendarDate, localDate, requiredDate } from './dates';
import { id } from './fields';
import { fold } from './text';

/**
 * Data-subject rights (GDPR art. 12–22, CNIL): the requests register with its
 * one-month deadline, access / portability exports, real erasure, and the
 * audit log of what was done with the data.
 */

export const privacyRequestKinds = ['access', 'rectification', 'erasure', 'portability', 'objection', 'restriction'] as const;
export type PrivacyRequestKind = (typeof privacyRequestKinds)[number];
export const privacyRequestStatuses = ['open', 'done', 'refused'] as const;
export type PrivacyRequestStatus = (typeof privacyRequestStatuses)[number];

export const REQUEST_SUBJECT_MAX = 200;
export const REQUEST_TEXT_MAX = 2_000;
/** The law allows two more months on top of the first one, no more. */
export const MAX_EXTENSION_MONTHS = 2;
/** Open requests due within this many days are flagged "due soon" on the dashboard. */
export const DUE_SOON_DAYS = 7;

const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Required text, trimmed and bounded; multi-line allowed (outcomes, reasons). */
const requiredText = (max: number) =>
  z
    .string({ error: 'required' })
    .max(max * 4, { error: 'too_long' })
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(1, { error: 'required' })
        .max(max, { error: 'too_long' })
        .refine((v) => !CONTROL_CHARS.test(v), { error: 'invalid_chars' }),
    );

/** A calendar date that is not after the shop's today (a request cannot be received tomorrow). */
const receivedDate = requiredDate.refine((v) => !isCalendarDate(v) || v <= localDate(), { error: 'in_future' });

export type PrivacyRequest = {
  id: number;
  contactId: number | null;
  /** Who asked, as typed (replaced by a neutral placeholder when the person is erased). */
  subject: string;
  kind: PrivacyRequestKind;
  receivedOn: string;
  identityCheck: string;
  /** Received + one calendar month (clamped to the month's end). */
  dueOn: string;
  extendedTo: string | null;
  extensionReason: string | null;
  /** The date that counts: the extension if any, else the first due date. */
  deadline: string;
  status: PrivacyRequestStatus;
  closedOn: string | null;
  outcome: string | null;
  /** Open and past its deadline (the shop's today). */
  overdue: boolean;
  createdAt: string;
  updatedAt: string;
};

export const privacyRequestListInput = z
  .object({
    status: z.enum([...privacyRequestStatuses, 'all']).default('all'),
    contactId: id.optional(),
    offset: z.number().int().min(0).max(1_000_000).default(0),
    limit: z.number().int().min(1).max(500).default(50),
    today: requiredDate.optional(),
  })
  .strict();
export type PrivacyRequestPage = { rows: PrivacyRequest[]; total: number };

export const privacyRequestCreateInput = z
  .object({
    contactId: id.nullish().transform((v) => v ?? null),
    subject: requiredText(REQUEST_SUBJECT_MAX),
    kind: z.enum(privacyRequestKinds),
    receivedOn: receivedDate,
    identityCheck: requiredText(REQUEST_TEXT_MAX),
  })
  .strict();

export const privacyRequestExtendInput = z
  .object({
    id,
    months: z.union([z.literal(1), z.literal(2)], { error: 'invalid_months' }),
    reason: requiredText(REQUEST_TEXT_MAX),
  })
  .strict();

export const privacyRequestCloseInput = z
  .object({
    id,
    status: z.enum(['done', 'refused']),
    outcome: requiredText(REQUEST_TEXT_MAX),
  })
  .strict();

export const privacyOverdueInput = z.object({ today: requiredDate.optional() }).strict().default({});
export type PrivacyOverdue = { overdue: number; dueSoon: number };

/** The typed name must match the contact's name: an erasure cannot be undone. */
export const privacyEraseInput = z
  .object({
    contactId: id,
    requestId: id.optional(),
    confirmName: z.string({ error: 'required' }).max(400, { error: 'too_long' }),
  })
  .strict();
export type PrivacyEraseResult = { erased: number; contactId: number };

export const accessFormats = ['json', 'html'] as const;
export type AccessFormat = (typeof accessFormats)[number];
export const privacyAccessInput = z
  .object({ contactId: id, format: z.enum(accessFormats).default('json'), requestId: id.optional() })
  .strict();
/** `path` is inside the transfers folder: the renderer hands it over with `api.download`. */
export type PrivacyAccessResult = { path: string; format: AccessFormat; tables: string[] };

export type AuditEntry = {
  id: number;
  at: string;
  action: string;
  entity: string | null;
  entityId: number | null;
  /** Ids and counts only. */
  detail: Record<string, unknown>;
};
export const auditListInput = z
  .object({
    action: z.string().trim().max(100).nullish().transform((v) => (v ? v : null)),
    cursor: z.string().max(40).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type AuditPage = { rows: AuditEntry[]; nextCursor: string | null };

/** What an erased person's requests show instead of their name (the renderer translates it). */
export const ERASED_SUBJECT = '[erased]';

/** What the user types to confirm an erasure: the person's name, else their e-mail, else their number. */
export const erasureConfirmation = (c: { id: number; firstName: string | null; lastName: string | null; email: string | null }): string =>
  [c.firstName, c.lastName].filter((p): p is string => p !== null && p !== '').join(' ') || c.email || String(c.id);

/** Case, accents and spacing do not count: the check is about intent, not typing. */
export const confirmationMatches = (expected: string, typed: string): boolean => {
  const norm = (s: string) => fold(s).replace(/\s+/g, ' ').trim();
  return norm(typed) !== '' && norm(typed) === norm(expected);
};
