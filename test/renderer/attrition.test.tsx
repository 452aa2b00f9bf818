import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Api, CustomerOutlook as CustomerOutlookData, CustomerValue, SegmentDefinition } from '../../src-main/contract';
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

/** The formula block of the customer's outlook, with some of the store's terms replaced by these. */
const formulaText = async (api: Api, contactId: number, value: Partial<CustomerValue>, language: 'fr' | 'en') => {
  const withValue: Api = {
    ...api,
    call: (async (name: string, input: unknown) => {
      const result = await (api.call as (n: string, i: unknown) => Promise<unknown>)(name, input);
      if (name !== 'analytics.contact.value') return result;
      const outlook = result as CustomerOutlookData;
      return { ...outlook, value: { ...outlook.value, ...value } };
    }) as Api['call'],
  };
  // the app follows the language saved in the settings
  await api.call('settings.update', { language });
  const view = renderWithApi(<CustomerOutlook contactId={contactId} />, withValue, language);
  const content = (await screen.findByTestId('clv-formula', {}, WAIT)).textContent;
  view.unmount();
  return content;
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
    expect(shown).toEqual([['Clients à risque', { version: 2, root: { field: 'atRisk' } }]]);
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

  it('says « 1 achat/an × 1 an » and « 1 achat sur 1 an » for a customer who bought once', async () => {
    const { api } = await openTestStore();
    const once = (await api.call('contacts.create', { firstName: 'Lise', lastName: 'Passante' })).id;
    await api.call('purchases.create', { contactId: once, purchasedAt: ago(10), lines: [{ label: 'Bougie', unitPriceCents: 1500 }] });
    await jobResult(api, () => api.call('analytics.recompute', {}));
    renderWithApi(<CustomerOutlook contactId={once} />, api);
    const formula = await screen.findByTestId('clv-formula', {}, WAIT);
    expect(formula.textContent).toContain('15,00\u00a0€ × 1 achat/an × 1 an = ');
    expect(formula.textContent).toContain('Fréquence : 1 achat sur 1 an (depuis le premier achat');
  });

  it('puts each count of the formula in the plural its number takes, in French and in English', async () => {
    const { api } = await openTestStore('en');
    const { stopped } = await seed(api);
    const text = (value: Partial<CustomerValue>, language: 'fr' | 'en') => formulaText(api, stopped, value, language);
    const single = { purchases: 1, spanYears: 1, purchasesPerYear: 1, lifetimeYears: 0.999 };
    const many = { purchases: 11, spanYears: 1.5, purchasesPerYear: 7.333, lifetimeYears: 2.5 };
    expect(await text(single, 'en')).toMatch(/ × 1 purchase\/year × 1 year = .*Rate: 1 purchase over 1 year \(/);
    expect(await text(many, 'en')).toMatch(/ × 7\.33 purchases\/year × 2\.5 years = .*Rate: 11 purchases over 1\.5 years \(/);
    expect(await text(single, 'fr')).toMatch(/ × 1 achat\/an × 1 an = .*Fréquence : 1 achat sur 1 an \(/);
    // French keeps the singular below two: « 1,5 an »
    expect(await text(many, 'fr')).toMatch(/ × 7,33 achats\/an × 2,5 ans = .*Fréquence : 11 achats sur 1,5 an \(/);
  });

  it('makes « client » and « a racheté » agree with the customers who bought again, in French and in English', async () => {
    const { api } = await openTestStore();
    const { stopped } = await seed(api);
    const retention = (retained: number, previous: number): Partial<CustomerValue> => ({
      retention: { previous, retained, rate: retained / previous, capped: false, windowMonths: 12 },
    });
    // French groups thousands with a narrow no-break space
    const fr = (s: string) => s.replaceAll(' ', '\u202f');
    expect(await formulaText(api, stopped, retention(1, 3), 'fr')).toContain(
      'fidélisation = 1 client sur 3 de la période précédente a racheté sur celle-ci.',
    );
    expect(await formulaText(api, stopped, retention(2_000, 12_345), 'fr')).toContain(
      `fidélisation = ${fr('2 000')} clients sur ${fr('12 345')} de la période précédente ont racheté sur celle-ci.`,
    );
    expect(await formulaText(api, stopped, retention(1, 3), 'en')).toContain(
      'retention = 1 customer out of 3 from the previous period bought again in this one.',
    );
    expect(await formulaText(api, stopped, retention(2_000, 12_345), 'en')).toContain(
      'retention = 2,000 customers out of 12,345 from the previous period bought again in this one.',
    );
  });
});
