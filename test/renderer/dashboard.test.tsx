import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SegmentDefinition } from '../../src-main/contract';
import { ShowCustomersContext } from '../../src-renderer/app/show-customers';
import { Dashboard } from '../../src-renderer/features/dashboard/Dashboard';
import { HomePage } from '../../src-renderer/features/home/HomePage';
import { jobResult } from '../jobs';
import { openTestStore, renderWithApi } from './render';

configure({ asyncUtilTimeout: 10_000 });

/** Testing Library matches text with its spaces collapsed: Intl's narrow no-break space included. */
const spoken = (text: string | null): string => (text ?? '').replace(/\s+/g, ' ');

const monthOf = (d: Date) => d.toISOString().slice(0, 7);

describe('dashboard', () => {
  it('stays out of the home page until the shop has a sale', async () => {
    const { api } = await openTestStore();
    renderWithApi(<HomePage />, api);
    await screen.findByTestId('home-contact-count');
    await waitFor(() => expect(screen.getByTestId('home-contact-count').textContent).toBe('0'));
    expect(screen.queryByTestId('dashboard')).toBeNull();
  });

  it('shows the period in euros with its comparison, and opens the customers behind a figure', async () => {
    const { api } = await openTestStore();
    const now = new Date();
    // two customers this month, one of them back from last month
    const a = (await api.call('contacts.create', { firstName: 'Anne', lastName: 'Durand' })).id;
    const b = (await api.call('contacts.create', { firstName: 'Bruno', lastName: 'Petit' })).id;
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 10, 10));
    await api.call('purchases.create', { contactId: a, purchasedAt: lastMonth.toISOString(), lines: [{ label: 'Vin', unitPriceCents: 2000 }] });
    await api.call('purchases.create', { contactId: a, lines: [{ label: 'Vin', unitPriceCents: 1250 }] });
    await api.call('purchases.create', { contactId: b, lines: [{ label: 'Fromage', unitPriceCents: 3750 }] });
    await api.call('purchases.create', { contactId: null, lines: [{ label: 'Pain', unitPriceCents: 500 }] });
    await jobResult(api, () => api.call('analytics.recompute', {}));
    const shown: { name: string; definition: SegmentDefinition }[] = [];
    const user = userEvent.setup();
    renderWithApi(
      <ShowCustomersContext.Provider value={(name, definition) => shown.push({ name, definition })}>
        <Dashboard />
      </ShowCustomersContext.Provider>,
      api,
    );
    await screen.findByTestId('dashboard');
    await user.click(within(screen.getByTestId('dashboard-period')).getByText('Mois'));
    // this month: 12,50 + 37,50 + 5,00 € from three sales; nothing a year earlier
    await waitFor(() => expect(spoken(screen.getByTestId('kpi-revenue-value').textContent)).toBe('55,00 €'));
    expect(spoken(screen.getByTestId('kpi-basket-value').textContent)).toBe('18,33 €');
    expect(screen.getByTestId('kpi-new-value').textContent).toBe('1');
    expect(screen.getByTestId('kpi-active-value').textContent).toBe('2');
    expect(screen.getByTestId('kpi-returning-value').textContent).toBe('1');
    // Anne bought last month and again: nobody left
    expect(spoken(screen.getByTestId('kpi-churn-value').textContent)).toBe('0 %');
    expect(screen.getByTestId('kpi-revenue').textContent).toContain('rien un an plus tôt');
    expect(screen.getByRole('img', { name: 'Chiffre d’affaires par mois' })).toBeTruthy();

    // the card of new customers opens them
    await user.click(screen.getByTestId('kpi-new'));
    const month = monthOf(now);
    expect(shown.at(-1)?.definition).toEqual({ version: 2, root: { field: 'firstPurchase', from: `${month}-01T00:00:00.000Z`, to: expect.any(String) } });
    const count = await api.call('segments.count', { definition: shown.at(-1)?.definition ?? { version: 2, root: { field: 'atRisk' } } });
    expect(count.count).toBe(1);

    // the table under the revenue chart: this month's buyers, by keyboard too
    const revenue = within(screen.getByTestId('dashboard-revenue'));
    const monthName = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${month}-01T00:00:00Z`));
    const buyers = revenue.getByRole('button', { name: `Clients ayant acheté en ${monthName}` });
    buyers.focus();
    await user.keyboard('{Enter}');
    expect(shown.at(-1)?.name).toBe(`Clients ayant acheté en ${monthName}`);
    expect((await api.call('segments.count', { definition: shown.at(-1)?.definition ?? { version: 2, root: { field: 'atRisk' } } })).count).toBe(2);

    // a tier and a segment
    await user.click(screen.getByTestId('dashboard-tier-gold'));
    expect(shown.at(-1)).toEqual({ name: 'Palier Or', definition: { version: 2, root: { field: 'paretoTier', in: ['gold'] } } });
    await user.click(screen.getByTestId('dashboard-segment-champions'));
    expect(shown.at(-1)?.definition).toEqual({ version: 2, root: { field: 'rfmSegment', in: ['champions'] } });
  });
});
