import { useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Button, Group, Input, NativeSelect, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import {
  interactionInput,
  interactionKinds,
  interactionUpdateInput,
  noteInput,
  noteUpdateInput,
  taskInput,
  taskUpdateInput,
  type Direction,
  type Initiator,
  type Interaction,
  type InteractionKind,
  type Note,
  type Task,
} from '@contract';
import { useApi } from '../../api/context';
import { issuesFromZod, serverIssues, toFieldErrors, validationMessage, type FieldErrors } from '../../app/errors';
import { notifyError, notifySuccess } from '../../app/notify';
import { dayFromInput, dayFromToday, dayToInput, instantFromInput, timeToInput } from '../contacts/day-input';

/** Days ahead a new follow-up is due unless the user types another day. */
const DEFAULT_TASK_DAYS = 7;

type FormProps<T> = {
  contactId: number;
  /** Present: editing this entry. */
  entry?: T;
  onSaved(entry: T): void;
  onCancel?: () => void;
};

/**
 * What the three forms share: the contract checks before sending, issues
 * shown on their fields (first one focused), Ctrl+Enter saves from a text area.
 */
const useEntryForm = <F extends string>(fields: readonly F[]) => {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const inputs = useRef<Partial<Record<F, HTMLElement | null>>>({});

  const show = (next: FieldErrors): boolean => {
    const first = fields.find((f) => next[f] !== undefined);
    if (first === undefined) return false;
    setErrors(next);
    inputs.current[first]?.focus();
    return true;
  };

  /** Parses with the call's own schema, then sends; false when nothing was written. */
  const run = async <S extends z.ZodType, R>(schema: S, input: z.input<S>, send: (input: z.input<S>) => Promise<R>): Promise<R | null> => {
    if (saving) return null;
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      show(toFieldErrors(issuesFromZod(parsed.error)));
      return null;
    }
    setSaving(true);
    try {
      const saved = await send(input);
      setErrors({});
      return saved;
    } catch (error) {
      const issues = serverIssues(error);
      if (issues === null || !show(toFieldErrors(issues))) notifyError(t, error);
      return null;
    } finally {
      setSaving(false);
    }
  };

  const error = (field: F): string | undefined => {
    const code = errors[field];
    return code === undefined ? undefined : validationMessage(t, code);
  };
  const clear = (field: F) => setErrors((e) => (e[field] === undefined ? e : { ...e, [field]: undefined }));
  const register = (field: F) => (el: HTMLElement | null) => {
    inputs.current[field] = el;
  };
  return { saving, run, error, clear, register };
};

const saveOnCtrlEnter = (submit: () => void) => (event: KeyboardEvent<HTMLElement>) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.nativeEvent.isComposing) {
    event.preventDefault();
    submit();
  }
};

const Actions = ({ editing, saving, onCancel, testId }: { editing: boolean; saving: boolean; onCancel?: () => void; testId: string }) => {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" gap="xs">
      <Text size="xs" c="dimmed">
        {t('timeline.form.hint')}
      </Text>
      <Group gap="xs">
        {onCancel && (
          <Button variant="default" size="xs" onClick={onCancel} disabled={saving} data-testid={`${testId}-cancel`}>
            {t('common.cancel')}
          </Button>
        )}
        <Button type="submit" size="xs" loading={saving} data-testid={`${testId}-save`}>
          {editing ? t('common.save') : t('timeline.form.add')}
        </Button>
      </Group>
    </Group>
  );
};

const FormShell = ({ onSubmit, children, testId }: { onSubmit: () => void; children: ReactNode; testId: string }) => (
  <form
    onSubmit={(e) => {
      e.preventDefault();
      onSubmit();
    }}
    onKeyDown={saveOnCtrlEnter(onSubmit)}
    noValidate
    data-testid={testId}
  >
    <Stack gap="xs">{children}</Stack>
  </form>
);

/* ---------- note ---------- */

export const NoteForm = ({ contactId, entry, onSaved, onCancel }: FormProps<Note>) => {
  const api = useApi();
  const { t } = useTranslation();
  const [body, setBody] = useState(entry?.body ?? '');
  const form = useEntryForm(['body'] as const);

  const submit = async () => {
    const saved = entry
      ? await form.run(noteUpdateInput, { id: entry.id, body }, (input) => api.call('notes.update', input))
      : await form.run(noteInput, { contactId, body }, (input) => api.call('notes.create', input));
    if (saved === null) return;
    if (!entry) setBody('');
    notifySuccess(entry ? t('timeline.done.saved') : t('timeline.done.noteAdded'));
    onSaved(saved);
  };

  return (
    <FormShell onSubmit={() => void submit()} testId="note-form">
      <Textarea
        aria-label={t('timeline.form.body')}
        placeholder={t('timeline.form.bodyPlaceholder')}
        value={body}
        onChange={(e) => {
          setBody(e.currentTarget.value);
          form.clear('body');
        }}
        error={form.error('body')}
        ref={form.register('body')}
        autosize
        minRows={2}
        maxRows={12}
        data-autofocus={entry ? true : undefined}
        autoFocus={entry !== undefined}
        data-testid="note-body"
      />
      <Actions editing={entry !== undefined} saving={form.saving} onCancel={onCancel} testId="note" />
    </FormShell>
  );
};

/* ---------- interaction ---------- */

const interactionFields = ['kind', 'initiatedBy', 'direction', 'occurredAt', 'summary'] as const;

export const InteractionForm = ({ contactId, entry, onSaved, onCancel }: FormProps<Interaction>) => {
  const api = useApi();
  const { t } = useTranslation();
  const [initial] = useState(() => {
    const at = entry ? new Date(entry.occurredAt) : new Date();
    return { day: dayToInput(entry ? dayFromToday(0, at) : dayFromToday(0)), time: timeToInput(at) };
  });
  const [kind, setKind] = useState<InteractionKind>(entry?.kind ?? 'visit');
  const [initiatedBy, setInitiatedBy] = useState<Initiator>(entry?.initiatedBy ?? 'contact');
  // the direction follows the initiator until the user sets it (a call the shop returns is still outbound)
  const [direction, setDirection] = useState<Direction | null>(entry?.direction ?? null);
  const [day, setDay] = useState(initial.day);
  const [time, setTime] = useState(initial.time);
  const [summary, setSummary] = useState(entry?.summary ?? '');
  const form = useEntryForm(interactionFields);
  const shownDirection: Direction = direction ?? (initiatedBy === 'contact' ? 'in' : 'out');

  const submit = async () => {
    const dateChanged = day !== initial.day || time !== initial.time;
    // text that is not a date goes as typed: the contract refuses it with its own message
    const occurredAt = instantFromInput(day, time) ?? day;
    const saved = entry
      ? await form.run(
          interactionUpdateInput,
          {
            id: entry.id,
            kind,
            initiatedBy,
            direction: shownDirection,
            summary,
            ...(dateChanged ? { occurredAt } : {}),
          },
          (input) => api.call('interactions.update', input),
        )
      : await form.run(
          interactionInput,
          { contactId, kind, initiatedBy, direction: shownDirection, summary, ...(dateChanged ? { occurredAt } : {}) },
          (input) => api.call('interactions.create', input),
        );
    if (saved === null) return;
    if (!entry) {
      setSummary('');
      setDirection(null);
    }
    notifySuccess(entry ? t('timeline.done.saved') : t('timeline.done.interactionAdded'));
    onSaved(saved);
  };

  return (
    <FormShell onSubmit={() => void submit()} testId="interaction-form">
      <Group align="flex-end" gap="sm" wrap="wrap">
        <NativeSelect
          label={t('timeline.form.kind')}
          value={kind}
          onChange={(e) => setKind(e.currentTarget.value as InteractionKind)}
          data={interactionKinds.map((k) => ({ value: k, label: t(`timeline.interactionKind.${k}`) }))}
          error={form.error('kind')}
          ref={form.register('kind')}
          w={170}
          data-testid="interaction-kind"
        />
        <Input.Wrapper label={t('timeline.form.initiatedBy')} error={form.error('initiatedBy')}>
          <div>
            <SegmentedControl
              value={initiatedBy}
              onChange={(v) => setInitiatedBy(v as Initiator)}
              data={[
                { value: 'contact', label: t('timeline.initiator.contact') },
                { value: 'shop', label: t('timeline.initiator.shop') },
              ]}
              data-testid="interaction-initiator"
            />
          </div>
        </Input.Wrapper>
        <Input.Wrapper label={t('timeline.form.direction')} error={form.error('direction')}>
          <div>
            <SegmentedControl
              value={shownDirection}
              onChange={(v) => setDirection(v as Direction)}
              data={[
                { value: 'in', label: t('timeline.direction.in') },
                { value: 'out', label: t('timeline.direction.out') },
              ]}
              data-testid="interaction-direction"
            />
          </div>
        </Input.Wrapper>
        <TextInput
          label={t('timeline.form.date')}
          placeholder={t('contacts.form.datePlaceholder')}
          value={day}
          onChange={(e) => {
            setDay(e.currentTarget.value);
            form.clear('occurredAt');
          }}
          error={form.error('occurredAt')}
          ref={form.register('occurredAt')}
          inputMode="numeric"
          autoComplete="off"
          w={130}
          data-testid="interaction-date"
        />
        <TextInput
          label={t('timeline.form.time')}
          placeholder="hh:mm"
          value={time}
          onChange={(e) => {
            setTime(e.currentTarget.value);
            form.clear('occurredAt');
          }}
          inputMode="numeric"
          autoComplete="off"
          w={90}
          data-testid="interaction-time"
        />
      </Group>
      <Textarea
        aria-label={t('timeline.form.summary')}
        placeholder={t('timeline.form.summaryPlaceholder')}
        value={summary}
        onChange={(e) => {
          setSummary(e.currentTarget.value);
          form.clear('summary');
        }}
        error={form.error('summary')}
        ref={form.register('summary')}
        autosize
        minRows={2}
        maxRows={10}
        data-testid="interaction-summary"
      />
      <Actions editing={entry !== undefined} saving={form.saving} onCancel={onCancel} testId="interaction" />
    </FormShell>
  );
};

/* ---------- task ---------- */

export const TaskForm = ({ contactId, entry, onSaved, onCancel }: FormProps<Task>) => {
  const api = useApi();
  const { t } = useTranslation();
  const [title, setTitle] = useState(entry?.title ?? '');
  const [due, setDue] = useState(() => dayToInput(entry?.dueDate ?? dayFromToday(DEFAULT_TASK_DAYS)));
  const form = useEntryForm(['title', 'dueDate'] as const);

  const submit = async () => {
    const dueDate = dayFromInput(due);
    const saved = entry
      ? await form.run(taskUpdateInput, { id: entry.id, title, dueDate }, (input) => api.call('tasks.update', input))
      : await form.run(taskInput, { contactId, title, dueDate }, (input) => api.call('tasks.create', input));
    if (saved === null) return;
    if (!entry) {
      setTitle('');
      setDue(dayToInput(dayFromToday(DEFAULT_TASK_DAYS)));
    }
    notifySuccess(entry ? t('timeline.done.saved') : t('timeline.done.taskAdded', { date: dayToInput(saved.dueDate) }));
    onSaved(saved);
  };

  return (
    <FormShell onSubmit={() => void submit()} testId="task-form">
      <Group align="flex-start" gap="sm" wrap="nowrap">
        <TextInput
          label={t('timeline.form.title')}
          placeholder={t('timeline.form.titlePlaceholder')}
          value={title}
          onChange={(e) => {
            setTitle(e.currentTarget.value);
            form.clear('title');
          }}
          error={form.error('title')}
          ref={form.register('title')}
          autoComplete="off"
          autoFocus={entry !== undefined}
          style={{ flex: 1 }}
          data-testid="task-title"
        />
        <TextInput
          label={t('timeline.form.dueDate')}
          placeholder={t('contacts.form.datePlaceholder')}
          value={due}
          onChange={(e) => {
            setDue(e.currentTarget.value);
            form.clear('dueDate');
          }}
          onBlur={() => {
            const iso = dayFromInput(due);
            if (iso !== due.trim()) setDue(dayToInput(iso));
          }}
          error={form.error('dueDate')}
          ref={form.register('dueDate')}
          inputMode="numeric"
          autoComplete="off"
          w={140}
          data-testid="task-due"
        />
      </Group>
      <Actions editing={entry !== undefined} saving={form.saving} onCancel={onCancel} testId="task" />
    </FormShell>
  );
};
