import { useCallback, useEffect, useState } from 'react';
import { Alert, Anchor, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DismissedPair } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';
import { useKeysetPages } from '../../app/use-pages';
import { useUndismiss } from './dismissals';
import { pairKey } from './pairs';

export type DismissedPairsProps = {
  /** Changing it reloads the list (a pair dismissed or taken back elsewhere on the page). */
  refreshSignal?: number;
  /** A pair was taken back here: the finder's result on screen shows it again. */
  onUndismissed?(key: string): void;
};

const PAGE = 50;

/** The pairs declared "not a duplicate", newest first, each one taken back in a click. */
export const DismissedPairs = ({ refreshSignal = 0, onUndismissed }: DismissedPairsProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const undismiss = useUndismiss();
  const [busy, setBusy] = useState<string | null>(null);
  const fetch = useCallback((cursor: string | null) => api.call('duplicates.dismissed', { cursor, limit: PAGE }), [api]);
  const { page: list, error, loading: loadingMore, more, reload, setPage } = useKeysetPages(fetch);

  useEffect(() => {
    if (refreshSignal > 0) reload();
  }, [reload, refreshSignal]);
  // a merge or a deletion elsewhere can make a pair disappear (one of its records is gone)
  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && reload()), [api, reload]);

  const takeBack = async (pair: DismissedPair) => {
    const key = pairKey(pair.a.id, pair.b.id);
    setBusy(key);
    const done = await undismiss(pair);
    setBusy(null);
    if (!done) return;
    setPage((l) => (l === null ? l : { ...l, rows: l.rows.filter((r) => pairKey(r.a.id, r.b.id) !== key), total: Math.max(0, l.total - 1) }));
    onUndismissed?.(key);
  };

  const named = (name: string) => (name === '' ? t('contacts.unnamed') : name);

  if (error !== null) {
    return (
      <Alert color="red" title={t('duplicates.dismissedList.loadFailed')} data-testid="dismissed-error">
        {errorMessage(t, error)}
      </Alert>
    );
  }
  if (list === null) return <Loader size="sm" aria-label={t('app.loading')} />;
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('duplicates.dismissedList.intro')}
      </Text>
      {list.rows.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="dismissed-none">
          {t('duplicates.dismissedList.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table striped data-testid="dismissed-list" data-total={list.total}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('duplicates.dismissedList.date')}</Table.Th>
                <Table.Th>{t('duplicates.dismissedList.pair')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.rows.map((pair) => {
                const key = pairKey(pair.a.id, pair.b.id);
                return (
                  <Table.Tr key={key} data-testid="dismissed-row" data-pair={key}>
                    <Table.Td>
                      <Text size="sm">{fmt.dateTime(pair.decidedAt)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="wrap">
                        <Anchor href={routeHref({ name: 'contact', id: pair.a.id })} size="sm">
                          {named(pair.a.name)}
                        </Anchor>
                        <Text size="sm" c="dimmed">
                          {t('duplicates.dismissedList.and')}
                        </Text>
                        <Anchor href={routeHref({ name: 'contact', id: pair.b.id })} size="sm">
                          {named(pair.b.name)}
                        </Anchor>
                      </Group>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconArrowBackUp size={14} />}
                        loading={busy === key}
                        disabled={busy !== null && busy !== key}
                        onClick={() => void takeBack(pair)}
                        data-testid="dismissed-undo"
                      >
                        {t('duplicates.undismiss')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.nextCursor !== null && (
        <Group justify="center">
          <Button variant="subtle" loading={loadingMore} onClick={more} data-testid="dismissed-more">
            {t('duplicates.dismissedList.more', { n: fmt.number(list.total - list.rows.length) })}
          </Button>
        </Group>
      )}
    </Stack>
  );
};
