import { describe, expect, it } from 'vitest';
import {
  contactInput,
  dismissedPairsInput,
  type Api,
  type DuplicateFindResult,
  type JobFinished,
} from '../../src-main/contract';
import { createContact } from '../../src-main/domain/contacts/service';
import { listDismissed, undismissDuplicate } from '../../src-main/domain/duplicates/dismissed';
import { dismissDuplicate } from '../../src-main/domain/duplicates/finder';
import { failure, openClient, openStore } from './helpers';

/** "Not a duplicate" taken back: the pair is proposed again, by the finder and by the capture check. */

const find = async (api: Api): Promise<DuplicateFindResult> => {
  const done = new Promise<JobFinished>((resolve) => {
    const off = api.on('job.finished', (f) => {
      if (f.kind === 'duplicates') {
        off();
        resolve(f);
      }
    });
  });
  await api.call('duplicates.find', { minScore: 0 });
  return (await done).result as DuplicateFindResult;
};

const pairs = (r: DuplicateFindResult): [number, number][] => r.pairs.map((p) => [p.a.id, p.b.id]);

describe('dismissed duplicate pairs', () => {
  it('dismiss hides the pair, undismiss brings it back; an unknown pair is NOT_FOUND', async () => {
    const { api } = await openClient();
    const a = await api.call('contacts.create', { firstName: 'Élodie', lastName: 'Martin', email: 'elodie@exemple.fr', postcode: '74000' });
    const b = await api.call('contacts.create', { firstName: 'elodie', lastName: 'martin', email: 'elodie@exemple.fr', postcode: '74000' });
    const c = await api.call('contacts.create', { firstName: 'Marc', lastName: 'Zidane', postcode: '13001' });
    expect(pairs(await find(api))).toEqual([[a.id, b.id]]);

    await api.call('duplicates.dismiss', { aId: b.id, bId: a.id });
    expect(pairs(await find(api))).toEqual([]);
    expect(await api.call('contacts.checkDuplicates', { email: 'elodie@exemple.fr', excludeId: a.id })).toEqual([]);
    const listed = await api.call('duplicates.dismissed', {});
    expect(listed).toMatchObject({ total: 1, nextCursor: null });
    expect(listed.rows.map((r) => [r.a, r.b])).toEqual([[{ id: a.id, name: 'Élodie Martin' }, { id: b.id, name: 'elodie martin' }]]);

    // either order names the same pair
    expect(await api.call('duplicates.undismiss', { aId: b.id, bId: a.id })).toEqual({ aId: a.id, bId: b.id });
    expect(pairs(await find(api))).toEqual([[a.id, b.id]]);
    expect((await api.call('contacts.checkDuplicates', { email: 'elodie@exemple.fr', excludeId: a.id })).map((x) => x.id)).toEqual([b.id]);
    expect(await api.call('duplicates.dismissed', {})).toEqual({ rows: [], nextCursor: null, total: 0 });

    const again = await failure(api.call('duplicates.undismiss', { aId: a.id, bId: b.id }));
    expect(again.code).toBe('NOT_FOUND');
    expect((await failure(api.call('duplicates.undismiss', { aId: a.id, bId: c.id }))).code).toBe('NOT_FOUND');
    expect((await failure(api.call('duplicates.undismiss', { aId: a.id, bId: 999 }))).code).toBe('NOT_FOUND');
    expect((await failure(api.call('duplicates.undismiss', { aId: a.id, bId: a.id }))).code).toBe('VALIDATION');
  });

  it('lists the decisions newest first, page by page, with the names as they are now', async () => {
    const store = openStore();
    const ids = Array.from({ length: 7 }, (_, i) =>
      createContact(store, contactInput.parse({ firstName: `Prénom${i}`, lastName: `Nom${i}` })).id,
    );
    // decisions on known days, two on the same instant (the pair order breaks the tie)
    const decisions: [number, number, string][] = [
      [ids[0]!, ids[1]!, '2026-01-05T10:00:00.000Z'],
      [ids[2]!, ids[3]!, '2026-03-01T09:00:00.000Z'],
      [ids[1]!, ids[4]!, '2026-02-10T08:00:00.000Z'],
      [ids[5]!, ids[6]!, '2026-03-01T09:00:00.000Z'],
      [ids[0]!, ids[6]!, '2025-12-24T18:00:00.000Z'],
    ];
    store.sqlite.transaction(() => {
      for (const [x, y, at] of decisions) dismissDuplicate(store, y, x, at);
    })();
    const expected = [...decisions]
      .map(([x, y, at]) => [Math.min(x, y), Math.max(x, y), at] as const)
      .sort((p, q) => (p[2] !== q[2] ? (p[2] < q[2] ? 1 : -1) : q[0] - p[0] || q[1] - p[1]));

    const seen: [number, number, string][] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = listDismissed(store, dismissedPairsInput.parse({ cursor, limit: 2 }));
      expect(page.total).toBe(5);
      expect(page.rows.length).toBeLessThanOrEqual(2);
      for (const r of page.rows) {
        seen.push([r.a.id, r.b.id, r.decidedAt]);
        expect(r.a.name).toBe(`Prénom${ids.indexOf(r.a.id)} Nom${ids.indexOf(r.a.id)}`);
      }
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    // taking one back leaves the others, in the same order
    store.sqlite.transaction(() => undismissDuplicate(store, ids[3]!, ids[2]!))();
    expect(listDismissed(store, dismissedPairsInput.parse({})).rows.map((r) => [r.a.id, r.b.id])).toEqual(
      expected.filter(([x]) => x !== ids[2]).map(([x, y]) => [x, y]),
    );
  });
});
