import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consentChannels,
  consentPurposes,
  consentStates,
  type ConsentChannel,
  type ConsentDecision,
  type ConsentPurpose,
  type ConsentState,
} from '../../src-main/contract';
import { decide, foldLedger, type LedgerEntry, type PersonKind } from '../../src-main/domain/consent/rules';

/**
 * The expectation is written as the law reads, regime first, without looking
 * at the engine: which regime a message falls under (prior consent, opt-out,
 * or the existing-customer exception), then what the person said.
 */
type Regime = 'consent' | 'opt_out' | 'customer_exception';

const regimeOf = (person: PersonKind, channel: ConsentChannel, purpose: ConsentPurpose, day: string): { regime: Regime; optOutReason?: ConsentDecision['reason'] } => {
  const table: Record<PersonKind, Record<ConsentChannel, Record<Exclude<ConsentPurpose, 'partners'>, Regime>>> = {
    consumer: {
      email: { newsletter: 'consent', offers: 'customer_exception', loyalty: 'consent' },
      sms: { newsletter: 'consent', offers: 'customer_exception', loyalty: 'consent' },
      phone:
        day >= '2026-08-11'
          ? { newsletter: 'consent', offers: 'consent', loyalty: 'consent' }
          : { newsletter: 'opt_out', offers: 'opt_out', loyalty: 'opt_out' },
      post: { newsletter: 'opt_out', offers: 'opt_out', loyalty: 'opt_out' },
    },
    business: {
      email: { newsletter: 'opt_out', offers: 'opt_out', loyalty: 'opt_out' },
      sms: { newsletter: 'opt_out', offers: 'opt_out', loyalty: 'opt_out' },
      phone: { newsletter: 'opt_out', offers: 'opt_out', loyalty: 'opt_out' },
      post: { newsletter: 'opt_out', offers: 'opt_out', loyalty: 'opt_out' },
    },
  };
  if (purpose === 'partners') return { regime: 'consent' };
  const regime = table[person][channel][purpose];
  const optOutReason = channel === 'post' ? 'post_opt_out' : person === 'business' ? 'business_opt_out' : 'phone_opt_out';
  return regime === 'opt_out' ? { regime, optOutReason } : { regime };
};

const expected = (c: {
  person: PersonKind;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  state: ConsentState;
  informed: boolean;
  customer: boolean;
  address: boolean;
  day: string;
}): ConsentDecision => {
  if (c.state === 'objected') return { allowed: false, reason: 'objected' };
  if (c.state === 'withdrawn') return { allowed: false, reason: 'withdrawn' };
  if (!c.address) return { allowed: false, reason: 'no_address' };
  if (c.state === 'granted') return { allowed: true, reason: 'opt_in' };
  const { regime, optOutReason } = regimeOf(c.person, c.channel, c.purpose, c.day);
  if (regime === 'opt_out') return { allowed: true, reason: optOutReason ?? 'no_consent' };
  if (regime === 'customer_exception' && c.customer && c.informed) return { allowed: true, reason: 'existing_customer' };
  return { allowed: false, reason: 'no_consent' };
};

const persons: PersonKind[] = ['consumer', 'business'];
const days = ['2026-08-10', '2026-08-11'];
const bools = [false, true];

describe('consent rule engine', () => {
  const cases: Parameters<typeof expected>[0][] = [];
  for (const person of persons)
    for (const channel of consentChannels)
      for (const purpose of consentPurposes)
        for (const state of consentStates)
          for (const informed of bools)
            for (const customer of bools)
              for (const address of bools)
                for (const day of days) cases.push({ person, channel, purpose, state, informed, customer, address, day });

  it('covers every combination (2 × 4 × 4 × 4 × 2 × 2 × 2 × 2)', () => {
    expect(cases).toHaveLength(2 * 4 * 4 * 4 * 2 * 2 * 2 * 2);
  });

  it('answers every combination as the expectation table says', () => {
    const wrong = cases.filter((c) => {
      const got = decide({
        personKind: c.person,
        channel: c.channel,
        purpose: c.purpose,
        state: c.state,
        informed: c.informed,
        isCustomer: c.customer,
        hasAddress: c.address,
        on: c.day,
      });
      const want = expected(c);
      return got.allowed !== want.allowed || got.reason !== want.reason;
    });
    expect(wrong).toEqual([]);
  });

  it('spot checks the cases the law is about', () => {
    const base = { informed: false, isCustomer: false, hasAddress: true, on: '2026-01-15' } as const;
    // a consumer never asked is not e-mailed, not even a newsletter
    expect(decide({ ...base, personKind: 'consumer', channel: 'email', purpose: 'newsletter', state: 'unknown' })).toEqual({ allowed: false, reason: 'no_consent' });
    // an informed customer may get offers for similar products, but not once withdrawn
    expect(decide({ ...base, informed: true, isCustomer: true, personKind: 'consumer', channel: 'email', purpose: 'offers', state: 'unknown' })).toEqual({ allowed: true, reason: 'existing_customer' });
    expect(decide({ ...base, informed: true, isCustomer: true, personKind: 'consumer', channel: 'email', purpose: 'offers', state: 'withdrawn' })).toEqual({ allowed: false, reason: 'withdrawn' });
    // loi 2025-594: the day before / the day of
    expect(decide({ ...base, on: '2026-08-10', personKind: 'consumer', channel: 'phone', purpose: 'offers', state: 'unknown' }).allowed).toBe(true);
    expect(decide({ ...base, on: '2026-08-11', personKind: 'consumer', channel: 'phone', purpose: 'offers', state: 'unknown' }).allowed).toBe(false);
    expect(decide({ ...base, personKind: 'business', channel: 'email', purpose: 'partners', state: 'unknown' })).toEqual({ allowed: false, reason: 'no_consent' });
    expect(decide({ ...base, hasAddress: false, personKind: 'business', channel: 'post', purpose: 'offers', state: 'granted' })).toEqual({ allowed: false, reason: 'no_address' });
  });
});

describe('consent ledger properties', () => {
  const instant = fc
    .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) })
    .map((ms) => new Date(ms).toISOString());
  const kind = fc.constantFrom<LedgerEntry['event']>('granted', 'withdrawn', 'objected', 'informed');
  const entry = fc.record({ event: kind, at: instant });
  const context = fc.record({
    personKind: fc.constantFrom<PersonKind>('consumer', 'business'),
    channel: fc.constantFrom(...consentChannels),
    purpose: fc.constantFrom(...consentPurposes),
    isCustomer: fc.boolean(),
    hasAddress: fc.boolean(),
    on: fc.constantFrom('2025-01-01', '2026-08-10', '2026-08-11', '2030-01-01'),
  });
  type Context = { personKind: PersonKind; channel: ConsentChannel; purpose: ConsentPurpose; isCustomer: boolean; hasAddress: boolean; on: string };
  const decideAfter = (ctx: Context, entries: LedgerEntry[]) => {
    const cell = foldLedger(entries);
    return decide({ ...ctx, state: cell.state, informed: cell.informed });
  };

  it('a withdrawal as the latest event is never allowed', () => {
    fc.assert(
      fc.property(context, fc.array(entry, { maxLength: 12 }), instant, (ctx, history, last) => {
        // the withdrawal is recorded last and is at least as recent as everything before it
        const latest = history.reduce((max, e) => (e.at > max ? e.at : max), last);
        expect(decideAfter(ctx, [...history, { event: 'withdrawn', at: latest }]).allowed).toBe(false);
      }),
    );
  });

  it('once objected, never allowed whatever follows', () => {
    fc.assert(
      fc.property(context, fc.array(entry, { maxLength: 8 }), instant, fc.array(entry, { maxLength: 12 }), (ctx, before, at, after) => {
        const result = decideAfter(ctx, [...before, { event: 'objected', at }, ...after]);
        expect(result).toEqual({ allowed: false, reason: 'objected' });
      }),
    );
  });

  it('no events never allows consumer e-mail or SMS', () => {
    fc.assert(
      fc.property(context, fc.constantFrom<ConsentChannel>('email', 'sms'), (ctx, channel) => {
        expect(decideAfter({ ...ctx, personKind: 'consumer', channel }, []).allowed).toBe(false);
      }),
    );
  });

  it('an event recorded late never overrides a newer one, except an objection', () => {
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [older, newer] = a <= b ? [a, b] : [b, a];
        fc.pre(older < newer);
        expect(foldLedger([{ event: 'granted', at: newer }, { event: 'withdrawn', at: older }]).state).toBe('granted');
        expect(foldLedger([{ event: 'granted', at: newer }, { event: 'objected', at: older }]).state).toBe('objected');
      }),
    );
  });
});
