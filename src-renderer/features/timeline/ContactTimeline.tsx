import { useEffect, useState, type ReactNode } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Center,
  Checkbox,
  Group,
  Loader,
  Paper,
  Stack,
  Tabs,
  Text,
  Timeline,
  Title,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import {
  IconArrowDownLeft,
  IconArrowUpRight,
  IconBuildingStore,
  IconCalendarEvent,
  IconChecklist,
  IconGift,
  IconMail,
  IconMailbox,
  IconMessage,
  IconMessageCircle,
  IconNote,
  IconPencil,
  IconPhone,
  IconReceipt,
  IconReceiptRefund,
  IconTrash,
  IconUsers,
  type Icon,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { localDate, type Interaction, type InteractionKind, type Note, type Purchase, type Task, type TimelineItem } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { consentBullet, ConsentTimelineEntry } from '../consent/ConsentTimelineEntry';
import { onConsentChanged } from '../consent/events';
import { LoyaltyTimelineEntry } from '../loyalty/LoyaltyTimelineEntry';
import { PurchaseDialog } from '../sales/PurchaseDialog';
import { quantityTimesLabel } from '../sales/units';
import { InteractionForm, NoteForm, TaskForm } from './EntryForms';
import { useTimeline } from './use-timeline';

const interactionIcons: Record<InteractionKind, Icon> = {
  visit: IconBuildingStore,
  call: IconPhone,
  email: IconMail,
  letter: IconMailbox,
  sms: IconMessage,
  chat: IconMessageCircle,
  meeting: IconUsers,
  note: IconNote,
};

// consent events are proof: never edited nor deleted from the timeline
type Editable = Exclude<TimelineItem, { kind: 'purchase' | 'consent' | 'loyalty' }>;
type Composer = 'note' | 'interaction' | 'task';

const itemKey = (item: TimelineItem): string => `${item.kind}:${item.id}`;

const Bullet = ({ icon: IconKind, color }: { icon: Icon; color?: string }) => (
  <IconKind size={16} color={color === undefined ? undefined : `var(--mantine-color-${color}-filled)`} aria-hidden />
);

const EntryHeader = ({ title, at, actions }: { title: ReactNode; at: string; actions?: ReactNode }) => (
  <Group justify="space-between" wrap="nowrap" gap="xs" align="flex-start">
    <Group gap="xs" wrap="wrap" miw={0}>
      {title}
    </Group>
    <Group gap={4} wrap="nowrap">
      <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
        {at}
      </Text>
      {actions}
    </Group>
  </Group>
);

const EditActions = ({ onEdit, onDelete }: { onEdit(): void; onDelete(): void }) => {
  const { t } = useTranslation();
  return (
    <>
      <Tooltip label={t('common.edit')}>
        <ActionIcon variant="subtle" color="gray" size="sm" onClick={onEdit} aria-label={t('common.edit')} data-testid="timeline-edit">
          <IconPencil size={14} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={t('common.delete')}>
        <ActionIcon variant="subtle" color="red" size="sm" onClick={onDelete} aria-label={t('common.delete')} data-testid="timeline-delete">
          <IconTrash size={14} />
        </ActionIcon>
      </Tooltip>
    </>
  );
};

const PurchaseEntry = ({ purchase, onOpen }: { purchase: Purchase; onOpen(): void }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const refund = purchase.kind === 'refund';
  // one piece goes without saying; one kilo does not (« 1 kg × Comté »)
  const labels = purchase.lines.map((l) =>
    l.unit === 'piece' && Math.abs(l.quantity) === 1 ? l.label : quantityTimesLabel(t, fmt, Math.abs(l.quantity), l.unit, l.label),
  );
  return (
    <UnstyledButton onClick={onOpen} w="100%" data-testid="timeline-purchase" data-purchase-id={purchase.id}>
      <EntryHeader
        title={
          <>
            <Text size="sm" fw={600}>
              {refund ? t('timeline.purchase.refund') : t('timeline.purchase.sale')}
            </Text>
            <Text size="sm" fw={600} c={refund ? 'red' : undefined} data-testid="timeline-purchase-amount">
              {fmt.money(purchase.amountCents)}
            </Text>
            <Text size="xs" c="dimmed">
              {t(`sales.channel.${purchase.channel}`, { defaultValue: purchase.channel })}
            </Text>
            {purchase.refundedCents > 0 && (
              <Badge size="xs" color="orange" variant="light">
                {t('timeline.purchase.refunded', { amount: fmt.money(purchase.refundedCents) })}
              </Badge>
            )}
          </>
        }
        at={fmt.dateTime(purchase.purchasedAt)}
      />
      <Text size="sm" c="dimmed" lineClamp={2}>
        {labels.join(', ')}
        {purchase.reference !== null && ` · ${t('timeline.purchase.reference', { reference: purchase.reference })}`}
      </Text>
    </UnstyledButton>
  );
};

const InteractionEntry = ({ interaction, actions }: { interaction: Interaction; actions: ReactNode }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const DirectionIcon = interaction.direction === 'in' ? IconArrowDownLeft : IconArrowUpRight;
  return (
    <>
      <EntryHeader
        title={
          <>
            <Text size="sm" fw={600}>
              {t(`timeline.interactionKind.${interaction.kind}`)}
            </Text>
            <Badge
              size="xs"
              variant="light"
              color={interaction.direction === 'in' ? 'teal' : 'blue'}
              leftSection={<DirectionIcon size={10} />}
              data-testid="timeline-direction"
            >
              {t(`timeline.direction.${interaction.direction}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              {t(`timeline.initiatedBy.${interaction.initiatedBy}`)}
            </Text>
          </>
        }
        at={fmt.dateTime(interaction.occurredAt)}
        actions={actions}
      />
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {interaction.summary}
      </Text>
    </>
  );
};

const NoteEntry = ({ note, actions }: { note: Note; actions: ReactNode }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  return (
    <>
      <EntryHeader
        title={
          <Text size="sm" fw={600}>
            {t('timeline.kind.note')}
          </Text>
        }
        at={fmt.dateTime(note.notedAt)}
        actions={actions}
      />
      <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {note.body}
      </Text>
    </>
  );
};

const TaskEntry = ({ task, onToggle, actions }: { task: Task; onToggle(done: boolean): void; actions: ReactNode }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const done = task.doneAt !== null;
  const overdue = !done && task.dueDate < localDate();
  return (
    <EntryHeader
      title={
        <>
          <Checkbox
            checked={done}
            onChange={(e) => onToggle(e.currentTarget.checked)}
            aria-label={done ? t('timeline.task.reopen') : t('timeline.task.markDone')}
            data-testid="timeline-task-done"
          />
          <Text size="sm" fw={600} td={done ? 'line-through' : undefined} c={done ? 'dimmed' : undefined}>
            {task.title}
          </Text>
          {overdue && (
            <Badge size="xs" color="red" variant="light">
              {t('timeline.task.overdue')}
            </Badge>
          )}
          {done && task.doneAt !== null && (
            <Text size="xs" c="dimmed">
              {t('timeline.task.doneOn', { date: fmt.date(task.doneAt) })}
            </Text>
          )}
        </>
      }
      at={t('timeline.task.due', { date: fmt.date(task.dueDate) })}
      actions={actions}
    />
  );
};

const deleteCall = {
  note: 'notes.delete',
  interaction: 'interactions.delete',
  task: 'tasks.delete',
} as const;

export type ContactTimelineProps = {
  contactId: number;
  /** Something that changes the contact's own figures (a sale, an inbound contact) happened. */
  onContactChanged(): void;
};

/** The contact page's one feed (interactions, purchases, notes, follow-ups) with what adds to it. */
export const ContactTimeline = ({ contactId, onContactChanged }: ContactTimelineProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const timeline = useTimeline(contactId);
  const [composer, setComposer] = useState<Composer>('note');
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Editable | null>(null);
  const [purchaseId, setPurchaseId] = useState<number | null>(null);

  const changed = () => {
    timeline.reload();
    onContactChanged();
  };
  // consent is recorded in its own panel on the same page
  useEffect(() => onConsentChanged(contactId, timeline.reload), [contactId, timeline.reload]);

  const toggle = async (task: Task, done: boolean) => {
    try {
      const saved = await api.call('tasks.setDone', { id: task.id, done });
      timeline.replace({ kind: 'task', at: `${saved.dueDate}T00:00:00.000Z`, id: saved.id, task: saved });
    } catch (error) {
      notifyError(t, error);
    }
  };

  const remove = async () => {
    if (deleting === null) return;
    try {
      await api.call(deleteCall[deleting.kind], { id: deleting.id });
      setDeleting(null);
      notifySuccess(t('timeline.done.deleted'));
      changed();
    } catch (error) {
      notifyError(t, error);
    }
  };

  const actionsFor = (item: Editable) => (
    <EditActions onEdit={() => setEditing(itemKey(item))} onDelete={() => setDeleting(item)} />
  );
  const editForm = (item: Editable) => {
    const done = () => {
      setEditing(null);
      changed();
    };
    const cancel = () => setEditing(null);
    switch (item.kind) {
      case 'note':
        return <NoteForm contactId={contactId} entry={item.note} onSaved={done} onCancel={cancel} />;
      case 'interaction':
        return <InteractionForm contactId={contactId} entry={item.interaction} onSaved={done} onCancel={cancel} />;
      case 'task':
        return <TaskForm contactId={contactId} entry={item.task} onSaved={done} onCancel={cancel} />;
    }
  };

  const entry = (item: TimelineItem): { icon: Icon; color?: string; body: ReactNode } => {
    if (item.kind === 'purchase') {
      return {
        icon: item.purchase.kind === 'refund' ? IconReceiptRefund : IconReceipt,
        color: item.purchase.kind === 'refund' ? 'red' : 'teal',
        body: <PurchaseEntry purchase={item.purchase} onOpen={() => setPurchaseId(item.purchase.id)} />,
      };
    }
    if (item.kind === 'consent') return { ...consentBullet(item.consent), body: <ConsentTimelineEntry event={item.consent} /> };
    if (item.kind === 'loyalty') {
      return { icon: IconGift, color: item.entry.points < 0 ? 'gray' : 'grape', body: <LoyaltyTimelineEntry entry={item.entry} /> };
    }
    const body = editing === itemKey(item) ? editForm(item) : null;
    switch (item.kind) {
      case 'interaction':
        return {
          icon: interactionIcons[item.interaction.kind],
          color: 'blue',
          body: body ?? <InteractionEntry interaction={item.interaction} actions={actionsFor(item)} />,
        };
      case 'note':
        return { icon: IconNote, color: 'yellow', body: body ?? <NoteEntry note={item.note} actions={actionsFor(item)} /> };
      case 'task':
        return {
          icon: item.task.doneAt === null ? IconCalendarEvent : IconChecklist,
          color: item.task.doneAt === null ? 'orange' : 'gray',
          body: body ?? <TaskEntry task={item.task} onToggle={(d) => void toggle(item.task, d)} actions={actionsFor(item)} />,
        };
    }
  };

  return (
    <Stack gap="md" data-testid="timeline">
      <Title order={3}>{t('timeline.title')}</Title>
      <Paper withBorder p="sm">
        <Tabs value={composer} onChange={(v) => v !== null && setComposer(v as Composer)}>
          <Tabs.List mb="xs">
            <Tabs.Tab value="note" leftSection={<IconNote size={14} />} data-testid="composer-note">
              {t('timeline.composer.note')}
            </Tabs.Tab>
            <Tabs.Tab value="interaction" leftSection={<IconPhone size={14} />} data-testid="composer-interaction">
              {t('timeline.composer.interaction')}
            </Tabs.Tab>
            <Tabs.Tab value="task" leftSection={<IconCalendarEvent size={14} />} data-testid="composer-task">
              {t('timeline.composer.task')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="note">
            <NoteForm contactId={contactId} onSaved={changed} />
          </Tabs.Panel>
          <Tabs.Panel value="interaction">
            <InteractionForm contactId={contactId} onSaved={changed} />
          </Tabs.Panel>
          <Tabs.Panel value="task">
            <TaskForm contactId={contactId} onSaved={changed} />
          </Tabs.Panel>
        </Tabs>
      </Paper>

      {timeline.status === 'loading' && (
        <Center py="md">
          <Loader size="sm" aria-label={t('app.loading')} />
        </Center>
      )}
      {timeline.status === 'error' && (
        <Alert color="red" title={t('timeline.loadFailed')}>
          <Group justify="space-between">
            <Text size="sm">{errorMessage(t, timeline.error)}</Text>
            <Button size="xs" variant="light" onClick={timeline.reload}>
              {t('common.retry')}
            </Button>
          </Group>
        </Alert>
      )}
      {timeline.status === 'ready' && timeline.items.length === 0 && (
        <Text c="dimmed" size="sm" data-testid="timeline-empty">
          {t('timeline.empty')}
        </Text>
      )}
      {timeline.items.length > 0 && (
        <Timeline bulletSize={28} lineWidth={2} active={-1} data-testid="timeline-list">
          {timeline.items.map((item) => {
            const { icon, color, body } = entry(item);
            return (
              <Timeline.Item
                key={itemKey(item)}
                bullet={<Bullet icon={icon} color={color} />}
                data-testid="timeline-item"
                data-kind={item.kind}
                data-id={item.id}
              >
                {body}
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
      {timeline.nextCursor !== null && (
        <Button
          variant={timeline.moreFailed ? 'light' : 'default'}
          color={timeline.moreFailed ? 'red' : undefined}
          onClick={timeline.loadMore}
          loading={timeline.loadingMore}
          style={{ alignSelf: 'center' }}
          data-testid="timeline-more"
        >
          {timeline.moreFailed ? t('timeline.loadMoreFailed') : t('timeline.loadMore')}
        </Button>
      )}

      <ConfirmDialog
        opened={deleting !== null}
        title={t('timeline.delete.title')}
        confirmLabel={t('common.delete')}
        danger
        testId="timeline-delete-confirm"
        onConfirm={remove}
        onClose={() => setDeleting(null)}
      >
        {deleting === null ? null : t(`timeline.delete.${deleting.kind}`)}
      </ConfirmDialog>
      <PurchaseDialog
        purchaseId={purchaseId}
        onClose={() => setPurchaseId(null)}
        onChanged={changed}
      />
    </Stack>
  );
};
