import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { LedgerEntry } from '@contract';
import { useFormatters } from '../../app/format';

/** One line in the contact's feed: what moved the points and by how much; the ledger itself is in the loyalty panel. */
export const LoyaltyTimelineEntry = ({ entry }: { entry: LedgerEntry }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const signed = entry.points > 0 ? `+${fmt.number(entry.points)}` : fmt.number(entry.points);
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start" data-testid="timeline-loyalty" data-kind={entry.kind}>
      <Group gap="xs" wrap="wrap" miw={0}>
        <Text size="sm" fw={600}>
          {t(`loyalty.kind.${entry.kind}`)} · {t('loyalty.timeline.points', { count: Math.abs(entry.points), signed })}
        </Text>
        {entry.voucherCode !== null && (
          <Text size="sm" c="dimmed">
            {t('loyalty.timeline.voucher', { code: entry.voucherCode })}
          </Text>
        )}
        {entry.reason !== null && (
          <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }}>
            {entry.reason}
          </Text>
        )}
      </Group>
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {fmt.dateTime(entry.at)}
      </Text>
    </Group>
  );
};
