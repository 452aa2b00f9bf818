import { Alert, Anchor, Button, Group, Stack, Text } from '@mantine/core';
import { IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useFormatters } from '../../app/format';
import { routeHref } from '../../app/router';
import { JobPanel } from '../../app/JobPanel';
import { fileErrorText } from './labels';
import { ReportView } from './ReportView';
import type { ImportWizard } from './use-import';

export type CommitStepProps = {
  wizard: ImportWizard;
  onRestart(): void;
  onBackToCheck(): void;
  onOpenHistory(): void;
};

/** Step 4: the all-or-nothing import running (progress, cancel), then what it did. */
export const CommitStep = ({ wizard, onRestart, onBackToCheck, onOpenHistory }: CommitStepProps) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { running, outcome, preview, file, kind } = wizard;

  if (running !== null && running.mode === 'commit') {
    return (
      <JobPanel
        title={t('imports.commit.running')}
        label={t('imports.commit.running')}
        note={t('imports.commit.atomic')}
        progress={running.progress}
        cancelling={running.cancelling}
        onCancel={() => void wizard.cancel()}
        testId="import-progress"
        maw={640}
      />
    );
  }
  if (outcome === null || file === null || preview === null) return null;

  if (outcome.status === 'cancelled') {
    return (
      <Alert color="yellow" title={t('imports.commit.cancelledTitle')} data-testid="import-result" data-status="cancelled">
        <Stack gap="xs">
          <Text size="sm">{t('imports.commit.cancelled')}</Text>
          <Group>
            <Button size="xs" variant="light" onClick={onBackToCheck} data-testid="import-back-to-check">
              {t('imports.commit.backToCheck')}
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }
  if (outcome.status === 'failed') {
    return (
      <Alert color="red" title={t('imports.commit.errorTitle')} data-testid="import-result" data-status="failed">
        <Stack gap="xs">
          <Text size="sm">{fileErrorText(t, outcome.error)}</Text>
          <Text size="sm">{t('imports.commit.cancelled')}</Text>
          <Group>
            <Button size="xs" variant="light" onClick={onBackToCheck} data-testid="import-back-to-check">
              {t('imports.commit.backToCheck')}
            </Button>
          </Group>
        </Stack>
      </Alert>
    );
  }

  const { report, settings } = outcome;
  const refused = report.errorCount;
  const reportView = (
    <ReportView report={report} kind={kind} fileName={file.name} headers={preview.headers} mapping={settings.mapping} />
  );
  if (refused > 0) {
    // the file changed since the check, or a row met data written meanwhile: the store rolled everything back
    return (
      <Stack>
        <Alert color="red" title={t('imports.commit.failedTitle')} data-testid="import-result" data-status="refused">
          <Stack gap="xs">
            <Text size="sm">{t('imports.commit.failedRows', { count: refused, n: fmt.number(refused) })}</Text>
            <Group>
              <Button size="xs" variant="light" onClick={onBackToCheck} data-testid="import-back-to-check">
                {t('imports.commit.backToCheck')}
              </Button>
            </Group>
          </Stack>
        </Alert>
        {reportView}
      </Stack>
    );
  }
  return (
    <Stack>
      <Alert
        color="teal"
        title={t('imports.commit.doneTitle')}
        data-testid="import-result"
        data-status="done"
        data-changes={String(report.changesBase)}
      >
        <Stack gap="xs">
          <Text size="sm">{t('imports.commit.done', { file: file.name })}</Text>
          {/* an undo hint over an import that changed nothing would promise something to undo */}
          <Text size="sm" c="dimmed">
            {report.changesBase ? t('imports.commit.undoHint') : t('imports.commit.unchanged', { context: kind })}
          </Text>
          <Group gap="md">
            {kind === 'contacts' && (
              <Button
                component="a"
                href={routeHref({ name: 'contacts' })}
                size="xs"
                leftSection={<IconUsers size={14} />}
                data-testid="import-open-contacts"
              >
                {t('imports.commit.openContacts')}
              </Button>
            )}
            <Anchor component="button" size="sm" onClick={onOpenHistory} data-testid="import-open-history">
              {t('imports.commit.openHistory')}
            </Anchor>
            <Anchor component="button" size="sm" onClick={onRestart} data-testid="import-restart">
              {t('imports.nav.restart')}
            </Anchor>
          </Group>
        </Stack>
      </Alert>
      {reportView}
    </Stack>
  );
};
