import { useState } from 'react';
import { Button, Group, Modal, Radio, Stack, Textarea } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { attritionKinds, LOSS_NOTE_MAX, type AttritionKind } from '@contract';
import { useApi } from '../../api/context';
import { notifyError, notifySuccess } from '../../app/notify';

/** Files a customer as lost under a kind of attrition, with what the shop knows about it. */
export const MarkLostDialog = ({ contactId, opened, onClose, onDone }: { contactId: number; opened: boolean; onClose(): void; onDone(): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  const [kind, setKind] = useState<AttritionKind>('dissatisfaction');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    try {
      await api.call('analytics.lost.mark', { contactId, attrition: kind, note });
      notifySuccess(t('attrition.mark.done'));
      setNote('');
      onDone();
      onClose();
    } catch (e) {
      notifyError(t, e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal opened={opened} onClose={onClose} title={t('attrition.mark.title')} data-testid="mark-lost-dialog">
      <Stack>
        <Radio.Group label={t('attrition.mark.kind')} value={kind} onChange={(v) => setKind(attritionKinds.find((k) => k === v) ?? 'dissatisfaction')}>
          <Stack gap="xs" mt={4}>
            {attritionKinds.map((k) => (
              <Radio
                key={k}
                value={k}
                label={t(`attrition.kind.${k}`)}
                description={t(`attrition.kindHint.${k}`)}
                data-testid={`mark-lost-kind-${k}`}
              />
            ))}
          </Stack>
        </Radio.Group>
        <Textarea
          label={t('attrition.mark.note')}
          placeholder={t('attrition.mark.notePlaceholder')}
          value={note}
          maxLength={LOSS_NOTE_MAX}
          autosize
          minRows={2}
          onChange={(e) => setNote(e.currentTarget.value)}
          data-testid="mark-lost-note"
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="orange" loading={busy} onClick={() => void submit()} data-testid="mark-lost-confirm">
            {t('attrition.mark.confirm')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
};
