import { Alert, Center, Loader, Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { loyaltyTabs, navigate, type LoyaltyTab } from '../../app/router';
import { BonusGrant } from './BonusGrant';
import { Dashboard } from './Dashboard';
import { MembersList } from './MembersList';
import { loyaltyErrorMessage } from './messages';
import { ProgrammeForm } from './ProgrammeForm';
import { RewardsCatalogue } from './RewardsCatalogue';
import { useProgramme, useRewards } from './use-loyalty';

/** #/loyalty[/tab] — the programme: figures, members, the rewards catalogue, the rules, bonuses to a group. */
export const LoyaltyPage = ({ tab }: { tab: LoyaltyTab }) => {
  const { t } = useTranslation();
  const programme = useProgramme();
  const rewards = useRewards();
  const prog = programme.load.state === 'ready' ? programme.load.value : null;

  return (
    <Stack data-testid="loyalty-page">
      <Title order={2}>{t('loyalty.page.title')}</Title>
      <Tabs
        value={tab}
        onChange={(v) => navigate({ name: 'loyalty', tab: (loyaltyTabs as readonly (string | null)[]).includes(v) ? (v as LoyaltyTab) : 'dashboard' })}
        keepMounted={false}
      >
        <Tabs.List>
          {loyaltyTabs.map((name) => (
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
