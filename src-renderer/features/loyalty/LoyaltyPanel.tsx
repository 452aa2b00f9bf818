import { useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Center, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconAdjustments, IconCreditCard, IconGift, IconPrinter, IconRefresh, IconTicket } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Contact, LoyaltyProgramme, Member } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { routeHref } from '../../app/router';
import { plainName } from '../contacts/names';
import { AdjustDialog } from './AdjustDialog';
import { EnrolForm } from './EnrolForm';
import { LedgerTable } from './LedgerTable';
import { loyaltyErrorMessage, spacedCardNumber } from './messages';
import { RedeemDialog } from './RedeemDialog';
import { loyaltyChanged, onLoyaltyChanged, useMember, useProgramme } from './use-loyalty';

const statusColor = { active: 'teal', lost: 'orange', closed: 'gray' } as const;

/** Card, balance and tier at a glance: what the cashier reads out to the customer. */
export const MemberSummary = ({ member, programme }: { member: Member; programme: LoyaltyProgramme | null }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const tier = programme?.tiers.find((x) => x.key === member.tier);
  return (
    <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
      <Stack gap={2}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t('loyalty.member.card')}
        </Text>
        <Group gap="xs">
          <Text ff="monospace" fw={600} data-testid="loyalty-card-number" data-number={member.card.number}>
            {spacedCardNumber(member.card.number)}
          </Text>
          <Badge color={statusColor[member.card.status]} variant="light" tt="none" data-testid="loyalty-card-status" data-status={member.card.status}>
            {t(`loyalty.cardStatus.${member.card.status}`)}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {t('loyalty.member.since', { date: fmt.date(member.enrolledAt) })}
        </Text>
      </Stack>
      <Stack gap={2}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t('loyalty.member.balance')}
        </Text>
        <Text size="xl" fw={700} data-testid="loyalty-balance" data-balance={member.balance}>
          {t('loyalty.points', { count: member.balance, n: fmt.number(member.balance) })}
        </Text>
      </Stack>
      <Stack gap={2}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {t('loyalty.member.tier')}
        </Text>
        <Group gap="xs">
          <Badge size="lg" variant="filled" color={member.tier === 'gold' ? 'yellow' : 'blue'} tt="none" data-testid="loyalty-tier" data-tier={member.tier}>
            {member.tierName}
          </Badge>
          {tier !== undefined && tier.multiplier !== 1 && (
            <Text size="sm" data-testid="loyalty-multiplier">
              {t('loyalty.member.multiplier', { m: fmt.number(tier.multiplier) })}
            </Text>
          )}
        </Group>
        {tier !== undefined && tier.benefits !== '' && (
          <Text size="sm" data-testid="loyalty-benefits">
            {tier.benefits}
          </Text>
        )}
        <Text size="xs" c="dimmed">
          {t('loyalty.member.tierSince', { date: fmt.date(member.tierSince) })}
        </Text>
      </Stack>
    </SimpleGrid>
  );
};

/** The contact page's loyalty block: join, or card, balance, tier, rewards, corrections and the ledger. */
export const LoyaltyPanel = ({ contact }: { contact: Contact }) => {
  const api = useApi();
  const { t } = useTranslation();
  const { load } = useMember(contact.id);
  const programme = useProgramme();
  const [dialog, setDialog] = useState<'redeem' | 'adjust' | 'replace' | 'close' | null>(null);
  const [revision, setRevision] = useState(0);
  const name = plainName(t, contact);

  // the ledger follows every change of this member's points, wherever it was made
  useEffect(() => onLoyaltyChanged(contact.id, () => setRevision((n) => n + 1)), [contact.id]);

  const prog = programme.load.state === 'ready' ? programme.load.value : null;
  const member = load.state === 'ready' ? load.value : null;

  const cardAction = async (call: 'loyalty.card.replace' | 'loyalty.card.close') => {
    try {
      const updated = await api.call(call, { contactId: contact.id });
      loyaltyChanged(contact.id);
      notifySuccess(
        call === 'loyalty.card.replace'
          ? t('loyalty.card.replaced', { number: spacedCardNumber(updated.card.number) })
          : t('loyalty.card.closedDone'),
      );
      setDialog(null);
    } catch (e) {
      notifyError(t, e);
      throw e;
    }
  };

  return (
    <Paper withBorder p="md" data-testid="loyalty-panel" data-member={member === null ? 'false' : 'true'}>
      <Stack gap="sm">
        <Group gap="xs">
          <IconGift size={20} aria-hidden />
          <Title order={3}>{t('loyalty.title')}</Title>
        </Group>
        {load.state === 'loading' && (
          <Center py="sm">
            <Loader size="sm" aria-label={t('app.loading')} />
          </Center>
        )}
        {load.state === 'error' && (
          <Alert color="red" data-testid="loyalty-error">
            {loyaltyErrorMessage(t, load.error)}
          </Alert>
        )}
        {load.state === 'ready' && member === null && <EnrolForm contactId={contact.id} name={name} programme={prog} />}
        {member !== null && (
          <>
            <MemberSummary member={member} programme={prog} />
            {member.referrerId !== null && (
              <Text size="xs" data-testid="loyalty-referrer">
                <Anchor href={routeHref({ name: 'contact', id: member.referrerId })} size="xs">
                  {t('loyalty.member.referredBy')}
                </Anchor>
              </Text>
            )}
            {member.cards.length > 1 && (
              <Text size="xs" c="dimmed" data-testid="loyalty-old-cards">
                {t('loyalty.member.oldCards', {
                  numbers: member.cards
                    .filter((c) => c.number !== member.card.number)
                    .map((c) => `${spacedCardNumber(c.number)} (${t(`loyalty.cardStatus.${c.status}`)})`)
                    .join(', '),
                })}
              </Text>
            )}
            <Group gap="xs" data-testid="loyalty-actions">
              <Button
                size="sm"
                leftSection={<IconTicket size={16} />}
                onClick={() => setDialog('redeem')}
                disabled={member.card.status === 'closed'}
                data-testid="loyalty-redeem-open"
              >
                {t('loyalty.redeem.open')}
              </Button>
              <Button size="sm" variant="light" leftSection={<IconAdjustments size={16} />} onClick={() => setDialog('adjust')} data-testid="loyalty-adjust-open">
                {t('loyalty.adjust.open')}
              </Button>
              <Button
                size="sm"
                variant="light"
                component="a"
                href={routeHref({ name: 'loyaltyCard', contactId: contact.id })}
                leftSection={<IconPrinter size={16} />}
                data-testid="loyalty-print"
              >
                {t('loyalty.card.print')}
              </Button>
              <Button
                size="sm"
                variant="light"
                color="orange"
                leftSection={<IconRefresh size={16} />}
                onClick={() => setDialog('replace')}
                disabled={member.card.status === 'closed'}
                data-testid="loyalty-replace"
              >
                {t('loyalty.card.replace')}
              </Button>
              {member.card.status !== 'closed' && (
                <Button size="sm" variant="subtle" color="gray" leftSection={<IconCreditCard size={16} />} onClick={() => setDialog('close')} data-testid="loyalty-close-card">
                  {t('loyalty.card.close')}
                </Button>
              )}
            </Group>
            <Title order={4}>{t('loyalty.ledger.title')}</Title>
            <LedgerTable contactId={contact.id} revision={revision} />
            <RedeemDialog member={member} opened={dialog === 'redeem'} onClose={() => setDialog(null)} />
            <AdjustDialog member={member} opened={dialog === 'adjust'} onClose={() => setDialog(null)} />
          </>
        )}
      </Stack>
      <ConfirmDialog
        opened={dialog === 'replace'}
        title={t('loyalty.card.replaceTitle')}
        confirmLabel={t('loyalty.card.replaceConfirm')}
        testId="loyalty-replace-confirm"
        onConfirm={() => cardAction('loyalty.card.replace').catch(() => undefined)}
        onClose={() => setDialog(null)}
      >
        {t('loyalty.card.replaceBody', { name })}
      </ConfirmDialog>
      <ConfirmDialog
        opened={dialog === 'close'}
        title={t('loyalty.card.closeTitle')}
        confirmLabel={t('loyalty.card.closeConfirm')}
        danger
        testId="loyalty-close-confirm"
        onConfirm={() => cardAction('loyalty.card.close').catch(() => undefined)}
        onClose={() => setDialog(null)}
      >
        {t('loyalty.card.closeBody', { name })}
      </ConfirmDialog>
    </Paper>
  );
};
