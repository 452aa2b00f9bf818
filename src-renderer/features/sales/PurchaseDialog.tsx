import { useCallback, useEffect, useState, type ReactNode } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { IconReceiptRefund, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AppError, fromMilli, quantityMilli, type Api, type Contact, type FieldIssue, type Purchase, type PurchasePage, type RefundInput } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorCode, errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { routeHref } from '../../app/router';
import { plainName } from '../contacts/names';
import { channelLabel, fieldMessage } from './messages';
import { decimalMarkFor, centsToInput, parseEuros, parseQuantity } from './money';
import { unitSection, UNIT_WIDTH } from './UnitSection';
import { priceWithUnit, quantityTimesLabel, quantityWithUnit, unitSymbol } from './units';

export type PurchaseDialogProps = { purchaseId: number | null; onClose: () => void; onChanged: () => void };

type Loaded = {
  purchase: Purchase;
  /** null: no customer; 'deleted': the customer's record is gone (the sale stays, anonymous). */
  contact: Contact | null | 'deleted';
  /** The refunds of a sale, oldest first (none for a sale without customer: they cannot be listed). */
  refunds: Purchase[];
};

const REFUND_PAGE = 200;
/** A customer's purchases are walked newest first until the refunds add up; this bounds the walk. */
const REFUND_PAGES_MAX = 10;

/**
 * A sale's refunds: the store keeps how much was refunded on the sale; the
 * refunds themselves are found among the customer's purchases.
 */
const refundsOf = async (api: Api, sale: Purchase): Promise<Purchase[]> => {
  if (sale.kind !== 'sale' || sale.contactId === null || sale.refundedCents === 0) return [];
  const found: Purchase[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < REFUND_PAGES_MAX; page++) {
    const result: PurchasePage = await api.call('purchases.list', { contactId: sale.contactId, cursor, limit: REFUND_PAGE });
    found.push(...result.rows.filter((p) => p.refundOf === sale.id));
    const given = -found.reduce((sum, p) => sum + p.amountCents, 0);
    if (given >= sale.refundedCents || result.nextCursor === null) break;
    cursor = result.nextCursor;
  }
  return found.reverse();
};

const load = async (api: Api, id: number): Promise<Loaded> => {
  const purchase = await api.call('purchases.get', { id });
  const [contact, refunds] = await Promise.all([
    purchase.contactId === null
      ? Promise.resolve(null)
      : api.call('contacts.get', { id: purchase.contactId }).catch((error: unknown) => {
          if (errorCode(error) === 'NOT_FOUND') return 'deleted' as const;
          throw error;
        }),
    refundsOf(api, purchase),
  ]);
  return { purchase, contact, refunds };
};

const Field = ({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) => (
  <Stack gap={2}>
    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
      {label}
    </Text>
    <Text size="sm" component="div" data-testid={testId}>
      {children}
    </Text>
  </Stack>
);

type RefundMode = 'all' | 'lines' | 'amount';

const issuesOf = (error: unknown): FieldIssue[] =>
  error instanceof AppError && Array.isArray(error.details?.issues) ? error.details.issues : [];

/** Giving money back on a sale: whatever remains, chosen lines, or an amount. */
const RefundForm = ({
  loaded,
  onDone,
  onCancel,
}: {
  loaded: Loaded;
  onDone(refund: Purchase): void;
  onCancel(): void;
}) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { purchase, refunds } = loaded;
  const remainingCents = purchase.amountCents - purchase.refundedCents;
  /*
   * Per sale line, the thousandths its refunds took back already (refund quantities are negative).
   * Counted in whole thousandths as the store does: as floats, 0,1 taken from a 0,3 line leaves
   * 0.19999999999999998, and the 0,2 still there would be refused as too much.
   */
  const taken = new Map<number, number>();
  for (const r of refunds) {
    for (const l of r.lines) if (l.refundsLine !== null) taken.set(l.refundsLine, (taken.get(l.refundsLine) ?? 0) - quantityMilli(l.quantity));
  }
  /** What remains of a sale line, in thousandths. */
  const leftMilli = (lineId: number, sold: number) => quantityMilli(sold) - (taken.get(lineId) ?? 0);
  const refundable = purchase.lines.filter((l) => l.quantity > 0 && l.unitPriceCents > 0 && leftMilli(l.id, l.quantity) > 0);

  const [mode, setMode] = useState<RefundMode>('all');
  const [quantities, setQuantities] = useState<Record<number, string>>({});
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<{ lines: Record<number, string>; amount?: string; form?: string }>({ lines: {} });
  const [busy, setBusy] = useState(false);

  const fail = (e: Partial<typeof errors>): null => {
    setErrors({ lines: {}, ...e });
    return null;
  };

  const build = (): RefundInput | null => {
    const base = { purchaseId: purchase.id, note };
    if (mode === 'all') return base;
    if (mode === 'amount') {
      const p = parseEuros(amount);
      if (!p.ok) return fail({ amount: p.code });
      if (p.value === 0) return fail({ amount: 'refund_amount_zero' });
      if (p.value > remainingCents) return fail({ amount: 'refund_exceeds' });
      return { ...base, amountCents: p.value };
    }
    const lineErrors: Record<number, string> = {};
    const chosen: { lineId: number; quantity: number }[] = [];
    for (const l of refundable) {
      const text = (quantities[l.id] ?? '').trim();
      // a line left at nothing is a line not refunded, however its zero is written
      if (text === '' || /^(0+([.,]0*)?|[.,]0+)$/.test(text)) continue;
      const q = parseQuantity(text, decimalMarkFor(fmt.locale));
      if (!q.ok) lineErrors[l.id] = q.code;
      else if (quantityMilli(q.value) > leftMilli(l.id, l.quantity)) lineErrors[l.id] = 'refund_qty_exceeds';
      else chosen.push({ lineId: l.id, quantity: q.value });
    }
    if (Object.keys(lineErrors).length > 0) return fail({ lines: lineErrors });
    if (chosen.length === 0) return fail({ form: 'refund_no_line' });
    return { ...base, lines: chosen };
  };

  const submit = async () => {
    const input = build();
    if (input === null) return;
    setBusy(true);
    try {
      const refund = await api.call('purchases.refund', input);
      notifySuccess(t('sales.refund.done', { amount: fmt.money(-refund.amountCents) }));
      onDone(refund);
    } catch (error) {
      const issue = issuesOf(error).find((i) => i.code === 'exceeds_refundable' || i.code === 'nothing_to_refund');
      if (issue) setErrors({ lines: {}, form: issue.code === 'nothing_to_refund' ? 'refund_nothing' : 'refund_exceeds' });
      else notifyError(t, error);
    } finally {
      setBusy(false);
    }
  };

  const modes: { value: RefundMode; label: string }[] = [
    { value: 'all', label: t('sales.refund.modeAll') },
    ...(refundable.length > 0 ? [{ value: 'lines' as const, label: t('sales.refund.modeLines') }] : []),
    { value: 'amount', label: t('sales.refund.modeAmount') },
  ];

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        // Ctrl+Enter records, as on the counter screen; plain Enter already submits the form
        if (e.key !== 'Enter' || !(e.ctrlKey || e.metaKey) || e.nativeEvent.isComposing) return;
        e.preventDefault();
        void submit();
      }}
      noValidate
      data-testid="refund-form"
    >
      <Stack gap="sm">
        <SegmentedControl
          value={mode}
          onChange={(v) => {
            setMode(v as RefundMode);
            setErrors({ lines: {} });
          }}
          data={modes}
          data-testid="refund-mode"
        />
        {mode === 'all' && (
          <Text size="sm" data-testid="refund-all-text">
            {t('sales.refund.allText', { amount: fmt.money(remainingCents) })}
          </Text>
        )}
        {mode === 'lines' && (
          <Table verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('sales.lines.label')}</Table.Th>
                <Table.Th>{t('sales.refund.leftColumn')}</Table.Th>
                <Table.Th w={140}>{t('sales.refund.qtyColumn')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {refundable.map((l, index) => (
                <Table.Tr key={l.id} data-testid="refund-line">
                  <Table.Td>
                    <Text size="sm">{l.label}</Text>
                    <Text size="xs" c="dimmed">
                      {priceWithUnit(t, fmt, l.unitPriceCents, l.unit)}
                    </Text>
                  </Table.Td>
                  <Table.Td>{quantityWithUnit(t, fmt, fromMilli(leftMilli(l.id, l.quantity)), l.unit)}</Table.Td>
                  <Table.Td>
                    <TextInput
                      value={quantities[l.id] ?? ''}
                      onChange={(e) => {
                        const value = e.currentTarget.value;
                        setQuantities((q) => ({ ...q, [l.id]: value }));
                        setErrors({ lines: {} });
                      }}
                      placeholder="0"
                      inputMode="decimal"
                      {...unitSection(unitSymbol(t, l.unit), UNIT_WIDTH, 'refund-qty-unit')}
                      maxLength={12}
                      autoComplete="off"
                      data-autofocus={index === 0 || undefined}
                      aria-label={t('sales.refund.qtyOf', { label: l.label })}
                      error={errors.lines[l.id] === undefined ? undefined : fieldMessage(t, errors.lines[l.id] ?? '')}
                      data-testid="refund-qty"
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {mode === 'amount' && (
          <TextInput
            label={t('sales.refund.amountLabel', { max: fmt.money(remainingCents) })}
            value={amount}
            onChange={(e) => {
              setAmount(e.currentTarget.value);
              setErrors({ lines: {} });
            }}
            placeholder={centsToInput(0, decimalMarkFor(fmt.locale))}
            inputMode="decimal"
            maxLength={20}
            autoComplete="off"
            data-autofocus
            error={errors.amount === undefined ? undefined : fieldMessage(t, errors.amount)}
            data-testid="refund-amount"
          />
        )}
        <TextInput
          label={t('sales.refund.note')}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          maxLength={1000}
          autoComplete="off"
          data-testid="refund-note"
        />
        {errors.form !== undefined && (
          <Alert color="red" data-testid="refund-error">
            {fieldMessage(t, errors.form)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={busy} data-testid="refund-cancel">
            {t('common.cancel')}
          </Button>
          <Button type="submit" color="orange" loading={busy} data-testid="refund-confirm">
            {t('sales.refund.confirm')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
};

/** One purchase: what was sold, to whom, what was given back; refund and delete from here. */
const PurchaseView = ({ id, onShow, onClose, onChanged }: { id: number; onShow(id: number): void } & Omit<PurchaseDialogProps, 'purchaseId'>) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  // a reload keeps the previous figures on screen rather than flashing a loader
  const [state, setState] = useState<{ value: { ok: true; loaded: Loaded } | { ok: false; error: unknown } } | null>(null);
  const [tick, setTick] = useState(0);
  const [refunding, setRefunding] = useState(false);
  const [confirming, setConfirming] = useState(false);

  useEffect(() => {
    let live = true;
    load(api, id).then(
      (loaded) => live && setState({ value: { ok: true, loaded } }),
      (error: unknown) => live && setState({ value: { ok: false, error } }),
    );
    return () => {
      live = false;
    };
  }, [api, id, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);

  if (state === null) {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (!state.value.ok) {
    const missing = errorCode(state.value.error) === 'NOT_FOUND';
    return (
      <Alert color={missing ? 'yellow' : 'red'} data-testid="purchase-missing">
        {missing ? t('sales.purchase.notFound') : errorMessage(t, state.value.error)}
      </Alert>
    );
  }
  const { purchase, contact, refunds } = state.value.loaded;
  const isSale = purchase.kind === 'sale';
  const remainingCents = purchase.amountCents - purchase.refundedCents;

  const remove = async () => {
    try {
      const result = await api.call('purchases.delete', { id: purchase.id });
      setConfirming(false);
      notifySuccess(
        isSale && result.deleted > 1
          ? t('sales.purchase.deletedWithRefunds', { count: result.deleted - 1, n: fmt.number(result.deleted - 1) })
          : t(isSale ? 'sales.purchase.deleted' : 'sales.purchase.refundDeleted'),
      );
      onChanged();
      onClose();
    } catch (error) {
      notifyError(t, error);
    }
  };

  let customer: ReactNode;
  if (contact === null) customer = <Text span c="dimmed" size="sm">{t('sales.customer.anonymous')}</Text>;
  else if (contact === 'deleted') customer = <Text span c="dimmed" size="sm">{t('sales.purchase.contactDeleted')}</Text>;
  else
    customer = (
      <Anchor href={routeHref({ name: 'contact', id: contact.id })} onClick={onClose}>
        {plainName(t, contact)}
      </Anchor>
    );

  return (
    <Stack gap="md" data-testid="purchase-view" data-purchase-id={purchase.id}>
      <Group gap="xs">
        <Badge color={isSale ? 'teal' : 'orange'} variant="light" data-testid="purchase-kind">
          {t(isSale ? 'sales.purchase.sale' : 'sales.purchase.refund')}
        </Badge>
        {isSale && purchase.refundedCents > 0 && (
          <Badge color="orange" variant="outline">
            {remainingCents === 0 ? t('sales.purchase.fullyRefunded') : t('sales.purchase.partlyRefunded')}
          </Badge>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Field label={t('sales.date')} testId="purchase-date">
          {fmt.date(purchase.purchasedAt)}
        </Field>
        <Field label={t('sales.channel.label')} testId="purchase-channel">
          {channelLabel(t, purchase.channel)}
        </Field>
        <Field label={t('sales.customer.label')} testId="purchase-customer">
          {customer}
        </Field>
        {purchase.reference !== null && <Field label={t('sales.purchase.reference')}>{purchase.reference}</Field>}
      </SimpleGrid>
      {purchase.note !== null && <Field label={t('sales.note')}>{purchase.note}</Field>}
      {!isSale && purchase.refundOf !== null && (
        <Group gap="xs">
          <Text size="sm">{t('sales.purchase.refundOf')}</Text>
          <Button size="compact-sm" variant="subtle" onClick={() => onShow(purchase.refundOf ?? 0)} data-testid="purchase-open-sale">
            {t('sales.purchase.openSale')}
          </Button>
        </Group>
      )}

      <Table verticalSpacing={4} data-testid="purchase-lines">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('sales.lines.label')}</Table.Th>
            <Table.Th ta="right">{t('sales.lines.quantity')}</Table.Th>
            <Table.Th ta="right">{t('sales.lines.unitPrice')}</Table.Th>
            <Table.Th ta="right">{t('sales.lines.total')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {purchase.lines.map((l) => (
            <Table.Tr key={l.id} data-testid="purchase-line">
              {/* a refund by amount has no label: the screen says what it is */}
              <Table.Td>{l.label === '' ? t('sales.purchase.amountLine') : l.label}</Table.Td>
              <Table.Td ta="right">{quantityWithUnit(t, fmt, l.quantity, l.unit)}</Table.Td>
              <Table.Td ta="right">{priceWithUnit(t, fmt, l.unitPriceCents, l.unit)}</Table.Td>
              <Table.Td ta="right">{fmt.money(l.totalCents)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
        <Table.Tfoot>
          <Table.Tr>
            <Table.Th colSpan={3} ta="right">
              {t('sales.total')}
            </Table.Th>
            <Table.Th ta="right" data-testid="purchase-total">
              {fmt.money(purchase.amountCents)}
            </Table.Th>
          </Table.Tr>
          {isSale && purchase.refundedCents > 0 && (
            <>
              <Table.Tr>
                <Table.Td colSpan={3} ta="right">
                  {t('sales.purchase.refunded')}
                </Table.Td>
                <Table.Td ta="right" data-testid="purchase-refunded">
                  {fmt.money(-purchase.refundedCents)}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th colSpan={3} ta="right">
                  {t('sales.purchase.net')}
                </Table.Th>
                <Table.Th ta="right" data-testid="purchase-net">
                  {fmt.money(remainingCents)}
                </Table.Th>
              </Table.Tr>
            </>
          )}
        </Table.Tfoot>
      </Table>

      {refunds.length > 0 && (
        <Stack gap={4} data-testid="purchase-refunds">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t('sales.purchase.refunds')}
          </Text>
          {refunds.map((r) => (
            <Group key={r.id} justify="space-between" wrap="nowrap" data-testid="purchase-refund-row">
              <Text size="sm">
                {fmt.date(r.purchasedAt)}
                {' · '}
                {r.lines.some((l) => l.refundsLine !== null)
                  ? r.lines.map((l) => quantityTimesLabel(t, fmt, -l.quantity, l.unit, l.label)).join(', ')
                  : t('sales.purchase.amountLine')}
                {r.note !== null && ` · ${r.note}`}
              </Text>
              <Text size="sm" fw={500}>
                {fmt.money(r.amountCents)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}

      {refunding ? (
        <RefundForm
          loaded={state.value.loaded}
          onCancel={() => setRefunding(false)}
          onDone={() => {
            setRefunding(false);
            reload();
            onChanged();
          }}
        />
      ) : (
        <Group justify="space-between">
          <Button
            color="red"
            variant="light"
            leftSection={<IconTrash size={16} />}
            onClick={() => setConfirming(true)}
            data-testid="purchase-delete"
          >
            {t('common.delete')}
          </Button>
          <Group gap="xs">
            <Button variant="default" onClick={onClose} data-testid="purchase-close">
              {t('sales.purchase.close')}
            </Button>
            {isSale && remainingCents > 0 && (
              <Button
                color="orange"
                leftSection={<IconReceiptRefund size={16} />}
                onClick={() => setRefunding(true)}
                data-testid="purchase-refund"
              >
                {t('sales.refund.open')}
              </Button>
            )}
          </Group>
        </Group>
      )}

      <ConfirmDialog
        opened={confirming}
        title={t(isSale ? 'sales.purchase.deleteTitle' : 'sales.purchase.deleteRefundTitle')}
        confirmLabel={t('common.delete')}
        danger
        testId="purchase-delete-confirm"
        onConfirm={remove}
        onClose={() => setConfirming(false)}
      >
        {isSale
          ? refunds.length > 0 || purchase.refundedCents > 0
            ? t('sales.purchase.deleteWithRefunds', { amount: fmt.money(purchase.amountCents) })
            : t('sales.purchase.deleteConfirm', { amount: fmt.money(purchase.amountCents) })
          : t('sales.purchase.deleteRefundConfirm', { amount: fmt.money(-purchase.amountCents) })}
      </ConfirmDialog>
    </Stack>
  );
};

/**
 * One purchase in a modal, open while `purchaseId` is set. `onChanged` runs
 * after a refund or a delete so the caller refreshes its figures.
 */
export const PurchaseDialog = ({ purchaseId, onClose, onChanged }: PurchaseDialogProps) => {
  const { t } = useTranslation();
  // from a refund the user may step to the sale it refunds, without the caller knowing
  const [shown, setShown] = useState<{ for: number | null; id: number } | null>(null);
  const id = shown !== null && shown.for === purchaseId ? shown.id : purchaseId;
  return (
    <Modal
      opened={purchaseId !== null}
      onClose={onClose}
      title={<Text fw={600}>{t('sales.purchase.title', { id: id ?? '' })}</Text>}
      size="lg"
      data-testid="purchase-dialog"
    >
      {id !== null && (
        <PurchaseView
          key={id}
          id={id}
          onShow={(next) => setShown({ for: purchaseId, id: next })}
          onClose={onClose}
          onChanged={onChanged}
        />
      )}
    </Modal>
  );
};
