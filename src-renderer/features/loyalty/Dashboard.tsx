import { useEffect, useState } from 'react';
import { Alert, Center, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { ArcElement, BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar, Doughnut } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import type { LoyaltyDashboard } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { loyaltyErrorMessage } from './messages';
import { onLoyaltyChanged } from './use-loyalty';

ChartJS.register(ArcElement, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

const palette = ['#228be6', '#fab005', '#40c057', '#be4bdb', '#fd7e14', '#15aabf', '#fa5252', '#868e96', '#7950f2', '#82c91e'];

const Figure = ({ label, value, testId }: { label: string; value: string; testId: string }) => (
  <Paper withBorder p="md">
    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
      {label}
    </Text>
    <Text size="xl" fw={700} data-testid={testId}>
      {value}
    </Text>
  </Paper>
);

/** The programme in figures: members, points in and out, what the points owed are worth, tiers. */
export const Dashboard = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [data, setData] = useState<LoyaltyDashboard | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => onLoyaltyChanged(null, () => setTick((n) => n + 1)), []);
  useEffect(() => {
    let live = true;
    api.call('loyalty.dashboard', {}).then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, tick]);

  if (error !== null) return <Alert color="red">{loyaltyErrorMessage(t, error)}</Alert>;
  if (data === null) {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  const percent = new Intl.NumberFormat(fmt.locale, { style: 'percent', maximumFractionDigits: 1 });
  const month = new Intl.DateTimeFormat(fmt.locale, { month: 'short', year: '2-digit', timeZone: 'UTC' });
  return (
    <Stack data-testid="loyalty-dashboard">
      <SimpleGrid cols={{ base: 2, md: 3, lg: 6 }}>
        <Figure label={t('loyalty.dashboard.members')} value={fmt.number(data.members)} testId="dash-members" />
        <Figure label={t('loyalty.dashboard.active')} value={fmt.number(data.activeMembers)} testId="dash-active" />
        <Figure label={t('loyalty.dashboard.issued')} value={fmt.number(data.pointsIssued)} testId="dash-issued" />
        <Figure label={t('loyalty.dashboard.redeemed')} value={fmt.number(data.pointsRedeemed)} testId="dash-redeemed" />
        <Figure label={t('loyalty.dashboard.liability')} value={fmt.money(data.liabilityCents)} testId="dash-liability" />
        <Figure label={t('loyalty.dashboard.rate')} value={percent.format(data.redemptionRate)} testId="dash-rate" />
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        {t('loyalty.dashboard.expired', { count: data.pointsExpired, n: fmt.number(data.pointsExpired) })}
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={4} mb="sm">
            {t('loyalty.dashboard.tierMix')}
          </Title>
          <div style={{ height: 260 }}>
            <Doughnut
              aria-label={t('loyalty.dashboard.tierMix')}
              data={{
                labels: data.tierMix.map((m) => m.name),
                datasets: [{ data: data.tierMix.map((m) => m.members), backgroundColor: data.tierMix.map((_, i) => palette[i % palette.length]) }],
              }}
              options={{ locale: fmt.locale, maintainAspectRatio: false, animation: false }}
            />
          </div>
        </Paper>
        <Paper withBorder p="md">
          <Title order={4} mb="sm">
            {t('loyalty.dashboard.movements')}
          </Title>
          <div style={{ height: 260 }}>
            <Bar
              aria-label={t('loyalty.dashboard.movements')}
              data={{
                labels: data.tierMovements.map((m) => month.format(new Date(`${m.month}-01T00:00:00Z`))),
                datasets: [
                  { label: t('loyalty.dashboard.up'), data: data.tierMovements.map((m) => m.up), backgroundColor: '#40c057' },
                  { label: t('loyalty.dashboard.down'), data: data.tierMovements.map((m) => -m.down), backgroundColor: '#fa5252' },
                ],
              }}
              options={{ locale: fmt.locale, maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } } }}
            />
          </div>
        </Paper>
      </SimpleGrid>
    </Stack>
  );
};
