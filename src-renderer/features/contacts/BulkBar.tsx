import { useState, type FormEvent } from 'react';
import {
  Anchor,
  Autocomplete,
  Button,
  CloseButton,
  Group,
  isOptionsGroup,
  Modal,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  type OptionsFilter,
} from '@mantine/core';
import { IconDownload, IconTag, IconTagOff, IconTrash } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { BULK_IDS_MAX, fold, tagName, type BulkAction, type Tag } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorCode, errorDetails, validationMessage } from '../../app/errors';
import { useFormatters, type Formatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { bulkTarget, overBulkLimit, selectionCount, type Selection } from './list-selection';

/**
 * The tags that hold what is typed, accents and case aside, but none once
 * the only match is the tag typed in full: the list would then only repeat
 * it, over the button that applies it.
 */
const otherTags: OptionsFilter = ({ options, search, limit }) => {
  const typed = fold(search.trim());
  const matches = options.filter((o) => !isOptionsGroup(o) && fold(o.label).includes(typed)).slice(0, limit);
  const only = matches.length === 1 ? matches[0] : undefined;
  return only !== undefined && !isOptionsGroup(only) && fold(only.label) === typed ? [] : matches;
};

/** Above this many contacts (or an unknown number), deleting asks for a word to be typed, not just a click. */
export const DELETE_TYPE_MIN = 20;

/** "23 contacts sélectionnés", "Les 1 234 contacts correspondants sont sélectionnés". */
export const selectionSummary = (t: TFunction, fmt: Formatters, s: Selection): string => {
  const count = selectionCount(s);
  if (s.kind === 'ids') return t('list.bulk.selected', { count: s.ids.size, n: fmt.number(s.ids.size) });
  return count === null ? t('list.bulk.allMatchingUnknown') : t('list.bulk.allMatching', { count, n: fmt.number(count) });
};

/** The contacts an action applies to, inside a sentence: "23 contacts", "tous les contacts correspondants". */
export const targetPhrase = (t: TFunction, fmt: Formatters, count: number | null): string =>
  count === null ? t('list.bulk.everyMatch') : t('list.bulk.contacts', { count, n: fmt.number(count) });

export type BulkBarProps = {
  selection: Selection;
  tags: readonly Tag[];
  /** Every loaded row is ticked and more match: offer to take all of them (count null: unknown). */
  offerAll: { count: number | null } | null;
  onSelectAll(): void;
  onClear(): void;
  onExport(): void;
  /** The action is done (deleted contacts are gone; tagged ones may have left a filter on tags). */
  onDone(action: BulkAction): void;
};

type Dialog = 'tag' | 'untag' | 'delete' | null;

/** The actions on the ticked rows (or on everything the filter matches). */
export const BulkBar = ({ selection, tags, offerAll, onSelectAll, onClear, onExport, onDone }: BulkBarProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [tagText, setTagText] = useState('');
  const [tagError, setTagError] = useState<string | null>(null);
  const [untagId, setUntagId] = useState<number | null>(null);
  const [word, setWord] = useState('');
  // a delete of everything a search matches, which the list could not count: counted before the user confirms
  const [counted, setCounted] = useState<number | null>(null);
  const [changed, setChanged] = useState(false);

  const count = selectionCount(selection);
  const tooMany = overBulkLimit(selection);
  const target = targetPhrase(t, fmt, count);

  const open = (next: Dialog) => {
    setTagText('');
    setTagError(null);
    setUntagId(null);
    setWord('');
    setCounted(null);
    setChanged(false);
    setDialog(next);
    if (next === 'delete' && count === null && selection.kind === 'matching') {
      api.call('contacts.count', { filter: selection.filter }).then(
        (r) => setCounted(r.count),
        (error: unknown) => notifyError(t, error),
      );
    }
  };

  /** Runs one bulk call; the list refreshes itself on the store's data.changed. */
  const run = async (action: BulkAction, tag: number | string | undefined, expected?: number): Promise<number | null> => {
    setBusy(true);
    try {
      const { affected } = await api.call('contacts.bulk', {
        ...bulkTarget(selection),
        action,
        ...(tag === undefined ? {} : { tag }),
        ...(expected === undefined ? {} : { expected }),
      });
      return affected;
    } catch (error) {
      const now = errorDetails(error)?.count;
      if (errorCode(error) === 'CONFLICT' && errorDetails(error)?.reason === 'count_changed' && typeof now === 'number') {
        // the list moved meanwhile: the new number is shown and must be confirmed again
        setCounted(now);
        setChanged(true);
        setWord('');
        return null;
      }
      notifyError(t, error);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const submitTag = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = tagName.safeParse(tagText);
    if (!parsed.success) {
      setTagError(validationMessage(t, parsed.error.issues[0]?.message ?? 'generic'));
      return;
    }
    const affected = await run('tag', parsed.data);
    if (affected === null) return;
    // the store matches names without case or accents: show the spelling it kept
    const shown = tags.find((tag) => fold(tag.name) === fold(parsed.data))?.name ?? parsed.data;
    notifySuccess(
      affected === 0
        ? t('list.bulk.taggedNone', { tag: shown })
        : t('list.bulk.tagged', { count: affected, n: fmt.number(affected), tag: shown }),
    );
    setDialog(null);
    onDone('tag');
  };

  const submitUntag = async (event: FormEvent) => {
    event.preventDefault();
    const tag = tags.find((x) => x.id === untagId);
    if (tag === undefined) return;
    const affected = await run('untag', tag.id);
    if (affected === null) return;
    notifySuccess(
      affected === 0
        ? t('list.bulk.untaggedNone', { tag: tag.name })
        : t('list.bulk.untagged', { count: affected, n: fmt.number(affected), tag: tag.name }),
    );
    setDialog(null);
    onDone('untag');
  };

  // what the delete dialog shows and the store checks: the list's count, or the one read when the dialog opened
  const toDelete = count ?? counted;
  const remove = async () => {
    if (toDelete === null) return;
    const affected = await run('delete', undefined, selection.kind === 'matching' ? toDelete : undefined);
    if (affected === null) return;
    notifySuccess(t('list.bulk.deleted', { count: affected, n: fmt.number(affected) }));
    setDialog(null);
    onDone('delete');
  };

  const mustType = toDelete === null || toDelete > DELETE_TYPE_MIN;
  const expected = t('list.bulk.deleteWord');
  const typedOk = word.trim().localeCompare(expected, undefined, { sensitivity: 'base' }) === 0;

  return (
    <Paper withBorder px="sm" py={6} bg="var(--mantine-primary-color-light)" data-testid="bulk-bar" role="toolbar" aria-label={t('list.bulk.label')}>
      <Group justify="space-between" gap="xs">
        <Group gap="sm" wrap="wrap" style={{ rowGap: 0 }}>
          <Text size="sm" fw={500} data-testid="bulk-count" style={{ whiteSpace: 'nowrap' }}>
            {selectionSummary(t, fmt, selection)}
          </Text>
          {offerAll !== null && (
            <Anchor
              component="button"
              type="button"
              size="sm"
              onClick={onSelectAll}
              style={{ whiteSpace: 'nowrap' }}
              data-testid="bulk-select-all"
            >
              {offerAll.count === null
                ? t('list.bulk.selectAllUnknown')
                : t('list.bulk.selectAll', { count: offerAll.count, n: fmt.number(offerAll.count) })}
            </Anchor>
          )}
          {tooMany && (
            <Text size="xs" c="red" data-testid="bulk-too-many">
              {t('list.bulk.tooMany', { max: fmt.number(BULK_IDS_MAX) })}
            </Text>
          )}
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" variant="default" leftSection={<IconTag size={14} />} disabled={tooMany} onClick={() => open('tag')} data-testid="bulk-tag">
            {t('list.bulk.tag')}
          </Button>
          <Button
            size="xs"
            variant="default"
            leftSection={<IconTagOff size={14} />}
            disabled={tooMany || tags.length === 0}
            onClick={() => open('untag')}
            data-testid="bulk-untag"
          >
            {t('list.bulk.untag')}
          </Button>
          <Button size="xs" variant="default" leftSection={<IconDownload size={14} />} onClick={onExport} data-testid="bulk-export">
            {t('list.bulk.export')}
          </Button>
          <Button
            size="xs"
            variant="light"
            color="red"
            leftSection={<IconTrash size={14} />}
            disabled={tooMany}
            onClick={() => open('delete')}
            data-testid="bulk-delete"
          >
            {t('list.bulk.delete')}
          </Button>
          <CloseButton size="sm" onClick={onClear} aria-label={t('list.bulk.clear')} title={t('list.bulk.clearHint')} data-testid="bulk-clear" />
        </Group>
      </Group>

      <Modal opened={dialog === 'tag'} onClose={() => !busy && setDialog(null)} title={<Text fw={600}>{t('list.bulk.tagTitle')}</Text>} centered>
        <form onSubmit={(e) => void submitTag(e)}>
          <Stack>
            <Text size="sm">{t('list.bulk.tagTarget', { target })}</Text>
            <Autocomplete
              label={t('list.bulk.tagLabel')}
              placeholder={t('list.bulk.tagPlaceholder')}
              description={t('list.bulk.tagHint')}
              data={tags.map((tag) => tag.name)}
              filter={otherTags}
              value={tagText}
              onChange={(v) => {
                setTagText(v);
                setTagError(null);
              }}
              error={tagError}
              data-autofocus
              data-testid="bulk-tag-input"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)} disabled={busy} data-testid="bulk-tag-cancel">
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={busy} disabled={tagText.trim() === ''} data-testid="bulk-tag-confirm">
                {t('list.bulk.tagConfirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal opened={dialog === 'untag'} onClose={() => !busy && setDialog(null)} title={<Text fw={600}>{t('list.bulk.untagTitle')}</Text>} centered>
        <form onSubmit={(e) => void submitUntag(e)}>
          <Stack>
            <Text size="sm">{t('list.bulk.untagTarget', { target })}</Text>
            <Select<number>
              label={t('list.bulk.untagLabel')}
              data={tags.map((tag) => ({ value: tag.id, label: tag.name }))}
              value={untagId}
              onChange={setUntagId}
              searchable
              data-autofocus
              data-testid="bulk-untag-select"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setDialog(null)} disabled={busy} data-testid="bulk-untag-cancel">
                {t('common.cancel')}
              </Button>
              <Button type="submit" loading={busy} disabled={untagId === null} data-testid="bulk-untag-confirm">
                {t('list.bulk.untagConfirm')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <ConfirmDialog
        opened={dialog === 'delete'}
        title={t('list.bulk.deleteTitle')}
        confirmLabel={
          toDelete === null ? t('list.bulk.deleteButtonAll') : t('list.bulk.deleteButton', { count: toDelete, n: fmt.number(toDelete) })
        }
        danger
        confirmDisabled={toDelete === null || (mustType && !typedOk)}
        testId="bulk-delete-confirm"
        onConfirm={remove}
        onClose={() => setDialog(null)}
      >
        <Stack gap="sm">
          <Text size="sm" fw={500} data-testid="bulk-delete-question">
            {toDelete === null ? t('list.bulk.deleteCounting') : t('list.bulk.deleteQuestion', { target: targetPhrase(t, fmt, toDelete) })}
          </Text>
          {changed && (
            <Text size="sm" c="red" data-testid="bulk-delete-changed">
              {t('list.bulk.deleteChanged')}
            </Text>
          )}
          <Text size="sm">{t('list.bulk.deleteWarning')}</Text>
          {mustType && (
            <TextInput
              label={t('list.bulk.deleteType', { word: expected })}
              value={word}
              onChange={(e) => setWord(e.currentTarget.value)}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
              data-testid="bulk-delete-word"
            />
          )}
        </Stack>
      </ConfirmDialog>
    </Paper>
  );
};
