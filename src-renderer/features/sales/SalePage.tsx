import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import {
  ActionIcon,
  Alert,
  Anchor,
  Box,
  Button,
  CloseButton,
  Group,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconBarcode, IconTrash, IconUser } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import {
  AppError,
  fromMilli,
  isCalendarDate,
  lineTotalCents,
  localDate,
  purchaseChannels,
  purchaseInput,
  quantityMilli,
  type Contact,
  type ContactRow,
  type FieldIssue,
  type Product,
  type Purchase,
  type PurchaseChannel,
  type PurchaseInput,
  type PurchaseLineInput,
  type SaleUnit,
  type Voucher,
  voucherDiscount,
} from '@contract';
import { useApi } from '../../api/context';
import { issuesFromZod } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { routeHref } from '../../app/router';
import { plainName } from '../contacts/names';
import { LoyaltyCounter } from '../loyalty/LoyaltyCounter';
import { notifyWithLoyalty } from '../loyalty/messages';
import { useCardEntry } from '../loyalty/use-card-lookup';
import { channelLabel, fieldMessage, storeFieldCode } from './messages';
import { centsToInput, decimalMarkFor, parseEuros, parseQuantity, quantityToInput } from './money';
import { PurchaseDialog } from './PurchaseDialog';
import { SuggestInput } from './SuggestInput';
import { PER_UNIT_WIDTH, unitSection, UNIT_WIDTH } from './UnitSection';
import { perUnit, priceWithUnit, unitSymbol } from './units';
import { useSearch } from './use-search';

const SEARCH_LIMIT = 8;

type Customer = Pick<Contact, 'id' | 'firstName' | 'lastName' | 'city' | 'purchaseCount' | 'totalCents' | 'lastPurchaseAt'>;

type Line = {
  key: number;
  productId: number | null;
  sku: string | null;
  label: string;
  /** Its product's (a free line is pieces): what the quantity counts and the price is for. */
  unit: SaleUnit;
  qty: string;
  price: string;
};
type LineField = 'label' | 'qty' | 'price';
const lineFields: readonly LineField[] = ['label', 'qty', 'price'];
/** Per line key: field → issue code. */
type LineErrors = Record<number, Partial<Record<LineField, string>>>;

type FormErrors = { customer?: string; date?: string; lines: LineErrors; form?: string };
const noErrors: FormErrors = { lines: {} };

const lineTotal = (l: Line, mark: ',' | '.'): number | null => {
  const q = parseQuantity(l.qty, mark);
  const p = parseEuros(l.price, { allowNegative: true });
  return q.ok && p.ok ? lineTotalCents(q.value, p.value) : null;
};

const issuesOf = (error: unknown): FieldIssue[] =>
  error instanceof AppError && Array.isArray(error.details?.issues) ? error.details.issues : [];

/**
 * #/sale and #/contacts/:id/sale: a sale in a few keystrokes. Customer by
 * typing (or none), articles by name or SKU (a scanner types SKU + Enter),
 * free lines for services, Ctrl+Enter records it all in one call and
 * leaves the screen ready for the next customer.
 */
export const SalePage = ({ contactId }: { contactId: number | null }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const mark = decimalMarkFor(fmt.locale);

  const [customer, setCustomer] = useState<Customer | null>(null);
  const [customerText, setCustomerText] = useState('');
  const [preselect, setPreselect] = useState<'loading' | 'missing' | null>(contactId === null ? null : 'loading');
  const [productText, setProductText] = useState('');
  const [lines, setLines] = useState<Line[]>([]);
  const [channel, setChannel] = useState<PurchaseChannel>('shop');
  /** null: today, whenever "today" is (the screen may stay open past midnight). */
  const [date, setDate] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [saving, setSaving] = useState(false);
  const [last, setLast] = useState<{ purchase: Purchase; name: string | null } | null>(null);
  const [shownPurchase, setShownPurchase] = useState<number | null>(null);
  /** A voucher of the customer's, spent on this sale (the store turns it into a line). */
  const [voucher, setVoucher] = useState<Voucher | null>(null);

  const busy = useRef(false);
  const nextKey = useRef(1);
  const customerRef = useRef<HTMLInputElement>(null);
  const productRef = useRef<HTMLInputElement>(null);
  const fields = useRef(new Map<string, HTMLInputElement>());
  const pendingFocus = useRef<string | null>(null);

  const today = localDate();
  const dateValue = date ?? today;

  // a voucher is personal: another customer (or none) drops it
  const customerId = customer?.id ?? null;
  useEffect(() => setVoucher(null), [customerId]);

  useEffect(() => {
    if (contactId === null) return;
    let live = true;
    api.call('contacts.get', { id: contactId }).then(
      (contact) => {
        if (!live) return;
        setCustomer(contact);
        setPreselect(null);
        productRef.current?.focus();
      },
      () => {
        if (!live) return;
        setPreselect('missing');
        customerRef.current?.focus();
      },
    );
    return () => {
      live = false;
    };
  }, [api, contactId]);

  // a line just added wants its price typed: focus it once it is on screen
  useEffect(() => {
    const target = pendingFocus.current;
    if (target === null) return;
    pendingFocus.current = null;
    fields.current.get(target)?.focus();
  }, [lines]);

  const searchContacts = useCallback(
    async (q: string): Promise<ContactRow[]> => (await api.call('contacts.list', { q, limit: SEARCH_LIMIT })).rows,
    [api],
  );
  const searchProducts = useCallback((q: string) => api.call('products.search', { q, limit: SEARCH_LIMIT }), [api]);
  const contacts = useSearch(customer === null ? customerText : '', searchContacts);
  const cardEntry = useCardEntry();
  const products = useSearch(productText, searchProducts);

  const clearError = (patch: (e: FormErrors) => FormErrors) => setErrors((e) => patch(e));

  const pickCustomer = (row: Customer) => {
    setCustomer(row);
    setCustomerText('');
    clearError((e) => ({ ...e, customer: undefined }));
    productRef.current?.focus();
  };

  const onCustomerEnter = async (index: number) => {
    if (index >= 0) {
      const row = contacts.matches.rows[index];
      if (row) pickCustomer(row);
      return;
    }
    if (customer !== null || customerText.trim() === '') {
      // nothing to look up: on to the articles (a sale without a customer is allowed)
      productRef.current?.focus();
      return;
    }
    // a loyalty card scanned into this box (where the focus waits between customers) opens that member's sale
    if (cardEntry(customerText)) {
      setCustomerText('');
      return;
    }
    const rows = await contacts.fresh();
    const first = rows[0];
    if (first) pickCustomer(first);
    else clearError((e) => ({ ...e, customer: 'customer_no_match' }));
  };

  const changeCustomerText = (text: string) => {
    // typing over a chosen customer starts a new search
    if (customer !== null) setCustomer(null);
    setCustomerText(text);
    clearError((e) => ({ ...e, customer: undefined }));
  };

  const addProduct = (p: Product) => {
    const key = nextKey.current++;
    // a weighed or measured article waits for its quantity: the field takes the focus, its « 1 » selected
    if (p.unit !== 'piece') pendingFocus.current = `${key}-qty`;
    setLines((ls) => {
      // a second scan of the same article counts one more; one more kilo would mean nothing: a weighed article gets a line per weighing
      const same = p.unit === 'piece' ? ls.find((l) => l.productId === p.id) : undefined;
      const qty = same ? parseQuantity(same.qty, mark) : null;
      if (same && qty?.ok) {
        // in thousandths: 0,352 + 1 as floats could come back 1.3519999999999999
        const more = quantityToInput(fromMilli(quantityMilli(qty.value) + quantityMilli(1)), mark);
        return ls.map((l) => (l === same ? { ...l, qty: more } : l));
      }
      return [...ls, { key, productId: p.id, sku: p.sku, label: p.name, unit: p.unit, qty: '1', price: centsToInput(p.priceCents, mark) }];
    });
    setProductText('');
    clearError((e) => ({ ...e, form: undefined }));
  };

  const addFreeLine = (label: string) => {
    const key = nextKey.current++;
    pendingFocus.current = `${key}-price`;
    setLines((ls) => [...ls, { key, productId: null, sku: null, label, unit: 'piece', qty: '1', price: '' }]);
    setProductText('');
    clearError((e) => ({ ...e, form: undefined }));
  };

  const onProductEnter = async (index: number) => {
    const text = productText.trim();
    if (text === '') return;
    if (index >= 0) {
      const p = products.matches.rows[index];
      if (p) addProduct(p);
      else addFreeLine(text);
      return;
    }
    const first = (await products.fresh())[0];
    if (first) addProduct(first);
    else addFreeLine(text);
  };

  const changeLine = (key: number, field: LineField, value: string) => {
    setLines((ls) => ls.map((l) => (l.key === key ? { ...l, [field]: value } : l)));
    setErrors((e) => {
      if (e.lines[key]?.[field] === undefined) return e;
      return { ...e, lines: { ...e.lines, [key]: { ...e.lines[key], [field]: undefined } } };
    });
  };

  const removeLine = (key: number) => {
    setLines((ls) => ls.filter((l) => l.key !== key));
    productRef.current?.focus();
  };

  const reset = () => {
    setCustomer(null);
    setCustomerText('');
    setProductText('');
    setLines([]);
    setNote('');
    setDate(null);
    setErrors(noErrors);
    // the channel stays: a day at a fair is a run of fair sales
    customerRef.current?.focus();
  };

  const focusFirstError = (e: FormErrors) => {
    if (e.customer !== undefined) return customerRef.current?.focus();
    for (const l of lines) {
      const field = lineFields.find((f) => e.lines[l.key]?.[f] !== undefined);
      if (field) return fields.current.get(`${l.key}-${field}`)?.focus();
    }
    if (e.date !== undefined) return fields.current.get('date')?.focus();
    if (e.form !== undefined) productRef.current?.focus();
  };

  const show = (e: FormErrors) => {
    setErrors(e);
    focusFirstError(e);
  };

  /** Issues in the store's shape (from the schema here or from the store) onto the fields; false if none fit. */
  const showIssues = (issues: readonly FieldIssue[]): boolean => {
    const e: FormErrors = { lines: {} };
    let placed = false;
    for (const { path, code } of issues) {
      const m = /^lines\.(\d+)\.(\w+)$/.exec(path);
      const line = m ? lines[Number(m[1])] : undefined;
      if (m && line) {
        const [field, mapped] =
          m[2] === 'quantity'
            ? (['qty', storeFieldCode('quantity', code)] as const)
            : m[2] === 'unitPriceCents'
              ? (['price', storeFieldCode('price', code)] as const)
              : m[2] === 'productId'
                ? (['label', 'product_not_found'] as const)
                : (['label', code] as const);
        e.lines[line.key] = { ...e.lines[line.key], [field]: mapped };
      } else if (path === 'contactId') {
        e.customer = code === 'not_found' ? 'customer_not_found' : code;
      } else if (path === 'purchasedAt') {
        e.date = code;
      } else if (path === 'lines') {
        e.form = code === 'required' ? 'no_lines' : code;
      } else {
        continue;
      }
      placed = true;
    }
    if (placed) show(e);
    return placed;
  };

  const check = (): PurchaseInput | null => {
    const e: FormErrors = { lines: {} };
    if (customer === null && customerText.trim() !== '') e.customer = 'customer_not_picked';
    if (lines.length === 0) e.form = 'no_lines';
    const out: PurchaseLineInput[] = [];
    for (const l of lines) {
      const label = l.label.trim();
      const q = parseQuantity(l.qty, mark);
      const p = parseEuros(l.price, { allowNegative: true });
      const le: Partial<Record<LineField, string>> = {};
      if (l.productId === null && label === '') le.label = 'label_required';
      if (!q.ok) le.qty = q.code;
      if (!p.ok) le.price = p.code;
      if (q.ok && p.ok && le.label === undefined) {
        out.push({ productId: l.productId, label: label === '' ? null : label, quantity: q.value, unitPriceCents: p.value });
      } else {
        e.lines[l.key] = le;
      }
    }
    if (e.form === undefined && out.length === lines.length && out.reduce((s, l) => s + lineTotalCents(l.quantity ?? 1, l.unitPriceCents ?? 0), 0) < 0) {
      e.form = 'negative_total';
    }
    if (!isCalendarDate(dateValue)) e.date = dateValue === '' ? 'required' : 'invalid_date';
    else if (dateValue > today) e.date = 'in_future';
    if (e.customer !== undefined || e.date !== undefined || e.form !== undefined || Object.keys(e.lines).length > 0) {
      show(e);
      return null;
    }
    const input: PurchaseInput = {
      contactId: customer?.id ?? null,
      channel,
      lines: out,
      // today: the moment itself, so the day's sales keep their order
      ...(dateValue === today ? {} : { purchasedAt: dateValue }),
      note,
      ...(voucher === null ? {} : { voucherCode: voucher.code }),
    };
    const parsed = purchaseInput.safeParse(input);
    if (!parsed.success) {
      if (!showIssues(issuesFromZod(parsed.error))) show({ lines: {}, form: 'invalid' });
      return null;
    }
    return input;
  };

  const save = async () => {
    if (busy.current) return;
    const input = check();
    if (input === null) return;
    busy.current = true;
    setSaving(true);
    try {
      const purchase = await api.call('purchases.create', input);
      const name = customer === null ? null : plainName(t, customer);
      const total = fmt.money(purchase.amountCents);
      notifySuccess(name === null ? t('sales.saved.anonymous', { total }) : t('sales.saved.customer', { total, name }));
      setLast({ purchase, name });
      reset();
    } catch (error) {
      if (!showIssues(issuesOf(error))) notifyWithLoyalty(t, error);
    } finally {
      busy.current = false;
      setSaving(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    if (event.ctrlKey || event.metaKey) {
      event.preventDefault();
      void save();
    }
  };

  /** Enter in a line goes back to the article box for the next one. */
  const onLineKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter' || event.ctrlKey || event.metaKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    productRef.current?.focus();
  };

  const reloadLast = async () => {
    if (last === null) return;
    try {
      setLast({ ...last, purchase: await api.call('purchases.get', { id: last.purchase.id }) });
    } catch {
      // deleted from the dialog
      setLast(null);
    }
  };

  const register = (name: string) => (el: HTMLInputElement | null) => {
    if (el) fields.current.set(name, el);
    else fields.current.delete(name);
  };

  const lineError = (key: number, field: LineField) => {
    const code = errors.lines[key]?.[field];
    return code === undefined ? undefined : fieldMessage(t, code);
  };

  const total = lines.reduce((sum, l) => sum + (lineTotal(l, mark) ?? 0), 0);
  const discount = voucher === null ? 0 : voucherDiscount(voucher.kind, voucher.value, total);
  const productQ = productText.trim();

  return (
    <>
      <Stack gap="md" maw={1000} onKeyDown={onKeyDown} data-testid="sale-page">
        <Group justify="space-between" align="baseline">
          <Title order={2}>{t('sales.title')}</Title>
          <Text size="xs" c="dimmed">
            {t('sales.hint')}
          </Text>
        </Group>

        <LoyaltyCounter customerId={customerId} lastPurchase={last?.purchase ?? null} voucher={voucher} onVoucher={setVoucher} />

        {preselect === 'missing' && (
          <Alert color="yellow" data-testid="sale-customer-missing">
            {t('sales.customer.missing')}
          </Alert>
        )}

        <Group align="flex-start" grow>
          <SuggestInput
            inputRef={customerRef}
            label={t('sales.customer.label')}
            placeholder={t('sales.customer.placeholder')}
            value={customer === null ? customerText : plainName(t, customer)}
            onChange={changeCustomerText}
            suggestions={contacts.matches.rows.map((row) => ({
              key: String(row.id),
              content: (
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <Text size="sm" truncate>
                    {plainName(t, row)}
                  </Text>
                  <Text size="xs" c="dimmed" truncate>
                    {[row.city, row.phone === null ? null : fmt.phone(row.phone)].filter((v) => v !== null).join(' · ')}
                  </Text>
                </Group>
              ),
            }))}
            onEnter={(index) => void onCustomerEnter(index)}
            onEscape={() => changeCustomerText('')}
            error={errors.customer === undefined ? undefined : fieldMessage(t, errors.customer)}
            leftSection={<IconUser size={16} />}
            rightSection={
              customer !== null ? (
                <CloseButton
                  size="sm"
                  aria-label={t('sales.customer.clear')}
                  onClick={() => {
                    changeCustomerText('');
                    customerRef.current?.focus();
                  }}
                  data-testid="sale-customer-clear"
                />
              ) : null
            }
            autoFocus={contactId === null}
            testId="sale-customer"
          />
          <Paper withBorder p="sm" mt={24} data-testid="sale-customer-info">
            {customer === null ? (
              <Text size="sm" c="dimmed">
                {preselect === 'loading' ? t('sales.customer.loading') : t('sales.customer.none')}
              </Text>
            ) : (
              <Stack gap={2}>
                <Anchor href={routeHref({ name: 'contact', id: customer.id })} size="sm" fw={600}>
                  {plainName(t, customer)}
                </Anchor>
                <Text size="xs" c="dimmed">
                  {customer.purchaseCount === 0
                    ? t('sales.customer.firstPurchase')
                    : t('sales.customer.figures', {
                        count: customer.purchaseCount,
                        n: fmt.number(customer.purchaseCount),
                        total: fmt.money(customer.totalCents),
                        date: customer.lastPurchaseAt === null ? '' : fmt.date(customer.lastPurchaseAt),
                      })}
                </Text>
              </Stack>
            )}
          </Paper>
        </Group>

        <SuggestInput
          inputRef={productRef}
          label={t('sales.product.label')}
          placeholder={t('sales.product.placeholder')}
          value={productText}
          onChange={setProductText}
          suggestions={[
            ...products.matches.rows.map((p) => ({
              key: `p${p.id}`,
              content: (
                <Group justify="space-between" wrap="nowrap" gap="sm">
                  <Box miw={0}>
                    <Text size="sm" truncate>
                      {p.name}
                    </Text>
                    <Text size="xs" c="dimmed" truncate>
                      {[p.sku, p.category].filter((v) => v !== null).join(' · ')}
                    </Text>
                  </Box>
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                    {priceWithUnit(t, fmt, p.priceCents, p.unit)}
                  </Text>
                </Group>
              ),
            })),
            ...(productQ === ''
              ? []
              : [
                  {
                    key: 'free',
                    content: (
                      <Text size="sm" fs="italic">
                        {t('sales.product.freeLine', { label: productQ })}
                      </Text>
                    ),
                  },
                ]),
          ]}
          onEnter={(index) => void onProductEnter(index)}
          onEscape={() => setProductText('')}
          error={errors.form === undefined ? undefined : fieldMessage(t, errors.form)}
          leftSection={<IconBarcode size={16} />}
          testId="sale-product"
        />

        {lines.length > 0 && (
          <Table verticalSpacing={4} data-testid="sale-lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('sales.lines.label')}</Table.Th>
                {/*
                  the input keeps 54 px for its text beside a unit (« kg », UNIT_WIDTH): « 0,352 » and « 12,345 »
                  show whole, even in DejaVu Sans; the price keeps 66 px beside « / kg » (PER_UNIT_WIDTH)
                */}
                <Table.Th w={120}>{t('sales.lines.quantity')}</Table.Th>
                <Table.Th w={140}>{t('sales.lines.unitPrice')}</Table.Th>
                <Table.Th w={130} ta="right">
                  {t('sales.lines.total')}
                </Table.Th>
                <Table.Th w={44} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {lines.map((l, index) => {
                const lt = lineTotal(l, mark);
                return (
                  <Table.Tr key={l.key} data-testid="sale-line" data-product-id={l.productId ?? undefined} style={{ verticalAlign: 'top' }}>
                    <Table.Td>
                      <TextInput
                        ref={register(`${l.key}-label`)}
                        value={l.label}
                        onChange={(e) => changeLine(l.key, 'label', e.currentTarget.value)}
                        onKeyDown={onLineKey}
                        error={lineError(l.key, 'label')}
                        description={l.sku ?? undefined}
                        inputWrapperOrder={['label', 'input', 'description', 'error']}
                        aria-label={t('sales.lines.labelOf', { n: index + 1 })}
                        maxLength={200}
                        autoComplete="off"
                        data-testid="sale-label"
                      />
                    </Table.Td>
                    <Table.Td>
                      <TextInput
                        ref={register(`${l.key}-qty`)}
                        value={l.qty}
                        onChange={(e) => changeLine(l.key, 'qty', e.currentTarget.value)}
                        onKeyDown={onLineKey}
                        onFocus={(e) => e.currentTarget.select()}
                        error={lineError(l.key, 'qty')}
                        inputMode="decimal"
                        {...unitSection(unitSymbol(t, l.unit), UNIT_WIDTH, 'sale-qty-unit')}
                        aria-label={t('sales.lines.quantityOf', { n: index + 1 })}
                        maxLength={12}
                        autoComplete="off"
                        data-testid="sale-qty"
                      />
                    </Table.Td>
                    <Table.Td>
                      <TextInput
                        ref={register(`${l.key}-price`)}
                        value={l.price}
                        onChange={(e) => changeLine(l.key, 'price', e.currentTarget.value)}
                        onKeyDown={onLineKey}
                        onFocus={(e) => e.currentTarget.select()}
                        error={lineError(l.key, 'price')}
                        inputMode="decimal"
                        placeholder={centsToInput(0, mark)}
                        {...unitSection(perUnit(t, l.unit), PER_UNIT_WIDTH, 'sale-price-unit')}
                        aria-label={t('sales.lines.unitPriceOf', { n: index + 1 })}
                        maxLength={20}
                        autoComplete="off"
                        data-testid="sale-price"
                      />
                    </Table.Td>
                    <Table.Td ta="right" pt={10}>
                      <Text size="sm" data-testid="sale-line-total">
                        {lt === null ? '—' : fmt.money(lt)}
                      </Text>
                    </Table.Td>
                    <Table.Td pt={6}>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        onClick={() => removeLine(l.key)}
                        aria-label={t('sales.lines.remove', { label: l.label })}
                        data-testid="sale-line-remove"
                      >
                        <IconTrash size={16} />
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}

        <Group justify="flex-end" align="baseline" gap="md">
          <Text size="lg">{t('sales.total')}</Text>
          <Text size="xl" fw={700} data-testid="sale-total" aria-live="polite">
            {fmt.money(total)}
          </Text>
        </Group>
        {voucher !== null && (
          <Stack gap={2} align="flex-end" data-testid="sale-voucher">
            <Text size="sm">
              {voucher.kind === 'item'
                ? t('sales.voucherItem', { code: voucher.code, name: voucher.rewardName })
                : t('sales.voucherLine', { code: voucher.code, amount: fmt.money(-discount) })}
            </Text>
            <Group gap="md" align="baseline">
              <Text size="lg">{t('sales.toPay')}</Text>
              <Text size="xl" fw={700} data-testid="sale-to-pay">
                {fmt.money(total - discount)}
              </Text>
            </Group>
          </Stack>
        )}

        <Group align="flex-start" grow>
          <NativeSelect
            label={t('sales.channel.label')}
            value={channel}
            onChange={(e) => setChannel(e.currentTarget.value as PurchaseChannel)}
            data={purchaseChannels.map((c) => ({ value: c, label: channelLabel(t, c) }))}
            data-testid="sale-channel"
          />
          <TextInput
            ref={register('date')}
            type="date"
            label={t('sales.date')}
            value={dateValue}
            max={today}
            onChange={(e) => {
              setDate(e.currentTarget.value);
              clearError((er) => ({ ...er, date: undefined }));
            }}
            error={errors.date === undefined ? undefined : fieldMessage(t, errors.date)}
            data-testid="sale-date"
          />
          <TextInput
            label={t('sales.note')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            maxLength={1000}
            autoComplete="off"
            data-testid="sale-note"
          />
        </Group>

        <Group justify="flex-end">
          <Button size="md" onClick={() => void save()} loading={saving} title={t('sales.saveShortcut')} data-testid="sale-save">
            {t('sales.save')}
          </Button>
        </Group>

        {last !== null && (
          <Paper withBorder p="sm" data-testid="sale-last">
            <Group justify="space-between" wrap="nowrap">
              <Text size="sm">
                {t('sales.last', {
                  total: fmt.money(last.purchase.amountCents),
                  name: last.name ?? t('sales.customer.anonymous'),
                  channel: channelLabel(t, last.purchase.channel),
                })}
                {last.purchase.refundedCents > 0 && ` · ${t('sales.lastRefunded', { amount: fmt.money(last.purchase.refundedCents) })}`}
              </Text>
              <Button size="xs" variant="light" onClick={() => setShownPurchase(last.purchase.id)} data-testid="sale-last-open">
                {t('sales.lastOpen')}
              </Button>
            </Group>
          </Paper>
        )}
      </Stack>
      {/* outside the Stack: React bubbles keys out of portals, and Ctrl+Enter in the dialog is not a new sale */}
      <PurchaseDialog
        purchaseId={shownPurchase}
        onClose={() => setShownPurchase(null)}
        onChanged={() => void reloadLast()}
      />
    </>
  );
};
