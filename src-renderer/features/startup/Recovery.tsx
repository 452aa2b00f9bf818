import { Alert, Button, Center, Code, Group, Paper, Spoiler, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AppStatus } from '@contract';
import { useBoot } from '../../app/boot';
import { BackupList } from '../settings/BackupList';

/** Shown instead of the app whenever the store is not `ready`. */
export const Recovery = ({ status }: { status: AppStatus }) => {
  const { t } = useTranslation();
  const { reboot } = useBoot();
  const state = status.state === 'ready' ? 'failed' : status.state;
  const offerRestore = state === 'corrupt' || state === 'failed';
  return (
    <Center mih="100dvh" p="md">
      <Paper withBorder p="xl" maw={720} w="100%" data-testid="recovery-screen" data-state={state}>
        <Stack>
          <Group gap="sm">
            <IconAlertTriangle size={28} color="var(--mantine-color-orange-6)" aria-hidden />
            <Title order={2}>{t(`recovery.title.${state}`)}</Title>
          </Group>
          <Text data-testid="recovery-message">{t(`recovery.message.${state}`)}</Text>
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              {t('recovery.dbPath')}
            </Text>
            <Code block data-testid="recovery-db-path">
              {status.dbPath}
            </Code>
          </Stack>
          {status.detail !== null && (
            <Spoiler maxHeight={0} showLabel={t('recovery.showDetail')} hideLabel={t('recovery.hideDetail')}>
              <Code block>{status.detail}</Code>
            </Spoiler>
          )}
          {offerRestore && (
            <Stack gap="xs">
              <Title order={4}>{t('recovery.backups')}</Title>
              <Alert color="blue" variant="light">
                {t('recovery.restoreHint')}
              </Alert>
              <BackupList onRestored={reboot} />
            </Stack>
          )}
          <Group justify="flex-end">
            <Button
              leftSection={<IconRefresh size={16} />}
              variant="default"
              onClick={() => void reboot()}
              data-testid="recovery-retry"
            >
              {t('common.retry')}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Center>
  );
};
