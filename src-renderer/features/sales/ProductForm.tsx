import { useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { Button, Group, Input, Modal, SegmentedControl, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { AppError, productInput, saleUnits, type Api, type FieldIssue, type Product, type ProductInput, type SaleUnit } from '@contract';
import { useApi } from '../../api/context';
import { issuesFromZod, toFieldErrors, type FieldErrors } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { fieldMessage, storeFieldCode } from './messages';
import { centsToInput, decimalMarkFor, parseEuros } from './money';
import { unitName } from './units';

type Values = { name: string; sku: string; category: string; unit: SaleUnit; price: string; active: boolean };
type Field = keyof Values;
const fieldOrder: readonly Field[] = ['name', 'sku', 'category', 'unit', 'price'];

const valuesOf = (p: Product | null, mark: ',' | '.'): Values =>
  p === null
    ? { name: '', sku: '', category: '', unit: 'piece', price: '', active: true }
    : { name: p.name, sku: p.sku ?? '', category: p.category ?? '', unit: p.unit, price: centsToInput(p.priceCents, mark), active: p.active };

/** Store field → form field (prices travel as cents, typed as euros). */
const formField = (path: string): Field | null => {
  const f = path.replace(/^patch\./, '');
  if (f === 'priceCents') return 'price';
  return f === 'name' || f === 'sku' || f === 'category' || f === 'unit' || f === 'active' ? f : null;
};

/** The element a field's error sends the focus to: the unit's is a radio group, its chosen radio takes it. */
const focusTarget = (el: HTMLElement | null | undefined): HTMLElement | null =>
  el instanceof HTMLInputElement ? el : (el?.querySelector<HTMLInputElement>('input:checked') ?? null);

/** "SKU already used": the message names the product that has it. */
const skuOwner = async (api: Api, error: unknown): Promise<string | null> => {
  if (!(error instanceof AppError) || typeof error.details?.id !== 'number') return null;
  try {
    return (await api.call('products.get', { id: error.details.id })).name;
  } catch {
    return null;
  }
};

export type ProductFormProps = {
  /** undefined: closed; null: a new product. */
  product: Product | null | undefined;
  onClose(): void;
  onSaved(product: Product): void;
};

/**
 * A catalogue entry in a modal. Enter saves; on a new product Ctrl+Enter
 * saves and clears the form for the next one (keeping the category).
 */
export const ProductForm = ({ product, onClose, onSaved }: ProductFormProps) => {
  const { t } = useTranslation();
  const opened = product !== undefined;
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={<Text fw={600}>{product ? t('products.form.editTitle', { name: product.name }) : t('products.form.newTitle')}</Text>}
      size="md"
    >
      {opened && <ProductFields key={product?.id ?? 'new'} product={product} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
};

const ProductFields = ({ product, onClose, onSaved }: { product: Product | null } & Omit<ProductFormProps, 'product'>) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const mark = decimalMarkFor(fmt.locale);
  const [values, setValues] = useState<Values>(() => valuesOf(product, mark));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [skuTakenBy, setSkuTakenBy] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const busy = useRef(false);
  const refs = useRef<Partial<Record<Field, HTMLElement | null>>>({});

  const set = <K extends Field>(field: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => (e[field] === undefined ? e : { ...e, [field]: undefined }));
  };

  const show = (next: FieldErrors) => {
    setErrors(next);
    const first = fieldOrder.find((f) => next[f] !== undefined);
    if (first) focusTarget(refs.current[first])?.focus();
  };

  const showIssues = (issues: readonly FieldIssue[]): boolean => {
    const next: FieldErrors = {};
    for (const issue of issues) {
      const field = formField(issue.path);
      if (field === null || next[field] !== undefined) continue;
      next[field] = field === 'price' ? storeFieldCode('price', issue.code) : issue.code;
    }
    if (Object.keys(next).length === 0) return false;
    show(next);
    return true;
  };

  const submit = async (andNew: boolean) => {
    if (busy.current) return;
    const price = parseEuros(values.price);
    if (!price.ok) {
      show({ price: price.code, ...(values.name.trim() === '' ? { name: 'required' } : {}) });
      return;
    }
    const data: ProductInput = {
      name: values.name,
      sku: values.sku,
      category: values.category,
      priceCents: price.value,
      unit: values.unit,
      active: values.active,
    };
    const parsed = productInput.safeParse(data);
    if (!parsed.success) {
      show(toFieldErrors(issuesFromZod(parsed.error).map((i) => ({ ...i, path: formField(i.path) ?? i.path }))));
      return;
    }
    busy.current = true;
    setSaving(true);
    try {
      let saved: Product;
      if (product === null) {
        saved = await api.call('products.create', data);
        notifySuccess(t('products.form.created', { name: saved.name }));
      } else {
        const d = parsed.data;
        const patch = {
          ...(d.name !== product.name ? { name: d.name } : {}),
          ...(d.sku !== product.sku ? { sku: d.sku } : {}),
          ...(d.category !== product.category ? { category: d.category } : {}),
          ...(d.priceCents !== product.priceCents ? { priceCents: d.priceCents } : {}),
          ...(d.unit !== product.unit ? { unit: d.unit } : {}),
          ...(d.active !== product.active ? { active: d.active } : {}),
        };
        saved = Object.keys(patch).length === 0 ? product : await api.call('products.update', { id: product.id, patch });
        notifySuccess(t('products.form.updated', { name: saved.name }));
      }
      onSaved(saved);
      if (andNew && product === null) {
        setValues((v) => ({ ...valuesOf(null, mark), category: v.category }));
        setErrors({});
        refs.current.name?.focus();
      } else {
        onClose();
      }
    } catch (error) {
      if (error instanceof AppError && error.code === 'CONFLICT' && error.details?.issues?.some((i) => i.code === 'sku_taken')) {
        setSkuTakenBy(await skuOwner(api, error));
        show({ sku: 'sku_taken' });
      } else if (!showIssues(error instanceof AppError ? (error.details?.issues ?? []) : [])) {
        notifyError(t, error);
      }
    } finally {
      busy.current = false;
      setSaving(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    if (event.target instanceof HTMLButtonElement && !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    void submit(event.ctrlKey || event.metaKey);
  };

  const error = (field: Field): string | undefined => {
    const code = errors[field];
    if (code === undefined) return undefined;
    if (code === 'sku_taken' && skuTakenBy !== null) return t('products.errors.sku_taken_by', { name: skuTakenBy });
    return code === 'sku_taken' ? t('products.errors.sku_taken') : fieldMessage(t, code);
  };

  const text = (field: Exclude<Field, 'unit' | 'active'>, max: number) => ({
    label: t(`products.fields.${field}`),
    value: values[field],
    onChange: (e: ChangeEvent<HTMLInputElement>) => set(field, e.currentTarget.value),
    error: error(field),
    ref: (el: HTMLInputElement | null) => {
      refs.current[field] = el;
    },
    maxLength: max,
    autoComplete: 'off',
    spellCheck: false,
    'data-testid': `product-${field}`,
  });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit(false);
      }}
      onKeyDown={onKeyDown}
      noValidate
      data-testid="product-form"
    >
      <Stack gap="sm">
        <TextInput {...text('name', 200)} data-autofocus withAsterisk />
        <Group grow align="flex-start">
          <TextInput {...text('sku', 64)} description={t('products.fields.skuHint')} />
          <TextInput {...text('category', 100)} />
        </Group>
        {/* a radio group has no single input for a <label> to point at: it is named by aria-label */}
        <Input.Wrapper labelElement="div" label={t('products.fields.unit')} description={t('products.fields.unitHint')} error={error('unit')}>
          <SegmentedControl<SaleUnit>
            ref={(el: HTMLDivElement | null) => {
              refs.current.unit = el;
            }}
            value={values.unit}
            onChange={(unit) => set('unit', unit)}
            data={saleUnits.map((u) => ({ value: u, label: unitName(t, u) }))}
            aria-label={t('products.fields.unit')}
            fullWidth
            mt={4}
            data-testid="product-unit"
          />
        </Input.Wrapper>
        <TextInput
          {...text('price', 20)}
          label={values.unit === 'piece' ? t('products.fields.price') : t(`products.fields.priceFor.${values.unit}`)}
          inputMode="decimal"
          placeholder={centsToInput(0, mark)}
          withAsterisk
        />
        <Switch
          label={t('products.fields.active')}
          description={t('products.fields.activeHint')}
          checked={values.active}
          onChange={(e) => set('active', e.currentTarget.checked)}
          data-testid="product-active"
        />
        <Text size="xs" c="dimmed">
          {product === null ? t('products.form.hint') : t('products.form.hintEdit')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={saving} data-testid="product-cancel">
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving} data-testid="product-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
};
