import { Alert, Button, Group, Paper, Radio, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPlay, IconRefresh, IconUpload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { duplicatePolicies, type DuplicatePolicy } from '@contract';
import { useFormatters } from '../../app/format';
import { JobPanel } from '../../app/JobPanel';
import { fileErrorText } from './labels';
import { ReportView } from './ReportView';
import { policiesFor, type ImportWizard } from './use-import';

const isPolicy = (v: string): v is DuplicatePolicy => (duplicatePolicies as readonly string[]).includes(v);

export type CheckStepProps = {
  wizard: ImportWizard;
  onEditColumn(index: number): void;
  onChangeFile(): void;
  onCommit(): void;
};

/** Step 3: the duplicate policy, the dry run and its report; the import is offered only after a clean, current one. */
export const CheckStep = ({ wizard, onEditColumn, onChangeFile, onCommit }: CheckStepProps) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { check, running, kind, preview, file } = wizard;
  const dryRunning = running?.mode === 'dry';
  const errors = check?.report.errorCount ?? 0;
  const clean = check !== null && wizard.checkIsFresh && errors === 0;

  return (
    <Stack>
      <Paper withBorder p="md">
        <Radio.Group
          value={wizard.policy}
          onChange={(v) => isPolicy(v) && wizard.setPolicy(v)}
          label={<Title order={5}>{t('imports.policy.title')}</Title>}
          data-testid="import-policy"
        >
          <Stack gap="sm" mt="xs">
            {policiesFor(kind).map((p) => (
              <Radio
                key={p}
                value={p}
                label={t(`imports.policy.${kind}.${p}`)}
                description={t(`imports.policy.${kind}.${p}Help`)}
                disabled={running !== null}
                data-testid={`import-policy-${p}`}
              />
            ))}
          </Stack>
        </Radio.Group>
        {kind === 'contacts' && (
          <Text size="xs" c="dimmed" mt="sm">
            {t('imports.policy.sameName')}
          </Text>
        )}
      </Paper>

      {running !== null && dryRunning ? (
        <JobPanel
          title={t('imports.check.running')}
          label={t('imports.check.running')}
          progress={running.progress}
          cancelling={running.cancelling}
          onCancel={() => void wizard.cancel()}
          testId="import-progress"
          maw={640}
        />
      ) : (
        <Group justify="space-between" align="center">
          <Text size="sm" c="dimmed" maw={640}>
            {t('imports.check.intro', { context: kind })}
          </Text>
          <Button
            leftSection={check === null ? <IconPlayerPlay size={16} /> : <IconRefresh size={16} />}
            variant={check === null || !wizard.checkIsFresh ? 'filled' : 'light'}
            onClick={() => void wizard.runCheck()}
            disabled={running !== null}
            data-testid="import-dry-run"
          >
            {check === null ? t('imports.check.run') : t('imports.check.rerun')}
          </Button>
        </Group>
      )}

      {wizard.checkError !== null && !dryRunning && (
        <Alert color="red" data-testid="import-check-error">
          {fileErrorText(t, wizard.checkError)}
        </Alert>
      )}

      {check !== null && !dryRunning && (
        <>
          {!wizard.checkIsFresh && (
            <Alert color="yellow" data-testid="import-check-stale">
              {t('imports.check.stale')}
            </Alert>
          )}
          {wizard.checkIsFresh && errors > 0 && (
            <Alert color="red" title={t('imports.check.blockedTitle', { count: errors, n: fmt.number(errors) })} data-testid="import-blocked">
              <Stack gap="xs">
                <Text size="sm">{t('imports.check.blocked')}</Text>
                <Group gap="xs">
                  <Button size="xs" variant="light" onClick={() => onEditColumn(-1)} data-testid="import-edit-mapping">
                    {t('imports.check.editMapping')}
                  </Button>
                  <Button size="xs" variant="default" leftSection={<IconUpload size={14} />} onClick={onChangeFile} data-testid="import-change-file">
                    {t('imports.check.changeFile')}
                  </Button>
                </Group>
              </Stack>
            </Alert>
          )}
          {clean && (
            <Paper withBorder p="md" data-testid="import-ready" data-changes={String(check.report.changesBase)}>
              <Group justify="space-between" align="center">
                {/* the same file again: importing it would only add a line to the history */}
                <Text size="sm" maw={560}>
                  {check.report.changesBase ? t('imports.check.ready') : t('imports.check.readyUnchanged', { context: kind })}
                </Text>
                <Button
                  onClick={onCommit}
                  disabled={running !== null}
                  variant={check.report.changesBase ? 'filled' : 'default'}
                  data-testid="import-commit"
                >
                  {t('imports.check.commit', { count: check.report.rows, n: fmt.number(check.report.rows) })}
                </Button>
              </Group>
            </Paper>
          )}
          {preview !== null && file !== null && (
            <ReportView
              report={check.report}
              kind={kind}
              fileName={file.name}
              headers={preview.headers}
              mapping={check.mapping}
              onEditColumn={onEditColumn}
            />
          )}
        </>
      )}
    </Stack>
  );
};
