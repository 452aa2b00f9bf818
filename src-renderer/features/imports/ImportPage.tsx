import { useReducer, useState } from 'react';
import { Button, Group, Stack, Stepper, Tabs, Title } from '@mantine/core';
import { IconFileImport, IconHistory } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { CheckStep } from './CheckStep';
import { CommitStep } from './CommitStep';
import { FileStep } from './FileStep';
import { ImportHistory } from './ImportHistory';
import { MappingStep } from './MappingStep';
import { ResumedImport } from './ResumedImport';
import { useImportWizard } from './use-import';

type Tab = 'new' | 'history';
const isTab = (v: string | null): v is Tab => v === 'new' || v === 'history';

const STEPS = ['file', 'mapping', 'check', 'commit'] as const;

/**
 * #/imports: a file becomes contacts (or purchases) in four steps — the file,
 * its columns with the rows as they will be stored, a dry run with its row
 * report, then one all-or-nothing import — and every import can be undone
 * from the history tab.
 */
export const ImportPage = () => {
  const { t } = useTranslation();
  const wizard = useImportWizard();
  const [tab, setTab] = useState<Tab>('new');
  const [step, setStep] = useState(0);
  const [focusColumn, setFocusColumn] = useState<number | null>(null);
  const [historySignal, bumpHistory] = useReducer((n: number) => n + 1, 0);

  const { outcome, running, preview } = wizard;

  // once imported, the file's steps are history: going back would offer to import it twice
  const imported = outcome?.status === 'done' && outcome.report.errors.length === 0;
  const reachable = (s: number): boolean => {
    if (running !== null) return s === step;
    if (s === 0) return true;
    if (imported) return s === 3;
    if (s <= 2) return preview !== null;
    return outcome !== null;
  };
  const go = (s: number) => {
    if (!reachable(s)) return;
    if (s === 0 && imported) wizard.reset();
    if (s !== 1) setFocusColumn(null);
    setStep(s);
  };

  const editColumn = (index: number) => {
    setFocusColumn(index >= 0 ? index : null);
    setStep(1);
  };
  const toCheck = () => {
    setFocusColumn(null);
    setStep(2);
    // arriving with nothing checked for this mapping: check at once, the user came here for that
    if (!wizard.checkIsFresh) void wizard.runCheck();
  };
  const commit = () => {
    void wizard.commit().then((started) => started && setStep(3));
  };
  const restart = () => {
    wizard.reset();
    setStep(0);
  };

  const openHistory = () => {
    setTab('history');
    bumpHistory();
  };

  const commitStep = (
    <CommitStep
      wizard={wizard}
      onRestart={restart}
      onBackToCheck={() => go(2)}
      onOpenHistory={openHistory}
    />
  );

  return (
    <Stack data-testid="import-page">
      <Title order={2}>{t('imports.title')}</Title>
      <ResumedImport onEnded={bumpHistory} onOpenHistory={openHistory} />
      <Tabs
        value={tab}
        onChange={(v) => {
          if (!isTab(v)) return;
          setTab(v);
          // another window may have imported or undone meanwhile
          if (v === 'history') bumpHistory();
        }}
        keepMountedMode="display-none"
      >
        <Tabs.List>
          <Tabs.Tab value="new" leftSection={<IconFileImport size={16} />} data-testid="import-tab-new">
            {t('imports.tabs.new')}
          </Tabs.Tab>
          <Tabs.Tab value="history" leftSection={<IconHistory size={16} />} data-testid="import-tab-history">
            {t('imports.tabs.history')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="new" pt="md">
          <Stepper
            active={imported ? STEPS.length : step}
            onStepClick={go}
            allowNextStepsSelect={false}
            size="sm"
            data-testid="import-stepper"
            data-step={imported ? 'done' : STEPS[step]}
          >
            <Stepper.Step label={t('imports.steps.file')} description={t('imports.steps.fileHint')} data-testid="import-step-file">
              {/* not go(1): right after a file is read, this render's `preview` is still the one before it */}
              <FileStep wizard={wizard} onNext={() => setStep(1)} />
            </Stepper.Step>
            <Stepper.Step
              label={t('imports.steps.mapping')}
              description={t('imports.steps.mappingHint')}
              data-testid="import-step-mapping"
            >
              <Stack>
                <MappingStep wizard={wizard} focusColumn={focusColumn} />
                <Group justify="space-between">
                  <Button variant="default" onClick={() => go(0)} data-testid="import-back">
                    {t('imports.nav.back')}
                  </Button>
                  <Button onClick={toCheck} disabled={preview === null || wizard.refreshing} data-testid="import-to-check">
                    {t('imports.nav.toCheck')}
                  </Button>
                </Group>
              </Stack>
            </Stepper.Step>
            <Stepper.Step label={t('imports.steps.check')} description={t('imports.steps.checkHint')} data-testid="import-step-check">
              <Stack>
                <CheckStep wizard={wizard} onEditColumn={editColumn} onChangeFile={() => go(0)} onCommit={commit} />
                {running === null && (
                  <Group>
                    <Button variant="default" onClick={() => go(1)} data-testid="import-back">
                      {t('imports.nav.back')}
                    </Button>
                  </Group>
                )}
              </Stack>
            </Stepper.Step>
            <Stepper.Step label={t('imports.steps.commit')} description={t('imports.steps.commitHint')} data-testid="import-step-commit">
              {commitStep}
            </Stepper.Step>
            {/* imported: every step shows as done */}
            <Stepper.Completed>{commitStep}</Stepper.Completed>
          </Stepper>
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <ImportHistory refreshSignal={historySignal} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
};
