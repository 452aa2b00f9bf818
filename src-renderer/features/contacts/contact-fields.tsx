import { memo } from 'react';
import { ActionIcon, Group, Input, NativeSelect, SegmentedControl, TagsInput, TextInput } from '@mantine/core';
import { IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { fold, formatPhone, isTextable, TAGS_PER_CONTACT_MAX, toE164 } from '@contract';
import { validationMessage } from '../../app/errors';
import { CompanyPicker } from './CompanyPicker';
import { dayFromInput, dayToInput } from './day-input';
import type { CompanyRef, ContactFormValues } from './form-model';

/*
 * The capture form's inputs, each memoised: a keystroke re-renders the one
 * field typed in, not the forty around it (a slow laptop at the counter
 * must keep up with fast typing).
 */

export type ValueField = keyof ContactFormValues;
export type RowList = 'emails' | 'phones';
type RowKey<L extends RowList> = keyof ContactFormValues[L][number];

/** Stable for the form's lifetime: fields receive it instead of fresh closures. */
export type FormOps = {
  set<K extends ValueField>(field: K, value: ContactFormValues[K]): void;
  setRow<L extends RowList>(list: L, index: number, key: RowKey<L>, value: string): void;
  /** `index` is where the new row lands (the current length), focused once shown. */
  addRow(list: RowList, index: number): void;
  removeRow(list: RowList, index: number): void;
  /** A ref callback per issue path, so the first field in error can be focused. */
  register(path: string): (el: HTMLElement | null) => void;
};

/** A typed phone shown the way it will be stored, once the user leaves the field. */
export const tidyPhone = (typed: string): string => {
  const e164 = toE164(typed);
  return e164 === null ? typed : formatPhone(e164);
};

/** Said under a complete French landline, at capture: the counter can ask for the mobile there and then. */
export const landlineHint = (typed: string): string | null => {
  const e164 = toE164(typed);
  return e164 !== null && !isTextable(e164) ? 'contacts.form.landline' : null;
};

/** A typed day shown as dd/mm/yyyy once understood ("14071985" → "14/07/1985"). */
export const tidyDay = (typed: string): string => {
  const iso = dayFromInput(typed);
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? dayToInput(iso) : typed;
};

const useError = (code: string | undefined): string | undefined => {
  const { t } = useTranslation();
  return code === undefined ? undefined : validationMessage(t, code);
};

type TextFieldName = {
  [K in ValueField]: ContactFormValues[K] extends string ? (K extends 'civility' | 'country' | 'source' | 'status' | 'language' | 'dataOrigin' ? never : K) : never;
}[ValueField];

export type TextFieldProps = {
  field: TextFieldName;
  value: string;
  error: string | undefined;
  ops: FormOps;
  type?: 'email' | 'tel';
  inputMode?: 'numeric' | 'tel' | 'email';
  placeholder?: string;
  autoFocus?: boolean;
  /** Rewrites the value when the user leaves the field (module-level function: keeps the memo). */
  tidy?: (typed: string) => string;
  /** A line under the field about its value, as a locale key (module-level function too). */
  hint?: (typed: string) => string | null;
  w?: number;
  flex?: number;
};

export const TextField = memo(function TextField(props: TextFieldProps) {
  const { field, value, error, ops, type, inputMode, placeholder, autoFocus, tidy, hint, w, flex } = props;
  const { t } = useTranslation();
  const message = useError(error);
  const hintKey = hint?.(value) ?? null;
  return (
    <TextInput
      label={t(`contacts.fields.${field}`)}
      value={value}
      onChange={(e) => ops.set(field, e.currentTarget.value)}
      onBlur={
        tidy &&
        (() => {
          const next = tidy(value);
          if (next !== value) ops.set(field, next);
        })
      }
      error={message}
      description={hintKey === null ? undefined : t(hintKey)}
      // under the field, so the field does not move when the hint comes
      inputWrapperOrder={['label', 'input', 'description', 'error']}
      ref={ops.register(field)}
      data-testid={`field-${field}`}
      autoComplete="off"
      spellCheck={false}
      type={type}
      inputMode={inputMode}
      placeholder={placeholder}
      autoFocus={autoFocus}
      data-autofocus={autoFocus || undefined}
      w={w}
      style={flex === undefined ? undefined : { flex }}
    />
  );
});

export type SelectFieldProps<K extends 'country' | 'source' | 'language' | 'dataOrigin'> = {
  field: K;
  value: ContactFormValues[K];
  /** Memoised by the caller. */
  data: readonly { value: string; label: string }[];
  error: string | undefined;
  ops: FormOps;
  w?: number;
};

const SelectFieldImpl = <K extends 'country' | 'source' | 'language' | 'dataOrigin'>(props: SelectFieldProps<K>) => {
  const { field, value, data, error, ops, w } = props;
  const { t } = useTranslation();
  const message = useError(error);
  return (
    <NativeSelect
      label={t(`contacts.fields.${field}`)}
      value={value}
      onChange={(e) => ops.set(field, e.currentTarget.value as ContactFormValues[K])}
      data={data as { value: string; label: string }[]}
      error={message}
      ref={ops.register(field)}
      w={w}
      data-testid={`field-${field}`}
    />
  );
};
export const SelectField = memo(SelectFieldImpl) as typeof SelectFieldImpl;

export type SegmentFieldProps<K extends 'civility' | 'status'> = {
  field: K;
  value: ContactFormValues[K];
  /** Memoised by the caller; values are those of `field`. */
  data: { value: string; label: string }[];
  error: string | undefined;
  ops: FormOps;
};

const SegmentFieldImpl = <K extends 'civility' | 'status'>({ field, value, data, error, ops }: SegmentFieldProps<K>) => {
  const { t } = useTranslation();
  const message = useError(error);
  return (
    <Input.Wrapper label={t(`contacts.fields.${field}`)} error={message}>
      <div>
        <SegmentedControl
          value={value}
          onChange={(v) => ops.set(field, v as ContactFormValues[K])}
          data={data}
          data-testid={`field-${field}`}
        />
      </div>
    </Input.Wrapper>
  );
};
export const SegmentField = memo(SegmentFieldImpl) as typeof SegmentFieldImpl;

export const TagsField = memo(function TagsField({
  value,
  data,
  error,
  ops,
}: {
  value: string[];
  data: string[];
  error: string | undefined;
  ops: FormOps;
}) {
  const { t } = useTranslation();
  const message = useError(error);
  return (
    <TagsInput
      label={t('contacts.fields.tags')}
      placeholder={value.length === 0 ? t('contacts.form.tagsPlaceholder') : undefined}
      value={value}
      onChange={(tags) => ops.set('tags', tags)}
      data={data}
      maxTags={TAGS_PER_CONTACT_MAX}
      // "vip" typed next to "VIP" is the same tag, as the store sees it
      isDuplicate={(tag, current) => current.some((c) => fold(c) === fold(tag))}
      clearable
      error={message}
      ref={ops.register('tags')}
      data-testid="field-tags"
    />
  );
});

export const CompanyField = memo(function CompanyField({
  value,
  error,
  ops,
  onCreate,
}: {
  value: CompanyRef | null;
  error: string | undefined;
  ops: FormOps;
  onCreate(name: string): void;
}) {
  const { t } = useTranslation();
  const message = useError(error);
  return (
    <CompanyPicker
      label={t('contacts.fields.company')}
      value={value}
      onChange={(company) => ops.set('company', company)}
      onCreate={onCreate}
      error={message}
      inputRef={ops.register('companyId')}
    />
  );
});

export type ExtraRowProps = {
  list: RowList;
  index: number;
  value: string;
  label: string;
  valueError: string | undefined;
  labelError: string | undefined;
  ops: FormOps;
};

/** One additional e-mail or phone with its label ("travail", "domicile"). */
export const ExtraRow = memo(function ExtraRow({ list, index, value, label, valueError, labelError, ops }: ExtraRowProps) {
  const { t } = useTranslation();
  const valueMessage = useError(valueError);
  const labelMessage = useError(labelError);
  const email = list === 'emails';
  const key = email ? 'email' : 'phone';
  const set = (k: 'email' | 'phone' | 'label', v: string) =>
    email ? ops.setRow('emails', index, k as RowKey<'emails'>, v) : ops.setRow('phones', index, k as RowKey<'phones'>, v);
  return (
    <Group gap="xs" align="flex-start" wrap="nowrap" data-testid={email ? 'extra-email-row' : 'extra-phone-row'}>
      <TextInput
        aria-label={t(email ? 'contacts.form.extraEmail' : 'contacts.form.extraPhone', { n: index + 1 })}
        placeholder={t(email ? 'contacts.form.emailPlaceholder' : 'contacts.form.phonePlaceholder')}
        value={value}
        onChange={(e) => set(key, e.currentTarget.value)}
        onBlur={
          email
            ? undefined
            : () => {
                const tidy = tidyPhone(value);
                if (tidy !== value) set(key, tidy);
              }
        }
        error={valueMessage}
        ref={ops.register(`${list}.${index}.${key}`)}
        type={email ? 'email' : 'tel'}
        inputMode={email ? 'email' : 'tel'}
        autoComplete="off"
        spellCheck={false}
        style={{ flex: 2 }}
        data-testid={email ? `extra-email-${index}` : `extra-phone-${index}`}
      />
      <TextInput
        aria-label={t('contacts.form.label')}
        placeholder={t('contacts.form.labelPlaceholder')}
        value={label}
        onChange={(e) => set('label', e.currentTarget.value)}
        error={labelMessage}
        ref={ops.register(`${list}.${index}.label`)}
        autoComplete="off"
        style={{ flex: 1 }}
        data-testid={email ? `extra-email-label-${index}` : `extra-phone-label-${index}`}
      />
      <ActionIcon
        variant="subtle"
        color="gray"
        mt={6}
        onClick={() => ops.removeRow(list, index)}
        aria-label={t(email ? 'contacts.form.removeEmail' : 'contacts.form.removePhone')}
        data-testid={email ? `remove-email-${index}` : `remove-phone-${index}`}
      >
        <IconX size={16} />
      </ActionIcon>
    </Group>
  );
});
