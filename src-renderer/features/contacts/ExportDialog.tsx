import { useEffect, useState } from 'react';
import { Alert, Button, Group, Modal, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { errorCode, errorMessage } from '../../app/errors';
import type { CallInput, ContactFilter, ExportResult } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { currentLanguage } from '../../app/i18n';
import { parseTarget } from '../consent/labels';
import { ExcludedCounts, MarketingOption } from '../consent/MarketingExport';
import type { BulkTarget } from './list-selection';

export type ExportScope = 'selection' | 'filter' | 'all';
type Format = 'csv' | 'xlsx' | 'vcf';
type Encoding = 'utf-8-bom' | 'windows-1252';
type Delimiter = ';' | ',';
type Options = { format: Format; encoding: Encoding; delimiter: Delimiter };

const formats: readonly Format[] = ['csv', 'xlsx', 'vcf'];
const encodings: readonly Encoding[] = ['utf-8-bom', 'windows-1252'];
const delimiters: readonly { value: Delimiter; key: string }[] = [
  { value: ';', key: 'semicolon' },
  { value: ',', key: 'comma' },
];

export type ExportDialogProps = {
  opened: boolean;
  /** The scope ticked when the dialog opens (a missing one falls back to the next broader). */
  initialScope: ExportScope;
  /** The ticked rows, or everything matching when "all matching" was chosen; null: nothing ticked. */
  selection: { target: BulkTarget; count: number | null } | null;
  /** The list's search and filters; null when they narrow nothing. `label` names it otherwise (a saved segment). */
  filter: { filter: ContactFilter; count: number | null; label?: string } | null;
  onClose(): void;
};

/**
 * Contacts out to a file the user opens elsewhere: CSV for Excel (the two
 * encodings and separators French and older Excels expect), .xlsx or vCard.
 * The format choices outlive the dialog, for the next export of the session.
 */
export const ExportDialog = (props: ExportDialogProps) => {
  const { t } = useTranslation();
  const [options, setOptions] = useState<Options>({ format: 'csv', encoding: 'utf-8-bom', delimiter: ';' });
  // a running export finishes in the dialog that started it: its result and download must not vanish
  const [busy, setBusy] = useState(false);
  return (
    <Modal
      opened={props.opened}
      onClose={busy ? () => {} : props.onClose}
      title={<Text fw={600}>{t('export.title')}</Text>}
      size="lg"
      centered
    >
      <ExportBody {...props} options={options} onOptions={setOptions} busy={busy} onBusy={setBusy} />
    </Modal>
  );
};

type BodyProps = ExportDialogProps & {
  options: Options;
  onOptions(next: Options): void;
  busy: boolean;
  onBusy(busy: boolean): void;
};

const firstScope = (wanted: ExportScope, props: ExportDialogProps): ExportScope => {
  if (wanted === 'selection' && props.selection !== null) return 'selection';
  if (wanted !== 'all' && props.filter !== null) return 'filter';
  return 'all';
};

/** Mounted each time the dialog opens: scope and result start afresh. */
const ExportBody = (props: BodyProps) => {
  const { selection, filter, options, onOptions, busy, onBusy, onClose } = props;
  const api = useApi();
  const { t, i18n } = useTranslation();
  const fmt = useFormatters();
  const [scope, setScope] = useState<ExportScope>(() => firstScope(props.initialScope, props));
  const [wholeBase, setWholeBase] = useState<number | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState<ExportResult | null>(null);
  // "email:offers" for a campaign file, '' otherwise; chosen afresh each time, never carried over
  const [marketing, setMarketing] = useState('');

  useEffect(() => {
    let live = true;
    // without criteria the list's total is the counter the store keeps: no scan
    api.call('contacts.list', { limit: 1 }).then(
      (page) => {
        if (live) setWholeBase(page.total);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  const counted = (count: number | null, unknownKey: string): string =>
    count === null ? t(unknownKey) : t('export.scope.count', { count, n: fmt.number(count) });

  const input = (): CallInput<'contacts.export'> => {
    const what =
      scope === 'selection' && selection !== null
        ? selection.target
        : scope === 'filter' && filter !== null
          ? { filter: filter.filter }
          : {};
    const target = parseTarget(marketing);
    const chosen = target === null ? what : { ...what, marketing: target };
    // headers and words in the language the user reads the app in
    const language = currentLanguage(i18n);
    return options.format === 'csv'
      ? { ...chosen, format: 'csv', encoding: options.encoding, delimiter: options.delimiter, language }
      : { ...chosen, format: options.format, language };
  };

  const hand = async (path: string) => {
    try {
      await api.download(path);
    } catch (error) {
      // a Save dialog the user closed is a choice, not a failure
      if (errorCode(error) !== 'CANCELLED') setFailure(error);
    }
  };

  const run = async () => {
    onBusy(true);
    setFailure(null);
    try {
      const result = await api.call('contacts.export', input());
      setDone(result);
      await hand(result.path);
    } catch (error) {
      setFailure(error);
    } finally {
      onBusy(false);
    }
  };

  if (done !== null) {
    return (
      <Stack>
        <Alert color="teal" icon={<IconCheck size={18} />} data-testid="export-result">
          {t('export.done', { count: done.rows, n: fmt.number(done.rows) })}
        </Alert>
        {done.excluded !== undefined && <ExcludedCounts excluded={done.excluded} channel={parseTarget(marketing)?.channel ?? null} />}
        {done.unrepresentable > 0 && (
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />} data-testid="export-unrepresentable">
            {t('export.unrepresentable', { count: done.unrepresentable, n: fmt.number(done.unrepresentable) })}
          </Alert>
        )}
        {failure !== null && (
          <Alert color="red" data-testid="export-error">
            {errorMessage(t, failure)}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => void hand(done.path)} data-testid="export-download-again">
            {t('export.downloadAgain')}
          </Button>
          <Button onClick={onClose} data-testid="export-close" data-autofocus>
            {t('export.close')}
          </Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack>
      <Radio.Group<ExportScope> label={t('export.scope.label')} value={scope} onChange={setScope}>
        <Stack gap="xs" mt="xs">
          {selection !== null && (
            <Radio
              value="selection"
              label={t('export.scope.selection', { what: counted(selection.count, 'export.scope.allMatching') })}
              data-testid="export-scope-selection"
            />
          )}
          {filter !== null && (
            <Radio
              value="filter"
              label={filter.label ?? t('export.scope.filter', { what: counted(filter.count, 'export.scope.unknown') })}
              data-testid="export-scope-filter"
            />
          )}
          <Radio
            value="all"
            label={
              wholeBase === null ? t('export.scope.allPlain') : t('export.scope.all', { what: counted(wholeBase, 'export.scope.unknown') })
            }
            data-testid="export-scope-all"
          />
        </Stack>
      </Radio.Group>

      <MarketingOption value={marketing} onChange={setMarketing} />

      <Radio.Group<Format> label={t('export.format.label')} value={options.format} onChange={(format) => onOptions({ ...options, format })}>
        <Stack gap="xs" mt="xs">
          {formats.map((f) => (
            <Radio
              key={f}
              value={f}
              label={t(`export.format.${f}`)}
              description={t(`export.format.${f}Hint`)}
              data-testid={`export-format-${f}`}
            />
          ))}
        </Stack>
      </Radio.Group>

      {options.format === 'csv' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Radio.Group<Encoding>
            label={t('export.encoding.label')}
            value={options.encoding}
            onChange={(encoding) => onOptions({ ...options, encoding })}
          >
            <Stack gap="xs" mt="xs">
              {encodings.map((e) => (
                <Radio
                  key={e}
                  value={e}
                  label={t(`export.encoding.${e}`)}
                  description={t(`export.encoding.${e}Hint`)}
                  data-testid={`export-encoding-${e}`}
                />
              ))}
            </Stack>
          </Radio.Group>
          <Radio.Group<Delimiter>
            label={t('export.delimiter.label')}
            value={options.delimiter}
            onChange={(delimiter) => onOptions({ ...options, delimiter })}
          >
            <Stack gap="xs" mt="xs">
              {delimiters.map((d) => (
                <Radio
                  key={d.key}
                  value={d.value}
                  label={t(`export.delimiter.${d.key}`)}
                  description={t(`export.delimiter.${d.key}Hint`)}
                  data-testid={`export-delimiter-${d.key}`}
                />
              ))}
            </Stack>
          </Radio.Group>
        </SimpleGrid>
      )}

      {failure !== null && (
        <Alert color="red" title={t('export.failed')} data-testid="export-error">
          {errorMessage(t, failure)}
        </Alert>
      )}

      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={busy} data-testid="export-cancel">
          {t('common.cancel')}
        </Button>
        <Button leftSection={<IconDownload size={16} />} loading={busy} onClick={() => void run()} data-testid="export-run" data-autofocus>
          {t('export.run')}
        </Button>
      </Group>
    </Stack>
  );
};
