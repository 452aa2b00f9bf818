import { Stack, Tabs, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { analysisTabs, navigate, type AnalysisTab } from '../../app/router';
import { useShowCustomers } from '../../app/show-customers';
import { AttritionPanel } from '../attrition/AttritionPanel';
import { ParetoPanel } from '../rfm/ParetoPanel';
import { RfmPanel } from '../rfm/RfmPanel';


/** Who the customers are and what to do about them: RFM, Pareto tiers, attrition; one address per tab. */
export const AnalysisPage = ({ tab }: { tab: AnalysisTab }) => {
  const { t } = useTranslation();
  // clicking a cell, a segment or a tier opens the contact list narrowed to its customers
  const onShowCustomers = useShowCustomers();
  return (
    <Stack p="md" gap="md" data-testid="analysis-page">
      <Title order={2}>{t('analysis.title')}</Title>
      <Tabs value={tab} onChange={(v) => v !== null && navigate({ name: 'analysis', tab: v as AnalysisTab })}>
        <Tabs.List>
          {analysisTabs.map((name) => (
            <Tabs.Tab key={name} value={name} data-testid={`analysis-tab-${name}`}>
              {t(`analysis.tabs.${name}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      {tab === 'rfm' && <RfmPanel onShowCustomers={onShowCustomers} />}
      {tab === 'pareto' && <ParetoPanel onShowCustomers={onShowCustomers} />}
      {tab === 'attrition' && <AttritionPanel onShowCustomers={onShowCustomers} />}
    </Stack>
  );
};
