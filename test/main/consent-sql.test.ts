import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../src-main/domain/demo/generator';
import type { JobContext } from '../../src-main/host/registry';
import {
  consentChannels,
  consentPurposes,
  contactInput,
  contactListInput,
  demoInput,
  localDate,
  type ConsentChannel,
  type ConsentPurpose,
  type ContactStatus,
} from '../../src-main/contract';
import { appendConsentEvent, consentStatus } from '../../src-main/domain/consent/ledger';
import { contactableCond, countContactable, exclusionReasonSql } from '../../src-main/domain/consent/sql';
import { matchingIds, type ListTuning } from '../../src-main/domain/contacts/list';
import { createContact, listContacts } from '../../src-main/domain/contacts/service';
import { transaction, type Store } from '../../src-main/store/db';
import { openStore } from './helpers';

/**
 * The SQL filter (lists, segments, exports) must select exactly the contacts
 * the rule engine allows: random small bases, every channel and purpose,
 * every way the list may read them (tiny thresholds drive candidates, id
 * sets, probes and walks on a few rows).
 */
const person = fc.record({
  business: fc.boolean(),
  status: fc.constantFrom<ContactStatus>('prospect', 'customer', 'former'),
  email: fc.boolean(),
  // a landline has no SMS; a foreign number may (the filter cannot tell its kind)
  phone: fc.constantFrom('none', 'mobile', 'landline', 'foreign'),
  address: fc.constantFrom('full', 'no_city', 'none'),
  events: fc.array(
    fc.record({
      channel: fc.constantFrom(...consentChannels),
      purpose: fc.constantFrom(...consentPurposes),
      event: fc.constantFrom('granted', 'withdrawn', 'objected', 'informed' as const),
      day: fc.integer({ min: 1, max: 28 }),
    }),
    { maxLength: 6 },
  ),
});

const PHONES = { mobile: '06 12 34 56', landline: '01 42 34 56', foreign: '+32 470 12 34' } as const;

type Person = typeof person extends fc.Arbitrary<infer T> ? T : never;

const fill = (store: Store, people: readonly Person[]): number[] =>
  transaction(store, () => {
    const company = Number(store.sqlite.prepare("INSERT INTO companies (name, sort_name, country, created_at, updated_at) VALUES ('Durand SARL', 'durand sarl', 'FR', '2024-01-01', '2024-01-01')").run().lastInsertRowid);
    return people.map((p, i) => {
      const c = createContact(
        store,
        contactInput.parse({
          lastName: `Nom${i}`,
          status: p.status,
          email: p.email ? `p${i}@example.fr` : null,
          phone: p.phone === 'none' ? null : `${PHONES[p.phone]} ${String(i % 100).padStart(2, '0')}`,
          addressLine1: p.address === 'none' ? null : `${i} rue de la Paix`,
          city: p.address === 'full' ? 'Lyon' : null,
          companyId: p.business ? company : null,
        }),
      );
      for (const e of p.events) {
        appendConsentEvent(store, {
          contactId: c.id,
          channel: e.channel,
          purpose: e.purpose,
          event: e.event,
          at: `2025-02-${String(e.day).padStart(2, '0')}T10:00:00.000Z`,
          method: 'counter',
          operator: 'test',
          wordingId: null,
        });
      }
      return c.id;
    });
  });

const allowedByEngine = (store: Store, ids: readonly number[], channel: ConsentChannel, purpose: ConsentPurpose, on: string): number[] =>
  ids.filter((id) => consentStatus(store, id, on).cells.find((c) => c.channel === channel && c.purpose === purpose)?.decision.allowed);

const listAll = (store: Store, input: Record<string, unknown>, tuning: Partial<ListTuning>): { ids: number[]; total: number | null } => {
  const ids: number[] = [];
  let cursor: string | null = null;
  let total: number | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = listContacts(store, contactListInput.parse({ ...input, cursor, limit: 3 }), tuning);
    if (cursor === null) total = page.total;
    ids.push(...page.rows.map((r) => r.id));
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return { ids, total };
};

const tunings: Partial<ListTuning>[] = [
  {},
  { candidateMax: 1, setCandidateMax: 1, rowCandidateMax: 1, setMax: 1, walkBudget: 2, fallbackMax: 2, sortedSearchMax: 1 },
  { candidateMax: 50, setCandidateMax: 50, rowCandidateMax: 50, setMax: 50, walkBudget: 4, fallbackMax: 50 },
];

describe('contactable: SQL = rule engine', () => {
  it('on random bases, every channel × purpose, both sides of 2026-08-11', () => {
    fc.assert(
      fc.property(fc.array(person, { minLength: 1, maxLength: 14 }), fc.integer({ min: 0, max: tunings.length - 1 }), (people, t) => {
        const store = openStore();
        const ids = fill(store, people);
        const today = localDate();
        for (const channel of consentChannels) {
          for (const purpose of consentPurposes) {
            for (const on of ['2026-08-10', '2026-08-11', today]) {
              const want = allowedByEngine(store, ids, channel, purpose, on);
              const cond = contactableCond('c', { channel, purpose }, on);
              const got = store.sqlite.prepare(`SELECT c.id FROM contacts c WHERE ${cond.sql} ORDER BY c.id`).pluck().all(...cond.params);
              expect(got, `${channel}/${purpose} on ${on}`).toEqual(want);
              // the reason a marketing export gives for each one left out is the engine's
              const reason = exclusionReasonSql('c', { channel, purpose }, on);
              const reasons = store.sqlite.prepare(`SELECT c.id, ${reason.sql} AS r FROM contacts c ORDER BY c.id`).all(...reason.params) as { id: number; r: string | null }[];
              const engine = ids.map((id) => consentStatus(store, id, on).cells.find((c) => c.channel === channel && c.purpose === purpose)?.decision);
              expect(reasons.map((x) => x.r), `reasons ${channel}/${purpose} on ${on}`).toEqual(engine.map((d) => (d?.allowed ? null : d?.reason)));
              expect(countContactable(store, { channel, purpose }, on, ['prospect', 'customer', 'former']), `count ${channel}/${purpose} on ${on}`).toBe(want.length);
              const customers = want.filter((id) => people[ids.indexOf(id)]?.status === 'customer');
              expect(countContactable(store, { channel, purpose }, on, ['customer'])).toBe(customers.length);
            }
            // the list and the bulk actions, as the user filters them today
            const want = allowedByEngine(store, ids, channel, purpose, today);
            const listed = listAll(store, { contactable: { channel, purpose } }, tunings[t] ?? {});
            expect([...listed.ids].sort((a, b) => a - b), `list ${channel}/${purpose}`).toEqual(want);
            if (listed.total !== null) expect(listed.total).toBe(want.length);
            expect(matchingIds(store, { q: '', contactable: { channel, purpose } }).sort((a, b) => a - b)).toEqual(want);
            // with a search (every name starts with "Nom"): sorted, or capped and checked on each match
            expect(listAll(store, { q: 'nom', contactable: { channel, purpose } }, tunings[t] ?? {}).ids.sort((a, b) => a - b), `search ${channel}/${purpose}`).toEqual(want);
            const prospects = want.filter((id) => people[ids.indexOf(id)]?.status === 'prospect');
            expect(listAll(store, { contactable: { channel, purpose }, status: ['prospect'], sort: 'createdAt' }, tunings[t] ?? {}).ids.sort((a, b) => a - b)).toEqual(prospects);
          }
        }
        store.sqlite.close();
      }),
      { numRuns: 25 },
    );
  });

  it('the list shows the segment size on its first page', () => {
    const store = openStore();
    const ids = fill(store, [
      { business: false, status: 'customer', email: true, phone: 'none', address: 'none', events: [{ channel: 'email', purpose: 'offers', event: 'granted', day: 1 }] },
      { business: false, status: 'customer', email: true, phone: 'none', address: 'none', events: [{ channel: 'email', purpose: 'offers', event: 'informed', day: 1 }] },
      { business: true, status: 'prospect', email: true, phone: 'none', address: 'none', events: [] },
      { business: false, status: 'prospect', email: true, phone: 'none', address: 'none', events: [] },
      { business: false, status: 'customer', email: false, phone: 'none', address: 'none', events: [{ channel: 'email', purpose: 'offers', event: 'granted', day: 1 }] },
    ]);
    const page = listContacts(store, contactListInput.parse({ contactable: { channel: 'email', purpose: 'offers' }, limit: 2 }));
    expect(page.total).toBe(3);
    expect(listAll(store, { contactable: { channel: 'email', purpose: 'offers' } }, {}).ids.sort((a, b) => a - b)).toEqual(ids.slice(0, 3));
  });

  it('texts only mobiles: a French landline is no SMS address, though it takes calls', () => {
    const store = openStore();
    const granted = (channel: ConsentChannel) => ({ channel, purpose: 'offers' as const, event: 'granted' as const, day: 1 });
    const ids = fill(
      store,
      (['landline', 'mobile', 'foreign'] as const).map((phone) => ({
        business: false,
        status: 'customer' as const,
        email: false,
        phone,
        address: 'none' as const,
        events: [granted('sms'), granted('phone')],
      })),
    );
    const today = localDate();
    const decision = (id: number, channel: ConsentChannel) => consentStatus(store, id, today).cells.find((c) => c.channel === channel && c.purpose === 'offers')?.decision;
    expect(ids.map((id) => decision(id, 'sms'))).toEqual([
      { allowed: false, reason: 'no_address' },
      { allowed: true, reason: 'opt_in' },
      { allowed: true, reason: 'opt_in' },
    ]);
    expect(ids.map((id) => decision(id, 'phone')?.allowed)).toEqual([true, true, true]);
    expect(countContactable(store, { channel: 'sms', purpose: 'offers' }, today, ['prospect', 'customer', 'former'])).toBe(2);
    expect(listAll(store, { contactable: { channel: 'sms', purpose: 'offers' } }, {}).ids.sort((a, b) => a - b)).toEqual(ids.slice(1));
  });
});

describe('demo consent mix', () => {
  it('gives the demo shop a realistic ledger, with the default wordings, that the SQL and the engine read alike', async () => {
    const store = openStore();
    const job: JobContext = { jobId: 'test', signal: new AbortController().signal, progress: () => undefined, tick: () => Promise.resolve() };
    await generateDemo(store, demoInput.parse({ customers: 2_000, seed: 11 }), job, new Date('2026-03-15T10:30:00.000Z'), 700);
    const q = (sql: string): number => Number(store.sqlite.prepare(sql).pluck().get());
    const withEmail = q('SELECT count(*) FROM contacts WHERE email IS NOT NULL');
    const granted = q("SELECT count(*) FROM consent_state WHERE channel = 'email' AND purpose = 'newsletter' AND state IN ('granted', 'withdrawn')");
    // about 30 % of those with an e-mail opted in to the newsletter (some withdrew since)
    expect(granted / withEmail).toBeGreaterThan(0.22);
    expect(granted / withEmail).toBeLessThan(0.38);
    expect(q("SELECT count(*) FROM consent_state WHERE state = 'unknown' AND informed = 1")).toBeGreaterThan(0);
    expect(q("SELECT count(*) FROM consent_state WHERE state = 'withdrawn'")).toBeGreaterThan(0);
    expect(q("SELECT count(DISTINCT contact_id) FROM consent_state WHERE state = 'objected'")).toBeGreaterThan(0);
    // every grant points at version 1 of the default wording of its purpose; nothing is dated in the future
    expect(q("SELECT count(*) FROM consent_events e JOIN consent_wordings w ON w.id = e.wording_id AND w.purpose = e.purpose AND w.version = 1 WHERE e.event = 'granted'")).toBe(
      q("SELECT count(*) FROM consent_events WHERE event = 'granted'"),
    );
    expect(q("SELECT count(*) FROM consent_events WHERE at > '2026-03-15T10:30:00.000Z'")).toBe(0);
    const ids = store.sqlite.prepare('SELECT id FROM contacts ORDER BY id').pluck().all() as number[];
    const today = localDate();
    for (const [channel, purpose] of [['email', 'offers'], ['email', 'newsletter'], ['sms', 'offers'], ['post', 'loyalty']] as const) {
      expect(countContactable(store, { channel, purpose }, today, ['prospect', 'customer', 'former'])).toBe(allowedByEngine(store, ids, channel, purpose, today).length);
    }
  });
});
