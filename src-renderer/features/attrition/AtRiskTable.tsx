import { useCallback, useState } from 'react';
import { Alert, Button, Group, Paper, SegmentedControl, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AtRiskSort, SegmentDefinition } from '@contract';
import { atRiskSorts, SEGMENT_VERSION } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { navigate } from '../../app/router';
import { useKeysetPages } from '../../app/use-pages';
import { plainName } from '../contacts/names';
import { reasonText } from './labels';

const PAGE = 50;

/** Customers at risk with their reasons and value at stake; a row opens the contact. */
export const AtRiskTable = ({ onShowCustomers }: { onShowCustomers(name: string, definition: SegmentDefinition): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [sort, setSort] = useState<AtRiskSort>('value');
  const fetch = useCallback((cursor: string | null) => api.call('analytics.atRisk', { sort, cursor, limit: PAGE }), [api, sort]);
  const { page, error, loading, more } = useKeysetPages(fetch);
  const rows = page?.rows ?? [];
  const summary = page?.summary ?? null;

  return (
    <Paper withBorder p="md" data-testid="at-risk">
      <Group justify="space-between" mb="xs" align="flex-start">
        <Stack gap={0}>
          <Title order={4}>{t('attrition.atRisk.title')}</Title>
          {summary !== null && (
            <Tooltip label={t('attrition.atRisk.valueHelp')} multiline w={320}>
              <Text size="sm" fw={600} data-testid="at-risk-summary" data-customers={summary.customers}>
                {t('attrition.atRisk.summary', { count: summary.customers, n: fmt.number(summary.customers), value: fmt.money(summary.valueCents) })}
              </Text>
            </Tooltip>
          )}
        </Stack>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            value={sort}
            onChange={(v) => setSort(atRiskSorts.find((s) => s === v) ?? 'value')}
            data={[
              { value: 'value', label: t('attrition.atRisk.sortValue') },
              { value: 'overdue', label: t('attrition.atRisk.sortOverdue') },
            ]}
            data-testid="at-risk-sort"
          />
          <Button
            size="xs"
            variant="light"
            disabled={summary === null || summary.customers === 0}
            onClick={() => onShowCustomers(t('attrition.atRisk.title'), { version: SEGMENT_VERSION, root: { field: 'atRisk' } })}
            data-testid="at-risk-show"
          >
            {t('attrition.atRisk.showAll')}
          </Button>
        </Group>
      </Group>
      {error !== null && <Alert color="red">{errorMessage(t, error)}</Alert>}
      {summary !== null && rows.length === 0 && !loading && <Text c="dimmed">{t('attrition.atRisk.none')}</Text>}
      {rows.length > 0 && (
        <Table highlightOnHover striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('attrition.atRisk.customer')}</Table.Th>
              <Table.Th>{t('attrition.atRisk.reasons')}</Table.Th>
              <Table.Th>{t('attrition.atRisk.lastPurchase')}</Table.Th>
              <Table.Th ta="right">{t('attrition.atRisk.value')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr
                key={r.contactId}
                style={{ cursor: 'pointer' }}
                onClick={() => navigate({ name: 'contact', id: r.contactId })}
                data-testid="at-risk-row"
                data-contact-id={r.contactId}
              >
                <Table.Td>{plainName(t, r)}</Table.Td>
                <Table.Td>
                  {r.reasons.map((reason) => (
                    <Text key={reason.kind} size="xs">
                      {reasonText(t, fmt, reason)}
                    </Text>
                  ))}
                </Table.Td>
                <Table.Td>{r.lastPurchaseAt === null ? '—' : fmt.date(r.lastPurchaseAt)}</Table.Td>
                <Table.Td ta="right">{fmt.money(r.valueCents)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {page?.nextCursor != null && (
        <Group justify="center" mt="sm">
          <Button variant="subtle" size="xs" loading={loading} onClick={more} data-testid="at-risk-more">
            {t('attrition.atRisk.more')}
          </Button>
        </Group>
      )}
    </Paper>
  );
};
