import { useCallback, useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { IconArrowBackUp } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { MergeSummary, MergeUndoResult } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';
import { mergeNames, useMergeUndo } from './merge-undo';

export type MergeHistoryProps = {
  /** Changing it reloads the list (a merge or an undo made elsewhere on the page). */
  refreshSignal?: number;
  onUndone?(result: MergeUndoResult): void;
};

type List = { merges: MergeSummary[] } | { error: unknown } | null;

/** Merges, newest first, each undoable after a confirmation while nothing stands in the way. */
export const MergeHistory = ({ refreshSignal = 0, onUndone }: MergeHistoryProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const undo = useMergeUndo();
  const [list, setList] = useState<List>(null);
  const [undoing, setUndoing] = useState<MergeSummary | null>(null);

  const load = useCallback(
    () =>
      api.call('merges.list', {}).then(
        (merges) => setList({ merges }),
        (error: unknown) => setList({ error }),
      ),
    [api],
  );

  useEffect(() => {
    void load();
  }, [load, refreshSignal]);
  // a merge, an undo or a deletion made elsewhere changes what can still be undone
  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && void load()), [api, load]);

  // a merge whose contact was deleted kept no names: say so rather than "no name"
  const named = (m: MergeSummary) =>
    mergeNames(
      t,
      { id: m.keptId, name: m.keptName },
      { id: m.removedId, name: m.removedName },
      m.purged ? t('merges.deletedContact') : t('contacts.unnamed'),
    );

  const confirmUndo = async () => {
    if (undoing === null) return;
    const result = await undo({
      mergeId: undoing.id,
      kept: { id: undoing.keptId, name: undoing.keptName },
      removed: { id: undoing.removedId, name: undoing.removedName },
    });
    setUndoing(null);
    // reloaded either way: a refusal shows its reason on the row from now on
    await load();
    if (result !== null) onUndone?.(result);
  };

  if (list === null) return <Loader size="sm" aria-label={t('app.loading')} />;
  if ('error' in list) {
    return (
      <Alert color="red" title={t('merges.loadFailed')} data-testid="merge-history-error">
        {errorMessage(t, list.error)}
      </Alert>
    );
  }
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('merges.intro')}
      </Text>
      {list.merges.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="merge-history-none">
          {t('merges.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="merge-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('merges.date')}</Table.Th>
                <Table.Th>{t('merges.kept')}</Table.Th>
                <Table.Th>{t('merges.removed')}</Table.Th>
                <Table.Th ta="right">{t('merges.moved')}</Table.Th>
                <Table.Th>{t('merges.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.merges.map((m) => (
                <Table.Tr
                  key={m.id}
                  data-testid="merge-row"
                  data-merge-id={m.id}
                  data-undone={m.undoneAt === null ? undefined : 'true'}
                >
                  <Table.Td>
                    <Text size="sm">{fmt.dateTime(m.mergedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {m.purged && m.keptName === '' ? (
                      <Text size="sm" c="dimmed" data-testid="merge-row-kept">
                        {named(m).kept}
                      </Text>
                    ) : (
                      <Anchor href={routeHref({ name: 'contact', id: m.keptId })} size="sm" data-testid="merge-row-kept">
                        {named(m).kept}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {m.undoneAt === null || m.purged ? (
                      <Text size="sm" c={m.purged ? 'dimmed' : undefined} data-testid="merge-row-removed">
                        {named(m).removed}
                      </Text>
                    ) : (
                      // undone: the removed record exists again
                      <Anchor href={routeHref({ name: 'contact', id: m.removedId })} size="sm" data-testid="merge-row-removed">
                        {named(m).removed}
                      </Anchor>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">
                    {/* the count went with the merge's record */}
                    <Text size="sm" c={m.purged ? 'dimmed' : undefined}>
                      {m.purged ? '—' : fmt.number(m.moved)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {m.undoneAt !== null ? (
                      <Badge variant="light" color="gray" tt="none" data-testid="merge-row-undone">
                        {t('merges.undoneOn', { date: fmt.dateTime(m.undoneAt) })}
                      </Badge>
                    ) : m.undoBlocker !== null ? (
                      <Text size="xs" c="dimmed" maw={280} data-testid="merge-row-blocker" data-blocker={m.undoBlocker}>
                        {t(`merges.blocker.${m.undoBlocker}`)}
                      </Text>
                    ) : (
                      <Group justify="flex-start">
                        <Button
                          size="xs"
                          variant="light"
                          leftSection={<IconArrowBackUp size={14} />}
                          onClick={() => setUndoing(m)}
                          data-testid="merge-row-undo"
                        >
                          {t('merges.undo')}
                        </Button>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmDialog
        opened={undoing !== null}
        title={t('merges.undoTitle')}
        confirmLabel={t('merges.undo')}
        // « Annuler » beside « Annuler la fusion » reads as the same action
        cancelLabel={t('common.close')}
        testId="merge-undo-confirm"
        onConfirm={confirmUndo}
        onClose={() => setUndoing(null)}
      >
        {undoing !== null && t('merges.undoConfirm', named(undoing))}
      </ConfirmDialog>
    </Stack>
  );
};
