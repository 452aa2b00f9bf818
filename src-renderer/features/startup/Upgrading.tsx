import { useEffect, useState } from 'react';
import { Center, Group, Loader, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { StoreUpgrade } from '@contract';

/** Whole seconds since `startedAt`, counted again every second. */
const useElapsed = (startedAt: string): number => {
  const since = Date.parse(startedAt);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.floor((now - since) / 1000));
};

/**
 * Shown while the base is upgraded as it opens: no call is answered until it
 * ends (minutes on a base of millions of sales), and a bare spinner for that
 * long reads as a hang, which invites killing the app mid-upgrade.
 */
export const Upgrading = ({ upgrade }: { upgrade: StoreUpgrade }) => {
  const { t } = useTranslation();
  const elapsed = useElapsed(upgrade.startedAt);
  const minutes = Math.floor(elapsed / 60);
  const seconds = elapsed % 60;
  // the backup counts as the first of the steps: a one-step upgrade shows it past
  const done = upgrade.phase === 'backup' ? 0 : upgrade.step;
  return (
    <Center mih="100dvh" p="md">
      <Paper withBorder p="xl" maw={620} w="100%" data-testid="store-upgrade" data-phase={upgrade.phase}>
        <Stack>
          <Group gap="sm">
            <Loader size="sm" aria-hidden />
            <Title order={2}>{t('upgrade.title')}</Title>
          </Group>
          <Text>{t('upgrade.message', { from: upgrade.fromVersion, to: upgrade.toVersion })}</Text>
          <Stack gap={6}>
            <Text fw={600} data-testid="store-upgrade-step">
              {upgrade.phase === 'backup' ? t('upgrade.backup') : t('upgrade.step', { step: upgrade.step, steps: upgrade.steps })}
            </Text>
            <Progress value={(100 * done) / (upgrade.steps + 1)} animated striped aria-label={t('upgrade.title')} />
            <Text size="sm" c="dimmed" data-testid="store-upgrade-elapsed">
              {minutes > 0 ? t('upgrade.elapsedMinutes', { minutes, seconds }) : t('upgrade.elapsedSeconds', { seconds })}
            </Text>
          </Stack>
          <Text size="sm">{t('upgrade.keepOpen')}</Text>
        </Stack>
      </Paper>
    </Center>
  );
};
