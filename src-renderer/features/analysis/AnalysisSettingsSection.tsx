import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Group, Loader, NumberInput, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { ANALYTICS_WINDOW_MONTHS_MAX, lastDayBefore, type AnalyticsCause, type AnalyticsStatus, type AppErrorData } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage, validationMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { JobPanel } from '../../app/JobPanel';
import { runningJobs, useJobTracker } from '../../app/jobs';
import { notifySuccess } from '../../app/notify';
import { useFormSubmit } from '../../app/use-form-submit';
import { dayFromInput, dayToInput } from '../contacts/day-input';

/**
 * The analysis window (12 months by default), an optional fixed reference
 * date, and the at-risk factor. Saving starts a job that recomputes every
 * figure (~36 s at 1M customers and 10M sales): its panel stands in for the
 * button, Cancel keeps the old settings. A refill already running (the
 * window following today, a save from before the page opened) is shown the
 * same way, and saving waits for it.
 */
export const AnalysisSettingsSection = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [status, setStatus] = useState<AnalyticsStatus | null>(null);
  const [months, setMonths] = useState<number | string>(12);
  const [reference, setReference] = useState('');
  const [factor, setFactor] = useState<number | string>(1.5);
  const { errors, failure, busy, submit, clearError } = useFormSubmit();
  const job = useJobTracker();
  const [cause, setCause] = useState<AnalyticsCause | null>(null);
  const [ended, setEnded] = useState<{ status: 'cancelled' | 'failed'; error?: AppErrorData } | null>(null);

  const show = useCallback((s: AnalyticsStatus) => {
    setStatus(s);
    setMonths(s.windowMonths);
    setReference(dayToInput(s.referenceDate));
    setFactor(s.riskFactor);
  }, []);
  useEffect(() => {
    let live = true;
    void api.call('analytics.status', {}).then((s) => {
      if (live) show(s);
    });
    return () => {
      live = false;
    };
  }, [api, show]);

  // a refill running before the page opened, or starting while it is open, gets its panel
  const { track } = job;
  const followed = useRef<string | null>(null);
  useEffect(() => {
    followed.current = job.jobId;
  }, [job.jobId]);
  const follow = useCallback(
    (jobId: string, c: AnalyticsCause) => {
      // every report names the job, and a save's answer may come after its first report: taken once, so a Cancel on its way keeps its state
      if (followed.current === jobId) return;
      followed.current = jobId;
      setCause(c);
      setEnded(null);
      track(jobId);
    },
    [track],
  );
  useEffect(() => {
    let live = true;
    void runningJobs(api).then((jobs) => {
      const found = jobs.find((j) => j.subject.type === 'analytics');
      if (live && found !== undefined && found.subject.type === 'analytics') follow(found.jobId, found.subject.cause);
    });
    const off = api.on('job.progress', (p) => {
      if (p.subject?.type === 'analytics') follow(p.jobId, p.subject.cause);
    });
    return () => {
      live = false;
      off();
    };
  }, [api, follow]);

  // the end of the followed refill: new figures shown (and the settings as saved), or why nothing changed
  const finished = job.finished;
  useEffect(() => {
    if (finished === null) return;
    track(null);
    setCause(null);
    void api.call('analytics.status', {}).then(show, () => undefined);
    // a routine roll cancelled gave way to a save and runs again shortly: the settings did not change
    if (finished.status === 'cancelled' && cause === 'window') return;
    if (finished.status !== 'done') setEnded({ status: finished.status, ...(finished.error === undefined ? {} : { error: finished.error }) });
    else if (cause === 'settings') notifySuccess(t('analysisSettings.saved'));
  }, [finished, api, cause, show, t, track]);

  const save = () =>
    submit(async () => {
      const typed = reference.trim();
      setEnded(null);
      const { jobId } = await api.call('analytics.configure', {
        windowMonths: typeof months === 'number' ? months : Number.NaN,
        referenceDate: typed === '' ? null : dayFromInput(typed),
        riskFactor: typeof factor === 'number' ? factor : Number.NaN,
      });
      follow(jobId, 'settings');
    });

  const fieldError = (field: string): string | undefined => {
    const code = errors[field];
    return code === undefined ? undefined : validationMessage(t, code);
  };

  return (
    <Paper withBorder p="md" data-testid="analysis-settings">
      <Stack gap="sm">
        <Title order={4}>{t('analysisSettings.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('analysisSettings.help')}
        </Text>
        {status === null ? (
          <Loader size="sm" aria-label={t('app.loading')} />
        ) : (
          <>
            <Group align="flex-start" wrap="wrap">
              <NumberInput
                label={t('analysisSettings.windowMonths')}
                value={months}
                onChange={(v) => {
                  setMonths(v);
                  clearError('windowMonths');
                }}
                min={1}
                max={ANALYTICS_WINDOW_MONTHS_MAX}
                allowDecimal={false}
                error={fieldError('windowMonths')}
                w={200}
                data-testid="analysis-window-months"
              />
              <TextInput
                label={t('analysisSettings.referenceDate')}
                description={t('analysisSettings.referenceHelp')}
                placeholder={t('contacts.form.datePlaceholder')}
                value={reference}
                onChange={(e) => {
                  setReference(e.currentTarget.value);
                  clearError('referenceDate');
                }}
                error={fieldError('referenceDate')}
                w={240}
                data-testid="analysis-reference-date"
              />
              <NumberInput
                label={t('analysisSettings.riskFactor')}
                description={t('analysisSettings.riskHelp')}
                value={factor}
                onChange={(v) => {
                  setFactor(v);
                  clearError('riskFactor');
                }}
                min={1}
                max={10}
                step={0.1}
                decimalScale={2}
                decimalSeparator={fmt.locale.startsWith('fr') ? ',' : '.'}
                error={fieldError('riskFactor')}
                w={240}
                data-testid="analysis-risk-factor"
              />
            </Group>
            {status.window !== null && (
              <Text size="xs" c="dimmed" data-testid="analysis-window-now">
                {/* the window's bounds are UTC calendar months: shown as calendar days, not as local instants (in
                    Paris the end, 00:00 UTC, read as the next day) */}
                {status.window.end === null
                  ? t('analysisSettings.currentToToday', { from: fmt.date(status.window.start.slice(0, 10)) })
                  : t('analysisSettings.current', {
                      from: fmt.date(status.window.start.slice(0, 10)),
                      to: fmt.date(lastDayBefore(status.window.end)),
                    })}
              </Text>
            )}
            {failure !== null && (
              <Alert color="red" data-testid="analysis-settings-error">
                {errorMessage(t, failure)}
              </Alert>
            )}
            {ended !== null && (
              <Alert color={ended.status === 'cancelled' ? 'yellow' : 'red'} data-testid="analysis-settings-ended" data-status={ended.status}>
                {ended.status === 'cancelled'
                  ? t('analysisSettings.job.cancelled')
                  : t('analysisSettings.job.failed', { reason: errorMessage(t, ended.error) })}
              </Alert>
            )}
            {job.jobId !== null ? (
              <JobPanel
                title={t(`analysisSettings.job.title.${cause ?? 'settings'}`)}
                label={t('analysisSettings.job.label')}
                progress={job.progress}
                cancelling={job.cancelling}
                onCancel={() => void job.cancel()}
                note={t('analysisSettings.job.note')}
                testId="analysis-job"
              />
            ) : (
              <Group justify="space-between" wrap="wrap">
                <Text size="xs" c="dimmed">
                  {t('analysisSettings.recomputeNote')}
                </Text>
                <Button onClick={() => void save()} loading={busy} leftSection={<IconDeviceFloppy size={16} />} data-testid="analysis-settings-save">
                  {t('analysisSettings.save')}
                </Button>
              </Group>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
};
