import { useState } from 'react';
import { Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { POINTS_MAX, type Member } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { loyaltyErrorMessage } from './messages';
import { loyaltyChanged } from './use-loyalty';

/** "+50", "-20", "30" → points; anything else (decimals, zero, letters) is refused before the store sees it. */
export const parsePoints = (typed: string): { ok: true; value: number } | { ok: false; code: string } => {
  const text = typed.replace(/[\s\u00a0\u202f]/g, '').replace('−', '-');
  if (text === '') return { ok: false, code: 'points_required' };
  if (!/^[+-]?\d+$/.test(text)) return { ok: false, code: 'points_invalid' };
  const value = Number(text);
  if (value === 0) return { ok: false, code: 'points_zero' };
  if (Math.abs(value) > POINTS_MAX) return { ok: false, code: 'points_too_large' };
  return { ok: true, value };
};

type Props = { member: Member; opened: boolean; onClose(): void };

/** A correction by hand: signed points and, always, why (the ledger must explain every entry). */
export const AdjustDialog = ({ member, opened, onClose }: Props) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ points?: string; reason?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);

  const close = () => {
    setPoints('');
    setReason('');
    setErrors({});
    onClose();
  };

  const save = async () => {
    const p = parsePoints(points);
    const next: typeof errors = {};
    if (!p.ok) next.points = t(`loyalty.adjust.${p.code}`);
    if (reason.trim() === '') next.reason = t('loyalty.adjust.reasonRequired');
    setErrors(next);
    if (!p.ok || next.reason !== undefined) return;
    setBusy(true);
    try {
      const updated = await api.call('loyalty.adjust', { contactId: member.contactId, points: p.value, reason: reason.trim() });
      loyaltyChanged(member.contactId);
      notifySuccess(t('loyalty.adjust.done', { count: p.value, points: fmt.number(p.value), balance: fmt.number(updated.balance) }));
      close();
    } catch (e) {
      setErrors({ form: loyaltyErrorMessage(t, e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={busy ? () => {} : close} title={<Text fw={600}>{t('loyalty.adjust.title')}</Text>}>
      <Stack data-testid="loyalty-adjust-dialog">
        <Text size="sm">{t('loyalty.adjust.current', { count: member.balance, points: fmt.number(member.balance) })}</Text>
        <TextInput
          label={t('loyalty.adjust.points')}
          description={t('loyalty.adjust.pointsHint')}
          value={points}
          onChange={(e) => {
            setPoints(e.currentTarget.value);
            setErrors((er) => ({ ...er, points: undefined }));
          }}
          error={errors.points}
          inputMode="numeric"
          autoComplete="off"
          maxLength={12}
          data-autofocus
          data-testid="loyalty-adjust-points"
        />
        <Textarea
          label={t('loyalty.adjust.reason')}
          value={reason}
          onChange={(e) => {
            setReason(e.currentTarget.value);
            setErrors((er) => ({ ...er, reason: undefined }));
          }}
          error={errors.reason}
          maxLength={200}
          required
          autosize
          minRows={2}
          data-testid="loyalty-adjust-reason"
        />
        {errors.form !== undefined && (
          <Text c="red" size="sm" data-testid="loyalty-adjust-error">
            {errors.form}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={busy} data-testid="loyalty-adjust-save">
            {t('loyalty.adjust.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
};
