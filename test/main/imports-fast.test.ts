import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactInput, contactPatch, localDate, toE164, type ContactInput } from '../../src-main/contract';
import { createFastNormaliser, fastE164, isCleanPatch, validateContact } from '../../src-main/domain/imports/contact-fast';
import { normaliseContact } from '../../src-main/domain/imports/contacts';

/**
 * The fast normaliser must give exactly what the zod path gives, or step
 * aside (null). Random rows mix what French files hold with what breaks them.
 */
const MAPPING = [
  'civility', 'firstName', 'lastName', 'fullName', 'company', 'jobTitle', 'email', 'email2', 'phone', 'mobile',
  'phone2', 'addressLine1', 'addressLine2', 'postcode', 'city', 'country', 'birthDate', 'language', 'status',
  'source', 'sourceDetail', 'tags', 'note', 'code', 'consentEmail', 'consentSms', null, 'phone', 'siret',
];

const today = localDate();
const digit = fc.integer({ min: 0, max: 9 }).map(String);
const sep = fc.constantFrom('', ' ', '.', '-', '  ', '/');
const pairs = fc.array(fc.tuple(sep, digit, digit), { minLength: 3, maxLength: 5 }).map((p) => p.map(([s, a, b]) => s + a + b).join(''));
const frenchPhone = fc.oneof(
  fc.tuple(fc.constantFrom('0', '+33', '+33 ', '0033', '+33 (0)', '33', ''), digit, pairs).map(([a, b, c]) => a + b + c),
  fc.constantFrom('612345678', '33612345678', '+44 20 7946 0958', '123', '06 12 34 56 7', '+1 212 555 0100', '0800 12 34 56'),
);
const text = (words: string[]) =>
  fc.oneof(
    fc.constantFrom(...words),
    fc.string({ maxLength: 12 }),
    fc.constantFrom('', ' ', 'x'.repeat(101), 'y'.repeat(450), 'a\u0001b', "'=cmd", '\ttab', ' padded  '),
  );
const cell = (target: string | null): fc.Arbitrary<string> => {
  switch (target) {
    case 'civility':
      return fc.constantFrom('', 'M.', 'Mme', 'Mlle', 'Madame', 'Dr', 'h');
    case 'firstName':
    case 'lastName':
      return text(['Jean', 'Élodie', 'D’Arcy', '  Zoé ', 'ŒUVRAY', 'de La Fontaine']);
    case 'fullName':
      return fc.constantFrom('', 'M. Jean DUPONT', 'Dupont, Jean', 'Jean de La Fontaine', 'Zoé', 'Mme');
    case 'email':
    case 'email2':
      return fc.constantFrom('', 'A.B@Exemple.FR', 'pas-un-email', 'x@y', ' e@f.gh ', 'e@f.gh', 'élodie@orange.fr', 'a b@c.de');
    case 'phone':
    case 'mobile':
    case 'phone2':
      return fc.oneof(frenchPhone, fc.constant(''));
    case 'postcode':
      return fc.constantFrom('', '1000', '01000', '75011', 'ABC', '123456', ' 75011 ', 'SW1A 1AA');
    case 'country':
      return fc.constantFrom('', 'France', 'FR', 'fr', 'Belgique', 'UK', 'Royaume-Uni', 'Narnia', 'DE');
    case 'birthDate':
      return fc.constantFrom('', '05/03/1985', '31/02/2024', '--03-05', '1850-01-01', '2099-01-01', '5 mars 1985', today, 'hier');
    case 'language':
      return fc.constantFrom('', 'fr', 'Français', 'english', 'xx', 'FR-fr');
    case 'status':
      return fc.constantFrom('', 'client', 'prospect', 'ancien client', 'bogus');
    case 'source':
      return fc.constantFrom('', 'magasin', 'site web', 'whatever', 'Parrainage');
    case 'tags':
      return fc.oneof(
        fc.constantFrom('', 'VIP, fidèle; Noël', 'vip, VIP ,Vïp', 'a'.repeat(60), 'x\u0001', ' ; , '),
        fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 60 }).map((a) => a.map((x, i) => x + i).join(',')),
      );
    case 'code':
      return fc.constantFrom('', 'C0001', 'x'.repeat(41), ' C2 ');
    case 'consentEmail':
    case 'consentSms':
      return fc.constantFrom('', 'oui', 'non');
    case 'siret':
      return fc.constantFrom('', '732 829 320 00074', '73282932000074', '732.829.320', '123 456 789 00012', 'ACME', '1234');
    default:
      return text(['Cœur de Lion SARL', '12 rue de l’Église', 'Bât. B – 2e étage', 'Paris', 'note']);
  }
};
/** Mostly what a clean file holds, so that many rows take the fast path and get compared. */
const clean = (target: string | null): fc.Arbitrary<string> => {
  switch (target) {
    case 'firstName':
    case 'lastName':
      return fc.constantFrom('Jean', 'Élodie', 'D’Arcy', 'Zoé', 'ŒUVRAY', '');
    case 'email':
      return fc.constantFrom('', 'A.B@Exemple.FR', 'e@f.gh', 'élodie@orange.fr');
    case 'postcode':
      return fc.constantFrom('', '1000', '01000', '75011');
    case 'country':
      return fc.constantFrom('', 'France', 'FR');
    case 'birthDate':
      return fc.constantFrom('', '05/03/1985', '--03-05', '5 mars 1985', today);
    case 'language':
      return fc.constantFrom('', 'fr', 'Français');
    case 'status':
      return fc.constantFrom('', 'client', 'prospect');
    case 'tags':
      return fc.constantFrom('', 'VIP, fidèle; Noël', 'vip, VIP ,Vïp');
    case 'code':
      return fc.constantFrom('', 'C0001', ' C2 ');
    case 'siret':
      return fc.constantFrom('', '', '732 829 320 00074', '732829320');
    case 'civility':
    case 'source':
    case 'fullName':
    case 'consentEmail':
    case 'consentSms':
      return cell(target);
    case 'phone':
    case 'mobile':
    case 'phone2':
      return fc.oneof(
        { arbitrary: fc.constantFrom('', '06 12 34 56 78', '+33 1 40 20 50 50', '612345678', '+44 20 7946 0958'), weight: 4 },
        { arbitrary: frenchPhone, weight: 1 },
      );
    default:
      return fc.constantFrom('', 'Cœur de Lion SARL', '12 rue de l’Église', 'Bât. B – 2e étage', 'Paris');
  }
};
const row = fc.tuple(...MAPPING.map((t) => fc.oneof({ arbitrary: clean(t), weight: 30 }, { arbitrary: cell(t), weight: 1 })));

describe('fast contact normaliser', () => {
  it('gives what the schema gives, or steps aside exactly when the row has a blocking issue', () => {
    const fast = createFastNormaliser(MAPPING);
    let compared = 0;
    fc.assert(
      fc.property(row, (cells) => {
        const slow = normaliseContact(7, cells, MAPPING);
        const quick = fast.normalise(7, cells, today);
        expect(quick === null).toBe(slow.data === null);
        if (quick === null) return;
        compared += 1;
        expect(quick.data).toEqual(slow.data);
        expect(quick.company).toBe(slow.company);
        expect(quick.companyNumber).toEqual(slow.companyNumber);
        expect(quick.note).toBe(slow.note);
        expect(quick.notices).toEqual(slow.issues);
      }),
      { numRuns: 4000 },
    );
    expect(compared).toBeGreaterThan(150);
  });

  it('validates a merged record as the schema does, or steps aside', () => {
    /** Mostly a value a stored record holds, sometimes one the schema refuses, missing or null. */
    const field = <T>(good: T[], bad: unknown[]) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...good), weight: 40 },
        { arbitrary: fc.constantFrom(...bad, undefined, null), weight: 1 },
      );
    const extra = (key: 'email' | 'phone', good: string[], bad: unknown[]) =>
      fc.oneof(
        {
          arbitrary: fc.array(fc.record({ [key]: fc.constantFrom(...good), label: fc.constantFrom(null, 'pro') }), { maxLength: 4 }),
          weight: 40,
        },
        fc.constant(Array.from({ length: 11 }, (_, i) => ({ [key]: good[i % good.length], label: null }))),
        fc.constant([{ [key]: good[0], label: null, extra: 1 }]),
        fc.constant([{ [key]: bad[0], label: null }]),
        fc.constant(undefined),
      );
    const record = fc.record({
      civility: field(['mme', 'm', null], ['dr']),
      firstName: field(['Jean', ' Zoé ', 'Élodie', null], ['x'.repeat(101), 'a\u0001']),
      lastName: field(['Dupont', 'Œuvray', 'D’Arcy'], ['', 'y'.repeat(450)]),
      email: field(['a@b.fr', 'A@B.FR', null], ['bad']),
      phone: field(['+33612345678', '06 12 34 56 78', '+442079460958', null], ['123']),
      addressLine1: field(['1 rue de l’Église', null], ['z'.repeat(201)]),
      postcode: field(['75011', null], ['1000', 'B-1000']),
      city: field(['Paris', null], ['\u0007']),
      country: field(['FR', 'fr', ' FR '], ['France', 'BE']),
      status: field(['prospect', 'customer'], ['gone']),
      source: field(['import', 'website'], ['nowhere']),
      code: field(['C1', ' C2 ', null], ['x'.repeat(41)]),
      companyId: field([1, 7, null], [0, -1, 1.5]),
      jobTitle: field(['Gérant', null], [3]),
      emails: extra('email', ['c@d.fr', 'C@D.FR', 'a@b.fr'], ['nope']),
      phones: extra('phone', ['+33612345678', '+33140205050', '+442079460958'], ['12']),
      birthDate: field(['1985-03-05', ' 1985-03-05 ', today, null], ['2024-02-30', '2999-01-01']),
      language: field(['fr', 'FR', null], ['fra']),
      sourceDetail: field(['salon', null], [[]]),
      sourceDate: field(['2020-01-01', null], ['hier']),
      dataOrigin: field(['own', 'purchased'], ['stolen']),
      tags: fc.oneof(
        { arbitrary: fc.array(fc.constantFrom('VIP', 'vip', ' Fidèle ', 'Noël'), { maxLength: 5 }), weight: 40 },
        fc.constant(['x'.repeat(51)]),
        fc.constant(Array.from({ length: 51 }, (_, i) => `t${i}`)),
        fc.constant(undefined),
      ),
    });
    let compared = 0;
    fc.assert(
      fc.property(record, fc.integer({ min: 0, max: 50 }), (r, dice) => {
        const input = (dice === 0 ? { ...r, stranger: 1 } : r) as ContactInput;
        const slow = contactInput.safeParse(input);
        const quick = validateContact(input, today);
        if (!slow.success) expect(quick).toBeNull();
        if (quick === null) return;
        compared += 1;
        expect(quick).toEqual(slow.data);
      }),
      { numRuns: 4000 },
    );
    expect(compared).toBeGreaterThan(400);
  });

  it('calls a patch clean only when the patch schema gives it back unchanged', () => {
    const patch = fc.record(
      {
        firstName: fc.constantFrom('Jean', 'Jean', ' Jean', null),
        email: fc.constantFrom('a@b.fr', 'a@b.fr', 'A@b.fr', null),
        phone: fc.constantFrom('+33612345678', '+33612345678', '0612345678', null),
        postcode: fc.constantFrom('75011', '75011', ''),
        companyId: fc.constantFrom(3, 3, 0),
        emails: fc.oneof(
          { arbitrary: fc.constant([{ email: 'c@d.fr', label: null }, { email: 'e@f.fr', label: 'pro' }]), weight: 8 },
          fc.array(fc.record({ email: fc.constantFrom('c@d.fr', 'c@d.fr ', 'x'), label: fc.constantFrom(null, 'pro') }), { maxLength: 11 }),
        ),
        phones: fc.oneof(
          { arbitrary: fc.constant([{ phone: '+33140205050', label: null }]), weight: 8 },
          fc.array(fc.record({ phone: fc.constantFrom('+33612345678', '+33140205050', '06'), label: fc.constant(null) }), { maxLength: 11 }),
        ),
        tags: fc.oneof(
          { arbitrary: fc.constant(['VIP', 'Noël']), weight: 8 },
          fc.array(fc.constantFrom('VIP', 'vip', 'Noël', ' a '), { maxLength: 51 }),
        ),
        birthDate: fc.constantFrom('1985-03-05', '1985-03-05', '2999-01-01'),
        status: fc.constantFrom('customer', 'customer', 'gone'),
      },
      { requiredKeys: [] },
    );
    let clean = 0;
    fc.assert(
      fc.property(patch, (p) => {
        if (!isCleanPatch(p as Partial<ContactInput>, today)) return;
        clean += 1;
        expect(contactPatch.parse(p)).toEqual(p);
      }),
      { numRuns: 3000 },
    );
    expect(clean).toBeGreaterThan(100);
  });

  it('agrees with libphonenumber on French numbers however they are written', () => {
    fc.assert(
      fc.property(frenchPhone, (raw) => {
        const v = raw.trim();
        expect(fastE164(v)).toBe(toE164(v));
      }),
      { numRuns: 5000 },
    );
    for (let national = 0; national < 1000; national += 1) {
      const n = `0${String(national * 1_000_003 + 7).padStart(9, '0').slice(-9)}`;
      expect(fastE164(n)).toBe(toE164(n));
    }
  });
});
