import { useEffect, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  LoadingOverlay,
  Modal,
  Radio,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowsJoin } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type {
  DuplicateContact,
  MergeFieldChoice,
  MergePreview,
  MergeResult,
  MergeSide,
  MergeUndoResult,
  MergeValue,
} from '@contract';
import { useApi } from '../../api/context';
import { errorCode, errorMessage, serverIssues, validationMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { mergeNames, mergeNoticeId, useMergeUndo } from './merge-undo';
import { defaultSurvivor, toDuplicateContact } from './pairs';
import { fieldLabel, formatValue, moveLabel, shownMoves, type ValueContext } from './values';

export type MergeDone = {
  result: MergeResult;
  /** The kept record as it is after the merge. */
  kept: DuplicateContact;
  /** The removed record as it was. */
  removed: DuplicateContact;
};

export type MergeDialogProps = {
  /** The two records to compare, in any order; null keeps the dialog closed. */
  contactIds: readonly [number, number] | null;
  onClose(): void;
  onMerged?(done: MergeDone): void;
  /** The merge was undone from the notification shown after it. */
  onUndone?(result: MergeUndoResult): void;
};

type Load = { state: 'loading' } | { state: 'ready'; preview: MergePreview } | { state: 'error'; error: unknown };

/** A value of the picker, or a dimmed "not filled in". */
const Value = ({ ctx, field, value }: { ctx: ValueContext; field: string; value: MergeValue }) => {
  const text = formatValue(ctx, field, value);
  return text === null ? (
    <Text span size="sm" c="dimmed" fs="italic">
      {ctx.t('duplicates.merge.empty')}
    </Text>
  ) : (
    <Text span size="sm" style={{ overflowWrap: 'anywhere' }}>
      {text}
    </Text>
  );
};

const MergedNotice = ({ done, onUndone }: { done: MergeDone; onUndone?: (result: MergeUndoResult) => void }) => {
  const { t } = useTranslation();
  const undo = useMergeUndo();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    const result = await undo({ mergeId: done.result.mergeId, kept: done.kept, removed: done.removed });
    setBusy(false);
    if (result !== null) onUndone?.(result);
  };
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm">
      <Text size="sm">
        {t('duplicates.merge.done', mergeNames(t, done.kept, done.removed))}
      </Text>
      <Button
        size="xs"
        variant="light"
        loading={busy}
        onClick={() => void run()}
        style={{ flexShrink: 0 }}
        data-testid="merge-undo-notice"
      >
        {t('duplicates.merge.undo')}
      </Button>
    </Group>
  );
};

type FormProps = {
  aId: number;
  bId: number;
  onBusy(busy: boolean): void;
  onClose(): void;
  onMerged?(done: MergeDone): void;
  onUndone?(result: MergeUndoResult): void;
};

const MergeForm = ({ aId, bId, onBusy, onClose, onMerged, onUndone }: FormProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  /** null until the user picks: the first preview decides which record to propose. */
  const [keptChoice, setKeptChoice] = useState<number | null>(null);
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  /** Per field, the id of the record whose value the user chose (kept across a change of survivor). */
  const [picked, setPicked] = useState<Readonly<Record<string, number>>>({});
  const [showSame, setShowSame] = useState(false);
  const [companies, setCompanies] = useState<ReadonlyMap<number, string>>(new Map());
  const [merging, setMerging] = useState(false);
  const [mergeError, setMergeError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    const run = async () => {
      try {
        let preview: MergePreview;
        if (keptChoice === null) {
          preview = await api.call('contacts.mergePreview', { keptId: aId, removedId: bId });
          if (defaultSurvivor(preview.kept, preview.removed) !== preview.kept.id) {
            preview = await api.call('contacts.mergePreview', { keptId: bId, removedId: aId });
          }
        } else {
          preview = await api.call('contacts.mergePreview', { keptId: keptChoice, removedId: keptChoice === aId ? bId : aId });
        }
        if (live) setLoad({ state: 'ready', preview });
      } catch (error) {
        if (live) setLoad({ state: 'error', error });
      }
    };
    void run();
    return () => {
      live = false;
    };
  }, [api, aId, bId, keptChoice]);

  const preview = load.state === 'ready' ? load.preview : null;
  const companyField = preview?.fields.find((f) => f.field === 'companyId');
  const companyA = typeof companyField?.kept === 'number' ? companyField.kept : null;
  const companyB = typeof companyField?.removed === 'number' ? companyField.removed : null;
  useEffect(() => {
    const ids = [companyA, companyB].filter((id): id is number => id !== null);
    if (ids.length === 0) return;
    let live = true;
    void Promise.all(
      ids.map((id) =>
        api.call('companies.get', { id }).then(
          (c) => [id, c.name] as const,
          () => null,
        ),
      ),
    ).then((found) => {
      if (live) setCompanies(new Map(found.filter((e): e is readonly [number, string] => e !== null)));
    });
    return () => {
      live = false;
    };
  }, [api, companyA, companyB]);

  if (load.state === 'loading') {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (load.state === 'error') {
    return (
      <Stack>
        <Alert color={errorCode(load.error) === 'NOT_FOUND' ? 'yellow' : 'red'} data-testid="merge-load-error">
          {errorCode(load.error) === 'NOT_FOUND' ? t('duplicates.merge.missing') : errorMessage(t, load.error)}
        </Alert>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-testid="merge-cancel">
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    );
  }

  const { kept, removed } = load.preview;
  const reloading = keptChoice !== null && keptChoice !== kept.id;
  const a = kept.id === aId ? kept : removed;
  const b = kept.id === aId ? removed : kept;
  const sides = [
    { side: 'a', contact: a },
    { side: 'b', contact: b },
  ] as const;
  const nameOf = (c: DuplicateContact) => (c.name === '' ? t('contacts.unnamed') : c.name);
  const valueOf = (f: MergeFieldChoice, id: number): MergeValue => (id === kept.id ? f.kept : f.removed);
  const chosenId = (f: MergeFieldChoice): number => picked[f.field] ?? (f.default === 'kept' ? kept.id : removed.id);
  const differing = load.preview.fields.filter((f) => f.differs);
  const same = load.preview.fields.filter((f) => !f.differs && f.kept !== null && f.kept !== '');
  const moves = shownMoves(load.preview.moves);
  const ctx: ValueContext = { t, fmt, companies };
  const issues = serverIssues(mergeError);

  const merge = async () => {
    const fields: Record<string, MergeSide> = {};
    for (const f of differing) fields[f.field] = chosenId(f) === kept.id ? 'kept' : 'removed';
    setMerging(true);
    onBusy(true);
    setMergeError(null);
    try {
      const result = await api.call('contacts.merge', { keptId: kept.id, removedId: removed.id, fields });
      // the summary the finder shows for the merged record: what the store holds now
      const after = await api.call('contacts.get', { id: kept.id }).then(toDuplicateContact, () => kept);
      const done: MergeDone = { result, kept: after, removed };
      notifications.show({
        id: mergeNoticeId(result.mergeId),
        color: 'teal',
        title: t('duplicates.merge.doneTitle'),
        message: <MergedNotice done={done} onUndone={onUndone} />,
        autoClose: 10000,
        'data-testid': 'merge-done',
      });
      onBusy(false);
      onMerged?.(done);
      onClose();
    } catch (error) {
      setMergeError(error);
      setMerging(false);
      onBusy(false);
    }
  };

  const fieldRow = (f: MergeFieldChoice) => {
    const label = fieldLabel(t, f.field);
    return (
      <Table.Tr key={f.field} data-testid="merge-field" data-field={f.field}>
        <Table.Td>
          <Text size="sm" fw={500}>
            {label}
          </Text>
        </Table.Td>
        {sides.map(({ side, contact }) => {
          const value = valueOf(f, contact.id);
          return (
            <Table.Td key={side}>
              <Radio
                name={`merge-${f.field}`}
                checked={chosenId(f) === contact.id}
                onChange={() => setPicked((p) => ({ ...p, [f.field]: contact.id }))}
                label={<Value ctx={ctx} field={f.field} value={value} />}
                aria-label={t('duplicates.merge.choice', {
                  field: label,
                  value: formatValue(ctx, f.field, value) ?? t('duplicates.merge.empty'),
                })}
                disabled={merging}
                data-testid={`merge-field-${f.field}-${side}`}
              />
            </Table.Td>
          );
        })}
      </Table.Tr>
    );
  };

  return (
    <Stack pos="relative" data-testid="merge-dialog" data-kept-id={kept.id} data-removed-id={removed.id}>
      <LoadingOverlay visible={reloading} />
      <Radio.Group
        label={t('duplicates.merge.keep')}
        description={t('duplicates.merge.keepHint')}
        value={String(keptChoice ?? kept.id)}
        onChange={(v) => setKeptChoice(Number(v))}
      >
        <Group mt="xs" gap="xl" align="flex-start">
          {sides.map(({ side, contact }) => (
            <Radio
              key={side}
              value={String(contact.id)}
              disabled={merging}
              label={<Text fw={600}>{nameOf(contact)}</Text>}
              description={[
                t('duplicates.contact.created', { date: fmt.date(contact.createdAt) }),
                contact.purchaseCount === 0
                  ? t('duplicates.contact.noPurchase')
                  : t('duplicates.contact.purchases', { count: contact.purchaseCount, n: fmt.number(contact.purchaseCount) }),
              ].join(' · ')}
              data-testid={`merge-keep-${side}`}
            />
          ))}
        </Group>
      </Radio.Group>

      <Text size="sm" data-testid="merge-differing">
        {differing.length === 0
          ? t('duplicates.merge.noDifference')
          : t('duplicates.merge.differing', { count: differing.length, n: fmt.number(differing.length) })}
      </Text>

      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing="xs" data-testid="merge-fields">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="22%">{t('duplicates.merge.field')}</Table.Th>
              {sides.map(({ side, contact }) => (
                <Table.Th key={side} w="39%">
                  <Group gap="xs" wrap="nowrap">
                    <Text size="sm" fw={600} data-testid={`merge-name-${side}`}>
                      {nameOf(contact)}
                    </Text>
                    <Badge size="sm" variant="light" color={contact.id === kept.id ? 'teal' : 'gray'}>
                      {contact.id === kept.id ? t('duplicates.merge.kept') : t('duplicates.merge.removed')}
                    </Badge>
                  </Group>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {differing.map(fieldRow)}
            {showSame &&
              same.map((f) => (
                <Table.Tr key={f.field} data-testid="merge-same-field" data-field={f.field}>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {fieldLabel(t, f.field)}
                    </Text>
                  </Table.Td>
                  <Table.Td colSpan={2}>
                    <Value ctx={ctx} field={f.field} value={f.kept} />
                  </Table.Td>
                </Table.Tr>
              ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {same.length > 0 && (
        <Anchor component="button" type="button" size="sm" onClick={() => setShowSame((s) => !s)} data-testid="merge-toggle-same">
          {showSame ? t('duplicates.merge.hideSame') : t('duplicates.merge.showSame', { count: same.length, n: fmt.number(same.length) })}
        </Anchor>
      )}

      <Stack gap={4} data-testid="merge-moves">
        {moves.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('duplicates.merge.noMoves')}
          </Text>
        ) : (
          <>
            <Text size="sm" fw={500}>
              {t('duplicates.merge.moves', { kept: nameOf(kept) })}
            </Text>
            <Group gap="xs">
              {moves.map((m) => (
                <Badge key={`${m.table}.${m.column}`} variant="outline" tt="none" data-testid="merge-move" data-table={m.table}>
                  {moveLabel(t, fmt, m)}
                </Badge>
              ))}
            </Group>
          </>
        )}
        <Text size="xs" c="dimmed">
          {t('duplicates.merge.extras')}
        </Text>
      </Stack>

      {mergeError !== null && (
        <Alert color="red" data-testid="merge-error">
          {issues !== null && issues.length > 0
            ? issues.map((i) => (
                <div key={i.path}>
                  {t('duplicates.merge.choice', {
                    field: fieldLabel(t, i.path.replace(/^fields\./, '')),
                    value: validationMessage(t, i.code),
                  })}
                </div>
              ))
            : errorMessage(t, mergeError)}
        </Alert>
      )}

      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={merging} data-testid="merge-cancel">
          {t('common.cancel')}
        </Button>
        <Button
          leftSection={<IconArrowsJoin size={16} />}
          onClick={() => void merge()}
          loading={merging}
          disabled={reloading}
          data-testid="merge-confirm"
        >
          {t('duplicates.merge.confirm')}
        </Button>
      </Group>
    </Stack>
  );
};

/**
 * Two records side by side, field by field: the user picks which record
 * survives and, per differing field, whose value it takes; the other record's
 * linked items move to it. Usable anywhere two contact ids are known.
 */
export const MergeDialog = ({ contactIds, onClose, onMerged, onUndone }: MergeDialogProps) => {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  // the last pair stays drawn while the modal fades out, instead of an empty box
  const [shown, setShown] = useState(contactIds);
  if (contactIds !== null && contactIds !== shown) setShown(contactIds);
  return (
    <Modal
      opened={contactIds !== null}
      onClose={busy ? () => {} : onClose}
      title={<Text fw={600}>{t('duplicates.merge.title')}</Text>}
      size="xl"
      centered
    >
      {shown !== null && (
        <MergeForm
          key={`${shown[0]}:${shown[1]}`}
          aId={shown[0]}
          bId={shown[1]}
          onBusy={setBusy}
          onClose={onClose}
          onMerged={onMerged}
          onUndone={onUndone}
        />
      )}
    </Modal>
  );
};
