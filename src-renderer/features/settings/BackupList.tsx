import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Group, Loader, Table, Text } from '@mantine/core';
import { IconRestore } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { BackupInfo } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';

export type BackupListProps = {
  /** Changing it reloads the list (after "back up now"). */
  refreshSignal?: number;
  onRestored(): Promise<void> | void;
};

/** Backups, newest first, each restorable after a confirmation. */
export const BackupList = ({ refreshSignal = 0, onRestored }: BackupListProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [list, setList] = useState<{ signal: number; backups: BackupInfo[] } | { signal: number; error: unknown } | null>(null);
  const [restoring, setRestoring] = useState<BackupInfo | null>(null);

  const load = useCallback(
    (signal: number) =>
      api.call('backup.list', {}).then(
        (backups) =>
          setList({ signal, backups: [...backups].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)) }),
        (error: unknown) => setList({ signal, error }),
      ),
    [api],
  );

  useEffect(() => {
    void load(refreshSignal);
  }, [load, refreshSignal]);

  const restore = async () => {
    if (restoring === null) return;
    try {
      await api.call('backup.restore', { file: restoring.file });
      setRestoring(null);
      notifySuccess(t('backups.restored', { date: fmt.dateTime(restoring.createdAt) }));
      await onRestored();
    } catch (error) {
      notifyError(t, error);
    }
  };

  if (list === null) return <Loader size="sm" aria-label={t('app.loading')} />;
  if ('error' in list) {
    return (
      <Alert color="red" title={t('backups.listFailed')}>
        {errorMessage(t, list.error)}
      </Alert>
    );
  }
  if (list.backups.length === 0) {
    return (
      <Text c="dimmed" size="sm" data-testid="backup-none">
        {t('backups.none')}
      </Text>
    );
  }
  return (
    <>
      <Table striped highlightOnHover data-testid="backup-list">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('backups.date')}</Table.Th>
            <Table.Th>{t('backups.size')}</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.backups.map((b) => (
            <Table.Tr key={b.file} data-testid="backup-row" data-file={b.file}>
              <Table.Td>
                <Text size="sm" title={b.path}>
                  {fmt.dateTime(b.createdAt)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{fmt.bytes(b.size)}</Text>
              </Table.Td>
              <Table.Td>
                <Group justify="flex-end">
                  <Button
                    size="xs"
                    variant="light"
                    leftSection={<IconRestore size={14} />}
                    onClick={() => setRestoring(b)}
                    data-testid="backup-restore"
                  >
                    {t('backups.restore')}
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ConfirmDialog
        opened={restoring !== null}
        title={t('backups.restoreTitle')}
        confirmLabel={t('backups.restore')}
        danger
        testId="restore-confirm"
        onConfirm={restore}
        onClose={() => setRestoring(null)}
      >
        {restoring !== null && t('backups.restoreConfirm', { date: fmt.dateTime(restoring.createdAt) })}
      </ConfirmDialog>
    </>
  );
};
