import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconUserMinus, IconUserCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { CustomerOutlook as Outlook, Offer } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorMessage } from '../../app/errors';
import { useFormatters, type Formatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { reasonText } from './labels';
import { MarkLostDialog } from './MarkLostDialog';

const RETENTION_CAP = 0.95;

export const OfferList = ({ offers, testId }: { offers: readonly Offer[]; testId: string }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const percent = new Intl.NumberFormat(fmt.locale, { style: 'percent', maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(fmt.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return (
    <Stack gap={4}>
      <List spacing={4} size="sm" data-testid={testId}>
        {offers.map((o) => (
          <List.Item key={o.productId} data-product-id={o.productId}>
            <Text span fw={600}>
              {o.name}
            </Text>
            {o.category !== null && (
              <Text span size="xs" c="dimmed">
                {' '}
                · {o.category}
              </Text>
            )}
            <Text span size="xs" c="dimmed">
              {' '}
              — {t('attrition.affinity.count', { n: fmt.number(o.count), share: percent.format(o.share) })}
              {o.lift !== null && ` · ${t('attrition.outlook.lift', { lift: decimal.format(o.lift) })}`}
            </Text>
          </List.Item>
        ))}
      </List>
      <Text size="xs" c="dimmed">
        {t('attrition.outlook.liftHelp')}
      </Text>
    </Stack>
  );
};

const Figure = ({ label, value, help, testId }: { label: string; value: string; help: string; testId: string }) => (
  <Stack gap={2}>
    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
      {label}
    </Text>
    <Text size="xl" fw={700} data-testid={testId}>
      {value}
    </Text>
    <Text size="xs" c="dimmed">
      {help}
    </Text>
  </Stack>
);

const formula = (t: ReturnType<typeof useTranslation>['t'], fmt: Formatters, v: Outlook['value']) => {
  const decimal = new Intl.NumberFormat(fmt.locale, { maximumFractionDigits: 2 });
  // the plural follows the number as printed: 0.999 prints as "1", which is "1 year", not "1 years"
  // (printed in English without grouping only to be read back as a number)
  const printed = new Intl.NumberFormat('en', { maximumFractionDigits: 2, useGrouping: false });
  const shown = (x: number): number => Number(printed.format(x));
  const percent = new Intl.NumberFormat(fmt.locale, { style: 'percent', maximumFractionDigits: 1 });
  return {
    line: t('attrition.outlook.formula', {
      count: shown(v.lifetimeYears),
      basket: fmt.money(v.averageBasketCents),
      rate: t('attrition.outlook.perYear', { count: shown(v.purchasesPerYear), n: decimal.format(v.purchasesPerYear) }),
      years: decimal.format(v.lifetimeYears),
      value: fmt.money(v.predictedCents),
    }),
    rate: t('attrition.outlook.rateHelp', {
      count: v.purchases,
      purchases: fmt.number(v.purchases),
      span: t('attrition.outlook.years', { count: shown(v.spanYears), n: decimal.format(v.spanYears) }),
    }),
    lifetime:
      v.retention.previous === 0
        ? t('attrition.outlook.noRetention')
        : t('attrition.outlook.lifetimeHelp', {
            // plural rules take fractions: « 1,5 an » in French, "1.5 years" in English
            count: v.retention.windowMonths / 12,
            window: decimal.format(v.retention.windowMonths / 12),
            retention: percent.format(v.retention.rate),
            // a count of its own: the customers who bought again, not the years, make « client » and « a racheté » agree
            rebought: t('attrition.outlook.rebought', {
              count: v.retention.retained,
              n: fmt.number(v.retention.retained),
              previous: fmt.number(v.retention.previous),
            }),
          }),
    capped: v.retention.capped ? t('attrition.outlook.capped', { cap: percent.format(RETENTION_CAP) }) : null,
  };
};

/**
 * The contact page's view of a customer's worth and loyalty: lifetime value
 * with its formula, at-risk reasons, the loss mark, and what to offer next.
 */
export const CustomerOutlook = ({
  contactId,
  revision,
  onChanged,
}: {
  contactId: number;
  /** The contact as the page last read it: a new one (a refund, a deleted sale) means the figures moved too. */
  revision?: unknown;
  onChanged?: () => void;
}) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [data, setData] = useState<Outlook | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [marking, setMarking] = useState(false);
  const [unmarking, setUnmarking] = useState(false);

  const load = useCallback(() => {
    api.call('analytics.contact.value', { contactId }).then(setData, setError);
  }, [api, contactId]);
  useEffect(load, [load, revision]);

  const changed = () => {
    load();
    onChanged?.();
  };

  if (error !== null) return <Alert color="red">{errorMessage(t, error)}</Alert>;
  // a prospect who never bought has no value to explain yet
  if (data === null || (data.value.purchases === 0 && data.loss === null)) return null;
  const f = formula(t, fmt, data.value);
  const loss = data.loss;
  const lost = loss !== null && loss.wonBackAt === null;
  return (
    <Paper withBorder p="md" data-testid="customer-outlook">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{t('attrition.outlook.title')}</Title>
        {loss === null || loss.wonBackAt !== null ? (
          <Button size="xs" variant="light" color="orange" leftSection={<IconUserMinus size={14} />} onClick={() => setMarking(true)} data-testid="mark-lost">
            {t('attrition.outlook.mark')}
          </Button>
        ) : (
          <Button size="xs" variant="light" leftSection={<IconUserCheck size={14} />} onClick={() => setUnmarking(true)} data-testid="unmark-lost">
            {t('attrition.outlook.unmark')}
          </Button>
        )}
      </Group>
      <Stack gap="md">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Figure label={t('attrition.outlook.historical')} value={fmt.money(data.value.historicalCents)} help={t('attrition.outlook.historicalHelp')} testId="clv-historical" />
          <Figure label={t('attrition.outlook.predicted')} value={fmt.money(data.value.predictedCents)} help={t('attrition.outlook.formulaTerms')} testId="clv-predicted" />
        </SimpleGrid>
        <Stack gap={2} data-testid="clv-formula">
          <Text size="sm" ff="monospace">
            {f.line}
          </Text>
          <Text size="xs" c="dimmed">
            {f.rate}
          </Text>
          <Text size="xs" c="dimmed">
            {f.lifetime}
          </Text>
          {f.capped !== null && (
            <Text size="xs" c="dimmed">
              {f.capped}
            </Text>
          )}
          {lost && (
            <Text size="xs" c="orange">
              {t('attrition.outlook.lostValue')}
            </Text>
          )}
        </Stack>
        {loss !== null && (
          <Group gap="xs" data-testid="loss-mark">
            <Badge color={loss.wonBackAt === null ? 'orange' : 'teal'} variant="light" tt="none">
              {loss.wonBackAt === null
                ? t('attrition.outlook.lost', { kind: t(`attrition.kind.${loss.attrition}`), date: fmt.date(loss.markedAt) })
                : t('attrition.outlook.wonBack', { date: fmt.date(loss.wonBackAt), marked: fmt.date(loss.markedAt) })}
            </Badge>
            {loss.note !== null && (
              <Text size="xs" c="dimmed">
                {t('attrition.outlook.noteQuoted', { note: loss.note })}
              </Text>
            )}
          </Group>
        )}
        {/* a customer marked lost is past the risk: the mark says it */}
        {!lost && (
          <Stack gap={2} data-testid="risk">
            {data.risk.atRisk ? (
              <>
                <Badge color="red" variant="light" tt="none">
                  {t('attrition.outlook.atRisk')}
                </Badge>
                {data.risk.reasons.map((r) => (
                  <Text key={r.kind} size="sm">
                    {reasonText(t, fmt, r)}
                  </Text>
                ))}
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {t('attrition.outlook.notAtRisk')}
              </Text>
            )}
          </Stack>
        )}
        <Stack gap={4}>
          <Text fw={600}>{t('attrition.outlook.offers')}</Text>
          {data.offers.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('attrition.outlook.offersNone')}
            </Text>
          ) : (
            <>
              <Text size="xs" c="dimmed">
                {t('attrition.outlook.offersHelp', { count: data.similarCustomers, n: fmt.number(data.similarCustomers) })}
              </Text>
              <OfferList offers={data.offers} testId="next-offers" />
            </>
          )}
        </Stack>
      </Stack>
      <MarkLostDialog contactId={contactId} opened={marking} onClose={() => setMarking(false)} onDone={changed} />
      <ConfirmDialog
        opened={unmarking}
        title={t('attrition.mark.unmarkTitle')}
        confirmLabel={t('attrition.outlook.unmark')}
        testId="unmark-lost-dialog"
        onConfirm={async () => {
          await api.call('analytics.lost.unmark', { contactId });
          notifySuccess(t('attrition.mark.undone'));
          changed();
        }}
        onClose={() => setUnmarking(false)}
      >
        <Text size="sm">{t('attrition.mark.unmarkText')}</Text>
      </ConfirmDialog>
    </Paper>
  );
};
