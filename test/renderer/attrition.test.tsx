import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Api, SegmentDefinition } from '../../src-main/contract';
import { AttritionPanel } from '../../src-renderer/features/attrition/AttritionPanel';
import { CustomerOutlook } from '../../src-renderer/features/attrition/CustomerOutlook';
import { jobResult } from '../jobs';
import { openTestStore, renderWithApi } from './render';

const WAIT = { timeout: 8000 };
const DAY = 86_400_000;
const ago = (days: number): string => new Date(Date.now() - days * DAY).toISOString();

/** A regular customer who stopped 200 days ago (overdue against a 20-day rhythm), and one still coming. */
const seed = async (api: Api): Promise<{ stopped: number; regular: number }> => {
  const product = (await api.call('products.create', { name: 'Comté 18 mois', category: 'Fromages', priceCents: 1850 })).id;
  const other = (await api.call('products.create', { name: 'Brie de Meaux', category: 'Fromages', priceCents: 1200 })).id;
  const stopped = (await api.call('contacts.create', { firstName: 'Jeanne', lastName: 'Partie' })).id;
  const regular = (await api.call('contacts.create', { firstName: 'Marc', lastName: 'Fidèle' })).id;
  for (let d = 400; d >= 200; d -= 20) await api.call('purchases.create', { contactId: stopped, purchasedAt: ago(d), lines: [{ productId: product }] });
  for (let d = 380; d >= 0; d -= 20) {
    await api.call('purchases.create', { contactId: regular, purchasedAt: ago(d + 0.5), lines: [{ productId: product }, { productId: other }] });
  }
  await jobResult(api, () => api.call('analytics.recompute', {}));
  return { stopped, regular };
};

describe('attrition screens', () => {
  it('lists the customer at risk with the reason, and opens them all in the contact list', async () => {
    const { api } = await openTestStore();
    const { stopped } = await seed(api);
    const shown: [string, SegmentDefinition][] = [];
    renderWithApi(<AttritionPanel onShowCustomers={(name, definition) => shown.push([name, definition])} />, api);
    const row = await screen.findByTestId('at-risk-row', {}, WAIT);
    expect(row.dataset.contactId).toBe(String(stopped));
    expect(within(row).getByText(/Pas d’achat depuis 200 j — rythme habituel 20 j/)).toBeTruthy();
    expect(screen.getByTestId('at-risk-summary').dataset.customers).toBe('1');
    await userEvent.click(screen.getByTestId('at-risk-show'));
    expect(shown).toEqual([['Clients à risque', { version: 1, root: { field: 'atRisk' } }]]);
    expect(await screen.findByText('Aucun client marqué perdu.', {}, WAIT)).toBeTruthy();
  });

  it('explains the lifetime value, offers what similar customers bought, and marks the customer lost', async () => {
    const { api } = await openTestStore();
    const { stopped } = await seed(api);
    const changed = vi.fn();
    renderWithApi(<CustomerOutlook contactId={stopped} onChanged={changed} />, api);
    const formula = await screen.findByTestId('clv-formula', {}, WAIT);
    // 11 purchases of 18,50 € over the span since the first one
    expect(formula.textContent).toMatch(/18,50\s€ × [\d,]+ achats\/an × [\d,]+ ans/);
    // a one-year analysis period: « 1 an », not « 1 an(s) »
    expect(formula.textContent).toContain('Durée de vie : 1 an ÷');
    expect(screen.getByTestId('next-offers').textContent).toMatch(/Brie de Meaux/);
    expect(screen.getByTestId('risk').textContent).toMatch(/À risque/);

    await userEvent.click(screen.getByTestId('mark-lost'));
    await userEvent.click(await screen.findByTestId('mark-lost-kind-structural'));
    await userEvent.type(screen.getByTestId('mark-lost-note'), 'A déménagé');
    await userEvent.click(screen.getByTestId('mark-lost-confirm'));
    await waitFor(() => expect(screen.getByTestId('loss-mark').textContent).toMatch(/Structurelle/), WAIT);
    expect(changed).toHaveBeenCalled();
    expect((await api.call('contacts.get', { id: stopped })).status).toBe('former');
  });
});
