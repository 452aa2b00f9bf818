import { Fragment, useEffect, useRef } from 'react';
import { ActionIcon, Badge, Box, Button, Group, Menu, NativeSelect, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SEGMENT_CRITERIA_MAX, SEGMENT_DEPTH_MAX, type SegmentField } from '@contract';
import { CriterionEditor } from './CriterionEditor';
import { fieldOrder, newGroup, newRow, type Compiled, type DraftCriterion, type DraftGroup, type DraftNode, type DraftRow } from './draft';

export type TreeEditorProps = {
  root: DraftGroup;
  compiled: Compiled;
  /** Missing values are pointed out once a save was refused. */
  reveal: boolean;
  /** Criteria in the whole tree, against the contract's limit. */
  rows: number;
  onEdit(key: number, fn: (node: DraftNode) => DraftNode | null): void;
  /** The row just added: its first field takes the focus, so the keyboard carries on there. */
  focusKey: number | null;
  onAdded(key: number): void;
};

type NodeProps = Omit<TreeEditorProps, 'root'> & { path: string };

/** "NON": a toggle, so the keyboard and screen readers know its state. */
const NotToggle = ({ on, label, testId, onToggle }: { on: boolean; label: string; testId: string; onToggle(): void }) => {
  const { t } = useTranslation();
  return (
    <Tooltip label={label} openDelay={400}>
      <Button
        size="compact-xs"
        variant={on ? 'filled' : 'subtle'}
        color={on ? 'red' : 'gray'}
        aria-pressed={on}
        aria-label={label}
        onClick={onToggle}
        data-testid={testId}
        miw={44}
      >
        {t('segments.not')}
      </Button>
    </Tooltip>
  );
};

const RowEditor = ({ row, path, compiled, reveal, onEdit, focusKey }: NodeProps & { row: DraftRow }) => {
  const { t } = useTranslation();
  const editorRef = useRef<HTMLDivElement>(null);
  const focus = row.key === focusKey;
  useEffect(() => {
    if (focus) editorRef.current?.querySelector<HTMLElement>('input:not([type="hidden"]), select, button')?.focus();
  }, [focus]);
  const label = t(`segments.field.${row.criterion.field}`);
  const incomplete = compiled.incomplete.has(row.key);
  return (
    <Paper
      withBorder
      p="xs"
      data-testid={`segment-row-${path}`}
      data-field={row.criterion.field}
      data-not={row.not || undefined}
      style={row.not ? { borderLeft: '3px solid var(--mantine-color-red-6)' } : undefined}
    >
      <Group gap="sm" align="flex-start" wrap="nowrap">
        <Box pt={4}>
          <NotToggle
            on={row.not}
            label={row.not ? t('segments.row.notOn', { field: label }) : t('segments.row.notOff', { field: label })}
            testId={`segment-not-${path}`}
            onToggle={() => onEdit(row.key, (n) => ({ ...n, not: !n.not }))}
          />
        </Box>
        <Text size="sm" fw={600} pt={4} w={150} style={{ flexShrink: 0 }}>
          {row.not ? t('segments.row.notLabel', { field: label }) : label}
        </Text>
        <Box ref={editorRef} style={{ flex: 1, minWidth: 0 }}>
          <CriterionEditor
            criterion={row.criterion}
            problems={compiled.problems.get(row.key) ?? {}}
            reveal={reveal}
            incomplete={incomplete}
            onChange={(criterion: DraftCriterion) => onEdit(row.key, (n) => (n.kind === 'row' ? { ...n, criterion } : n))}
          />
        </Box>
        <Tooltip label={t('segments.row.remove')} openDelay={400}>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={t('segments.row.removeLabel', { field: label })}
            onClick={() => onEdit(row.key, () => null)}
            data-testid={`segment-remove-${path}`}
          >
            <IconX size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
    </Paper>
  );
};

/** Nesting shows by a coloured edge, one colour per level. */
const levelColours = ['blue', 'grape', 'teal', 'orange', 'cyan', 'pink'];

const GroupEditor = ({ group, depth, path, ...rest }: NodeProps & { group: DraftGroup; depth: number }) => {
  const { t } = useTranslation();
  const { compiled, reveal, rows, onEdit, onAdded } = rest;
  const isRoot = depth === 1;
  const full = rows >= SEGMENT_CRITERIA_MAX;
  // a criterion inside a new group would sit two levels below this one
  const canNest = depth + 2 <= SEGMENT_DEPTH_MAX && !full;
  const empty = compiled.emptyGroups.has(group.key);
  const addRow = (field: SegmentField) => {
    const row = newRow(field);
    onEdit(group.key, (n) => (n.kind === 'group' ? { ...n, children: [...n.children, row] } : n));
    onAdded(row.key);
  };
  const addGroup = () =>
    // a nested group is most often the other connective: "tag VIP AND (Nantes OR Rennes)"
    onEdit(group.key, (n) => (n.kind === 'group' ? { ...n, children: [...n.children, newGroup(n.op === 'and' ? 'or' : 'and')] } : n));
  const colour = levelColours[(depth - 1) % levelColours.length] ?? 'blue';
  const addButton = useRef<HTMLButtonElement>(null);
  const chosen = useRef(false);

  return (
    <Paper
      withBorder
      p="sm"
      role="group"
      aria-label={isRoot ? t('segments.group.rootLabel') : t('segments.group.label', { depth })}
      data-testid={`segment-group-${path}`}
      data-op={group.op}
      data-not={group.not || undefined}
      style={{ borderLeft: `4px solid var(--mantine-color-${group.not ? 'red' : colour}-5)` }}
      bg={isRoot ? undefined : 'var(--mantine-color-default-hover)'}
    >
      <Stack gap="xs">
        <Group gap="xs" wrap="wrap" justify="space-between">
          <Group gap="xs" wrap="wrap">
            <NotToggle
              on={group.not}
              label={group.not ? t('segments.group.notOn') : t('segments.group.notOff')}
              testId={`segment-not-${path}`}
              onToggle={() => onEdit(group.key, (n) => ({ ...n, not: !n.not }))}
            />
            <Text size="sm">{group.not ? t('segments.group.leadNot') : t('segments.group.lead')}</Text>
            <NativeSelect
              size="xs"
              value={group.op}
              onChange={(e) => {
                const op = e.currentTarget.value === 'or' ? 'or' : 'and';
                onEdit(group.key, (n) => (n.kind === 'group' ? { ...n, op } : n));
              }}
              data={[
                { value: 'and', label: t('segments.group.and') },
                { value: 'or', label: t('segments.group.or') },
              ]}
              aria-label={t('segments.group.opLabel')}
              data-testid={`segment-op-${path}`}
            />
          </Group>
          {!isRoot && (
            <Tooltip label={t('segments.group.remove')} openDelay={400}>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={t('segments.group.remove')}
                onClick={() => onEdit(group.key, () => null)}
                data-testid={`segment-remove-${path}`}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
        {group.children.map((child, index) => {
          const childPath = `${path}-${index}`;
          return (
            <Fragment key={child.key}>
              {index > 0 && (
                <Badge size="xs" variant="light" color={group.op === 'and' ? 'blue' : 'grape'} ml="md" data-testid="segment-connective">
                  {t(group.op === 'and' ? 'segments.group.andWord' : 'segments.group.orWord')}
                </Badge>
              )}
              {child.kind === 'row' ? (
                <RowEditor row={child} path={childPath} {...rest} />
              ) : (
                <GroupEditor group={child} depth={depth + 1} path={childPath} {...rest} />
              )}
            </Fragment>
          );
        })}
        {group.children.length === 0 && (
          <Text size="sm" c={empty && reveal ? 'red' : 'dimmed'} data-testid={`segment-empty-${path}`}>
            {isRoot ? t('segments.group.emptyRoot') : t('segments.group.empty')}
          </Text>
        )}
        <Group gap="xs" wrap="wrap">
          {/* a menu, not a select: a closed select fires "change" on each arrow key and would add a row per key */}
          <Menu
            position="bottom-start"
            withinPortal
            // the new row takes the focus; only a menu left without a choice gives it back to its button
            returnFocus={false}
            onClose={() => {
              if (!chosen.current) addButton.current?.focus();
              chosen.current = false;
            }}
          >
            <Menu.Target>
              <Button
                ref={addButton}
                size="xs"
                variant="light"
                leftSection={<IconPlus size={14} />}
                disabled={full}
                aria-label={t('segments.group.addCriterionLabel')}
                data-testid={`segment-add-${path}`}
              >
                {t('segments.group.addCriterion')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown mah={360} style={{ overflowY: 'auto' }}>
              {fieldOrder.map((f) => (
                <Menu.Item
                  key={f}
                  onClick={() => {
                    chosen.current = true;
                    addRow(f);
                  }}
                  data-testid={`segment-add-${path}-${f}`}
                >
                  {t(`segments.field.${f}`)}
                </Menu.Item>
              ))}
            </Menu.Dropdown>
          </Menu>
          <Button
            size="xs"
            variant="subtle"
            leftSection={<IconPlus size={14} />}
            onClick={addGroup}
            disabled={!canNest}
            data-testid={`segment-add-group-${path}`}
          >
            {t('segments.group.addGroup')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
};

/** The criteria tree: groups of ALL / ANY, each row or group negatable, nested up to the contract's depth. */
export const TreeEditor = ({ root, ...rest }: TreeEditorProps) => <GroupEditor group={root} depth={1} path="g" {...rest} />;
