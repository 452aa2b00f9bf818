import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, CopyButton, Group, List, Loader, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { IconCopy, IconDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { InformationNotice, Language, ProcessingRegister, RegisterActivity } from '@contract';
import { useApi } from '../../api/context';
import { errorCode, errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { currentLanguage } from '../../app/i18n';
import { notifyError, notifySuccess } from '../../app/notify';

const Row = ({ label, children }: { label: string; children: React.ReactNode }) => (
  <Table.Tr>
    <Table.Th w="30%">{label}</Table.Th>
    <Table.Td>{children}</Table.Td>
  </Table.Tr>
);

const Items = ({ items }: { items: readonly string[] }) => (
  <List size="sm">
    {items.map((i) => (
      <List.Item key={i}>{i}</List.Item>
    ))}
  </List>
);

const Activity = ({ activity }: { activity: RegisterActivity }) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  return (
    <Card withBorder data-testid="register-activity" data-activity={activity.id}>
      <Title order={5} mb="xs">
        {activity.name}
      </Title>
      <Table>
        <Table.Tbody>
          <Row label={t('retention.register.purposes')}>
            <Items items={activity.purposes} />
          </Row>
          <Row label={t('retention.register.basis')}>{activity.legalBasis}</Row>
          <Row label={t('retention.register.people')}>
            <Items items={activity.people} />
          </Row>
          <Row label={t('retention.register.count')}>{fmt.number(activity.peopleCount)}</Row>
          <Row label={t('retention.register.data')}>
            <Items items={activity.dataCategories} />
          </Row>
          <Row label={t('retention.register.recipients')}>
            <Items items={activity.recipients} />
          </Row>
          <Row label={t('retention.register.retention')}>{activity.retention}</Row>
          <Row label={t('retention.register.transfers')}>{activity.transfers}</Row>
        </Table.Tbody>
      </Table>
    </Card>
  );
};

type Loaded = { register: ProcessingRegister; notice: InformationNotice };

/**
 * The register of processing (GDPR art. 30) as the store generates it from
 * the settings and the base, its exports, and the information notice for the
 * shop's forms. The document's own words come from the store in the language
 * chosen here (they are what gets printed), the panel's labels from the locales.
 */
export const RegisterPanel = () => {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const fmt = useFormatters();
  const [language, setLanguage] = useState<Language>(() => currentLanguage(i18n));
  const [loaded, setLoaded] = useState<Loaded | { error: unknown } | null>(null);
  const [exporting, setExporting] = useState<'html' | 'csv' | null>(null);

  const load = useCallback(async () => {
    try {
      const [register, notice] = await Promise.all([
        api.call('privacy.register', { language }),
        api.call('privacy.notice', { language }),
      ]);
      setLoaded({ register, notice });
    } catch (error) {
      setLoaded({ error });
    }
  }, [api, language]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => api.on('data.changed', () => void load()), [api, load]);

  const download = async (format: 'html' | 'csv') => {
    setExporting(format);
    try {
      const out = await api.call('privacy.register.export', { format, language });
      await api.download(out.path);
      notifySuccess(t('retention.register.exported'));
    } catch (error) {
      if (errorCode(error) !== 'CANCELLED') notifyError(t, error);
    } finally {
      setExporting(null);
    }
  };

  if (loaded === null) return <Loader size="sm" aria-label={t('app.loading')} />;
  if ('error' in loaded) {
    return (
      <Alert color="red" data-testid="register-error">
        {errorMessage(t, loaded.error)}
      </Alert>
    );
  }
  const { register: r, notice } = loaded;
  return (
    <Stack data-testid="register-panel">
      <Group justify="space-between">
        <Title order={4}>{t('retention.register.title')}</Title>
        <Group>
          <SegmentedControl
            aria-label={t('retention.register.language')}
            value={language}
            onChange={(v) => setLanguage(v === 'en' ? 'en' : 'fr')}
            data={[
              { value: 'fr', label: 'FR' },
              { value: 'en', label: 'EN' },
            ]}
            data-testid="register-language"
          />
          <Button
            variant="light"
            leftSection={<IconDownload size={16} />}
            loading={exporting === 'html'}
            onClick={() => void download('html')}
            data-testid="register-export-html"
          >
            {t('retention.register.exportHtml')}
          </Button>
          <Button
            variant="light"
            leftSection={<IconDownload size={16} />}
            loading={exporting === 'csv'}
            onClick={() => void download('csv')}
            data-testid="register-export-csv"
          >
            {t('retention.register.exportCsv')}
          </Button>
        </Group>
      </Group>
      {r.missing.length > 0 && (
        <Alert color="orange" data-testid="register-missing">
          {t('retention.register.missing')}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={5} mb="xs">
            {t('retention.register.controller')}
          </Title>
          <Table data-testid="register-controller">
            <Table.Tbody>
              <Row label={t('retention.register.name')}>{r.controller.name ?? '—'}</Row>
              <Row label={t('retention.register.address')}>{r.controller.address ?? '—'}</Row>
              <Row label={t('retention.register.siret')}>{r.controller.siret ?? '—'}</Row>
              <Row label={t('retention.register.email')}>{r.controller.email ?? '—'}</Row>
            </Table.Tbody>
          </Table>
        </Card>
        <Card withBorder>
          <Title order={5} mb="xs">
            {t('retention.register.figures')}
          </Title>
          <Table data-testid="register-figures">
            <Table.Tbody>
              {(Object.keys(r.figures) as (keyof ProcessingRegister['figures'])[]).map((k) => (
                <Row key={k} label={t(`retention.register.figure.${k}`)}>
                  <span data-testid={`register-figure-${k}`}>{fmt.number(r.figures[k])}</span>
                </Row>
              ))}
            </Table.Tbody>
          </Table>
          {r.consentInUse.length > 0 && (
            <>
              <Text fw={600} size="sm" mt="sm">
                {t('retention.register.consent')}
              </Text>
              <List size="sm">
                {r.consentInUse.map((c) => (
                  <List.Item key={c.purpose}>
                    {c.label} — {t('retention.register.granted', { count: c.granted, n: fmt.number(c.granted) })}
                  </List.Item>
                ))}
              </List>
            </>
          )}
        </Card>
      </SimpleGrid>
      {r.activities.map((a) => (
        <Activity key={a.id} activity={a} />
      ))}
      <Card withBorder>
        <Title order={5} mb="xs">
          {t('retention.register.security')}
        </Title>
        <Items items={r.security} />
      </Card>
      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <div>
            <Title order={5}>{t('retention.register.notice')}</Title>
            <Text size="sm" c="dimmed">
              {t('retention.register.noticeIntro')}
            </Text>
          </div>
          <CopyButton value={notice.text}>
            {({ copied, copy }) => (
              <Button variant="light" leftSection={<IconCopy size={16} />} onClick={copy} data-testid="notice-copy">
                {copied ? t('retention.register.copied') : t('retention.register.copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
        <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="notice-text">
          {notice.text}
        </Text>
      </Card>
    </Stack>
  );
};
