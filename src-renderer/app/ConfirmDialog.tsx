import { useState, type ReactNode } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type ConfirmDialogProps = {
  opened: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  /** When « Annuler » would read like the action itself (undoing a merge, cancelling an import). */
  cancelLabel?: string;
  danger?: boolean;
  /** Holds the confirm button until the dialog's own check passes (a word typed for a large deletion). */
  confirmDisabled?: boolean;
  testId: string;
  onConfirm(): Promise<void>;
  onClose(): void;
};

/** A confirmation that stays open (buttons busy) until the action has finished. */
export const ConfirmDialog = (props: ConfirmDialogProps) => {
  const { opened, title, children, confirmLabel, cancelLabel, danger, confirmDisabled, testId, onConfirm, onClose } = props;
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal opened={opened} onClose={busy ? () => {} : onClose} title={<Text fw={600}>{title}</Text>} centered>
      <Stack>
        <Text size="sm" component="div">
          {children}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={busy} data-testid={`${testId}-cancel`}>
            {cancelLabel ?? t('common.cancel')}
          </Button>
          <Button
            color={danger ? 'red' : undefined}
            loading={busy}
            disabled={confirmDisabled}
            onClick={() => void confirm()}
            data-testid={testId}
            data-autofocus
          >
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
};
