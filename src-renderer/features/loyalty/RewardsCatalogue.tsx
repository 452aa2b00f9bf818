import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, NativeSelect, SimpleGrid, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { IconPencil, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { AppError, rewardKinds, type LoyaltyProgramme, type Reward, type RewardKind } from '@contract';
import { useApi } from '../../api/context';
import { validationMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { centsToInput, decimalMarkFor, parseEuros } from '../sales/money';
import { loyaltyErrorMessage, tierName } from './messages';
import { useRewardValue } from './RedeemDialog';

type Draft = {
  name: string;
  kind: RewardKind;
  value: string;
  costPoints: string;
  validFrom: string;
  validTo: string;
  minTier: string;
  active: boolean;
};

const emptyDraft: Draft = { name: '', kind: 'amount', value: '', costPoints: '', validFrom: '', validTo: '', minTier: '', active: true };

type Errors = Partial<Record<keyof Draft | 'form', string>>;

const RewardDialog = ({
  reward,
  programme,
  opened,
  onClose,
  onSaved,
}: {
  reward: Reward | null;
  programme: LoyaltyProgramme | null;
  opened: boolean;
  onClose(): void;
  onSaved(): void;
}) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const mark = decimalMarkFor(fmt.locale);
  const [draft, setDraft] = useState<Draft>(() =>
    reward === null
      ? emptyDraft
      : {
          name: reward.name,
          kind: reward.kind,
          value: reward.kind === 'amount' ? centsToInput(reward.value, mark) : reward.kind === 'percent' ? String(reward.value) : '',
          costPoints: String(reward.costPoints),
          validFrom: reward.validFrom ?? '',
          validTo: reward.validTo ?? '',
          minTier: reward.minTier ?? '',
          active: reward.active,
        },
  );
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined, form: undefined }));
  };

  const save = async () => {
    const e: Errors = {};
    if (draft.name.trim() === '') e.name = validationMessage(t, 'required');
    let value = 0;
    if (draft.kind === 'amount') {
      const euros = parseEuros(draft.value);
      if (euros.ok && euros.value > 0) value = euros.value;
      else e.value = t('loyalty.rewards.valueInvalid');
    } else if (draft.kind === 'percent') {
      value = /^\d{1,3}$/.test(draft.value.trim()) ? Number(draft.value.trim()) : 0;
      if (value < 1 || value > 100) e.value = t('loyalty.validation.percent_range');
    }
    const cost = /^\d+$/.test(draft.costPoints.trim()) ? Number(draft.costPoints.trim()) : 0;
    if (cost < 1) e.costPoints = t('loyalty.rewards.costInvalid');
    if (draft.validFrom !== '' && draft.validTo !== '' && draft.validFrom > draft.validTo) e.validTo = t('loyalty.validation.before_start');
    setErrors(e);
    if (Object.keys(e).length > 0) return;
    const fields = {
      name: draft.name.trim(),
      kind: draft.kind,
      value,
      costPoints: cost,
      validFrom: draft.validFrom === '' ? null : draft.validFrom,
      validTo: draft.validTo === '' ? null : draft.validTo,
      minTier: draft.minTier === '' ? null : draft.minTier,
      active: draft.active,
    };
    setBusy(true);
    try {
      if (reward === null) await api.call('loyalty.rewards.create', fields);
      else await api.call('loyalty.rewards.update', { id: reward.id, ...fields });
      notifySuccess(t('loyalty.rewards.saved', { name: fields.name }));
      onSaved();
    } catch (error) {
      const issue = error instanceof AppError ? error.details?.issues?.[0] : undefined;
      const key = issue?.path as keyof Draft | undefined;
      if (issue !== undefined && key !== undefined && key in emptyDraft) {
        setErrors({ [key]: t(`loyalty.validation.${issue.code}`, { defaultValue: validationMessage(t, issue.code) }) });
      } else {
        setErrors({ form: loyaltyErrorMessage(t, error) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={busy ? () => {} : onClose} size="lg" title={<Text fw={600}>{reward === null ? t('loyalty.rewards.new') : t('loyalty.rewards.edit')}</Text>}>
      <Stack data-testid="reward-dialog">
        <TextInput label={t('loyalty.rewards.name')} value={draft.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} maxLength={120} data-autofocus data-testid="reward-name" />
        <SimpleGrid cols={3}>
          <NativeSelect
            label={t('loyalty.rewards.kind')}
            value={draft.kind}
            onChange={(e) => set('kind', e.currentTarget.value as RewardKind)}
            data={rewardKinds.map((k) => ({ value: k, label: t(`loyalty.rewards.kinds.${k}`) }))}
            data-testid="reward-kind"
          />
          <TextInput
            label={draft.kind === 'percent' ? t('loyalty.rewards.valuePercentLabel') : t('loyalty.rewards.valueAmountLabel')}
            value={draft.kind === 'item' ? '' : draft.value}
            disabled={draft.kind === 'item'}
            onChange={(e) => set('value', e.currentTarget.value)}
            error={errors.value}
            inputMode="decimal"
            autoComplete="off"
            data-testid="reward-value"
          />
          <TextInput
            label={t('loyalty.rewards.cost')}
            value={draft.costPoints}
            onChange={(e) => set('costPoints', e.currentTarget.value)}
            error={errors.costPoints}
            inputMode="numeric"
            autoComplete="off"
            data-testid="reward-cost"
          />
          <TextInput type="date" label={t('loyalty.rewards.validFrom')} value={draft.validFrom} onChange={(e) => set('validFrom', e.currentTarget.value)} error={errors.validFrom} data-testid="reward-from" />
          <TextInput type="date" label={t('loyalty.rewards.validTo')} value={draft.validTo} onChange={(e) => set('validTo', e.currentTarget.value)} error={errors.validTo} data-testid="reward-to" />
          <NativeSelect
            label={t('loyalty.rewards.minTier')}
            value={draft.minTier}
            onChange={(e) => set('minTier', e.currentTarget.value)}
            data={[{ value: '', label: t('loyalty.rewards.anyTier') }, ...(programme?.tiers ?? []).map((tier) => ({ value: tier.key, label: tier.name }))]}
            data-testid="reward-min-tier"
          />
        </SimpleGrid>
        <Switch label={t('loyalty.rewards.active')} checked={draft.active} onChange={(e) => set('active', e.currentTarget.checked)} data-testid="reward-active" />
        {errors.form !== undefined && (
          <Alert color="red" data-testid="reward-error">
            {errors.form}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button onClick={() => void save()} loading={busy} data-testid="reward-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
};

/** The catalogue: what points buy. A reward is never deleted (redemptions point to it), only switched off. */
export const RewardsCatalogue = ({ rewards, programme, onChanged }: { rewards: Reward[]; programme: LoyaltyProgramme | null; onChanged(): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const rewardValue = useRewardValue();
  const [editing, setEditing] = useState<{ reward: Reward | null; n: number } | null>(null);
  const [n, setN] = useState(0);

  const toggle = async (reward: Reward) => {
    try {
      await api.call('loyalty.rewards.update', { id: reward.id, active: !reward.active });
      onChanged();
    } catch (e) {
      notifyError(t, e);
    }
  };

  const open = (reward: Reward | null) => {
    setN((x) => x + 1);
    setEditing({ reward, n: n + 1 });
  };

  const validity = (r: Reward): string =>
    r.validFrom === null && r.validTo === null
      ? t('loyalty.rewards.always')
      : [r.validFrom === null ? null : t('loyalty.rewards.from', { date: fmt.date(r.validFrom) }), r.validTo === null ? null : t('loyalty.rewards.to', { date: fmt.date(r.validTo) })]
          .filter((p) => p !== null)
          .join(' ');

  return (
    <Stack data-testid="rewards-catalogue">
      <Group justify="flex-end">
        <Button leftSection={<IconPlus size={16} />} onClick={() => open(null)} data-testid="reward-new">
          {t('loyalty.rewards.new')}
        </Button>
      </Group>
      {rewards.length === 0 ? (
        <Text c="dimmed" size="sm">
          {t('loyalty.rewards.empty')}
        </Text>
      ) : (
        <Table verticalSpacing="xs" data-testid="rewards-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('loyalty.rewards.name')}</Table.Th>
              <Table.Th>{t('loyalty.rewards.what')}</Table.Th>
              <Table.Th ta="right">{t('loyalty.rewards.cost')}</Table.Th>
              <Table.Th>{t('loyalty.rewards.validity')}</Table.Th>
              <Table.Th>{t('loyalty.rewards.minTier')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rewards.map((r) => (
              <Table.Tr key={r.id} data-testid="reward-row" data-active={r.active ? 'true' : 'false'} style={{ opacity: r.active ? 1 : 0.6 }}>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {r.name}
                  </Text>
                </Table.Td>
                <Table.Td>{rewardValue(r)}</Table.Td>
                <Table.Td ta="right">{t('loyalty.points', { count: r.costPoints, n: fmt.number(r.costPoints) })}</Table.Td>
                <Table.Td>{validity(r)}</Table.Td>
                <Table.Td>{r.minTier === null ? t('loyalty.rewards.anyTier') : tierName(programme, r.minTier)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    {!r.active && <Badge color="gray">{t('loyalty.rewards.inactive')}</Badge>}
                    <Button size="xs" variant="subtle" leftSection={<IconPencil size={14} />} onClick={() => open(r)} data-testid="reward-edit">
                      {t('common.edit')}
                    </Button>
                    <Button size="xs" variant="light" color={r.active ? 'orange' : 'teal'} onClick={() => void toggle(r)} data-testid="reward-toggle">
                      {r.active ? t('loyalty.rewards.deactivate') : t('loyalty.rewards.activate')}
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {editing !== null && (
        <RewardDialog
          key={editing.n}
          reward={editing.reward}
          programme={programme}
          opened
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            onChanged();
          }}
        />
      )}
    </Stack>
  );
};
