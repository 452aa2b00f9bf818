import { Alert, Checkbox, List, NativeSelect, Stack } from '@mantine/core';
import { IconFilterCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { consentReasons, type ConsentChannel, type ConsentReason } from '@contract';
import { useFormatters } from '../../app/format';
import { reasonLabel, targetOptions, targetValue } from './labels';

export type MarketingOptionProps = {
  /** "email:offers", or '' for an export that is not meant for marketing. */
  value: string;
  onChange(value: string): void;
};

/** The export dialog's switch: a campaign file only holds those the consent rules allow. */
export const MarketingOption = ({ value, onChange }: MarketingOptionProps) => {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Checkbox
        label={t('consent.export.marketing')}
        description={t('consent.export.marketingHint')}
        checked={value !== ''}
        onChange={(e) => onChange(e.currentTarget.checked ? targetValue({ channel: 'email', purpose: 'offers' }) : '')}
        data-testid="export-marketing"
      />
      {value !== '' && (
        <NativeSelect
          label={t('consent.export.target')}
          value={value}
          onChange={(e) => onChange(e.currentTarget.value)}
          data={targetOptions(t)}
          maw={360}
          ml="xl"
          data-testid="export-marketing-target"
        />
      )}
    </Stack>
  );
};

/** How many were left out of a marketing export, and why, in the rules' own words. */
export const ExcludedCounts = ({ excluded, channel }: { excluded: Partial<Record<ConsentReason, number>>; channel: ConsentChannel | null }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const rows = consentReasons.filter((r) => (excluded[r] ?? 0) > 0).map((r) => ({ reason: r, n: excluded[r] ?? 0 }));
  const total = rows.reduce((sum, r) => sum + r.n, 0);
  if (total === 0) {
    return (
      <Alert color="teal" icon={<IconFilterCheck size={18} />} data-testid="export-excluded" data-total={0}>
        {t('consent.export.excludedNone')}
      </Alert>
    );
  }
  return (
    <Alert
      color="blue"
      icon={<IconFilterCheck size={18} />}
      title={t('consent.export.excludedTitle', { count: total, n: fmt.number(total) })}
      data-testid="export-excluded"
      data-total={total}
    >
      <List size="sm" spacing={2}>
        {rows.map((r) => (
          <List.Item key={r.reason} data-testid="export-excluded-reason" data-reason={r.reason} data-count={r.n}>
            {t('consent.export.excludedItem', { reason: reasonLabel(t, r.reason, channel), n: fmt.number(r.n) })}
          </List.Item>
        ))}
      </List>
    </Alert>
  );
};
