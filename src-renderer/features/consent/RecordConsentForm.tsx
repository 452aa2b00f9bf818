import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Button, Checkbox, Group, Loader, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import {
  CONSENT_OPERATOR_MAX,
  consentChannels,
  consentPurposes,
  type ConsentChannel,
  type ConsentPurpose,
  type ConsentRecordInput,
  type ConsentStatus,
} from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { routeHref } from '../../app/router';
import { currentWordings, methodOptions, type UserMethod } from './labels';
import { useConsentWordings } from './use-consent';

type Box = `${ConsentPurpose}:${ConsentChannel}`;

/** The channels where consumers need prior consent, and so where the existing-customer exception matters. */
const informedChannels = ['email', 'sms'] as const satisfies readonly ConsentChannel[];

export type RecordConsentFormProps = {
  contactId: number;
  onSaved(status: ConsentStatus): void;
  onCancel(): void;
};

/**
 * Consent at the counter: the wording in force for each purpose, with one box
 * per channel beside it. Nothing is ticked in advance (a pre-ticked box is not
 * consent under the GDPR); the store quotes the same wording version as proof.
 */
export const RecordConsentForm = ({ contactId, onSaved, onCancel }: RecordConsentFormProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const wordings = useConsentWordings();
  const [ticked, setTicked] = useState<ReadonlySet<Box>>(new Set());
  const [method, setMethod] = useState<UserMethod>('counter');
  const [operator, setOperator] = useState('');
  const [informed, setInformed] = useState(false);
  const [nothing, setNothing] = useState(false);
  const [saving, setSaving] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  // opened from the keyboard, the form takes the focus: the boxes come next, not the rest of the page
  useEffect(() => first.current?.focus(), []);

  const toggle = (box: Box, on: boolean) => {
    setNothing(false);
    setTicked((s) => {
      const next = new Set(s);
      if (on) next.add(box);
      else next.delete(box);
      return next;
    });
  };

  const save = async () => {
    if (ticked.size === 0 && !informed) {
      setNothing(true);
      return;
    }
    setSaving(true);
    try {
      const entries: ConsentRecordInput['entries'] = consentPurposes.flatMap((purpose) =>
        consentChannels.filter((channel) => ticked.has(`${purpose}:${channel}`)).map((channel) => ({ channel, purpose, event: 'granted' as const })),
      );
      // what the existing-customer exception rests on: told at collection, by e-mail and SMS, and free to object
      if (informed) entries.push(...informedChannels.map((channel) => ({ channel, purpose: 'offers' as const, event: 'informed' as const })));
      const who = operator.trim();
      const status = await api.call('consent.record', { contactId, method, entries, ...(who === '' ? {} : { operator: who }) });
      notifySuccess(t('consent.record.saved', { count: entries.length, n: fmt.number(entries.length) }));
      onSaved(status);
    } catch (error) {
      notifyError(t, error);
    } finally {
      setSaving(false);
    }
  };

  const current = wordings.load.state === 'ready' ? currentWordings(wordings.load.value) : {};

  return (
    <Paper withBorder p="md" bg="var(--mantine-color-body)" data-testid="consent-record-form">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && !saving) {
            e.preventDefault();
            onCancel();
          }
        }}
        noValidate
      >
        <Stack gap="sm">
          <Title order={4}>{t('consent.record.title')}</Title>
          <Text size="sm" c="dimmed">
            {t('consent.record.hint')}
          </Text>
          {wordings.load.state === 'loading' && <Loader size="sm" aria-label={t('app.loading')} />}
          {wordings.load.state === 'error' && (
            <Alert color="red" title={t('consent.wordings.loadFailed')}>
              {errorMessage(t, wordings.load.error)}
            </Alert>
          )}
          {consentPurposes.map((purpose) => {
            const wording = current[purpose];
            return (
              <Paper key={purpose} withBorder p="sm" data-testid={`consent-record-${purpose}`}>
                <Stack gap={6}>
                  <Group justify="space-between" wrap="nowrap">
                    <Text size="sm" fw={600}>
                      {t(`consent.purpose.${purpose}`)}
                    </Text>
                    {wording !== undefined && (
                      <Text size="xs" c="dimmed" data-testid={`consent-record-version-${purpose}`}>
                        {t('consent.record.wordingVersion', { version: wording.version })}
                      </Text>
                    )}
                  </Group>
                  {wording !== undefined ? (
                    <Text
                      size="sm"
                      fs="italic"
                      style={{ whiteSpace: 'pre-wrap', borderLeft: '3px solid var(--mantine-color-gray-4)', paddingLeft: 8 }}
                      data-testid={`consent-record-text-${purpose}`}
                    >
                      {wording.text}
                    </Text>
                  ) : (
                    wordings.load.state === 'ready' && (
                      <Text size="xs" c="orange">
                        {t('consent.record.noWording')}{' '}
                        <Anchor href={routeHref({ name: 'settings' })} size="xs">
                          {t('consent.record.settingsLink')}
                        </Anchor>
                      </Text>
                    )
                  )}
                  <Group gap="lg">
                    {consentChannels.map((channel) => {
                      const box: Box = `${purpose}:${channel}`;
                      return (
                        <Checkbox
                          key={channel}
                          label={t(`consent.channel.${channel}`)}
                          aria-label={t('consent.record.boxLabel', {
                            channel: t(`consent.channel.${channel}`),
                            purpose: t(`consent.purpose.${purpose}`),
                          })}
                          ref={purpose === consentPurposes[0] && channel === consentChannels[0] ? first : undefined}
                          checked={ticked.has(box)}
                          onChange={(e) => toggle(box, e.currentTarget.checked)}
                          data-testid={`consent-box-${purpose}-${channel}`}
                        />
                      );
                    })}
                  </Group>
                  {purpose === 'offers' && (
                    <Checkbox
                      size="xs"
                      label={t('consent.record.informedOffers')}
                      checked={informed}
                      onChange={(e) => {
                        setNothing(false);
                        setInformed(e.currentTarget.checked);
                      }}
                      data-testid="consent-informed-offers"
                    />
                  )}
                </Stack>
              </Paper>
            );
          })}
          <Group align="flex-end" grow>
            <NativeSelect
              label={t('consent.record.method')}
              value={method}
              onChange={(e) => setMethod(e.currentTarget.value as UserMethod)}
              data={methodOptions(t)}
              data-testid="consent-method"
            />
            <TextInput
              label={t('consent.record.operator')}
              placeholder={t('consent.record.operatorPlaceholder')}
              value={operator}
              onChange={(e) => setOperator(e.currentTarget.value)}
              maxLength={CONSENT_OPERATOR_MAX}
              autoComplete="off"
              data-testid="consent-operator"
            />
          </Group>
          {nothing && (
            <Text size="sm" c="red" role="alert" data-testid="consent-record-nothing">
              {t('consent.record.nothingTicked')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onCancel} disabled={saving} data-testid="consent-record-cancel">
              {t('consent.record.cancel')}
            </Button>
            <Button type="submit" loading={saving} leftSection={<IconDeviceFloppy size={16} />} data-testid="consent-record-save">
              {t('consent.record.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
};
