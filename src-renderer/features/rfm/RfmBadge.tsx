import { useEffect, useState } from 'react';
import { Badge, Group, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ContactRfm } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { strategyColor } from './RfmPanel';

/** A contact's R/F/M scores and segment, with what the scores mean on hover. Nothing while loading or on failure. */
export const RfmBadge = ({ contactId }: { contactId: number }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [data, setData] = useState<ContactRfm | null>(null);
  const [tick, setTick] = useState(0);
  // a sale recorded from the contact page changes the scores
  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && setTick((n) => n + 1)), [api]);
  useEffect(() => {
    let live = true;
    api.call('analytics.rfm.contact', { contactId }).then(
      (d) => live && setData(d),
      () => live && setData(null),
    );
    return () => {
      live = false;
    };
  }, [api, contactId, tick]);
  if (data === null) return null;
  if (data.segment === null) {
    return (
      <Badge variant="outline" color="gray" data-testid="rfm-badge">
        {t('rfm.badge.noPurchase')}
      </Badge>
    );
  }
  const name = t(`rfm.segment.${data.segment}.name`);
  const color = data.strategy === null ? 'gray' : strategyColor[data.strategy];
  const computed = data.thresholdsAt === null ? '' : ` ${t('rfm.badge.computed', { date: fmt.date(data.thresholdsAt) })}`;
  if (data.scores === null) {
    return (
      <Tooltip label={`${t('rfm.badge.lost')}.${computed}`} multiline w={300} withArrow>
        <Badge variant="light" color={color} data-testid="rfm-badge">
          {name}
        </Badge>
      </Tooltip>
    );
  }
  const s = data.scores;
  const tier = data.tier === null ? '' : ` ${t('rfm.badge.tier', { tier: t(`pareto.tier.${data.tier}`) })}.`;
  return (
    <Tooltip label={`${t('rfm.badge.tooltip', { r: s.r, f: s.f, m: s.m })}${tier}${computed}`} multiline w={320} withArrow>
      <Group gap={4} wrap="nowrap" data-testid="rfm-badge">
        <Badge variant="filled" color={color}>{`R${s.r} F${s.f} M${s.m}`}</Badge>
        <Badge variant="light" color={color}>
          {name}
        </Badge>
      </Group>
    </Tooltip>
  );
};
