import { useState } from 'react';
import { Alert, Badge, Button, Center, Code, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { IconTicket } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { localDate, type LoyaltyProgramme, type Member, type RedeemResult, type Reward } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { loyaltyErrorMessage, rewardBlock, tierName } from './messages';
import { loyaltyChanged, useProgramme, useRewards } from './use-loyalty';

/** What the reward gives, in words: "5,00 € de remise", "10 % de remise", "Article offert". */
export const useRewardValue = () => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  return (reward: Reward): string => {
    switch (reward.kind) {
      case 'amount':
        return t('loyalty.rewards.valueAmount', { amount: fmt.money(reward.value) });
      case 'percent':
        return t('loyalty.rewards.valuePercent', { percent: fmt.number(reward.value) });
      case 'item':
        return t('loyalty.rewards.valueItem');
    }
  };
};

type Props = { member: Member | null; opened: boolean; onClose(): void; onRedeemed?(result: RedeemResult): void };

/**
 * Every active reward, those the member may take first. The others stay in
 * sight, disabled, with the reason (too few points, tier too low, out of its
 * dates) so the cashier can answer "why not?".
 */
export const RedeemDialog = ({ opened, onClose, ...rest }: Props) => {
  const { t } = useTranslation();
  // the body (and its catalogue and programme reads) exists only while the dialog is open
  return (
    <Modal opened={opened} onClose={onClose} size="lg" title={<Text fw={600}>{t('loyalty.redeem.title')}</Text>}>
      <RedeemBody onClose={onClose} {...rest} />
    </Modal>
  );
};

const RedeemBody = ({ member: given, onClose, onRedeemed }: Omit<Props, 'opened'>) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const rewardValue = useRewardValue();
  const rewards = useRewards();
  const programme = useProgramme();
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<RedeemResult | null>(null);
  // after a redemption the balance (and maybe the tier) moved: check the next one against it
  const member = done !== null && done.member.contactId === given?.contactId ? done.member : given;

  const redeem = async (reward: Reward) => {
    if (member === null || busy !== null) return;
    setBusy(reward.id);
    setError(null);
    try {
      const result = await api.call('loyalty.redeem', { contactId: member.contactId, rewardId: reward.id });
      setDone(result);
      loyaltyChanged(member.contactId);
      notifySuccess(t('loyalty.redeem.done', { reward: reward.name, code: result.voucherCode }));
      onRedeemed?.(result);
    } catch (e) {
      setError(loyaltyErrorMessage(t, e));
    } finally {
      setBusy(null);
    }
  };

  const today = localDate();
  const list = rewards.load.state === 'ready' ? rewards.load.value.filter((r) => r.active) : null;
  const prog: LoyaltyProgramme | null = programme.load.state === 'ready' ? programme.load.value : null;
  const rows =
    list === null || prog === null || member === null
      ? null
      : list
          .map((reward) => ({ reward, block: rewardBlock(reward, member, prog, today) }))
          .sort((a, b) => Number(a.block !== null) - Number(b.block !== null) || a.reward.costPoints - b.reward.costPoints);

  return (
    <Stack data-testid="loyalty-redeem-dialog">
      {member !== null && (
        <Text size="sm" data-testid="loyalty-redeem-balance">
          {t('loyalty.redeem.balance', { name: member.name, count: member.balance, points: fmt.number(member.balance), tier: member.tierName })}
        </Text>
      )}
      {done !== null && (
        <Alert color="teal" icon={<IconTicket size={18} />} title={t('loyalty.redeem.voucherTitle')} data-testid="loyalty-voucher">
          <Stack gap={4}>
            <Code fz="lg" data-testid="loyalty-voucher-code">
              {done.voucherCode}
            </Code>
            <Text size="sm">{t('loyalty.redeem.newBalance', { count: done.member.balance, points: fmt.number(done.member.balance) })}</Text>
          </Stack>
        </Alert>
      )}
      {error !== null && (
        <Alert color="red" data-testid="loyalty-redeem-error">
          {error}
        </Alert>
      )}
      {rows === null ? (
        <Center py="md">
          <Loader size="sm" aria-label={t('app.loading')} />
        </Center>
      ) : rows.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="loyalty-redeem-empty">
          {t('loyalty.redeem.none')}
        </Text>
      ) : (
        <Table verticalSpacing="xs">
          <Table.Tbody>
            {rows.map(({ reward, block }) => (
              <Table.Tr key={reward.id} data-testid="loyalty-reward-option" data-reward-id={reward.id} data-blocked={block ?? ''}>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {reward.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {rewardValue(reward)}
                    {reward.minTier !== null && ` · ${t('loyalty.rewards.minTierShort', { tier: tierName(prog, reward.minTier) })}`}
                  </Text>
                  {block !== null && member !== null && (
                    <Text size="xs" c="red.7" data-testid="loyalty-reward-block">
                      {t(`loyalty.redeem.block.${block}`, {
                        count: reward.costPoints - member.balance,
                        missing: fmt.number(reward.costPoints - member.balance),
                        tier: tierName(prog, reward.minTier),
                        date: fmt.date(reward.validFrom ?? reward.validTo ?? today),
                      })}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td w={110} ta="right">
                  <Badge variant="light" tt="none">
                    {t('loyalty.points', { count: reward.costPoints, n: fmt.number(reward.costPoints) })}
                  </Badge>
                </Table.Td>
                <Table.Td w={120} ta="right">
                  <Button
                    size="xs"
                    disabled={block !== null || (busy !== null && busy !== reward.id)}
                    loading={busy === reward.id}
                    onClick={() => void redeem(reward)}
                    data-testid="loyalty-reward-redeem"
                  >
                    {t('loyalty.redeem.action')}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} data-testid="loyalty-redeem-close">
          {t('loyalty.close')}
        </Button>
      </Group>
      </Stack>
  );
};
