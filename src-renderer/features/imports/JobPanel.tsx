import { Button, Group, Paper, Progress, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../app/format';
import { phaseLabel } from '../startup/phase';
import type { Running } from './use-import';

export type JobPanelProps = { title: string; note?: string; running: Running; onCancel(): void };

/** A running dry run or import: what it is doing, how far, and Cancel (which leaves the base as it was). */
export const JobPanel = ({ title, note, running, onCancel }: JobPanelProps) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const p = running.progress;
  const pct = p !== null && p.total > 0 ? Math.min(100, (p.done / p.total) * 100) : 0;
  return (
    <Paper withBorder p="lg" maw={640} data-testid="import-progress" data-mode={running.mode}>
      <Stack>
        <Text fw={600}>{title}</Text>
        <Text size="sm" c="dimmed">
          {p === null ? t('jobs.starting') : phaseLabel(t, p.phase)}
        </Text>
        <Progress value={pct} animated={p === null} size="lg" aria-label={title} />
        {p !== null && p.total > 1 && (
          <Text size="sm" ta="right" data-testid="import-progress-count">
            {t('jobs.progress', { done: fmt.number(p.done), total: fmt.number(p.total) })}
          </Text>
        )}
        {note !== undefined && (
          <Text size="sm" c="dimmed">
            {note}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} loading={running.cancelling} data-testid="import-cancel">
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
};
