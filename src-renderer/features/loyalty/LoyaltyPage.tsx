import { useState } from 'react';
import { Alert, Center, Loader, Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { BonusGrant } from './BonusGrant';
import { Dashboard } from './Dashboard';
import { MembersList } from './MembersList';
import { loyaltyErrorMessage } from './messages';
import { ProgrammeForm } from './ProgrammeForm';
import { RewardsCatalogue } from './RewardsCatalogue';
import { useProgramme, useRewards } from './use-loyalty';

const tabs = ['dashboard', 'members', 'rewards', 'programme', 'bonus'] as const;
type Tab = (typeof tabs)[number];

/** #/loyalty — the programme: figures, members, the rewards catalogue, the rules, bonuses to a group. */
export const LoyaltyPage = () => {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('dashboard');
  const programme = useProgramme();
  const rewards = useRewards();
  const prog = programme.load.state === 'ready' ? programme.load.value : null;

  return (
    <Stack data-testid="loyalty-page">
      <Title order={2}>{t('loyalty.page.title')}</Title>
      <Tabs value={tab} onChange={(v) => setTab((tabs as readonly (string | null)[]).includes(v) ? (v as Tab) : 'dashboard')} keepMounted={false}>
        <Tabs.List>
          {tabs.map((name) => (
            <Tabs.Tab key={name} value={name} data-testid={`loyalty-tab-${name}`}>
              {t(`loyalty.page.tabs.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="dashboard" pt="md">
          <Dashboard />
        </Tabs.Panel>
        <Tabs.Panel value="members" pt="md">
          <MembersList programme={prog} />
        </Tabs.Panel>
        <Tabs.Panel value="rewards" pt="md">
          {rewards.load.state === 'ready' ? (
            <RewardsCatalogue rewards={rewards.load.value} programme={prog} onChanged={rewards.reload} />
          ) : rewards.load.state === 'error' ? (
            <Alert color="red">{loyaltyErrorMessage(t, rewards.load.error)}</Alert>
          ) : (
            <Center py="md">
              <Loader size="sm" aria-label={t('app.loading')} />
            </Center>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="programme" pt="md">
          {prog !== null ? (
            <ProgrammeForm programme={prog} onSaved={programme.reload} />
          ) : programme.load.state === 'error' ? (
            <Alert color="red">{loyaltyErrorMessage(t, programme.load.error)}</Alert>
          ) : (
            <Center py="md">
              <Loader size="sm" aria-label={t('app.loading')} />
            </Center>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="bonus" pt="md">
          <BonusGrant />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
};
