import { useEffect, useState } from 'react';
import { Alert, Group, Paper, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { BarElement, CategoryScale, Chart as ChartJS, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import { churnedTarget, type ChurnMonth, type SegmentDefinition } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { monthLabel, shiftMonth } from './labels';

ChartJS.register(BarElement, CategoryScale, LinearScale, Tooltip);

const spans = ['12', '24', '36'] as const;

export const ChurnChart = ({ onShowCustomers }: { onShowCustomers(name: string, definition: SegmentDefinition): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [span, setSpan] = useState<(typeof spans)[number]>('12');
  const [data, setData] = useState<ChurnMonth[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    const to = new Date().toISOString().slice(0, 7);
    api.call('analytics.churn', { from: shiftMonth(to, 1 - Number(span)), to }).then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, span]);

  const percent = new Intl.NumberFormat(fmt.locale, { style: 'percent', maximumFractionDigits: 1 });
  const current = new Date().toISOString().slice(0, 7);
  const empty = data !== null && data.every((m) => m.active === 0 && m.churned === 0);
  return (
    <Paper withBorder p="md" data-testid="churn-chart">
      <Group justify="space-between" mb="xs">
        <Stack gap={0}>
          <Title order={4}>{t('attrition.churn.title')}</Title>
          <Text size="xs" c="dimmed">
            {t('attrition.churn.help')}
          </Text>
        </Stack>
        <SegmentedControl
          size="xs"
          value={span}
          onChange={(v) => setSpan(spans.find((s) => s === v) ?? '12')}
          data={spans.map((s) => ({ value: s, label: t('attrition.churn.months', { n: s }) }))}
          data-testid="churn-span"
        />
      </Group>
      {error !== null && <Alert color="red">{errorMessage(t, error)}</Alert>}
      {empty && <Text c="dimmed">{t('attrition.churn.none')}</Text>}
      {data !== null && !empty && (
        <>
          <div style={{ height: 240 }}>
            <Bar
              aria-label={t('attrition.churn.title')}
              data={{
                labels: data.map((m) => monthLabel(fmt.locale, m.month, 'short')),
                datasets: [
                  {
                    label: t('attrition.churn.rate'),
                    data: data.map((m) => (m.rate === null ? 0 : m.rate * 100)),
                    // the month under way is not over: its churn can only fall as customers come back
                    backgroundColor: data.map((m) => (m.month === current ? '#ffc9c9' : '#fa5252')),
                  },
                ],
              }}
              options={{
                locale: fmt.locale,
                maintainAspectRatio: false,
                // a whole month's column answers the pointer: a month with little churn has a thin bar
                interaction: { mode: 'index', intersect: false },
                scales: { y: { beginAtZero: true, ticks: { callback: (v) => `${String(v)} %` } } },
                plugins: {
                  legend: { display: false },
                  tooltip: {
                    callbacks: {
                      title: (items) => {
                        const m = data[items[0]?.dataIndex ?? -1];
                        if (m === undefined) return '';
                        const label = monthLabel(fmt.locale, m.month);
                        return m.month === current ? t('attrition.churn.current', { month: label }) : label;
                      },
                      label: (item) => {
                        const m = data[item.dataIndex];
                        if (m === undefined) return '';
                        return [
                          t('attrition.churn.tooltipRate', { rate: m.rate === null ? '—' : percent.format(m.rate) }),
                          t('attrition.churn.churned', { n: fmt.number(m.churned), before: fmt.number(m.churned + m.retained) }),
                          t('attrition.churn.tooltipActive', { n: fmt.number(m.active) }),
                        ];
                      },
                    },
                  },
                },
                onClick: (_event, elements) => {
                  const m = data[elements[0]?.index ?? -1];
                  if (m === undefined) return;
                  onShowCustomers(
                    t('attrition.churn.showName', { month: monthLabel(fmt.locale, m.month), previous: monthLabel(fmt.locale, shiftMonth(m.month, -1)) }),
                    churnedTarget(m.month).definition,
                  );
                },
              }}
            />
          </div>
          <Text size="xs" c="dimmed" mt={4}>
            {t('attrition.churn.clickHint')}
          </Text>
        </>
      )}
    </Paper>
  );
};
