import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Loader, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowBackUp } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ImportRecord } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorDetails, errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { JobPanel } from '../../app/JobPanel';
import { runningJobs, useJobTracker } from '../../app/jobs';
import { notifySuccess } from '../../app/notify';

export type ImportHistoryProps = {
  /** Changing it reloads the list (an import just committed on the page). */
  refreshSignal?: number;
};

type List = { imports: ImportRecord[] } | { error: unknown } | null;

const BLOCKERS: ReadonlySet<string> = new Set(['has_sales', 'has_refunds', 'already_undone']);

/** Why the store refused an undo (the call's error, or the job's), in words: its reason when we know it, the error's sentence otherwise. */
const undoRefusal = (t: TFunction, error: unknown): string => {
  const reason = errorDetails(error)?.reason;
  return typeof reason === 'string' && BLOCKERS.has(reason) ? t(`imports.history.blocked.${reason}`) : errorMessage(t, error);
};

const refused = (t: TFunction, error: unknown): void => {
  notifications.show({ color: 'red', title: t('imports.history.refusedTitle'), message: undoRefusal(t, error), autoClose: 10_000 });
};

/**
 * Imports, newest first, each undoable after a confirmation; undone ones stay
 * listed, marked. An undo runs as a job (a million contacts take half a
 * minute): its progress and Cancel show above the list meanwhile.
 */
export const ImportHistory = ({ refreshSignal = 0 }: ImportHistoryProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [list, setList] = useState<List>(null);
  const [undoing, setUndoing] = useState<ImportRecord | null>(null);
  // the import whose undo is running, once the store has accepted it
  const [running, setRunning] = useState<ImportRecord | null>(null);
  const job = useJobTracker();
  const handled = useRef<string | null>(null);
  const resumed = useRef(false);

  const load = useCallback(
    () =>
      api.call('imports.list', {}).then(
        (imports) => setList({ imports }),
        (error: unknown) => setList({ error }),
      ),
    [api],
  );

  useEffect(() => {
    void load();
  }, [load, refreshSignal]);

  // an undo started before this screen opened (the user went elsewhere meanwhile) gets its panel back
  useEffect(() => {
    if (list === null || !('imports' in list) || resumed.current) return;
    resumed.current = true;
    const imports = list.imports;
    void runningJobs(api).then((jobs) => {
      for (const { jobId, subject } of jobs) {
        const record = subject.type === 'undo' ? imports.find((r) => r.id === subject.importId) : undefined;
        if (record === undefined) continue;
        setRunning(record);
        job.track(jobId);
        return;
      }
    });
  }, [api, job, list]);

  const confirmUndo = async () => {
    if (undoing === null) return;
    try {
      const { jobId } = await api.call('imports.undo', { importId: undoing.id });
      setRunning(undoing);
      job.track(jobId);
    } catch (error) {
      refused(t, error);
    }
    setUndoing(null);
  };

  const { finished } = job;
  useEffect(() => {
    if (finished === null || running === null || handled.current === finished.jobId) return;
    handled.current = finished.jobId;
    if (finished.status === 'done') notifySuccess(t('imports.history.undone', { file: running.fileName }));
    else if (finished.status === 'cancelled') notifySuccess(t('imports.history.undoCancelled', { file: running.fileName }));
    else refused(t, finished.error ?? { code: 'INTERNAL', message: 'job failed' });
    job.track(null);
    setRunning(null);
    void load();
  }, [finished, job, load, running, t]);

  if (list === null) return <Loader size="sm" aria-label={t('app.loading')} />;
  if ('error' in list) {
    return (
      <Alert color="red" title={t('imports.history.loadFailed')} data-testid="import-history-error">
        {errorMessage(t, list.error)}
      </Alert>
    );
  }
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('imports.history.intro')}
      </Text>
      {running !== null && (
        <JobPanel
          title={t('imports.history.undoing', { file: running.fileName })}
          label={t('imports.history.undoingLabel')}
          progress={job.progress}
          cancelling={job.cancelling}
          onCancel={() => void job.cancel()}
          testId="import-undo-progress"
          note={t('imports.history.undoingNote')}
          maw={760}
        />
      )}
      {list.imports.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="import-history-none">
          {t('imports.history.none')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped data-testid="import-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('imports.history.date')}</Table.Th>
                <Table.Th>{t('imports.history.file')}</Table.Th>
                <Table.Th>{t('imports.history.kind')}</Table.Th>
                <Table.Th ta="right">{t('imports.history.created')}</Table.Th>
                <Table.Th ta="right">{t('imports.history.merged')}</Table.Th>
                <Table.Th ta="right">{t('imports.history.updated')}</Table.Th>
                <Table.Th ta="right">{t('imports.history.skipped')}</Table.Th>
                <Table.Th>{t('imports.history.state')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.imports.map((r) => (
                <Table.Tr
                  key={r.id}
                  data-testid="import-history-row"
                  data-import-id={r.id}
                  data-undone={r.undoneAt === null ? undefined : 'true'}
                  style={{ opacity: r.undoneAt === null ? undefined : 0.6 }}
                >
                  <Table.Td>
                    <Text size="sm">{fmt.dateTime(r.importedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" td={r.undoneAt === null ? undefined : 'line-through'} data-testid="import-history-file">
                      {r.fileName}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{t(`imports.kind.${r.kind}`)}</Text>
                  </Table.Td>
                  <Table.Td ta="right" data-testid="import-history-created">
                    {fmt.number(r.created)}
                  </Table.Td>
                  {[r.merged, r.updated].map((n, i) =>
                    // a purchase import completes and updates no record: a 0 there would read as "none this time"
                    r.kind === 'purchases' ? (
                      <Table.Td key={i} ta="right" c="dimmed" aria-label={t('imports.history.notApplicable')}>
                        —
                      </Table.Td>
                    ) : (
                      <Table.Td key={i} ta="right">
                        {fmt.number(n)}
                      </Table.Td>
                    ),
                  )}
                  <Table.Td ta="right">{fmt.number(r.skipped)}</Table.Td>
                  <Table.Td>
                    {r.undoneAt !== null ? (
                      // plain text: a badge cut the date short ("…, 1…") once the table had all its columns
                      <Text size="xs" c="dimmed" fw={600} data-testid="import-history-undone">
                        {t('imports.history.undoneOn', { date: fmt.dateTime(r.undoneAt) })}
                      </Text>
                    ) : !r.changedBase ? (
                      // the same file again: an undo would have nothing to take back
                      <Text size="xs" c="dimmed" fw={600} title={t('imports.history.unchangedHelp')} data-testid="import-history-unchanged">
                        {t('imports.history.unchanged')}
                      </Text>
                    ) : (
                      <Button
                        size="xs"
                        variant="light"
                        leftSection={<IconArrowBackUp size={14} />}
                        onClick={() => setUndoing(r)}
                        disabled={running !== null}
                        data-testid="import-history-undo"
                      >
                        {t('imports.history.undo')}
                      </Button>
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
        title={t('imports.history.undoTitle')}
        confirmLabel={t('imports.history.undo')}
        danger
        testId="import-undo-confirm"
        onConfirm={confirmUndo}
        onClose={() => setUndoing(null)}
      >
        {undoing !== null &&
          t('imports.history.undoConfirm', {
            context: undoing.kind,
            file: undoing.fileName,
            date: fmt.dateTime(undoing.importedAt),
            created: fmt.number(undoing.created),
            changed: fmt.number(undoing.merged + undoing.updated),
          })}
      </ConfirmDialog>
    </Stack>
  );
};
