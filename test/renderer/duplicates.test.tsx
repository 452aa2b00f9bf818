import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api, ContactInput, DuplicateContact, DuplicatePair } from '../../src-main/contract';
import { DuplicateFinder } from '../../src-renderer/features/duplicates/DuplicateFinder';
import { DuplicatesPage } from '../../src-renderer/features/duplicates/DuplicatesPage';
import { MergeDialog } from '../../src-renderer/features/duplicates/MergeDialog';
import { defaultSurvivor, pairKey, visiblePairs, type AppliedMerge } from '../../src-renderer/features/duplicates/pairs';
import { openTestStore, renderWithApi } from './render';

/* ---------- a base with one duplicated person ---------- */

const ELODIE: ContactInput = {
  firstName: 'Élodie',
  lastName: 'Martin',
  email: 'elodie.martin@exemple.fr',
  phone: '06 12 34 56 78',
  postcode: '74000',
  city: 'Annecy',
  status: 'customer',
};
const ELODIE_AGAIN: ContactInput = {
  firstName: 'elodie',
  lastName: 'martin',
  email: 'elodie.martin@exemple.fr',
  phone: '07 98 76 54 32',
  postcode: '74000',
  city: 'Annecy-le-Vieux',
};
const SOMEONE_ELSE: ContactInput = { firstName: 'Marc', lastName: 'Zidane', postcode: '13001', email: 'marc@exemple.fr' };

type Linked = { purchases: number[]; notes: number[] };

const buy = async (api: Api, contactId: number, label: string, cents: number): Promise<number> =>
  (await api.call('purchases.create', { contactId, lines: [{ label, unitPriceCents: cents }] })).id;

const note = async (api: Api, contactId: number, body: string): Promise<number> =>
  (await api.call('notes.create', { contactId, body })).id;

/** Purchases and notes on a contact, read back from the store (the timeline holds both). */
const linked = async (api: Api, id: number): Promise<Linked> => {
  const page = await api.call('contacts.timeline', { id, limit: 200 });
  return {
    purchases: page.items.flatMap((i) => (i.kind === 'purchase' ? [i.id] : [])).sort((x, y) => x - y),
    notes: page.items.flatMap((i) => (i.kind === 'note' ? [i.id] : [])).sort((x, y) => x - y),
  };
};

const exists = (api: Api, id: number): Promise<boolean> =>
  api.call('contacts.get', { id }).then(
    () => true,
    () => false,
  );

const seed = async () => {
  const store = await openTestStore();
  const { api } = store;
  const first = (await api.call('contacts.create', ELODIE)).id;
  const second = (await api.call('contacts.create', ELODIE_AGAIN)).id;
  await api.call('contacts.create', SOMEONE_ELSE);
  const records = {
    first: { purchases: [await buy(api, first, 'Bougie', 1500)], notes: [await note(api, first, 'Aime le jasmin')] },
    second: { purchases: [await buy(api, second, 'Savon', 800)], notes: [await note(api, second, 'Paie par chèque')] },
  };
  return { ...store, first, second, records };
};

const runFinder = async (user: ReturnType<typeof userEvent.setup>) => {
  await user.click(screen.getByTestId('duplicates-run'));
  await waitFor(() => expect(screen.queryByTestId('duplicates-progress')).toBeNull());
  await waitFor(() =>
    expect(screen.queryByTestId('duplicates-summary') ?? screen.queryByTestId('duplicates-none')).not.toBeNull(),
  );
};

const setupPage = async () => {
  const seeded = await seed();
  renderWithApi(<DuplicatesPage />, seeded.api);
  const user = userEvent.setup();
  await screen.findByTestId('duplicates-not-run');
  return { ...seeded, user };
};

/* ---------- the page ---------- */

describe('DuplicatesPage', () => {
  it('finds the pair with its reasons, merges it with the chosen phone, then undoes the merge', async () => {
    const { api, user, first, second, records } = await setupPage();

    await runFinder(user);
    const pairs = screen.getAllByTestId('duplicate-pair');
    expect(pairs).toHaveLength(1);
    const pair = pairs[0]!;
    expect(pair.dataset.pair).toBe(pairKey(first, second));
    expect(within(pair).getByTestId('duplicate-a-name').textContent).toBe('Élodie Martin');
    expect(within(pair).getByTestId('duplicate-b-name').textContent).toBe('elodie martin');
    const reasons = within(pair)
      .getAllByTestId('duplicate-reason')
      .map((r) => r.dataset.reason);
    expect(reasons).toContain('same_email');
    expect(reasons).toContain('similar_name_same_postcode');
    expect(within(pair).getAllByTestId('duplicate-reason')[0]!.textContent).toBe('Même e-mail');
    expect(Number(within(pair).getByTestId('duplicate-score').dataset.score)).toBeGreaterThanOrEqual(90);
    expect(screen.getByTestId('duplicates-summary').textContent).toBe('1 paire possible parmi 3 fiches');

    await user.click(within(pair).getByTestId('duplicate-compare'));
    const dialog = await screen.findByTestId('merge-dialog');
    // same purchase count: the older record is proposed as the one to keep
    expect(dialog.dataset.keptId).toBe(String(first));
    const phoneRow = within(dialog)
      .getAllByTestId('merge-field')
      .find((r) => r.dataset.field === 'phone')!;
    expect(phoneRow.textContent).toContain('06 12 34 56 78');
    expect(phoneRow.textContent).toContain('07 98 76 54 32');
    // the kept record's phone is the default
    expect(within(dialog).getByTestId<HTMLInputElement>('merge-field-phone-a').checked).toBe(true);
    expect(within(dialog).getByTestId('merge-moves').textContent).toContain('1 achat');
    expect(within(dialog).getByTestId('merge-moves').textContent).toContain('1 note');

    await user.click(within(dialog).getByTestId('merge-field-phone-b'));
    expect(within(dialog).getByTestId<HTMLInputElement>('merge-field-phone-b').checked).toBe(true);
    await user.click(within(dialog).getByTestId('merge-confirm'));

    await waitFor(() => expect(screen.queryByTestId('merge-dialog')).toBeNull());
    const notice = await screen.findByTestId('merge-done');
    expect(notice.textContent).toContain('La fiche elodie martin a été fusionnée dans Élodie Martin.');
    // the merged pair left the list; the result itself stays
    expect(screen.queryAllByTestId('duplicate-pair')).toHaveLength(0);
    expect(screen.getByTestId('duplicates-all-done')).toBeTruthy();
    // no count of pairs left to deal with beside it
    expect(screen.queryByTestId('duplicates-summary')).toBeNull();

    // one record left, holding both records' purchases and notes and the chosen phone
    expect(await exists(api, second)).toBe(false);
    const merged = await api.call('contacts.get', { id: first });
    expect(merged.phone).toBe('+33798765432');
    expect(merged.firstName).toBe('Élodie');
    expect(merged.purchaseCount).toBe(2);
    expect(await linked(api, first)).toEqual({
      purchases: [...records.first.purchases, ...records.second.purchases].sort((x, y) => x - y),
      notes: [...records.first.notes, ...records.second.notes].sort((x, y) => x - y),
    });
    expect((await api.call('contacts.list', {})).total).toBe(2);

    await user.click(within(notice).getByTestId('merge-undo-notice'));
    expect((await screen.findByTestId('merge-undone')).textContent).toContain(
      'Fusion annulée : elodie martin et Élodie Martin sont de nouveau deux fiches.',
    );
    await waitFor(() => expect(screen.queryByTestId('merge-done')).toBeNull());

    // both back, each with its own records and its own phone
    expect(await exists(api, second)).toBe(true);
    expect((await api.call('contacts.get', { id: first })).phone).toBe('+33612345678');
    expect((await api.call('contacts.get', { id: second })).phone).toBe('+33798765432');
    expect(await linked(api, first)).toEqual(records.first);
    expect(await linked(api, second)).toEqual(records.second);
    // and the pair is back in the list still on screen
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(1));
    expect(screen.getByTestId('duplicates-summary').textContent).toBe('1 paire possible parmi 3 fiches');

    // the history says so
    await user.click(screen.getByTestId('duplicates-tab-history'));
    const row = await screen.findByTestId('merge-row');
    await waitFor(() => expect(row.dataset.undone).toBe('true'));
    expect(within(row).getByTestId('merge-row-kept').textContent).toBe('Élodie Martin');
    expect(within(row).getByTestId('merge-row-removed').textContent).toBe('elodie martin');
    expect(within(row).getByTestId('merge-row-undone').textContent).toMatch(/^Annulée le /);
    expect(within(row).queryByTestId('merge-row-undo')).toBeNull();
  });

  it('"Not a duplicate" removes the pair now and from every new search', async () => {
    const { api, user, first, second } = await setupPage();
    await runFinder(user);
    await user.click(within(screen.getByTestId('duplicate-pair')).getByTestId('duplicate-dismiss'));
    await waitFor(() => expect(screen.queryAllByTestId('duplicate-pair')).toHaveLength(0));
    expect(screen.getByTestId('duplicates-all-done')).toBeTruthy();

    await runFinder(user);
    expect(screen.queryAllByTestId('duplicate-pair')).toHaveLength(0);
    expect(screen.getByTestId('duplicates-none').textContent).toBe('Aucun doublon probable parmi vos 3 fiches.');
    // both records are untouched
    expect(await exists(api, first)).toBe(true);
    expect(await exists(api, second)).toBe(true);
  });

  it('undoes a merge from the history after confirmation, and says why when the store refuses', async () => {
    const { api, user, first, second, records } = await setupPage();
    // two merges made elsewhere (the contact page, another window)
    const third = (await api.call('contacts.create', { firstName: 'Jean', lastName: 'Dupont', postcode: '44000' })).id;
    const fourth = (await api.call('contacts.create', { firstName: 'Jean', lastName: 'Dupond', postcode: '44000' })).id;
    const m1 = await api.call('contacts.merge', { keptId: first, removedId: second });
    const m2 = await api.call('contacts.merge', { keptId: third, removedId: fourth });

    await user.click(screen.getByTestId('duplicates-tab-history'));
    await waitFor(() => expect(screen.getAllByTestId('merge-row')).toHaveLength(2));
    const rowOf = (mergeId: number) =>
      screen.getAllByTestId('merge-row').find((r) => r.dataset.mergeId === String(mergeId))!;
    expect(within(rowOf(m1.mergeId)).getByTestId('merge-row-removed').textContent).toBe('elodie martin');

    await user.click(within(rowOf(m1.mergeId)).getByTestId('merge-row-undo'));
    expect((await screen.findByText(/redeviendra une fiche distincte/)).textContent).toContain('elodie martin');
    await user.click(screen.getByTestId('merge-undo-confirm'));
    await screen.findByTestId('merge-undone');
    await waitFor(() => expect(rowOf(m1.mergeId).dataset.undone).toBe('true'));
    expect(await linked(api, second)).toEqual(records.second);

    // the kept record of the second merge is deleted behind the page's back, while the user confirms
    await user.click(within(rowOf(m2.mergeId)).getByTestId('merge-row-undo'));
    const confirm = await screen.findByTestId('merge-undo-confirm');
    await api.call('contacts.delete', { id: third });
    await user.click(confirm);
    const refused = await screen.findByTestId('merge-undo-refused');
    expect(refused.textContent).toContain('Impossible d’annuler cette fusion');
    // deleting the kept record took the merge's record of the data with it
    expect(refused.textContent).toContain('Une fiche de cette fusion a été supprimée depuis');
    // the row now shows the reason instead of the button
    await waitFor(() => expect(within(rowOf(m2.mergeId)).getByTestId('merge-row-blocker').dataset.blocker).toBe('contact_deleted'));
    expect(within(rowOf(m2.mergeId)).queryByTestId('merge-row-undo')).toBeNull();
    expect(await exists(api, fourth)).toBe(false);
  });

  it('tells two records of the same name apart by their number in the toast, the history and the undo dialog', async () => {
    const store = await openTestStore();
    const { api } = store;
    const kept = (await api.call('contacts.create', { firstName: 'Noémie', lastName: 'Mercier', email: 'noemie@exemple.fr', postcode: '75011' })).id;
    const removed = (await api.call('contacts.create', { firstName: 'Noémie', lastName: 'Mercier', phone: '06 11 22 33 44', postcode: '75011' })).id;
    renderWithApi(<DuplicatesPage />, api);
    const user = userEvent.setup();
    await runFinder(user);
    await user.click(within(screen.getByTestId('duplicate-pair')).getByTestId('duplicate-compare'));
    await user.click(within(await screen.findByTestId('merge-dialog')).getByTestId('merge-confirm'));
    expect((await screen.findByTestId('merge-done')).textContent).toContain(
      `La fiche Noémie Mercier (n° ${removed}) a été fusionnée dans Noémie Mercier (n° ${kept}).`,
    );

    await user.click(screen.getByTestId('duplicates-tab-history'));
    const row = await screen.findByTestId('merge-row');
    expect(within(row).getByTestId('merge-row-kept').textContent).toBe(`Noémie Mercier (n° ${kept})`);
    expect(within(row).getByTestId('merge-row-removed').textContent).toBe(`Noémie Mercier (n° ${removed})`);
    await user.click(within(row).getByTestId('merge-row-undo'));
    const sentence = await screen.findByText(/redeviendra une fiche distincte/);
    expect(sentence.textContent).toMatch(new RegExp(`^Noémie Mercier \\(n° ${removed}\\) redeviendra .* Noémie Mercier \\(n° ${kept}\\) reprendra`));
    // the dismiss button does not read like the action beside it
    expect(screen.getByTestId('merge-undo-confirm-cancel').textContent).toBe('Fermer');
    expect(screen.getByTestId('merge-undo-confirm').textContent).toBe('Annuler la fusion');
    await user.click(screen.getByTestId('merge-undo-confirm'));
    expect((await screen.findByTestId('merge-undone')).textContent).toContain(
      `Fusion annulée : Noémie Mercier (n° ${removed}) et Noémie Mercier (n° ${kept}) sont de nouveau deux fiches.`,
    );
  });

  it('keeps the result across merges: a pair naming the removed record now names the kept one', async () => {
    const store = await openTestStore();
    const { api } = store;
    // three records of one person: the finder proposes the three pairs
    const ids: number[] = [];
    for (const firstName of ['Paul', 'paul', 'Paul ']) {
      ids.push((await api.call('contacts.create', { firstName, lastName: 'Durand', email: 'paul@exemple.fr', postcode: '35000' })).id);
    }
    const [p1, p2, p3] = ids as [number, number, number];
    renderWithApi(<DuplicatesPage />, api);
    const user = userEvent.setup();
    await runFinder(user);
    expect(screen.getAllByTestId('duplicate-pair').map((p) => p.dataset.pair).sort()).toEqual(
      [pairKey(p1, p2), pairKey(p1, p3), pairKey(p2, p3)].sort(),
    );
    expect(screen.getByTestId('duplicates-summary').textContent).toBe('3 paires possibles parmi 3 fiches');

    const card = screen.getAllByTestId('duplicate-pair').find((p) => p.dataset.pair === pairKey(p1, p2))!;
    await user.click(within(card).getByTestId('duplicate-compare'));
    const dialog = await screen.findByTestId('merge-dialog');
    expect(dialog.dataset.keptId).toBe(String(p1));
    await user.click(within(dialog).getByTestId('merge-confirm'));
    await screen.findByTestId('merge-done');

    // (p1,p2) is gone; (p2,p3) became (p1,p3), which is listed once, flagged as changed
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(1));
    const left = screen.getByTestId('duplicate-pair');
    expect(left.dataset.pair).toBe(pairKey(p1, p3));
    expect(within(left).getByTestId('duplicate-changed')).toBeTruthy();
    // the count follows the list
    expect(screen.getByTestId('duplicates-summary').textContent).toBe('1 paire possible parmi 3 fiches');

    // comparing it works: both records exist
    await user.click(within(left).getByTestId('duplicate-compare'));
    const next = await screen.findByTestId('merge-dialog');
    expect([next.dataset.keptId, next.dataset.removedId].sort()).toEqual([String(p1), String(p3)].sort());
    await user.click(within(next).getByTestId('merge-confirm'));
    await waitFor(() => expect(screen.queryAllByTestId('duplicate-pair')).toHaveLength(0));
    expect((await api.call('contacts.list', {})).total).toBe(1);
    await user.click(screen.getByTestId('duplicates-tab-history'));
    await waitFor(() => expect(screen.getAllByTestId('merge-row')).toHaveLength(2));
    // only the latest merge can be undone: the older one involves the same kept record
    const [latest, older] = screen.getAllByTestId('merge-row');
    expect(within(latest!).getByTestId('merge-row-undo')).toBeTruthy();
    expect(within(older!).getByTestId('merge-row-blocker').dataset.blocker).toBe('newer_merge');
    expect(within(older!).getByTestId('merge-row-blocker').textContent).toBe(
      'Une fusion plus récente concerne ces fiches : annulez-la d’abord.',
    );
  });

  it('counts the pairs left as they are merged, dismissed, or brought back by an undo from the history', async () => {
    const store = await openTestStore();
    const { api } = store;
    const ids: number[] = [];
    for (const firstName of ['Paul', 'paul', 'Paul ']) {
      ids.push((await api.call('contacts.create', { firstName, lastName: 'Durand', email: 'paul@exemple.fr', postcode: '35000' })).id);
    }
    const [p1, p2] = ids as [number, number, number];
    const anne = (await api.call('contacts.create', { firstName: 'Anne', lastName: 'Roux', email: 'anne@exemple.fr', postcode: '29000' })).id;
    const anneAgain = (await api.call('contacts.create', { firstName: 'anne', lastName: 'roux', email: 'anne@exemple.fr', postcode: '29000' })).id;
    renderWithApi(<DuplicatesPage />, api);
    const user = userEvent.setup();
    await runFinder(user);
    const summary = () => screen.getByTestId('duplicates-summary').textContent;
    expect(summary()).toBe('4 paires possibles parmi 5 fiches');

    const card = screen.getAllByTestId('duplicate-pair').find((p) => p.dataset.pair === pairKey(p1, p2))!;
    await user.click(within(card).getByTestId('duplicate-compare'));
    await user.click(within(await screen.findByTestId('merge-dialog')).getByTestId('merge-confirm'));
    await screen.findByTestId('merge-done');
    // (p1,p2) merged away, (p2,p3) folded into (p1,p3)
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(2));
    expect(summary()).toBe('2 paires possibles parmi 5 fiches');

    await user.click(screen.getByTestId('duplicates-tab-history'));
    await user.click(within(await screen.findByTestId('merge-row')).getByTestId('merge-row-undo'));
    await user.click(await screen.findByTestId('merge-undo-confirm'));
    await screen.findByTestId('merge-undone');
    await user.click(screen.getByTestId('duplicates-tab-pairs'));
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(4));
    expect(summary()).toBe('4 paires possibles parmi 5 fiches');

    const anneCard = screen.getAllByTestId('duplicate-pair').find((p) => p.dataset.pair === pairKey(anne, anneAgain))!;
    await user.click(within(anneCard).getByTestId('duplicate-dismiss'));
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(3));
    expect(summary()).toBe('3 paires possibles parmi 5 fiches');
  });
});

/* ---------- the dialog on its own ---------- */

describe('MergeDialog', () => {
  it('lets the user choose the surviving record and keeps the field choices made before', async () => {
    const { api, first, second, records } = await seed();
    const merged: number[] = [];
    renderWithApi(
      <MergeDialog contactIds={[first, second]} onClose={() => {}} onMerged={(d) => merged.push(d.result.mergeId)} />,
      api,
    );
    const user = userEvent.setup();
    const dialog = () => screen.getByTestId('merge-dialog');
    const checked = (testId: string) => within(dialog()).getByTestId<HTMLInputElement>(testId).checked;
    const keep = async (side: 'a' | 'b', id: number) => {
      await user.click(within(dialog()).getByTestId(`merge-keep-${side}`));
      await waitFor(() => expect(dialog().dataset.keptId).toBe(String(id)));
    };
    await screen.findByTestId('merge-dialog');
    expect(dialog().dataset.keptId).toBe(String(first));
    expect(checked('merge-field-city-a')).toBe(true);

    await keep('b', second);
    // the new survivor's values are now the defaults
    expect(checked('merge-field-phone-b')).toBe(true);
    expect(checked('merge-field-firstName-b')).toBe(true);
    expect(checked('merge-field-city-b')).toBe(true);
    // but a value the user picked stays picked, whichever record survives
    await user.click(within(dialog()).getByTestId('merge-field-city-a'));
    await keep('a', first);
    await keep('b', second);
    expect(checked('merge-field-city-a')).toBe(true);
    expect(checked('merge-field-phone-b')).toBe(true);
    // derived columns are the store's business, never a choice
    expect(within(dialog()).getAllByTestId('merge-field').map((r) => r.dataset.field)).not.toContain('cityKey');

    await user.click(within(dialog()).getByTestId('merge-confirm'));
    await waitFor(() => expect(merged).toHaveLength(1));
    expect(await exists(api, first)).toBe(false);
    const kept = await api.call('contacts.get', { id: second });
    expect(kept.firstName).toBe('elodie');
    expect(kept.city).toBe('Annecy');
    // the folded city followed the chosen one: the list finds the record under it
    const inCity = async (city: string) => (await api.call('contacts.list', { city })).rows.map((r) => r.id);
    expect(await inCity('annecy')).toEqual([second]);
    expect(await inCity('annecy le vieux')).toEqual([]);
    expect(kept.phone).toBe('+33798765432');
    // the other phone is kept as an additional one
    expect(kept.phones.map((p) => p.phone)).toEqual(['+33612345678']);
    expect((await linked(api, second)).purchases).toEqual(
      [...records.first.purchases, ...records.second.purchases].sort((x, y) => x - y),
    );
  });

  it('names each kind of attached item in words, never by its table, and leaves out derived bookkeeping', async () => {
    const { api, first, second } = await seed();
    for (const channel of ['email', 'sms'] as const) {
      await api.call('consent.record', { contactId: second, method: 'counter', entries: [{ channel, purpose: 'offers', event: 'granted' }] });
    }
    renderWithApi(<MergeDialog contactIds={[first, second]} onClose={() => {}} />, api);
    const moves = await screen.findByTestId('merge-moves');
    const labels = within(moves)
      .getAllByTestId('merge-move')
      .map((m) => m.textContent);
    expect(labels).toEqual(expect.arrayContaining(['1 achat', '1 note', '2 consentements']));
    // the consent state is rebuilt from the moved events: not a second line for the same consents
    expect(within(moves).getAllByTestId('merge-move').map((m) => m.dataset.table)).not.toContain('consent_state');
    expect(moves.textContent).not.toMatch(/consent (events|state)|élément|_/);
  });

  it('says so when one of the records no longer exists', async () => {
    const { api, first, second } = await seed();
    await api.call('contacts.delete', { id: second });
    renderWithApi(<MergeDialog contactIds={[first, second]} onClose={() => {}} />, api);
    expect((await screen.findByTestId('merge-load-error')).textContent).toBe(
      'Une des deux fiches n’existe plus : elle a été supprimée ou déjà fusionnée.',
    );
  });
});

/* ---------- the list after merges and dismissals (pure) ---------- */

const person = (id: number, purchaseCount = 0, createdAt = '2026-01-01T00:00:00.000Z'): DuplicateContact => ({
  id,
  name: `P${id}`,
  email: null,
  phone: null,
  postcode: null,
  city: null,
  createdAt,
  purchaseCount,
});
const pair = (a: number, b: number, score: number): DuplicatePair => ({
  a: person(a),
  b: person(b),
  reasons: ['same_email'],
  score,
});

describe('DuplicateFinder', () => {
  it('counts a capped result down as its listed pairs are dealt with', async () => {
    const { api } = await openTestStore();
    const result = { pairs: [pair(1, 2, 99), pair(3, 4, 90), pair(5, 6, 80)], total: 12_000, scanned: 80_000, ignoredShared: 0, ms: 1 };
    const merge12: AppliedMerge = { mergeId: 7, keptId: 1, removedId: 2, kept: person(1) };
    const noop = () => {};
    const finder = (dismissed: string[], merges: AppliedMerge[]) => (
      <DuplicateFinder
        search={{ result, dismissed: new Set(dismissed), merges }}
        onResult={noop}
        onCompare={noop}
        onDismissed={noop}
        onUndismissed={noop}
      />
    );
    let view = renderWithApi(finder([], []), api);
    expect(screen.getByTestId('duplicates-summary').textContent).toBe('12\u202f000 paires possibles parmi 80\u202f000 fiches');
    expect(screen.getByTestId('duplicates-capped').textContent).toMatch(/^Seules les 3 paires les plus probables sur 12\u202f000/);

    view.unmount();
    view = renderWithApi(finder(['3:4'], [merge12]), api);
    expect(screen.getByTestId('duplicates-summary').textContent).toBe('11\u202f998 paires possibles parmi 80\u202f000 fiches');
    expect(screen.getByTestId('duplicates-capped').textContent).toMatch(/^Seule la paire la plus probable sur 11\u202f998 est affichée/);

    // the listed pairs are all dealt with: the rest needs a new search
    view.unmount();
    renderWithApi(finder(['3:4', '5:6'], [merge12]), api);
    expect(screen.getByTestId('duplicates-summary').textContent).toBe('11\u202f997 paires possibles parmi 80\u202f000 fiches');
    expect(screen.queryByTestId('duplicates-capped')).toBeNull();
    expect(screen.queryByTestId('duplicates-all-done')).toBeNull();
    expect(screen.getByTestId('duplicates-next-batch').textContent).toBe(
      'Toutes les paires affichées ont été traitées : relancez la recherche pour voir les suivantes.',
    );
  });
});

describe('visiblePairs', () => {
  const pairs = [pair(1, 2, 99), pair(2, 3, 90), pair(1, 3, 80), pair(4, 5, 70)];
  const merge12: AppliedMerge = { mergeId: 7, keptId: 1, removedId: 2, kept: { ...person(1), name: 'P1 merged' } };

  it('drops the merged pair, renames the removed record and keeps one copy of a pair', () => {
    const out = visiblePairs(pairs, new Set(), [merge12]);
    expect(out.map((p) => [p.key, p.score, p.changed])).toEqual([
      ['1:3', 90, true],
      ['4:5', 70, false],
    ]);
    expect(out[0]!.a.name).toBe('P1 merged');
  });

  it('brings everything back when the merge is gone (undone), and hides dismissed pairs', () => {
    expect(visiblePairs(pairs, new Set(), []).map((p) => p.key)).toEqual(['1:2', '2:3', '1:3', '4:5']);
    expect(visiblePairs(pairs, new Set(['4:5', '1:3']), [merge12]).map((p) => p.key)).toEqual([]);
  });

  it('proposes to keep the record with purchases, then the older one, then the lower id', () => {
    expect(defaultSurvivor(person(1), person(2, 3))).toBe(2);
    expect(defaultSurvivor(person(1, 0, '2026-02-01'), person(2, 0, '2026-01-01'))).toBe(2);
    expect(defaultSurvivor(person(9), person(4))).toBe(4);
  });
});
