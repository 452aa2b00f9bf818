import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Chip, Group, MultiSelect, NativeSelect, RangeSlider, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import {
  consentChannels,
  consentPurposes,
  contactSources,
  contactStatuses,
  paretoTiers,
  rfmSegmentKeys,
  type ConsentChannel,
  type ConsentPurpose,
  type ContactSource,
  type ContactStatus,
  type ParetoTier,
  type RfmSegmentKey,
  type Tag,
} from '@contract';
import { useApi } from '../../api/context';
import type { DateMode, DraftCriterion, RowProblems, ScoreRange } from './draft';

/** What the pickers offer: loaded once by the builder, shared by every row. */
export type BuilderOptions = {
  tags: readonly Tag[];
  tiers: readonly { key: string; name: string }[];
  categories: readonly string[];
};

export const BuilderOptionsContext = createContext<BuilderOptions>({ tags: [], tiers: [], categories: [] });

type TypedProps = {
  label: string;
  value: string;
  /** A key under `segments.errors`, or none. */
  error: string | undefined;
  /** Show the error even while typing (after a save was refused). */
  reveal: boolean;
  testId: string;
  placeholder?: string;
  numeric?: boolean;
  w?: number;
  maxLength?: number;
  rightSection?: ReactNode;
  onChange(value: string): void;
};

/** A typed value whose error waits for the user to leave the field, not for the first digit. */
const TypedInput = ({ label, value, error, reveal, testId, placeholder, numeric, w, maxLength, rightSection, onChange }: TypedProps) => {
  const { t } = useTranslation();
  const [typing, setTyping] = useState(false);
  const shown = error !== undefined && (!typing || reveal) ? t(`segments.errors.${error}`) : null;
  return (
    <TextInput
      size="xs"
      label={label}
      value={value}
      placeholder={placeholder}
      onChange={(e) => {
        setTyping(true);
        onChange(e.currentTarget.value);
      }}
      onBlur={() => setTyping(false)}
      error={shown}
      w={w}
      maxLength={maxLength ?? 20}
      rightSection={rightSection}
      autoComplete="off"
      spellCheck={false}
      inputMode={numeric ? 'numeric' : undefined}
      data-testid={testId}
    />
  );
};

const DayField = (props: Omit<TypedProps, 'placeholder' | 'numeric' | 'w' | 'maxLength'>) => {
  const { t } = useTranslation();
  return <TypedInput {...props} placeholder={t('segments.editor.datePlaceholder')} numeric w={130} maxLength={10} />;
};

/** Products picked by searching the catalogue; the names of those already picked are fetched once. */
const ProductPicker = ({ ids, error, onChange }: { ids: number[]; error: string | null; onChange(ids: number[]): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 150);
  const [known, setKnown] = useState<ReadonlyMap<number, string>>(new Map());
  const [found, setFound] = useState<readonly { id: number; name: string }[]>([]);

  useEffect(() => {
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length === 0) return;
    let live = true;
    void Promise.all(
      missing.map((id) =>
        api.call('products.get', { id }).then(
          (p) => [id, p.sku === null ? p.name : `${p.name} (${p.sku})`] as const,
          // a deleted product still matches past purchases: show its number
          () => [id, t('segments.editor.productGone', { id })] as const,
        ),
      ),
    ).then((pairs) => {
      if (live) setKnown((prev) => new Map([...prev, ...pairs]));
    });
    return () => {
      live = false;
    };
  }, [api, ids, known, t]);

  useEffect(() => {
    if (debounced === '') return;
    let live = true;
    api.call('products.search', { q: debounced, limit: 20, includeInactive: true }).then(
      (rows) => {
        if (!live) return;
        const named = rows.map((p) => ({ id: p.id, name: p.sku === null ? p.name : `${p.name} (${p.sku})` }));
        setFound(named);
        setKnown((prev) => new Map([...prev, ...named.map((p) => [p.id, p.name] as const)]));
      },
      () => live && setFound([]),
    );
    return () => {
      live = false;
    };
  }, [api, debounced]);

  const options = new Map<number, string>();
  for (const id of ids) options.set(id, known.get(id) ?? '…');
  if (debounced !== '') for (const p of found) options.set(p.id, p.name);
  return (
    <MultiSelect<number>
      size="xs"
      label={t('segments.editor.products')}
      placeholder={ids.length === 0 ? t('segments.editor.productsSearch') : undefined}
      data={[...options].map(([value, label]) => ({ value, label }))}
      value={ids}
      onChange={onChange}
      searchable
      searchValue={search}
      onSearchChange={setSearch}
      // the store already matched on name and SKU: do not filter its answer again on the label
      filter={({ options: all }) => all}
      nothingFoundMessage={debounced === '' ? t('segments.editor.productsHint') : t('segments.editor.noProducts')}
      error={error}
      miw={260}
      style={{ flex: 1 }}
      data-testid="segment-products"
    />
  );
};

const SCORE_MARKS = [1, 2, 3, 4, 5].map((value) => ({ value, label: String(value) }));

/** One RFM dimension's score range; the full 1–5 range means "any". */
const ScoreSlider = ({ dim, value, onChange }: { dim: 'r' | 'f' | 'm'; value: ScoreRange; onChange(next: ScoreRange): void }) => {
  const { t } = useTranslation();
  return (
    <Stack gap={2} w={170}>
      <Text size="xs" fw={500}>
        {t(`rfm.dimension.${dim}`)}
      </Text>
      <RangeSlider
        size="sm"
        min={1}
        max={5}
        step={1}
        minRange={0}
        marks={SCORE_MARKS}
        value={value}
        onChange={onChange}
        label={null}
        mb="md"
        aria-label={t(`rfm.dimension.${dim}`)}
        data-testid={`segment-rfm-${dim}`}
      />
    </Stack>
  );
};

export type CriterionEditorProps = {
  criterion: DraftCriterion;
  problems: RowProblems;
  /** Missing values are pointed out once the user tried to save. */
  reveal: boolean;
  incomplete: boolean;
  onChange(next: DraftCriterion): void;
};

type ChipChoiceProps<T extends string> = {
  options: readonly T[];
  value: T[];
  label(option: T): string;
  /** Each chip is `${testId}-${option}`. */
  testId: string;
  required: string | null;
  onChange(values: T[]): void;
};

/** A few fixed values, any of which match (statuses, tiers): chips rather than a menu. */
const ChipChoice = <T extends string>({ options, value, label, testId, required, onChange }: ChipChoiceProps<T>) => (
  <Group gap={6} wrap="wrap">
    <Chip.Group<true, T> multiple value={value} onChange={onChange}>
      {options.map((option) => (
        <Chip key={option} value={option} size="xs" wrapperProps={{ 'data-testid': `${testId}-${option}` }}>
          {label(option)}
        </Chip>
      ))}
    </Chip.Group>
    {required !== null && (
      <Text size="xs" c="red">
        {required}
      </Text>
    )}
  </Group>
);

/** The compact editor of one criterion kind. */
export const CriterionEditor = ({ criterion: c, problems, reveal, incomplete, onChange }: CriterionEditorProps) => {
  const { t } = useTranslation();
  const options = useContext(BuilderOptionsContext);
  const required = reveal && incomplete ? t('segments.errors.required') : null;

  switch (c.field) {
    case 'status':
      return (
        <ChipChoice<ContactStatus>
          options={contactStatuses}
          value={c.values}
          label={(status) => t(`contacts.status.${status}`)}
          testId="segment-status"
          required={required}
          onChange={(values) => onChange({ ...c, values })}
        />
      );
    case 'source':
      return (
        <MultiSelect<ContactSource>
          size="xs"
          label={t('segments.editor.anyOf')}
          data={contactSources.map((s) => ({ value: s, label: t(`contacts.source.${s}`) }))}
          value={c.values}
          onChange={(values) => onChange({ ...c, values })}
          searchable
          error={required}
          miw={260}
          style={{ flex: 1 }}
          data-testid="segment-source"
        />
      );
    case 'loyaltyTier':
      return (
        <MultiSelect<string>
          size="xs"
          label={t('segments.editor.anyOf')}
          data={options.tiers.map((tier) => ({ value: tier.key, label: tier.name }))}
          value={c.values}
          onChange={(values) => onChange({ ...c, values })}
          nothingFoundMessage={t('segments.editor.noTiers')}
          error={required}
          miw={220}
          style={{ flex: 1 }}
          data-testid="segment-tiers"
        />
      );
    case 'tags':
      return (
        <MultiSelect<number>
          size="xs"
          label={t('segments.editor.anyOf')}
          data={options.tags.map((tag) => ({ value: tag.id, label: tag.name }))}
          value={c.ids}
          onChange={(ids) => onChange({ ...c, ids })}
          searchable
          nothingFoundMessage={t('segments.editor.noTags')}
          error={required}
          miw={260}
          style={{ flex: 1 }}
          data-testid="segment-tags"
        />
      );
    case 'boughtProduct':
      return (
        <Group gap="xs" align="flex-start" wrap="wrap" style={{ flex: 1 }}>
          <ProductPicker ids={c.ids} error={required} onChange={(ids) => onChange({ ...c, ids })} />
          <DayField
            label={t('segments.editor.since')}
            value={c.since}
            error={problems.since}
            reveal={reveal}
            testId="segment-since"
            onChange={(since) => onChange({ ...c, since })}
          />
        </Group>
      );
    case 'boughtCategory':
      return (
        <Group gap="xs" align="flex-start" wrap="wrap" style={{ flex: 1 }}>
          <TagsInput
            size="xs"
            label={t('segments.editor.categories')}
            description={t('segments.editor.categoriesHint')}
            data={[...options.categories]}
            value={c.categories}
            onChange={(categories) => onChange({ ...c, categories })}
            error={required}
            maxLength={100}
            miw={260}
            style={{ flex: 1 }}
            data-testid="segment-categories"
          />
          <DayField
            label={t('segments.editor.since')}
            value={c.since}
            error={problems.since}
            reveal={reveal}
            testId="segment-since"
            onChange={(since) => onChange({ ...c, since })}
          />
        </Group>
      );
    case 'city':
    case 'postcode':
      return (
        <TextInput
          size="xs"
          label={t('segments.editor.prefix')}
          value={c.prefix}
          onChange={(e) => onChange({ ...c, prefix: e.currentTarget.value })}
          error={required}
          maxLength={c.field === 'city' ? 100 : 12}
          inputMode={c.field === 'postcode' ? 'numeric' : undefined}
          autoComplete="off"
          spellCheck={false}
          w={220}
          data-testid={`segment-${c.field}`}
        />
      );
    case 'created':
    case 'firstPurchase':
    case 'lastPurchase':
      return (
        <Group gap="xs" align="flex-start" wrap="wrap">
          <NativeSelect
            size="xs"
            label={t('segments.editor.when')}
            value={c.mode}
            onChange={(e) => onChange({ ...c, mode: e.currentTarget.value === 'within' ? 'within' : 'between' })}
            data={(['between', 'within'] as const satisfies readonly DateMode[]).map((m) => ({ value: m, label: t(`segments.editor.mode.${m}`) }))}
            data-testid="segment-date-mode"
          />
          {c.mode === 'between' ? (
            <>
              <DayField
                label={t('segments.editor.from')}
                value={c.from}
                error={problems.from}
                reveal={reveal}
                testId="segment-from"
                onChange={(from) => onChange({ ...c, from })}
              />
              <DayField
                label={t('segments.editor.to')}
                value={c.to}
                error={problems.to ?? (required !== null ? 'required_range' : undefined)}
                reveal={reveal}
                testId="segment-to"
                onChange={(to) => onChange({ ...c, to })}
              />
            </>
          ) : (
            <TypedInput
              label={t('segments.editor.days')}
              value={c.days}
              error={problems.days ?? (required !== null ? 'required' : undefined)}
              reveal={reveal}
              testId="segment-days"
              numeric
              w={110}
              maxLength={6}
              onChange={(days) => onChange({ ...c, days })}
            />
          )}
        </Group>
      );
    case 'purchaseCount':
    case 'loyaltyBalance':
    case 'totalSpent': {
      const money = c.field === 'totalSpent';
      const suffix = money ? <Text size="xs">€</Text> : undefined;
      return (
        <Group gap="xs" align="flex-start" wrap="wrap">
          <TypedInput
            label={t('segments.editor.min')}
            value={c.min}
            error={problems.min}
            reveal={reveal}
            testId="segment-min"
            numeric={!money}
            w={130}
            rightSection={suffix}
            onChange={(min) => onChange({ ...c, min })}
          />
          <TypedInput
            label={t('segments.editor.max')}
            value={c.max}
            error={problems.max ?? (required !== null ? 'required_range' : undefined)}
            reveal={reveal}
            testId="segment-max"
            numeric={!money}
            w={130}
            rightSection={suffix}
            onChange={(max) => onChange({ ...c, max })}
          />
        </Group>
      );
    }
    case 'rfmScore':
      return (
        <Group gap="lg" align="flex-start" wrap="wrap">
          {(['r', 'f', 'm'] as const).map((dim) => (
            <ScoreSlider key={dim} dim={dim} value={c[dim]} onChange={(next) => onChange({ ...c, [dim]: next })} />
          ))}
          {required !== null && (
            <Text size="xs" c="red">
              {t('segments.editor.rfmAny')}
            </Text>
          )}
        </Group>
      );
    case 'rfmSegment':
      return (
        <MultiSelect<RfmSegmentKey>
          size="xs"
          label={t('segments.editor.anyOf')}
          data={rfmSegmentKeys.map((k) => ({ value: k, label: t(`rfm.segment.${k}.name`) }))}
          value={c.values}
          onChange={(values) => onChange({ ...c, values })}
          searchable
          error={required}
          miw={260}
          style={{ flex: 1 }}
          data-testid="segment-rfm-segments"
        />
      );
    case 'paretoTier':
      return (
        <ChipChoice<ParetoTier>
          options={paretoTiers}
          value={c.values}
          label={(tier) => t(`pareto.tier.${tier}`)}
          testId="segment-tier"
          required={required}
          onChange={(values) => onChange({ ...c, values })}
        />
      );
    case 'boughtInMonths':
      return (
        <Group gap="xs" align="flex-start" wrap="nowrap">
          <TypedInput
            label={t('segments.editor.fromMonth')}
            value={c.from}
            error={problems.from ?? (required !== null ? 'required_month' : undefined)}
            reveal={reveal}
            testId="segment-month-from"
            placeholder={t('segments.editor.monthPlaceholder')}
            w={120}
            onChange={(from) => onChange({ ...c, from })}
          />
          <TypedInput
            label={t('segments.editor.toMonth')}
            value={c.to}
            error={problems.to}
            reveal={reveal}
            testId="segment-month-to"
            placeholder={t('segments.editor.monthPlaceholder')}
            w={120}
            onChange={(to) => onChange({ ...c, to })}
          />
        </Group>
      );
    case 'atRisk':
    case 'markedLost':
      // a flag, nothing to choose: say what it means
      return (
        <Text size="xs" c="dimmed" data-testid={`segment-${c.field}-hint`}>
          {t(`attrition.criterion.${c.field}`)}
        </Text>
      );
    case 'contactable':
      return (
        <Group gap="xs" align="flex-start" wrap="wrap">
          <NativeSelect
            size="xs"
            label={t('segments.editor.channel')}
            value={c.channel}
            onChange={(e) => {
              const channel = consentChannels.find((x) => x === e.currentTarget.value);
              if (channel !== undefined) onChange({ ...c, channel });
            }}
            data={consentChannels.map((x: ConsentChannel) => ({ value: x, label: t(`consent.channel.${x}`) }))}
            data-testid="segment-channel"
          />
          <NativeSelect
            size="xs"
            label={t('segments.editor.purpose')}
            value={c.purpose}
            onChange={(e) => {
              const purpose = consentPurposes.find((x) => x === e.currentTarget.value);
              if (purpose !== undefined) onChange({ ...c, purpose });
            }}
            data={consentPurposes.map((x: ConsentPurpose) => ({ value: x, label: t(`consent.purpose.${x}`) }))}
            data-testid="segment-purpose"
          />
        </Group>
      );
  }
};
