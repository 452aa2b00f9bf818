import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode } from 'react';
import { Alert, Badge, Box, Button, Center, Checkbox, Group, Loader, Stack, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconChevronDown, IconChevronUp, IconDownload, IconFilter, IconPlus, IconSearch, IconSelector } from '@tabler/icons-react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { SORTED_SEARCH_MAX, type ContactFilter, type ContactRow, type ContactSort } from '@contract';
import { useApi } from '../../api/context';
import { errorMessage } from '../../app/errors';
import { useFormatters, type Formatters } from '../../app/format';
import { BulkBar } from './BulkBar';
import { ExportDialog, type ExportScope } from './ExportDialog';
import { FilterChips, ListFiltersPanel } from './ListFilters';
import { activeKeys, narrows, noFilters, toContactFilter, type ListFilters } from './list-filters';
import {
  bulkTarget,
  isEmptySelection,
  isSelected,
  loadedState,
  noSelection,
  selectionCount,
  selectLoaded,
  toggleRow,
  type Selection,
} from './list-selection';
import { useTags } from './list-tags';
import { plainName } from './names';
import { RowTags } from './RowTags';
import { StatusBadge } from './StatusBadge';

export type SortDir = 'asc' | 'desc';
/** What the list keeps while the user visits a contact: search, order, filters. */
export type ListPrefs = { q: string; sort: ContactSort; dir: SortDir; filters: ListFilters; filtersOpen: boolean };
export const defaultListPrefs: ListPrefs = { q: '', sort: 'name', dir: 'asc', filters: noFilters, filtersOpen: false };

const PAGE = 100;
export const ROW_HEIGHT = 48;
const HEADER_HEIGHT = 38;
/** The tick-box column, in front of the data columns. */
const SELECT_TRACK = 36;
/** Start fetching the next page this many rows before the end is on screen. */
const PREFETCH = 40;
const DEBOUNCE_MS = 120;

/** Dates and money read best largest-first; names and places alphabetically. */
const firstDir: Record<ContactSort, SortDir> = {
  name: 'asc',
  city: 'asc',
  postcode: 'asc',
  createdAt: 'desc',
  lastPurchaseAt: 'desc',
  totalCents: 'desc',
};

type Column = {
  id: string;
  label: string;
  /** CSS grid track; the sum of the minimums decides when a column must go. */
  track: string;
  min: number;
  /** Columns that matter least leave first when the window is narrow. */
  drop?: number;
  sort?: ContactSort;
  align?: 'right';
  render(row: ContactRow, fmt: Formatters, t: TFunction): ReactNode;
};

const dash = '—';

const columns: Column[] = [
  {
    id: 'name',
    label: 'contacts.columns.name',
    track: 'minmax(200px, 2.2fr)',
    min: 200,
    sort: 'name',
    render: (row, _fmt, t) => (
      <Box miw={0}>
        <Text size="sm" fw={500} truncate data-testid="contact-row-name">
          {plainName(t, row)}
        </Text>
        {row.email !== null && (
          <Text size="xs" c="dimmed" truncate>
            {row.email}
          </Text>
        )}
      </Box>
    ),
  },
  {
    id: 'status',
    label: 'contacts.columns.status',
    // the longest badge, « FORMER CUSTOMER » (10 px bold capitals), needs ~140 px with the cell's padding: 130 cut it
    track: '150px',
    min: 150,
    render: (row) => <StatusBadge status={row.status} />,
  },
  {
    id: 'tags',
    label: 'contacts.columns.tags',
    // two short tags (« VIP », « Newsletter ») and a count without an ellipsis; on a laptop (1280 px) it
    // stays, and the dates and the phone go first
    track: 'minmax(180px, 1fr)',
    min: 180,
    drop: 4,
    render: (row) => (row.tags.length === 0 ? <Text size="sm">{dash}</Text> : <RowTags tags={row.tags} />),
  },
  {
    id: 'phone',
    label: 'contacts.columns.phone',
    track: '140px',
    min: 140,
    drop: 2,
    render: (row, fmt) => (
      <Text size="sm" truncate>
        {row.phone === null ? dash : fmt.phone(row.phone)}
      </Text>
    ),
  },
  {
    id: 'postcode',
    label: 'contacts.columns.postcode',
    track: '120px',
    min: 120,
    sort: 'postcode',
    render: (row) => <Text size="sm">{row.postcode ?? dash}</Text>,
  },
  {
    id: 'city',
    label: 'contacts.columns.city',
    track: 'minmax(130px, 1fr)',
    min: 130,
    sort: 'city',
    render: (row) => (
      <Text size="sm" truncate>
        {row.city ?? dash}
      </Text>
    ),
  },
  {
    id: 'createdAt',
    label: 'contacts.columns.createdAt',
    track: '120px',
    min: 120,
    drop: 1,
    sort: 'createdAt',
    render: (row, fmt) => <Text size="sm">{fmt.date(row.createdAt)}</Text>,
  },
  {
    id: 'lastPurchaseAt',
    label: 'contacts.columns.lastPurchaseAt',
    track: '140px',
    min: 140,
    drop: 3,
    sort: 'lastPurchaseAt',
    render: (row, fmt) => <Text size="sm">{row.lastPurchaseAt === null ? dash : fmt.date(row.lastPurchaseAt)}</Text>,
  },
  {
    id: 'totalCents',
    label: 'contacts.columns.totalCents',
    track: '140px',
    min: 140,
    sort: 'totalCents',
    align: 'right',
    render: (row, fmt) => <Text size="sm">{row.purchaseCount === 0 ? dash : fmt.money(row.totalCents)}</Text>,
  },
];

/** The columns that fit `width` (0: not measured yet, show them all), dropping by `drop` order. */
export const columnsFor = (width: number): Column[] => {
  let shown = columns;
  const need = (cols: Column[]) => cols.reduce((sum, c) => sum + c.min, 0);
  const droppable = columns.filter((c) => c.drop !== undefined).sort((a, b) => (a.drop ?? 0) - (b.drop ?? 0));
  for (const column of droppable) {
    if (width === 0 || need(shown) <= width) break;
    shown = shown.filter((c) => c !== column);
  }
  return shown;
};

type Query = { filter: ContactFilter; sort: ContactSort; dir: SortDir };

/** Whether tagging can move a contact in or out of the filter (a segment may hold tag criteria). */
const tagsDecide = (f: ContactFilter): boolean => (f.tags?.length ?? 0) > 0 || f.segmentId !== undefined || f.definition !== undefined;

/** Rows are kept page by page: appending never copies what is already loaded. */
type Loaded = {
  key: string;
  query: Query;
  pages: ContactRow[][];
  count: number;
  nextCursor: string | null;
  total: number | null;
  capped: boolean;
};

const rowAt = (loaded: Loaded, index: number): ContactRow | undefined =>
  loaded.pages[Math.floor(index / PAGE)]?.[index % PAGE];

/** The loaded rows' ids in list order (shift-click ranges, "select all"). */
const loadedIds = (loaded: Loaded | null): number[] => (loaded === null ? [] : loaded.pages.flatMap((page) => page.map((r) => r.id)));

const isSearch = (filter: ContactFilter): boolean => (filter.q ?? '').trim() !== '';

export type ContactListProps = {
  initial?: ListPrefs;
  onPrefsChange?(prefs: ListPrefs): void;
  onOpen(id: number): void;
  onNew?(): void;
  /** Each change focuses the search box (the "/" and Ctrl+K shortcuts). */
  focusSignal?: number;
};

export const ContactList = ({ initial = defaultListPrefs, onPrefsChange, onOpen, onNew, focusSignal }: ContactListProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const tags = useTags();

  const [q, setQ] = useState(initial.q);
  const [filters, setFilters] = useState<ListFilters>(initial.filters);
  const [filtersOpen, setFiltersOpen] = useState(initial.filtersOpen);
  // one debounce for what is typed in the search and the filter fields alike
  const [debouncedQ] = useDebouncedValue(q, DEBOUNCE_MS);
  const [debouncedFilters] = useDebouncedValue(filters, DEBOUNCE_MS);
  const filter = useMemo(() => toContactFilter(debouncedQ, debouncedFilters), [debouncedQ, debouncedFilters]);
  const filterKey = JSON.stringify(filter);
  const [sort, setSort] = useState<ContactSort>(initial.sort);
  const [dir, setDir] = useState<SortDir>(initial.dir);
  const [tick, setTick] = useState(0);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failed, setFailed] = useState<{ key: string; error: unknown } | null>(null);
  const [moreFailed, setMoreFailed] = useState<string | null>(null);
  const [active, setActive] = useState(-1);
  // a selection belongs to the filter it was made under: another filter starts with none
  const [picked, setPicked] = useState<{ filterKey: string; selection: Selection }>({ filterKey, selection: noSelection });
  const [exporting, setExporting] = useState<ExportScope | null>(null);

  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const searchRef = useRef<HTMLInputElement>(null);
  // every new first-page request bumps this; answers for older requests are dropped
  const generation = useRef(0);
  const fetchingCursor = useRef<string | null>(null);
  const lastScrollKey = useRef<string | null>(null);

  const key = JSON.stringify([filterKey, sort, dir, tick]);
  const loading = loaded?.key !== key && failed?.key !== key;

  useEffect(() => {
    const gen = ++generation.current;
    const query = { filter, sort, dir };
    api.call('contacts.list', { ...filter, sort, dir, limit: PAGE }).then(
      (page) => {
        if (gen !== generation.current) return;
        fetchingCursor.current = null;
        setMoreFailed(null);
        setActive(-1);
        setLoaded({
          key,
          query,
          pages: [page.rows],
          count: page.rows.length,
          nextCursor: page.nextCursor,
          total: page.total,
          capped: page.capped,
        });
      },
      (error: unknown) => {
        if (gen === generation.current) setFailed({ key, error });
      },
    );
  }, [api, key, filter, sort, dir]);

  // a new search, filter or order starts at the top; a refresh of the same one keeps the place
  const scrollKey =
    loaded === null ? null : JSON.stringify([loaded.query.filter, loaded.query.sort, loaded.query.dir]);
  useEffect(() => {
    if (scrollKey !== lastScrollKey.current && scrollRef.current) scrollRef.current.scrollTop = 0;
    lastScrollKey.current = scrollKey;
  }, [scrollKey]);

  useEffect(() => api.on('data.changed', ({ scope }) => scope !== 'settings' && setTick((n) => n + 1)), [api]);

  const prefsCallback = useRef(onPrefsChange);
  useEffect(() => {
    prefsCallback.current = onPrefsChange;
  });
  useEffect(() => {
    prefsCallback.current?.({ q, sort, dir, filters, filtersOpen });
  }, [q, sort, dir, filters, filtersOpen]);

  useEffect(() => {
    if (focusSignal !== undefined && focusSignal > 0) {
      searchRef.current?.focus();
      searchRef.current?.select();
    }
  }, [focusSignal]);

  const loadMore = useCallback(() => {
    if (loaded === null || loaded.nextCursor === null || fetchingCursor.current === loaded.nextCursor) return;
    const cursor = loaded.nextCursor;
    const gen = generation.current;
    fetchingCursor.current = cursor;
    const { filter: f, sort: s, dir: d } = loaded.query;
    api.call('contacts.list', { ...f, sort: s, dir: d, cursor, limit: PAGE }).then(
      (page) => {
        if (gen !== generation.current) return;
        setLoaded((prev) =>
          prev === null || prev.nextCursor !== cursor
            ? prev
            : {
                ...prev,
                pages: [...prev.pages, page.rows],
                count: prev.count + page.rows.length,
                nextCursor: page.nextCursor,
                total: page.total,
                capped: page.capped,
              },
        );
      },
      () => {
        if (gen === generation.current) setMoreFailed(cursor);
      },
    );
  }, [api, loaded]);

  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setWidth(el.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const shown = columnsFor(Math.max(0, width - SELECT_TRACK));
  const grid = [`${SELECT_TRACK}px`, ...shown.map((c) => c.track)].join(' ');
  const minWidth = SELECT_TRACK + shown.reduce((sum, c) => sum + c.min, 0);

  const count = loaded?.count ?? 0;
  const hasMore = loaded !== null && loaded.nextCursor !== null;
  const virtualizer = useVirtualizer({
    count: count + (hasMore ? 1 : 0),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length > 0 ? (items[items.length - 1]?.index ?? -1) : -1;

  useEffect(() => {
    if (!loading && hasMore && moreFailed === null && lastIndex >= count - PREFETCH) loadMore();
  }, [loading, hasMore, moreFailed, lastIndex, count, loadMore]);

  const retryMore = () => {
    fetchingCursor.current = null;
    setMoreFailed(null);
  };

  const changeSort = (column: ContactSort) => {
    if (column === sort) {
      setDir((d) => (d === 'asc' ? 'desc' : 'asc'));
    } else {
      setSort(column);
      setDir(firstDir[column]);
    }
  };

  /* ---------- selection ---------- */

  // the list's own filter, as loaded: what "select all matching" and "export the filter" stand for
  const shownFilter = loaded?.query.filter ?? filter;
  // how many contacts the loaded filter matches: exact, or null for a broad filter not read to its end
  const matching = loaded === null ? null : (loaded.total ?? (loaded.nextCursor === null ? loaded.count : null));
  // dropped for good, not just hidden: going back to the earlier filter must not bring it back
  if (picked.filterKey !== filterKey) setPicked({ filterKey, selection: noSelection });
  let selection = picked.filterKey === filterKey ? picked.selection : noSelection;
  if (selection.kind === 'matching') {
    // the count follows the list as it refreshes (an untag can empty the filter)
    selection = matching === 0 ? noSelection : { ...selection, count: matching };
  }
  const setSelection = (next: Selection) => setPicked({ filterKey, selection: next });
  const clearSelection = () => setSelection(noSelection);
  const ids = useMemo(() => loadedIds(loaded), [loaded]);
  const headerState = loadedState(selection, ids);
  const complete = loaded !== null && loaded.nextCursor === null;

  const toggle = (id: number, range: boolean) => setSelection(toggleRow(selection, id, range, ids));
  const toggleAll = () => {
    if (isEmptySelection(selection)) setSelection(selectLoaded(ids, complete, shownFilter));
    else clearSelection();
  };
  const selectAllMatching = () => setSelection({ kind: 'matching', filter: shownFilter, count: matching });
  const offerAll =
    selection.kind === 'ids' && headerState === 'all' && !complete && loaded !== null ? { count: matching } : null;

  const move = (to: number) => {
    if (count === 0) return;
    const index = Math.max(0, Math.min(count - 1, to));
    setActive(index);
    virtualizer.scrollToIndex(index, { align: 'auto' });
  };

  const openIndex = (index: number) => {
    if (loaded === null) return;
    const row = rowAt(loaded, index);
    if (row) onOpen(row.id);
  };

  const onListKey = (event: KeyboardEvent<HTMLElement>, fromSearch: boolean) => {
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 480) / ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        move(active + 1);
        break;
      case 'ArrowUp':
        if (fromSearch && active <= 0) return;
        move(active - 1);
        break;
      case 'PageDown':
        move(active + page);
        break;
      case 'PageUp':
        move(active - page);
        break;
      case 'Home':
        if (fromSearch) return;
        move(0);
        break;
      case 'End':
        if (fromSearch) return;
        move(count - 1);
        break;
      case 'Enter':
        if (active >= 0) openIndex(active);
        else if (fromSearch && q.trim() !== '' && count > 0) openIndex(0);
        else return;
        break;
      case ' ': {
        // a focused tick box handles its own space
        if (fromSearch || event.target !== event.currentTarget || loaded === null) return;
        const row = rowAt(loaded, active);
        if (!row) return;
        toggle(row.id, event.shiftKey);
        break;
      }
      case 'a':
        if (fromSearch || !(event.ctrlKey || event.metaKey)) return;
        setSelection(selectLoaded(ids, complete, shownFilter));
        break;
      case 'Escape':
        if (!fromSearch || q === '') return;
        setQ('');
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  /** Escape anywhere in the list (not in a filter field or a dialog) drops the selection. */
  const onRootKey = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape' || event.defaultPrevented || isEmptySelection(selection)) return;
    const target = event.target as HTMLElement;
    if (target.closest('[data-list-filters], [role="dialog"]') !== null) return;
    clearSelection();
    event.preventDefault();
  };

  const onRowClick = (event: MouseEvent<HTMLElement>, id: number) => {
    // Ctrl/⌘-click ticks a row, Shift-click a range, as in a file manager; a plain click opens it
    if (event.shiftKey || event.ctrlKey || event.metaKey) {
      event.preventDefault();
      toggle(id, event.shiftKey);
    } else {
      onOpen(id);
    }
  };

  /* ---------- header ---------- */

  const narrowed = loaded !== null && narrows(loaded.query.filter);
  let summary = '';
  if (loaded !== null) {
    if (!isSearch(loaded.query.filter)) {
      summary =
        matching === null
          ? t('list.countMany', { n: fmt.number(loaded.count) })
          : t('contacts.count', { count: matching, n: fmt.number(matching) });
    } else if (loaded.capped) {
      summary = t('contacts.capped', { n: fmt.number(SORTED_SEARCH_MAX) });
    } else {
      const total = loaded.total ?? loaded.count;
      summary = t('contacts.results', { count: total, n: fmt.number(total) });
    }
  }

  const capped = loaded?.capped ?? false;
  const activeRow = loaded !== null && active >= 0 ? rowAt(loaded, active) : undefined;
  const activeId = activeRow ? `contact-row-${activeRow.id}` : undefined;
  const failure = failed !== null && failed.key === key ? failed.error : null;
  const filterCount = activeKeys(filters).length;
  const hasSelection = !isEmptySelection(selection);

  return (
    <Stack h="100%" gap="sm" data-testid="contact-list" onKeyDown={onRootKey}>
      <Group justify="space-between" wrap="nowrap" align="flex-end">
        <Group gap="md" align="baseline" wrap="nowrap">
          <Title order={2}>{t('contacts.title')}</Title>
          <Text c="dimmed" size="sm" data-testid="contact-total" aria-live="polite">
            {summary}
          </Text>
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Button
            leftSection={<IconDownload size={16} />}
            variant="default"
            onClick={() => setExporting(narrowed ? 'filter' : 'all')}
            data-testid="export-open"
          >
            {t('list.export')}
          </Button>
          {onNew && (
            <Button leftSection={<IconPlus size={16} />} onClick={onNew} variant="light" title={t('shortcuts.newContact')}>
              {t('contacts.new')}
            </Button>
          )}
        </Group>
      </Group>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <TextInput
          ref={searchRef}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          onKeyDown={(e) => onListKey(e, true)}
          placeholder={t('contacts.search.placeholder')}
          aria-label={t('contacts.search.label')}
          leftSection={<IconSearch size={16} />}
          rightSection={loading && loaded !== null ? <Loader size="xs" /> : null}
          maxLength={200}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          aria-controls="contact-grid"
          aria-activedescendant={activeId}
          data-testid="contact-search"
          style={{ flex: 1 }}
        />
        <Button
          variant={filtersOpen ? 'light' : 'default'}
          leftSection={<IconFilter size={16} />}
          rightSection={
            filterCount > 0 ? (
              <Badge size="sm" circle data-testid="filters-count">
                {filterCount}
              </Badge>
            ) : null
          }
          onClick={() => setFiltersOpen((open) => !open)}
          aria-expanded={filtersOpen}
          data-testid="filters-toggle"
        >
          {t('list.filters.toggle')}
        </Button>
      </Group>
      {filtersOpen && <ListFiltersPanel value={filters} tags={tags} onChange={setFilters} />}
      <FilterChips value={filters} tags={tags} onChange={setFilters} />
      {hasSelection && (
        <BulkBar
          selection={selection}
          tags={tags}
          offerAll={offerAll}
          onSelectAll={selectAllMatching}
          onClear={clearSelection}
          onExport={() => setExporting('selection')}
          onDone={(action) => {
            // a selection kept would act on rows no longer in sight: gone, or moved out of a filter on tags
            if (action === 'delete' || tagsDecide(shownFilter)) clearSelection();
          }}
        />
      )}
      {failure !== null && (
        <Alert color="red" title={t('contacts.loadFailed')}>
          <Group justify="space-between">
            <Text size="sm">{errorMessage(t, failure)}</Text>
            <Button size="xs" variant="light" color="red" onClick={() => setTick((n) => n + 1)}>
              {t('common.retry')}
            </Button>
          </Group>
        </Alert>
      )}
      <Box
        ref={scrollRef}
        id="contact-grid"
        role="grid"
        aria-label={t('contacts.title')}
        aria-rowcount={loaded?.total ?? -1}
        aria-busy={loading}
        aria-multiselectable
        tabIndex={0}
        onKeyDown={(e) => onListKey(e, false)}
        className="cp-grid"
        data-testid="contact-grid"
        style={{ flex: 1, minHeight: 0, overflow: 'auto', position: 'relative' }}
      >
        <div style={{ height: virtualizer.getTotalSize(), minWidth, position: 'relative' }}>
          <div
            role="row"
            aria-rowindex={1}
            className="cp-grid-header"
            style={{ display: 'grid', gridTemplateColumns: grid, height: HEADER_HEIGHT, position: 'sticky', top: 0, zIndex: 1 }}
          >
            <div role="columnheader" className="cp-cell">
              <Checkbox
                size="xs"
                checked={headerState === 'all'}
                indeterminate={headerState === 'some'}
                disabled={count === 0}
                onChange={toggleAll}
                aria-label={hasSelection ? t('list.select.none') : t('list.select.all')}
                data-testid="select-all"
              />
            </div>
            {shown.map((column) => {
              // a capped search comes newest first whatever the column asked for
              const sorted = !capped && column.sort !== undefined && column.sort === sort;
              const ariaSort = sorted ? (dir === 'asc' ? 'ascending' : 'descending') : column.sort ? 'none' : undefined;
              const Icon = sorted ? (dir === 'asc' ? IconChevronUp : IconChevronDown) : IconSelector;
              return (
                <div
                  key={column.id}
                  role="columnheader"
                  aria-sort={ariaSort}
                  className="cp-cell"
                  style={{ justifyContent: column.align === 'right' ? 'flex-end' : 'flex-start' }}
                >
                  {column.sort === undefined ? (
                    <Text size="xs" fw={600} c="dimmed" truncate>
                      {t(column.label)}
                    </Text>
                  ) : (
                    <UnstyledButton
                      onClick={() => column.sort && changeSort(column.sort)}
                      data-testid={`sort-${column.sort}`}
                      style={{ display: 'flex', alignItems: 'center', gap: 4, minWidth: 0 }}
                    >
                      <Text size="xs" fw={600} c={sorted ? undefined : 'dimmed'} truncate>
                        {t(column.label)}
                      </Text>
                      <Icon size={14} aria-hidden style={{ flexShrink: 0 }} />
                    </UnstyledButton>
                  )}
                </div>
              );
            })}
          </div>
          {loaded !== null &&
            items.map((item) => {
              const row = rowAt(loaded, item.index);
              const style = {
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                height: ROW_HEIGHT,
                transform: `translateY(${item.start}px)`,
              } as const;
              if (!row) {
                return (
                  <div key="more" style={style} role="row" aria-rowindex={item.index + 2}>
                    <Center h="100%" role="gridcell">
                      {moreFailed !== null ? (
                        <Button size="xs" variant="subtle" onClick={retryMore}>
                          {t('contacts.loadMoreFailed')}
                        </Button>
                      ) : (
                        <Loader size="xs" aria-label={t('app.loading')} />
                      )}
                    </Center>
                  </div>
                );
              }
              const checked = isSelected(selection, row.id);
              return (
                <div
                  key={row.id}
                  id={`contact-row-${row.id}`}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={checked}
                  data-active={item.index === active || undefined}
                  data-selected={checked || undefined}
                  data-testid="contact-row"
                  data-contact-id={row.id}
                  className="cp-row"
                  onClick={(e) => onRowClick(e, row.id)}
                  // Shift-click ticks a range: it must not also select the text in between
                  onMouseDown={(e) => e.shiftKey && e.preventDefault()}
                  style={{ ...style, display: 'grid', gridTemplateColumns: grid, cursor: 'pointer' }}
                >
                  {/* the box's own click must not open the contact */}
                  <div role="gridcell" className="cp-cell" onClick={(e) => e.stopPropagation()}>
                    <Checkbox
                      size="xs"
                      checked={checked}
                      // the grid keeps the keyboard: Space on the active row ticks it
                      tabIndex={-1}
                      onChange={(e) => toggle(row.id, e.nativeEvent instanceof globalThis.MouseEvent && e.nativeEvent.shiftKey)}
                      aria-label={t('list.select.row', { name: plainName(t, row) })}
                      data-testid="contact-row-select"
                    />
                  </div>
                  {shown.map((column) => (
                    <div
                      key={column.id}
                      role="gridcell"
                      className="cp-cell"
                      style={{ justifyContent: column.align === 'right' ? 'flex-end' : 'flex-start' }}
                    >
                      {column.render(row, fmt, t)}
                    </div>
                  ))}
                </div>
              );
            })}
        </div>
        {loaded !== null && !loading && count === 0 && (
          <Center py="xl" style={{ position: 'absolute', top: HEADER_HEIGHT + 24, left: 0, right: 0 }}>
            <Stack align="center" gap="xs" data-testid="contact-list-empty">
              <Text c="dimmed">
                {isSearch(loaded.query.filter)
                  ? t('contacts.noResults')
                  : narrowed
                    ? t('list.noMatch')
                    : t('contacts.empty')}
              </Text>
              {narrowed && !isSearch(loaded.query.filter) && (
                <Button variant="light" onClick={() => setFilters(noFilters)} data-testid="filters-clear-empty">
                  {t('list.filters.clear')}
                </Button>
              )}
              {onNew && !narrowed && (
                <Button variant="light" leftSection={<IconPlus size={16} />} onClick={onNew}>
                  {t('contacts.new')}
                </Button>
              )}
            </Stack>
          </Center>
        )}
        {loaded === null && failure === null && (
          <Center py="xl" style={{ position: 'absolute', top: HEADER_HEIGHT + 24, left: 0, right: 0 }}>
            <Loader aria-label={t('app.loading')} />
          </Center>
        )}
      </Box>
      <ExportDialog
        opened={exporting !== null}
        initialScope={exporting ?? 'all'}
        selection={hasSelection ? { target: bulkTarget(selection), count: selectionCount(selection) } : null}
        filter={narrowed ? { filter: shownFilter, count: matching } : null}
        onClose={() => setExporting(null)}
      />
    </Stack>
  );
};
