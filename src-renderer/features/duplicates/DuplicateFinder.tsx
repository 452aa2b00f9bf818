import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { IconSearch } from '@tabler/icons-react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { DuplicateFindResult } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { JobPanel } from '../../app/JobPanel';
import { useJobTracker } from '../../app/jobs';
import { notifyError, notifySuccess } from '../../app/notify';
import { DismissedNotice, dismissNoticeId } from './dismissals';
import { PairCard } from './PairCard';
import { isFindResult, visiblePairs, type AppliedMerge, type ListedPair } from './pairs';

/** A finished search and what the user did with it since. */
export type Search = {
  result: DuplicateFindResult;
  dismissed: ReadonlySet<string>;
  merges: readonly AppliedMerge[];
};

export type DuplicateFinderProps = {
  search: Search | null;
  onResult(result: DuplicateFindResult): void;
  onCompare(pair: ListedPair): void;
  onDismissed(key: string): void;
  /** A dismissal taken back from its toast: the pair belongs in the list again. */
  onUndismissed(key: string): void;
};

/** Pairs drawn at a time: hundreds of cards at once would make the page sluggish for nothing. */
const PAGE = 50;

/** Runs the `duplicates.find` job (progress, cancel) and lists the ranked pairs. */
export const DuplicateFinder = ({ search, onResult, onCompare, onDismissed, onUndismissed }: DuplicateFinderProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const job = useJobTracker();
  const [starting, setStarting] = useState(false);
  const [shown, setShown] = useState(PAGE);
  const handled = useRef<string | null>(null);
  const running = useRef<string | null>(null);

  // leaving the page drops the result, so a search still running would be wasted work
  useEffect(
    () => () => {
      if (running.current !== null) void api.call('jobs.cancel', { jobId: running.current }).catch(() => undefined);
    },
    [api],
  );

  const run = async () => {
    setStarting(true);
    try {
      const ref = await api.call('duplicates.find', {});
      running.current = ref.jobId;
      job.track(ref.jobId);
    } catch (error) {
      notifyError(t, error);
    } finally {
      setStarting(false);
    }
  };

  const { finished } = job;
  useEffect(() => {
    if (finished === null || handled.current === finished.jobId) return;
    handled.current = finished.jobId;
    running.current = null;
    if (finished.status === 'done') {
      if (isFindResult(finished.result)) {
        setShown(PAGE);
        onResult(finished.result);
      } else notifyError(t, { code: 'INTERNAL', message: 'unexpected duplicates result' });
    } else if (finished.status === 'cancelled') {
      notifySuccess(t('duplicates.cancelled'));
    } else {
      notifyError(t, finished.error ?? { code: 'INTERNAL', message: 'job failed' });
    }
    job.track(null);
  }, [finished, job, onResult, t]);

  const pairs = useMemo(
    () => (search === null ? [] : visiblePairs(search.result.pairs, search.dismissed, search.merges)),
    [search],
  );

  const dismiss = async (pair: ListedPair) => {
    try {
      await api.call('duplicates.dismiss', { aId: pair.a.id, bId: pair.b.id });
      onDismissed(pair.key);
      notifications.show({
        id: dismissNoticeId(pair),
        color: 'teal',
        message: <DismissedNotice pair={pair} onUndone={() => onUndismissed(pair.key)} />,
        autoClose: 10000,
        'data-testid': 'dismiss-done',
      });
    } catch (error) {
      notifyError(t, error);
    }
  };

  if (job.jobId !== null) {
    return (
      <JobPanel
        title={t('duplicates.running')}
        label={t('duplicates.running')}
        progress={job.progress}
        cancelling={job.cancelling}
        onCancel={() => void job.cancel()}
        testId="duplicates-progress"
      />
    );
  }

  const result = search?.result ?? null;
  // the pairs past the cap never reached the page, so only the listed ones that left can be taken off the total
  const remaining = result === null ? 0 : result.total - (result.pairs.length - pairs.length);
  return (
    <Stack>
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed" maw={640}>
          {t('duplicates.intro')}
        </Text>
        <Button
          leftSection={<IconSearch size={16} />}
          variant={result === null ? 'filled' : 'light'}
          onClick={() => void run()}
          loading={starting}
          data-testid="duplicates-run"
        >
          {result === null ? t('duplicates.run') : t('duplicates.rerun')}
        </Button>
      </Group>

      {result === null ? (
        <Text c="dimmed" data-testid="duplicates-not-run">
          {t('duplicates.notRun')}
        </Text>
      ) : result.total === 0 ? (
        <Alert color="teal" data-testid="duplicates-none">
          {t('duplicates.none', { count: result.scanned, scanned: fmt.number(result.scanned) })}
        </Alert>
      ) : remaining === 0 ? null : (
        <Stack gap="xs">
          <Text fw={600} data-testid="duplicates-summary">
            {t('duplicates.found', { count: remaining, n: fmt.number(remaining), scanned: fmt.number(result.scanned) })}
          </Text>
          {/* with every listed pair dealt with, the note would read "only the 0 most likely": the alert below asks for a new search */}
          {remaining > pairs.length && pairs.length > 0 && (
            <Text size="sm" c="dimmed" data-testid="duplicates-capped">
              {t('duplicates.capped', { count: pairs.length, shown: fmt.number(pairs.length), total: fmt.number(remaining) })}
            </Text>
          )}
        </Stack>
      )}
      {result !== null && result.ignoredShared > 0 && (
        <Text size="sm" c="dimmed" data-testid="duplicates-ignored">
          {t('duplicates.ignoredShared', { count: result.ignoredShared, n: fmt.number(result.ignoredShared) })}
        </Text>
      )}

      {result !== null && result.total > 0 && pairs.length === 0 && (
        <Alert color="teal" data-testid={remaining === 0 ? 'duplicates-all-done' : 'duplicates-next-batch'}>
          {remaining === 0 ? t('duplicates.allDone') : t('duplicates.nextBatch')}
        </Alert>
      )}
      <Stack gap="sm" data-testid="duplicates-list">
        {pairs.slice(0, shown).map((pair) => (
          <PairCard key={pair.key} pair={pair} onCompare={() => onCompare(pair)} onDismiss={() => dismiss(pair)} />
        ))}
      </Stack>
      {pairs.length > shown && (
        <Group justify="center">
          <Button variant="subtle" onClick={() => setShown((n) => n + PAGE)} data-testid="duplicates-more">
            {t('duplicates.more', { n: fmt.number(pairs.length - shown) })}
          </Button>
        </Group>
      )}
    </Stack>
  );
};
