import { Stack } from '@mantine/core';
import type { SegmentDefinition } from '@contract';
import { AtRiskTable } from './AtRiskTable';
import { ChurnChart } from './ChurnChart';
import { WinbackList } from './WinbackList';

export type AttritionPanelProps = {
  onShowCustomers(name: string, definition: SegmentDefinition): void;
};

/** Churn per month, customers at risk and the win-back list (Analyse page, "attrition" tab). */
export function AttritionPanel({ onShowCustomers }: AttritionPanelProps) {
  return (
    <Stack data-testid="attrition-panel">
      <ChurnChart onShowCustomers={onShowCustomers} />
      <AtRiskTable onShowCustomers={onShowCustomers} />
      <WinbackList onShowCustomers={onShowCustomers} />
    </Stack>
  );
}
