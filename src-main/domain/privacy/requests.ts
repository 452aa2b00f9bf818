import type { z } from 'zod';
import {
  addDays,
  addMonths,
  AppError,
  DUE_SOON_DAYS,
  localDate,
  MAX_EXTENSION_MONTHS,
  type PrivacyOverdue,
  type PrivacyRequest,
  type PrivacyRequestKind,
  type PrivacyRequestPage,
  type PrivacyRequestStatus,
  type privacyRequestCloseInput,
  type privacyRequestCreateInput,
  type privacyRequestExtendInput,
  type privacyRequestListInput,
} from '../../contract';
import { prepared, type Store } from '../../store/db';
import { appendAudit } from '../audit/log';
import { objectAll } from '../consent/ledger';
import { contactAddresses, suppress } from '../consent/suppression';

/**
 * The register of data-subject requests (GDPR art. 12(3)): answer within one
 * month of receipt, extendable by two more with a recorded reason. A month
 * is a calendar month, clamped to the end of a shorter one: received on
 * 31 January, due on 28 (or 29) February.
 */


type Row = {
  id: number;
  contact_id: number | null;
  subject: string;
  kind: PrivacyRequestKind;
  received_on: string;
  identity_check: string;
  due_on: string;
  extended_to: string | null;
  extension_reason: string | null;
  status: PrivacyRequestStatus;
  closed_on: string | null;
  outcome: string | null;
  created_at: string;
  updated_at: string;
};

const toRequest = (r: Row, today: string): PrivacyRequest => {
  const deadline = r.extended_to ?? r.due_on;
  return {
    id: r.id,
    contactId: r.contact_id,
    subject: r.subject,
    kind: r.kind,
    receivedOn: r.received_on,
    identityCheck: r.identity_check,
    dueOn: r.due_on,
    extendedTo: r.extended_to,
    extensionReason: r.extension_reason,
    deadline,
    status: r.status,
    closedOn: r.closed_on,
    outcome: r.outcome,
    overdue: r.status === 'open' && deadline < today,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
};

const load = (store: Store, id: number): Row => {
  const row = prepared(store.sqlite, 'SELECT * FROM privacy_requests WHERE id = ?').get(id) as Row | undefined;
  if (!row) throw new AppError('NOT_FOUND', `request ${id} not found`, { entity: 'privacy_request', id });
  return row;
};

export const getRequest = (store: Store, id: number, today = localDate()): PrivacyRequest => toRequest(load(store, id), today);

const DEADLINE_SQL = 'coalesce(extended_to, due_on)';

export const listRequests = (store: Store, input: z.output<typeof privacyRequestListInput>): PrivacyRequestPage => {
  const today = input.today ?? localDate();
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (input.status !== 'all') {
    where.push('status = ?');
    params.push(input.status);
  }
  if (input.contactId !== undefined) {
    where.push('contact_id = ?');
    params.push(input.contactId);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const total = prepared(store.sqlite, `SELECT count(*) FROM privacy_requests ${clause}`).pluck().get(...params) as number;
  // open ones first, the most urgent on top; then the closed ones, latest first
  const rows = prepared(
    store.sqlite,
    `SELECT * FROM privacy_requests ${clause}
     ORDER BY status <> 'open', CASE WHEN status = 'open' THEN ${DEADLINE_SQL} END, closed_on DESC, id DESC
     LIMIT ? OFFSET ?`,
  ).all(...params, input.limit, input.offset) as Row[];
  return { rows: rows.map((r) => toRequest(r, today)), total };
};

export const createRequest = (store: Store, input: z.output<typeof privacyRequestCreateInput>): PrivacyRequest => {
  if (input.contactId !== null && prepared(store.sqlite, 'SELECT 1 FROM contacts WHERE id = ?').get(input.contactId) === undefined) {
    throw new AppError('NOT_FOUND', `contact ${input.contactId} not found`, { entity: 'contact', id: input.contactId });
  }
  const now = new Date().toISOString();
  const { lastInsertRowid } = prepared(
    store.sqlite,
    `INSERT INTO privacy_requests (contact_id, subject, kind, received_on, identity_check, due_on, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)`,
  ).run(input.contactId, input.subject, input.kind, input.receivedOn, input.identityCheck, addMonths(input.receivedOn, 1), now, now);
  const id = Number(lastInsertRowid);
  appendAudit(store, {
    action: 'privacy.request.create',
    entity: 'privacy_request',
    entityId: id,
    detail: { kind: input.kind, contactId: input.contactId },
  });
  return getRequest(store, id);
};

/** Months already added: the extension is stored as a date, counted back from the receipt date. */
const extendedMonths = (r: Row): number => {
  if (r.extended_to === null) return 0;
  for (let k = 1; k <= MAX_EXTENSION_MONTHS; k += 1) if (addMonths(r.received_on, 1 + k) === r.extended_to) return k;
  return MAX_EXTENSION_MONTHS;
};

export const extendRequest = (store: Store, input: z.output<typeof privacyRequestExtendInput>): PrivacyRequest => {
  const r = load(store, input.id);
  if (r.status !== 'open') throw new AppError('CONFLICT', 'this request is closed', { reason: 'closed' });
  const total = extendedMonths(r) + input.months;
  if (total > MAX_EXTENSION_MONTHS) {
    throw new AppError('VALIDATION', 'the deadline can be extended by two months at most', {
      issues: [{ path: 'months', code: 'extension_too_long' }],
      remaining: MAX_EXTENSION_MONTHS - extendedMonths(r),
    });
  }
  // each extension keeps its reason: the register shows why the person waited longer
  const reason = r.extension_reason === null ? input.reason : `${r.extension_reason}\n${input.reason}`;
  prepared(store.sqlite, 'UPDATE privacy_requests SET extended_to = ?, extension_reason = ?, updated_at = ? WHERE id = ?').run(
    addMonths(r.received_on, 1 + total),
    reason,
    new Date().toISOString(),
    r.id,
  );
  appendAudit(store, {
    action: 'privacy.request.extend',
    entity: 'privacy_request',
    entityId: r.id,
    detail: { months: input.months, totalMonths: total },
  });
  return getRequest(store, r.id);
};

/**
 * Closes a request. An objection granted on a known contact is applied to the
 * consent ledger at once (objected everywhere, suppression entry), so the
 * register and who may be contacted never disagree.
 */
export const closeRequest = (
  store: Store,
  input: z.output<typeof privacyRequestCloseInput>,
  operator = 'privacy-register',
): PrivacyRequest => {
  const r = load(store, input.id);
  if (r.status !== 'open') throw new AppError('CONFLICT', 'this request is already closed', { reason: 'closed' });
  let objected = false;
  if (r.kind === 'objection' && input.status === 'done' && r.contact_id !== null) {
    // recorded by the register itself ('system'), the person's own means being in the request
    const now = new Date().toISOString();
    const events = objectAll(store, r.contact_id, 'system', operator, now);
    const { emails, phones } = contactAddresses(store, r.contact_id);
    suppress(
      store,
      [...emails.map((value) => ({ kind: 'email' as const, value })), ...phones.map((value) => ({ kind: 'phone' as const, value }))],
      'objection',
      now,
    );
    appendAudit(store, { action: 'consent.object', entity: 'contact', entityId: r.contact_id, detail: { events, requestId: r.id } });
    objected = true;
  }
  prepared(store.sqlite, 'UPDATE privacy_requests SET status = ?, outcome = ?, closed_on = ?, updated_at = ? WHERE id = ?').run(
    input.status,
    input.outcome,
    localDate(),
    new Date().toISOString(),
    r.id,
  );
  appendAudit(store, {
    action: 'privacy.request.close',
    entity: 'privacy_request',
    entityId: r.id,
    detail: { kind: r.kind, status: input.status, contactId: r.contact_id, objected },
  });
  return getRequest(store, r.id);
};

export const overdueRequests = (store: Store, today = localDate()): PrivacyOverdue => {
  const row = prepared(
    store.sqlite,
    `SELECT
       coalesce(sum(${DEADLINE_SQL} < ?), 0) AS overdue,
       coalesce(sum(${DEADLINE_SQL} >= ? AND ${DEADLINE_SQL} <= ?), 0) AS dueSoon
     FROM privacy_requests WHERE status = 'open'`,
  ).get(today, today, addDays(today, DUE_SOON_DAYS)) as { overdue: number; dueSoon: number };
  return { overdue: row.overdue, dueSoon: row.dueSoon };
};
