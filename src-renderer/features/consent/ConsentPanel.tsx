import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  NativeSelect,
  Paper,
  Stack,
  Table,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { IconCheck, IconHandStop, IconShieldCheck, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { consentChannels, consentPurposes, type ConsentCell, type ConsentStatus, type Contact } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { plainName } from '../contacts/names';
import { ConsentHistory } from './ConsentHistory';
import { consentChanged } from './events';
import { methodOptions, reasonLabel, type UserMethod } from './labels';
import { RecordConsentForm } from './RecordConsentForm';
import { useConsentStatus } from './use-consent';

type CellProps = { cell: ConsentCell; busy: boolean; onWithdraw(): void };

/** One channel × purpose: may we contact them today, why (not), and what the ledger says. */
const Cell = ({ cell, busy, onWithdraw }: CellProps) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { allowed, reason } = cell.decision;
  const channel = t(`consent.channel.${cell.channel}`);
  const purpose = t(`consent.purpose.${cell.purpose}`);
  const state = t(`consent.state.${cell.state}`);
  return (
    <Stack
      gap={2}
      data-testid={`consent-cell-${cell.channel}-${cell.purpose}`}
      data-allowed={allowed ? 'true' : 'false'}
      data-state={cell.state}
      data-reason={reason}
      aria-label={t('consent.cellLabel', {
        channel,
        purpose,
        verdict: allowed ? t('consent.allowed') : t('consent.refused'),
        reason: reasonLabel(t, reason, cell.channel),
      })}
    >
      <Group gap={4} wrap="nowrap">
        <ThemeIcon size={16} radius="xl" color={allowed ? 'teal' : 'red'} variant="light" aria-hidden>
          {allowed ? <IconCheck size={11} /> : <IconX size={11} />}
        </ThemeIcon>
        <Text size="sm" fw={600} c={allowed ? 'teal.8' : 'red.8'}>
          {allowed ? t('consent.allowed') : t('consent.refused')}
        </Text>
      </Group>
      <Text size="xs" lh={1.3} data-testid="consent-cell-reason">
        {reasonLabel(t, reason, cell.channel)}
      </Text>
      <Text size="xs" c="dimmed" lh={1.3}>
        {cell.since === null || cell.state === 'unknown' ? state : t('consent.stateSince', { state, date: fmt.date(cell.since) })}
        {cell.informed && ` · ${t('consent.informed')}`}
      </Text>
      {cell.state === 'granted' && (
        <Button
          size="compact-xs"
          variant="subtle"
          color="orange"
          onClick={onWithdraw}
          loading={busy}
          aria-label={t('consent.withdrawLabel', { channel, purpose })}
          style={{ alignSelf: 'flex-start' }}
          data-testid={`consent-withdraw-${cell.channel}-${cell.purpose}`}
        >
          {t('consent.withdraw')}
        </Button>
      )}
    </Stack>
  );
};

const Grid = ({ status, withdrawing, onWithdraw }: { status: ConsentStatus; withdrawing: string | null; onWithdraw(cell: ConsentCell): void }) => {
  const { t } = useTranslation();
  const at = (channel: string, purpose: string) => status.cells.find((c) => c.channel === channel && c.purpose === purpose);
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table withColumnBorders withTableBorder verticalSpacing="xs" data-testid="consent-grid" layout="fixed">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={110} />
            {consentPurposes.map((p) => (
              <Table.Th key={p} scope="col">
                {t(`consent.purpose.${p}`)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {consentChannels.map((channel) => (
            <Table.Tr key={channel}>
              <Table.Th scope="row">{t(`consent.channel.${channel}`)}</Table.Th>
              {consentPurposes.map((purpose) => {
                const cell = at(channel, purpose);
                return (
                  <Table.Td key={purpose} style={{ verticalAlign: 'top' }}>
                    {cell !== undefined && (
                      <Cell cell={cell} busy={withdrawing === `${channel}:${purpose}`} onWithdraw={() => onWithdraw(cell)} />
                    )}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
};

/** The contact page's consent block: today's answer per channel and purpose, capture at the counter, withdrawal, objection, proof. */
export const ConsentPanel = ({ contact }: { contact: Contact }) => {
  const api = useApi();
  const { t } = useTranslation();
  const { load, set, reload } = useConsentStatus(contact.id);
  const [recording, setRecording] = useState(false);
  const [withdrawing, setWithdrawing] = useState<string | null>(null);
  const [objecting, setObjecting] = useState(false);
  const [objectMethod, setObjectMethod] = useState<UserMethod>('counter');

  const changed = (status: ConsentStatus) => {
    set(status);
    consentChanged(contact.id);
  };

  const withdraw = async (cell: ConsentCell) => {
    setWithdrawing(`${cell.channel}:${cell.purpose}`);
    try {
      changed(await api.call('consent.withdraw', { contactId: contact.id, channel: cell.channel, purpose: cell.purpose }));
      notifySuccess(
        t('consent.withdrawn', { channel: t(`consent.channel.${cell.channel}`), purpose: t(`consent.purpose.${cell.purpose}`) }),
      );
    } catch (error) {
      notifyError(t, error);
    } finally {
      setWithdrawing(null);
    }
  };

  const object = async () => {
    try {
      changed(await api.call('consent.object', { contactId: contact.id, method: objectMethod }));
      setObjecting(false);
      notifySuccess(t('consent.object.done'));
    } catch (error) {
      notifyError(t, error);
    }
  };

  const status = load.state === 'ready' ? load.value : null;
  const objected = status !== null && status.cells.length > 0 && status.cells.every((c) => c.state === 'objected');

  return (
    <Paper withBorder p="md" data-testid="consent-panel">
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={0}>
            <Group gap="xs">
              <IconShieldCheck size={20} aria-hidden />
              <Title order={3}>{t('consent.title')}</Title>
              {status !== null && (
                <Badge variant="outline" color="gray" tt="none" data-testid="consent-person-kind">
                  {t(`consent.personKind.${status.personKind}`)}
                </Badge>
              )}
            </Group>
            <Text size="sm" c="dimmed">
              {t('consent.subtitle')}
            </Text>
          </Stack>
          {status !== null && !objected && (
            <Group gap="xs">
              <Button variant={recording ? 'default' : 'filled'} onClick={() => setRecording((r) => !r)} aria-expanded={recording} data-testid="consent-record-open">
                {t('consent.record.open')}
              </Button>
              <Button variant="light" color="red" leftSection={<IconHandStop size={16} />} onClick={() => setObjecting(true)} data-testid="consent-object">
                {t('consent.object.button')}
              </Button>
            </Group>
          )}
        </Group>

        {load.state === 'loading' && (
          <Center py="sm">
            <Loader size="sm" aria-label={t('app.loading')} />
          </Center>
        )}
        {load.state === 'error' && (
          <Alert color="red" title={t('consent.loadFailed')} data-testid="consent-error">
            <Group justify="space-between">
              <Text size="sm">{errorMessage(t, load.error)}</Text>
              <Button size="xs" variant="light" onClick={reload}>
                {t('common.retry')}
              </Button>
            </Group>
          </Alert>
        )}
        {objected && (
          <Alert color="red" icon={<IconHandStop size={18} />} data-testid="consent-objected">
            {t('consent.object.active')}
          </Alert>
        )}
        {recording && status !== null && (
          <RecordConsentForm
            contactId={contact.id}
            onSaved={(s) => {
              setRecording(false);
              changed(s);
            }}
            onCancel={() => setRecording(false)}
          />
        )}
        {status !== null && (
          <>
            <Grid status={status} withdrawing={withdrawing} onWithdraw={(cell) => void withdraw(cell)} />
            <ConsentHistory events={status.events} />
          </>
        )}
      </Stack>
      <ConfirmDialog
        opened={objecting}
        title={t('consent.object.title')}
        confirmLabel={t('consent.object.confirm')}
        danger
        testId="consent-object-confirm"
        onConfirm={object}
        onClose={() => setObjecting(false)}
      >
        <Stack gap="sm">
          <Text size="sm">{t('consent.object.body', { name: plainName(t, contact) })}</Text>
          <NativeSelect
            label={t('consent.object.method')}
            value={objectMethod}
            onChange={(e) => setObjectMethod(e.currentTarget.value as UserMethod)}
            data={methodOptions(t)}
            data-testid="consent-object-method"
          />
        </Stack>
      </ConfirmDialog>
    </Paper>
  );
};
