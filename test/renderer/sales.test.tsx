import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { fromMilli, localDate, QUANTITY_MAX, quantityMilli, type Api } from '../../src-main/contract';
import { createFormatters } from '../../src-renderer/app/format';
import { createI18n } from '../../src-renderer/app/i18n';
import { fieldMessage, storeFieldCode } from '../../src-renderer/features/sales/messages';
import { centsToInput, parseEuros, parseQuantity, quantityToInput } from '../../src-renderer/features/sales/money';
import { PurchaseDialog } from '../../src-renderer/features/sales/PurchaseDialog';
import { SalePage } from '../../src-renderer/features/sales/SalePage';
import { priceWithUnit, quantityTimesLabel, quantityWithUnit } from '../../src-renderer/features/sales/units';
import { openTestStore, renderWithApi } from './render';

const fr = createFormatters('fr', 'EUR');
const en = createFormatters('en', 'EUR');
/** Testing Library matches text with its spaces collapsed: Intl's narrow no-break space included. */
const spoken = (text: string): string => text.replace(/\s+/g, ' ');
const input = (testId: string): HTMLInputElement => screen.getByTestId(testId);
const inputs = (testId: string): HTMLInputElement[] => screen.queryAllByTestId(testId);

const seed = async (api: Api) => {
  const jeanne = await api.call('contacts.create', { firstName: 'Jeanne', lastName: 'Martin', city: 'Lyon' });
  const bread = await api.call('products.create', { name: 'Pain de campagne', sku: 'PAIN-01', category: 'Boulangerie', priceCents: 320 });
  const cake = await api.call('products.create', { name: 'Éclair au café', sku: 'ECL-02', category: 'Pâtisserie', priceCents: 450 });
  return { jeanne, bread, cake };
};

const setup = async (contactId: number | null = null) => {
  const store = await openTestStore();
  const data = await seed(store.api);
  renderWithApi(<SalePage contactId={contactId} />, store.api);
  return { ...data, store, api: store.api, user: userEvent.setup() };
};

/** A cheese sold by the kilo, in the catalogue beside the pieces of `seed`. */
const comte = (api: Api) => api.call('products.create', { name: 'Comté 24 mois', sku: 'COMTE-24', category: 'Fromagerie', priceCents: 3250, unit: 'kg' });

const purchasesOf = async (api: Api, contactId: number) => (await api.call('purchases.list', { contactId })).rows;

/** Jeanne Martin as the customer, as the counter does it: a few letters, wait for her, Enter. */
const pickJeanne = async (user: ReturnType<typeof userEvent.setup>): Promise<void> => {
  await user.type(input('sale-customer'), 'martin');
  await screen.findByTestId('sale-customer-options');
  await user.keyboard('{Enter}');
};

describe('euros typed the French way', () => {
  it('parses amounts to exact cents', () => {
    const cases: [string, number][] = [
      ['12,50', 1250],
      ['12,5', 1250],
      ['12', 1200],
      ['0,1', 10],
      [',99', 99],
      ['19,99', 1999],
      ['12.50', 1250],
      ['1 234,56', 123456],
      ['1\u202f234,56 €', 123456],
      ['1.234,56', 123456],
      ['1,234.56', 123456],
      ['€ 3,20', 320],
      ['0,29', 29],
      ['1000000', 100_000_000],
    ];
    for (const [text, cents] of cases) expect(parseEuros(text), text).toEqual({ ok: true, value: cents });
  });

  it('refuses what is not an amount, with a reason', () => {
    const cases: [string, string][] = [
      ['', 'price_required'],
      ['abc', 'price_invalid'],
      ['12,50abc', 'price_invalid'],
      ['1.2.3', 'price_invalid'],
      ['12,555', 'price_decimals'],
      ['-3', 'price_negative'],
      ['1000000,01', 'price_too_large'],
      ['99999999999999999999', 'price_too_large'],
      ['1e5', 'price_invalid'],
    ];
    for (const [text, code] of cases) expect(parseEuros(text), text).toEqual({ ok: false, code });
    expect(parseEuros('-3,5', { allowNegative: true })).toEqual({ ok: true, value: -350 });
  });

  it('reads back every amount it writes, in both languages', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), fc.constantFrom(',' as const, '.' as const), (cents, mark) => {
        expect(parseEuros(centsToInput(cents, mark), { allowNegative: true })).toEqual({ ok: true, value: cents === 0 ? 0 : cents });
      }),
    );
  });

  it('parses quantities to the thousandth, comma or dot', () => {
    const cases: [string, number][] = [
      ['2', 2],
      [' 3 ', 3],
      ['2,0', 2],
      ['1,5', 1.5],
      ['0,352', 0.352],
      ['2.5', 2.5],
      [',5', 0.5],
      ['0,3520', 0.352],
      ['1 000', 1000],
      ['1 000,5', 1000.5],
      ['1\u202f000,352', 1000.352],
      ['1.000,5', 1000.5],
      ['+4', 4],
      ['0,001', 0.001],
      ['100000', 100_000],
    ];
    for (const [text, value] of cases) expect(parseQuantity(text), text).toEqual({ ok: true, value });
  });

  it('refuses what is not a quantity, with a reason', () => {
    const cases: [string, string][] = [
      ['', 'qty_required'],
      ['   ', 'qty_required'],
      ['-1', 'qty_positive'],
      ['-0,352', 'qty_positive'],
      ['0', 'qty_positive'],
      ['0,000', 'qty_positive'],
      ['0,3525', 'qty_too_precise'],
      ['1,0001', 'qty_too_precise'],
      ['abc', 'qty_invalid'],
      ['1,2,3', 'qty_invalid'],
      ['2 kg', 'qty_invalid'],
      ['1e3', 'qty_invalid'],
      [',', 'qty_invalid'],
      ['100001', 'qty_too_large'],
      ['100000,001', 'qty_too_large'],
      ['99999999999999999999', 'qty_too_large'],
    ];
    for (const [text, code] of cases) expect(parseQuantity(text), text).toEqual({ ok: false, code });
  });

  it('reads a comma as thousands in English and a dot as the keypad’s decimal key in French', () => {
    expect(parseQuantity('1,000', '.')).toEqual({ ok: true, value: 1000 });
    expect(parseQuantity('12,345.5', '.')).toEqual({ ok: true, value: 12345.5 });
    expect(parseQuantity('0.352', '.')).toEqual({ ok: true, value: 0.352 });
    expect(parseQuantity('1,5', '.')).toEqual({ ok: false, code: 'qty_invalid' });
    expect(parseQuantity('0,352', '.')).toEqual({ ok: false, code: 'qty_invalid' });
    expect(parseQuantity('00,352', '.')).toEqual({ ok: false, code: 'qty_invalid' });
    expect(parseQuantity('1.000', ',')).toEqual({ ok: true, value: 1 });
    expect(parseQuantity('1,000', ',')).toEqual({ ok: true, value: 1 });
  });

  it('words the store’s codes for a quantity with the screen’s own sentences', () => {
    const { t } = createI18n('fr');
    expect(fieldMessage(t, storeFieldCode('quantity', 'too_many_decimals'))).toBe('La quantité a au plus trois décimales (0,352).');
    expect(fieldMessage(t, storeFieldCode('quantity', 'must_be_positive'))).toBe('La quantité doit être supérieure à zéro.');
    expect(fieldMessage(t, storeFieldCode('quantity', 'too_large'))).toBe('Quantité trop grande.');
  });

  it('reads every quantity it writes back to the same thousandths, never through a float sum', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: quantityMilli(QUANTITY_MAX) }), fc.constantFrom(',' as const, '.' as const), (milli, mark) => {
        const text = quantityToInput(fromMilli(milli), mark);
        expect(parseQuantity(text, mark)).toEqual({ ok: true, value: fromMilli(milli) });
        expect(parseQuantity(fr.quantity(fromMilli(milli)))).toEqual({ ok: true, value: fromMilli(milli) });
      }),
    );
    expect(quantityToInput(0.352, ',')).toBe('0,352');
    expect(quantityToInput(2, ',')).toBe('2');
    expect(quantityToInput(2.5, '.')).toBe('2.5');
  });
});

describe('units after quantities and prices', () => {
  it('says kg, l and m, and nothing for a piece, in both languages', () => {
    const { t } = createI18n('fr');
    expect(quantityWithUnit(t, fr, 0.352, 'kg')).toBe('0,352\u00a0kg');
    expect(quantityWithUnit(t, fr, 1, 'kg')).toBe('1\u00a0kg');
    expect(quantityWithUnit(t, fr, 2.5, 'm')).toBe('2,5\u00a0m');
    expect(quantityWithUnit(t, fr, -0.75, 'l')).toBe('-0,75\u00a0l');
    expect(quantityWithUnit(t, fr, 2, 'piece')).toBe('2');
    expect(priceWithUnit(t, fr, 3250, 'kg')).toBe(`${fr.money(3250)}\u00a0/\u00a0kg`);
    expect(priceWithUnit(t, fr, 320, 'piece')).toBe(fr.money(320));
    expect(quantityTimesLabel(t, fr, 0.1, 'kg', 'Comté')).toBe('0,1\u00a0kg × Comté');
    expect(quantityTimesLabel(t, fr, 1, 'piece', 'Pain')).toBe('1 × Pain');
    const english = createI18n('en').t;
    expect(quantityWithUnit(english, en, 0.352, 'kg')).toBe('0.352\u00a0kg');
    expect(priceWithUnit(english, en, 3250, 'kg')).toBe(`${en.money(3250)}\u00a0/\u00a0kg`);
    expect(priceWithUnit(english, en, 199, 'l')).toBe(`${en.money(199)}\u00a0/\u00a0l`);
    expect(quantityWithUnit(english, en, 3, 'piece')).toBe('3');
  });
});

describe('SalePage (counter sale)', () => {
  it('records a sale for a picked customer with a product and a free line, then resets for the next one', async () => {
    const { api, user, jeanne, bread } = await setup();

    // the customer box has the focus: type, wait for the match, Enter
    expect(document.activeElement).toBe(input('sale-customer'));
    await pickJeanne(user);
    await waitFor(() => expect(screen.getByTestId('sale-customer-info').textContent).toContain('Jeanne Martin'));
    expect(screen.getByTestId('sale-customer-info').textContent).toContain('Premier achat');
    expect(document.activeElement).toBe(input('sale-product'));

    // a scanned SKU: the code and Enter at once, before any list shows
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    expect(inputs('sale-price')[0]?.value).toBe('3,20');
    expect(input('sale-product').value).toBe('');

    // free text: no product matches, Enter makes a free line and moves to its price
    await user.type(input('sale-product'), 'Retouche{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(2));
    expect(inputs('sale-label')[1]?.value).toBe('Retouche');
    await waitFor(() => expect(document.activeElement).toBe(inputs('sale-price')[1]));
    await user.keyboard('12,50');
    expect(screen.getAllByTestId('sale-line-total')[1]?.textContent).toBe(fr.money(1250));
    expect(screen.getByTestId('sale-total').textContent).toBe(fr.money(1570));

    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(await screen.findByText(spoken(`Vente de ${fr.money(1570)} enregistrée pour Jeanne Martin.`))).toBeTruthy();

    const rows = await purchasesOf(api, jeanne.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'sale', channel: 'shop', amountCents: 1570, contactId: jeanne.id, refundedCents: 0 });
    expect(rows[0]?.lines.map(({ productId, label, quantity, unitPriceCents, totalCents }) => ({ productId, label, quantity, unitPriceCents, totalCents }))).toEqual([
      { productId: bread.id, label: 'Pain de campagne', quantity: 1, unitPriceCents: 320, totalCents: 320 },
      { productId: null, label: 'Retouche', quantity: 1, unitPriceCents: 1250, totalCents: 1250 },
    ]);
    const after = await api.call('contacts.get', { id: jeanne.id });
    expect(after).toMatchObject({ purchaseCount: 1, totalCents: 1570, status: 'customer' });

    // ready for the next customer
    expect(inputs('sale-line')).toHaveLength(0);
    expect(input('sale-customer').value).toBe('');
    expect(document.activeElement).toBe(input('sale-customer'));
    expect(screen.getByTestId('sale-total').textContent).toBe(fr.money(0));
    expect(screen.getByTestId('sale-last').textContent).toContain('Jeanne Martin');
  });

  it('refunds the sale it just recorded from the purchase dialog; the customer’s figures follow', async () => {
    const { api, user, jeanne } = await setup(null);
    await user.type(input('sale-customer'), 'jeanne');
    await screen.findByTestId('sale-customer-options');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(input('sale-product')));
    await user.type(input('sale-product'), 'Retouche{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(inputs('sale-price')[0]));
    await user.keyboard('12,50');
    await user.click(screen.getByTestId('sale-save'));
    await screen.findByTestId('sale-last');
    expect((await api.call('contacts.get', { id: jeanne.id })).totalCents).toBe(1250);

    // the next sale has begun (a line, no customer) when the previous customer comes back
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));

    await user.click(screen.getByTestId('sale-last-open'));
    const view = await screen.findByTestId('purchase-view');
    expect(within(view).getByTestId('purchase-total').textContent).toBe(fr.money(1250));
    expect(within(view).getByTestId('purchase-customer').textContent).toBe('Jeanne Martin');
    expect(within(view).getByTestId('purchase-channel').textContent).toBe('Boutique');
    await user.click(within(view).getByTestId('purchase-refund'));
    expect(screen.getByTestId('refund-all-text').textContent).toContain(fr.money(1250));
    // Ctrl+Enter in the dialog confirms the refund, never records the sale waiting behind it
    await user.type(screen.getByTestId('refund-note'), 'Ourlet raté{Control>}{Enter}{/Control}');
    expect(await screen.findByText(spoken(`Remboursement de ${fr.money(1250)} enregistré.`))).toBeTruthy();

    await waitFor(() => expect(screen.getByTestId('purchase-refunded').textContent).toBe(fr.money(-1250)));
    expect(screen.getByTestId('purchase-net').textContent).toBe(fr.money(0));
    expect(screen.getAllByTestId('purchase-refund-row')).toHaveLength(1);
    // nothing left to refund: the button is gone
    expect(screen.queryByTestId('purchase-refund')).toBeNull();
    expect(await api.call('contacts.get', { id: jeanne.id })).toMatchObject({ purchaseCount: 1, totalCents: 0 });
    // the counter's strip shows the refund too (onChanged reloaded it)
    await waitFor(() => expect(screen.getByTestId('sale-last').textContent).toContain(`${fr.money(1250)} remboursés`));
    expect(inputs('sale-line')).toHaveLength(1);
    expect(screen.queryByText(/enregistrée \(sans client\)/)).toBeNull();
  });

  it('refuses a sale without any line, with a French message, and writes nothing', async () => {
    const { api, user, jeanne } = await setup(null);
    await pickJeanne(user);
    await user.click(screen.getByTestId('sale-save'));
    expect(await screen.findByText('Ajoutez au moins un article.')).toBeTruthy();
    expect(document.activeElement).toBe(input('sale-product'));
    expect(await purchasesOf(api, jeanne.id)).toEqual([]);
  });

  it('refuses a price "abc" and a negative quantity on the fields and writes nothing', async () => {
    const { api, user, jeanne } = await setup(null);
    await pickJeanne(user);
    await user.type(input('sale-product'), 'ECL-02{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    await user.type(input('sale-product'), 'Retouche{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(inputs('sale-price')[1]));
    await user.keyboard('abc');

    const qty = inputs('sale-qty')[0] as HTMLInputElement;
    await user.clear(qty);
    await user.type(qty, '-1');
    await user.click(screen.getByTestId('sale-save'));

    expect(await screen.findByText('Prix invalide : tapez un montant comme 12,50.')).toBeTruthy();
    expect(screen.getByText('La quantité doit être supérieure à zéro.')).toBeTruthy();
    // the first wrong field takes the focus
    expect(document.activeElement).toBe(inputs('sale-qty')[0]);
    expect(await purchasesOf(api, jeanne.id)).toEqual([]);
    expect((await api.call('contacts.get', { id: jeanne.id })).purchaseCount).toBe(0);

    // fixing the fields lifts the errors and the sale goes through
    await user.clear(qty);
    await user.type(qty, '2');
    const price = inputs('sale-price')[1] as HTMLInputElement;
    await user.clear(price);
    await user.type(price, '12,50');
    expect(screen.queryByText('Prix invalide : tapez un montant comme 12,50.')).toBeNull();
    expect(screen.getByTestId('sale-total').textContent).toBe(fr.money(2 * 450 + 1250));
    await user.click(screen.getByTestId('sale-save'));
    await screen.findByTestId('sale-last');
    expect((await purchasesOf(api, jeanne.id)).map((p) => p.amountCents)).toEqual([2150]);
  });

  it('sells by weight: 0,352 kg of Comté at 32,50 € comes to 11,44 €, on screen and in the store', async () => {
    const { api, user, jeanne } = await setup(null);
    await pickJeanne(user);
    await user.type(input('sale-product'), 'Comté{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(inputs('sale-price')[0]));
    await user.keyboard('32,50');
    const qty = inputs('sale-qty')[0] as HTMLInputElement;
    await user.clear(qty);
    await user.type(qty, '0,352');
    expect(spoken(screen.getAllByTestId('sale-line-total')[0]?.textContent ?? '')).toBe('11,44 €');
    expect(spoken(screen.getByTestId('sale-total').textContent ?? '')).toBe('11,44 €');

    await user.click(screen.getByTestId('sale-save'));
    expect(await screen.findByText(spoken(`Vente de ${fr.money(1144)} enregistrée pour Jeanne Martin.`))).toBeTruthy();
    const [sale] = await purchasesOf(api, jeanne.id);
    expect(sale?.amountCents).toBe(1144);
    expect(sale?.lines).toMatchObject([{ productId: null, label: 'Comté', quantity: 0.352, unitPriceCents: 3250, totalCents: 1144 }]);

    // the purchase shows the weight as it was typed
    await user.click(screen.getByTestId('sale-last-open'));
    const view = await screen.findByTestId('purchase-view');
    expect(within(view).getAllByTestId('purchase-line').map((r) => r.textContent)).toEqual([`Comté0,352${fr.money(3250)}${fr.money(1144)}`]);
  });

  it('sells a product of the catalogue by the kilo: « kg » by its quantity, which waits for the weight', async () => {
    const { api, user, jeanne, bread } = await setup(null);
    const cheese = await comte(api);
    await pickJeanne(user);
    await user.type(input('sale-product'), 'comté');
    await waitFor(() => expect(screen.getAllByTestId('sale-product-option')).toHaveLength(2));
    expect(screen.getAllByTestId('sale-product-option')[0]?.textContent).toBe(`Comté 24 moisCOMTE-24 · Fromagerie${fr.money(3250)}\u00a0/\u00a0kg`);
    await user.keyboard('{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    expect(screen.getByTestId('sale-qty-unit').textContent).toBe('kg');
    expect(screen.getByTestId('sale-price-unit').textContent).toBe('/\u00a0kg');
    expect(inputs('sale-price')[0]?.value).toBe('32,50');
    // the weight is what is left to type: its field has the focus, the « 1 » selected
    await waitFor(() => expect(document.activeElement).toBe(inputs('sale-qty')[0]));
    await user.keyboard('0,352');
    expect(inputs('sale-qty')[0]?.value).toBe('0,352');
    expect(spoken(screen.getAllByTestId('sale-line-total')[0]?.textContent ?? '')).toBe('11,44 €');

    // a piece says no unit; a second weighing is a line of its own, not one more kilo
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(2));
    await user.type(input('sale-product'), 'COMTE-24{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(3));
    await waitFor(() => expect(document.activeElement).toBe(inputs('sale-qty')[2]));
    await user.keyboard('0,2');
    expect(inputs('sale-qty').map((i) => i.value)).toEqual(['0,352', '1', '0,2']);
    expect(screen.getAllByTestId('sale-qty-unit')).toHaveLength(2);
    expect(screen.getAllByTestId('sale-line').map((l) => within(l).queryByTestId('sale-qty-unit')?.textContent ?? null)).toEqual(['kg', null, 'kg']);
    expect(screen.getByTestId('sale-total').textContent).toBe(fr.money(1144 + 320 + 650));

    await user.click(screen.getByTestId('sale-save'));
    await screen.findByTestId('sale-last');
    const [sale] = await purchasesOf(api, jeanne.id);
    expect(sale?.lines.map(({ productId, quantity, unit, totalCents }) => ({ productId, quantity, unit, totalCents }))).toEqual([
      { productId: cheese.id, quantity: 0.352, unit: 'kg', totalCents: 1144 },
      { productId: bread.id, quantity: 1, unit: 'piece', totalCents: 320 },
      { productId: cheese.id, quantity: 0.2, unit: 'kg', totalCents: 650 },
    ]);

    await user.click(screen.getByTestId('sale-last-open'));
    const view = await screen.findByTestId('purchase-view');
    expect(within(view).getAllByTestId('purchase-line').map((r) => r.textContent)).toEqual([
      `Comté 24 mois0,352\u00a0kg${fr.money(3250)}\u00a0/\u00a0kg${fr.money(1144)}`,
      `Pain de campagne1${fr.money(320)}${fr.money(320)}`,
      `Comté 24 mois0,2\u00a0kg${fr.money(3250)}\u00a0/\u00a0kg${fr.money(650)}`,
    ]);
  });

  it('says “kg” and “/ kg” in English too', async () => {
    const store = await openTestStore('en');
    await comte(store.api);
    renderWithApi(<SalePage contactId={null} />, store.api, 'en');
    const user = userEvent.setup();
    await user.keyboard('{Enter}');
    await user.type(input('sale-product'), 'comt');
    await waitFor(() => expect(screen.getAllByTestId('sale-product-option')).toHaveLength(2));
    expect(spoken(screen.getAllByTestId('sale-product-option')[0]?.textContent ?? '')).toBe('Comté 24 moisCOMTE-24 · Fromagerie€32.50 / kg');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(inputs('sale-qty')[0]));
    expect(screen.getByTestId('sale-qty-unit').textContent).toBe('kg');
    expect(screen.getByTestId('sale-price-unit').textContent).toBe('/\u00a0kg');
    expect(inputs('sale-price')[0]?.value).toBe('32.50');
    await user.keyboard('0.352');
    expect(screen.getAllByTestId('sale-line-total')[0]?.textContent).toBe(en.money(1144));
  });

  it('totals the lines each rounded to the cent, as the store records them', async () => {
    const { api, user, jeanne } = await setup(null);
    await pickJeanne(user);
    // 0,205 × 18,90 is 3,8745 €: each line is 3,87 €, and two of them 7,74 €, not 7,75 €
    for (const [index, label] of ['Comté', 'Beaufort'].entries()) {
      await user.type(input('sale-product'), `${label}{Enter}`);
      await waitFor(() => expect(document.activeElement).toBe(inputs('sale-price')[index]));
      await user.keyboard('18,90');
      const qty = inputs('sale-qty')[index] as HTMLInputElement;
      await user.clear(qty);
      await user.type(qty, '0,205');
    }
    expect(screen.getAllByTestId('sale-line-total').map((c) => c.textContent)).toEqual([fr.money(387), fr.money(387)]);
    expect(screen.getByTestId('sale-total').textContent).toBe(fr.money(774));
    await user.click(screen.getByTestId('sale-save'));
    await screen.findByTestId('sale-last');
    expect((await purchasesOf(api, jeanne.id)).map((p) => p.amountCents)).toEqual([774]);
  });

  it('refuses a fourth decimal on the quantity field', async () => {
    const { api, user, jeanne } = await setup(null);
    await pickJeanne(user);
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    const qty = inputs('sale-qty')[0] as HTMLInputElement;
    await user.clear(qty);
    await user.type(qty, '0,3525');
    expect(screen.getAllByTestId('sale-line-total')[0]?.textContent).toBe('—');
    await user.click(screen.getByTestId('sale-save'));
    expect(await screen.findByText('La quantité a au plus trois décimales (0,352).')).toBeTruthy();
    expect(document.activeElement).toBe(qty);
    expect(await purchasesOf(api, jeanne.id)).toEqual([]);
  });

  it('refuses a typed name that was not picked from the list', async () => {
    const { api, user, jeanne } = await setup(null);
    await user.type(input('sale-customer'), 'Jean');
    await user.click(input('sale-product'));
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    await user.click(screen.getByTestId('sale-save'));
    expect(await screen.findByText('Choisissez un client dans la liste, ou videz le champ pour une vente sans client.')).toBeTruthy();
    expect(await purchasesOf(api, jeanne.id)).toEqual([]);
  });

  it('records a sale without a customer', async () => {
    const { api, user } = await setup(null);
    // Enter on an empty customer box goes straight to the articles
    await user.keyboard('{Enter}');
    expect(document.activeElement).toBe(input('sale-product'));
    await user.type(input('sale-product'), 'éclair');
    // the list shows the product first, the free line last; arrows pick
    await waitFor(() => expect(screen.getAllByTestId('sale-product-option')).toHaveLength(2));
    expect(screen.getAllByTestId('sale-product-option').map((o) => o.textContent)).toEqual([`Éclair au caféECL-02 · Pâtisserie${fr.money(450)}`, 'Ligne libre « éclair »']);
    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    expect(inputs('sale-label')[0]?.value).toBe('éclair');
    await waitFor(() => expect(document.activeElement).toBe(inputs('sale-price')[0]));
    await user.keyboard('4{Enter}');
    expect(document.activeElement).toBe(input('sale-product'));
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(await screen.findByText(spoken(`Vente de ${fr.money(400)} enregistrée (sans client).`))).toBeTruthy();

    await user.click(screen.getByTestId('sale-last-open'));
    const view = await screen.findByTestId('purchase-view');
    expect(within(view).getByTestId('purchase-customer').textContent).toBe('Sans client');
    const id = Number(view.dataset.purchaseId);
    expect(await api.call('purchases.get', { id })).toMatchObject({ contactId: null, amountCents: 400 });
  });

  it('counts a second scan of the same article as one more', async () => {
    const { api, user, jeanne, bread } = await setup(null);
    await pickJeanne(user);
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-qty')[0]?.value).toBe('2'));
    expect(inputs('sale-line')).toHaveLength(1);
    // bread sold by weight: one more is counted on the thousandths and written back the French way
    const qty = inputs('sale-qty')[0] as HTMLInputElement;
    await user.clear(qty);
    await user.type(qty, '0,352');
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-qty')[0]?.value).toBe('1,352'));
    await user.click(screen.getByTestId('sale-save'));
    await screen.findByTestId('sale-last');
    const [sale] = await purchasesOf(api, jeanne.id);
    expect(sale?.lines).toMatchObject([{ productId: bread.id, quantity: 1.352, unitPriceCents: 320, totalCents: 433 }]);
  });

  it('preselects the customer from #/contacts/:id/sale, records on the chosen channel and date', async () => {
    const store = await openTestStore();
    const { jeanne } = await seed(store.api);
    renderWithApi(<SalePage contactId={jeanne.id} />, store.api);
    const user = userEvent.setup();
    await waitFor(() => expect(screen.getByTestId('sale-customer-info').textContent).toContain('Jeanne Martin'));
    await waitFor(() => expect(document.activeElement).toBe(input('sale-product')));

    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    await user.selectOptions(screen.getByTestId('sale-channel'), 'fair');

    // a date in the future is refused on the field
    fireEvent.change(input('sale-date'), { target: { value: localDate(new Date(Date.now() + 3 * 86_400_000)) } });
    await user.click(screen.getByTestId('sale-save'));
    expect(await screen.findByText('Cette date ne peut pas être dans le futur.')).toBeTruthy();
    expect(await purchasesOf(store.api, jeanne.id)).toEqual([]);

    fireEvent.change(input('sale-date'), { target: { value: '2024-03-01' } });
    await user.click(screen.getByTestId('sale-save'));
    await screen.findByTestId('sale-last');
    const rows = await purchasesOf(store.api, jeanne.id);
    expect(rows).toMatchObject([{ channel: 'fair', purchasedAt: '2024-03-01T00:00:00.000Z', amountCents: 320 }]);
    // the channel stays for the next sale, the date goes back to today
    expect((screen.getByTestId('sale-channel') as HTMLSelectElement).value).toBe('fair');
    expect(input('sale-date').value).not.toBe('2024-03-01');
  });

  it('removes a line', async () => {
    const { user } = await setup(null);
    await user.keyboard('{Enter}');
    await user.type(input('sale-product'), 'PAIN-01{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(1));
    await user.type(input('sale-product'), 'ECL-02{Enter}');
    await waitFor(() => expect(inputs('sale-line')).toHaveLength(2));
    expect(screen.getByTestId('sale-total').textContent).toBe(fr.money(770));
    await user.click(screen.getAllByTestId('sale-line-remove')[0] as HTMLElement);
    expect(inputs('sale-line')).toHaveLength(1);
    expect(inputs('sale-label')[0]?.value).toBe('Éclair au café');
    expect(screen.getByTestId('sale-total').textContent).toBe(fr.money(450));
  });
});

describe('PurchaseDialog', () => {
  const open = async () => {
    const store = await openTestStore();
    const { jeanne, bread, cake } = await seed(store.api);
    const sale = await store.api.call('purchases.create', {
      contactId: jeanne.id,
      lines: [
        { productId: bread.id, quantity: 2 },
        { productId: cake.id, quantity: 1 },
      ],
    });
    const onChanged = vi.fn();
    const onClose = vi.fn();
    renderWithApi(<PurchaseDialog purchaseId={sale.id} onClose={onClose} onChanged={onChanged} />, store.api);
    await screen.findByTestId('purchase-view');
    return { api: store.api, jeanne, sale, onChanged, onClose, user: userEvent.setup() };
  };

  it('shows the purchase and refunds chosen lines', async () => {
    const { api, jeanne, sale, onChanged, user } = await open();
    expect(screen.getAllByTestId('purchase-line').map((r) => r.textContent)).toEqual([
      `Pain de campagne2${fr.money(320)}${fr.money(640)}`,
      `Éclair au café1${fr.money(450)}${fr.money(450)}`,
    ]);
    expect(screen.getByTestId('purchase-total').textContent).toBe(fr.money(1090));

    await user.click(screen.getByTestId('purchase-refund'));
    await user.click(screen.getByLabelText('Des articles'));
    const [breadQty] = screen.getAllByTestId('refund-qty') as HTMLInputElement[];
    // more than was sold: refused on the line, nothing written
    await user.type(breadQty as HTMLInputElement, '3');
    await user.click(screen.getByTestId('refund-confirm'));
    expect(await screen.findByText('C’est plus que ce qui reste de cet article.')).toBeTruthy();
    expect((await api.call('purchases.get', { id: sale.id })).refundedCents).toBe(0);
    expect(onChanged).not.toHaveBeenCalled();

    await user.clear(breadQty as HTMLInputElement);
    await user.type(breadQty as HTMLInputElement, '1');
    await user.type(screen.getByTestId('refund-note'), 'Rassis');
    await user.click(screen.getByTestId('refund-confirm'));
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(screen.getByTestId('purchase-refunded').textContent).toBe(fr.money(-320)));
    expect(screen.getByTestId('purchase-refund-row').textContent).toContain('1 × Pain de campagne · Rassis');
    expect(await api.call('contacts.get', { id: jeanne.id })).toMatchObject({ purchaseCount: 1, totalCents: 770 });

    // what remains of the bread line is one
    await user.click(screen.getByTestId('purchase-refund'));
    await user.click(screen.getByLabelText('Des articles'));
    expect(screen.getAllByTestId('refund-line')[0]?.textContent).toContain('Pain de campagne');
    expect(screen.getAllByTestId('refund-line')[0]?.children[1]?.textContent).toBe('1');
  });

  it('refunds a weighed line bit by bit, counting what is left in thousandths', async () => {
    const store = await openTestStore();
    const { jeanne } = await seed(store.api);
    const sale = await store.api.call('purchases.create', { contactId: jeanne.id, lines: [{ label: 'Comté', quantity: 0.5, unitPriceCents: 3250 }] });
    expect(sale.amountCents).toBe(1625);
    renderWithApi(<PurchaseDialog purchaseId={sale.id} onClose={() => {}} onChanged={() => {}} />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('purchase-view');
    expect(screen.getAllByTestId('purchase-line').map((r) => r.textContent)).toEqual([`Comté0,5${fr.money(3250)}${fr.money(1625)}`]);

    const refundLines = async (quantity: string) => {
      await user.click(screen.getByTestId('purchase-refund'));
      await user.click(screen.getByLabelText('Des articles'));
      await user.type(screen.getByTestId('refund-qty'), quantity);
      await user.click(screen.getByTestId('refund-confirm'));
      await waitFor(() => expect(screen.queryByTestId('refund-form')).toBeNull());
    };
    const left = async (): Promise<string | undefined> => {
      await user.click(screen.getByTestId('purchase-refund'));
      await user.click(screen.getByLabelText('Des articles'));
      const text = screen.getByTestId('refund-line').children[1]?.textContent ?? undefined;
      await user.click(screen.getByTestId('refund-cancel'));
      return text;
    };

    await refundLines('0,2');
    await waitFor(() => expect(screen.getByTestId('purchase-refunded').textContent).toBe(fr.money(-650)));
    expect(screen.getByTestId('purchase-refund-row').textContent).toContain('0,2 × Comté');
    expect(await left()).toBe('0,3');

    // a fourth decimal is refused on the line, nothing written
    await user.click(screen.getByTestId('purchase-refund'));
    await user.click(screen.getByLabelText('Des articles'));
    await user.type(screen.getByTestId('refund-qty'), '0,1001');
    await user.click(screen.getByTestId('refund-confirm'));
    expect(await screen.findByText('La quantité a au plus trois décimales (0,352).')).toBeTruthy();
    await user.click(screen.getByTestId('refund-cancel'));

    await refundLines('0,1');
    await waitFor(() => expect(screen.getByTestId('purchase-refunded').textContent).toBe(fr.money(-975)));
    expect(await left()).toBe('0,2');
    // 0,5 − 0,2 − 0,1 is 0,19999999999999996 as floats: the last 0,2 must still go through
    await refundLines('0,2');
    await waitFor(() => expect(screen.getByTestId('purchase-net').textContent).toBe(fr.money(0)));
    expect(screen.queryByTestId('purchase-refund')).toBeNull();
    expect(screen.getAllByTestId('purchase-refund-row').map((r) => (r.textContent ?? '').replace(/^.* · /, ''))).toEqual([
      `0,2 × Comté${fr.money(-650)}`,
      `0,1 × Comté${fr.money(-325)}`,
      `0,2 × Comté${fr.money(-650)}`,
    ]);
    expect(await store.api.call('purchases.get', { id: sale.id })).toMatchObject({ refundedCents: 1625 });
  });

  it('shows a weighed line’s quantities and price with its unit, and refunds part of its weight', async () => {
    const store = await openTestStore();
    const { jeanne, bread } = await seed(store.api);
    const cheese = await comte(store.api);
    const sale = await store.api.call('purchases.create', {
      contactId: jeanne.id,
      lines: [
        { productId: cheese.id, quantity: 0.352 },
        { productId: bread.id, quantity: 2 },
      ],
    });
    renderWithApi(<PurchaseDialog purchaseId={sale.id} onClose={() => {}} onChanged={() => {}} />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('purchase-view');
    expect(screen.getAllByTestId('purchase-line').map((r) => r.textContent)).toEqual([
      `Comté 24 mois0,352\u00a0kg${fr.money(3250)}\u00a0/\u00a0kg${fr.money(1144)}`,
      `Pain de campagne2${fr.money(320)}${fr.money(640)}`,
    ]);

    await user.click(screen.getByTestId('purchase-refund'));
    await user.click(screen.getByLabelText('Des articles'));
    const [cheeseLine, breadLine] = screen.getAllByTestId('refund-line');
    expect(cheeseLine?.children[0]?.textContent).toBe(`Comté 24 mois${fr.money(3250)}\u00a0/\u00a0kg`);
    expect(cheeseLine?.children[1]?.textContent).toBe('0,352\u00a0kg');
    expect(within(cheeseLine as HTMLElement).getByTestId('refund-qty-unit').textContent).toBe('kg');
    expect(breadLine?.children[1]?.textContent).toBe('2');
    expect(within(breadLine as HTMLElement).queryByTestId('refund-qty-unit')).toBeNull();
    await user.type(screen.getAllByTestId('refund-qty')[0] as HTMLInputElement, '0,1');
    await user.type(screen.getAllByTestId('refund-qty')[1] as HTMLInputElement, '1');
    await user.click(screen.getByTestId('refund-confirm'));
    await waitFor(() => expect(screen.getByTestId('purchase-refunded').textContent).toBe(fr.money(-(325 + 320))));
    expect(screen.getByTestId('purchase-refund-row').textContent).toContain('0,1\u00a0kg × Comté 24 mois, 1 × Pain de campagne');

    await user.click(screen.getByTestId('purchase-refund'));
    await user.click(screen.getByLabelText('Des articles'));
    expect(screen.getAllByTestId('refund-line').map((l) => l.children[1]?.textContent)).toEqual(['0,252\u00a0kg', '1']);
  });

  it('shows a weighed line with “kg” and “/ kg” in English', async () => {
    const store = await openTestStore('en');
    const cheese = await comte(store.api);
    const sale = await store.api.call('purchases.create', { lines: [{ productId: cheese.id, quantity: 0.352 }] });
    const refund = await store.api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: sale.lines[0]?.id ?? 0, quantity: 0.1 }] });
    renderWithApi(<PurchaseDialog purchaseId={refund.id} onClose={() => {}} onChanged={() => {}} />, store.api, 'en');
    await screen.findByTestId('purchase-view');
    expect(screen.getAllByTestId('purchase-line').map((r) => r.textContent)).toEqual([`Comté 24 mois-0.1\u00a0kg${en.money(3250)}\u00a0/\u00a0kg${en.money(-325)}`]);
    expect(spoken(screen.getAllByTestId('purchase-line')[0]?.textContent ?? '')).toContain('€32.50 / kg');
  });

  it('refunds an amount, refusing "abc" and more than remains', async () => {
    const { api, jeanne, sale, user } = await open();
    await user.click(screen.getByTestId('purchase-refund'));
    await user.click(screen.getByLabelText('Un montant'));
    await user.type(screen.getByTestId('refund-amount'), 'abc');
    await user.click(screen.getByTestId('refund-confirm'));
    expect(await screen.findByText('Prix invalide : tapez un montant comme 12,50.')).toBeTruthy();
    await user.clear(screen.getByTestId('refund-amount'));
    await user.type(screen.getByTestId('refund-amount'), '10,91{Enter}');
    expect(await screen.findByText('C’est plus que ce qui reste à rembourser sur cette vente.')).toBeTruthy();
    expect((await api.call('purchases.get', { id: sale.id })).refundedCents).toBe(0);

    await user.clear(screen.getByTestId('refund-amount'));
    await user.type(screen.getByTestId('refund-amount'), '2,35{Enter}');
    await waitFor(() => expect(screen.getByTestId('purchase-refunded').textContent).toBe(fr.money(-235)));
    expect((await api.call('purchases.get', { id: sale.id })).refundedCents).toBe(235);
    expect((await api.call('contacts.get', { id: jeanne.id })).totalCents).toBe(1090 - 235);
    expect(screen.getByTestId('purchase-refund-row').textContent).toContain('Remboursement d’un montant');
  });

  it('deletes the sale after confirmation; the customer’s figures are recomputed', async () => {
    const { api, jeanne, sale, onChanged, onClose, user } = await open();
    await user.click(screen.getByTestId('purchase-delete'));
    // cancelling keeps everything
    await user.click(await screen.findByTestId('purchase-delete-confirm-cancel'));
    expect(await purchasesOf(api, jeanne.id)).toHaveLength(1);

    await user.click(screen.getByTestId('purchase-delete'));
    await user.click(await screen.findByTestId('purchase-delete-confirm'));
    expect(await screen.findByText('Vente supprimée.')).toBeTruthy();
    expect(onChanged).toHaveBeenCalledTimes(1);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(await purchasesOf(api, jeanne.id)).toEqual([]);
    expect(await api.call('contacts.get', { id: jeanne.id })).toMatchObject({ purchaseCount: 0, totalCents: 0, status: 'prospect' });
    await expect(api.call('purchases.get', { id: sale.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('opens a refund and steps to the sale it refunds', async () => {
    const store = await openTestStore();
    const { jeanne, bread } = await seed(store.api);
    const sale = await store.api.call('purchases.create', { contactId: jeanne.id, lines: [{ productId: bread.id }] });
    const refund = await store.api.call('purchases.refund', { purchaseId: sale.id });
    renderWithApi(<PurchaseDialog purchaseId={refund.id} onClose={() => {}} onChanged={() => {}} />, store.api);
    const user = userEvent.setup();
    expect((await screen.findByTestId('purchase-kind')).textContent).toBe('Remboursement');
    expect(screen.getByTestId('purchase-total').textContent).toBe(fr.money(-320));
    expect(screen.queryByTestId('purchase-refund')).toBeNull();
    await user.click(screen.getByTestId('purchase-open-sale'));
    await waitFor(() => expect(screen.getByTestId('purchase-kind').textContent).toBe('Vente'));
    expect(screen.getByTestId('purchase-view').dataset.purchaseId).toBe(String(sale.id));
    expect(screen.getByTestId('purchase-net').textContent).toBe(fr.money(0));
  });

  it('stays closed without a purchase id', async () => {
    const store = await openTestStore();
    renderWithApi(<PurchaseDialog purchaseId={null} onClose={() => {}} onChanged={() => {}} />, store.api);
    expect(screen.queryByTestId('purchase-view')).toBeNull();
  });
});
