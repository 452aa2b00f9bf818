import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPencil, IconPlus, IconSearch, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Product } from '@contract';
import { useApi } from '../../api/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import { errorMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { ProductForm } from './ProductForm';
import { priceWithUnit } from './units';
import { ProductAffinityButton } from '../attrition/ProductAffinity';

const PAGE = 100;
const DEBOUNCE_MS = 120;

type Filter = 'all' | 'active' | 'archived';
type Loaded = { key: string; rows: Product[]; nextCursor: string | null };

/**
 * #/products: the catalogue the counter picks from. Search by name or SKU,
 * arrows and Enter to open an entry; archive (inactive) hides a product from
 * the counter without deleting it.
 */
export const ProductsPage = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [q, setQ] = useState('');
  const [debouncedQ] = useDebouncedValue(q, DEBOUNCE_MS);
  const [filter, setFilter] = useState<Filter>('all');
  const [tick, setTick] = useState(0);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failed, setFailed] = useState<{ key: string; error: unknown } | null>(null);
  const [moreBusy, setMoreBusy] = useState(false);
  const [highlight, setHighlight] = useState<{ key: string; index: number }>({ key: '', index: -1 });
  /** undefined: no form; null: a new product. */
  const [editing, setEditing] = useState<Product | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<Product | null>(null);
  const generation = useRef(0);
  const searchRef = useRef<HTMLInputElement>(null);

  const key = JSON.stringify([debouncedQ, filter, tick]);
  const query = useCallback(
    (cursor: string | null) =>
      api.call('products.list', {
        q: debouncedQ,
        ...(filter === 'all' ? {} : { active: filter === 'active' }),
        cursor,
        limit: PAGE,
      }),
    [api, debouncedQ, filter],
  );

  useEffect(() => {
    const gen = ++generation.current;
    query(null).then(
      (page) => gen === generation.current && setLoaded({ key, rows: page.rows, nextCursor: page.nextCursor }),
      (error: unknown) => gen === generation.current && setFailed({ key, error }),
    );
  }, [query, key]);

  // a restore or an import replaced the data under the list
  useEffect(() => api.on('data.changed', ({ scope }) => scope === 'all' && setTick((n) => n + 1)), [api]);

  const loadMore = async () => {
    if (loaded === null || loaded.nextCursor === null) return;
    const gen = generation.current;
    setMoreBusy(true);
    try {
      const page = await query(loaded.nextCursor);
      if (gen === generation.current) {
        setLoaded((prev) => (prev === null ? prev : { ...prev, rows: [...prev.rows, ...page.rows], nextCursor: page.nextCursor }));
      }
    } catch (error) {
      notifyError(t, error);
    } finally {
      setMoreBusy(false);
    }
  };

  const rows = loaded?.rows ?? [];
  const loading = loaded?.key !== key && failed?.key !== key;
  const failure = failed !== null && failed.key === key ? failed.error : null;
  const active = highlight.key === loaded?.key ? highlight.index : -1;

  const move = (to: number) => {
    if (rows.length === 0 || loaded === null) return;
    const index = Math.max(0, Math.min(rows.length - 1, to));
    setHighlight({ key: loaded.key, index });
    document.getElementById(`product-row-${rows[index]?.id ?? 0}`)?.scrollIntoView({ block: 'nearest' });
  };

  const onSearchKey = (event: KeyboardEvent<HTMLInputElement>) => {
    switch (event.key) {
      case 'ArrowDown':
        move(active + 1);
        break;
      case 'ArrowUp':
        if (active <= 0) return;
        move(active - 1);
        break;
      case 'Enter': {
        const row = rows[active >= 0 ? active : 0];
        if (!row || (active < 0 && q.trim() === '')) return;
        setEditing(row);
        break;
      }
      case 'Escape':
        if (q === '') return;
        setQ('');
        break;
      default:
        return;
    }
    event.preventDefault();
  };

  const onRowKey = (event: KeyboardEvent<HTMLTableRowElement>, product: Product) => {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter') setEditing(product);
    else if (event.key === 'Delete') setDeleting(product);
    else return;
    event.preventDefault();
  };

  const remove = async () => {
    if (deleting === null) return;
    try {
      await api.call('products.delete', { id: deleting.id });
      notifySuccess(t('products.delete.done', { name: deleting.name }));
      setDeleting(null);
      setTick((n) => n + 1);
    } catch (error) {
      notifyError(t, error);
    }
  };

  const closeForm = () => {
    setEditing(undefined);
    searchRef.current?.focus();
  };

  const emptyText = debouncedQ.trim() === '' && filter === 'all' ? t('products.empty') : t('products.noResults');

  return (
    <Stack gap="sm" data-testid="products-page">
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t('products.title')}</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)} data-testid="product-new">
          {t('products.new')}
        </Button>
      </Group>
      <Group align="flex-end" wrap="nowrap">
        <TextInput
          ref={searchRef}
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          onKeyDown={onSearchKey}
          placeholder={t('products.search.placeholder')}
          aria-label={t('products.search.label')}
          leftSection={<IconSearch size={16} />}
          rightSection={loading && loaded !== null ? <Loader size="xs" /> : null}
          maxLength={200}
          autoFocus
          autoComplete="off"
          spellCheck={false}
          style={{ flex: 1 }}
          data-testid="products-search"
        />
        <SegmentedControl
          value={filter}
          onChange={(v) => setFilter(v as Filter)}
          data={(['all', 'active', 'archived'] as const).map((f) => ({ value: f, label: t(`products.filter.${f}`) }))}
          data-testid="products-filter"
        />
      </Group>

      {failure !== null && (
        <Alert color="red" title={t('products.loadFailed')}>
          <Group justify="space-between">
            <Text size="sm">{errorMessage(t, failure)}</Text>
            <Button size="xs" variant="light" color="red" onClick={() => setTick((n) => n + 1)}>
              {t('common.retry')}
            </Button>
          </Group>
        </Alert>
      )}

      {loaded === null && failure === null ? (
        <Center py="xl">
          <Loader aria-label={t('app.loading')} />
        </Center>
      ) : (
        <Table highlightOnHover verticalSpacing={6} data-testid="products-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('products.fields.name')}</Table.Th>
              <Table.Th>{t('products.fields.sku')}</Table.Th>
              <Table.Th>{t('products.fields.category')}</Table.Th>
              <Table.Th ta="right">{t('products.fields.price')}</Table.Th>
              <Table.Th w={120} />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((p, index) => (
              <Table.Tr
                key={p.id}
                id={`product-row-${p.id}`}
                tabIndex={0}
                aria-selected={index === active}
                data-active={index === active || undefined}
                className="cp-row"
                onClick={() => setEditing(p)}
                onKeyDown={(e) => onRowKey(e, p)}
                style={{ cursor: 'pointer' }}
                data-testid="product-row"
                data-product-id={p.id}
              >
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Text size="sm" fw={500} data-testid="product-row-name">
                      {p.name}
                    </Text>
                    {!p.active && (
                      <Badge size="sm" color="gray" variant="light">
                        {t('products.archived')}
                      </Badge>
                    )}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {p.sku ?? '—'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{p.category ?? '—'}</Text>
                </Table.Td>
                <Table.Td ta="right">
                  <Text size="sm" style={{ whiteSpace: 'nowrap' }} data-testid="product-row-price">
                    {priceWithUnit(t, fmt, p.priceCents, p.unit)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4} justify="flex-end" wrap="nowrap">
                    <ProductAffinityButton productId={p.id} name={p.name} />
                    <ActionIcon
                      variant="subtle"
                      aria-label={t('products.editOf', { name: p.name })}
                      onClick={(e) => {
                        e.stopPropagation();
                        setEditing(p);
                      }}
                      data-testid="product-edit"
                    >
                      <IconPencil size={16} />
                    </ActionIcon>
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      aria-label={t('products.deleteOf', { name: p.name })}
                      onClick={(e) => {
                        e.stopPropagation();
                        setDeleting(p);
                      }}
                      data-testid="product-delete"
                    >
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}

      {loaded !== null && !loading && rows.length === 0 && (
        <Center py="lg">
          <Text c="dimmed" data-testid="products-empty">
            {emptyText}
          </Text>
        </Center>
      )}
      {loaded !== null && loaded.nextCursor !== null && (
        <Center>
          <Button variant="subtle" onClick={() => void loadMore()} loading={moreBusy} data-testid="products-more">
            {t('products.more')}
          </Button>
        </Center>
      )}

      <ProductForm product={editing} onClose={closeForm} onSaved={() => setTick((n) => n + 1)} />
      <ConfirmDialog
        opened={deleting !== null}
        title={t('products.delete.title')}
        confirmLabel={t('common.delete')}
        danger
        testId="product-delete-confirm"
        onConfirm={remove}
        onClose={() => setDeleting(null)}
      >
        {t('products.delete.confirm', { name: deleting?.name ?? '' })}
      </ConfirmDialog>
    </Stack>
  );
};
