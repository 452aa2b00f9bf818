import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Code, Group, Loader, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';

const families = ['contacts', 'merges', 'privacy', 'consent', 'retention', 'breach'] as const;
const PAGE = 100;

type List = { rows: AuditEntry[]; nextCursor: string | null } | { error: unknown } | null;

/** Actions are dotted ("privacy.erase"); locale keys cannot be, or "privacy.erase.reapplied" would nest under a string. */
export const actionKey = (action: string): string => `privacy.audit.actions.${action.replace(/\./g, '_')}`;

/** The ids and counts an entry carries, as "key: value" pairs (the log holds no personal data to hide). */
const detailText = (detail: Record<string, unknown>): string =>
  Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');

/** The audit log, newest first: what left the app, what was erased, merged or changed in consents. */
export const AuditPanel = () => {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const fmt = useFormatters();
  const [family, setFamily] = useState('');
  const [list, setList] = useState<List>(null);
  const [more, setMore] = useState(false);

  const load = useCallback(
    () =>
      api.call('audit.list', { action: family === '' ? null : family, limit: PAGE }).then(
        (page) => setList(page),
        (error: unknown) => setList({ error }),
      ),
    [api, family],
  );
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => api.on('data.changed', () => void load()), [api, load]);

  const loadMore = async () => {
    if (list === null || 'error' in list || list.nextCursor === null) return;
    setMore(true);
    try {
      const page = await api.call('audit.list', { action: family === '' ? null : family, limit: PAGE, cursor: list.nextCursor });
      setList({ rows: [...list.rows, ...page.rows], nextCursor: page.nextCursor });
    } catch (error) {
      setList({ error });
    } finally {
      setMore(false);
    }
  };

  const label = (action: string) => (i18n.exists(actionKey(action)) ? t(actionKey(action)) : action);
  const entity = (e: AuditEntry) => {
    if (e.entity === null || e.entityId === null) return '';
    const known = ['contact', 'privacy_request', 'merge', 'breach', 'consent_wording'].includes(e.entity);
    return known
      ? t(`privacy.audit.entity.${e.entity}`, { id: e.entityId })
      : t('privacy.audit.entity.other', { entity: e.entity, id: e.entityId });
  };

  return (
    <Stack data-testid="audit-panel">
      <Text size="sm" c="dimmed">
        {t('privacy.audit.intro')}
      </Text>
      <NativeSelect
        label={t('privacy.audit.filter')}
        value={family}
        onChange={(e) => setFamily(e.currentTarget.value)}
        data={[
          { value: '', label: t('privacy.audit.all') },
          ...families.map((f) => ({ value: f, label: t(`privacy.audit.families.${f}`) })),
        ]}
        maw={280}
        data-testid="audit-filter"
      />
      {list === null ? (
        <Loader size="sm" aria-label={t('app.loading')} />
      ) : 'error' in list ? (
        <Alert color="red" title={t('privacy.audit.loadFailed')} data-testid="audit-error">
          {errorMessage(t, list.error)}
        </Alert>
      ) : list.rows.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="audit-none">
          {t('privacy.audit.none')}
        </Text>
      ) : (
        <>
          <Table.ScrollContainer minWidth={640}>
            <Table striped data-testid="audit-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('privacy.audit.columns.at')}</Table.Th>
                  <Table.Th>{t('privacy.audit.columns.action')}</Table.Th>
                  <Table.Th>{t('privacy.audit.columns.entity')}</Table.Th>
                  <Table.Th>{t('privacy.audit.columns.detail')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.rows.map((e) => (
                  <Table.Tr key={e.id} data-testid="audit-row" data-action={e.action}>
                    <Table.Td>
                      <Text size="sm">{fmt.dateTime(e.at)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" data-testid="audit-action">
                        {label(e.action)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{entity(e)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Code>{detailText(e.detail)}</Code>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {list.nextCursor !== null && (
            <Group>
              <Button variant="subtle" size="xs" loading={more} onClick={() => void loadMore()} data-testid="audit-more">
                {t('privacy.audit.more')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
};
