import { Badge, Box, Center, Paper, ScrollArea, SimpleGrid, Stack, Table, Text, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { lastDayBefore, type Api, type RfmCell, type RfmOverview, type RfmScoreRange, type RfmStrategy } from '@contract';
import { useFormatters, type Formatters } from '../../app/format';
import { useSettings } from '../../app/settings';
import { cellDefinition, segmentDefinition, type ShowCustomers } from './definitions';
import { ThresholdsBar } from './ThresholdsBar';
import { Waiting } from './Waiting';
import { useAnalysis } from './use-analysis';

const loadRfm = (api: Api) => api.call('analytics.rfm', {});

export const strategyColor: Record<RfmStrategy, string> = {
  conquest: 'blue',
  loyalty: 'green',
  reconquest: 'orange',
  rationalisation: 'gray',
  abandonment: 'red',
};

const percent = (fmt: Formatters, share: number): string =>
  new Intl.NumberFormat(fmt.locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);

/** "> a and ≤ b" with the dimension's own formatting. */
const rangeText = <T,>(t: ReturnType<typeof useTranslation>['t'], range: RfmScoreRange<T>, show: (v: T) => string): string => {
  if (range.empty) return t('rfm.rangeEmpty');
  if (range.above === null && range.upTo === null) return t('rfm.rangeAll');
  if (range.above === null) return t('rfm.rangeBelow', { upTo: show(range.upTo as T) });
  if (range.upTo === null) return t('rfm.rangeAbove', { above: show(range.above) });
  return t('rfm.rangeBetween', { above: show(range.above), upTo: show(range.upTo) });
};

/** Sales counts are whole: score "> 2 and ≤ 4" reads "3 to 4 purchases". */
const salesRangeText = (t: ReturnType<typeof useTranslation>['t'], fmt: Formatters, range: RfmScoreRange<number>): string => {
  if (range.empty) return t('rfm.rangeEmpty');
  const lo = (range.above ?? 0) + 1;
  if (range.upTo === null) return t('rfm.salesAtLeast', { count: lo, lo: fmt.number(lo) });
  if (range.upTo === lo) return t('rfm.sales', { count: lo, n: fmt.number(lo) });
  return t('rfm.salesRange', { count: range.upTo, lo: fmt.number(lo), hi: fmt.number(range.upTo) });
};

const ThresholdTable = ({ data }: { data: RfmOverview }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  return (
    <Table withTableBorder striped fz="xs" data-testid="rfm-thresholds">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('rfm.score')}</Table.Th>
          <Table.Th>{t('rfm.dimension.r')}</Table.Th>
          <Table.Th>{t('rfm.dimension.f')}</Table.Th>
          <Table.Th>{t('rfm.dimension.m')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[5, 4, 3, 2, 1].map((score) => {
          const r = data.thresholds.r[score - 1];
          const f = data.thresholds.f[score - 1];
          const m = data.thresholds.m[score - 1];
          return (
            <Table.Tr key={score}>
              <Table.Td fw={600}>{score}</Table.Td>
              <Table.Td>{r === undefined ? '' : rangeText(t, r, (v) => fmt.date(v))}</Table.Td>
              <Table.Td>{f === undefined ? '' : salesRangeText(t, fmt, f)}</Table.Td>
              <Table.Td>{m === undefined ? '' : rangeText(t, m, (v) => fmt.money(v))}</Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
};

const Cell = ({ cell, max, onShow }: { cell: RfmCell; max: number; onShow: ShowCustomers | undefined }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { settings } = useSettings();
  // whole euros in the cell (the exact amount is in its tooltip): a cell is narrow
  const euros = new Intl.NumberFormat(fmt.locale, { style: 'currency', currency: settings?.currency ?? 'EUR', maximumFractionDigits: 0 });
  const intensity = max === 0 ? 0 : cell.customers / max;
  const title = t('rfm.cellTitle', { r: cell.r, f: cell.f });
  const detail = t('rfm.cellDetail', {
    count: cell.customers,
    customers: fmt.number(cell.customers),
    revenue: fmt.money(cell.revenueCents),
    avg: cell.avgMonetaryCents === null ? '—' : fmt.money(cell.avgMonetaryCents),
  });
  const body = (
    <Box
      p={6}
      h={64}
      style={{
        borderRadius: 4,
        background: `rgba(34, 139, 230, ${(0.06 + 0.74 * intensity).toFixed(3)})`,
        color: intensity > 0.55 ? 'white' : undefined,
      }}
    >
      <Text size="sm" fw={700} lh={1.2}>
        {fmt.number(cell.customers)}
      </Text>
      <Text size="xs" lh={1.2} style={{ opacity: 0.85 }}>
        {euros.format(Math.round(cell.revenueCents / 100))}
      </Text>
    </Box>
  );
  return (
    <Tooltip label={`${title} · ${detail}`} withArrow>
      {onShow === undefined || cell.customers === 0 ? (
        <Box data-testid={`rfm-cell-${cell.r}-${cell.f}`}>{body}</Box>
      ) : (
        <UnstyledButton onClick={() => onShow(title, cellDefinition(cell.r, cell.f))} aria-label={`${title} · ${detail}`} data-testid={`rfm-cell-${cell.r}-${cell.f}`}>
          {body}
        </UnstyledButton>
      )}
    </Tooltip>
  );
};

const Grid = ({ data, onShow }: { data: RfmOverview; onShow: ShowCustomers | undefined }) => {
  const { t } = useTranslation();
  const max = Math.max(0, ...data.grid.map((c) => c.customers));
  return (
    <Paper withBorder p="md">
      <Title order={4}>{t('rfm.grid')}</Title>
      <Text size="xs" c="dimmed" mb="sm">
        {t('rfm.gridHint')}
      </Text>
      <Box style={{ display: 'grid', gridTemplateColumns: '56px repeat(5, minmax(72px, 1fr))', gap: 4 }} data-testid="rfm-grid">
        {[5, 4, 3, 2, 1].map((r) => [
          <Center key={`r${r}`}>
            <Text size="xs" fw={600}>
              R{r}
            </Text>
          </Center>,
          ...[1, 2, 3, 4, 5].map((f) => {
            const cell = data.grid.find((c) => c.r === r && c.f === f) ?? { r, f, customers: 0, revenueCents: 0, avgMonetaryCents: null };
            return <Cell key={`${r}-${f}`} cell={cell} max={max} onShow={onShow} />;
          }),
        ])}
        <span />
        {[1, 2, 3, 4, 5].map((f) => (
          <Center key={`f${f}`}>
            <Text size="xs" fw={600}>
              F{f}
            </Text>
          </Center>
        ))}
      </Box>
      <Text size="xs" c="dimmed" mt={4}>
        {t('rfm.dimension.r')} ↑ · {t('rfm.dimension.f')} →
      </Text>
    </Paper>
  );
};

const SegmentTable = ({ data, onShow }: { data: RfmOverview; onShow: ShowCustomers | undefined }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="sm">
        {t('rfm.segments')}
      </Title>
      <ScrollArea>
        <Table highlightOnHover={onShow !== undefined} verticalSpacing={6} fz="sm" miw={820} data-testid="rfm-segments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('rfm.column.segment')}</Table.Th>
              <Table.Th ta="right">{t('rfm.column.customers')}</Table.Th>
              <Table.Th ta="right">{t('rfm.column.share')}</Table.Th>
              <Table.Th ta="right">{t('rfm.column.basket')}</Table.Th>
              <Table.Th>{t('rfm.column.strategy')}</Table.Th>
              <Table.Th>{t('rfm.column.action')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.segments.map((s) => {
              const name = t(`rfm.segment.${s.key}.name`);
              return (
                <Table.Tr
                  key={s.key}
                  style={onShow !== undefined && s.customers > 0 ? { cursor: 'pointer' } : undefined}
                  onClick={onShow !== undefined && s.customers > 0 ? () => onShow(name, segmentDefinition(s.key)) : undefined}
                  data-testid={`rfm-segment-${s.key}`}
                >
                  <Table.Td fw={600}>{name}</Table.Td>
                  <Table.Td ta="right">{fmt.number(s.customers)}</Table.Td>
                  <Table.Td ta="right">
                    <Tooltip label={fmt.money(s.revenueCents)}>
                      <span>{percent(fmt, s.revenueShare)}</span>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td ta="right">{s.avgBasketCents === null ? '—' : fmt.money(s.avgBasketCents)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={strategyColor[s.strategy]}>
                      {t(`rfm.strategy.${s.strategy}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{t(`rfm.segment.${s.key}.action`)}</Text>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </ScrollArea>
    </Paper>
  );
};

/** The RFM tab: thresholds and when they were computed, the R×F grid, the named segments with what to do about each. */
export const RfmPanel = ({ onShowCustomers }: { onShowCustomers?: ShowCustomers }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { data, error, reload } = useAnalysis(loadRfm);
  if (data === null) return <Waiting error={error} />;
  const w = data.window;
  return (
    <Stack gap="md" data-testid="rfm-panel">
      <ThresholdsBar thresholdsAt={data.thresholdsAt} scored={data.scoredCustomers} active={data.customers} onRecomputed={reload} />
      <Text size="sm">{t('rfm.intro')}</Text>
      {w !== null && (
        <Text size="sm" c="dimmed">
          {w.end === null ? t('rfm.windowOpen', { from: fmt.date(w.start) }) : t('rfm.window', { from: fmt.date(w.start), to: fmt.date(lastDayBefore(w.end)) })}
          {' · '}
          {t('rfm.summary', { count: data.customers, customers: fmt.number(data.customers), revenue: fmt.money(data.revenueCents) })}
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Grid data={data} onShow={onShowCustomers} />
        <Paper withBorder p="md">
          <Title order={4} mb="sm">
            {t('rfm.thresholds')}
          </Title>
          <ThresholdTable data={data} />
        </Paper>
      </SimpleGrid>
      <SegmentTable data={data} onShow={onShowCustomers} />
    </Stack>
  );
};
