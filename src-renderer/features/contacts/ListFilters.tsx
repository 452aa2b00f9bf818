import { useState } from 'react';
import { Button, Chip, Group, MultiSelect, NativeSelect, Paper, Pill, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconDeviceFloppy, IconFilterOff } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { contactSources, contactStatuses, type ContactSource, type ContactStatus, type Tag } from '@contract';
import { validationMessage } from '../../app/errors';
import { parseTarget, targetLabel, targetOptions } from '../consent/labels';
import { SaveAsDialog } from '../segments/SegmentDialogs';
import { dayToInput } from './day-input';
import {
  activeKeys,
  dateRanges,
  noFilters,
  parseDay,
  rangeErrors,
  rangeFields,
  withoutKey,
  type DateRange,
  type FilterKey,
  type ListFilters,
} from './list-filters';

/** Props objects (not JSX) only take data attributes through an index signature. */
const testId = (id: string): Record<`data-${string}`, string> => ({ 'data-testid': id });

const rangeTestIds: Record<DateRange, { from: string; to: string }> = {
  created: { from: 'filter-created-from', to: 'filter-created-to' },
  lastPurchase: { from: 'filter-purchase-from', to: 'filter-purchase-to' },
};

type DayInputProps = {
  label: string;
  value: string;
  error: string | null;
  testId: string;
  onChange(value: string): void;
};

/** A day typed the French way; its error waits for the user to leave the field, not for the first digit. */
const DayInput = ({ label, value, error, testId, onChange }: DayInputProps) => {
  const { t } = useTranslation();
  const [typing, setTyping] = useState(false);
  const message = error === null || typing ? null : error === 'inverted' ? t('list.filters.inverted') : validationMessage(t, error);
  return (
    <TextInput
      size="xs"
      label={label}
      value={value}
      placeholder={t('list.filters.datePlaceholder')}
      onChange={(e) => {
        setTyping(true);
        onChange(e.currentTarget.value);
      }}
      onBlur={() => setTyping(false)}
      error={message}
      maxLength={10}
      autoComplete="off"
      inputMode="numeric"
      data-testid={testId}
    />
  );
};

export type ListFiltersPanelProps = {
  value: ListFilters;
  tags: readonly Tag[];
  onChange(next: ListFilters): void;
};

/** Every criterion of the list; the list itself debounces what is typed. */
export const ListFiltersPanel = ({ value, tags, onChange }: ListFiltersPanelProps) => {
  const { t } = useTranslation();
  const set = <K extends keyof ListFilters>(key: K, v: ListFilters[K]) => onChange({ ...value, [key]: v });
  const tagOptions = tags.map((tag) => ({ value: tag.id, label: tag.name }));
  const counts = new Map(tags.map((tag) => [tag.id, tag.contactCount]));
  return (
    <Paper withBorder p="sm" data-testid="filters-panel" data-list-filters>
      <Stack gap="sm">
        <Stack gap={4}>
          <Text size="xs" fw={500}>
            {t('list.filters.status')}
          </Text>
          <Chip.Group<true, ContactStatus> multiple value={value.status} onChange={(v) => set('status', v)}>
            <Group gap="xs">
              {contactStatuses.map((status) => (
                // the chip's input is visually hidden: the test id goes on what a user clicks
                <Chip key={status} value={status} size="xs" wrapperProps={{ 'data-testid': `filter-status-${status}` }}>
                  {t(`contacts.status.${status}`)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
        </Stack>
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
          <MultiSelect<number>
            size="xs"
            label={t('list.filters.tags')}
            placeholder={value.tags.length === 0 ? t('list.filters.anyTag') : undefined}
            data={tagOptions}
            value={value.tags}
            onChange={(v) => set('tags', v)}
            renderOption={({ option }) => (
              <Group justify="space-between" wrap="nowrap" w="100%">
                <Text size="xs">{option.label}</Text>
                <Text size="xs" c="dimmed">
                  {counts.get(option.value) ?? 0}
                </Text>
              </Group>
            )}
            nothingFoundMessage={t('list.filters.noTags')}
            searchable
            clearable
            data-testid="filter-tags"
          />
          <MultiSelect<ContactSource>
            size="xs"
            label={t('list.filters.source')}
            placeholder={value.source.length === 0 ? t('list.filters.anySource') : undefined}
            data={contactSources.map((s) => ({ value: s, label: t(`contacts.source.${s}`) }))}
            value={value.source}
            onChange={(v) => set('source', v)}
            searchable
            clearable
            data-testid="filter-source"
          />
          <TextInput
            size="xs"
            label={t('list.filters.city')}
            value={value.city}
            onChange={(e) => set('city', e.currentTarget.value)}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            data-testid="filter-city"
          />
          <TextInput
            size="xs"
            label={t('list.filters.postcode')}
            value={value.postcode}
            onChange={(e) => set('postcode', e.currentTarget.value)}
            maxLength={12}
            autoComplete="off"
            inputMode="numeric"
            data-testid="filter-postcode"
          />
          {dateRanges.map((range) => {
            const errors = rangeErrors(value, range);
            const fields = rangeFields[range];
            return [
              <DayInput
                key={`${range}-from`}
                label={t(`list.filters.${range}From`)}
                value={value[fields.from]}
                error={errors.from}
                testId={rangeTestIds[range].from}
                onChange={(v) => set(fields.from, v)}
              />,
              <DayInput
                key={`${range}-to`}
                label={t(`list.filters.${range}To`)}
                value={value[fields.to]}
                error={errors.to}
                testId={rangeTestIds[range].to}
                onChange={(v) => set(fields.to, v)}
              />,
            ];
          })}
        </SimpleGrid>
        <NativeSelect
          size="xs"
          label={t('consent.filter.label')}
          value={value.contactable}
          onChange={(e) => set('contactable', e.currentTarget.value)}
          data={[{ value: '', label: t('consent.filter.any') }, ...targetOptions(t)]}
          maw={360}
          data-testid="filter-contactable"
        />
      </Stack>
    </Paper>
  );
};

/** "14/07/2024", or what was typed when it is not a date (its chip still shows, to be removed). */
const dayLabel = (typed: string): string => {
  const day = parseDay(typed);
  return day === null || day === 'invalid' ? typed.trim() : dayToInput(day);
};

const chipValue = (t: TFunction, f: ListFilters, key: FilterKey, tags: readonly Tag[]): string => {
  switch (key) {
    case 'segment':
      return f.segment?.name ?? '';
    case 'status':
      return f.status.map((s) => t(`contacts.status.${s}`)).join(', ');
    case 'source':
      return f.source.map((s) => t(`contacts.source.${s}`)).join(', ');
    case 'tags': {
      const names = new Map(tags.map((tag) => [tag.id, tag.name]));
      return f.tags.map((id) => names.get(id) ?? '…').join(', ');
    }
    case 'city':
      return f.city.trim();
    case 'postcode':
      return f.postcode.trim();
    case 'contactable': {
      const target = parseTarget(f.contactable);
      return target === null ? '' : targetLabel(t, target);
    }
    default: {
      const from = dayLabel(f[rangeFields[key].from]);
      const to = dayLabel(f[rangeFields[key].to]);
      if (from !== '' && to !== '') return t('list.filters.between', { from, to });
      return from !== '' ? t('list.filters.since', { from }) : t('list.filters.until', { to });
    }
  }
};

export type FilterChipsProps = {
  value: ListFilters;
  tags: readonly Tag[];
  onChange(next: ListFilters): void;
};

/** The criteria in force, each removable, and a way to drop them all. */
export const FilterChips = ({ value, tags, onChange }: FilterChipsProps) => {
  const { t } = useTranslation();
  const [saving, setSaving] = useState(false);
  const keys = activeKeys(value);
  if (keys.length === 0) return null;
  const draft = value.segment !== null && 'definition' in value.segment ? value.segment : null;
  return (
    <Group gap="xs" data-testid="filter-chips">
      {draft !== null && (
        <>
          <Button size="compact-xs" variant="light" leftSection={<IconDeviceFloppy size={14} />} onClick={() => setSaving(true)} data-testid="segment-save-as">
            {t('segments.saveAs.open')}
          </Button>
          <SaveAsDialog
            draft={saving ? draft : null}
            onClose={() => setSaving(false)}
            onSaved={(segment) => {
              setSaving(false);
              onChange({ ...value, segment: { id: segment.id, name: segment.name } });
            }}
          />
        </>
      )}
      {keys.map((key) => {
        const chip = chipValue(t, value, key, tags);
        const label =
          key === 'contactable'
            ? t('consent.filter.chip', { value: chip })
            : key === 'segment'
              ? t('segments.chip', { name: chip })
              : t(`list.filters.chip.${key}`, { value: chip });
        // a bound that is not a date, or an end before the start, narrows nothing: the chip must not read as if it did
        const errors = key === 'created' || key === 'lastPurchase' ? rangeErrors(value, key) : null;
        const ignored = errors !== null && (errors.from !== null || errors.to !== null);
        return (
          <Pill
            key={key}
            withRemoveButton
            onRemove={() => onChange(withoutKey(value, key))}
            removeButtonProps={{ 'aria-label': t('list.filters.remove', { label }), ...testId(`filter-chip-remove-${key}`) }}
            data-testid="filter-chip"
            data-filter={key}
            data-ignored={ignored || undefined}
            {...(ignored ? { bg: 'red.0', c: 'red.8' } : {})}
          >
            {ignored ? t('list.filters.chipIgnored', { label }) : label}
          </Pill>
        );
      })}
      <Button
        size="compact-xs"
        variant="subtle"
        leftSection={<IconFilterOff size={14} />}
        onClick={() => onChange(noFilters)}
        data-testid="filters-clear"
      >
        {t('list.filters.clear')}
      </Button>
    </Group>
  );
};
