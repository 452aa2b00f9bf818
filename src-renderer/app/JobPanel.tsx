import type { ReactNode } from 'react';
import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { JobProgress } from '@contract';
import { useFormatters } from './format';

export type JobPanelProps = {
  title: ReactNode;
  /** The bar's accessible name. */
  label: string;
  progress: JobProgress | null;
  cancelling: boolean;
  onCancel(): void;
  /** Prefix of the testids: `<id>` (panel), `<id>-phase`, `<id>-count`, `<id>-cancel`. */
  testId: string;
  note?: ReactNode;
  maw?: number;
};

/** Job phases are locale keys chosen by the store (`demo.customers`); an unknown one gets a neutral label. */
const phaseKey = (phase: string): string => `jobs.phase.${phase}`;

/**
 * A running background job (demo, import, duplicate finder): what it is
 * doing, how far it is, and Cancel. One look for all of them.
 */
export const JobPanel = ({ title, label, progress: p, cancelling, onCancel, testId, note, maw = 560 }: JobPanelProps) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const pct = p !== null && p.total > 0 ? Math.min(100, (p.done / p.total) * 100) : 0;
  return (
    <Paper withBorder p="lg" w="100%" maw={maw} data-testid={testId}>
      <Stack>
        {typeof title === 'string' ? <Text fw={600}>{title}</Text> : title}
        <Text size="sm" c="dimmed" data-testid={`${testId}-phase`}>
          {p === null ? t('jobs.starting') : t(phaseKey(p.phase), { defaultValue: t('jobs.working') })}
        </Text>
        <Progress value={pct} animated={p === null} size="lg" aria-label={label} />
        {p !== null && p.total > 1 && (
          <Text size="sm" ta="right" data-testid={`${testId}-count`}>
            {t('jobs.progress', { done: fmt.number(p.done), total: fmt.number(p.total) })}
          </Text>
        )}
        {note !== undefined && (
          <Text size="sm" c="dimmed" component="div">
            {note}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} loading={cancelling} data-testid={`${testId}-cancel`}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
};
