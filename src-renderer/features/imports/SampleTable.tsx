import { Alert, Badge, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportKindName, ImportPreview, RowIssue } from '@contract';
import { useFormatters } from '../../app/format';
import { isNotice, issueKey, reasonText, storedLabel, storedText } from './labels';

/**
 * Fields worth a column: those holding something in the sample or named by an
 * issue, in the store's order. A field no column feeds stays out of the way.
 */
const shownKeys = (preview: ImportPreview): string[] => {
  const used = new Set<string>();
  for (const row of preview.sample) {
    for (const [key, value] of Object.entries(row.values)) if (value !== null) used.add(key);
    for (const issue of row.issues) {
      if (isNotice(issue)) continue;
      const key = issueKey(issue.field);
      if (key !== null) used.add(key);
    }
  }
  const order = preview.sample[0] === undefined ? [] : Object.keys(preview.sample[0].values);
  return [...order.filter((k) => used.has(k)), ...[...used].filter((k) => !order.includes(k))];
};

export type SampleTableProps = { preview: ImportPreview; kind: ImportKindName };

/** The first rows after normalisation (dates read, phones and postcodes repaired), each problem in place. */
export const SampleTable = ({ preview, kind }: SampleTableProps) => {
  const { t } = useTranslation();
  const keys = shownKeys(preview);
  const withIssues = preview.sample.filter((r) => r.issues.some((i) => !isNotice(i))).length;

  return (
    <Stack gap="xs">
      <Title order={4}>{t('imports.sample.title')}</Title>
      {preview.sample.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="import-sample-empty">
          {t('imports.sample.none')}
        </Text>
      ) : (
        <>
          {withIssues > 0 && (
            <Alert color="orange" py="xs" data-testid="import-sample-issues">
              {t('imports.sample.withIssues', { count: withIssues, n: withIssues })}
            </Alert>
          )}
          <Table.ScrollContainer minWidth={Math.max(640, 140 * (keys.length + 2))}>
            <Table striped withTableBorder withColumnBorders fz="xs" data-testid="import-sample">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('imports.sample.line')}</Table.Th>
                  {/* next to the line: with twenty columns the table scrolls, and what is wrong must be in sight */}
                  <Table.Th>{t('imports.sample.issues')}</Table.Th>
                  {keys.map((k) => (
                    <Table.Th key={k} data-testid={`sample-head-${k}`}>
                      {storedLabel(t, kind, k)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {preview.sample.map((row) => (
                  <Table.Tr key={row.line} data-testid="sample-row" data-line={row.line} data-issues={row.issues.length}>
                    <Table.Td>{row.line}</Table.Td>
                    <Table.Td data-testid="sample-issues">
                      <Stack gap={2} align="flex-start">
                        {!row.issues.some((i) => !isNotice(i)) && (
                          <Badge color="teal" variant="light" tt="none" size="sm">
                            {t('imports.sample.ok')}
                          </Badge>
                        )}
                        {row.issues.map((issue, n) => (
                          <Text key={n} size="xs" c={isNotice(issue) ? 'dimmed' : 'red.8'}>
                            {reasonText(t, issue.reason)}
                          </Text>
                        ))}
                      </Stack>
                    </Table.Td>
                    {keys.map((k) => (
                      <SampleCell key={k} field={k} value={row.values[k] ?? null} issues={row.issues.filter((i) => issueKey(i.field) === k)} />
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Text size="xs" c="dimmed">
            {t('imports.sample.shown', { count: preview.sample.length, n: preview.sample.length })}
          </Text>
        </>
      )}
    </Stack>
  );
};

const SampleCell = ({ field, value, issues }: { field: string; value: string | null; issues: RowIssue[] }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const errors = issues.filter((i) => !isNotice(i));
  const bad = errors.length > 0;
  // a refused value is not stored: show what was read, struck through in red
  const shown = value !== null ? storedText(t, fmt, field, value) : bad ? (errors[0]?.value ?? '') : '';
  return (
    <Table.Td
      data-testid={`sample-cell-${field}`}
      data-issue={bad ? errors.map((i) => i.reason).join(' ') : undefined}
      style={bad ? { background: 'var(--mantine-color-red-light)' } : undefined}
      title={issues.length > 0 ? issues.map((i) => reasonText(t, i.reason)).join('\n') : undefined}
    >
      <Text size="xs" c={bad ? 'red.9' : undefined} td={bad && value === null ? 'line-through' : undefined}>
        {shown}
      </Text>
    </Table.Td>
  );
};
