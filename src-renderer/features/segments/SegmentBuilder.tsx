import { useEffect, useMemo, useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconArrowLeft, IconDeviceFloppy, IconDownload, IconTrash, IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SEGMENT_NAME_MAX, type Segment, type SegmentDefinition } from '@contract';
import { useApi } from '../../api/context';
import { useFormatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { routeHref } from '../../app/router';
import { useTags } from '../contacts/list-tags';
import { decimalMarkFor } from '../sales/money';
import { BuilderOptionsContext, type BuilderOptions } from './CriterionEditor';
import { saveFailure } from './SegmentDialogs';
import { TreeEditor } from './TreeEditor';
import { compile, countRows, editNode, isComplete, newGroup, newRow, toDraft, type DraftGroup, type DraftNode } from './draft';
import { segmentsChanged, useLiveCount } from './use-segments';

export type SegmentRef = { id: number; name: string };

/** Tiers and product categories for the pickers; a failure leaves the picker empty, the builder still works. */
const useBuilderOptions = (): BuilderOptions => {
  const api = useApi();
  const tags = useTags();
  const [tiers, setTiers] = useState<BuilderOptions['tiers']>([]);
  const [categories, setCategories] = useState<readonly string[]>([]);
  useEffect(() => {
    let live = true;
    api.call('loyalty.programme.get', {}).then(
      (p) => live && setTiers(p.tiers.map((tier) => ({ key: tier.key, name: tier.name }))),
      () => undefined,
    );
    // a shop's catalogue is small; its first page holds the categories people actually use
    api.call('products.list', { limit: 500 }).then(
      (page) => {
        if (!live) return;
        const names = new Set(page.rows.map((p) => p.category).filter((c): c is string => c !== null && c.trim() !== ''));
        setCategories([...names].sort((a, b) => a.localeCompare(b)));
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);
  return useMemo(() => ({ tags, tiers, categories }), [tags, tiers, categories]);
};

export type SegmentBuilderProps = {
  /** null: a new segment. */
  segment: Segment | null;
  onSaved(segment: Segment): void;
  onShowContacts(segment: SegmentRef): void;
  onExport(segment: Segment): void;
  onDelete(segment: Segment): void;
};

const startDraft = (segment: Segment | null, mark: ',' | '.'): DraftGroup =>
  segment === null ? newGroup('and', [newRow('status')]) : toDraft(segment.definition, mark);

/** Criteria tree, live count, name and save. */
export const SegmentBuilder = ({ segment, onSaved, onShowContacts, onExport, onDelete }: SegmentBuilderProps) => {
  const api = useApi();
  const { t, i18n } = useTranslation();
  const fmt = useFormatters();
  const options = useBuilderOptions();
  const [root, setRoot] = useState<DraftGroup>(() => startDraft(segment, decimalMarkFor(i18n.language)));
  const [name, setName] = useState(segment?.name ?? '');
  const [reveal, setReveal] = useState(false);
  const [nameError, setNameError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [focusKey, setFocusKey] = useState<number | null>(null);
  const [saved, setSaved] = useState<{ name: string; definition: string } | null>(
    segment === null ? null : { name: segment.name, definition: JSON.stringify(segment.definition) },
  );

  const compiled = useMemo(() => compile(root), [root]);
  const live = useLiveCount(compiled.definition);
  const rows = countRows(root);
  const complete = isComplete(compiled);
  const definitionKey = compiled.definition === null ? '' : JSON.stringify(compiled.definition);
  const dirty = saved === null || saved.name !== name.trim() || saved.definition !== definitionKey || !complete;

  const edit = (key: number, fn: (node: DraftNode) => DraftNode | null) => {
    setRoot((prev) => editNode(prev, key, fn));
    setFormError(null);
  };

  const save = async () => {
    setReveal(true);
    const trimmed = name.trim();
    const nameProblem = trimmed === '' ? t('segments.errors.name_required') : null;
    setNameError(nameProblem);
    if (!complete || compiled.definition === null) {
      setFormError(t(rows === 0 ? 'segments.errors.noCriteria' : 'segments.errors.incomplete'));
      return;
    }
    setFormError(null);
    if (nameProblem !== null) return;
    const definition: SegmentDefinition = compiled.definition;
    setBusy(true);
    try {
      const result =
        segment === null
          ? await api.call('segments.create', { name: trimmed, definition })
          : await api.call('segments.update', { id: segment.id, name: trimmed, definition });
      setSaved({ name: result.name, definition: JSON.stringify(result.definition) });
      setName(result.name);
      setReveal(false);
      segmentsChanged();
      notifySuccess(t('segments.builder.saved', { name: result.name }));
      onSaved(result);
    } catch (error) {
      const split = saveFailure(t, error);
      setNameError(split.name);
      setFormError(split.form);
    } finally {
      setBusy(false);
    }
  };

  const notCounted = compiled.incomplete.size + compiled.problems.size;

  return (
    <BuilderOptionsContext.Provider value={options}>
      <Stack data-testid="segment-builder" maw={1200}>
        <Group justify="space-between" align="flex-end">
          <Stack gap={4}>
            <Anchor href={routeHref({ name: 'segments' })} size="sm" data-testid="segment-back">
              <Group gap={4}>
                <IconArrowLeft size={14} />
                {t('segments.builder.back')}
              </Group>
            </Anchor>
            <Title order={2}>{segment === null ? t('segments.builder.titleNew') : t('segments.builder.titleEdit', { name: segment.name })}</Title>
          </Stack>
          {segment !== null && (
            <Group gap="xs">
              <Button
                variant="light"
                leftSection={<IconUsers size={16} />}
                disabled={dirty}
                title={dirty ? t('segments.builder.saveFirst') : undefined}
                onClick={() => onShowContacts({ id: segment.id, name: segment.name })}
                data-testid="segment-show-contacts"
              >
                {t('segments.actions.showContacts')}
              </Button>
              <Button
                variant="default"
                leftSection={<IconDownload size={16} />}
                disabled={dirty}
                title={dirty ? t('segments.builder.saveFirst') : undefined}
                onClick={() => onExport(segment)}
                data-testid="segment-export"
              >
                {t('segments.actions.export')}
              </Button>
              <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => onDelete(segment)} data-testid="segment-delete">
                {t('segments.actions.delete')}
              </Button>
            </Group>
          )}
        </Group>

        <Paper withBorder p="md" pos="sticky" top={0} style={{ zIndex: 2 }}>
          <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
            <TextInput
              label={t('segments.builder.name')}
              placeholder={t('segments.builder.namePlaceholder')}
              value={name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setNameError(null);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void save();
              }}
              error={nameError}
              maxLength={SEGMENT_NAME_MAX}
              w={360}
              data-autofocus
              data-testid="segment-name"
            />
            <LiveCountView live={live} notCounted={notCounted} format={fmt.number} />
            <Stack gap={4} align="flex-end">
              <Button leftSection={<IconDeviceFloppy size={16} />} onClick={() => void save()} loading={busy} mt={24} data-testid="segment-save">
                {t('segments.builder.save')}
              </Button>
              {segment !== null && dirty && (
                <Badge variant="light" color="yellow" data-testid="segment-dirty">
                  {t('segments.builder.unsaved')}
                </Badge>
              )}
            </Stack>
          </Group>
          {formError !== null && (
            <Alert color="red" mt="sm" data-testid="segment-form-error">
              {formError}
            </Alert>
          )}
        </Paper>

        <TreeEditor root={root} compiled={compiled} reveal={reveal} rows={rows} onEdit={edit} focusKey={focusKey} onAdded={setFocusKey} />
      </Stack>
    </BuilderOptionsContext.Provider>
  );
};

/** The live count, with what it leaves out said plainly. */
const LiveCountView = ({ live, notCounted, format }: { live: ReturnType<typeof useLiveCount>; notCounted: number; format(n: number): string }) => {
  const { t } = useTranslation();
  const shown = live.state === 'ready' ? live.count : live.state === 'empty' ? null : live.last;
  return (
    <Stack gap={2} miw={220} aria-live="polite" data-testid="segment-count" data-state={live.state} data-count={live.state === 'ready' ? live.count : undefined}>
      <Text size="xs" c="dimmed">
        {t('segments.count.label')}
      </Text>
      <Group gap="xs" align="center">
        <Text size="xl" fw={700} c={live.state === 'ready' ? undefined : 'dimmed'} data-testid="segment-count-value">
          {shown === null ? '—' : t('segments.count.value', { count: shown, n: format(shown) })}
        </Text>
        {live.state === 'counting' && <Loader size="xs" aria-label={t('segments.count.pending')} />}
      </Group>
      {live.state === 'empty' && (
        <Text size="xs" c="dimmed">
          {t('segments.count.empty')}
        </Text>
      )}
      {live.state === 'error' && (
        <Text size="xs" c="red" data-testid="segment-count-error">
          {t('segments.count.failed')}
        </Text>
      )}
      {notCounted > 0 && live.state !== 'empty' && (
        <Text size="xs" c="orange" data-testid="segment-count-partial">
          {t('segments.count.partial', { count: notCounted })}
        </Text>
      )}
    </Stack>
  );
};
