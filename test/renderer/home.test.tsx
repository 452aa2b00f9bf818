import { configure, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { localDate, type Api } from '../../src-main/contract';
import { HomePage } from '../../src-renderer/features/home/HomePage';
import { openTestStore, renderWithApi } from './render';

configure({ asyncUtilTimeout: 10_000 });

const daysAgo = (n: number): string => {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return localDate(d);
};

describe('Home page privacy alerts', () => {
  it('stays quiet when every duty is met', async () => {
    const store = await openTestStore();
    await store.api.call('contacts.create', { lastName: 'Martin' });
    renderWithApi(<HomePage />, store.api);
    await screen.findByTestId('home-privacy-clear');
    expect(screen.queryByTestId('home-privacy-alerts')).toBeNull();
  });

  it('warns of a request past its month and a breach past 72 hours, each linking to its tab', async () => {
    const store = await openTestStore();
    await store.api.call('privacy.requests.create', {
      subject: 'Jeanne Martin',
      kind: 'access',
      receivedOn: daysAgo(45),
      identityCheck: "Pièce d'identité vue en boutique",
    });
    await store.api.call('breaches.create', {
      discoveredAt: new Date(Date.now() - 4 * 86_400_000).toISOString(),
      nature: 'Ordinateur portable volé',
      dataCategories: 'Noms, e-mails',
    });

    renderWithApi(<HomePage />, store.api);
    const late = await screen.findByTestId('home-alert-requests-overdue');
    expect(late.textContent).toBe('1 demande RGPD a dépassé son délai de réponse');
    expect(late.querySelector('a')?.getAttribute('href')).toBe('#/privacy');
    const breach = screen.getByTestId('home-alert-breaches');
    expect(breach.textContent).toContain('72 heures');
    expect(breach.querySelector('a')?.getAttribute('href')).toBe('#/privacy/breaches');

    // recording the CNIL notification clears that warning
    const [recorded] = await store.api.call('breaches.list', {});
    await store.api.call('breaches.update', { id: recorded!.id, cnilNotifiedAt: new Date().toISOString() });
    await waitFor(() => expect(screen.queryByTestId('home-alert-breaches')).toBeNull());
    expect(screen.getByTestId('home-alert-requests-overdue')).toBeTruthy();
  });
});

/**
 * The store's answers with the counts of a large shop: creating thousands of
 * late requests and breaches would slow the test down for nothing the alerts
 * do differently.
 */
const largeShop = (api: Api, requests: { overdue: number; dueSoon: number }): Api => ({
  ...api,
  call: (async (name: string, input: unknown) => {
    const call = api.call as (n: string, i: unknown) => Promise<unknown>;
    if (name === 'privacy.requests.overdue') return requests;
    if (name === 'breaches.list') return Array.from({ length: 1_234 }, () => ({ cnilOverdue: true }));
    const result = (await call(name, input)) as Record<string, unknown>;
    if (name === 'retention.status') return { ...result, due: { prospect: 12_345, customer: 67_890 } };
    return result;
  }) as Api['call'],
});

describe('Home page privacy alert counts', () => {
  // French groups thousands with a narrow no-break space
  const fr = (s: string) => s.replaceAll(' ', '\u202f');

  it('writes them as French writes numbers', async () => {
    const store = await openTestStore();
    const view = renderWithApi(<HomePage />, largeShop(store.api, { overdue: 12_345, dueSoon: 0 }));
    expect((await screen.findByTestId('home-alert-requests-overdue')).textContent).toBe(
      `${fr('12 345')} demandes RGPD ont dépassé leur délai de réponse`,
    );
    expect(screen.getByTestId('home-alert-breaches').textContent).toMatch(new RegExp(`^${fr('1 234')} violations de données n’ont pas`));
    expect(screen.getByTestId('home-alert-retention').textContent).toBe(`${fr('80 235')} personnes ont dépassé la durée de conservation : à revoir`);
    view.unmount();

    renderWithApi(<HomePage />, largeShop(store.api, { overdue: 0, dueSoon: 2_500 }));
    expect((await screen.findByTestId('home-alert-requests-due')).textContent).toBe(
      `${fr('2 500')} demandes RGPD arrivent à échéance dans les 7 jours`,
    );
  });

  it('writes them as English does', async () => {
    const store = await openTestStore('en');
    const view = renderWithApi(<HomePage />, largeShop(store.api, { overdue: 12_345, dueSoon: 0 }), 'en');
    expect((await screen.findByTestId('home-alert-requests-overdue')).textContent).toBe('12,345 privacy requests are past their deadline');
    expect(screen.getByTestId('home-alert-breaches').textContent).toMatch(/^1,234 data breaches were not notified/);
    expect(screen.getByTestId('home-alert-retention').textContent).toBe('80,235 people are past the retention period: review them');
    view.unmount();

    renderWithApi(<HomePage />, largeShop(store.api, { overdue: 0, dueSoon: 1 }), 'en');
    expect((await screen.findByTestId('home-alert-requests-due')).textContent).toBe('1 privacy request is due within 7 days');
  });
});
