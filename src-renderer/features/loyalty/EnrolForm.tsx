import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { compactCardNumber, isValidCardNumber, type LoyaltyProgramme, type Member } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { loyaltyErrorMessage, spacedCardNumber } from './messages';
import { loyaltyChanged } from './use-loyalty';

type Props = { contactId: number; name: string; programme: LoyaltyProgramme | null; onEnrolled?(member: Member): void };

/** Joining: optionally brought by a member (their card number), optionally paying the entry fee. */
export const EnrolForm = ({ contactId, name, programme, onEnrolled }: Props) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [referrer, setReferrer] = useState('');
  const [paid, setPaid] = useState(false);
  const [referrerError, setReferrerError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const fee = programme?.entryFeeCents ?? null;

  const enrol = async () => {
    const number = compactCardNumber(referrer);
    if (number !== '' && !isValidCardNumber(number)) {
      setReferrerError(t(/^\d{13}$/.test(number) ? 'loyalty.errors.invalid_check_digit' : 'loyalty.errors.invalid_card_number'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const member = await api.call('loyalty.enrol', {
        contactId,
        ...(number === '' ? {} : { referrerCardNumber: number }),
        paidEntry: fee !== null && paid,
      });
      loyaltyChanged(contactId);
      notifySuccess(t('loyalty.enrol.done', { name, number: spacedCardNumber(member.card.number) }));
      onEnrolled?.(member);
    } catch (e) {
      setError(loyaltyErrorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="sm" data-testid="loyalty-enrol">
      <Text size="sm">{t('loyalty.enrol.intro', { name })}</Text>
      {programme !== null && !programme.enabled && (
        <Alert color="yellow" data-testid="loyalty-disabled">
          {t('loyalty.enrol.disabled')}
        </Alert>
      )}
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('loyalty.enrol.referrer')}
          description={t('loyalty.enrol.referrerHint')}
          value={referrer}
          onChange={(e) => {
            setReferrer(e.currentTarget.value);
            setReferrerError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void enrol();
            }
          }}
          error={referrerError}
          inputMode="numeric"
          autoComplete="off"
          maxLength={20}
          w={260}
          data-testid="loyalty-enrol-referrer"
        />
        {fee !== null && (
          <Checkbox
            label={t('loyalty.enrol.paidEntry', { fee: fmt.money(fee) })}
            checked={paid}
            onChange={(e) => setPaid(e.currentTarget.checked)}
            mb={8}
            data-testid="loyalty-enrol-paid"
          />
        )}
        <Button onClick={() => void enrol()} loading={busy} data-testid="loyalty-enrol-submit">
          {t('loyalty.enrol.submit')}
        </Button>
      </Group>
      {error !== null && (
        <Alert color="red" data-testid="loyalty-enrol-error">
          {error}
        </Alert>
      )}
    </Stack>
  );
};
