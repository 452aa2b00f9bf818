import { useState } from 'react';
import { Alert, Button, Group, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';

type Props = {
  thresholdsAt: string | null;
  /** Active customers when the thresholds were computed, and now. */
  scored: number;
  active: number;
  onRecomputed(): void;
};

/** When the thresholds in use were computed, and the command to compute them again. */
export const ThresholdsBar = ({ thresholdsAt, scored, active, onRecomputed }: Props) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [busy, setBusy] = useState(false);
  const recompute = () => {
    setBusy(true);
    api.call('analytics.thresholds.recompute', {}).then(
      (r) => {
        setBusy(false);
        notifySuccess(t('rfm.recomputed', { ms: fmt.number(r.ms) }));
        onRecomputed();
      },
      (e: unknown) => {
        setBusy(false);
        notifyError(t, e);
      },
    );
  };
  // a tenth more or fewer active customers than when computed: the quintiles have moved
  const drifted = thresholdsAt !== null && Math.abs(active - scored) > Math.max(0, scored / 10);
  return (
    <Group justify="space-between" wrap="wrap" gap="xs">
      <Text size="sm" c="dimmed" data-testid="rfm-computed-at">
        {thresholdsAt === null ? t('rfm.never') : t('rfm.computedAt', { date: fmt.dateTime(thresholdsAt), count: scored, n: fmt.number(scored) })}
      </Text>
      <Button size="xs" variant="light" leftSection={<IconRefresh size={14} />} loading={busy} onClick={recompute} data-testid="rfm-recompute">
        {t('rfm.recompute')}
      </Button>
      {(thresholdsAt === null || drifted) && active > 0 && (
        <Alert color="yellow" py={6} w="100%" data-testid="rfm-drift">
          {t('rfm.drift', { count: active, n: fmt.number(active) })}
        </Alert>
      )}
    </Group>
  );
};
