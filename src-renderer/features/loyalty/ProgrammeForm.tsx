import { useState } from 'react';
import {
  ActionIcon,
  Alert,
  Button,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { AppError, roundingRules, tierBases, TIERS_MAX, type LoyaltyProgramme, type TierBasis } from '@contract';
import { useApi } from '../../api/context';
import { validationMessage } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifySuccess } from '../../app/notify';
import { centsToInput, decimalMarkFor, parseEuros } from '../sales/money';
import { loyaltyErrorMessage } from './messages';
import { loyaltyChanged } from './use-loyalty';

type TierDraft = {
  key: string;
  name: string;
  basis: TierBasis;
  threshold: string;
  windowMonths: string;
  multiplier: string;
  benefits: string;
};

/** One cell of the tiers table: a small text input, its store-side error under it. */
const TierInput = ({
  value,
  label,
  error,
  onChange,
  inputMode,
  right,
}: {
  value: string;
  label: string;
  error: string | undefined;
  onChange(value: string): void;
  inputMode?: 'decimal' | 'numeric';
  right?: string;
}) => (
  <TextInput
    size="xs"
    value={value}
    onChange={(e) => onChange(e.currentTarget.value)}
    error={error}
    aria-label={label}
    inputMode={inputMode}
    rightSection={right === undefined ? undefined : <Text size="xs">{right}</Text>}
    autoComplete="off"
  />
);

type Draft = {
  enabled: boolean;
  pointsPerEuro: string;
  rounding: LoyaltyProgramme['rounding'];
  welcomePoints: string;
  referrerPoints: string;
  referredPoints: string;
  expiryMonths: string;
  entryFee: string;
  pointValueCents: string;
  tiers: TierDraft[];
};

const decimal = (value: number, mark: ',' | '.'): string => String(value).replace('.', mark);

const toDraft = (p: LoyaltyProgramme, mark: ',' | '.'): Draft => ({
  enabled: p.enabled,
  pointsPerEuro: decimal(p.pointsPerEuro, mark),
  rounding: p.rounding,
  welcomePoints: String(p.welcomePoints),
  referrerPoints: String(p.referrerPoints),
  referredPoints: String(p.referredPoints),
  expiryMonths: p.expiryMonths === null ? '' : String(p.expiryMonths),
  entryFee: p.entryFeeCents === null ? '' : centsToInput(p.entryFeeCents, mark),
  pointValueCents: decimal(p.pointValueCents, mark),
  tiers: p.tiers.map((tier) => ({
    key: tier.key,
    name: tier.name,
    basis: tier.basis,
    // a spend threshold is typed in euros, stored in cents
    threshold: tier.basis === 'spend' ? centsToInput(tier.threshold, mark) : String(tier.threshold),
    windowMonths: String(tier.windowMonths),
    multiplier: decimal(tier.multiplier, mark),
    benefits: tier.benefits,
  })),
});

type Errors = Partial<Record<string, string>>;

/** "1,5" or "1.5" → 1.5; NaN when it is not a plain decimal. */
const parseDecimal = (text: string): number => {
  const s = text.trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
};
const parseInteger = (text: string): number => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN);

/** The draft as the contract wants it; fields that do not parse are reported under their path. */
const fromDraft = (d: Draft): { value: LoyaltyProgramme; errors: Errors } => {
  const errors: Errors = {};
  const num = (path: string, v: number): number => {
    if (Number.isNaN(v)) errors[path] = 'invalid_number';
    return v;
  };
  const fee = d.entryFee.trim() === '' ? null : parseEuros(d.entryFee);
  if (fee !== null && !fee.ok) errors.entryFeeCents = fee.code === 'price_invalid' ? 'invalid_number' : fee.code;
  const value: LoyaltyProgramme = {
    enabled: d.enabled,
    pointsPerEuro: num('pointsPerEuro', parseDecimal(d.pointsPerEuro)),
    rounding: d.rounding,
    welcomePoints: num('welcomePoints', parseInteger(d.welcomePoints)),
    referrerPoints: num('referrerPoints', parseInteger(d.referrerPoints)),
    referredPoints: num('referredPoints', parseInteger(d.referredPoints)),
    expiryMonths: d.expiryMonths.trim() === '' ? null : num('expiryMonths', parseInteger(d.expiryMonths)),
    entryFeeCents: fee === null ? null : fee.ok ? fee.value : 0,
    pointValueCents: num('pointValueCents', parseDecimal(d.pointValueCents)),
    tiers: d.tiers.map((tier, i) => {
      let threshold: number;
      if (tier.basis === 'spend') {
        const euros = parseEuros(tier.threshold);
        threshold = euros.ok ? euros.value : num(`tiers.${i}.threshold`, Number.NaN);
      } else {
        threshold = num(`tiers.${i}.threshold`, parseInteger(tier.threshold));
      }
      return {
        key: tier.key.trim(),
        name: tier.name,
        basis: tier.basis,
        threshold,
        windowMonths: num(`tiers.${i}.windowMonths`, parseInteger(tier.windowMonths)),
        multiplier: num(`tiers.${i}.multiplier`, parseDecimal(tier.multiplier)),
        benefits: tier.benefits,
      };
    }),
  };
  return { value, errors };
};

/** Our own sentence for the programme's rules, the shared validation ones otherwise. */
const issueText = (t: TFunction, code: string): string =>
  t(`loyalty.validation.${code}`, { defaultValue: validationMessage(t, code) });

/** Programme rules and tiers, edited as a whole and saved in one call (the store checks them together). */
export const ProgrammeForm = ({ programme, onSaved }: { programme: LoyaltyProgramme; onSaved(p: LoyaltyProgramme): void }) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const mark = decimalMarkFor(fmt.locale);
  const [draft, setDraft] = useState<Draft>(() => toDraft(programme, mark));
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => ({ ...e, [key]: undefined }));
  };
  const setTier = (i: number, patch: Partial<TierDraft>) => {
    setDraft((d) => ({ ...d, tiers: d.tiers.map((tier, j) => (j === i ? { ...tier, ...patch } : tier)) }));
    setErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch)) delete next[`tiers.${i}.${k}`];
      return next;
    });
  };
  const err = (path: string) => (errors[path] === undefined ? undefined : issueText(t, errors[path]));

  const save = async () => {
    const { value, errors: local } = fromDraft(draft);
    setErrors(local);
    setFormError(null);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const saved = await api.call('loyalty.programme.update', value);
      setDraft(toDraft(saved, mark));
      loyaltyChanged(null);
      notifySuccess(t('loyalty.programme.saved'));
      onSaved(saved);
    } catch (e) {
      const issues = e instanceof AppError ? (e.details?.issues ?? []) : [];
      if (issues.length > 0) {
        const next: Errors = {};
        for (const issue of issues) next[issue.path] ??= issue.code;
        setErrors(next);
        // an issue on a path no field shows (the tier list itself) still needs saying
        if (issues.some((i) => i.path === 'tiers' || i.path === '')) setFormError(issueText(t, issues[0]?.code ?? 'generic'));
      } else {
        setFormError(loyaltyErrorMessage(t, e));
      }
    } finally {
      setBusy(false);
    }
  };

  const intField = (key: 'welcomePoints' | 'referrerPoints' | 'referredPoints' | 'expiryMonths', extra?: { description?: string }) => (
    <TextInput
      label={t(`loyalty.programme.${key}`)}
      description={extra?.description}
      value={draft[key]}
      onChange={(e) => set(key, e.currentTarget.value)}
      error={err(key)}
      inputMode="numeric"
      autoComplete="off"
      data-testid={`programme-${key}`}
    />
  );

  return (
    <Stack data-testid="programme-form">
      <Paper withBorder p="md">
        <Stack>
          <Switch
            label={t('loyalty.programme.enabled')}
            checked={draft.enabled}
            onChange={(e) => set('enabled', e.currentTarget.checked)}
            data-testid="programme-enabled"
          />
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
            <TextInput
              label={t('loyalty.programme.pointsPerEuro')}
              value={draft.pointsPerEuro}
              onChange={(e) => set('pointsPerEuro', e.currentTarget.value)}
              error={err('pointsPerEuro')}
              inputMode="decimal"
              autoComplete="off"
              data-testid="programme-pointsPerEuro"
            />
            <NativeSelect
              label={t('loyalty.programme.rounding')}
              value={draft.rounding}
              onChange={(e) => set('rounding', e.currentTarget.value as Draft['rounding'])}
              data={roundingRules.map((r) => ({ value: r, label: t(`loyalty.programme.roundingRule.${r}`) }))}
              data-testid="programme-rounding"
            />
            {intField('welcomePoints')}
            {intField('expiryMonths', { description: t('loyalty.programme.expiryHint') })}
            {intField('referrerPoints')}
            {intField('referredPoints')}
            <TextInput
              label={t('loyalty.programme.entryFee')}
              description={t('loyalty.programme.entryFeeHint')}
              value={draft.entryFee}
              onChange={(e) => set('entryFee', e.currentTarget.value)}
              error={err('entryFeeCents')}
              inputMode="decimal"
              autoComplete="off"
              data-testid="programme-entryFee"
            />
            <TextInput
              label={t('loyalty.programme.pointValue')}
              description={t('loyalty.programme.pointValueHint')}
              value={draft.pointValueCents}
              onChange={(e) => set('pointValueCents', e.currentTarget.value)}
              error={err('pointValueCents')}
              inputMode="decimal"
              autoComplete="off"
              data-testid="programme-pointValue"
            />
          </SimpleGrid>
        </Stack>
      </Paper>

      <Paper withBorder p="md">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={4}>{t('loyalty.programme.tiers')}</Title>
            <Button
              size="xs"
              variant="light"
              leftSection={<IconPlus size={14} />}
              disabled={draft.tiers.length >= TIERS_MAX}
              onClick={() =>
                setDraft((d) => ({
                  ...d,
                  tiers: [
                    ...d.tiers,
                    { key: `tier${d.tiers.length + 1}`, name: '', basis: 'points', threshold: '', windowMonths: '12', multiplier: '1', benefits: '' },
                  ],
                }))
              }
              data-testid="programme-tier-add"
            >
              {t('loyalty.programme.addTier')}
            </Button>
          </Group>
          <Text size="xs" c="dimmed">
            {t('loyalty.programme.tiersHint')}
          </Text>
          <Table.ScrollContainer minWidth={900}>
            <Table verticalSpacing={4} data-testid="programme-tiers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={110}>{t('loyalty.programme.tierKey')}</Table.Th>
                  <Table.Th>{t('loyalty.programme.tierName')}</Table.Th>
                  <Table.Th w={170}>{t('loyalty.programme.tierBasis')}</Table.Th>
                  <Table.Th w={120}>{t('loyalty.programme.tierThreshold')}</Table.Th>
                  <Table.Th w={90}>{t('loyalty.programme.tierWindow')}</Table.Th>
                  <Table.Th w={90}>{t('loyalty.programme.tierMultiplier')}</Table.Th>
                  <Table.Th>{t('loyalty.programme.tierBenefits')}</Table.Th>
                  <Table.Th w={40} />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {draft.tiers.map((tier, i) => (
                  <Table.Tr key={i} data-testid="programme-tier" style={{ verticalAlign: 'top' }}>
                    <Table.Td>
                      <TierInput value={tier.key} label={t('loyalty.programme.tierKey')} error={err(`tiers.${i}.key`)} onChange={(v) => setTier(i, { key: v })} />
                    </Table.Td>
                    <Table.Td>
                      <TierInput value={tier.name} label={t('loyalty.programme.tierName')} error={err(`tiers.${i}.name`)} onChange={(v) => setTier(i, { name: v })} />
                    </Table.Td>
                    <Table.Td>
                      <NativeSelect
                        size="xs"
                        value={tier.basis}
                        onChange={(e) => setTier(i, { basis: e.currentTarget.value as TierBasis })}
                        data={tierBases.map((b) => ({ value: b, label: t(`loyalty.programme.basis.${b}`) }))}
                        aria-label={t('loyalty.programme.tierBasis')}
                      />
                    </Table.Td>
                    <Table.Td>
                      <TierInput value={tier.threshold} label={t('loyalty.programme.tierThreshold')} error={err(`tiers.${i}.threshold`)} onChange={(v) => setTier(i, { threshold: v })} inputMode="decimal" right={t(tier.basis === 'spend' ? 'loyalty.programme.unitEuro' : 'loyalty.programme.unitPoints')} />
                    </Table.Td>
                    <Table.Td>
                      <TierInput value={tier.windowMonths} label={t('loyalty.programme.tierWindow')} error={err(`tiers.${i}.windowMonths`)} onChange={(v) => setTier(i, { windowMonths: v })} inputMode="numeric" />
                    </Table.Td>
                    <Table.Td>
                      <TierInput value={tier.multiplier} label={t('loyalty.programme.tierMultiplier')} error={err(`tiers.${i}.multiplier`)} onChange={(v) => setTier(i, { multiplier: v })} inputMode="decimal" />
                    </Table.Td>
                    <Table.Td>
                      <TierInput value={tier.benefits} label={t('loyalty.programme.tierBenefits')} error={err(`tiers.${i}.benefits`)} onChange={(v) => setTier(i, { benefits: v })} />
                    </Table.Td>
                    <Table.Td>
                      <ActionIcon
                        variant="subtle"
                        color="red"
                        disabled={draft.tiers.length <= 1}
                        onClick={() => setDraft((d) => ({ ...d, tiers: d.tiers.filter((_, j) => j !== i) }))}
                        aria-label={t('loyalty.programme.removeTier', { name: tier.name })}
                      >
                        <IconTrash size={14} />
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Stack>
      </Paper>
      {formError !== null && (
        <Alert color="red" data-testid="programme-error">
          {formError}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button onClick={() => void save()} loading={busy} data-testid="programme-save">
          {t('common.save')}
        </Button>
      </Group>
    </Stack>
  );
};
