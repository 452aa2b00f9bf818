import { useEffect, useRef, useState } from 'react';
import { Button, Center, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconDatabase, IconSparkles } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/context';
import { useBoot } from '../../app/boot';
import { useFormatters } from '../../app/format';
import { JobPanel } from '../../app/JobPanel';
import { useJobTracker } from '../../app/jobs';
import { notifyError, notifySuccess } from '../../app/notify';
import { navigate } from '../../app/router';

export const demoSizes = [100, 1_000, 10_000, 100_000, 1_000_000] as const;

/** First start: an empty base, or a demonstration shop generated in the background. */
export const FirstRun = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { reboot } = useBoot();
  const job = useJobTracker();
  const [size, setSize] = useState<number>(1_000);
  const [busy, setBusy] = useState<'empty' | 'demo' | null>(null);
  const handled = useRef<string | null>(null);

  const startEmpty = async () => {
    setBusy('empty');
    try {
      await api.call('app.setup', { mode: 'empty' });
      navigate({ name: 'contacts' }, { replace: true });
      await reboot();
    } catch (error) {
      notifyError(t, error);
      setBusy(null);
    }
  };

  const startDemo = async () => {
    setBusy('demo');
    try {
      const ref = await api.call('app.setup', { mode: 'demo', demo: { customers: size } });
      if (ref === null) {
        navigate({ name: 'contacts' }, { replace: true });
        await reboot();
        return;
      }
      job.track(ref.jobId);
    } catch (error) {
      notifyError(t, error);
      setBusy(null);
    }
  };

  const { finished } = job;
  useEffect(() => {
    if (finished === null || handled.current === finished.jobId) return;
    handled.current = finished.jobId;
    if (finished.status === 'done') {
      notifySuccess(t('firstRun.demoReady'));
      navigate({ name: 'contacts' }, { replace: true });
    } else if (finished.status === 'cancelled') {
      notifySuccess(t('firstRun.demoCancelled'));
    } else {
      notifyError(t, finished.error ?? { code: 'INTERNAL', message: 'job failed' });
    }
    job.track(null);
    setBusy(null);
    // the store decides whether setup happened (a cancelled demo may leave an empty base)
    void reboot();
  }, [finished, job, reboot, t]);

  if (job.jobId !== null) {
    return (
      <Center mih="100dvh" p="md">
        <JobPanel
          title={<Title order={3}>{t('firstRun.demoLoading')}</Title>}
          label={t('firstRun.demoLoading')}
          progress={job.progress}
          cancelling={job.cancelling}
          onCancel={() => void job.cancel()}
          testId="job-progress"
        />
      </Center>
    );
  }

  return (
    <Center mih="100dvh" p="md">
      <Stack maw={880} w="100%" data-testid="first-run">
        <Title order={1}>{t('firstRun.title')}</Title>
        <Text c="dimmed">{t('firstRun.intro')}</Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Paper withBorder p="lg">
            <Stack h="100%" justify="space-between">
              <Stack gap="xs">
                <Group gap="xs">
                  <IconDatabase size={20} aria-hidden />
                  <Title order={3}>{t('firstRun.emptyTitle')}</Title>
                </Group>
                <Text size="sm">{t('firstRun.emptyText')}</Text>
              </Stack>
              <Button onClick={() => void startEmpty()} loading={busy === 'empty'} disabled={busy !== null} data-testid="setup-empty">
                {t('firstRun.emptyButton')}
              </Button>
            </Stack>
          </Paper>
          <Paper withBorder p="lg">
            <Stack h="100%" justify="space-between">
              <Stack gap="xs">
                <Group gap="xs">
                  <IconSparkles size={20} aria-hidden />
                  <Title order={3}>{t('firstRun.demoTitle')}</Title>
                </Group>
                <Text size="sm">{t('firstRun.demoText')}</Text>
                <Text size="sm" fw={600}>
                  {t('firstRun.demoSize')}
                </Text>
                <SegmentedControl
                  value={String(size)}
                  onChange={(v) => setSize(Number(v))}
                  data={demoSizes.map((n) => ({ value: String(n), label: fmt.number(n) }))}
                  fullWidth
                  data-testid="demo-size"
                />
                {size >= 100_000 && (
                  <Text size="xs" c="dimmed">
                    {t('firstRun.demoSlow')}
                  </Text>
                )}
              </Stack>
              <Button
                variant="light"
                onClick={() => void startDemo()}
                loading={busy === 'demo'}
                disabled={busy !== null}
                data-testid="setup-demo"
              >
                {t('firstRun.demoButton', { n: fmt.number(size) })}
              </Button>
            </Stack>
          </Paper>
        </SimpleGrid>
      </Stack>
    </Center>
  );
};
