import { useState } from 'react';
import { Alert, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ContactFilter } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { useFormatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { ListFiltersPanel } from '../contacts/ListFilters';
import { noFilters, toContactFilter, type ListFilters } from '../contacts/list-filters';
import { useTags } from '../contacts/list-tags';
import type { SegmentRef } from '../segments/SegmentBuilder';
import { SegmentPicker } from '../segments/SegmentPicker';
import { parsePoints } from './AdjustDialog';
import { loyaltyErrorMessage } from './messages';
import { loyaltyChanged } from './use-loyalty';

type Preview = { filter: ContactFilter; points: number; reason: string; members: number };

/**
 * Bonus points to a group picked with the contact list's own criteria: count
 * first, then grant exactly that many in one transaction (the store refuses
 * if the group changed in between, rather than granting to a different set).
 */
export const BonusGrant = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const tags = useTags();
  const [q, setQ] = useState('');
  const [filters, setFilters] = useState<ListFilters>(noFilters);
  // the group is either picked here with the list's criteria, or a saved segment (issue 5)
  const [mode, setMode] = useState<'filters' | 'segment'>('filters');
  const [segment, setSegment] = useState<SegmentRef | null>(null);
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ points?: string; reason?: string; form?: string; segment?: string }>({});
  const [preview, setPreview] = useState<Preview | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  const changed = () => {
    setPreview(null);
    setErrors({});
  };

  const count = async () => {
    const p = parsePoints(points);
    const e: typeof errors = {};
    if (!p.ok || p.value < 0) e.points = t(p.ok ? 'loyalty.bonus.positive' : `loyalty.adjust.${p.code}`);
    if (reason.trim() === '') e.reason = t('loyalty.adjust.reasonRequired');
    if (mode === 'segment' && segment === null) e.segment = t('segments.bonus.required');
    setErrors(e);
    if (!p.ok || p.value < 0 || e.reason !== undefined || e.segment !== undefined) return;
    const filter = mode === 'segment' ? toContactFilter('', { ...noFilters, segment }) : toContactFilter(q, filters);
    setBusy(true);
    try {
      const result = await api.call('loyalty.bonus.preview', { filter, points: p.value, reason: reason.trim() });
      setPreview({ filter, points: p.value, reason: reason.trim(), members: result.members });
    } catch (error) {
      setErrors({ form: loyaltyErrorMessage(t, error) });
    } finally {
      setBusy(false);
    }
  };

  const grant = async () => {
    if (preview === null) return;
    try {
      const { granted } = await api.call('loyalty.bonus.grant', {
        filter: preview.filter,
        points: preview.points,
        reason: preview.reason,
        expectedMembers: preview.members,
      });
      loyaltyChanged(null);
      notifySuccess(t('loyalty.bonus.done', { count: granted, n: fmt.number(granted), points: fmt.number(preview.points) }));
      setConfirming(false);
      setPreview(null);
    } catch (error) {
      setConfirming(false);
      setPreview(null);
      setErrors({ form: loyaltyErrorMessage(t, error) });
    }
  };

  return (
    <Stack data-testid="bonus-grant">
      <Text size="sm" c="dimmed">
        {t('loyalty.bonus.intro')}
      </Text>
      <SegmentedControl
        value={mode}
        onChange={(v) => {
          setMode(v === 'segment' ? 'segment' : 'filters');
          changed();
        }}
        data={[
          { value: 'filters', label: t('segments.bonus.filters') },
          { value: 'segment', label: t('segments.bonus.segment') },
        ]}
        aria-label={t('segments.bonus.mode')}
        style={{ alignSelf: 'flex-start' }}
        data-testid="bonus-mode"
      />
      {mode === 'segment' ? (
        <SegmentPicker
          value={segment}
          error={errors.segment}
          testId="bonus-segment"
          onChange={(next) => {
            setSegment(next);
            changed();
          }}
        />
      ) : (
        <>
          <TextInput
            label={t('loyalty.bonus.search')}
            value={q}
            onChange={(e) => {
              setQ(e.currentTarget.value);
              changed();
            }}
            data-testid="bonus-search"
          />
          <ListFiltersPanel
            value={filters}
            tags={tags}
            onChange={(next) => {
              setFilters(next);
              changed();
            }}
          />
        </>
      )}
      <Paper withBorder p="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label={t('loyalty.bonus.points')}
            value={points}
            onChange={(e) => {
              setPoints(e.currentTarget.value);
              changed();
            }}
            error={errors.points}
            inputMode="numeric"
            data-testid="bonus-points"
          />
          <TextInput
            label={t('loyalty.bonus.reason')}
            value={reason}
            onChange={(e) => {
              setReason(e.currentTarget.value);
              changed();
            }}
            error={errors.reason}
            maxLength={200}
            data-testid="bonus-reason"
          />
        </SimpleGrid>
      </Paper>
      {errors.form !== undefined && (
        <Alert color="red" data-testid="bonus-error">
          {errors.form}
        </Alert>
      )}
      <Group justify="flex-end">
        {preview !== null && (
          <Text size="sm" fw={600} data-testid="bonus-preview" data-members={preview.members}>
            {t('loyalty.bonus.preview', { count: preview.members, n: fmt.number(preview.members) })}
          </Text>
        )}
        <Button variant="light" onClick={() => void count()} loading={busy} data-testid="bonus-count">
          {t('loyalty.bonus.count')}
        </Button>
        <Button onClick={() => setConfirming(true)} disabled={preview === null || preview.members === 0} data-testid="bonus-grant-open">
          {t('loyalty.bonus.grant')}
        </Button>
      </Group>
      <ConfirmDialog
        opened={confirming && preview !== null}
        title={t('loyalty.bonus.confirmTitle')}
        confirmLabel={t('loyalty.bonus.confirm')}
        testId="bonus-confirm"
        onConfirm={grant}
        onClose={() => setConfirming(false)}
      >
        {preview !== null &&
          t('loyalty.bonus.confirmBody', {
            count: preview.members,
            n: fmt.number(preview.members),
            points: fmt.number(preview.points),
            reason: preview.reason,
          })}
      </ConfirmDialog>
    </Stack>
  );
};
