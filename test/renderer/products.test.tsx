import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AppError, type Api } from '../../src-main/contract';
import { createFormatters } from '../../src-renderer/app/format';
import { ProductsPage } from '../../src-renderer/features/sales/ProductsPage';
import { openTestStore, renderWithApi } from './render';

const fr = createFormatters('fr', 'EUR');
const en = createFormatters('en', 'EUR');
/** Testing Library matches text with its spaces collapsed: Intl's narrow no-break space included. */
const spoken = (text: string | null | undefined): string => (text ?? '').replace(/\s+/g, ' ');
const input = (testId: string): HTMLInputElement => screen.getByTestId(testId);
const rowNames = (): string[] => screen.queryAllByTestId('product-row-name').map((n) => n.textContent ?? '');
const catalogue = async (api: Api) => (await api.call('products.list', {})).rows;

const setup = async (seed: (api: Api) => Promise<void> = async () => {}) => {
  const store = await openTestStore();
  await seed(store.api);
  renderWithApi(<ProductsPage />, store.api);
  await screen.findByTestId('products-table');
  return { api: store.api, user: userEvent.setup() };
};

const bread = { name: 'Pain de campagne', sku: 'PAIN-01', category: 'Boulangerie', priceCents: 320 };
const cake = { name: 'Éclair au café', sku: 'ECL-02', category: 'Pâtisserie', priceCents: 450 };
const withTwo = async (api: Api) => {
  await api.call('products.create', bread);
  await api.call('products.create', cake);
};

/**
 * The catalogue of `withTwo` with the bread's form open, every products.update
 * call kept (`refuse` may throw instead of the store answering).
 */
const editBread = async (refuse: () => void = () => {}) => {
  const store = await openTestStore();
  await withTwo(store.api);
  const calls: unknown[] = [];
  const api: Api = {
    ...store.api,
    call: (async (name: string, value: unknown) => {
      if (name === 'products.update') {
        calls.push(value);
        refuse();
      }
      return store.api.call(name as never, value as never);
    }) as Api['call'],
  };
  renderWithApi(<ProductsPage />, api);
  const user = userEvent.setup();
  await waitFor(() => expect(rowNames()).toHaveLength(2));
  await user.click(screen.getAllByTestId('product-row')[1] as HTMLElement);
  await waitFor(() => expect(input('product-price').value).toBe('3,20'));
  return { store, calls, user };
};

describe('ProductsPage', () => {
  it('lists the catalogue by name with SKU, category and price', async () => {
    await setup(withTwo);
    await waitFor(() => expect(rowNames()).toEqual(['Éclair au café', 'Pain de campagne']));
    const [first] = screen.getAllByTestId('product-row');
    expect(first?.textContent).toBe(`Éclair au caféECL-02Pâtisserie${fr.money(450)}`);
  });

  it('says so when the catalogue is empty', async () => {
    await setup();
    expect((await screen.findByTestId('products-empty')).textContent).toContain('Le catalogue est vide');
  });

  it('creates a product from the modal, the price typed the French way', async () => {
    const { api, user } = await setup();
    await user.click(screen.getByTestId('product-new'));
    await waitFor(() => expect(document.activeElement).toBe(input('product-name')));
    await user.type(input('product-name'), 'Retouche ourlet');
    await user.type(input('product-sku'), 'RET-01');
    await user.type(input('product-category'), 'Atelier');
    await user.type(input('product-price'), '12,50{Enter}');

    await waitFor(() => expect(screen.queryByTestId('product-form')).toBeNull());
    expect(await catalogue(api)).toMatchObject([
      { name: 'Retouche ourlet', sku: 'RET-01', category: 'Atelier', priceCents: 1250, active: true },
    ]);
    await waitFor(() => expect(rowNames()).toEqual(['Retouche ourlet']));
    expect(screen.getByTestId('product-row-price').textContent).toBe(fr.money(1250));
  });

  it('creates a product sold by the kilo: the price says it is per kilo, in the form and in the list', async () => {
    const { api, user } = await setup();
    await user.click(screen.getByTestId('product-new'));
    // a piece unless told otherwise
    expect((screen.getByLabelText('À la pièce') as HTMLInputElement).checked).toBe(true);
    expect(screen.getByLabelText(/^Prix de vente/)).toBe(input('product-price'));
    await user.type(input('product-name'), 'Comté 24 mois');
    await user.click(screen.getByLabelText('Au kilo'));
    expect(screen.getByLabelText(/^Prix au kilo/)).toBe(input('product-price'));
    await user.type(input('product-price'), '32,50{Enter}');

    await waitFor(() => expect(screen.queryByTestId('product-form')).toBeNull());
    expect(await catalogue(api)).toMatchObject([{ name: 'Comté 24 mois', priceCents: 3250, unit: 'kg' }]);
    await waitFor(() => expect(rowNames()).toEqual(['Comté 24 mois']));
    expect(spoken(screen.getByTestId('product-row-price').textContent)).toBe('32,50 € / kg');
    expect(screen.getByTestId('product-row-price').textContent).toBe(`${fr.money(3250)}\u00a0/\u00a0kg`);
  });

  it('changes a product’s unit with a patch of the unit alone, and shows the store’s refusal on the field', async () => {
    let refuse = true;
    // a store that knows fewer units than the screen
    const { store, calls, user } = await editBread(() => {
      if (refuse) throw new AppError('VALIDATION', 'invalid', { issues: [{ path: 'patch.unit', code: 'invalid_value' }] });
    });
    await user.click(screen.getByLabelText('Au mètre'));
    expect(screen.getByLabelText(/^Prix au mètre/)).toBe(input('product-price'));
    await user.click(screen.getByTestId('product-save'));
    expect(within(screen.getByTestId('product-form')).getByText('Valeur non autorisée.')).toBeTruthy();
    // the chosen unit takes the focus
    expect(document.activeElement).toBe(screen.getByLabelText('Au mètre'));

    refuse = false;
    await user.click(screen.getByLabelText('Au kilo'));
    expect(screen.queryByText('Valeur non autorisée.')).toBeNull();
    await user.click(screen.getByTestId('product-save'));
    await waitFor(() => expect(screen.queryByTestId('product-form')).toBeNull());
    const [, pain] = await catalogue(store.api);
    expect(calls).toEqual([
      { id: pain?.id, patch: { unit: 'm' } },
      { id: pain?.id, patch: { unit: 'kg' } },
    ]);
    expect(pain).toMatchObject({ unit: 'kg', priceCents: 320 });
    await waitFor(() => expect(screen.getAllByTestId('product-row-price')[1]?.textContent).toBe(`${fr.money(320)}\u00a0/\u00a0kg`));
  });

  it('speaks English: the units, the price per kilogram and “/ kg” in the list', async () => {
    const store = await openTestStore('en');
    await store.api.call('products.create', { name: 'Comté 24 months', priceCents: 3250, unit: 'kg' });
    await store.api.call('products.create', { name: 'Ribbon', priceCents: 120, unit: 'm' });
    renderWithApi(<ProductsPage />, store.api, 'en');
    await waitFor(() => expect(rowNames()).toEqual(['Comté 24 months', 'Ribbon']));
    expect(screen.getAllByTestId('product-row-price').map((c) => c.textContent)).toEqual([`${en.money(3250)}\u00a0/\u00a0kg`, `${en.money(120)}\u00a0/\u00a0m`]);
    expect(spoken(screen.getAllByTestId('product-row-price')[0]?.textContent)).toBe('€32.50 / kg');
    const user = userEvent.setup();
    await user.click(screen.getAllByTestId('product-row')[0] as HTMLElement);
    expect(((await screen.findByLabelText('Per kilogram')) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByLabelText(/^Price per kilogram/)).toBe(input('product-price'));
    const units = screen.getByRole('radiogroup', { name: 'Selling unit' });
    expect(within(units).getAllByRole('radio').map((r) => r.parentElement?.textContent)).toEqual(['Per piece', 'Per kilogram', 'Per litre', 'Per metre']);
  });

  it('Ctrl+Enter saves and clears the form for the next product, keeping the category', async () => {
    const { api, user } = await setup();
    await user.click(screen.getByTestId('product-new'));
    await user.type(input('product-name'), 'Croissant');
    await user.type(input('product-category'), 'Viennoiserie');
    await user.type(input('product-price'), '1,10{Control>}{Enter}{/Control}');
    await waitFor(() => expect(input('product-name').value).toBe(''));
    expect(input('product-category').value).toBe('Viennoiserie');
    expect(document.activeElement).toBe(input('product-name'));
    await user.type(input('product-name'), 'Pain au chocolat');
    await user.type(input('product-price'), '1,25{Enter}');
    await waitFor(() => expect(screen.queryByTestId('product-form')).toBeNull());
    expect((await catalogue(api)).map((p) => [p.name, p.category, p.priceCents])).toEqual([
      ['Croissant', 'Viennoiserie', 110],
      ['Pain au chocolat', 'Viennoiserie', 125],
    ]);
  });

  it('refuses a duplicate SKU, naming the product that has it, and writes nothing', async () => {
    const { api, user } = await setup(withTwo);
    await user.click(screen.getByTestId('product-new'));
    await user.type(input('product-name'), 'Pain complet');
    await user.type(input('product-sku'), 'PAIN-01');
    await user.type(input('product-price'), '3,50');
    await user.click(screen.getByTestId('product-save'));

    expect(await screen.findByText('Ce code article est déjà utilisé par « Pain de campagne ».')).toBeTruthy();
    expect(document.activeElement).toBe(input('product-sku'));
    expect(screen.getByTestId('product-form')).toBeTruthy();
    expect((await catalogue(api)).map((p) => p.name)).toEqual(['Éclair au café', 'Pain de campagne']);

    // another code goes through
    await user.clear(input('product-sku'));
    await user.type(input('product-sku'), 'PAIN-02{Enter}');
    await waitFor(() => expect(screen.queryByTestId('product-form')).toBeNull());
    // by name: « Pain complet » before « Pain de campagne »
    expect((await catalogue(api)).map((p) => p.sku)).toEqual(['ECL-02', 'PAIN-02', 'PAIN-01']);
  });

  it('refuses a missing name and a price "abc" with French messages, and writes nothing', async () => {
    const { api, user } = await setup();
    await user.click(screen.getByTestId('product-new'));
    await user.type(input('product-price'), 'abc{Enter}');
    expect(await screen.findByText('Prix invalide : tapez un montant comme 12,50.')).toBeTruthy();
    expect(screen.getByText('Ce champ est obligatoire.')).toBeTruthy();
    expect(document.activeElement).toBe(input('product-name'));

    await user.type(input('product-name'), 'Ruban');
    await user.clear(input('product-price'));
    await user.type(input('product-price'), '-2{Enter}');
    expect(await screen.findByText('Le prix ne peut pas être négatif.')).toBeTruthy();
    await user.clear(input('product-price'));
    await user.type(input('product-price'), '2,555{Enter}');
    expect(await screen.findByText('Deux chiffres après la virgule au plus (ex. 12,50).')).toBeTruthy();
    expect(await catalogue(api)).toEqual([]);
  });

  it('edits a product with a patch of what changed', async () => {
    const { store, calls, user } = await editBread();
    await user.clear(input('product-price'));
    await user.type(input('product-price'), '3,40{Enter}');
    await waitFor(() => expect(screen.queryByTestId('product-form')).toBeNull());
    const [, pain] = await catalogue(store.api);
    expect(calls).toEqual([{ id: pain?.id, patch: { priceCents: 340 } }]);
    expect(pain?.priceCents).toBe(340);
    await waitFor(() => expect(screen.getAllByTestId('product-row-price')[1]?.textContent).toBe(fr.money(340)));
  });

  it('searches by name or SKU; arrows and Enter open a product', async () => {
    const { user } = await setup(withTwo);
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    await user.type(input('products-search'), 'ecl');
    await waitFor(() => expect(rowNames()).toEqual(['Éclair au café']));
    await user.clear(input('products-search'));
    await user.type(input('products-search'), 'PAIN-');
    await waitFor(() => expect(rowNames()).toEqual(['Pain de campagne']));
    await user.keyboard('{ArrowDown}{Enter}');
    await waitFor(() => expect(input('product-name').value).toBe('Pain de campagne'));
  });

  it('archives a product: it leaves the counter, stays in the catalogue', async () => {
    const { api, user } = await setup(withTwo);
    await waitFor(() => expect(rowNames()).toHaveLength(2));
    await user.click(screen.getAllByTestId('product-edit')[0] as HTMLElement);
    await user.click(await screen.findByTestId('product-active'));
    await user.click(screen.getByTestId('product-save'));
    await waitFor(() => expect(screen.queryByTestId('product-form')).toBeNull());

    expect((await catalogue(api)).map((p) => [p.name, p.active])).toEqual([
      ['Éclair au café', false],
      ['Pain de campagne', true],
    ]);
    expect(await api.call('products.search', { q: 'éclair' })).toEqual([]);
    await waitFor(() => expect(within(screen.getAllByTestId('product-row')[0] as HTMLElement).getByText('Archivé')).toBeTruthy());
    await user.click(screen.getByLabelText('En vente'));
    await waitFor(() => expect(rowNames()).toEqual(['Pain de campagne']));
    await user.click(screen.getByLabelText('Archivés'));
    await waitFor(() => expect(rowNames()).toEqual(['Éclair au café']));
  });

  it('deletes after confirmation; past sales keep their label and price', async () => {
    let saleId = 0;
    const { api, user } = await setup(async (a) => {
      await withTwo(a);
      const [, pain] = (await a.call('products.list', {})).rows;
      saleId = (await a.call('purchases.create', { lines: [{ productId: pain?.id ?? 0, quantity: 2 }] })).id;
    });
    await waitFor(() => expect(rowNames()).toHaveLength(2));

    await user.click(screen.getAllByTestId('product-delete')[1] as HTMLElement);
    expect((await screen.findByText(/sera retiré du catalogue/)).textContent).toContain('« Pain de campagne »');
    await user.click(screen.getByTestId('product-delete-confirm-cancel'));
    expect(await catalogue(api)).toHaveLength(2);

    await user.click(screen.getAllByTestId('product-delete')[1] as HTMLElement);
    await user.click(await screen.findByTestId('product-delete-confirm'));
    await waitFor(() => expect(rowNames()).toEqual(['Éclair au café']));
    expect((await catalogue(api)).map((p) => p.name)).toEqual(['Éclair au café']);
    const sale = await api.call('purchases.get', { id: saleId });
    expect(sale.lines).toMatchObject([{ productId: null, label: 'Pain de campagne', quantity: 2, unitPriceCents: 320, totalCents: 640 }]);
  });
});
