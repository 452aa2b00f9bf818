import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Modal, NumberInput, SimpleGrid, Stack, Table, Text, TextInput, Textarea } from '@mantine/core';
import { IconAlertTriangle, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { DataBreach } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage, serverIssues, toFieldErrors, validationMessage, type FieldErrors } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';

type DateField = 'discoveredAt' | 'occurredAt' | 'cnilNotifiedAt' | 'peopleNotifiedAt';
type TextField = 'nature' | 'dataCategories' | 'consequences' | 'measures' | 'notNotifiedReason';
type Draft = Record<DateField | TextField, string> & { peopleCount: number | '' };

/** An instant as the value of a datetime-local input (the machine's time zone), and back. */
const toLocalInput = (iso: string | null): string => {
  if (iso === null) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};
const fromLocalInput = (v: string): string | null => (v === '' ? null : new Date(v).toISOString());

const draftOf = (b: DataBreach | null): Draft => ({
  discoveredAt: toLocalInput(b?.discoveredAt ?? new Date().toISOString()),
  occurredAt: toLocalInput(b?.occurredAt ?? null),
  cnilNotifiedAt: toLocalInput(b?.cnilNotifiedAt ?? null),
  peopleNotifiedAt: toLocalInput(b?.peopleNotifiedAt ?? null),
  nature: b?.nature ?? '',
  dataCategories: b?.dataCategories ?? '',
  consequences: b?.consequences ?? '',
  measures: b?.measures ?? '',
  notNotifiedReason: b?.notNotifiedReason ?? '',
  peopleCount: b?.peopleCount ?? '',
});

/** The form in a modal: a new breach, or one being completed (notified, measures taken). */
const BreachForm = ({ breach, onSaved, onClose }: { breach: DataBreach | null; onSaved(): void; onClose(): void }) => {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() => draftOf(breach));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);

  const message = (code: string | undefined) =>
    code === undefined ? undefined : i18n.exists(`retention.validation.${code}`) ? t(`retention.validation.${code}`) : validationMessage(t, code);

  const save = async () => {
    setBusy(true);
    // an empty discovery date goes through as '' so the store names the field that is missing
    const fields = {
      discoveredAt: fromLocalInput(draft.discoveredAt) ?? '',
      occurredAt: fromLocalInput(draft.occurredAt),
      cnilNotifiedAt: fromLocalInput(draft.cnilNotifiedAt),
      peopleNotifiedAt: fromLocalInput(draft.peopleNotifiedAt),
      nature: draft.nature,
      dataCategories: draft.dataCategories,
      consequences: draft.consequences,
      measures: draft.measures,
      notNotifiedReason: draft.notNotifiedReason,
      peopleCount: draft.peopleCount === '' ? null : draft.peopleCount,
    };
    try {
      if (breach === null) await api.call('breaches.create', fields);
      else await api.call('breaches.update', { ...fields, id: breach.id });
      notifySuccess(t('retention.breaches.saved'));
      onSaved();
    } catch (error) {
      const issues = serverIssues(error);
      if (issues !== null && issues.length > 0) setErrors(toFieldErrors(issues));
      else notifyError(t, error);
    } finally {
      setBusy(false);
    }
  };

  const date = (f: DateField) => (
    <TextInput
      type="datetime-local"
      label={t(`retention.breaches.field.${f}`)}
      value={draft[f]}
      required={f === 'discoveredAt'}
      error={message(errors[f])}
      onChange={(e) => {
        // read now: React clears currentTarget once the handler returns, before the updater runs
        const value = e.currentTarget.value;
        setDraft((d) => ({ ...d, [f]: value }));
      }}
      data-testid={`breach-${f}`}
    />
  );
  const text = (f: TextField, required = false) => (
    <Textarea
      autosize
      minRows={2}
      label={t(`retention.breaches.field.${f}`)}
      value={draft[f]}
      required={required}
      error={message(errors[f])}
      onChange={(e) => {
        // read now: React clears currentTarget once the handler returns, before the updater runs
        const value = e.currentTarget.value;
        setDraft((d) => ({ ...d, [f]: value }));
      }}
      data-testid={`breach-${f}`}
    />
  );

  return (
    <Modal opened onClose={busy ? () => {} : onClose} title={<Text fw={600}>{t('retention.breaches.formTitle')}</Text>} size="lg" centered>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {date('discoveredAt')}
          {date('occurredAt')}
        </SimpleGrid>
        {text('nature', true)}
        {text('dataCategories', true)}
        <NumberInput
          label={t('retention.breaches.field.peopleCount')}
          value={draft.peopleCount}
          min={0}
          allowDecimal={false}
          error={message(errors.peopleCount)}
          onChange={(v) => setDraft((d) => ({ ...d, peopleCount: typeof v === 'number' ? v : '' }))}
          data-testid="breach-peopleCount"
        />
        {text('consequences')}
        {text('measures')}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {date('cnilNotifiedAt')}
          {date('peopleNotifiedAt')}
        </SimpleGrid>
        {text('notNotifiedReason')}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy}>
            {t('common.cancel')}
          </Button>
          <Button loading={busy} onClick={() => void save()} data-testid="breach-save">
            {t('retention.breaches.save')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
};

/** The breach register the CNIL expects, with the 72-hour notification clock shown on each entry. */
export const BreachesPanel = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [list, setList] = useState<DataBreach[] | { error: unknown } | null>(null);
  const [editing, setEditing] = useState<DataBreach | 'new' | null>(null);

  const load = useCallback(
    () =>
      api.call('breaches.list', {}).then(
        (breaches) => setList(breaches),
        (error: unknown) => setList({ error }),
      ),
    [api],
  );
  useEffect(() => {
    void load();
  }, [load]);

  if (list === null) return <Loader size="sm" aria-label={t('app.loading')} />;
  if (!Array.isArray(list)) {
    return (
      <Alert color="red" data-testid="breaches-error">
        {errorMessage(t, list.error)}
      </Alert>
    );
  }
  const overdue = list.filter((b) => b.cnilOverdue).length;
  return (
    <Stack data-testid="breaches-panel">
      <Group justify="space-between">
        <Text size="sm" c="dimmed" maw={640}>
          {t('retention.breaches.intro')}
        </Text>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')} data-testid="breach-add">
          {t('retention.breaches.add')}
        </Button>
      </Group>
      {overdue > 0 && (
        <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="breaches-overdue">
          {t('retention.breaches.overdue', { count: overdue, n: fmt.number(overdue) })}
        </Alert>
      )}
      {list.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="breaches-empty">
          {t('retention.breaches.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped data-testid="breaches-list">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('retention.breaches.columns.discoveredAt')}</Table.Th>
                <Table.Th>{t('retention.breaches.columns.nature')}</Table.Th>
                <Table.Th ta="right">{t('retention.breaches.columns.people')}</Table.Th>
                <Table.Th>{t('retention.breaches.columns.cnil')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((b) => (
                <Table.Tr key={b.id} data-testid="breach-row" data-overdue={b.cnilOverdue ? 'true' : undefined}>
                  <Table.Td>
                    <Text size="sm">{fmt.dateTime(b.discoveredAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" lineClamp={2}>
                      {b.nature}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right">
                    <Text size="sm">{b.peopleCount === null ? '' : fmt.number(b.peopleCount)}</Text>
                  </Table.Td>
                  <Table.Td>
                    {b.cnilNotifiedAt !== null ? (
                      <Text size="sm">{t('retention.breaches.notified', { date: fmt.dateTime(b.cnilNotifiedAt) })}</Text>
                    ) : b.notNotifiedReason !== null ? (
                      <Text size="sm" c="dimmed" lineClamp={2}>
                        {t('retention.breaches.notNotified', { reason: b.notNotifiedReason })}
                      </Text>
                    ) : b.cnilOverdue ? (
                      <Badge color="red" tt="none" data-testid="breach-overdue">
                        {t('retention.breaches.overdueBadge')}
                      </Badge>
                    ) : (
                      <Text size="sm" c="orange">
                        {t('retention.breaches.deadline', { date: fmt.dateTime(b.cnilDeadline) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="subtle" onClick={() => setEditing(b)} data-testid="breach-edit">
                      {t('retention.breaches.edit')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== null && (
        <BreachForm
          breach={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void load();
          }}
        />
      )}
    </Stack>
  );
};
