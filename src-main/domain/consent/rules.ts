import { isTextable, type ConsentChannel, type ConsentDecision, type ConsentPurpose, type ConsentState } from '../../contract';

/**
 * The one rule engine (DESIGN §5, CNIL). The SQL filter in `sql.ts` states the
 * same rules for lists and exports; a property test keeps the two in step.
 */
export type PersonKind = 'consumer' | 'business';

export type DecideInput = {
  personKind: PersonKind;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  state: ConsentState;
  informed: boolean;
  isCustomer: boolean;
  /** An address for this channel is on file (e-mail, a number — a mobile for SMS — or a postal address for post). */
  hasAddress: boolean;
  /** The calendar day the message goes out (`YYYY-MM-DD`). */
  on: string;
};

/** Loi 2025-594: phone canvassing of consumers needs prior consent from this day on. */
export const PHONE_OPT_IN_FROM = '2026-08-11';

const deny = (reason: ConsentDecision['reason']): ConsentDecision => ({ allowed: false, reason });
const allow = (reason: ConsentDecision['reason']): ConsentDecision => ({ allowed: true, reason });

export const decide = (input: DecideInput): ConsentDecision => {
  const { personKind, channel, purpose, state } = input;
  // the person's own word beats every regime, and an objection is for good
  if (state === 'objected') return deny('objected');
  if (state === 'withdrawn') return deny('withdrawn');
  if (!input.hasAddress) return deny('no_address');
  if (state === 'granted') return allow('opt_in');
  // passing data on to partners is never covered by an opt-out regime
  if (purpose === 'partners') return deny('no_consent');
  if (channel === 'post') return allow('post_opt_out');
  if (personKind === 'business') return allow('business_opt_out');
  if (channel === 'phone') return input.on < PHONE_OPT_IN_FROM ? allow('phone_opt_out') : deny('no_consent');
  // consumer e-mail / SMS: similar products to an existing customer who was told and could object
  if (purpose === 'offers' && input.isCustomer && input.informed) return allow('existing_customer');
  return deny('no_consent');
};

/** What `hasAddress` means per channel, on the contact's main fields (the ones messages go to). */
export type AddressFields = {
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  city: string | null;
};

export const hasAddressFor = (contact: AddressFields, channel: ConsentChannel): boolean => {
  switch (channel) {
    case 'email':
      return contact.email !== null;
    case 'sms':
      return contact.phone !== null && isTextable(contact.phone);
    case 'phone':
      return contact.phone !== null;
    case 'post':
      return contact.addressLine1 !== null && contact.city !== null;
  }
};

export type LedgerEntry = { event: 'granted' | 'withdrawn' | 'objected' | 'informed'; at: string };
export type CellState = { state: ConsentState; informed: boolean; at: string | null };

/**
 * The state a cell reaches after these events, in the order they were
 * recorded: exactly what the `consent_events_state` / `_informed` triggers of
 * migration 0007 keep in `consent_state` (objection permanent, an event
 * recorded late never overrides a newer one, informed once is informed).
 */
export const foldLedger = (entries: readonly LedgerEntry[]): CellState => {
  let cell: CellState = { state: 'unknown', informed: false, at: null };
  for (const e of entries) {
    if (e.event === 'informed') {
      cell = cell.at === null ? { state: 'unknown', informed: true, at: e.at } : { ...cell, informed: true };
      continue;
    }
    if (cell.state === 'objected') continue;
    if (e.event === 'objected' || cell.state === 'unknown' || cell.at === null || e.at >= cell.at) {
      cell = { ...cell, state: e.event, at: e.at };
    }
  }
  return cell;
};
