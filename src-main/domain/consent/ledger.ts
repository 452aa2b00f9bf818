import type { z } from 'zod';
import {
  AppError,
  consentChannels,
  consentPurposes,
  localDate,
  type ConsentCell,
  type ConsentChannel,
  type ConsentDecision,
  type ConsentEvent,
  type ConsentPurpose,
  type ConsentState,
  type ConsentStatus,
  type consentCheckInput,
  type consentObjectInput,
  type consentRecordInput,
  type consentWithdrawInput,
} from '../../contract';
import { prepared, type Store } from '../../store/db';
import { appendAudit } from '../audit/log';
import { notFound } from '../contacts/service';
import { decide, hasAddressFor, type AddressFields, type PersonKind } from './rules';
import { appendConsentEvent, objectAll } from './events';
import { contactAddresses, suppress } from './suppression';
import { currentWording, ensureDefaultWordings } from './wordings';

export { appendConsentEvent, objectAll, type NewConsentEvent } from './events';

/** What the rules need to know about the person, read once per call. */
type Person = AddressFields & { id: number; personKind: PersonKind; isCustomer: boolean };

const person = (store: Store, contactId: number): Person => {
  const row = prepared(
    store.sqlite,
    `SELECT id, company_id AS companyId, status, email, phone, address_line1 AS addressLine1, city
     FROM contacts WHERE id = ?`,
  ).get(contactId) as (AddressFields & { id: number; companyId: number | null; status: string }) | undefined;
  if (row === undefined) throw notFound(contactId);
  return {
    id: row.id,
    email: row.email,
    phone: row.phone,
    addressLine1: row.addressLine1,
    city: row.city,
    personKind: row.companyId === null ? 'consumer' : 'business',
    isCustomer: row.status === 'customer',
  };
};

type StoredCell = { channel: ConsentChannel; purpose: ConsentPurpose; state: ConsentState; informed: number; at: string };

const storedCells = (store: Store, contactId: number): Map<string, StoredCell> =>
  new Map(
    (
      prepared(store.sqlite, 'SELECT channel, purpose, state, informed, at FROM consent_state WHERE contact_id = ?').all(
        contactId,
      ) as StoredCell[]
    ).map((c) => [`${c.channel}:${c.purpose}`, c]),
  );

const EVENT_SELECT = `SELECT e.id, e.contact_id AS contactId, e.channel, e.purpose, e.event, e.at, e.method, e.operator,
  e.wording_id AS wordingId, w.version AS wordingVersion, w.hash AS wordingHash, e.source_file AS sourceFile,
  e.source_line AS sourceLine, e.recorded_at AS recordedAt
  FROM consent_events e LEFT JOIN consent_wordings w ON w.id = e.wording_id`;

export const consentEventsByIds = (store: Store, ids: readonly number[]): ConsentEvent[] =>
  prepared(store.sqlite, `${EVENT_SELECT} WHERE e.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as ConsentEvent[];

const cellDecision = (p: Person, channel: ConsentChannel, purpose: ConsentPurpose, cell: StoredCell | undefined, on: string): ConsentDecision =>
  decide({
    personKind: p.personKind,
    channel,
    purpose,
    state: cell?.state ?? 'unknown',
    informed: cell?.informed === 1,
    isCustomer: p.isCustomer,
    hasAddress: hasAddressFor(p, channel),
    on,
  });

export const consentStatus = (store: Store, contactId: number, on = localDate()): ConsentStatus => {
  const p = person(store, contactId);
  const stored = storedCells(store, contactId);
  const cells: ConsentCell[] = [];
  for (const channel of consentChannels) {
    for (const purpose of consentPurposes) {
      const cell = stored.get(`${channel}:${purpose}`);
      cells.push({
        channel,
        purpose,
        state: cell?.state ?? 'unknown',
        informed: cell?.informed === 1,
        since: cell?.at ?? null,
        decision: cellDecision(p, channel, purpose, cell, on),
      });
    }
  }
  const events = prepared(store.sqlite, `${EVENT_SELECT} WHERE e.contact_id = ? ORDER BY e.at DESC, e.id DESC`).all(
    contactId,
  ) as ConsentEvent[];
  return { contactId, personKind: p.personKind, cells, events };
};

export const checkConsent = (store: Store, input: z.output<typeof consentCheckInput>): ConsentDecision => {
  const p = person(store, input.contactId);
  const cell = storedCells(store, input.contactId).get(`${input.channel}:${input.purpose}`);
  return cellDecision(p, input.channel, input.purpose, cell, input.on ?? localDate());
};

/** The current wording id of each purpose (defaults inserted on first use). */
export const wordingIds = (store: Store): Record<ConsentPurpose, number> => {
  ensureDefaultWordings(store);
  const out = {} as Record<ConsentPurpose, number>;
  for (const purpose of consentPurposes) {
    const w = currentWording(store, purpose);
    if (w === undefined) throw new Error(`no wording for ${purpose}`);
    out[purpose] = w.id;
  }
  return out;
};

const invalid = (path: string, code: string, message: string): AppError =>
  new AppError('VALIDATION', message, { issues: [{ path, code }] });

export const recordConsent = (store: Store, input: z.output<typeof consentRecordInput>): ConsentStatus => {
  const p = person(store, input.contactId);
  // one answer per cell and call: "granted and withdrawn" at the same instant proves nothing
  const seen = new Set<string>();
  input.entries.forEach((e, i) => {
    const key = `${e.channel}:${e.purpose}:${e.event === 'informed' ? 'informed' : 'answer'}`;
    if (seen.has(key)) throw invalid(`entries.${i}`, 'duplicate', `${e.channel}/${e.purpose} is given twice`);
    seen.add(key);
  });
  const stored = storedCells(store, p.id);
  input.entries.forEach((e, i) => {
    if (e.event === 'granted' && stored.get(`${e.channel}:${e.purpose}`)?.state === 'objected') {
      throw new AppError('CONFLICT', `the person objected to ${e.channel}/${e.purpose}: an objection is permanent`, {
        issues: [{ path: `entries.${i}`, code: 'objected' }],
      });
    }
  });
  const wordings = wordingIds(store);
  const now = new Date().toISOString();
  const at = input.at ?? now;
  for (const e of input.entries) {
    appendConsentEvent(
      store,
      { contactId: p.id, channel: e.channel, purpose: e.purpose, event: e.event, at, method: input.method, operator: input.operator, wordingId: wordings[e.purpose] },
      now,
    );
  }
  appendAudit(store, { action: 'consent.record', entity: 'contact', entityId: p.id, detail: { events: input.entries.length, method: input.method } });
  return consentStatus(store, p.id);
};

/**
 * One click: every matching cell the person can currently be reached on
 * (granted, or allowed by an opt-out regime or the existing-customer
 * exception) gets a withdrawal, so afterwards none of them is allowed.
 */
export const withdrawConsent = (store: Store, input: z.output<typeof consentWithdrawInput>): ConsentStatus => {
  const p = person(store, input.contactId);
  const stored = storedCells(store, p.id);
  const today = localDate();
  const wordings = wordingIds(store);
  const now = new Date().toISOString();
  let count = 0;
  for (const channel of consentChannels) {
    if (input.channel !== undefined && input.channel !== channel) continue;
    for (const purpose of consentPurposes) {
      if (input.purpose !== undefined && input.purpose !== purpose) continue;
      const cell = stored.get(`${channel}:${purpose}`);
      const reachable = cell?.state === 'granted' || cellDecision(p, channel, purpose, cell, today).allowed;
      if (!reachable) continue;
      appendConsentEvent(
        store,
        { contactId: p.id, channel, purpose, event: 'withdrawn', at: now, method: input.method, operator: input.operator, wordingId: wordings[purpose] },
        now,
      );
      count++;
    }
  }
  if (count > 0) appendAudit(store, { action: 'consent.withdraw', entity: 'contact', entityId: p.id, detail: { events: count } });
  return consentStatus(store, p.id);
};

export const objectConsent = (store: Store, input: z.output<typeof consentObjectInput>): ConsentStatus => {
  const p = person(store, input.contactId);
  const now = new Date().toISOString();
  const events = objectAll(store, p.id, input.method, input.operator, now);
  const { emails, phones } = contactAddresses(store, p.id);
  const hashes = suppress(
    store,
    [...emails.map((value) => ({ kind: 'email' as const, value })), ...phones.map((value) => ({ kind: 'phone' as const, value }))],
    'objection',
    now,
  );
  appendAudit(store, { action: 'consent.object', entity: 'contact', entityId: p.id, detail: { events, suppressed: hashes, method: input.method } });
  return consentStatus(store, p.id);
};
