import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Center, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AppStatus, StoreUpgrade } from '@contract';
import { useApi } from '../api/context';
import { FirstRun } from '../features/startup/FirstRun';
import { Recovery } from '../features/startup/Recovery';
import { Upgrading } from '../features/startup/Upgrading';
import { BootContext } from './boot';
import { errorMessage } from './errors';
import { useSettings } from './settings';
import { Shell } from './Shell';

type Boot =
  | { phase: 'loading' }
  /** The base is upgraded as it opens: the status call waits for the end of it. */
  | { phase: 'upgrading'; upgrade: StoreUpgrade }
  | { phase: 'error'; error: unknown }
  | { phase: 'loaded'; status: AppStatus };

/** Start-up: the store's state decides between recovery, first run and the app itself. */
export const App = () => {
  const api = useApi();
  const { t } = useTranslation();
  const { reload: reloadSettings } = useSettings();
  const [boot, setBoot] = useState<Boot>({ phase: 'loading' });

  const loadStatus = useCallback(async () => {
    try {
      setBoot({ phase: 'loaded', status: await api.call('app.status', {}) });
    } catch (error) {
      setBoot({ phase: 'error', error });
    }
  }, [api]);

  const reboot = useCallback(async () => {
    await Promise.all([loadStatus(), reloadSettings()]);
  }, [loadStatus, reloadSettings]);

  useEffect(() => {
    void loadStatus();
    const offStatus = api.on('store.status', (status) => setBoot({ phase: 'loaded', status }));
    // only before the store first answers: a restore in the recovery screen keeps its own screen
    const offUpgrade = api.on('store.upgrade', (upgrade) =>
      setBoot((b) => (b.phase === 'loading' || b.phase === 'upgrading' ? { phase: 'upgrading', upgrade } : b)),
    );
    return () => {
      offStatus();
      offUpgrade();
    };
  }, [api, loadStatus]);

  const status = boot.phase === 'loaded' ? boot.status : null;
  const context = useMemo(() => ({ status, reboot }), [status, reboot]);

  let screen;
  if (boot.phase === 'loading') {
    screen = (
      <Center h="100dvh">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  } else if (boot.phase === 'upgrading') {
    screen = <Upgrading upgrade={boot.upgrade} />;
  } else if (boot.phase === 'error') {
    screen = (
      <Center h="100dvh" p="md">
        <Stack maw={520}>
          <Alert color="red" title={t('app.loadFailed')}>
            <Text size="sm">{errorMessage(t, boot.error)}</Text>
          </Alert>
          <Button onClick={() => void reboot()} data-testid="boot-retry">
            {t('common.retry')}
          </Button>
        </Stack>
      </Center>
    );
  } else if (boot.status.state !== 'ready') {
    screen = <Recovery status={boot.status} />;
  } else if (!boot.status.onboarded) {
    screen = <FirstRun />;
  } else {
    screen = <Shell />;
  }
  return <BootContext.Provider value={context}>{screen}</BootContext.Provider>;
};
