import { Alert, Select } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../../app/errors';
import type { SegmentRef } from './SegmentBuilder';
import { useSegmentList } from './use-segments';

export type SegmentPickerProps = {
  value: SegmentRef | null;
  error?: string | null;
  testId: string;
  onChange(segment: SegmentRef | null): void;
};

/** One saved segment, picked by name (the bonus grant's alternative to the filter panel). */
export const SegmentPicker = ({ value, error, testId, onChange }: SegmentPickerProps) => {
  const { t } = useTranslation();
  const { load } = useSegmentList();
  if (load.state === 'error') return <Alert color="red">{errorMessage(t, load.error)}</Alert>;
  const segments = load.state === 'ready' ? load.value : [];
  const empty = load.state === 'ready' && segments.length === 0;
  return (
    <Select
      label={t('segments.bonus.picker')}
      placeholder={t('segments.bonus.pickerPlaceholder')}
      data={segments.map((s) => ({ value: String(s.id), label: s.name }))}
      value={value === null ? null : String(value.id)}
      onChange={(id) => {
        const picked = segments.find((s) => String(s.id) === id);
        onChange(picked === undefined ? null : { id: picked.id, name: picked.name });
      }}
      searchable
      nothingFoundMessage={t('segments.bonus.none')}
      description={empty ? t('segments.bonus.none') : undefined}
      error={error}
      maw={420}
      data-testid={testId}
    />
  );
};
