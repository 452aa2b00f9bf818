import { useCallback } from 'react';
import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { AppError, mergeUndoBlockers, type MergeUndoBlocker, type MergeUndoResult } from '@contract';
import { useApi } from '../../api/context';
import { notifyError } from '../../app/notify';

const isBlocker = (v: unknown): v is MergeUndoBlocker =>
  typeof v === 'string' && (mergeUndoBlockers as readonly string[]).includes(v);

/** Why the store refused an undo, when it said so (a CONFLICT carrying the blocker as `reason`). */
export const undoRefusal = (error: unknown): MergeUndoBlocker | null => {
  if (!(error instanceof AppError) || error.code !== 'CONFLICT') return null;
  const reason = error.details?.reason;
  return isBlocker(reason) ? reason : null;
};

/** The toast offering "Undo" right after a merge; closed once the merge is undone from anywhere. */
export const mergeNoticeId = (mergeId: number): string => `merge-${mergeId}`;

export type NamedRecord = { id: number; name: string };

/**
 * The two records of a merge as the messages name them. Duplicates often bear
 * the same name, and « X a été fusionnée dans X » tells the user nothing: when
 * the names read alike, each carries its record number.
 */
export const mergeNames = (
  t: TFunction,
  kept: NamedRecord,
  removed: NamedRecord,
  blank: string = t('contacts.unnamed'),
): { kept: string; removed: string } => {
  const k = kept.name === '' ? blank : kept.name;
  const r = removed.name === '' ? blank : removed.name;
  // a record deleted since kept no name, and its number leads nowhere: « Fiche supprimée » is all there is to say
  if (kept.name === '' || removed.name === '' || k.toLocaleLowerCase() !== r.toLocaleLowerCase()) return { kept: k, removed: r };
  return {
    kept: t('merges.numbered', { name: k, id: kept.id }),
    removed: t('merges.numbered', { name: r, id: removed.id }),
  };
};

export type UndoTarget = { mergeId: number; kept: NamedRecord; removed: NamedRecord };

/**
 * Undoes a merge and tells the user how it went, in one place for the toast
 * and the history: a refusal says why in words (the kept record changed since,
 * a later merge…), never only "conflict".
 */
export const useMergeUndo = (): ((target: UndoTarget) => Promise<MergeUndoResult | null>) => {
  const api = useApi();
  const { t } = useTranslation();
  return useCallback(
    async ({ mergeId, kept, removed }: UndoTarget) => {
      const names = mergeNames(t, kept, removed);
      try {
        const result = await api.call('merges.undo', { mergeId });
        notifications.hide(mergeNoticeId(mergeId));
        notifications.show({
          color: 'teal',
          message: t(result.keptEditedSince ? 'merges.undoneEdited' : 'merges.undone', names),
          autoClose: result.keptEditedSince ? 8000 : 4000,
          'data-testid': 'merge-undone',
        });
        return result;
      } catch (error) {
        const reason = undoRefusal(error);
        if (reason === null) notifyError(t, error);
        else {
          notifications.show({
            color: 'red',
            title: t('merges.refusedTitle'),
            message: t(`merges.blocker.${reason}`),
            autoClose: 10000,
            'data-testid': 'merge-undo-refused',
          });
        }
        return null;
      }
    },
    [api, t],
  );
};
