import { Alert, Paper, SimpleGrid, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { Chart as ChartJS, Filler, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { paretoTiers, type Api, type ParetoOverview, type ParetoTier } from '@contract';
import { useFormatters, type Formatters } from '../../app/format';
import { tierDefinition, type ShowCustomers } from './definitions';
import { ThresholdsBar } from './ThresholdsBar';
import { Waiting } from './Waiting';
import { useAnalysis } from './use-analysis';

const loadPareto = (api: Api) => api.call('analytics.pareto', {});

ChartJS.register(LineElement, PointElement, LinearScale, Tooltip, Legend, Filler);

const tierColor: Record<ParetoTier, string> = { gold: '#f0b400', basic: '#228be6', bottom: '#868e96' };

const percentFormat = (fmt: Formatters) => new Intl.NumberFormat(fmt.locale, { style: 'percent', maximumFractionDigits: 0 });

const TierCard = ({ row, onShow }: { row: ParetoOverview['tiers'][number]; onShow: ShowCustomers | undefined }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const pct = percentFormat(fmt);
  const name = t(`pareto.tier.${row.tier}`);
  const body = (
    <Paper withBorder p="md" style={{ borderTop: `4px solid ${tierColor[row.tier]}` }} h="100%">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {name}
      </Text>
      <Text size="xl" fw={700} data-testid={`pareto-share-${row.tier}`}>
        {t('pareto.tierShare', { share: pct.format(row.share) })}
      </Text>
      <Text size="sm" c="dimmed">
        {t('pareto.tierCard', { count: row.customers, customers: fmt.number(row.customers), customersShare: pct.format(row.customersShare), revenue: fmt.money(row.revenueCents) })}
      </Text>
    </Paper>
  );
  return onShow === undefined || row.customers === 0 ? (
    <div data-testid={`pareto-tier-${row.tier}`}>{body}</div>
  ) : (
    <UnstyledButton onClick={() => onShow(name, tierDefinition(row.tier))} data-testid={`pareto-tier-${row.tier}`}>
      {body}
    </UnstyledButton>
  );
};

const Curve = ({ data }: { data: ParetoOverview }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const pct = percentFormat(fmt);
  const axis = (title: string) => ({
    type: 'linear' as const,
    min: 0,
    max: 1,
    title: { display: true, text: title },
    ticks: { callback: (v: number | string) => pct.format(Number(v)), stepSize: 0.2 },
  });
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="sm">
        {t('pareto.curve')}
      </Title>
      <div style={{ height: 300 }} data-testid="pareto-curve">
        <Line
          aria-label={t('pareto.curve')}
          data={{
            datasets: [
              {
                label: t('pareto.curveLabel'),
                data: data.curve.map((p) => ({ x: p.customersShare, y: p.revenueShare })),
                borderColor: '#228be6',
                backgroundColor: 'rgba(34, 139, 230, 0.15)',
                fill: true,
                pointRadius: 0,
                tension: 0.2,
              },
              {
                label: t('pareto.equality'),
                data: [
                  { x: 0, y: 0 },
                  { x: 1, y: 1 },
                ],
                borderColor: '#adb5bd',
                borderDash: [6, 4],
                pointRadius: 0,
                fill: false,
              },
            ],
          }}
          options={{
            locale: fmt.locale,
            maintainAspectRatio: false,
            animation: false,
            parsing: false,
            scales: { x: axis(t('pareto.curveX')), y: axis(t('pareto.curveY')) },
            plugins: {
              tooltip: {
                callbacks: {
                  label: (item) => {
                    const p = item.raw as { x: number; y: number };
                    return `${pct.format(p.x)} → ${pct.format(p.y)}`;
                  },
                },
              },
            },
          }}
        />
      </div>
    </Paper>
  );
};

const Movements = ({ data }: { data: ParetoOverview }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const froms = [...paretoTiers, 'new'] as const;
  const tos = [...paretoTiers, 'gone'] as const;
  const label = (k: ParetoTier | 'new' | 'gone') => (k === 'new' ? t('pareto.new') : k === 'gone' ? t('pareto.gone') : t(`pareto.tier.${k}`));
  const count = (from: (typeof froms)[number], to: (typeof tos)[number]): number | null =>
    from === 'new' && to === 'gone' ? null : (data.movements.find((m) => m.from === from && m.to === to)?.customers ?? 0);
  return (
    <Paper withBorder p="md">
      <Title order={4}>{t('pareto.movements')}</Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('pareto.movementsHint')}
      </Text>
      <Table withTableBorder withColumnBorders fz="sm" data-testid="pareto-movements">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('pareto.from')}</Table.Th>
            {tos.map((to) => (
              <Table.Th key={to} ta="right">
                {label(to)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {froms.map((from) => (
            <Table.Tr key={from}>
              <Table.Td fw={600}>{label(from)}</Table.Td>
              {tos.map((to) => {
                const n = count(from, to);
                return (
                  <Table.Td key={to} ta="right" fw={from === to ? 700 : undefined} data-testid={`pareto-move-${from}-${to}`}>
                    {n === null ? '' : fmt.number(n)}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
};

/** The Pareto tab: tiers with the share of revenue each brings, the curve, and who moved between tiers. */
export const ParetoPanel = ({ onShowCustomers }: { onShowCustomers?: ShowCustomers }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { data, error, reload } = useAnalysis(loadPareto);
  if (data === null) return <Waiting error={error} />;
  const scored = data.tiers.reduce((n, r) => n + r.customers, 0);
  return (
    <Stack gap="md" data-testid="pareto-panel">
      <ThresholdsBar thresholdsAt={data.thresholdsAt} scored={data.scoredCustomers} active={scored} onRecomputed={reload} />
      <Text size="sm">{t('pareto.intro')}</Text>
      {data.customers === 0 ? (
        <Alert color="gray">{t('pareto.empty')}</Alert>
      ) : (
        <Title order={3} data-testid="pareto-top-share">
          {t('pareto.topShare', { share: percentFormat(fmt).format(data.topShare) })}
        </Title>
      )}
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {data.tiers.map((row) => (
          <TierCard key={row.tier} row={row} onShow={onShowCustomers} />
        ))}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Curve data={data} />
        <Movements data={data} />
      </SimpleGrid>
    </Stack>
  );
};
