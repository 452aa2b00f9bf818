import { useCallback } from 'react';
import { Alert, Badge, Button, Group, Paper, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { SEGMENT_VERSION, type SegmentDefinition } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { navigate } from '../../app/router';
import { useKeysetPages } from '../../app/use-pages';
import { plainName } from '../contacts/names';

const PAGE = 50;

/** Customers marked lost and not back yet, latest first, with how many were won back. */
export const WinbackList = ({ onShowCustomers }: { onShowCustomers(name: string, definition: SegmentDefinition): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const fetch = useCallback((cursor: string | null) => api.call('analytics.winback', { cursor, limit: PAGE }), [api]);
  const { page, error, loading, more } = useKeysetPages(fetch);
  const rows = page?.rows ?? [];
  const counts = page === null ? null : { lost: page.lost, wonBack: page.wonBack };

  return (
    <Paper withBorder p="md" data-testid="winback">
      <Group justify="space-between" mb="xs">
        <Group gap="sm">
          <Title order={4}>{t('attrition.winback.title')}</Title>
          {counts !== null && (
            <Text size="sm" c="dimmed" data-testid="winback-counts">
              {t('attrition.winback.counts', { lost: fmt.number(counts.lost), won: fmt.number(counts.wonBack) })}
            </Text>
          )}
        </Group>
        <Button
          size="xs"
          variant="light"
          disabled={counts === null || counts.lost === 0}
          onClick={() => onShowCustomers(t('attrition.winback.title'), { version: SEGMENT_VERSION, root: { field: 'markedLost' } })}
          data-testid="winback-show"
        >
          {t('attrition.winback.showAll')}
        </Button>
      </Group>
      {error !== null && <Alert color="red">{errorMessage(t, error)}</Alert>}
      {counts !== null && rows.length === 0 && <Text c="dimmed">{t('attrition.winback.none')}</Text>}
      {rows.length > 0 && (
        <Table highlightOnHover striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('attrition.winback.customer')}</Table.Th>
              <Table.Th>{t('attrition.winback.kind')}</Table.Th>
              <Table.Th>{t('attrition.winback.note')}</Table.Th>
              <Table.Th>{t('attrition.winback.markedAt')}</Table.Th>
              <Table.Th ta="right">{t('attrition.winback.value')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr
                key={r.contactId}
                style={{ cursor: 'pointer' }}
                onClick={() => navigate({ name: 'contact', id: r.contactId })}
                data-testid="winback-row"
              >
                <Table.Td>{plainName(t, r)}</Table.Td>
                <Table.Td>
                  <Badge variant="light" color="orange" tt="none">
                    {t(`attrition.kind.${r.attrition}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2}>
                    {r.note ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>{fmt.date(r.markedAt)}</Table.Td>
                <Table.Td ta="right">{fmt.money(r.valueCents)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {page?.nextCursor != null && (
        <Group justify="center" mt="sm">
          <Button variant="subtle" size="xs" loading={loading} onClick={more}>
            {t('attrition.atRisk.more')}
          </Button>
        </Group>
      )}
    </Paper>
  );
};
