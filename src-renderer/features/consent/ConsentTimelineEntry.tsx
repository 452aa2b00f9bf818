import { Badge, Group, Text } from '@mantine/core';
import { IconHandStop, IconInfoCircle, IconShieldCheck, IconShieldX, type Icon } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { ConsentEvent, ConsentEventKind } from '@contract';
import { useFormatters } from '../../app/format';
import { eventColors } from './ConsentHistory';

const icons: Record<ConsentEventKind, Icon> = {
  granted: IconShieldCheck,
  withdrawn: IconShieldX,
  objected: IconHandStop,
  informed: IconInfoCircle,
};

/** The timeline's bullet for a consent event. */
export const consentBullet = (event: ConsentEvent): { icon: Icon; color: string } => ({
  icon: icons[event.event],
  color: eventColors[event.event],
});

/** One line in the contact's feed; the full proof is in the consent panel above. */
export const ConsentTimelineEntry = ({ event }: { event: ConsentEvent }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const method = t(`consent.method.${event.method}`);
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start" data-testid="timeline-consent" data-event={event.event}>
      <Group gap="xs" wrap="wrap" miw={0}>
        <Text size="sm" fw={600}>
          {t('consent.timeline.summary', {
            event: t(`consent.event.${event.event}`),
            channel: t(`consent.channel.${event.channel}`),
            purpose: t(`consent.purpose.${event.purpose}`),
          })}
        </Text>
        <Text size="xs" c="dimmed">
          {event.operator === '' ? t('consent.timeline.detail', { method }) : t('consent.timeline.detailBy', { method, operator: event.operator })}
        </Text>
        {event.wordingVersion !== null && (
          <Badge size="xs" variant="light" color="gray" tt="none">
            {t('consent.timeline.wording', { version: event.wordingVersion })}
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {fmt.dateTime(event.at)}
      </Text>
    </Group>
  );
};
