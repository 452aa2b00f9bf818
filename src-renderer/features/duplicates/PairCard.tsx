import { useState } from 'react';
import { Badge, Button, Group, Paper, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { IconArrowsJoin, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DuplicateContact } from '@contract';
import { useFormatters } from '../../app/format';
import type { ListedPair } from './pairs';

const scoreColor = (score: number): string => (score >= 90 ? 'red' : score >= 70 ? 'orange' : 'yellow');

const Side = ({ contact, side }: { contact: DuplicateContact; side: 'a' | 'b' }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const none = t('duplicates.contact.none');
  const place = [contact.postcode, contact.city].filter((p) => p !== null && p !== '').join(' ');
  return (
    <Stack gap={2} miw={0} data-testid={`duplicate-${side}`} data-contact-id={contact.id}>
      <Text fw={600} style={{ overflowWrap: 'anywhere' }} data-testid={`duplicate-${side}-name`}>
        {contact.name === '' ? t('contacts.unnamed') : contact.name}
      </Text>
      <Text size="sm" style={{ overflowWrap: 'anywhere' }} data-testid={`duplicate-${side}-email`}>
        {contact.email ?? none}
      </Text>
      <Text size="sm" data-testid={`duplicate-${side}-phone`}>
        {contact.phone === null ? none : fmt.phone(contact.phone)}
      </Text>
      <Text size="sm" data-testid={`duplicate-${side}-place`}>
        {place === '' ? none : place}
      </Text>
      <Text size="xs" c="dimmed">
        {t('duplicates.contact.created', { date: fmt.date(contact.createdAt) })} ·{' '}
        {contact.purchaseCount === 0
          ? t('duplicates.contact.noPurchase')
          : t('duplicates.contact.purchases', { count: contact.purchaseCount, n: fmt.number(contact.purchaseCount) })}
      </Text>
    </Stack>
  );
};

export type PairCardProps = {
  pair: ListedPair;
  onCompare(): void;
  onDismiss(): Promise<void>;
};

/** One candidate pair: both records, why they look alike, and what to do about it. */
export const PairCard = ({ pair, onCompare, onDismiss }: PairCardProps) => {
  const { t } = useTranslation();
  const [dismissing, setDismissing] = useState(false);
  const dismiss = async () => {
    setDismissing(true);
    try {
      await onDismiss();
    } finally {
      setDismissing(false);
    }
  };
  return (
    <Paper withBorder p="md" data-testid="duplicate-pair" data-pair={pair.key}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs">
            {pair.reasons.map((r) => (
              <Badge key={r} variant="light" tt="none" data-testid="duplicate-reason" data-reason={r}>
                {t(`duplicates.reason.${r}`)}
              </Badge>
            ))}
            {pair.changed && (
              <Tooltip label={t('duplicates.changedHint')} multiline w={260}>
                <Badge variant="outline" color="gray" tt="none" data-testid="duplicate-changed">
                  {t('duplicates.changed')}
                </Badge>
              </Tooltip>
            )}
          </Group>
          <Badge
            color={scoreColor(pair.score)}
            variant="filled"
            tt="none"
            title={t('duplicates.scoreLabel')}
            data-testid="duplicate-score"
            data-score={pair.score}
          >
            {t('duplicates.score', { score: pair.score })}
          </Badge>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <Side contact={pair.a} side="a" />
          <Side contact={pair.b} side="b" />
        </SimpleGrid>
        <Group justify="flex-end" gap="xs">
          <Button
            variant="default"
            size="xs"
            leftSection={<IconX size={14} />}
            onClick={() => void dismiss()}
            loading={dismissing}
            data-testid="duplicate-dismiss"
          >
            {t('duplicates.dismiss')}
          </Button>
          <Button size="xs" leftSection={<IconArrowsJoin size={14} />} onClick={onCompare} data-testid="duplicate-compare">
            {t('duplicates.compare')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
};
