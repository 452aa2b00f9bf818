import { useState } from 'react';
import { Alert, Button, Group, Modal, NativeSelect, Radio, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  addMonths,
  ERASED_SUBJECT,
  isCalendarDate,
  localDate,
  privacyRequestKinds,
  type PrivacyRequest,
  type PrivacyRequestKind,
} from '@contract';
import { useApi } from '../../api/context';
import { errorMessage, validationMessage, type FieldErrors } from '../../app/errors';
import { useFormSubmit } from '../../app/use-form-submit';
import { useFormatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';

/** The store's deadline rule for hints while typing; null while the date typed is not a date yet. */
export const addMonthsTo = (date: string, months: number): string | null => (isCalendarDate(date) ? addMonths(date, months) : null);

/** The subject line, with the placeholder an erasure leaves translated. */
export const subjectLabel = (t: (key: string) => string, subject: string): string =>
  subject === ERASED_SUBJECT ? t('privacy.requests.erasedSubject') : subject;

const fieldError = (t: ReturnType<typeof useTranslation>['t'], errors: FieldErrors, field: string): string | undefined => {
  const code = errors[field];
  return code === undefined ? undefined : validationMessage(t, code);
};

export type NewRequestDialogProps = {
  opened: boolean;
  /** The record the request is about, when opened from a contact page. */
  contact?: { id: number; name: string } | null;
  onClose(): void;
  onCreated?(request: PrivacyRequest): void;
};

export const NewRequestDialog = ({ opened, contact = null, onClose, onCreated }: NewRequestDialogProps) => {
  const { t } = useTranslation();
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>{t('privacy.requests.form.title')}</Text>} centered size="lg">
      {opened && <NewRequestForm contact={contact} onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
};

const NewRequestForm = ({ contact = null, onClose, onCreated }: Omit<NewRequestDialogProps, 'opened'>) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const today = localDate();
  const [kind, setKind] = useState<PrivacyRequestKind>('access');
  const [subject, setSubject] = useState(contact?.name ?? '');
  const [receivedOn, setReceivedOn] = useState(today);
  const [identityCheck, setIdentityCheck] = useState('');
  const { errors, failure, busy, submit, clearError } = useFormSubmit();
  const due = addMonthsTo(receivedOn, 1);

  const save = () =>
    submit(async () => {
      const created = await api.call('privacy.requests.create', {
        contactId: contact?.id ?? null,
        kind,
        subject,
        receivedOn,
        identityCheck,
      });
      notifySuccess(t('privacy.requests.form.created'));
      onCreated?.(created);
      onClose();
    });

  return (
    <Stack>
      {contact !== null && (
        <Text size="sm" c="dimmed" data-testid="request-form-contact">
          {t('privacy.requests.form.contact', { name: contact.name })}
        </Text>
      )}
      <NativeSelect
        label={t('privacy.requests.form.kind')}
        value={kind}
        onChange={(e) => setKind(e.currentTarget.value as PrivacyRequestKind)}
        data={privacyRequestKinds.map((k) => ({ value: k, label: t(`privacy.requests.kind.${k}`) }))}
        data-testid="request-form-kind"
      />
      <TextInput
        label={t('privacy.requests.form.subject')}
        description={t('privacy.requests.form.subjectHint')}
        value={subject}
        onChange={(e) => {
          setSubject(e.currentTarget.value);
          clearError('subject');
        }}
        maxLength={200}
        required
        error={fieldError(t, errors, 'subject')}
        data-testid="request-form-subject"
      />
      <TextInput
        type="date"
        label={t('privacy.requests.form.receivedOn')}
        description={due === null ? undefined : t('privacy.requests.form.dueHint', { date: fmt.date(due) })}
        value={receivedOn}
        max={today}
        onChange={(e) => {
          setReceivedOn(e.currentTarget.value);
          clearError('receivedOn');
        }}
        required
        error={fieldError(t, errors, 'receivedOn')}
        data-testid="request-form-received"
      />
      <Textarea
        label={t('privacy.requests.form.identityCheck')}
        description={t('privacy.requests.form.identityCheckHint')}
        value={identityCheck}
        onChange={(e) => {
          setIdentityCheck(e.currentTarget.value);
          clearError('identityCheck');
        }}
        autosize
        minRows={2}
        maxLength={2000}
        required
        error={fieldError(t, errors, 'identityCheck')}
        data-testid="request-form-identity"
      />
      {failure !== null && (
        <Alert color="red" data-testid="request-form-error">
          {errorMessage(t, failure)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </Button>
        <Button loading={busy} onClick={() => void save()} data-testid="request-form-save">
          {t('privacy.requests.form.save')}
        </Button>
      </Group>
    </Stack>
  );
};

export type RequestActionDialogProps = {
  request: PrivacyRequest | null;
  onClose(): void;
  onDone(request: PrivacyRequest): void;
};

/** Extension by one or two months (two at most in total), always with the reason given to the person. */
export const ExtendDialog = ({ request, onClose, onDone }: RequestActionDialogProps) => {
  const { t } = useTranslation();
  return (
    <Modal opened={request !== null} onClose={onClose} title={<Text fw={600}>{t('privacy.requests.extendForm.title')}</Text>} centered>
      {request !== null && <ExtendForm request={request} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
};

const ExtendForm = ({ request, onClose, onDone }: RequestActionDialogProps & { request: PrivacyRequest }) => {
  const api = useApi();
  const { t } = useTranslation();
  const [months, setMonths] = useState<'1' | '2'>('1');
  const [reason, setReason] = useState('');
  const { errors, failure, busy, submit, clearError } = useFormSubmit();
  // an extension already granted leaves at most one more month
  const used = request.extendedTo === null ? 0 : request.extendedTo === addMonthsTo(request.receivedOn, 2) ? 1 : 2;

  const save = () =>
    submit(async () => {
      const updated = await api.call('privacy.requests.extend', { id: request.id, months: months === '1' ? 1 : 2, reason });
      notifySuccess(t('privacy.requests.extendForm.done'));
      onDone(updated);
      onClose();
    });

  return (
    <Stack>
      <Radio.Group
        label={t('privacy.requests.extendForm.months')}
        value={months}
        onChange={(v) => {
          setMonths(v === '2' ? '2' : '1');
          clearError('months');
        }}
      >
        <Group mt="xs">
          <Radio value="1" label={t('privacy.requests.extendForm.month1')} data-testid="extend-months-1" />
          <Radio value="2" label={t('privacy.requests.extendForm.month2')} disabled={used > 0} data-testid="extend-months-2" />
        </Group>
      </Radio.Group>
      {errors.months !== undefined && (
        <Alert color="red" data-testid="extend-too-long">
          {t('privacy.requests.extendForm.tooLong')}
        </Alert>
      )}
      <Textarea
        label={t('privacy.requests.extendForm.reason')}
        description={t('privacy.requests.extendForm.reasonHint')}
        value={reason}
        onChange={(e) => {
          setReason(e.currentTarget.value);
          clearError('reason');
        }}
        autosize
        minRows={2}
        maxLength={2000}
        required
        error={fieldError(t, errors, 'reason')}
        data-testid="extend-reason"
      />
      {failure !== null && <Alert color="red">{errorMessage(t, failure)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </Button>
        <Button loading={busy} onClick={() => void save()} data-testid="extend-save">
          {t('privacy.requests.extendForm.save')}
        </Button>
      </Group>
    </Stack>
  );
};

export const CloseRequestDialog = ({ request, onClose, onDone }: RequestActionDialogProps) => {
  const { t } = useTranslation();
  return (
    <Modal opened={request !== null} onClose={onClose} title={<Text fw={600}>{t('privacy.requests.closeForm.title')}</Text>} centered>
      {request !== null && <CloseForm request={request} onClose={onClose} onDone={onDone} />}
    </Modal>
  );
};

const CloseForm = ({ request, onClose, onDone }: RequestActionDialogProps & { request: PrivacyRequest }) => {
  const api = useApi();
  const { t } = useTranslation();
  const [status, setStatus] = useState<'done' | 'refused'>('done');
  const [outcome, setOutcome] = useState('');
  const { errors, failure, busy, submit, clearError } = useFormSubmit();

  const save = () =>
    submit(async () => {
      const updated = await api.call('privacy.requests.close', { id: request.id, status, outcome });
      notifySuccess(t('privacy.requests.closeForm.closed'));
      onDone(updated);
      onClose();
    });

  return (
    <Stack>
      <Radio.Group label={t('privacy.requests.closeForm.status')} value={status} onChange={(v) => setStatus(v === 'refused' ? 'refused' : 'done')}>
        <Group mt="xs">
          <Radio value="done" label={t('privacy.requests.closeForm.done')} data-testid="close-status-done" />
          <Radio value="refused" label={t('privacy.requests.closeForm.refused')} data-testid="close-status-refused" />
        </Group>
      </Radio.Group>
      {request.kind === 'objection' && status === 'done' && request.contactId !== null && (
        <Text size="sm" c="dimmed" data-testid="close-objection-hint">
          {t('privacy.requests.closeForm.objectionHint')}
        </Text>
      )}
      <Textarea
        label={t('privacy.requests.closeForm.outcome')}
        description={t('privacy.requests.closeForm.outcomeHint')}
        value={outcome}
        onChange={(e) => {
          setOutcome(e.currentTarget.value);
          clearError('outcome');
        }}
        autosize
        minRows={2}
        maxLength={2000}
        required
        error={fieldError(t, errors, 'outcome')}
        data-testid="close-outcome"
      />
      {failure !== null && <Alert color="red">{errorMessage(t, failure)}</Alert>}
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={busy}>
          {t('common.cancel')}
        </Button>
        <Button loading={busy} onClick={() => void save()} data-testid="close-save">
          {t('privacy.requests.closeForm.save')}
        </Button>
      </Group>
    </Stack>
  );
};
