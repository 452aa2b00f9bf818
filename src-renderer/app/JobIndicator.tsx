import { useEffect, useRef, useState } from 'react';
import { Button, RingProgress } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { JobFinished, JobProgress, JobSubject } from '@contract';
import { useApi } from '../api/context';
import { isImportReport } from '../features/imports/use-import';
import { errorMessage } from './errors';
import { useFormatters, type Formatters } from './format';
import { notifySuccess } from './notify';
import { runningJobs } from './jobs';
import { routeHref, type Route } from './router';

type Shown = { jobId: string; subject: JobSubject; progress: JobProgress | null };

const share = (p: JobProgress | null): number => (p === null || p.total <= 0 ? 0 : Math.min(100, Math.round((p.done / p.total) * 100)));

/** The screen where a job has its own panel: the header leads there and stays silent there. */
const homeOf = (subject: JobSubject): Route => (subject.type === 'analytics' ? { name: 'settings' } : { name: 'imports' });

/** What the header says of a running job. */
const labelOf = (t: TFunction, subject: JobSubject, pct: number): string => {
  switch (subject.type) {
    case 'import':
      return t('jobs.indicator.importing', { file: subject.file, pct });
    case 'undo':
      return t('jobs.indicator.undoing', { pct });
    case 'analytics':
      return t(`jobs.indicator.analytics.${subject.cause === 'window' ? 'rolling' : 'recomputing'}`, { pct });
  }
};

/** How a job ended, in a word on another screen; null when nothing is worth saying (the window's routine move). */
export const endOf = (t: TFunction, f: JobFinished & { subject: JobSubject }, refused: number, fmt: Formatters): { ok: boolean; title: string; message?: string } | null => {
  const { subject } = f;
  if (subject.type === 'analytics') {
    if (f.status === 'done') return subject.cause === 'window' ? null : { ok: true, title: t('jobs.indicator.analytics.done') };
    // the routine roll gives way to whatever the user asked and runs again shortly: nothing to say
    if (f.status === 'cancelled') return subject.cause === 'window' ? null : { ok: true, title: t('jobs.indicator.analytics.cancelled') };
    return { ok: false, title: t('jobs.indicator.analytics.failed'), message: errorMessage(t, f.error) };
  }
  const file = subject.type === 'import' ? subject.file : null;
  if (f.status === 'done' && refused === 0) return { ok: true, title: file !== null ? t('imports.commit.doneNotify', { file }) : t('jobs.indicator.undone') };
  if (f.status === 'cancelled') return { ok: true, title: file !== null ? t('jobs.indicator.importCancelled', { file }) : t('jobs.indicator.undoCancelled') };
  return {
    ok: false,
    title: file !== null ? t('jobs.indicator.importFailed', { file }) : t('jobs.indicator.undoFailed'),
    message: refused > 0 ? t('imports.commit.failedRows', { count: refused, n: fmt.number(refused) }) : errorMessage(t, f.error),
  };
};

/**
 * In the header, on every screen but the job's own (the import page for an
 * import or its undo, the settings for a refill of the analyses): a long job
 * still running, how far it is, a link to its panel; and a word when it
 * ends. A 10M-sale import runs for minutes and the user goes on working.
 */
export const JobIndicator = ({ route }: { route: Route['name'] }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [shown, setShown] = useState<Shown | null>(null);
  const here = useRef(route);
  useEffect(() => {
    here.current = route;
  }, [route]);

  useEffect(() => {
    let live = true;
    const offProgress = api.on('job.progress', (p) => {
      const subject = p.subject;
      if (subject !== null) setShown({ jobId: p.jobId, subject, progress: p });
    });
    const offFinished = api.on('job.finished', (f: JobFinished) => {
      const subject = f.subject;
      if (subject === null) return;
      setShown((s) => (s?.jobId === f.jobId ? null : s));
      // on the job's own screen its panel says it
      if (here.current === homeOf(subject).name) return;
      // an import that met refused rows wrote nothing: its report says how many, its page which ones
      const refused = f.status === 'done' && isImportReport(f.result) ? f.result.errorCount : 0;
      const end = endOf(t, { ...f, subject }, refused, fmt);
      if (end === null) return;
      if (end.ok) notifySuccess(end.title);
      else notifications.show({ color: 'red', title: end.title, message: end.message, autoClose: 10_000 });
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

  if (shown === null || route === homeOf(shown.subject).name) return null;
  const pct = share(shown.progress);
  return (
    <Button
      component="a"
      href={routeHref(homeOf(shown.subject))}
      variant="light"
      size="xs"
      leftSection={<RingProgress size={22} thickness={3} sections={[{ value: pct, color: 'teal' }]} aria-hidden />}
      maw={360}
      data-testid="job-indicator"
      data-pct={pct}
      data-subject={shown.subject.type}
    >
      {labelOf(t, shown.subject, pct)}
    </Button>
  );
};
