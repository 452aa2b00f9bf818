import { useRef, useState, type DragEvent } from 'react';
import { Alert, Button, Group, Loader, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconFileSpreadsheet, IconUpload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { importKinds, type ImportKindName } from '@contract';
import { useFormatters } from '../../app/format';
import { fileErrorText } from './labels';
import type { ImportWizard } from './use-import';

/** What the picker offers; the importer still decides by the file's bytes, not its name. */
export const ACCEPTED_FILES = '.csv,.tsv,.txt,.xlsx,.vcf,.vcard,text/csv,text/plain,text/vcard,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const isKind = (v: string): v is ImportKindName => (importKinds as readonly string[]).includes(v);

export type FileStepProps = { wizard: ImportWizard; onNext(): void };

/** Step 1: what the file holds, then the file itself (dropped or picked). */
export const FileStep = ({ wizard, onNext }: FileStepProps) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const busy = wizard.uploading !== null;

  const take = (files: FileList | null) => {
    const picked = files?.[0];
    if (picked === undefined || busy) return;
    void wizard.chooseFile(picked).then((ok) => ok && onNext());
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    take(e.dataTransfer.files);
  };

  return (
    <Stack maw={760}>
      <Stack gap={4}>
        <Text fw={600} size="sm">
          {t('imports.kind.label')}
        </Text>
        <SegmentedControl
          value={wizard.kind}
          onChange={(v) => isKind(v) && wizard.setKind(v)}
          data={importKinds.map((k) => ({ value: k, label: t(`imports.kind.${k}`) }))}
          disabled={busy}
          maw={360}
          data-testid="import-kind"
        />
      </Stack>
      <Paper
        withBorder
        p="xl"
        radius="md"
        data-testid="import-dropzone"
        data-over={over || undefined}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={(e) => {
          // leaving for one of its own children is not leaving
          if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setOver(false);
        }}
        onDrop={onDrop}
        style={{
          borderStyle: 'dashed',
          borderWidth: 2,
          borderColor: over ? 'var(--mantine-color-blue-6)' : undefined,
          background: over ? 'var(--mantine-color-blue-light)' : undefined,
        }}
      >
        <Stack align="center" gap="xs">
          {busy ? <Loader size="md" /> : <IconUpload size={36} stroke={1.5} aria-hidden />}
          <Text fw={600}>{busy ? t('imports.drop.uploading', { name: wizard.uploading }) : t('imports.drop.title')}</Text>
          <Text size="sm" c="dimmed">
            {t('imports.drop.or')}
          </Text>
          <Button onClick={() => input.current?.click()} disabled={busy} data-testid="import-pick">
            {t('imports.drop.pick')}
          </Button>
          <input
            ref={input}
            type="file"
            accept={ACCEPTED_FILES}
            style={{ display: 'none' }}
            data-testid="import-file-input"
            onChange={(e) => {
              take(e.currentTarget.files);
              // the same file can be chosen again after fixing it in Excel
              e.currentTarget.value = '';
            }}
          />
          <Text size="xs" c="dimmed" ta="center" maw={520}>
            {t('imports.drop.hint')}
          </Text>
        </Stack>
      </Paper>
      {wizard.fileError !== null && (
        <Alert color="red" title={t('imports.drop.refused')} data-testid="import-file-error">
          {fileErrorText(t, wizard.fileError)}
        </Alert>
      )}
      {wizard.file !== null && wizard.preview !== null && (
        <Group justify="space-between">
          <Group gap="xs">
            <IconFileSpreadsheet size={18} aria-hidden />
            <Text size="sm" data-testid="import-file-name">
              {t('imports.drop.loaded', { name: wizard.file.name, size: fmt.bytes(wizard.file.size) })}
            </Text>
          </Group>
          <Button onClick={onNext} data-testid="import-to-mapping">
            {t('imports.nav.toMapping')}
          </Button>
        </Group>
      )}
    </Stack>
  );
};
