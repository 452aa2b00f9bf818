import { memo, useEffect, useState, type ReactNode } from 'react';
import { Alert, Box, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import {
  ArcElement,
  BarElement,
  CategoryScale,
  Chart as ChartJS,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Tooltip,
  type ActiveElement,
  type TooltipItem,
} from 'chart.js';
import { Bar, Doughnut, Line } from 'react-chartjs-2';
import { useTranslation } from 'react-i18next';
import {
  atRiskTarget,
  boughtInTarget,
  churnedTarget,
  dashboardPeriods,
  lastDayBefore,
  newCustomersTarget,
  paretoTierTarget,
  returningTarget,
  rfmSegmentTarget,
  type Dashboard as DashboardData,
  type DashboardMonth,
  type DashboardPeriod,
  type DashboardTarget,
  type ParetoTier,
  type RfmSegmentKey,
  type SegmentDefinition,
} from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { useShowCustomers } from '../../app/show-customers';
import { useSettings } from '../../app/settings';
import { monthFormats, percentFormat, pointsChange, relativeChange, targetName, wholeMoney, wrapLines, type Change } from './format';

ChartJS.register(ArcElement, BarElement, CategoryScale, LinearScale, LineElement, PointElement, Tooltip, Legend);

const COLORS = {
  current: '#228be6',
  currentOut: '#a5d8ff',
  previous: '#adb5bd',
  new: '#40c057',
  returning: '#228be6',
  churn: '#fa5252',
  tiers: { gold: '#fab005', basic: '#228be6', bottom: '#ced4da' },
  segments: '#7950f2',
} as const;

const CHART_HEIGHT = 240;

type Show = (name: string, definition: SegmentDefinition) => void;

/** A figure with its comparison to a year earlier; a button when it opens customers. */
const Kpi = ({
  label,
  value,
  detail,
  change,
  testId,
  onClick,
}: {
  label: string;
  value: string;
  detail: string;
  change: Change | null;
  testId: string;
  onClick?: (() => void) | undefined;
}) => {
  const { t } = useTranslation();
  const body = (
    <>
      <Text component="div" size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text component="div" size="xl" fw={700} mt={4} data-testid={`${testId}-value`}>
        {value}
      </Text>
      <Group gap={6} wrap="nowrap">
        {change !== null && (
          <Text component="span" size="xs" fw={600} c={change.better === null ? 'dimmed' : change.better ? 'teal' : 'red'} data-testid={`${testId}-change`}>
            {change.text}
          </Text>
        )}
        <Text component="span" size="xs" c="dimmed">
          {detail}
        </Text>
      </Group>
    </>
  );
  const aria = t('dashboard.kpi.cardLabel', { label, value, detail: change === null ? detail : `${change.text}, ${detail}` });
  if (onClick === undefined) {
    return (
      <Paper withBorder p="md" role="group" aria-label={aria} data-testid={testId}>
        {body}
      </Paper>
    );
  }
  return (
    <Paper
      withBorder
      p="md"
      component="button"
      type="button"
      onClick={onClick}
      aria-label={`${aria} — ${t('dashboard.kpi.show')}`}
      data-testid={testId}
      style={{ textAlign: 'left', cursor: 'pointer', width: '100%' }}
    >
      {body}
    </Paper>
  );
};

const ChartCard = ({ title, hint, testId, children }: { title: string; hint: string; testId: string; children: ReactNode }) => (
  <Paper withBorder p="md" data-testid={testId}>
    <Title order={4}>{title}</Title>
    <Text size="xs" c="dimmed" mb="sm">
      {hint}
    </Text>
    <Stack gap="sm">{children}</Stack>
  </Paper>
);

/** The chart's data as a small table; its buttons are the keyboard's way to the customers. */
const DataTable = ({ head, children, label }: { head: string[]; children: ReactNode; label: string }) => (
  <Box mah={220} style={{ overflowY: 'auto' }}>
    <Table fz="xs" verticalSpacing={2} horizontalSpacing="xs" striped aria-label={label} stickyHeader>
      <Table.Thead>
        <Table.Tr>
          {head.map((h, i) => (
            <Table.Th key={h} ta={i === 0 ? 'left' : 'right'}>
              {h}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>{children}</Table.Tbody>
    </Table>
  </Box>
);

/** Its accessible name says which customers it opens, and holds the visible text (a count, a month) as well. */
const CellButton = ({ label, name, onClick, testId }: { label: string; name: string; onClick: () => void; testId?: string }) => {
  const spoken = name.includes(label) ? name : `${name} (${label})`;
  return (
    <Button variant="subtle" size="compact-xs" onClick={onClick} aria-label={spoken} title={name} data-testid={testId}>
      {label}
    </Button>
  );
};

/** The home screen's figures once the shop has sales; nothing at all before (the home page stays as it was). */
export const Dashboard = () => {
  const api = useApi();
  const { t } = useTranslation();
  const showCustomers = useShowCustomers();
  const [period, setPeriod] = useState<DashboardPeriod>('12months');
  const [data, setData] = useState<DashboardData | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && setTick((n) => n + 1)), [api]);
  useEffect(() => {
    let live = true;
    api.call('analytics.dashboard', { period }).then(
      (d) => {
        if (!live) return;
        setData(d);
        setVersion((n) => n + 1);
        setError(null);
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [api, period, tick]);

  if (error !== null && data === null) {
    return (
      <Alert color="red" title={t('dashboard.loadError')}>
        {errorMessage(t, error)}
      </Alert>
    );
  }
  if (data === null || !data.hasSales) return null;
  return <DashboardView data={data} version={version} period={period} onPeriod={setPeriod} show={showCustomers} />;
};

/** What the KPIs and the charts share: formats, names and the click-throughs. */
const useHelpers = (data: DashboardData, show: Show) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const months = monthFormats(fmt.locale);
  const percent = percentFormat(fmt.locale);
  const tierName = (tier: ParetoTier) => t(`pareto.tier.${tier}`);
  const segmentName = (key: RfmSegmentKey) => t(`rfm.segment.${key}.name`);
  return {
    t,
    fmt,
    months,
    percent,
    tierName,
    segmentName,
    rate: (r: number | null) => (r === null ? '—' : percent.format(r)),
    open: (target: DashboardTarget, month: string) => show(targetName(t, target, months.long(month)), target.definition),
    openTier: (tier: ParetoTier) => show(t('dashboard.target.tier', { tier: tierName(tier) }), paretoTierTarget(tier)),
    openSegment: (key: RfmSegmentKey) => show(t('dashboard.target.segment', { segment: segmentName(key) }), rfmSegmentTarget(key)),
    openAtRisk: () => show(t('dashboard.target.atRisk'), atRiskTarget()),
    openNew: () =>
      show(t('dashboard.target.newPeriod', { from: months.long(data.current.from), to: months.long(data.current.to) }), newCustomersTarget(data.current).definition),
  };
};

/**
 * The charts and their tables. Memoised and remounted per answer (`key`):
 * a chart is built once per data rather than updated in place on every
 * render of the page (a period click re-renders the KPIs first).
 */
const Charts = memo(function Charts({ data, show }: { data: DashboardData; show: Show }) {
  const { t, fmt, months, percent, tierName, segmentName, rate, open, openTier, openSegment } = useHelpers(data, show);
  const monthTargets = (m: DashboardMonth) => ({
    bought: boughtInTarget(m.month),
    fresh: newCustomersTarget({ from: m.month, to: m.month }),
    returning: returningTarget(m.month),
    churned: churnedTarget(m.month),
  });
  const footer = (target: DashboardTarget, month: string): string[] => wrapLines(t('dashboard.clickTo', { name: targetName(t, target, months.long(month)) }));
  const at = (items: readonly ActiveElement[]): ActiveElement | null => items[0] ?? null;
  const labels = data.months.map((m) => months.short(m.month));
  const { settings } = useSettings();
  const axisMoney = wholeMoney(fmt.locale, settings?.currency ?? 'EUR');
  const moneyTick = (v: number | string) => axisMoney(Number(v));
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <ChartCard title={t('dashboard.revenueChart')} hint={t('dashboard.revenueHint')} testId="dashboard-revenue">
        <div style={{ height: CHART_HEIGHT }}>
          <Bar
            role="img"
            aria-label={t('dashboard.revenueChart')}
            data={{
              labels,
              datasets: [
                {
                  label: t('dashboard.series.current'),
                  data: data.months.map((m) => (m.future ? null : m.revenueCents / 100)),
                  backgroundColor: data.months.map((m) => (m.inPeriod ? COLORS.current : COLORS.currentOut)),
                },
                { label: t('dashboard.series.previous'), data: data.months.map((m) => m.previousRevenueCents / 100), backgroundColor: COLORS.previous },
              ],
            }}
            options={{
              locale: fmt.locale,
              maintainAspectRatio: false,
              animation: false,
              scales: { y: { ticks: { callback: moneyTick } } },
              onClick: (_e, items) => {
                const hit = at(items);
                const m = hit === null ? undefined : data.months[hit.index];
                if (hit === null || m === undefined) return;
                const month = hit.datasetIndex === 0 ? m.month : monthShift(m.month, -12);
                open(boughtInTarget(month), month);
              },
              plugins: {
                tooltip: {
                  callbacks: {
                    label: (item: TooltipItem<'bar'>) => t('dashboard.tooltipValue', { label: item.dataset.label ?? '', value: fmt.money(Math.round(Number(item.raw) * 100)) }),
                    footer: (items: TooltipItem<'bar'>[]) => {
                      const item = items[0];
                      const m = item === undefined ? undefined : data.months[item.dataIndex];
                      if (item === undefined || m === undefined) return [];
                      const month = item.datasetIndex === 0 ? m.month : monthShift(m.month, -12);
                      return footer(boughtInTarget(month), month);
                    },
                  },
                },
              },
            }}
          />
        </div>
        <DataTable label={t('dashboard.revenueChart')} head={[t('dashboard.column.month'), t('dashboard.column.revenue'), t('dashboard.column.previous')]}>
          {data.months
            .filter((m) => !m.future)
            .map((m) => {
              const target = monthTargets(m).bought;
              return (
                <Table.Tr key={m.month}>
                  <Table.Td>
                    <CellButton label={months.long(m.month)} name={targetName(t, target, months.long(m.month))} onClick={() => open(target, m.month)} />
                  </Table.Td>
                  <Table.Td ta="right">{fmt.money(m.revenueCents)}</Table.Td>
                  <Table.Td ta="right">{fmt.money(m.previousRevenueCents)}</Table.Td>
                </Table.Tr>
              );
            })}
        </DataTable>
      </ChartCard>

      <ChartCard title={t('dashboard.customersChart')} hint={t('dashboard.customersHint')} testId="dashboard-customers">
        <div style={{ height: CHART_HEIGHT }}>
          <Bar
            role="img"
            aria-label={t('dashboard.customersChart')}
            data={{
              labels,
              datasets: [
                { label: t('dashboard.series.new'), data: data.months.map((m) => (m.future ? null : m.new)), backgroundColor: COLORS.new },
                { label: t('dashboard.series.returning'), data: data.months.map((m) => (m.future ? null : m.returning)), backgroundColor: COLORS.returning },
              ],
            }}
            options={{
              locale: fmt.locale,
              maintainAspectRatio: false,
              animation: false,
              scales: { x: { stacked: true }, y: { stacked: true, ticks: { precision: 0 } } },
              onClick: (_e, items) => {
                const hit = at(items);
                const m = hit === null ? undefined : data.months[hit.index];
                if (hit === null || m === undefined) return;
                const targets = monthTargets(m);
                open(hit.datasetIndex === 0 ? targets.fresh : targets.returning, m.month);
              },
              plugins: {
                tooltip: {
                  callbacks: {
                    footer: (items: TooltipItem<'bar'>[]) => {
                      const item = items[0];
                      const m = item === undefined ? undefined : data.months[item.dataIndex];
                      if (item === undefined || m === undefined) return [];
                      const targets = monthTargets(m);
                      return footer(item.datasetIndex === 0 ? targets.fresh : targets.returning, m.month);
                    },
                  },
                },
              },
            }}
          />
        </div>
        <DataTable
          label={t('dashboard.customersChart')}
          head={[t('dashboard.column.month'), t('dashboard.column.new'), t('dashboard.column.returning'), t('dashboard.column.active')]}
        >
          {data.months
            .filter((m) => !m.future)
            .map((m) => {
              const targets = monthTargets(m);
              const long = months.long(m.month);
              return (
                <Table.Tr key={m.month}>
                  <Table.Td>{long}</Table.Td>
                  <Table.Td ta="right">
                    <CellButton label={fmt.number(m.new)} name={targetName(t, targets.fresh, long)} onClick={() => open(targets.fresh, m.month)} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <CellButton label={fmt.number(m.returning)} name={targetName(t, targets.returning, long)} onClick={() => open(targets.returning, m.month)} />
                  </Table.Td>
                  <Table.Td ta="right">{fmt.number(m.active)}</Table.Td>
                </Table.Tr>
              );
            })}
        </DataTable>
      </ChartCard>

      <ChartCard title={t('dashboard.churnChart')} hint={t('dashboard.churnHint')} testId="dashboard-churn">
        <div style={{ height: CHART_HEIGHT }}>
          <Line
            role="img"
            aria-label={t('dashboard.churnChart')}
            data={{
              labels,
              datasets: [
                {
                  label: t('dashboard.series.churn'),
                  data: data.months.map((m) => (m.future || m.churnRate === null ? null : m.churnRate * 100)),
                  borderColor: COLORS.churn,
                  backgroundColor: COLORS.churn,
                  pointRadius: 4,
                  pointHoverRadius: 6,
                },
              ],
            }}
            options={{
              locale: fmt.locale,
              maintainAspectRatio: false,
              animation: false,
              scales: { y: { min: 0, ticks: { callback: (v) => percent.format(Number(v) / 100) } } },
              onClick: (_e, items) => {
                const hit = at(items);
                const m = hit === null ? undefined : data.months[hit.index];
                if (m !== undefined) open(monthTargets(m).churned, m.month);
              },
              plugins: {
                legend: { display: false },
                tooltip: {
                  callbacks: {
                    label: (item: TooltipItem<'line'>) => {
                      const m = data.months[item.dataIndex];
                      return m === undefined ? '' : `${rate(m.churnRate)} (${fmt.number(m.churned)})`;
                    },
                    footer: (items: TooltipItem<'line'>[]) => {
                      const item = items[0];
                      const m = item === undefined ? undefined : data.months[item.dataIndex];
                      return m === undefined ? [] : footer(monthTargets(m).churned, m.month);
                    },
                  },
                },
              },
            }}
          />
        </div>
        <DataTable label={t('dashboard.churnChart')} head={[t('dashboard.column.month'), t('dashboard.column.churned'), t('dashboard.column.rate')]}>
          {data.months
            .filter((m) => !m.future)
            .map((m) => {
              const target = monthTargets(m).churned;
              const long = months.long(m.month);
              return (
                <Table.Tr key={m.month}>
                  <Table.Td>{long}</Table.Td>
                  <Table.Td ta="right">
                    <CellButton label={fmt.number(m.churned)} name={targetName(t, target, long)} onClick={() => open(target, m.month)} />
                  </Table.Td>
                  <Table.Td ta="right">{rate(m.churnRate)}</Table.Td>
                </Table.Tr>
              );
            })}
        </DataTable>
      </ChartCard>

      <ChartCard title={t('dashboard.tiersChart')} hint={t('dashboard.tiersHint')} testId="dashboard-tiers">
        <div style={{ height: CHART_HEIGHT }}>
          <Doughnut
            role="img"
            aria-label={t('dashboard.tiersChart')}
            data={{
              labels: data.pareto.tiers.map((x) => tierName(x.tier)),
              datasets: [
                {
                  label: t('dashboard.series.customers'),
                  data: data.pareto.tiers.map((x) => x.customers),
                  backgroundColor: data.pareto.tiers.map((x) => COLORS.tiers[x.tier]),
                },
              ],
            }}
            options={{
              locale: fmt.locale,
              maintainAspectRatio: false,
              animation: false,
              onClick: (_e, items) => {
                const hit = at(items);
                const tier = hit === null ? undefined : data.pareto.tiers[hit.index];
                if (tier !== undefined) openTier(tier.tier);
              },
              plugins: {
                legend: { position: 'right' },
                tooltip: {
                  callbacks: {
                    label: (item: TooltipItem<'doughnut'>) => {
                      const tier = data.pareto.tiers[item.dataIndex];
                      return tier === undefined ? '' : `${fmt.number(tier.customers)} · ${percent.format(tier.share)}`;
                    },
                    footer: (items: TooltipItem<'doughnut'>[]) => {
                      const tier = data.pareto.tiers[items[0]?.dataIndex ?? -1];
                      return tier === undefined ? [] : [t('dashboard.clickTo', { name: t('dashboard.target.tier', { tier: tierName(tier.tier) }) })];
                    },
                  },
                },
              },
            }}
          />
        </div>
        <DataTable label={t('dashboard.tiersChart')} head={[t('dashboard.column.tier'), t('dashboard.column.customers'), t('dashboard.column.share')]}>
          {data.pareto.tiers.map((x) => (
            <Table.Tr key={x.tier}>
              <Table.Td>
                <CellButton
                  label={tierName(x.tier)}
                  name={t('dashboard.target.tier', { tier: tierName(x.tier) })}
                  onClick={() => openTier(x.tier)}
                  testId={`dashboard-tier-${x.tier}`}
                />
              </Table.Td>
              <Table.Td ta="right">{fmt.number(x.customers)}</Table.Td>
              <Table.Td ta="right">{percent.format(x.share)}</Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </ChartCard>

      <ChartCard title={t('dashboard.segmentsChart')} hint={t('dashboard.segmentsHint')} testId="dashboard-segments">
        <div style={{ height: CHART_HEIGHT + 60 }}>
          <Bar
            role="img"
            aria-label={t('dashboard.segmentsChart')}
            data={{
              labels: data.rfm.segments.map((s) => segmentName(s.key)),
              datasets: [{ label: t('dashboard.series.customers'), data: data.rfm.segments.map((s) => s.customers), backgroundColor: COLORS.segments }],
            }}
            options={{
              locale: fmt.locale,
              indexAxis: 'y',
              maintainAspectRatio: false,
              animation: false,
              scales: { x: { ticks: { precision: 0 } } },
              onClick: (_e, items) => {
                const hit = at(items);
                const s = hit === null ? undefined : data.rfm.segments[hit.index];
                if (s !== undefined) openSegment(s.key);
              },
              plugins: {
                legend: { display: false },
                tooltip: {
                  callbacks: {
                    footer: (items: TooltipItem<'bar'>[]) => {
                      const s = data.rfm.segments[items[0]?.dataIndex ?? -1];
                      return s === undefined ? [] : [t('dashboard.clickTo', { name: t('dashboard.target.segment', { segment: segmentName(s.key) }) })];
                    },
                  },
                },
              },
            }}
          />
        </div>
        <DataTable label={t('dashboard.segmentsChart')} head={[t('dashboard.column.segment'), t('dashboard.column.customers'), t('dashboard.column.revenue')]}>
          {data.rfm.segments.map((s) => (
            <Table.Tr key={s.key}>
              <Table.Td>
                <CellButton
                  label={segmentName(s.key)}
                  name={t('dashboard.target.segment', { segment: segmentName(s.key) })}
                  onClick={() => openSegment(s.key)}
                  testId={`dashboard-segment-${s.key}`}
                />
              </Table.Td>
              <Table.Td ta="right">{fmt.number(s.customers)}</Table.Td>
              <Table.Td ta="right">{fmt.money(s.revenueCents)}</Table.Td>
            </Table.Tr>
          ))}
        </DataTable>
      </ChartCard>
    </SimpleGrid>
  );
});

const DashboardView = ({
  data,
  version,
  period,
  onPeriod,
  show,
}: {
  data: DashboardData;
  version: number;
  period: DashboardPeriod;
  onPeriod: (p: DashboardPeriod) => void;
  show: Show;
}) => {
  const { t, fmt, months, percent, rate, openTier, openAtRisk, openNew } = useHelpers(data, show);
  const cur = data.figures.current;
  const prev = data.figures.previous;
  const previousText = (value: string, had: boolean) => (had ? t('dashboard.kpi.previous', { value }) : t('dashboard.kpi.noPrevious'));
  const oneDecimal = new Intl.NumberFormat(fmt.locale, { maximumFractionDigits: 1 });
  const many = period !== 'month';
  const gold = data.pareto.tiers.find((x) => x.tier === 'gold');

  const span =
    data.current.from === data.current.to
      ? t('dashboard.spanOne', { month: months.long(data.current.from), previous: months.long(data.previous.from) })
      : t('dashboard.span', {
          from: months.long(data.current.from),
          to: months.long(data.current.to),
          previousFrom: months.long(data.previous.from),
          previousTo: months.long(data.previous.to),
        });

  return (
    <Stack data-testid="dashboard" gap="md">
      <Group justify="space-between" align="flex-end">
        <Stack gap={2}>
          <Title order={3}>{t('dashboard.title')}</Title>
          <Text size="sm" c="dimmed" data-testid="dashboard-span">
            {span}
          </Text>
        </Stack>
        <SegmentedControl
          aria-label={t('dashboard.period.label')}
          value={period}
          onChange={(v) => onPeriod(dashboardPeriods.find((p) => p === v) ?? '12months')}
          data={dashboardPeriods.map((p) => ({ value: p, label: t(`dashboard.period.${p}`) }))}
          data-testid="dashboard-period"
        />
      </Group>
      {data.current.to === data.currentMonth && (
        <Text size="xs" c="dimmed">
          {t('dashboard.toDate')}
        </Text>
      )}

      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Kpi
          testId="kpi-revenue"
          label={t('dashboard.kpi.revenue')}
          value={fmt.money(cur.revenueCents)}
          change={relativeChange(fmt.locale, cur.revenueCents, prev.revenueCents)}
          detail={previousText(fmt.money(prev.revenueCents), prev.sales + prev.refunds > 0)}
        />
        <Kpi
          testId="kpi-basket"
          label={t('dashboard.kpi.basket')}
          value={cur.averageBasketCents === null ? '—' : fmt.money(cur.averageBasketCents)}
          change={cur.averageBasketCents === null || prev.averageBasketCents === null ? null : relativeChange(fmt.locale, cur.averageBasketCents, prev.averageBasketCents)}
          detail={previousText(prev.averageBasketCents === null ? '—' : fmt.money(prev.averageBasketCents), prev.averageBasketCents !== null)}
        />
        <Kpi
          testId="kpi-new"
          label={t('dashboard.kpi.newCustomers')}
          value={fmt.number(cur.newCustomers)}
          change={relativeChange(fmt.locale, cur.newCustomers, prev.newCustomers)}
          detail={previousText(fmt.number(prev.newCustomers), prev.newCustomers > 0)}
          onClick={openNew}
        />
        <Kpi
          testId="kpi-active"
          label={t(many ? 'dashboard.kpi.activePerMonth' : 'dashboard.kpi.active')}
          value={oneDecimal.format(cur.activePerMonth)}
          change={relativeChange(fmt.locale, cur.activePerMonth, prev.activePerMonth)}
          detail={previousText(oneDecimal.format(prev.activePerMonth), prev.activePerMonth > 0)}
        />
        <Kpi
          testId="kpi-returning"
          label={t(many ? 'dashboard.kpi.returningPerMonth' : 'dashboard.kpi.returning')}
          value={oneDecimal.format(cur.returningPerMonth)}
          change={relativeChange(fmt.locale, cur.returningPerMonth, prev.returningPerMonth)}
          detail={previousText(oneDecimal.format(prev.returningPerMonth), prev.returningPerMonth > 0)}
        />
        <Kpi
          testId="kpi-churn"
          label={t(many ? 'dashboard.kpi.churnMonthly' : 'dashboard.kpi.churn')}
          value={rate(cur.churnRate)}
          change={pointsChange(t, fmt.locale, cur.churnRate, prev.churnRate, true)}
          detail={previousText(rate(prev.churnRate), prev.churnRate !== null)}
        />
        <Kpi
          testId="kpi-top-share"
          label={t('dashboard.kpi.topShare')}
          value={percent.format(data.pareto.topShare)}
          change={null}
          detail={t('dashboard.kpi.topShareDetail')}
          onClick={gold === undefined || gold.customers === 0 ? undefined : () => openTier('gold')}
        />
        <Kpi
          testId="kpi-at-risk"
          label={t('dashboard.kpi.atRisk')}
          value={fmt.money(data.atRisk.valueCents)}
          change={null}
          detail={t('dashboard.kpi.atRiskDetail', { count: data.atRisk.customers, n: fmt.number(data.atRisk.customers) })}
          onClick={data.atRisk.customers === 0 ? undefined : openAtRisk}
        />
      </SimpleGrid>

      <Charts key={version} data={data} show={show} />
      <Text size="xs" c="dimmed" data-testid="dashboard-window">
        {data.thresholdsAt === null
          ? t('dashboard.noThresholds')
          : data.window === null
            ? null
            : data.window.end === null
              ? t('dashboard.windowNote', { from: fmt.date(data.window.start) })
              : t('dashboard.windowNoteClosed', { from: fmt.date(data.window.start), to: fmt.date(lastDayBefore(data.window.end)) })}
      </Text>
    </Stack>
  );
};

const monthShift = (month: string, n: number): string => {
  const d = new Date(`${month}-01T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};
