import { useEffect, useState } from 'react';
import { ActionIcon, Alert, Anchor, Button, Center, Group, Loader, Menu, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { IconDots, IconDownload, IconEdit, IconPencil, IconPlus, IconTrash, IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Segment } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { navigate, routeHref } from '../../app/router';
import { ExportDialog } from '../contacts/ExportDialog';
import { useTags } from '../contacts/list-tags';
import { SegmentBuilder, type SegmentRef } from './SegmentBuilder';
import { DeleteDialog, RenameDialog } from './SegmentDialogs';
import { summarise } from './summary';
import { useSegment, useSegmentList } from './use-segments';

export type SegmentsPageProps = {
  /** Opens the contact list filtered by the segment. */
  onShowContacts(segment: SegmentRef): void;
};

/** Today's count of one segment: `segments.list` leaves counts out, each costs a query. */
const RowCount = ({ segment }: { segment: Segment }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [count, setCount] = useState<{ at: string; value: number | null | 'error' } | null>(null);
  useEffect(() => {
    let live = true;
    api.call('segments.get', { id: segment.id }).then(
      (s) => live && setCount({ at: segment.updatedAt, value: s.count }),
      () => live && setCount({ at: segment.updatedAt, value: 'error' }),
    );
    return () => {
      live = false;
    };
  }, [api, segment.id, segment.updatedAt]);
  if (count === null || count.at !== segment.updatedAt) return <Loader size="xs" aria-label={t('segments.count.pending')} />;
  if (count.value === 'error' || count.value === null) return <Text c="dimmed">—</Text>;
  return (
    <Text size="sm" data-testid="segment-list-count" data-count={count.value}>
      {t('segments.count.value', { count: count.value, n: fmt.number(count.value) })}
    </Text>
  );
};

/** The count and label the export dialog shows for a segment. */
const useExportScope = (segment: Segment | null) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  if (segment === null) return null;
  const what = segment.count === null ? t('segments.count.unknown') : t('segments.count.value', { count: segment.count, n: fmt.number(segment.count) });
  return { filter: { segmentId: segment.id }, count: segment.count, label: t('segments.exportScope', { name: segment.name, what }) };
};

/** #/segments — the saved segments with their counts, and what can be done with each. */
export const SegmentsPage = ({ onShowContacts }: SegmentsPageProps) => {
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { load, reload } = useSegmentList();
  const tags = useTags();
  const [renaming, setRenaming] = useState<Segment | null>(null);
  const [deleting, setDeleting] = useState<Segment | null>(null);
  const [exporting, setExporting] = useState<Segment | null>(null);
  const exportScope = useExportScope(exporting);
  const api = useApi();
  // the list has no counts: the export dialog gets the segment with today's count
  const openExport = (segment: Segment) => {
    api.call('segments.get', { id: segment.id }).then(setExporting, () => setExporting(segment));
  };

  return (
    <Stack data-testid="segments-page" maw={1100}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={4}>
          <Title order={2}>{t('segments.title')}</Title>
          <Text c="dimmed" size="sm">
            {t('segments.subtitle')}
          </Text>
        </Stack>
        <Button component="a" href={routeHref({ name: 'segment', id: null })} leftSection={<IconPlus size={16} />} data-testid="segments-new">
          {t('segments.new')}
        </Button>
      </Group>

      {load.state === 'loading' && (
        <Center py="xl">
          <Loader aria-label={t('app.loading')} />
        </Center>
      )}
      {load.state === 'error' && (
        <Alert color="red" title={t('segments.loadFailed')}>
          <Group justify="space-between">
            <Text size="sm">{errorMessage(t, load.error)}</Text>
            <Button size="xs" variant="light" color="red" onClick={reload}>
              {t('common.retry')}
            </Button>
          </Group>
        </Alert>
      )}
      {load.state === 'ready' && load.value.length === 0 && (
        <Paper withBorder p="xl" data-testid="segments-empty">
          <Stack align="center" gap="sm">
            <Text c="dimmed" ta="center">
              {t('segments.empty')}
            </Text>
            <Button component="a" href={routeHref({ name: 'segment', id: null })} variant="light" leftSection={<IconPlus size={16} />}>
              {t('segments.new')}
            </Button>
          </Stack>
        </Paper>
      )}
      {load.state === 'ready' && load.value.length > 0 && (
        <Paper withBorder>
          <Table highlightOnHover verticalSpacing="sm" data-testid="segments-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('segments.columns.name')}</Table.Th>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('segments.columns.count')}</Table.Th>
                <Table.Th style={{ whiteSpace: 'nowrap' }}>{t('segments.columns.updatedAt')}</Table.Th>
                <Table.Th w={1}>
                  <VisuallyHidden>{t('segments.columns.actions')}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {load.value.map((segment) => (
                <Table.Tr key={segment.id} data-testid="segment-list-row" data-segment-id={segment.id}>
                  <Table.Td>
                    <Anchor href={routeHref({ name: 'segment', id: segment.id })} fw={500} data-testid="segment-list-open">
                      {segment.name}
                    </Anchor>
                    <Text size="xs" c="dimmed" lineClamp={2} data-testid="segment-list-summary">
                      {summarise(t, fmt, { tags }, segment.definition.root)}
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <RowCount segment={segment} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    <Text size="sm" c="dimmed">
                      {fmt.date(segment.updatedAt)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="light"
                        leftSection={<IconUsers size={14} />}
                        onClick={() => onShowContacts({ id: segment.id, name: segment.name })}
                        data-testid="segment-list-show"
                      >
                        {t('segments.actions.showContacts')}
                      </Button>
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" color="gray" aria-label={t('segments.actions.more', { name: segment.name })} data-testid="segment-list-menu">
                            <IconDots size={16} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          <Menu.Item leftSection={<IconEdit size={14} />} onClick={() => navigate({ name: 'segment', id: segment.id })} data-testid="segment-list-edit">
                            {t('segments.actions.open')}
                          </Menu.Item>
                          <Menu.Item leftSection={<IconPencil size={14} />} onClick={() => setRenaming(segment)} data-testid="segment-list-rename">
                            {t('segments.actions.rename')}
                          </Menu.Item>
                          <Menu.Item leftSection={<IconDownload size={14} />} onClick={() => openExport(segment)} data-testid="segment-list-export">
                            {t('segments.actions.export')}
                          </Menu.Item>
                          <Menu.Divider />
                          <Menu.Item color="red" leftSection={<IconTrash size={14} />} onClick={() => setDeleting(segment)} data-testid="segment-list-delete">
                            {t('segments.actions.delete')}
                          </Menu.Item>
                        </Menu.Dropdown>
                      </Menu>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}
      <RenameDialog segment={renaming} onClose={() => setRenaming(null)} />
      <DeleteDialog segment={deleting} onClose={() => setDeleting(null)} />
      <ExportDialog
        opened={exportScope !== null}
        initialScope="filter"
        selection={null}
        filter={exportScope}
        onClose={() => setExporting(null)}
      />
    </Stack>
  );
};

export type SegmentPageProps = SegmentsPageProps & {
  /** null: a new segment. */
  id: number | null;
};

/** #/segments/new and #/segments/12 — the builder, on a new or a saved segment. */
export const SegmentPage = ({ id, onShowContacts }: SegmentPageProps) => {
  const { t } = useTranslation();
  const { load, reload } = useSegment(id);
  const [exporting, setExporting] = useState<Segment | null>(null);
  const [deleting, setDeleting] = useState<Segment | null>(null);
  const exportScope = useExportScope(exporting);

  const dialogs = (
    <>
      <DeleteDialog segment={deleting} onClose={() => setDeleting(null)} onDeleted={() => navigate({ name: 'segments' }, { replace: true })} />
      <ExportDialog
        opened={exportScope !== null}
        initialScope="filter"
        selection={null}
        filter={exportScope}
        onClose={() => setExporting(null)}
      />
    </>
  );
  const builder = (segment: Segment | null) => (
    <SegmentBuilder
      segment={segment}
      onSaved={(saved) => {
        // a new segment gets its own address, so reloading or going back finds it
        if (segment === null) navigate({ name: 'segment', id: saved.id }, { replace: true });
      }}
      onShowContacts={onShowContacts}
      onExport={setExporting}
      onDelete={setDeleting}
    />
  );

  if (id === null) return builder(null);
  if (load.state === 'loading') {
    return (
      <Center py="xl">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (load.state === 'error') {
    return (
      <Alert color="red" title={t('segments.loadOneFailed')} data-testid="segment-load-error">
        <Group justify="space-between">
          <Text size="sm">{errorMessage(t, load.error)}</Text>
          <Group gap="xs">
            <Button size="xs" variant="light" color="red" onClick={reload}>
              {t('common.retry')}
            </Button>
            <Button size="xs" variant="default" component="a" href={routeHref({ name: 'segments' })}>
              {t('segments.builder.back')}
            </Button>
          </Group>
        </Group>
      </Alert>
    );
  }
  return (
    <>
      {builder(load.value)}
      {dialogs}
    </>
  );
};
