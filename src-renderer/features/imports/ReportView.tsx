import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { noticeGroups, type ImportKindName, type ImportReport } from '@contract';
import { useFormatters } from '../../app/format';
import { columnsOf, issueColumn, reasonText, type Mapping } from './labels';
import { saveReportCsv } from './report-csv';

/** Refused rows drawn at first: enough to see the pattern; the CSV has them all. */
const SHOWN = 100;

/**
 * A purchase import neither completes nor updates: its counts are sales added and left out, labelled
 * by the keys' `_purchases` variants (i18next's context: a kind without its own falls back to the plain key).
 */
const COUNTS = {
  contacts: ['rows', 'created', 'merged', 'updated', 'skipped'],
  purchases: ['rows', 'created', 'skipped'],
} as const satisfies Record<ImportKindName, readonly (keyof ImportReport)[]>;

export type ReportViewProps = {
  report: ImportReport;
  kind: ImportKindName;
  fileName: string;
  headers: readonly string[];
  mapping: Mapping;
  /** Jumps to the mapping with this column picked out (a wrong mapping is the usual cause of a column full of errors). */
  onEditColumn?(index: number): void;
};

/** Counts, refused rows (line, column, value, reason), notices and the CSV copy of it all. */
export const ReportView = ({ report, kind, fileName, headers, mapping, onEditColumn }: ReportViewProps) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [all, setAll] = useState(false);
  const errors = all ? report.errors : report.errors.slice(0, SHOWN);
  const { errorCount } = report;
  const listed = report.errors.length;

  // a column that gathers most of the errors is usually mapped wrongly: say so up front
  const byColumn = new Map<string, number>();
  for (const e of report.errors) {
    const label = issueColumn(t, kind, e.field, headers, mapping);
    if (label !== '') byColumn.set(label, (byColumn.get(label) ?? 0) + 1);
  }
  const notices = noticeGroups(report);

  return (
    <Stack data-testid="import-report" data-dry-run={report.dryRun || undefined}>
      <Group justify="space-between" align="center">
        <Title order={4}>{report.dryRun ? t('imports.report.dryTitle') : t('imports.report.title')}</Title>
        <Button
          variant="light"
          size="xs"
          leftSection={<IconDownload size={14} />}
          onClick={() => saveReportCsv(t, report, { kind, headers, mapping, fileName })}
          data-testid="report-save-csv"
        >
          {t('imports.report.saveCsv')}
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 3, sm: 6 }} spacing="xs">
        {(errorCount === 0 ? COUNTS[kind] : (['rows'] as const)).map((c) => (
          <Count key={c} label={t(`imports.report.${c}`, { context: kind })} value={fmt.number(report[c])} testId={`report-count-${c}`} />
        ))}
        <Count
          label={t('imports.report.errors')}
          value={fmt.number(errorCount)}
          testId="report-count-errors"
          color={errorCount > 0 ? 'red' : undefined}
        />
      </SimpleGrid>

      {errorCount > 0 && (
        // with a refused row nothing is written: counts shown then would read as done
        <Text size="xs" c="dimmed" data-testid="report-counts-pending">
          {t('imports.report.countsPending')}
        </Text>
      )}
      {errorCount === 0 ? (
        <Text size="sm" c="teal.8" data-testid="report-clean">
          {t('imports.report.clean')}
        </Text>
      ) : (
        <Stack gap="xs">
          <Title order={5}>{t('imports.report.errorsTitle')}</Title>
          {byColumn.size > 0 && (
            <Group gap={6} data-testid="report-by-column">
              <Text size="sm">{t('imports.report.byColumn')}</Text>
              {[...byColumn].map(([label, count]) => (
                <Badge key={label} color="red" variant="light" tt="none">
                  {label} · {fmt.number(count)}
                </Badge>
              ))}
            </Group>
          )}
          <Table.ScrollContainer minWidth={640}>
            <Table striped withTableBorder data-testid="report-errors">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={70}>{t('imports.report.line')}</Table.Th>
                  <Table.Th>{t('imports.report.column')}</Table.Th>
                  <Table.Th>{t('imports.report.value')}</Table.Th>
                  <Table.Th>{t('imports.report.reason')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {errors.map((e, n) => {
                  const column = columnsOf(e.field, mapping)[0];
                  const label = issueColumn(t, kind, e.field, headers, mapping);
                  return (
                    <Table.Tr key={n} data-testid="report-error-row" data-line={e.line} data-field={e.field ?? ''} data-reason={e.reason}>
                      <Table.Td data-testid="report-error-line">{e.line}</Table.Td>
                      <Table.Td data-testid="report-error-column">
                        {column !== undefined && onEditColumn ? (
                          <Anchor size="sm" component="button" onClick={() => onEditColumn(column)} title={t('imports.report.fixColumn')}>
                            {label}
                          </Anchor>
                        ) : (
                          label
                        )}
                      </Table.Td>
                      <Table.Td data-testid="report-error-value">
                        {e.value === '' ? (
                          <Text span size="sm" c="dimmed" fs="italic">
                            {t('imports.report.emptyValue')}
                          </Text>
                        ) : (
                          e.value
                        )}
                      </Table.Td>
                      <Table.Td data-testid="report-error-reason">{reasonText(t, e.reason)}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {!all && listed > SHOWN && (
            <Group justify="center">
              <Button variant="subtle" size="xs" onClick={() => setAll(true)} data-testid="report-show-all">
                {t('imports.report.showAll', { n: fmt.number(listed - SHOWN) })}
              </Button>
            </Group>
          )}
          {report.errorsTruncated && (
            <Text size="xs" c="dimmed" data-testid="report-truncated">
              {t('imports.report.truncated', { n: fmt.number(listed) })}
            </Text>
          )}
        </Stack>
      )}

      {notices.length > 0 && (
        <Stack gap="xs" data-testid="report-notices">
          <Title order={5}>{t('imports.report.noticesTitle')}</Title>
          {notices.map(({ reason, lines, total, more }) => (
            <Alert key={reason} color="blue" variant="light" py="xs" data-testid="report-notice" data-reason={reason}>
              <Text size="sm">{reasonText(t, reason)}</Text>
              <Text size="xs" c="dimmed">
                {t('imports.report.noticeLines', { count: total, lines: lines.join(', ') })}
                {more > 0 && ` ${t('imports.report.noticeMore', { n: fmt.number(more) })}`}
              </Text>
            </Alert>
          ))}
        </Stack>
      )}
    </Stack>
  );
};

const Count = ({ label, value, testId, color }: { label: string; value: string; testId: string; color?: string }) => (
  <Paper withBorder p="xs">
    <Text size="xl" fw={700} c={color} data-testid={testId}>
      {value}
    </Text>
    <Text size="xs" c="dimmed">
      {label}
    </Text>
  </Paper>
);
