import { useState } from 'react';
import { Alert, Anchor, Button, Group, Loader, Paper, Stack, Text, Textarea, Title } from '@mantine/core';
import { IconDeviceFloppy, IconPencil } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { CONSENT_WORDING_MAX, consentPurposes, type ConsentPurpose, type ConsentWording } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage, serverIssues, validationMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { shortHash } from './labels';
import { useConsentWordings } from './use-consent';

type PurposeProps = {
  purpose: ConsentPurpose;
  /** This purpose's versions, newest first. */
  versions: readonly ConsentWording[];
  onSaved(): void;
};

const PurposeWording = ({ purpose, versions, onSaved }: PurposeProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [draft, setDraft] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [showOlder, setShowOlder] = useState(false);
  const [current, ...older] = versions;
  const next = (current?.version ?? 0) + 1;
  const label = t(`consent.purpose.${purpose}`);

  const save = async () => {
    if (draft === null) return;
    // the same words again would be a version that proves nothing new
    if (current !== undefined && draft.trim() === current.text) {
      setError(t('consent.wordings.unchanged'));
      return;
    }
    setSaving(true);
    try {
      const saved = await api.call('consent.wordings.add', { purpose, text: draft });
      notifySuccess(t('consent.wordings.saved', { version: saved.version, purpose: label }));
      setDraft(null);
      setError(null);
      onSaved();
    } catch (err) {
      const issue = serverIssues(err)?.[0];
      if (issue !== undefined) setError(validationMessage(t, issue.code));
      else notifyError(t, err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Paper withBorder p="sm" data-testid={`consent-wording-${purpose}`} data-version={current?.version ?? 0}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Stack gap={0}>
            <Text fw={600}>{label}</Text>
            <Text size="xs" c="dimmed" data-testid={`consent-wording-version-${purpose}`}>
              {current === undefined
                ? t('consent.wordings.none')
                : `${t('consent.wordings.current', { version: current.version, date: fmt.dateTime(current.createdAt) })} · ${shortHash(current.hash)}`}
            </Text>
          </Stack>
          {draft === null && (
            <Button
              size="xs"
              variant="light"
              leftSection={<IconPencil size={14} />}
              onClick={() => {
                setDraft(current?.text ?? '');
                setError(null);
              }}
              data-testid={`consent-wording-edit-${purpose}`}
            >
              {current === undefined ? t('consent.wordings.write') : t('consent.wordings.edit')}
            </Button>
          )}
        </Group>
        {draft === null ? (
          current !== undefined && (
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid={`consent-wording-current-${purpose}`}>
              {current.text}
            </Text>
          )
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
            noValidate
          >
            <Stack gap="xs">
              <Textarea
                label={t('consent.wordings.label', { purpose: label })}
                description={t('consent.wordings.newVersion', { version: next })}
                value={draft}
                onChange={(e) => {
                  setDraft(e.currentTarget.value);
                  setError(null);
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                    e.preventDefault();
                    void save();
                  }
                }}
                error={error}
                autosize
                minRows={3}
                maxLength={CONSENT_WORDING_MAX}
                data-autofocus
                data-testid={`consent-wording-input-${purpose}`}
              />
              <Group justify="flex-end" gap="xs">
                <Button variant="default" size="xs" onClick={() => setDraft(null)} disabled={saving} data-testid={`consent-wording-cancel-${purpose}`}>
                  {t('consent.wordings.cancel')}
                </Button>
                <Button type="submit" size="xs" loading={saving} leftSection={<IconDeviceFloppy size={14} />} data-testid={`consent-wording-save-${purpose}`}>
                  {t('consent.wordings.save', { version: next })}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        {older.length > 0 && (
          <Stack gap={4}>
            <Anchor
              component="button"
              type="button"
              size="xs"
              onClick={() => setShowOlder((s) => !s)}
              aria-expanded={showOlder}
              style={{ alignSelf: 'flex-start' }}
              data-testid={`consent-wording-older-${purpose}`}
            >
              {t('consent.wordings.older', { count: older.length, n: fmt.number(older.length) })}
            </Anchor>
            {showOlder &&
              older.map((w) => (
                <Stack key={w.id} gap={0} pl="sm" style={{ borderLeft: '2px solid var(--mantine-color-gray-3)' }} data-testid="consent-wording-old">
                  <Text size="xs" c="dimmed" title={w.hash}>
                    {t('consent.wordings.olderItem', { version: w.version, date: fmt.dateTime(w.createdAt), hash: shortHash(w.hash) })}
                  </Text>
                  <Text size="xs" c="dimmed" lineClamp={3} style={{ whiteSpace: 'pre-wrap' }}>
                    {w.text}
                  </Text>
                </Stack>
              ))}
          </Stack>
        )}
      </Stack>
    </Paper>
  );
};

/** Settings: the consent texts, one per purpose, versioned (an edit adds a version, old proofs keep theirs). */
export const ConsentWordingsSection = () => {
  const { t } = useTranslation();
  const { load, reload } = useConsentWordings();
  return (
    <Paper withBorder p="md" data-testid="consent-wordings">
      <Stack gap="sm">
        <Title order={4}>{t('consent.wordings.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('consent.wordings.hint')}
        </Text>
        {load.state === 'loading' && <Loader size="sm" aria-label={t('app.loading')} />}
        {load.state === 'error' && (
          <Alert color="red" title={t('consent.wordings.loadFailed')}>
            {errorMessage(t, load.error)}
          </Alert>
        )}
        {load.state === 'ready' &&
          consentPurposes.map((purpose) => (
            <PurposeWording
              key={purpose}
              purpose={purpose}
              versions={load.value.filter((w) => w.purpose === purpose).sort((a, b) => b.version - a.version)}
              onSaved={reload}
            />
          ))}
      </Stack>
    </Paper>
  );
};
