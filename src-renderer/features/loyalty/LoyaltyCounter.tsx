import { useEffect, useRef, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Text, TextInput } from '@mantine/core';
import { IconGift, IconId, IconTicket } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { Member, Purchase, Voucher } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters, type Formatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { loyaltyErrorMessage, spacedCardNumber } from './messages';
import { RedeemDialog } from './RedeemDialog';
import { useCardLookup } from './use-card-lookup';
import { loyaltyChanged, onLoyaltyChanged, useMember } from './use-loyalty';

type Earned = { purchaseId: number; member: Member; points: number };

/**
 * The sale page's loyalty strip: a card number typed (or scanned into the
 * field) opens that member's sale; the member's balance and tier while the
 * sale is keyed; the points the sale earned once recorded; rewards redeemed
 * without leaving the till.
 */
type LoyaltyCounterProps = {
  customerId: number | null;
  lastPurchase: Purchase | null;
  /** The voucher applied to the sale being keyed, if any. */
  voucher: Voucher | null;
  onVoucher(voucher: Voucher | null): void;
};

const voucherText = (t: TFunction, fmt: Formatters, v: Voucher): string =>
  v.kind === 'amount'
    ? t('loyalty.counter.voucherAmount', { amount: fmt.money(v.value) })
    : v.kind === 'percent'
      ? t('loyalty.counter.voucherPercent', { percent: v.value })
      : t('loyalty.counter.voucherItem');

export const LoyaltyCounter = ({ customerId, lastPurchase, voucher, onVoucher }: LoyaltyCounterProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const lookup = useCardLookup();
  const { load } = useMember(customerId);
  const [number, setNumber] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [redeeming, setRedeeming] = useState<Member | null>(null);
  const [earned, setEarned] = useState<Earned | null>(null);
  const field = useRef<HTMLInputElement>(null);

  const member = load.state === 'ready' ? load.value : null;

  // the member's vouchers not yet spent: read again after a redemption and after each sale
  const memberId = member?.contactId ?? null;
  const [vouchers, setVouchers] = useState<Voucher[]>([]);
  const [revision, setRevision] = useState(0);
  useEffect(() => (memberId === null ? undefined : onLoyaltyChanged(memberId, () => setRevision((n) => n + 1))), [memberId]);
  useEffect(() => {
    if (memberId === null) {
      setVouchers([]);
      return;
    }
    let live = true;
    api.call('loyalty.vouchers', { contactId: memberId }).then(
      (v) => live && setVouchers(v),
      () => live && setVouchers([]),
    );
    return () => {
      live = false;
    };
  }, [api, memberId, revision, lastPurchase?.id]);

  // the store credits the points with the sale itself: read them back from the ledger
  const purchaseId = lastPurchase?.id ?? null;
  const buyerId = lastPurchase?.contactId ?? null;
  useEffect(() => {
    if (purchaseId === null || buyerId === null) return;
    let live = true;
    void (async () => {
      try {
        const buyer = await api.call('loyalty.member', { id: buyerId });
        if (buyer === null || !live) return;
        const { entries } = await api.call('loyalty.ledger', { contactId: buyerId, limit: 20 });
        const points = entries.filter((e) => e.purchaseId === purchaseId).reduce((sum, e) => sum + e.points, 0);
        if (!live) return;
        setEarned({ purchaseId, member: buyer, points });
        loyaltyChanged(buyerId);
      } catch {
        // the sale is recorded; a failed read of its points only hides the summary
      }
    })();
    return () => {
      live = false;
    };
  }, [api, purchaseId, buyerId]);

  const submit = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    const outcome = await lookup(number);
    setBusy(false);
    if (outcome.ok) {
      setNumber('');
    } else {
      setError(outcome.message);
      // the next scan replaces the refused number instead of adding to it
      field.current?.select();
    }
  };

  const enrol = async () => {
    if (customerId === null) return;
    try {
      const m = await api.call('loyalty.enrol', { contactId: customerId });
      loyaltyChanged(customerId);
      notifySuccess(t('loyalty.enrol.done', { name: m.name, number: spacedCardNumber(m.card.number) }));
    } catch (e) {
      setError(loyaltyErrorMessage(t, e));
    }
  };

  return (
    <Paper withBorder p="sm" data-testid="loyalty-counter">
      <Group align="flex-start" justify="space-between" gap="md">
        <TextInput
          ref={field}
          label={t('loyalty.counter.card')}
          placeholder={t('loyalty.counter.cardPlaceholder')}
          leftSection={<IconId size={16} />}
          value={number}
          onChange={(e) => {
            setNumber(e.currentTarget.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key !== 'Enter' || e.nativeEvent.isComposing || e.ctrlKey || e.metaKey) return;
            // Enter here is the lookup, not the sale page's "next field"
            e.preventDefault();
            e.stopPropagation();
            void submit();
          }}
          error={error}
          inputMode="numeric"
          autoComplete="off"
          maxLength={24}
          w={280}
          data-testid="loyalty-scan-field"
        />
        {member !== null ? (
          <Group gap="md" mt={22} data-testid="loyalty-counter-member" data-contact-id={member.contactId}>
            <IconGift size={20} aria-hidden />
            <div>
              <Text size="sm" fw={600}>
                {t('loyalty.counter.member', { number: spacedCardNumber(member.card.number) })}
              </Text>
              <Group gap="xs">
                <Text size="lg" fw={700} data-testid="loyalty-counter-balance" data-balance={member.balance}>
                  {t('loyalty.points', { count: member.balance, n: fmt.number(member.balance) })}
                </Text>
                <Badge variant="filled" color={member.tier === 'gold' ? 'yellow' : 'blue'} tt="none" data-testid="loyalty-counter-tier">
                  {member.tierName}
                </Badge>
              </Group>
            </div>
            <Button
              leftSection={<IconTicket size={16} />}
              variant="light"
              onClick={() => setRedeeming(member)}
              disabled={member.card.status !== 'active'}
              data-testid="loyalty-counter-redeem"
            >
              {t('loyalty.redeem.open')}
            </Button>
          </Group>
        ) : customerId !== null && load.state === 'ready' ? (
          <Group gap="xs" mt={22}>
            <Text size="sm" c="dimmed" data-testid="loyalty-counter-not-member">
              {t('loyalty.counter.notMember')}
            </Text>
            <Button size="xs" variant="light" onClick={() => void enrol()} data-testid="loyalty-counter-enrol">
              {t('loyalty.enrol.submit')}
            </Button>
          </Group>
        ) : null}
      </Group>
      {member !== null && vouchers.length > 0 && (
        <Group gap="xs" mt="sm" data-testid="loyalty-counter-vouchers">
          <Text size="sm" c="dimmed">
            {t('loyalty.counter.vouchers')}
          </Text>
          {vouchers.map((v) => {
            const applied = voucher?.code === v.code;
            return (
              <Button
                key={v.code}
                size="xs"
                variant={applied ? 'filled' : 'light'}
                color="grape"
                leftSection={<IconTicket size={14} />}
                onClick={() => onVoucher(applied ? null : v)}
                aria-pressed={applied}
                title={applied ? t('loyalty.counter.voucherRemove') : t('loyalty.counter.voucherUse')}
                data-testid="loyalty-counter-voucher"
                data-code={v.code}
              >
                {v.rewardName} · {voucherText(t, fmt, v)}
                {applied ? ` — ${t('loyalty.counter.voucherApplied')}` : ''}
              </Button>
            );
          })}
        </Group>
      )}
      {earned !== null && earned.purchaseId === purchaseId && (
        <Alert color="teal" mt="sm" icon={<IconGift size={18} />} data-testid="loyalty-earned" data-points={earned.points}>
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">
              {t('loyalty.counter.earned', {
                count: earned.points,
                n: fmt.number(earned.points),
                name: earned.member.name,
                balance: fmt.number(earned.member.balance),
              })}
            </Text>
            {/* the screen is ready for the next customer, but this one may still want a reward */}
            {earned.member.card.status === 'active' && (
              <Button size="xs" variant="white" leftSection={<IconTicket size={14} />} onClick={() => setRedeeming(earned.member)} data-testid="loyalty-earned-redeem">
                {t('loyalty.redeem.open')}
              </Button>
            )}
          </Group>
        </Alert>
      )}
      <RedeemDialog member={redeeming} opened={redeeming !== null} onClose={() => setRedeeming(null)} />
    </Paper>
  );
};
