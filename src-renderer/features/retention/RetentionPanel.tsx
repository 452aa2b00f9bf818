import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Loader,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type {
  AutomaticAction,
  RetentionAction,
  RetentionPolicies,
  RetentionPreview,
  RetentionReview,
  RetentionRow,
  RetentionRule,
  RetentionStatus,
} from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorCode, errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { routeHref } from '../../app/router';

type Scope = RetentionRule | 'all';
const ACTIONS: readonly RetentionAction[] = ['reconsent', 'archive', 'erase'];

/** Periods and automatic mode; turning automatic mode on asks first (it acts without previews). */
const PoliciesCard = ({ policies, onSaved }: { policies: RetentionPolicies; onSaved(next: RetentionPolicies): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  const [years, setYears] = useState({
    prospectYears: policies.prospectYears,
    customerYears: policies.customerYears,
    accountingYears: policies.accountingYears,
  });
  const [enabling, setEnabling] = useState(false);

  const save = async (patch: Partial<RetentionPolicies>, message?: string) => {
    try {
      const next = await api.call('retention.policies.update', patch);
      onSaved(next);
      if (message) notifySuccess(message);
    } catch (error) {
      notifyError(t, error);
    }
  };

  const yearsField = (key: keyof typeof years, min: number, max: number) => (
    <NumberInput
      label={t(`retention.policies.${key}`)}
      value={years[key]}
      min={min}
      max={max}
      allowDecimal={false}
      onChange={(v) => setYears((y) => ({ ...y, [key]: typeof v === 'number' ? v : Number(v) }))}
      data-testid={`retention-${key}`}
    />
  );

  return (
    <Card withBorder>
      <Stack>
        <Title order={4}>{t('retention.policies.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('retention.policies.intro')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {yearsField('prospectYears', 1, 10)}
          {yearsField('customerYears', 1, 10)}
          {yearsField('accountingYears', 10, 30)}
        </SimpleGrid>
        <Group>
          <Button onClick={() => void save(years, t('retention.policies.saved'))} data-testid="retention-save">
            {t('retention.policies.save')}
          </Button>
        </Group>
        <Group align="flex-end">
          <Switch
            label={t('retention.policies.automatic')}
            description={t('retention.policies.automaticHelp')}
            checked={policies.automatic}
            onChange={(e) => (e.currentTarget.checked ? setEnabling(true) : void save({ automatic: false }))}
            data-testid="retention-automatic"
          />
          <Select
            label={t('retention.policies.automaticAction')}
            data={(['archive', 'erase'] as const).map((a) => ({ value: a, label: t(`retention.actions.${a}`) }))}
            value={policies.automaticAction}
            allowDeselect={false}
            onChange={(v) => v !== null && void save({ automaticAction: v as AutomaticAction })}
            data-testid="retention-automatic-action"
          />
        </Group>
        {policies.automatic && (
          <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="retention-automatic-warning">
            {t('retention.policies.automaticWarning')}
          </Alert>
        )}
      </Stack>
      <ConfirmDialog
        opened={enabling}
        title={t('retention.policies.enableTitle')}
        confirmLabel={t('retention.policies.enableConfirm')}
        danger
        testId="retention-automatic-confirm"
        onConfirm={async () => {
          await save({ automatic: true });
          setEnabling(false);
        }}
        onClose={() => setEnabling(false)}
      >
        <Stack gap="xs">
          <Text size="sm">{t('retention.policies.enableText', { action: t(`retention.actions.${policies.automaticAction}`) })}</Text>
          <Text size="sm" c="red">
            {t('retention.policies.automaticWarning')}
          </Text>
        </Stack>
      </ConfirmDialog>
    </Card>
  );
};

type Pending = { action: RetentionAction; preview: RetentionPreview };

/**
 * The retention duties: periods, automatic mode, and the queue of records
 * that are due, each action shown as a preview (counts) and applied only on
 * confirmation, with the preview's count sent along so a base that changed
 * in between is refused rather than acted on.
 */
export const RetentionPanel = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [policies, setPolicies] = useState<RetentionPolicies | null>(null);
  const [status, setStatus] = useState<RetentionStatus | null>(null);
  const [scope, setScope] = useState<Scope>('all');
  const [review, setReview] = useState<RetentionReview | null>(null);
  const [rows, setRows] = useState<RetentionRow[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [understood, setUnderstood] = useState(false);
  // chosen rows narrow an action to them; none chosen: the whole rule (or both)
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());

  const load = useCallback(async () => {
    try {
      const rule = scope === 'all' ? undefined : scope;
      const [p, s, r] = await Promise.all([
        api.call('retention.policies', {}),
        api.call('retention.status', {}),
        api.call('retention.review', { limit: 50, ...(rule ? { rule } : {}) }),
      ]);
      setPolicies(p);
      setStatus(s);
      setReview(r);
      setRows(r.rows);
      setSelected(new Set());
      setFailure(null);
    } catch (error) {
      setFailure(error);
    }
  }, [api, scope]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => api.on('data.changed', ({ scope: s }) => s !== 'settings' && void load()), [api, load]);

  const more = async () => {
    if (review?.nextCursor == null) return;
    try {
      const rule = scope === 'all' ? undefined : scope;
      const next = await api.call('retention.review', { limit: 50, cursor: review.nextCursor, ...(rule ? { rule } : {}) });
      setRows((r) => [...r, ...next.rows]);
      // the counts come with the first page only
      setReview((prev) => (prev === null ? next : { ...prev, nextCursor: next.nextCursor }));
    } catch (error) {
      notifyError(t, error);
    }
  };

  const target = () => (selected.size > 0 ? { ids: [...selected] } : scope === 'all' ? {} : { rule: scope });
  const toggle = (id: number, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const preview = async (action: RetentionAction) => {
    try {
      const p = await api.call('retention.preview', { action, ...target() });
      setUnderstood(false);
      setPending({ action, preview: p });
    } catch (error) {
      notifyError(t, error);
    }
  };

  const apply = async () => {
    if (pending === null) return;
    try {
      const done = await api.call('retention.apply', {
        action: pending.action,
        ...target(),
        expected: pending.preview.count,
        confirm: true,
      });
      setPending(null);
      notifySuccess(t(`retention.actionDone.${done.action}`, { count: done.count, n: fmt.number(done.count) }));
      if (done.path !== null) {
        await api.download(done.path).catch((error: unknown) => {
          if (errorCode(error) !== 'CANCELLED') notifyError(t, error);
        });
      }
      await load();
    } catch (error) {
      notifyError(t, error);
      setPending(null);
      await load();
    }
  };

  if (failure !== null) {
    return (
      <Alert color="red" title={t('retention.loadFailed')} data-testid="retention-error">
        {errorMessage(t, failure)}
      </Alert>
    );
  }
  if (policies === null || review === null) return <Loader size="sm" aria-label={t('app.loading')} />;

  const due = review.due ?? { prospect: 0, customer: 0 };
  const dueCount = scope === 'all' ? due.prospect + due.customer : due[scope];
  const p = pending?.preview;

  return (
    <Stack data-testid="retention-panel">
      <Text size="sm" c="dimmed" data-testid="retention-status">
        {status?.checkedAt
          ? t('retention.status.checked', {
              date: fmt.dateTime(status.checkedAt),
              prospect: fmt.number(status.due.prospect),
              customer: fmt.number(status.due.customer),
            })
          : t('retention.status.never')}
        {status?.applied
          ? ` ${t('retention.status.applied', {
              count: status.applied.count,
              n: fmt.number(status.applied.count),
              action: t(`retention.actions.${status.applied.action}`),
            })}`
          : ''}
      </Text>
      <PoliciesCard key={JSON.stringify(policies)} policies={policies} onSaved={(next) => {
        setPolicies(next);
        void load();
      }} />

      <Card withBorder>
        <Stack>
          <Group justify="space-between">
            <Title order={4}>{t('retention.queue.title')}</Title>
            <SegmentedControl
              value={scope}
              onChange={(v) => setScope(v as Scope)}
              data={(['all', 'prospect', 'customer'] as const).map((s) => ({
                value: s,
                label: `${t(`retention.rules.${s}`)} (${fmt.number(s === 'all' ? due.prospect + due.customer : due[s])})`,
              }))}
              data-testid="retention-scope"
            />
          </Group>
          <Group>
            <Badge color={dueCount > 0 ? 'orange' : 'gray'} variant="light" tt="none" data-testid="retention-due">
              {t('retention.queue.due', { n: fmt.number(dueCount) })}
            </Badge>
            {ACTIONS.map((action) => (
              <Button
                key={action}
                size="xs"
                variant={action === 'erase' ? 'outline' : 'light'}
                color={action === 'erase' ? 'red' : undefined}
                disabled={dueCount === 0 && selected.size === 0}
                onClick={() => void preview(action)}
                data-testid={`retention-action-${action}`}
              >
                {t(`retention.actions.${action}`)}
              </Button>
            ))}
          </Group>
          {selected.size > 0 && (
            <Group gap="xs">
              <Text size="sm" data-testid="retention-selected">
                {t('retention.queue.selected', { count: selected.size, n: fmt.number(selected.size) })}
              </Text>
              <Button size="compact-xs" variant="subtle" onClick={() => setSelected(new Set())}>
                {t('retention.queue.clear')}
              </Button>
            </Group>
          )}
          {review.accountingDue !== null && review.accountingDue > 0 && (
            <Text size="sm" c="dimmed" data-testid="retention-accounting">
              {t('retention.queue.accounting', {
                count: review.accountingDue,
                n: fmt.number(review.accountingDue),
                years: policies.accountingYears,
              })}
            </Text>
          )}
          {rows.length === 0 ? (
            <Text size="sm" c="dimmed" data-testid="retention-empty">
              {t('retention.queue.empty')}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={600}>
              <Table striped data-testid="retention-queue">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={36} />
                    <Table.Th>{t('retention.queue.name')}</Table.Th>
                    <Table.Th>{t('retention.queue.rule')}</Table.Th>
                    <Table.Th>{t('retention.queue.reference')}</Table.Th>
                    <Table.Th>{t('retention.queue.dueSince')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((r) => (
                    <Table.Tr key={r.contactId} data-testid="retention-row" data-contact-id={r.contactId} data-rule={r.rule}>
                      <Table.Td>
                        <Checkbox
                          aria-label={t('retention.queue.select')}
                          checked={selected.has(r.contactId)}
                          onChange={(e) => toggle(r.contactId, e.currentTarget.checked)}
                          data-testid="retention-row-select"
                        />
                      </Table.Td>
                      <Table.Td>
                        <Anchor href={routeHref({ name: 'contact', id: r.contactId })} size="sm">
                          {r.name === '' ? t('retention.queue.unnamed') : r.name}
                        </Anchor>
                        {r.business && (
                          <Badge ml="xs" size="xs" variant="outline" tt="none">
                            {t('retention.queue.business')}
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" tt="none" color={r.rule === 'prospect' ? 'blue' : 'grape'}>
                          {t(`retention.rules.${r.rule}`)}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{fmt.date(r.referenceDate)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{fmt.date(r.dueSince)}</Text>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {review.nextCursor !== null && (
            <Group>
              <Button variant="default" size="xs" onClick={() => void more()} data-testid="retention-more">
                {t('retention.queue.more')}
              </Button>
            </Group>
          )}
        </Stack>
      </Card>

      <ConfirmDialog
        opened={pending !== null}
        title={pending ? t('retention.preview.title', { action: t(`retention.actions.${pending.action}`) }) : ''}
        confirmLabel={pending ? t(`retention.actions.${pending.action}`) : ''}
        danger={pending?.action !== 'reconsent'}
        confirmDisabled={p === undefined || p.count === 0 || (pending?.action === 'erase' && !understood)}
        testId="retention-apply"
        onConfirm={apply}
        onClose={() => setPending(null)}
      >
        {pending && p && (
          <Stack gap="xs" data-testid="retention-preview">
            {p.count === 0 ? (
              <Text size="sm">{t('retention.preview.nothing')}</Text>
            ) : (
              <>
                <Text size="sm" data-testid="retention-preview-count" data-count={p.count}>
                  {t('retention.preview.count', {
                    count: p.count,
                    n: fmt.number(p.count),
                    prospect: fmt.number(p.byRule.prospect),
                    customer: fmt.number(p.byRule.customer),
                  })}
                </Text>
                {p.withSales > 0 && (
                  <Text size="sm" data-testid="retention-preview-sales">
                    {t('retention.preview.withSales', { count: p.withSales, n: fmt.number(p.withSales) })}
                  </Text>
                )}
                {pending.action === 'reconsent' && p.objected > 0 && (
                  <Text size="sm" data-testid="retention-preview-objected">
                    {t('retention.preview.objected', { count: p.objected, n: fmt.number(p.objected) })}
                  </Text>
                )}
                <Text size="sm" c={pending.action === 'erase' ? 'red' : undefined}>
                  {t(`retention.preview.${pending.action}`)}
                </Text>
                {pending.action === 'erase' && (
                  <Checkbox
                    label={t('retention.preview.understood')}
                    checked={understood}
                    onChange={(e) => setUnderstood(e.currentTarget.checked)}
                    data-testid="retention-erase-understood"
                  />
                )}
              </>
            )}
          </Stack>
        )}
      </ConfirmDialog>
    </Stack>
  );
};
