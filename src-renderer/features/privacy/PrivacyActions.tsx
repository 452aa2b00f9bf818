import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconDownload, IconFileText, IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { confirmationMatches, erasureConfirmation, type AccessFormat, type Contact, type PrivacyRequest } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorCode, serverIssues } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { navigate } from '../../app/router';
import { NewRequestDialog } from './RequestDialogs';

/**
 * The person's rights from their own page: hand over everything held about
 * them (JSON to port, a document to print), record a request, erase them for
 * good. Their requests are listed here too, which is their history.
 */
export const PrivacyActions = ({ contact }: { contact: Contact }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [exporting, setExporting] = useState<AccessFormat | null>(null);
  const [creating, setCreating] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [requests, setRequests] = useState<PrivacyRequest[]>([]);
  const name = erasureConfirmation(contact);

  const load = useCallback(
    () =>
      api.call('privacy.requests.list', { contactId: contact.id, limit: 50 }).then(
        (page) => setRequests(page.rows),
        () => setRequests([]),
      ),
    [api, contact.id],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const access = async (format: AccessFormat) => {
    setExporting(format);
    try {
      const result = await api.call('privacy.access', { contactId: contact.id, format });
      await api.download(result.path);
      notifySuccess(t('privacy.actions.accessDone'));
    } catch (error) {
      // a Save dialog the user closed is a choice, not a failure
      if (errorCode(error) !== 'CANCELLED') notifyError(t, error);
    } finally {
      setExporting(null);
    }
  };

  return (
    <Paper withBorder p="md" data-testid="privacy-actions">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t('privacy.actions.title')}</Title>
          <Group gap="xs">
            <Button
              size="xs"
              variant="light"
              leftSection={<IconDownload size={14} />}
              loading={exporting === 'json'}
              disabled={exporting !== null}
              onClick={() => void access('json')}
              data-testid="privacy-access-json"
            >
              {t('privacy.actions.accessJson')}
            </Button>
            <Button
              size="xs"
              variant="light"
              leftSection={<IconFileText size={14} />}
              loading={exporting === 'html'}
              disabled={exporting !== null}
              onClick={() => void access('html')}
              data-testid="privacy-access-html"
            >
              {t('privacy.actions.accessHtml')}
            </Button>
            <Button size="xs" variant="default" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)} data-testid="privacy-new-request">
              {t('privacy.actions.newRequest')}
            </Button>
            <Button
              size="xs"
              color="red"
              variant="light"
              leftSection={<IconTrash size={14} />}
              onClick={() => setErasing(true)}
              data-testid="privacy-erase"
            >
              {t('privacy.actions.erase')}
            </Button>
          </Group>
        </Group>
        {requests.length > 0 && (
          <Table data-testid="privacy-contact-requests">
            <Table.Tbody>
              {requests.map((r) => (
                <Table.Tr key={r.id} data-testid="privacy-contact-request">
                  <Table.Td>{t(`privacy.requests.kind.${r.kind}`)}</Table.Td>
                  <Table.Td>{fmt.date(r.receivedOn)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={r.overdue ? 'red' : r.status === 'open' ? 'blue' : 'gray'}>
                      {r.overdue ? t('privacy.requests.overdue') : t(`privacy.requests.status.${r.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {r.outcome ?? ''}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <NewRequestDialog
        opened={creating}
        contact={{ id: contact.id, name }}
        onClose={() => setCreating(false)}
        onCreated={() => void load()}
      />
      {erasing && (
        <EraseDialog
          contact={contact}
          name={name}
          requests={requests.filter((r) => r.kind === 'erasure' && r.status === 'open')}
          onClose={() => setErasing(false)}
        />
      )}
    </Paper>
  );
};

type EraseProps = { contact: Contact; name: string; requests: PrivacyRequest[]; onClose(): void };

/** Typing the name is the confirmation: an erasure has no undo, not even through a backup. */
const EraseDialog = ({ contact, name, requests, onClose }: EraseProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [typed, setTyped] = useState('');
  const [requestId, setRequestId] = useState(requests[0] === undefined ? '' : String(requests[0].id));
  const [mismatch, setMismatch] = useState(false);
  const matches = confirmationMatches(name, typed);

  const erase = async () => {
    try {
      await api.call('privacy.erase', {
        contactId: contact.id,
        confirmName: typed,
        ...(requestId === '' ? {} : { requestId: Number(requestId) }),
      });
      notifySuccess(t('privacy.erase.done', { name }));
      onClose();
      navigate({ name: 'contacts' }, { replace: true });
    } catch (error) {
      if (serverIssues(error)?.some((i) => i.code === 'confirm_mismatch')) setMismatch(true);
      else notifyError(t, error);
    }
  };

  return (
    <ConfirmDialog
      opened
      title={t('privacy.erase.title', { name })}
      confirmLabel={t('privacy.erase.confirm')}
      danger
      confirmDisabled={!matches}
      testId="erase-confirm"
      onConfirm={erase}
      onClose={onClose}
    >
      <Stack gap="sm">
        <Text size="sm">{t('privacy.erase.removed')}</Text>
        <Text size="sm" data-testid="erase-kept">
          {t('privacy.erase.kept')}
        </Text>
        {requests.length > 0 && (
          <NativeSelect
            label={t('privacy.erase.request')}
            value={requestId}
            onChange={(e) => setRequestId(e.currentTarget.value)}
            data={[
              { value: '', label: t('privacy.erase.noRequest') },
              ...requests.map((r) => ({ value: String(r.id), label: `${t(`privacy.requests.kind.${r.kind}`)} — ${fmt.date(r.receivedOn)}` })),
            ]}
            data-testid="erase-request"
          />
        )}
        <TextInput
          label={t('privacy.erase.typeName', { name })}
          value={typed}
          onChange={(e) => {
            setTyped(e.currentTarget.value);
            setMismatch(false);
          }}
          autoComplete="off"
          error={mismatch ? t('privacy.erase.mismatch') : undefined}
          data-testid="erase-name"
        />
      </Stack>
    </ConfirmDialog>
  );
};
