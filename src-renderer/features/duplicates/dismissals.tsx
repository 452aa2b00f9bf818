import { useCallback, useState } from 'react';
import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/context';
import { notifyError, notifySuccess } from '../../app/notify';
import { pairKey } from './pairs';

/** Two records as a dismissal names them. */
export type NamedPair = { a: { id: number; name: string }; b: { id: number; name: string } };

/** The toast shown after "not a duplicate"; closed once the pair is taken back from anywhere. */
export const dismissNoticeId = (pair: NamedPair): string => `dismiss-${pairKey(pair.a.id, pair.b.id)}`;

/**
 * Takes a "not a duplicate" back and says so, in one place for the toast and
 * the list of dismissed pairs. Resolves to whether it was taken back.
 */
export const useUndismiss = (): ((pair: NamedPair) => Promise<boolean>) => {
  const api = useApi();
  const { t } = useTranslation();
  return useCallback(
    async (pair: NamedPair) => {
      const names = {
        a: pair.a.name === '' ? t('contacts.unnamed') : pair.a.name,
        b: pair.b.name === '' ? t('contacts.unnamed') : pair.b.name,
      };
      try {
        await api.call('duplicates.undismiss', { aId: pair.a.id, bId: pair.b.id });
        notifications.hide(dismissNoticeId(pair));
        notifySuccess(t('duplicates.undismissed', names));
        return true;
      } catch (error) {
        notifyError(t, error);
        return false;
      }
    },
    [api, t],
  );
};

/** The toast's body: what was decided, and the way back. */
export const DismissedNotice = ({ pair, onUndone }: { pair: NamedPair; onUndone(): void }) => {
  const { t } = useTranslation();
  const undismiss = useUndismiss();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    const done = await undismiss(pair);
    setBusy(false);
    if (done) onUndone();
  };
  return (
    <Group justify="space-between" wrap="nowrap" gap="sm">
      <Text size="sm">
        {t('duplicates.dismissed', {
          a: pair.a.name === '' ? t('contacts.unnamed') : pair.a.name,
          b: pair.b.name === '' ? t('contacts.unnamed') : pair.b.name,
        })}
      </Text>
      <Button
        size="xs"
        variant="light"
        loading={busy}
        onClick={() => void run()}
        style={{ flexShrink: 0 }}
        data-testid="dismiss-undo-notice"
      >
        {t('duplicates.undismiss')}
      </Button>
    </Group>
  );
};
