import { useEffect, useRef, useState } from 'react';
import { Button, RingProgress } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { JobFinished, JobProgress, JobSubject } from '@contract';
import { useApi } from '../api/context';
import { isImportReport } from '../features/imports/use-import';
import { errorMessage } from './errors';
import { useFormatters } from './format';
import { notifySuccess } from './notify';
import { runningJobs } from './jobs';
import { routeHref } from './router';

type Shown = { jobId: string; subject: JobSubject; progress: JobProgress | null };

const share = (p: JobProgress | null): number => (p === null || p.total <= 0 ? 0 : Math.min(100, Math.round((p.done / p.total) * 100)));

/**
 * In the header, on every screen but the import page (which shows its own
 * panel): an import or an import's undo still running, how far it is, a
 * link back to it; and a word when it ends. A 10M-sale import runs for
 * minutes and the user goes on working meanwhile.
 */
export const JobIndicator = ({ onImportPage }: { onImportPage: boolean }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [shown, setShown] = useState<Shown | null>(null);
  const here = useRef(onImportPage);
  useEffect(() => {
    here.current = onImportPage;
  }, [onImportPage]);

  useEffect(() => {
    let live = true;
    const offProgress = api.on('job.progress', (p) => {
      const subject = p.subject;
      if (subject !== null) setShown({ jobId: p.jobId, subject, progress: p });
    });
    const offFinished = api.on('job.finished', (f: JobFinished) => {
      if (f.subject === null) return;
      setShown((s) => (s?.jobId === f.jobId ? null : s));
      // on the import page the wizard, its history or the panel of an import taken back say it
      if (here.current) return;
      const { subject } = f;
      const file = subject.type === 'import' ? subject.file : null;
      // an import that met refused rows wrote nothing: its report says how many, its page which ones
      const refused = f.status === 'done' && isImportReport(f.result) ? f.result.errors.length : 0;
      if (f.status === 'done' && refused === 0) notifySuccess(file !== null ? t('imports.commit.doneNotify', { file }) : t('jobs.indicator.undone'));
      else if (f.status === 'cancelled') notifySuccess(file !== null ? t('jobs.indicator.importCancelled', { file }) : t('jobs.indicator.undoCancelled'));
      else {
        notifications.show({
          color: 'red',
          title: file !== null ? t('jobs.indicator.importFailed', { file }) : t('jobs.indicator.undoFailed'),
          message: refused > 0 ? t('imports.commit.failedRows', { count: refused, n: fmt.number(refused) }) : errorMessage(t, f.error),
          autoClose: 10_000,
        });
      }
    });
    // a job started before this window opened (a reload) is shown from its next report; its name at once
    void runningJobs(api).then(([first]) => {
      if (live && first !== undefined) setShown((s) => s ?? { ...first, progress: null });
    });
    return () => {
      live = false;
      offProgress();
      offFinished();
    };
  }, [api, fmt, t]);

  if (shown === null || onImportPage) return null;
  const pct = share(shown.progress);
  const label =
    shown.subject.type === 'import' ? t('jobs.indicator.importing', { file: shown.subject.file, pct }) : t('jobs.indicator.undoing', { pct });
  return (
    <Button
      component="a"
      href={routeHref({ name: 'imports' })}
      variant="light"
      size="xs"
      leftSection={<RingProgress size={22} thickness={3} sections={[{ value: pct, color: 'teal' }]} aria-hidden />}
      maw={360}
      data-testid="job-indicator"
      data-pct={pct}
    >
      {label}
    </Button>
  );
};
