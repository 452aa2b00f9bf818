import {
  consentChannels,
  consentPurposes,
  type ConsentChannel,
  type ConsentEventKind,
  type ConsentMethod,
  type ConsentPurpose,
  type ConsentState,
} from '../../contract';
import { prepared, type Store } from '../../store/db';

/**
 * Writing to the ledger, with no dependency on the contacts service: the
 * contact writers (create, update, import) call in here for the suppression
 * list, and the consent service builds on it.
 */
export type NewConsentEvent = {
  contactId: number;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  event: ConsentEventKind;
  at: string;
  method: ConsentMethod;
  operator: string;
  wordingId: number | null;
  sourceFile?: string | null;
  sourceLine?: number | null;
  importId?: number | null;
};

const INSERT_EVENT = `INSERT INTO consent_events (contact_id, channel, purpose, event, at, method, operator, wording_id,
  source_file, source_line, import_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** Appends one event; the 0007 triggers derive `consent_state` from it. */
export const appendConsentEvent = (store: Store, e: NewConsentEvent, recordedAt = new Date().toISOString()): number =>
  Number(
    prepared(store.sqlite, INSERT_EVENT).run(
      e.contactId,
      e.channel,
      e.purpose,
      e.event,
      e.at,
      e.method,
      e.operator,
      e.wordingId,
      e.sourceFile ?? null,
      e.sourceLine ?? null,
      e.importId ?? null,
      recordedAt,
    ).lastInsertRowid,
  );

const objectedCells = (store: Store, contactId: number): Set<string> =>
  new Set(
    (
      prepared(store.sqlite, "SELECT channel, purpose FROM consent_state WHERE contact_id = ? AND state = 'objected'").all(contactId) as {
        channel: ConsentChannel;
        purpose: ConsentPurpose;
        state?: ConsentState;
      }[]
    ).map((c) => `${c.channel}:${c.purpose}`),
  );

/** Objected on every cell not yet objected; returns how many events were written. */
export const objectAll = (store: Store, contactId: number, method: ConsentMethod, operator: string, now = new Date().toISOString()): number => {
  const objected = objectedCells(store, contactId);
  let count = 0;
  for (const channel of consentChannels) {
    for (const purpose of consentPurposes) {
      if (objected.has(`${channel}:${purpose}`)) continue;
      appendConsentEvent(store, { contactId, channel, purpose, event: 'objected', at: now, method, operator, wordingId: null }, now);
      count++;
    }
  }
  return count;
};


type CellRow = { state: ConsentState; informed: number; at: string; eventId: number };

/**
 * Rebuilds a contact's consent_state from its ledger after a merge (or its
 * undo) moved events between contacts: the events replayed in the order they
 * were recorded, by the rules of the 0007 triggers (an objection is
 * permanent, an event recorded late never overrides a newer one, informed
 * once is informed), so the result is what the triggers would have kept had
 * every event been recorded on this contact.
 */
export const recomputeConsentState = (db: Store['sqlite'], contactId: number): void => {
  const events = db
    .prepare('SELECT id, channel, purpose, event, at FROM consent_events WHERE contact_id = ? ORDER BY id')
    .all(contactId) as { id: number; channel: string; purpose: string; event: string; at: string }[];
  const cells = new Map<string, CellRow & { channel: string; purpose: string }>();
  for (const e of events) {
    const key = `${e.channel}:${e.purpose}`;
    const cell = cells.get(key);
    if (e.event === 'informed') {
      if (cell === undefined) cells.set(key, { channel: e.channel, purpose: e.purpose, state: 'unknown', informed: 1, at: e.at, eventId: e.id });
      else cell.informed = 1;
      continue;
    }
    const state = e.event as ConsentState;
    if (cell === undefined) {
      cells.set(key, { channel: e.channel, purpose: e.purpose, state, informed: 0, at: e.at, eventId: e.id });
    } else if (cell.state !== 'objected' && (state === 'objected' || cell.state === 'unknown' || e.at >= cell.at)) {
      Object.assign(cell, { state, at: e.at, eventId: e.id });
    }
  }
  db.prepare('DELETE FROM consent_state WHERE contact_id = ?').run(contactId);
  const insert = db.prepare(
    'INSERT INTO consent_state (contact_id, channel, purpose, state, informed, at, event_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  for (const c of cells.values()) insert.run(contactId, c.channel, c.purpose, c.state, c.informed, c.at, c.eventId);
};
