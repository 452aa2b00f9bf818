import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api, DuplicateFindResult, JobFinished } from '../../src-main/contract';
import { DuplicatesPage } from '../../src-renderer/features/duplicates/DuplicatesPage';
import { pairKey } from '../../src-renderer/features/duplicates/pairs';
import { openTestStore, renderWithApi } from './render';

/** "Not a duplicate" taken back, from the toast and from the list of dismissed pairs; merges of deleted contacts. */

const seed = async (before?: (api: Api, first: number, second: number) => Promise<void>) => {
  const store = await openTestStore();
  const { api } = store;
  const first = (
    await api.call('contacts.create', { firstName: 'Élodie', lastName: 'Martin', email: 'elodie.martin@exemple.fr', postcode: '74000' })
  ).id;
  const second = (
    await api.call('contacts.create', { firstName: 'elodie', lastName: 'martin', email: 'elodie.martin@exemple.fr', postcode: '74000' })
  ).id;
  await api.call('contacts.create', { firstName: 'Marc', lastName: 'Zidane', postcode: '13001' });
  await before?.(api, first, second);
  renderWithApi(<DuplicatesPage />, api);
  const user = userEvent.setup();
  await screen.findByTestId('duplicates-not-run');
  return { ...store, first, second, user };
};

const runFinder = async (user: ReturnType<typeof userEvent.setup>) => {
  await user.click(screen.getByTestId('duplicates-run'));
  await waitFor(() => expect(screen.queryByTestId('duplicates-progress')).toBeNull());
  await waitFor(() =>
    expect(screen.queryByTestId('duplicates-summary') ?? screen.queryByTestId('duplicates-none')).not.toBeNull(),
  );
};

/** What the store's finder says now, independently of the screen. */
const storePairs = async (api: Api): Promise<string[]> => {
  const done = new Promise<JobFinished>((resolve) => {
    const off = api.on('job.finished', (f) => {
      if (f.kind === 'duplicates') {
        off();
        resolve(f);
      }
    });
  });
  await api.call('duplicates.find', {});
  return ((await done).result as DuplicateFindResult).pairs.map((p) => pairKey(p.a.id, p.b.id));
};

describe('dismissed duplicate pairs', () => {
  it('"Undo" in the toast right after "Not a duplicate" brings the pair back', async () => {
    const { api, user, first, second } = await seed();
    await runFinder(user);
    await user.click(within(screen.getByTestId('duplicate-pair')).getByTestId('duplicate-dismiss'));
    await waitFor(() => expect(screen.queryAllByTestId('duplicate-pair')).toHaveLength(0));
    const toast = await screen.findByTestId('dismiss-done');
    expect(toast.textContent).toContain('Élodie Martin et elodie martin ne seront plus proposés comme doublons.');
    expect(await storePairs(api)).toEqual([]);

    await user.click(within(toast).getByTestId('dismiss-undo-notice'));
    expect((await screen.findByText(/seront de nouveau proposés/)).textContent).toBe(
      'Élodie Martin et elodie martin seront de nouveau proposés comme doublons possibles.',
    );
    await waitFor(() => expect(screen.queryByTestId('dismiss-done')).toBeNull());
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(1));
    expect(screen.getByTestId('duplicate-pair').dataset.pair).toBe(pairKey(first, second));
    expect(await storePairs(api)).toEqual([pairKey(first, second)]);
    expect((await api.call('duplicates.dismissed', {})).total).toBe(0);
  });

  it('lists the dismissed pairs and takes one back with "Annuler"', async () => {
    const { api, user, first, second } = await seed();
    await runFinder(user);
    await user.click(within(screen.getByTestId('duplicate-pair')).getByTestId('duplicate-dismiss'));
    await waitFor(() => expect(screen.queryAllByTestId('duplicate-pair')).toHaveLength(0));

    await user.click(screen.getByTestId('duplicates-tab-dismissed'));
    const row = await screen.findByTestId('dismissed-row');
    expect(row.dataset.pair).toBe(pairKey(first, second));
    expect(row.textContent).toContain('Élodie Martin');
    expect(row.textContent).toContain('elodie martin');

    await user.click(within(row).getByTestId('dismissed-undo'));
    await screen.findByTestId('dismissed-none');
    expect(screen.getByTestId('dismissed-none').textContent).toBe('Aucune paire n’a été déclarée « pas un doublon ».');
    expect(await storePairs(api)).toEqual([pairKey(first, second)]);

    // the result still on screen shows the pair again
    await user.click(screen.getByTestId('duplicates-tab-pairs'));
    await waitFor(() => expect(screen.getAllByTestId('duplicate-pair')).toHaveLength(1));
  });

  it('shows a merge whose contact was deleted as such, without names, and why it cannot be undone', async () => {
    let mergeId = 0;
    const { user } = await seed(async (api, first, second) => {
      mergeId = (await api.call('contacts.merge', { keptId: first, removedId: second })).mergeId;
      await api.call('contacts.delete', { id: first });
    });

    await user.click(screen.getByTestId('duplicates-tab-history'));
    const row = await screen.findByTestId('merge-row');
    expect(row.dataset.mergeId).toBe(String(mergeId));
    await waitFor(() => expect(within(row).getByTestId('merge-row-kept').textContent).toBe('Fiche supprimée'));
    expect(within(row).getByTestId('merge-row-removed').textContent).toBe('Fiche supprimée');
    expect(within(row).getByTestId('merge-row-blocker').dataset.blocker).toBe('contact_deleted');
    expect(within(row).queryByTestId('merge-row-undo')).toBeNull();
    expect(row.textContent).not.toContain('Martin');
  });
});
