import fc from 'fast-check';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import {
  callNames,
  calls,
  contactInput,
  contactListInput,
  fold,
  isValidSiret,
  searchTerms,
  settingsUpdateInput,
  toE164,
  formatPhone,
  fromMilli,
  isQuantityPrecise,
  lineTotalCents,
  quantityMilli,
  QUANTITY_MAX,
  shareOf,
  UNIT_PRICE_MAX_CENTS,
} from '../../src-main/contract';
import { handlers } from '../../src-main/host/handlers';

/** The display form by libphonenumber alone: the oracle for formatPhone's shortcut. */
const libphonenumberDisplay = (e164: string): string => {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === 'FR' ? parsed.formatNational() : parsed.formatInternational();
};

const issues = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}:${i.message}`);

describe('contact schema', () => {
  it('normalises what is typed at the counter', () => {
    const r = contactInput.parse({
      civility: 'mme',
      firstName: '  François ',
      lastName: 'Lefèvre',
      email: ' Francois.Lefevre@Orange.FR ',
      phone: '06 12 34 56 78',
      postcode: '01000',
      city: 'Bourg-en-Bresse',
    });
    expect(r).toMatchObject({
      firstName: 'François',
      email: 'francois.lefevre@orange.fr',
      phone: '+33612345678',
      postcode: '01000',
      country: 'FR',
      status: 'prospect',
      source: 'shop_form',
      addressLine1: null,
    });
  });

  it('accepts international numbers and foreign postcodes', () => {
    const r = contactInput.parse({ lastName: 'Müller', phone: '+49 30 901820', postcode: 'D-10115', country: 'de' });
    expect(r.phone).toBe('+4930901820');
    expect(r.country).toBe('DE');
  });

  it.each([
    [{}, 'lastName:name_required'],
    [{ firstName: '   ', lastName: '' }, 'lastName:name_required'],
    [{ lastName: 'x'.repeat(10_000) }, 'lastName:too_long'],
    [{ lastName: 'Martin', email: 'martin@' }, 'email:invalid_email'],
    [{ lastName: 'Martin', email: 'a b@c.fr' }, 'email:invalid_email'],
    [{ lastName: 'Martin', phone: '12' }, 'phone:invalid_phone'],
    [{ lastName: 'Martin', phone: '06 12 34' }, 'phone:invalid_phone'],
    [{ lastName: 'Martin', postcode: '1000' }, 'postcode:invalid_postcode'],
    [{ lastName: 'Martin', country: 'FRA' }, 'country:invalid_country'],
    [{ lastName: 'Ma\u0000rtin' }, 'lastName:invalid_chars'],
  ])('refuses %j with %s', (input, expected) => {
    expect(issues(contactInput.safeParse(input))).toContain(expected);
  });

  it('keeps HTML and SQL-looking names as plain text', () => {
    const r = contactInput.parse({ firstName: '<script>alert(1)</script>', lastName: "Robert'); DROP TABLE contacts;--" });
    expect(r.firstName).toBe('<script>alert(1)</script>');
    expect(r.lastName).toBe("Robert'); DROP TABLE contacts;--");
  });

  it('names every mistake in one pass, the cross-field ones too, so the form does not reveal them one round at a time', () => {
    const r = contactInput.safeParse({ lastName: 'Martin', email: 'foo@', phone: '12345', postcode: '7500', birthDate: '1990-02-31' });
    expect(r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['email', 'invalid_email'],
      ['phone', 'invalid_phone'],
      ['birthDate', 'invalid_date'],
      ['postcode', 'invalid_postcode'],
    ]);
    // and a value that is not a record at all is refused as such
    expect(contactInput.safeParse(null).success).toBe(false);
  });

  it('refuses unknown fields rather than dropping them silently', () => {
    expect(contactInput.safeParse({ lastName: 'A', isAdmin: true }).success).toBe(false);
  });

  it('bounds list requests', () => {
    expect(contactListInput.safeParse({ limit: 100_000 }).success).toBe(false);
    expect(contactListInput.parse({})).toMatchObject({ q: '', sort: 'name', dir: 'asc', cursor: null, limit: 100 });
  });
});

describe('text helpers', () => {
  it('fold gives plain ASCII the same as any other text', () => {
    const slow = (v: string) =>
      v
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[œæß]/g, (c) => ({ œ: 'oe', æ: 'ae', ß: 'ss' })[c] ?? c)
        .replace(/\s+/g, ' ')
        .trim();
    const ascii = fc.string({ unit: fc.constantFrom(...'aZ09-. \t\n\'É'.split('')), maxLength: 20 });
    fc.assert(
      fc.property(fc.oneof(ascii, fc.string({ unit: 'binary', maxLength: 20 })), (v) => {
        expect(fold(v)).toBe(slow(v));
      }),
      { numRuns: 2000 },
    );
    expect(fold('Jean-Marie  DUPONT')).toBe('jean-marie dupont');
  });

  it('fold removes accents, case and ligatures', () => {
    expect(fold('  ÉLODIE   Cœur ')).toBe('elodie coeur');
    expect(fold('François')).toBe('francois');
  });
  it('splits search input the way the full-text index does', () => {
    expect(searchTerms('jean.dup@ora')).toEqual(['jean', 'dup', 'ora']);
    expect(searchTerms('  ')).toEqual([]);
    expect(searchTerms('"; DROP')).toEqual(['DROP']);
    // digits typed in parts are a phone number, indexed as one run of digits
    expect(searchTerms('06 12.34')).toEqual(['061234']);
    expect(searchTerms('8 0')).toEqual(['80']);
  });
  it('formats French numbers nationally and others internationally', () => {
    expect(formatPhone('+33612345678')).toBe('06 12 34 56 78');
    expect(formatPhone('+4930901820')).toMatch(/^\+49 30/);
    expect(toE164('+33 (0)6 12 34 56 78')).toBe('+33612345678');
    expect(formatPhone('+33800123456')).toBe(libphonenumberDisplay('+33800123456'));
    expect(formatPhone('+262692123456')).toBe(libphonenumberDisplay('+262692123456'));
  });

  it('shows every French number as libphonenumber does, allocated or not, without asking it for most', () => {
    const french = fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 99_999_999 }))
      .map(([lead, rest]) => `+33${lead}${String(rest).padStart(8, '0')}`);
    fc.assert(
      fc.property(french, (e164) => {
        expect(formatPhone(e164)).toBe(libphonenumberDisplay(e164));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('line totals', () => {
  /** The exact rounding, in integers of any size: |milli × price| / 1000 to the nearest cent, halves away from zero. */
  const exact = (milli: number, price: number): number => {
    const product = BigInt(milli) * BigInt(price);
    const magnitude = product < 0n ? -product : product;
    const cents = (magnitude * 2n + 1000n) / 2000n;
    return product < 0n && cents > 0n ? -Number(cents) : Number(cents);
  };

  it('are quantity × unit price to the cent, halves away from zero, for every quantity to the thousandth', () => {
    const milli = fc.integer({ min: -QUANTITY_MAX * 1000, max: QUANTITY_MAX * 1000 }).filter((m) => m !== 0);
    const price = fc.integer({ min: -UNIT_PRICE_MAX_CENTS, max: UNIT_PRICE_MAX_CENTS });
    fc.assert(
      fc.property(milli, price, (m, p) => {
        const quantity = fromMilli(m);
        expect(quantityMilli(quantity)).toBe(m);
        expect(isQuantityPrecise(quantity)).toBe(true);
        expect(lineTotalCents(quantity, p) + 0).toBe(exact(m, p));
        // a refund of the same quantity gives back exactly what was paid
        expect(lineTotalCents(-quantity, p)).toBe(0 - lineTotalCents(quantity, p));
      }),
      { numRuns: 5000 },
    );
    expect(lineTotalCents(0.352, 3250)).toBe(1144);
    expect(lineTotalCents(0.5, 333)).toBe(167);
    expect(lineTotalCents(-0.5, 333)).toBe(-167);
    expect(isQuantityPrecise(0.0005)).toBe(false);
  });

  it('share an amount to the cent, halves away from zero, exactly on both sides of 2^53', () => {
    const oracle = (amount: number, part: number, whole: number): number => {
      const m = (BigInt(Math.abs(amount)) * BigInt(part) * 2n + BigInt(whole)) / (2n * BigInt(whole));
      return amount < 0 && m > 0n ? -Number(m) : Number(m);
    };
    const amount = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e13, max: 1e13 }));
    const whole = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1e8 }));
    fc.assert(
      fc.property(amount, whole, fc.double({ min: 0, max: 1, noNaN: true }), (a, w, f) => {
        const part = Math.max(1, Math.round(w * f));
        expect(shareOf(a, part, w) + 0).toBe(oracle(a, part, w));
      }),
      { numRuns: 5000 },
    );
    expect(shareOf(3250, 352, 1000)).toBe(1144);
    expect(shareOf(-333, 500, 1000)).toBe(-167);
  });
});

describe('settings schema', () => {
  it('checks SIRET with its Luhn key', () => {
    expect(isValidSiret('73282932000074')).toBe(true);
    expect(isValidSiret('73282932000075')).toBe(false);
    expect(settingsUpdateInput.safeParse({ shop: { siret: '732 829 320 00074' } }).success).toBe(true);
    expect(issues(settingsUpdateInput.safeParse({ shop: { siret: '12345678901234' } }))).toContain('shop.siret:siret_check_digit');
    expect(issues(settingsUpdateInput.safeParse({ shop: { siret: '1234' } }))).toContain('shop.siret:invalid_siret');
  });
  it('bounds the number of backups kept', () => {
    expect(settingsUpdateInput.safeParse({ backup: { keep: 0 } }).success).toBe(false);
    expect(settingsUpdateInput.safeParse({ backup: { keep: 5 } }).success).toBe(true);
  });
});

describe('call table', () => {
  it('has exactly one handler for every call', () => {
    expect(Object.keys(handlers).sort()).toEqual([...callNames].sort());
    for (const name of callNames) expect(calls[name].input).toBeDefined();
  });
});
