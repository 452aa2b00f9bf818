import { useCallback, useReducer, useState } from 'react';
import { Stack, Tabs, Title } from '@mantine/core';
import { IconCopy, IconHistory, IconUsersMinus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DuplicateFindResult, MergeUndoResult } from '@contract';
import { DismissedPairs } from './DismissedPairs';
import { DuplicateFinder, type Search } from './DuplicateFinder';
import { MergeDialog, type MergeDone } from './MergeDialog';
import { MergeHistory } from './MergeHistory';
import type { ListedPair } from './pairs';

type Tab = 'pairs' | 'history' | 'dismissed';
const isTab = (v: string | null): v is Tab => v === 'pairs' || v === 'history' || v === 'dismissed';

/**
 * #/duplicates: the finder over the whole base and the merge history. The
 * search result stays on screen while the user works through it: merges and
 * dismissals are applied to it, and an undo (of a merge or of a dismissal)
 * brings its pairs back.
 */
export const DuplicatesPage = () => {
  const { t } = useTranslation();
  const [tab, setTab] = useState<Tab>('pairs');
  const [search, setSearch] = useState<Search | null>(null);
  const [comparing, setComparing] = useState<readonly [number, number] | null>(null);
  const [historySignal, bumpHistory] = useReducer((n: number) => n + 1, 0);
  const [dismissedSignal, bumpDismissed] = useReducer((n: number) => n + 1, 0);

  const onResult = useCallback((result: DuplicateFindResult) => {
    setSearch({ result, dismissed: new Set(), merges: [] });
  }, []);

  const onCompare = useCallback((pair: ListedPair) => setComparing([pair.a.id, pair.b.id]), []);

  const onDismissed = useCallback((key: string) => {
    setSearch((s) => (s === null ? s : { ...s, dismissed: new Set([...s.dismissed, key]) }));
    bumpDismissed();
  }, []);

  // taken back: the pair shows again in the result on screen (if it was in it), as the next search would
  const onUndismissed = useCallback((key: string) => {
    setSearch((s) => (s === null ? s : { ...s, dismissed: new Set([...s.dismissed].filter((k) => k !== key)) }));
  }, []);

  const onUndismissedFromToast = useCallback(
    (key: string) => {
      onUndismissed(key);
      bumpDismissed();
    },
    [onUndismissed],
  );

  const onMerged = useCallback(({ result, kept }: MergeDone) => {
    setSearch((s) =>
      s === null
        ? s
        : { ...s, merges: [...s.merges, { mergeId: result.mergeId, keptId: result.keptId, removedId: result.removedId, kept }] },
    );
    bumpHistory();
  }, []);

  const onUndone = useCallback((result: MergeUndoResult) => {
    setSearch((s) => (s === null ? s : { ...s, merges: s.merges.filter((m) => m.mergeId !== result.mergeId) }));
    bumpHistory();
  }, []);

  return (
    <Stack data-testid="duplicates-page">
      <Title order={2}>{t('duplicates.title')}</Title>
      {/* display-none, not Activity: a hidden tab must keep its effects, or leaving the list would cancel a running search */}
      <Tabs value={tab} onChange={(v) => isTab(v) && setTab(v)} keepMountedMode="display-none">
        <Tabs.List>
          <Tabs.Tab value="pairs" leftSection={<IconCopy size={16} />} data-testid="duplicates-tab-pairs">
            {t('duplicates.tabs.pairs')}
          </Tabs.Tab>
          <Tabs.Tab value="history" leftSection={<IconHistory size={16} />} data-testid="duplicates-tab-history">
            {t('duplicates.tabs.history')}
          </Tabs.Tab>
          <Tabs.Tab value="dismissed" leftSection={<IconUsersMinus size={16} />} data-testid="duplicates-tab-dismissed">
            {t('duplicates.tabs.dismissed')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="pairs" pt="md">
          <DuplicateFinder
            search={search}
            onResult={onResult}
            onCompare={onCompare}
            onDismissed={onDismissed}
            onUndismissed={onUndismissedFromToast}
          />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <MergeHistory refreshSignal={historySignal} onUndone={onUndone} />
        </Tabs.Panel>
        <Tabs.Panel value="dismissed" pt="md">
          <DismissedPairs refreshSignal={dismissedSignal} onUndismissed={onUndismissed} />
        </Tabs.Panel>
      </Tabs>
      <MergeDialog contactIds={comparing} onClose={() => setComparing(null)} onMerged={onMerged} onUndone={onUndone} />
    </Stack>
  );
};
