import { useCallback, useEffect, useState } from 'react';
import { Alert, Anchor, Badge, Button, Center, Checkbox, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { localDate, type DueTask } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { routeHref } from '../../app/router';
import { dayFromToday } from '../contacts/day-input';

/** How far ahead "upcoming" looks: the week to plan. */
export const UPCOMING_DAYS = 7;
const PAGE = 100;

type TaskGroup = 'overdue' | 'today' | 'upcoming';
const groups: readonly TaskGroup[] = ['overdue', 'today', 'upcoming'];

const groupOf = (task: DueTask, today: string): TaskGroup =>
  task.dueDate < today ? 'overdue' : task.dueDate === today ? 'today' : 'upcoming';

type Load = {
  rows: DueTask[];
  nextCursor: string | null;
  status: 'loading' | 'ready' | 'error';
  error: unknown;
  loadingMore: boolean;
};

const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

const TaskRow = ({ task, today, onDone }: { task: DueTask; today: string; onDone(): Promise<void> }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [busy, setBusy] = useState(false);
  const late = daysBetween(task.dueDate, today);
  return (
    <Group
      justify="space-between"
      wrap="nowrap"
      gap="sm"
      py={6}
      data-testid="task-row"
      data-task-id={task.id}
      style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
    >
      <Group gap="sm" wrap="nowrap" miw={0}>
        <Checkbox
          checked={false}
          disabled={busy}
          onChange={() => {
            setBusy(true);
            void onDone().finally(() => setBusy(false));
          }}
          aria-label={t('tasks.markDone', { title: task.title })}
          data-testid="task-done"
        />
        <Stack gap={0} miw={0}>
          <Text size="sm" fw={600} style={{ overflowWrap: 'anywhere' }} data-testid="task-row-title">
            {task.title}
          </Text>
          <Anchor href={routeHref({ name: 'contact', id: task.contactId })} size="sm" data-testid="task-contact">
            {task.contactName === '' ? t('contacts.unnamed') : task.contactName}
          </Anchor>
        </Stack>
      </Group>
      <Group gap="xs" wrap="nowrap">
        {late > 0 && (
          <Badge color="red" variant="light" size="sm">
            {t('tasks.late', { count: late, n: fmt.number(late) })}
          </Badge>
        )}
        <Text size="sm" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
          {fmt.date(task.dueDate)}
        </Text>
      </Group>
    </Group>
  );
};

/**
 * #/tasks — the follow-ups to do: overdue first, then today, then the week
 * ahead, each linking to its contact; ticking one sets it done.
 */
export const TasksPage = () => {
  const api = useApi();
  const { t } = useTranslation();
  const [today] = useState(() => localDate());
  const [load, setLoad] = useState<Load>({ rows: [], nextCursor: null, status: 'loading', error: null, loadingMore: false });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  // tasks.due lists open tasks due on or before its `today`: the horizon brings in the week ahead
  const horizon = dayFromToday(UPCOMING_DAYS, new Date(`${today}T12:00:00`));

  useEffect(() => {
    let live = true;
    api.call('tasks.due', { today: horizon, limit: PAGE }).then(
      (page) => live && setLoad({ rows: page.rows, nextCursor: page.nextCursor, status: 'ready', error: null, loadingMore: false }),
      (error: unknown) => live && setLoad((l) => ({ ...l, status: 'error', error })),
    );
    return () => {
      live = false;
    };
  }, [api, horizon, tick]);

  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && reload()), [api, reload]);

  const loadMore = () => {
    const cursor = load.nextCursor;
    if (cursor === null || load.loadingMore) return;
    setLoad((l) => ({ ...l, loadingMore: true }));
    api.call('tasks.due', { today: horizon, cursor, limit: PAGE }).then(
      (page) =>
        setLoad((l) =>
          l.nextCursor !== cursor
            ? l
            : { ...l, rows: [...l.rows, ...page.rows], nextCursor: page.nextCursor, loadingMore: false },
        ),
      (error: unknown) => {
        setLoad((l) => ({ ...l, loadingMore: false }));
        notifyError(t, error);
      },
    );
  };

  const done = async (task: DueTask) => {
    try {
      await api.call('tasks.setDone', { id: task.id, done: true });
      setLoad((l) => ({ ...l, rows: l.rows.filter((r) => r.id !== task.id) }));
      notifySuccess(t('tasks.doneNotice', { title: task.title }));
    } catch (error) {
      notifyError(t, error);
    }
  };

  const byGroup = new Map<TaskGroup, DueTask[]>(groups.map((g) => [g, []]));
  for (const row of load.rows) byGroup.get(groupOf(row, today))?.push(row);

  return (
    <Stack data-testid="tasks-page" maw={900}>
      <Title order={2}>{t('tasks.title')}</Title>
      {load.status === 'loading' && (
        <Center py="xl">
          <Loader aria-label={t('app.loading')} />
        </Center>
      )}
      {load.status === 'error' && (
        <Alert color="red" title={t('tasks.loadFailed')}>
          <Group justify="space-between">
            <Text size="sm">{errorMessage(t, load.error)}</Text>
            <Button size="xs" variant="light" onClick={reload}>
              {t('common.retry')}
            </Button>
          </Group>
        </Alert>
      )}
      {load.status === 'ready' && load.rows.length === 0 && (
        <Paper withBorder p="lg" data-testid="tasks-empty">
          <Group gap="sm">
            <IconCircleCheck size={22} color="var(--mantine-color-teal-filled)" aria-hidden />
            <Text>{t('tasks.empty')}</Text>
          </Group>
        </Paper>
      )}
      {groups.map((g) => {
        const rows = byGroup.get(g) ?? [];
        if (rows.length === 0) return null;
        return (
          <Paper withBorder p="md" key={g} data-testid={`tasks-group-${g}`}>
            <Group gap="xs" mb="xs">
              <Title order={4} c={g === 'overdue' ? 'red' : undefined}>
                {t(`tasks.group.${g}`, { n: UPCOMING_DAYS })}
              </Title>
              <Badge variant="light" color={g === 'overdue' ? 'red' : 'gray'}>
                {rows.length}
              </Badge>
            </Group>
            <Stack gap={0}>
              {rows.map((task) => (
                <TaskRow key={task.id} task={task} today={today} onDone={() => done(task)} />
              ))}
            </Stack>
          </Paper>
        );
      })}
      {load.nextCursor !== null && (
        <Button variant="default" onClick={loadMore} loading={load.loadingMore} style={{ alignSelf: 'center' }} data-testid="tasks-more">
          {t('tasks.loadMore')}
        </Button>
      )}
    </Stack>
  );
};
