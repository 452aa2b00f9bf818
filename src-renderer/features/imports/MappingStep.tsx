import { useMemo } from 'react';
import { Alert, Badge, Group, Loader, NativeSelect, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportKindName, ImportPreview, RowIssue } from '@contract';
import {
  columnsOf,
  encodingLabel,
  headerText,
  isConsentTarget,
  isNotice,
  reasonText,
  separatorLabel,
  targetGroup,
  targetLabel,
  type Mapping,
} from './labels';
import { SampleTable } from './SampleTable';
import type { FirstMapping, ImportWizard } from './use-import';

type Origin = 'guessed' | 'remembered' | 'edited' | 'unrecognised' | 'ignored';

const BADGE_COLOR: Record<Origin, string> = {
  guessed: 'blue',
  remembered: 'teal',
  edited: 'orange',
  unrecognised: 'gray',
  ignored: 'gray',
};

const originOf = (first: FirstMapping | null, mapping: Mapping, i: number): Origin => {
  const now = mapping[i] ?? null;
  const then = first?.mapping[i] ?? null;
  if (now !== then) return 'edited';
  if (first?.source === 'remembered') return now === null ? 'ignored' : 'remembered';
  return now === null ? 'unrecognised' : 'guessed';
};

/** A few distinct values of a column, as read, so the user sees what it holds before choosing. */
const samplesOf = (preview: ImportPreview, i: number, max = 3): string[] => {
  const seen: string[] = [];
  for (const row of preview.sample) {
    const v = (row.cells[i] ?? '').trim();
    if (v !== '' && !seen.includes(v)) seen.push(v);
    if (seen.length >= max) break;
  }
  return seen;
};

/** Refused values of the sample, per file column: a column full of them is usually mapped wrongly. */
const errorsByColumn = (preview: ImportPreview, mapping: Mapping): Map<number, RowIssue[]> => {
  const out = new Map<number, RowIssue[]>();
  for (const row of preview.sample) {
    for (const issue of row.issues) {
      if (isNotice(issue)) continue;
      for (const i of columnsOf(issue.field, mapping)) out.set(i, [...(out.get(i) ?? []), issue]);
    }
  }
  return out;
};

const GROUP_ORDER = ['identity', 'contact', 'profile', 'consent', 'purchase', 'other'];

const useTargetOptions = (kind: ImportKindName, targets: readonly string[]) => {
  const { t } = useTranslation();
  return useMemo(() => {
    const groups = new Map<string, { value: string; label: string }[]>();
    for (const target of targets) {
      const g = targetGroup(kind, target);
      groups.set(g, [...(groups.get(g) ?? []), { value: target, label: targetLabel(t, kind, target) }]);
    }
    return [
      { value: '', label: t('imports.mapping.ignore') },
      ...GROUP_ORDER.filter((g) => groups.has(g)).map((g) => ({ group: t(`imports.mapping.groups.${g}`), items: groups.get(g) ?? [] })),
    ];
  }, [kind, t, targets]);
};

export type MappingStepProps = { wizard: ImportWizard; focusColumn: number | null };

/** Step 2: what was read, each column with its samples and target, and the rows as they will be stored. */
export const MappingStep = ({ wizard, focusColumn }: MappingStepProps) => {
  const { t } = useTranslation();
  const { preview, mapping, first, kind } = wizard;
  const options = useTargetOptions(kind, preview?.targets ?? []);
  if (preview === null) return null;
  const fixed = preview.format === 'vcard';
  const ignored = mapping.filter((m) => m === null).length;
  const refused = errorsByColumn(preview, mapping);

  return (
    <Stack>
      <Paper withBorder p="md" data-testid="import-file-summary">
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          <Summary label={t('imports.file.format')} value={t(`imports.file.formats.${preview.format}`)} testId="import-format" />
          <Summary label={t('imports.file.encoding')} value={encodingLabel(t, preview.encoding)} testId="import-encoding" />
          <Summary label={t('imports.file.separator')} value={separatorLabel(t, preview.delimiter)} testId="import-separator" />
          <Summary label={t('imports.file.columns')} value={String(preview.headers.length)} testId="import-columns" />
        </SimpleGrid>
      </Paper>

      <Group justify="space-between" align="flex-end">
        <Title order={4}>{t('imports.mapping.title')}</Title>
        {wizard.refreshing && (
          <Group gap={6} data-testid="import-refreshing">
            <Loader size="xs" />
            <Text size="xs" c="dimmed">
              {t('imports.mapping.refreshing')}
            </Text>
          </Group>
        )}
      </Group>
      <Alert color={first?.source === 'remembered' ? 'teal' : 'blue'} data-testid="import-mapping-source" data-source={first?.source}>
        {fixed ? t('imports.mapping.vcard') : first?.source === 'remembered' ? t('imports.mapping.remembered') : t('imports.mapping.guessed')}
      </Alert>

      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="xs" data-testid="import-mapping">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="22%">{t('imports.mapping.column')}</Table.Th>
              <Table.Th w="34%">{t('imports.mapping.samples')}</Table.Th>
              <Table.Th w="30%">{t('imports.mapping.target')}</Table.Th>
              <Table.Th>{t('imports.mapping.how')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {preview.headers.map((_, i) => {
              const target = mapping[i] ?? null;
              const origin = originOf(first, mapping, i);
              const header = headerText(t, preview.headers, i);
              const samples = samplesOf(preview, i);
              const earlier = target === null ? -1 : mapping.findIndex((m, j) => j !== i && m === target);
              return (
                <Table.Tr
                  key={i}
                  data-testid="mapping-row"
                  data-column={i}
                  data-target={target ?? ''}
                  style={{
                    opacity: target === null && focusColumn !== i ? 0.65 : undefined,
                    background: focusColumn === i ? 'var(--mantine-color-yellow-light)' : undefined,
                  }}
                >
                  <Table.Td>
                    <Text size="sm" fw={600} data-testid={`mapping-header-${i}`}>
                      {header}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {samples.length === 0 ? (
                      <Text size="xs" c="dimmed" fs="italic">
                        {t('imports.mapping.noSample')}
                      </Text>
                    ) : (
                      <Text size="xs" c="dimmed" lineClamp={2} data-testid={`mapping-samples-${i}`}>
                        {samples.join(' · ')}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={4}>
                      <NativeSelect
                        size="xs"
                        aria-label={t('imports.mapping.selectLabel', { column: header })}
                        data={options}
                        value={target ?? ''}
                        disabled={fixed || wizard.running !== null}
                        onChange={(e) => void wizard.setColumn(i, e.currentTarget.value === '' ? null : e.currentTarget.value)}
                        data-testid={`mapping-select-${i}`}
                        autoFocus={focusColumn === i}
                      />
                      {earlier >= 0 && (
                        <Text size="xs" c="orange.8" data-testid={`mapping-shared-${i}`}>
                          {t('imports.mapping.sharedTarget', { column: headerText(t, preview.headers, earlier) })}
                        </Text>
                      )}
                      {(refused.get(i)?.length ?? 0) > 0 && (
                        <Text size="xs" c="red.8" data-testid={`mapping-refused-${i}`}>
                          {t('imports.mapping.refused', {
                            count: refused.get(i)?.length ?? 0,
                            n: refused.get(i)?.length ?? 0,
                            reason: reasonText(t, refused.get(i)?.[0]?.reason ?? ''),
                          })}
                        </Text>
                      )}
                      {isConsentTarget(target) && (
                        <Text size="xs" c="dimmed" data-testid={`mapping-consent-${i}`}>
                          {t('imports.mapping.consentHint')}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={BADGE_COLOR[origin]} tt="none" data-testid={`mapping-origin-${i}`} data-origin={origin}>
                      {t(`imports.mapping.badge.${origin}`)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {ignored > 0 && (
        <Text size="sm" c="dimmed" data-testid="import-ignored-count">
          {t('imports.mapping.ignoredCount', { count: ignored, n: ignored })}
        </Text>
      )}

      <SampleTable preview={preview} kind={kind} />
    </Stack>
  );
};

const Summary = ({ label, value, testId }: { label: string; value: string; testId: string }) => (
  <Stack gap={0}>
    <Text size="xs" c="dimmed">
      {label}
    </Text>
    <Text size="sm" fw={600} data-testid={testId}>
      {value}
    </Text>
  </Stack>
);
