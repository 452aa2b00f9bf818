import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, CloseButton, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { JobFinished, JobSubject } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { JobPanel } from '../../app/JobPanel';
import { runningJobs, useJobTracker } from '../../app/jobs';
import { fileErrorText } from './labels';
import { isImportReport } from './use-import';

type Imported = Extract<JobSubject, { type: 'import' }>;

export type ResumedImportProps = {
  /** The import has ended (whatever the outcome): the history has something new to show. */
  onEnded(): void;
  onOpenHistory(): void;
};

/**
 * An import started before this page was last opened (the user went to
 * another screen while it was written) is found again: its progress and
 * Cancel while it runs, then how it ended. The wizard underneath starts
 * afresh; the store refuses a second import until this one is over.
 */
export const ResumedImport = ({ onEnded, onOpenHistory }: ResumedImportProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const job = useJobTracker();
  const { track } = job;
  const [subject, setSubject] = useState<Imported | null>(null);
  const [ended, setEnded] = useState<JobFinished | null>(null);
  const handled = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    void runningJobs(api).then((jobs) => {
      for (const { jobId, subject } of jobs) {
        if (!live || subject.type !== 'import') continue;
        setSubject(subject);
        track(jobId);
        return;
      }
    });
    // asked once, when the page opens: an import started from this page afterwards is the wizard's own
    return () => {
      live = false;
    };
  }, [api, track]);

  const { finished } = job;
  useEffect(() => {
    if (finished === null || handled.current === finished.jobId) return;
    handled.current = finished.jobId;
    setEnded(finished);
    track(null);
    onEnded();
  }, [finished, onEnded, track]);

  if (subject === null) return null;
  const file = subject.file;
  if (ended === null) {
    return (
      <JobPanel
        title={t('imports.resumed.running', { file })}
        label={t('imports.commit.running')}
        note={t('imports.resumed.note')}
        progress={job.progress}
        cancelling={job.cancelling}
        onCancel={() => void job.cancel()}
        testId="import-resumed"
        maw={760}
      />
    );
  }

  const close = <CloseButton aria-label={t('imports.resumed.close')} onClick={() => setSubject(null)} data-testid="import-resumed-close" />;
  const report = ended.status === 'done' && isImportReport(ended.result) ? ended.result : null;
  if (report !== null && report.errors.length === 0) {
    return (
      <Alert color="teal" title={t('imports.commit.doneTitle')} data-testid="import-resumed-result" data-status="done" maw={760}>
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Stack gap="xs">
            <Text size="sm">
              {t('imports.resumed.done', {
                file,
                created: fmt.number(report.created),
                updated: fmt.number(report.updated),
                merged: fmt.number(report.merged),
                skipped: fmt.number(report.skipped),
              })}
            </Text>
            <Anchor component="button" size="sm" onClick={onOpenHistory} ta="left" data-testid="import-resumed-history">
              {t('imports.commit.openHistory')}
            </Anchor>
          </Stack>
          {close}
        </Group>
      </Alert>
    );
  }
  const cancelled = ended.status === 'cancelled';
  const why =
    report !== null
      ? t('imports.commit.failedRows', { count: report.errorCount, n: fmt.number(report.errorCount) })
      : cancelled
        ? t('imports.commit.cancelled')
        : `${fileErrorText(t, ended.error ?? null)} ${t('imports.commit.cancelled')}`;
  return (
    <Alert
      color={cancelled ? 'yellow' : 'red'}
      title={t(cancelled ? 'imports.resumed.cancelledTitle' : 'imports.resumed.failedTitle', { file })}
      data-testid="import-resumed-result"
      data-status={cancelled ? 'cancelled' : report !== null ? 'refused' : 'failed'}
      maw={760}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <Text size="sm">{why}</Text>
        {close}
      </Group>
    </Alert>
  );
};
