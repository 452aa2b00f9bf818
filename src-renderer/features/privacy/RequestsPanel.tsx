import { useCallback, useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { MAX_EXTENSION_MONTHS, type PrivacyRequest, type PrivacyRequestStatus } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';
import { addMonthsTo, CloseRequestDialog, ExtendDialog, NewRequestDialog, subjectLabel } from './RequestDialogs';

type Filter = PrivacyRequestStatus | 'all';
const filters: readonly Filter[] = ['open', 'done', 'refused', 'all'];
const PAGE = 50;

type List = { rows: PrivacyRequest[]; total: number } | { error: unknown } | null;

const statusColor: Record<PrivacyRequestStatus, string> = { open: 'blue', done: 'teal', refused: 'gray' };

/** Whether another month can still be added (two at most in total). */
export const canExtend = (r: PrivacyRequest): boolean =>
  r.status === 'open' && (r.extendedTo === null || r.extendedTo !== addMonthsTo(r.receivedOn, 1 + MAX_EXTENSION_MONTHS));

/** The register of data-subject requests: the most urgent open one on top, deadlines and overdue ones flagged. */
export const RequestsPanel = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [filter, setFilter] = useState<Filter>('open');
  const [limit, setLimit] = useState(PAGE);
  const [list, setList] = useState<List>(null);
  const [creating, setCreating] = useState(false);
  const [extending, setExtending] = useState<PrivacyRequest | null>(null);
  const [closing, setClosing] = useState<PrivacyRequest | null>(null);

  const load = useCallback(
    () =>
      api.call('privacy.requests.list', { status: filter, limit }).then(
        (page) => setList(page),
        (error: unknown) => setList({ error }),
      ),
    [api, filter, limit],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && void load()), [api, load]);

  const reload = () => void load();

  return (
    <Stack data-testid="requests-panel">
      <Text size="sm" c="dimmed">
        {t('privacy.requests.intro')}
      </Text>
      <Group justify="space-between">
        <SegmentedControl
          value={filter}
          onChange={(v) => {
            setFilter(v as Filter);
            setLimit(PAGE);
          }}
          data={filters.map((f) => ({ value: f, label: t(`privacy.requests.filter.${f}`) }))}
          aria-label={t('privacy.requests.filter.label')}
          data-testid="requests-filter"
        />
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)} data-testid="requests-new">
          {t('privacy.requests.new')}
        </Button>
      </Group>
      {list === null ? (
        <Loader size="sm" aria-label={t('app.loading')} />
      ) : 'error' in list ? (
        <Alert color="red" title={t('privacy.requests.loadFailed')} data-testid="requests-error">
          {errorMessage(t, list.error)}
        </Alert>
      ) : list.rows.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="requests-none">
          {t('privacy.requests.none')}
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={760}>
            <Table striped data-testid="requests-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('privacy.requests.columns.kind')}</Table.Th>
                  <Table.Th>{t('privacy.requests.columns.subject')}</Table.Th>
                  <Table.Th>{t('privacy.requests.columns.received')}</Table.Th>
                  <Table.Th>{t('privacy.requests.columns.deadline')}</Table.Th>
                  <Table.Th>{t('privacy.requests.columns.status')}</Table.Th>
                  <Table.Th>{t('privacy.requests.columns.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.rows.map((r) => (
                  <Table.Tr key={r.id} data-testid="request-row" data-request-id={r.id} data-status={r.status}>
                    <Table.Td>{t(`privacy.requests.kind.${r.kind}`)}</Table.Td>
                    <Table.Td>
                      {r.contactId === null ? (
                        <Text size="sm" data-testid="request-subject">
                          {subjectLabel(t, r.subject)}
                        </Text>
                      ) : (
                        <Anchor href={routeHref({ name: 'contact', id: r.contactId })} size="sm" data-testid="request-subject">
                          {subjectLabel(t, r.subject)}
                        </Anchor>
                      )}
                    </Table.Td>
                    <Table.Td>{fmt.date(r.receivedOn)}</Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" data-testid="request-deadline">
                          {fmt.date(r.deadline)}
                        </Text>
                        {r.overdue && (
                          <Badge color="red" variant="filled" leftSection={<IconAlertTriangle size={12} />} data-testid="request-overdue">
                            {t('privacy.requests.overdue')}
                          </Badge>
                        )}
                      </Group>
                      {r.extendedTo !== null && (
                        <Text size="xs" c="dimmed" title={r.extensionReason ?? undefined}>
                          {t('privacy.requests.extendedUntil', { date: fmt.date(r.extendedTo) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={statusColor[r.status]} variant="light" data-testid="request-status">
                        {t(`privacy.requests.status.${r.status}`)}
                      </Badge>
                      {r.closedOn !== null && (
                        <Text size="xs" c="dimmed" title={r.outcome ?? undefined}>
                          {t('privacy.requests.closedOn', { date: fmt.date(r.closedOn) })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {r.status === 'open' && (
                        <Group gap="xs" wrap="nowrap">
                          {canExtend(r) && (
                            <Button size="xs" variant="light" onClick={() => setExtending(r)} data-testid="request-extend">
                              {t('privacy.requests.extend')}
                            </Button>
                          )}
                          <Button size="xs" variant="light" color="teal" onClick={() => setClosing(r)} data-testid="request-close">
                            {t('privacy.requests.close')}
                          </Button>
                        </Group>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between">
            <Text size="xs" c="dimmed" data-testid="requests-count">
              {t('privacy.requests.count', { count: list.total, n: fmt.number(list.total) })}
            </Text>
            {list.rows.length < list.total && (
              <Button variant="subtle" size="xs" onClick={() => setLimit((l) => Math.min(500, l + PAGE))} data-testid="requests-more">
                {t('privacy.requests.more')}
              </Button>
            )}
          </Group>
        </>
      )}
      <NewRequestDialog opened={creating} onClose={() => setCreating(false)} onCreated={reload} />
      <ExtendDialog request={extending} onClose={() => setExtending(null)} onDone={reload} />
      <CloseRequestDialog request={closing} onClose={() => setClosing(null)} onDone={reload} />
    </Stack>
  );
};
