import { Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { navigate, privacyTabs, type PrivacyTab } from '../../app/router';
import { BreachesPanel } from '../retention/BreachesPanel';
import { RegisterPanel } from '../retention/RegisterPanel';
import { RetentionPanel } from '../retention/RetentionPanel';
import { AuditPanel } from './AuditPanel';
import { RequestsPanel } from './RequestsPanel';

const panels: Record<PrivacyTab, () => React.JSX.Element> = {
  requests: RequestsPanel,
  retention: RetentionPanel,
  register: RegisterPanel,
  breaches: BreachesPanel,
  audit: AuditPanel,
};

/** Everything the GDPR asks of the shop, one tab per duty; each tab has its own address. */
export const PrivacyPage = ({ tab }: { tab: PrivacyTab }) => {
  const { t } = useTranslation();
  const Panel = panels[tab];
  return (
    <Stack p="md" gap="md" data-testid="privacy-page">
      <Title order={2}>{t('privacy.title')}</Title>
      <Tabs value={tab} onChange={(v) => v !== null && navigate({ name: 'privacy', tab: v as PrivacyTab })}>
        <Tabs.List>
          {privacyTabs.map((name) => (
            <Tabs.Tab key={name} value={name} data-testid={`privacy-tab-${name}`}>
              {t(`privacy.tabs.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <Panel />
    </Stack>
  );
};
