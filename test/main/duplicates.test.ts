import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AppError,
  checkDuplicatesInput,
  findDuplicatesInput,
  type CheckDuplicatesInput,
  type DuplicateFindResult,
  type JobFinished,
} from '../../src-main/contract';
import { checkDuplicates } from '../../src-main/domain/duplicates/check';
import { compareBlock, dismissDuplicate, findDuplicates } from '../../src-main/domain/duplicates/finder';
import { mergeContacts } from '../../src-main/domain/duplicates/merge';
import {
  boundedDistance,
  matchName,
  compareNames,
  nameForms,
  sortKey,
} from '../../src-main/domain/duplicates/similarity';
import type { Store } from '../../src-main/store/db';
import { plantDuplicates } from '../fixtures/planted-duplicates';
import { openClient, openStore } from './helpers';

/* ---------- a store of our own, filled with plain SQL (independent of the contacts service's shape) ---------- */


type Person = {
  first?: string | null;
  last?: string | null;
  email?: string | null;
  phone?: string | null;
  postcode?: string | null;
  city?: string | null;
  civility?: 'm' | 'mme' | null;
};

const NOW = '2026-03-01T10:00:00.000Z';

const addContact = (store: Store, p: Person): number => {
  const first = p.first ?? null;
  const last = p.last ?? null;
  return Number(
    store.sqlite
      .prepare(
        `INSERT INTO contacts (civility, first_name, last_name, email, phone, postcode, city, source, sort_name, match_name, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'shop_form', ?, ?, ?, ?)`,
      )
      .run(
        p.civility ?? null,
        first,
        last,
        p.email ?? null,
        p.phone ?? null,
        p.postcode ?? null,
        p.city ?? null,
        sortKey(first, last),
        matchName(first, last),
        NOW,
        NOW,
      ).lastInsertRowid,
  );
};

const check = (store: Store, input: CheckDuplicatesInput) => checkDuplicates(store, checkDuplicatesInput.parse(input));

/* ---------- similarity ---------- */

/** Textbook optimal-string-alignment distance, to check the bounded one against. */
const osa = (a: string, b: string): number => {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      const row = d[i];
      if (row) row[j] = v;
    }
  }
  return at(a.length, b.length);
};

const edits = (a: string, b: string) => compareNames(nameForms(matchName(null, a)), nameForms(matchName(null, b)));

describe('name similarity', () => {
  it('bounded distance agrees with the textbook one up to its bound', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 12 }),
        fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 12 }),
        fc.integer({ min: 0, max: 4 }),
        (a, b, max) => {
          const exact = osa(a, b);
          const bounded = boundedDistance(a, b, max);
          if (exact <= max) expect(bounded).toBe(exact);
          else expect(bounded).toBeGreaterThan(max);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('sees through case, accents, hyphens, swapped names and one typo', () => {
    expect(edits('Élodie LEFÈVRE', 'elodie lefevre')).toBe(0);
    expect(edits('Jean-Pierre Martin', 'Jean Pierre Martin')).toBe(0);
    expect(edits('Jean-Pierre Martin', 'Jeanpierre Martin')).toBe(0);
    expect(edits('Dupont Jean', 'Jean Dupont')).toBe(0);
    expect(edits('Martin Jean Pierre', 'Jean Pierre Martin')).toBe(0);
    expect(edits('Jean Dupnot', 'Jean Dupont')).toBe(1);
    expect(edits('Dupnot Jean', 'Jean Dupont')).toBe(1);
    expect(edits('Christophe Lemoine', 'Christophe Lemoinne')).toBe(1);
    expect(edits('Jean-Christophe Delacroix', 'Jean-Christophe Delacriox')).toBe(1);
    expect(edits('Jean-Christophe Delacroix', 'Jean-Cristophe Delacriox')).toBe(2);
    expect(edits('Jean-Christophe Delacroix', 'Jean-Kristophe Delacriox')).toBe('different');
    expect(edits('Françoise Lœuvre', 'francoise loeuvre')).toBe(0);
    expect(edits('Jean', '')).toBe('unknown');
  });

  it('blocking never hides a pair one edit apart', () => {
    const letters = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'.split(''));
    const token = fc.string({ unit: letters, minLength: 2, maxLength: 9 });
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 1, maxLength: 3 }),
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'substitute', 'transpose'),
        letters,
        fc.boolean(),
        (tokens, at, edit, letter, swap) => {
          const name = tokens.join(' ');
          const i = at % name.length;
          const typo =
            edit === 'insert'
              ? name.slice(0, i) + letter + name.slice(i)
              : edit === 'delete'
                ? name.slice(0, i) + name.slice(i + 1)
                : edit === 'substitute'
                  ? name.slice(0, i) + letter + name.slice(i + 1)
                  : name.slice(0, i) + (name[i + 1] ?? '') + (name[i] ?? '') + name.slice(i + 2);
          const other = swap ? typo.split(' ').reverse().join(' ') : typo;
          const m = compareNames(nameForms(name), nameForms(other));
          if (typeof m !== 'number') return;
          let seen = false;
          compareBlock([1, 2], [name, other], () => {
            seen = true;
          });
          expect(seen).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('tells different people apart', () => {
    expect(edits('Luc Martin', 'Léa Martin')).toBe('different');
    expect(edits('Henri Venard', 'Henri Besnard')).toBe('different');
    expect(edits('Jean Dupont', 'Paul Durand')).toBe('different');
    expect(edits('Lia', 'Lua')).toBe('different');
  });
});

/* ---------- capture ---------- */

describe('capture-time check', () => {
  it('finds the same e-mail, primary or additional, whatever its case', () => {
    const store = openStore();
    const a = addContact(store, { first: 'Jean', last: 'Dupont', email: 'jean.dupont@example.fr', postcode: '69001' });
    const b = addContact(store, { first: 'Paul', last: 'Durand', postcode: '13001' });
    store.sqlite.prepare('INSERT INTO contact_emails (contact_id, email) VALUES (?, ?)').run(b, 'pdurand@example.fr');

    const hitA = check(store, { email: '  Jean.Dupont@EXAMPLE.fr ' });
    expect(hitA.map((c) => [c.id, c.reasons])).toEqual([[a, ['same_email']]]);
    expect(hitA[0]).toMatchObject({ name: 'Jean Dupont', email: 'jean.dupont@example.fr', postcode: '69001' });

    const hitB = check(store, { email: 'PDurand@example.fr', firstName: 'Paul', lastName: 'Durand' });
    expect(hitB.map((c) => [c.id, c.reasons])).toEqual([[b, ['same_email']]]);
    // same e-mail and same name: nearly certain; same e-mail, another name: a shared address
    const other = check(store, { email: 'pdurand@example.fr', firstName: 'Marie', lastName: 'Curie' });
    expect(hitB[0]?.score).toBeGreaterThan(90);
    expect(other[0]?.score).toBeLessThan(70);

    expect(check(store, { email: 'jean.dupont@example' })).toEqual([]);
    expect(check(store, { email: 'jean.dupont@' })).toEqual([]);
  });

  it('finds the same phone, however it is typed', () => {
    const store = openStore();
    const a = addContact(store, { first: 'Jean', last: 'Dupont', phone: '+33612345678' });
    const b = addContact(store, { first: 'Paul', last: 'Durand' });
    store.sqlite.prepare('INSERT INTO contact_phones (contact_id, phone) VALUES (?, ?)').run(b, '+33145678901');

    for (const typed of ['06 12 34 56 78', '06.12.34.56.78', '+33 6 12 34 56 78', '0033612345678']) {
      expect(check(store, { phone: typed }).map((c) => [c.id, c.reasons])).toEqual([[a, ['same_phone']]]);
    }
    expect(check(store, { phone: '01 45 67 89 01' }).map((c) => c.id)).toEqual([b]);
    // half-typed: nothing yet, and no error
    expect(check(store, { phone: '06 12' })).toEqual([]);
  });

  it('finds a similar name at the same postcode only', () => {
    const store = openStore();
    const jean = addContact(store, { first: 'Jean-Pierre', last: 'Lefèvre', postcode: '75011', city: 'Paris' });
    const elodie = addContact(store, { first: 'Élodie', last: 'Martin', postcode: '75011', city: 'Paris' });
    addContact(store, { first: 'Jean-Pierre', last: 'Lefèvre', postcode: '33000', city: 'Bordeaux' });
    addContact(store, { first: 'Luc', last: 'Martin', postcode: '75011' });

    const at = (first: string, last: string, postcode = '75011') =>
      check(store, { firstName: first, lastName: last, postcode }).map((c) => c.id);
    expect(at('jean pierre', 'LEFEVRE')).toEqual([jean]);
    expect(at('Jean-Piere', 'Lefèvre')).toEqual([jean]);
    expect(at('Lefèvre', 'Jean-Pierre')).toEqual([jean]);
    expect(at('ELODIE', 'martin')).toEqual([elodie]);
    expect(at('Elodei', 'Martin')).toEqual([elodie]);
    expect(at('Martin', 'Élodie')).toEqual([elodie]);
    expect(at('Léa', 'Martin')).toEqual([]);
    expect(at('Élodie', 'Martin', '69001')).toEqual([]);

    const [hit] = check(store, { firstName: 'Elodie', lastName: 'Martin', postcode: '75011' });
    expect(hit).toMatchObject({ id: elodie, reasons: ['similar_name_same_postcode'], city: 'Paris' });
    expect(hit?.score).toBe(85);
    expect(check(store, { firstName: 'Elodie', lastName: 'Martine', postcode: '75011' })[0]?.score).toBe(65);

    // the names of a postcode are cached between keystrokes: a new record is seen at once
    const late = addContact(store, { first: 'Léa', last: 'Martin', postcode: '75011' });
    expect(at('Léa', 'Martin')).toEqual([late]);
    store.sqlite.prepare("UPDATE contacts SET match_name = 'lea martinez' WHERE id = ?").run(late);
    expect(at('Léa', 'Martin')).toEqual([]);
  });

  it('combines reasons and ranks the strongest first', () => {
    const store = openStore();
    const name = addContact(store, { first: 'Jean', last: 'Dupont', postcode: '75011' });
    const all = addContact(store, { first: 'Jean', last: 'Dupont', email: 'jd@example.fr', phone: '+33612345678', postcode: '75011' });
    const phone = addContact(store, { first: 'Anne', last: 'Dupont', phone: '+33612345678', postcode: '75012' });
    const found = check(store, {
      firstName: 'Jean',
      lastName: 'Dupont',
      email: 'jd@example.fr',
      phone: '0612345678',
      postcode: '75011',
    });
    expect(found.map((c) => c.id)).toEqual([all, name, phone]);
    expect(found[0]?.reasons).toEqual(['same_email', 'same_phone', 'similar_name_same_postcode']);
    expect(found[2]?.reasons).toEqual(['same_phone']);
  });

  it('leaves out the record being edited and pairs declared distinct', () => {
    const store = openStore();
    const a = addContact(store, { first: 'Jean', last: 'Dupont', postcode: '75011' });
    const b = addContact(store, { first: 'Jean', last: 'Dupont', postcode: '75011' });
    const c = addContact(store, { first: 'Jean', last: 'Dupond', postcode: '75011' });
    const input = { firstName: 'Jean', lastName: 'Dupont', postcode: '75011' };
    expect(check(store, input).map((x) => x.id)).toEqual([a, b, c]);
    expect(check(store, { ...input, excludeId: a }).map((x) => x.id)).toEqual([b, c]);
    dismissDuplicate(store, c, a);
    expect(check(store, { ...input, excludeId: a }).map((x) => x.id)).toEqual([b]);
    expect(check(store, input).map((x) => x.id)).toEqual([a, b, c]);
  });

  it('is answered through the contract, with partial input accepted', async () => {
    const { api } = await openClient();
    const created = await api.call('contacts.create', {
      firstName: 'Héloïse',
      lastName: 'Dubois',
      email: 'heloise@example.fr',
      postcode: '44000',
    });
    const found = await api.call('contacts.checkDuplicates', { firstName: 'heloise', lastName: 'DUBOIS', postcode: '44000' });
    expect(found.map((c) => c.id)).toEqual([created.id]);
    expect(await api.call('contacts.checkDuplicates', { phone: '06', email: 'helo' })).toEqual([]);
    await expect(api.call('contacts.checkDuplicates', { lastName: 'x'.repeat(500) })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });
});

/* ---------- finder ---------- */

const craftedBase = (store: Store) => {
  const ids = {
    jean: addContact(store, { first: 'Jean', last: 'Dupont', email: 'jean.dupont@example.fr', phone: '+33612345678', postcode: '75011' }),
    jean2: addContact(store, { first: 'Jean', last: 'Dupont', email: 'jean.dupont@example.fr', postcode: '75011' }),
    jean3: addContact(store, { first: 'Dupont', last: 'Jean', postcode: '75011' }),
    elodie: addContact(store, { first: 'Élodie', last: 'Lefèvre', postcode: '69003', civility: 'mme' }),
    elodie2: addContact(store, { first: 'elodie', last: 'LEFEVRE', postcode: '69003', civility: 'mme' }),
    marc: addContact(store, { first: 'Marc', last: 'Petit', phone: '+33298765432', postcode: '29200' }),
    marc2: addContact(store, { first: 'Marc', last: 'Petit', phone: '+33298765432', postcode: '29000' }),
    house1: addContact(store, { first: 'Anne', last: 'Roux', email: 'famille.roux@example.fr', postcode: '31000' }),
    house2: addContact(store, { first: 'Paul', last: 'Roux', email: 'famille.roux@example.fr', postcode: '31000' }),
    typo1: addContact(store, { first: 'Christophe', last: 'Lemoine', postcode: '59000' }),
    typo2: addContact(store, { first: 'Christophe', last: 'Lemione', postcode: '59000' }),
    far1: addContact(store, { first: 'Sophie', last: 'Garnier', postcode: '06000' }),
    far2: addContact(store, { first: 'Sophie', last: 'Garnier', postcode: '67000' }),
    sib1: addContact(store, { first: 'Luc', last: 'Bonnet', postcode: '35000', civility: 'm' }),
    sib2: addContact(store, { first: 'Léa', last: 'Bonnet', postcode: '35000', civility: 'mme' }),
    mme: addContact(store, { first: 'Claude', last: 'Mercier', postcode: '44000', civility: 'm' }),
    mme2: addContact(store, { first: 'Claude', last: 'Mercier', postcode: '44000', civility: 'mme' }),
  };
  // a switchboard shared by many records is no evidence
  for (let i = 0; i < 25; i++) addContact(store, { first: `Agent${i}`, last: 'Standard', phone: '+33140000000' });
  return ids;
};

const pairIds = (r: DuplicateFindResult) => r.pairs.map((p) => [p.a.id, p.b.id]);

describe('duplicate finder', () => {
  it('ranks the pairs of a crafted base with their reasons', async () => {
    const store = openStore();
    const id = craftedBase(store);
    const result = await findDuplicates(store, findDuplicatesInput.parse({ minScore: 0 }));
    const byPair = new Map(result.pairs.map((p) => [`${p.a.id}-${p.b.id}`, p]));
    const get = (a: number, b: number) => byPair.get(`${a}-${b}`);

    expect(get(id.jean, id.jean2)?.reasons).toEqual(['same_email', 'similar_name_same_postcode']);
    expect(get(id.jean, id.jean3)?.reasons).toEqual(['similar_name_same_postcode']);
    expect(get(id.jean2, id.jean3)?.reasons).toEqual(['similar_name_same_postcode']);
    expect(get(id.elodie, id.elodie2)?.reasons).toEqual(['similar_name_same_postcode']);
    expect(get(id.marc, id.marc2)?.reasons).toEqual(['same_phone']);
    expect(get(id.house1, id.house2)?.reasons).toEqual(['same_email']);
    expect(get(id.typo1, id.typo2)?.reasons).toEqual(['similar_name_same_postcode']);
    expect(get(id.mme, id.mme2)?.reasons).toEqual(['similar_name_same_postcode']);
    // different towns, different people, the switchboard: not proposed
    expect(get(id.far1, id.far2)).toBeUndefined();
    expect(get(id.sib1, id.sib2)).toBeUndefined();
    expect(result.pairs.some((p) => p.a.name.startsWith('Agent'))).toBe(false);
    expect(result.ignoredShared).toBe(1);

    // best first: e-mail and name, then exact names, phone, typo, shared address, Mme vs M. last
    const order = pairIds(result);
    expect(order[0]).toEqual([id.jean, id.jean2]);
    const rank = (a: number, b: number) => order.findIndex(([x, y]) => x === a && y === b);
    expect(rank(id.elodie, id.elodie2)).toBeLessThan(rank(id.typo1, id.typo2));
    expect(rank(id.typo1, id.typo2)).toBeLessThan(rank(id.house1, id.house2));
    expect(rank(id.house1, id.house2)).toBeLessThan(rank(id.mme, id.mme2));
    for (let i = 1; i < result.pairs.length; i++) {
      expect(result.pairs[i - 1]?.score ?? 0).toBeGreaterThanOrEqual(result.pairs[i]?.score ?? 0);
    }
    expect(result.total).toBe(result.pairs.length);
    expect(result.scanned).toBe(Object.keys(id).length + 25);
  });

  it('applies minScore and limit', async () => {
    const store = openStore();
    craftedBase(store);
    const all = await findDuplicates(store, findDuplicatesInput.parse({ minScore: 0 }));
    const strong = await findDuplicates(store, findDuplicatesInput.parse({ minScore: 80 }));
    expect(strong.pairs.length).toBeGreaterThan(0);
    expect(strong.pairs.length).toBeLessThan(all.pairs.length);
    expect(strong.pairs.every((p) => p.score >= 80)).toBe(true);
    const two = await findDuplicates(store, findDuplicatesInput.parse({ minScore: 0, limit: 2 }));
    expect(pairIds(two)).toEqual(pairIds(all).slice(0, 2));
    expect(two.total).toBe(all.total);
  });

  it('skips dismissed pairs and merged records', async () => {
    const store = openStore();
    const id = craftedBase(store);
    expect(dismissDuplicate(store, id.marc2, id.marc)).toEqual({ aId: id.marc, bId: id.marc2 });
    // twice is fine
    dismissDuplicate(store, id.marc, id.marc2);
    mergeContacts(store, { keptId: id.jean, removedId: id.jean2, fields: {} });
    const result = await findDuplicates(store, findDuplicatesInput.parse({ minScore: 0 }));
    const ids = pairIds(result);
    expect(ids).not.toContainEqual([id.marc, id.marc2]);
    expect(ids.flat()).not.toContain(id.jean2);
    expect(ids).toContainEqual([id.jean, id.jean3]);
    expect(() => dismissDuplicate(store, id.jean, id.jean)).toThrow(AppError);
    expect(() => dismissDuplicate(store, id.jean, 99_999)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('runs as a job through the contract, with progress and a result', async () => {
    const { api } = await openClient();
    const a = await api.call('contacts.create', { firstName: 'Jean', lastName: 'Dupont', email: 'jd@example.fr', postcode: '75011' });
    const b = await api.call('contacts.create', { firstName: 'Jean', lastName: 'Dupond', email: 'jd@example.fr', postcode: '75011' });
    const phases = new Set<string>();
    const off = api.on('job.progress', (p) => {
      if (p.kind === 'duplicates') phases.add(p.phase);
    });
    const finished = new Promise<JobFinished>((resolve) => {
      api.on('job.finished', (f) => {
        if (f.kind === 'duplicates') resolve(f);
      });
    });
    const ref = await api.call('duplicates.find', {});
    const done = await finished;
    off();
    expect(done).toMatchObject({ jobId: ref.jobId, status: 'done' });
    const result = done.result as DuplicateFindResult;
    expect(pairIds(result)).toEqual([[a.id, b.id]]);
    expect(result.pairs[0]?.reasons).toEqual(['same_email', 'similar_name_same_postcode']);
    expect([...phases]).toEqual(expect.arrayContaining(['duplicates.emails', 'duplicates.names']));

    await api.call('duplicates.dismiss', { aId: b.id, bId: a.id });
    const again = new Promise<JobFinished>((resolve) => {
      api.on('job.finished', (f) => {
        if (f.kind === 'duplicates') resolve(f);
      });
    });
    await api.call('duplicates.find', { minScore: 0 });
    expect(((await again).result as DuplicateFindResult).pairs).toEqual([]);
    await expect(api.call('duplicates.dismiss', { aId: a.id, bId: a.id })).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('finds nearly every planted duplicate among 100,000 generated contacts (npm run bench times it)', async () => {
    const store = openStore();
    const db = store.sqlite;
    // the full-text index is not what is measured here and triples the load time: keep only the counter
    db.exec(`DROP TRIGGER contacts_ai;
      CREATE TRIGGER contacts_ai AFTER INSERT ON contacts BEGIN
        UPDATE counters SET value = value + 1 WHERE name = 'contacts';
      END;`);
    const N = 100_000;
    const planted = plantDuplicates(db, N);
    const result = await findDuplicates(store, findDuplicatesInput.parse({ limit: 5000, minScore: 0 }));
    expect(result.scanned).toBe(N + planted.length);
    const found = new Set(result.pairs.map((p) => `${p.a.id}-${p.b.id}`));
    const recalled = planted.filter(([a, b]) => found.has(`${a}-${b}`)).length;
    // typos in the first three letters of a short name can slip through blocking: nearly all are found
    expect(recalled / planted.length).toBeGreaterThan(0.95);
  }, 120_000);
});
