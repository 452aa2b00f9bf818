import { useEffect, useState, type ReactNode } from 'react';
import { Anchor, Button, Group, Kbd, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPlus, IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AppStatus, BackupInfo } from '@contract';
import { useApi } from '../../api/context';
import { useBoot } from '../../app/boot';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';
import { useSettings } from '../../app/settings';
import { Dashboard } from '../dashboard/Dashboard';
import { PrivacyAlerts } from './PrivacyAlerts';

const Figure = ({ label, value, testId }: { label: string; value: ReactNode; testId: string }) => (
  <Paper withBorder p="md">
    <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
      {label}
    </Text>
    <Text size="xl" fw={700} mt={4} data-testid={testId} style={{ overflowWrap: 'anywhere' }}>
      {value}
    </Text>
  </Paper>
);

/** #/ — the few figures a shop owner wants on opening. */
export const HomePage = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { settings } = useSettings();
  const boot = useBoot();
  const [status, setStatus] = useState<AppStatus | null>(boot.status);
  const [lastBackup, setLastBackup] = useState<BackupInfo | null | undefined>(undefined);

  useEffect(() => {
    const load = () => {
      api.call('app.status', {}).then(setStatus, () => {});
      api.call('backup.list', {}).then(
        (list) => setLastBackup(list.reduce<BackupInfo | null>((a, b) => (a === null || b.createdAt > a.createdAt ? b : a), null)),
        () => setLastBackup(null),
      );
    };
    load();
    return api.on('data.changed', load);
  }, [api]);

  const shopName = settings?.shop.name ?? null;
  return (
    <Stack data-testid="home">
      <Title order={2}>{shopName === null ? t('home.title') : t('home.welcome', { shop: shopName })}</Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <Figure
          label={t('home.contacts')}
          value={status === null ? '…' : fmt.number(status.contactCount)}
          testId="home-contact-count"
        />
        <Figure
          label={t('home.shop')}
          value={shopName ?? <Anchor href={routeHref({ name: 'settings' })}>{t('home.noShopName')}</Anchor>}
          testId="home-shop-name"
        />
        <Figure
          label={t('home.lastBackup')}
          value={lastBackup === undefined ? '…' : lastBackup === null ? t('home.noBackup') : fmt.dateTime(lastBackup.createdAt)}
          testId="home-last-backup"
        />
      </SimpleGrid>
      <PrivacyAlerts />
      {/* nothing until the shop has sales: then the dashboard is the home screen's body */}
      <Dashboard />
      <Group>
        <Button component="a" href={routeHref({ name: 'contactNew' })} leftSection={<IconPlus size={16} />}>
          {t('contacts.new')}
        </Button>
        <Button component="a" href={routeHref({ name: 'contacts' })} variant="light" leftSection={<IconUsers size={16} />}>
          {t('home.openContacts')}
        </Button>
      </Group>
      <Paper withBorder p="md">
        <Title order={4} mb="xs">
          {t('home.shortcuts')}
        </Title>
        <Stack gap={6}>
          <Text size="sm">
            <Kbd>/</Kbd> {t('common.or')} <Kbd>Ctrl</Kbd> + <Kbd>K</Kbd> — {t('home.shortcutSearch')}
          </Text>
          <Text size="sm">
            <Kbd>Ctrl</Kbd> + <Kbd>N</Kbd> {t('common.or')} <Kbd>Alt</Kbd> + <Kbd>N</Kbd> — {t('home.shortcutNew')}
          </Text>
          <Text size="sm">
            <Kbd>{t('keys.enter')}</Kbd> / <Kbd>Ctrl</Kbd> + <Kbd>{t('keys.enter')}</Kbd> / <Kbd>{t('keys.escape')}</Kbd>
            {' — '}
            {t('home.shortcutForm')}
          </Text>
        </Stack>
      </Paper>
      {status !== null && (
        <Text size="xs" c="dimmed">
          {t('home.version', { version: status.version })}
        </Text>
      )}
    </Stack>
  );
};
