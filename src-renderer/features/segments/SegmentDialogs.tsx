import { useState } from 'react';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { AppError, SEGMENT_NAME_MAX, type Segment, type SegmentDefinition } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorCode, errorMessage, serverIssues, validationMessage } from '../../app/errors';
import { notifySuccess } from '../../app/notify';
import { segmentsChanged } from './use-segments';

const nameCodes: ReadonlySet<string> = new Set(['duplicate_name', 'required', 'too_long', 'invalid_chars']);

/** What the store said about a name, on the name field: its own codes first, then the shared validation ones. */
export const nameMessage = (t: TFunction, code: string): string =>
  nameCodes.has(code) ? t(`segments.errors.name_${code}`) : validationMessage(t, code);

/**
 * A failed save split between the name field and the rest: a name already
 * taken (CONFLICT) or refused belongs on the field, anything else above the form.
 */
export const saveFailure = (t: TFunction, error: unknown): { name: string | null; form: string | null } => {
  const issues = serverIssues(error) ?? [];
  const onName = issues.find((i) => i.path === 'name' || i.path.startsWith('name.'));
  if (onName !== undefined) return { name: nameMessage(t, onName.code), form: null };
  const reason = error instanceof AppError ? error.details?.reason : undefined;
  if (errorCode(error) === 'CONFLICT' && (reason === undefined || reason === 'duplicate_name')) {
    return { name: nameMessage(t, 'duplicate_name'), form: null };
  }
  const onDefinition = issues.find((i) => i.path.startsWith('definition'));
  if (onDefinition !== undefined) {
    const known = t(`segments.errors.${onDefinition.code}`, { defaultValue: '' });
    return { name: null, form: t('segments.errors.definition', { reason: known !== '' ? known : validationMessage(t, onDefinition.code) }) };
  }
  return { name: null, form: errorMessage(t, error) };
};

export type RenameDialogProps = { segment: Segment | null; onClose(): void };

/** Renames without opening the builder; the name's errors show on the field. */
export const RenameDialog = ({ segment, onClose }: RenameDialogProps) => {
  const { t } = useTranslation();
  return (
    <Modal opened={segment !== null} onClose={onClose} title={<Text fw={600}>{t('segments.rename.title')}</Text>} centered>
      {segment !== null && <RenameBody key={segment.id} segment={segment} onClose={onClose} />}
    </Modal>
  );
};

const RenameBody = ({ segment, onClose }: { segment: Segment; onClose(): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  return (
    <NameForm
      initial={segment.name}
      submitLabel={t('segments.rename.save')}
      testPrefix="segment-rename"
      onCancel={onClose}
      onSubmit={async (name) => {
        const result = await api.call('segments.update', { id: segment.id, name });
        segmentsChanged();
        notifySuccess(t('segments.rename.done', { name: result.name }));
        onClose();
      }}
    />
  );
};

export type SaveAsDialogProps = {
  /** The unsaved definition (a chart or a cell clicked through) and the name it was shown under; null: closed. */
  draft: { name: string; definition: SegmentDefinition } | null;
  onClose(): void;
  onSaved(segment: Segment): void;
};

/** Keeps what the list shows as a saved segment, to export it or target it later. */
export const SaveAsDialog = ({ draft, onClose, onSaved }: SaveAsDialogProps) => {
  const api = useApi();
  const { t } = useTranslation();
  return (
    <Modal opened={draft !== null} onClose={onClose} title={<Text fw={600}>{t('segments.saveAs.title')}</Text>} centered>
      {draft !== null && (
        <NameForm
          initial={draft.name}
          submitLabel={t('segments.saveAs.save')}
          testPrefix="segment-save-as"
          onCancel={onClose}
          onSubmit={async (name) => {
            const created = await api.call('segments.create', { name, definition: draft.definition });
            segmentsChanged();
            notifySuccess(t('segments.saveAs.done', { name: created.name }));
            onSaved(created);
          }}
        />
      )}
    </Modal>
  );
};

type NameFormProps = {
  initial: string;
  submitLabel: string;
  testPrefix: string;
  onCancel(): void;
  /** Throws what the store said: a name taken or refused shows on the field. */
  onSubmit(name: string): Promise<void>;
};

const NameForm = ({ initial, submitLabel, testPrefix, onCancel, onSubmit }: NameFormProps) => {
  const { t } = useTranslation();
  const [name, setName] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const trimmed = name.trim();
    if (trimmed === '') {
      setError(nameMessage(t, 'required'));
      return;
    }
    setBusy(true);
    try {
      await onSubmit(trimmed);
    } catch (failure) {
      const split = saveFailure(t, failure);
      setError(split.name ?? split.form);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack>
      <TextInput
        label={t('segments.builder.name')}
        value={name}
        onChange={(e) => {
          setName(e.currentTarget.value);
          setError(null);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') void save();
        }}
        error={error}
        maxLength={SEGMENT_NAME_MAX}
        data-autofocus
        data-testid={`${testPrefix}-input`}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel} disabled={busy} data-testid={`${testPrefix}-cancel`}>
          {t('common.cancel')}
        </Button>
        <Button onClick={() => void save()} loading={busy} data-testid={`${testPrefix}-save`}>
          {submitLabel}
        </Button>
      </Group>
    </Stack>
  );
};

export type DeleteDialogProps = { segment: Segment | null; onClose(): void; onDeleted?(): void };

/** Deleting a segment touches no contact: the dialog says so. */
export const DeleteDialog = ({ segment, onClose, onDeleted }: DeleteDialogProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  return (
    <ConfirmDialog
      opened={segment !== null}
      title={t('segments.delete.title')}
      confirmLabel={t('segments.delete.confirm')}
      danger
      testId="segment-delete-confirm"
      onConfirm={async () => {
        if (segment === null) return;
        try {
          await api.call('segments.delete', { id: segment.id });
          setError(null);
          segmentsChanged();
          notifySuccess(t('segments.delete.done', { name: segment.name }));
          onClose();
          onDeleted?.();
        } catch (failure) {
          setError(errorMessage(t, failure));
        }
      }}
      onClose={() => {
        setError(null);
        onClose();
      }}
    >
      {segment !== null && t('segments.delete.body', { name: segment.name })}
      {error !== null && (
        <Text c="red" size="sm" mt="xs" data-testid="segment-delete-error">
          {error}
        </Text>
      )}
    </ConfirmDialog>
  );
};
