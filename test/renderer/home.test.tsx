import { configure, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { localDate } from '../../src-main/contract';
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
