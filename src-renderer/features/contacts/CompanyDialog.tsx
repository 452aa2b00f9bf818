import { useRef, useState, type ChangeEvent } from 'react';
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { companyInput, type Company } from '@contract';
import { useApi } from '../../api/context';
import { issuesFromZod, serverIssues, toFieldErrors, validationMessage, type FieldErrors } from '../../app/errors';
import { notifyError } from '../../app/notify';

type CompanyFormField = 'name' | 'siren' | 'siret' | 'postcode' | 'city';
const companyFormFields: readonly CompanyFormField[] = ['name', 'siren', 'siret', 'postcode', 'city'];

export type CompanyDialogProps = {
  /** The name typed in the picker; null: closed. */
  name: string | null;
  onCreated(company: Company): void;
  onClose(): void;
};

const CompanyDialogForm = ({ name, onCreated, onClose }: { name: string } & Omit<CompanyDialogProps, 'name'>) => {
  const api = useApi();
  const { t } = useTranslation();
  const [values, setValues] = useState<Record<CompanyFormField, string>>({ name, siren: '', siret: '', postcode: '', city: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const inputs = useRef<Partial<Record<CompanyFormField, HTMLInputElement | null>>>({});

  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    const first = companyFormFields.find((f) => next[f] !== undefined);
    if (first) inputs.current[first]?.focus();
  };

  const submit = async () => {
    if (saving) return;
    // the contract checks the SIREN / SIRET keys: a typo never reaches the store
    const parsed = companyInput.safeParse(values);
    if (!parsed.success) {
      showErrors(toFieldErrors(issuesFromZod(parsed.error)));
      return;
    }
    setSaving(true);
    try {
      onCreated(await api.call('companies.create', values));
    } catch (error) {
      const issues = serverIssues(error);
      const mapped = issues === null ? {} : toFieldErrors(issues);
      if (companyFormFields.some((f) => mapped[f] !== undefined)) showErrors(mapped);
      else notifyError(t, error);
    } finally {
      setSaving(false);
    }
  };

  const field = (key: CompanyFormField, extra: { inputMode?: 'numeric'; autoFocus?: boolean } = {}) => ({
    label: t(`contacts.company.fields.${key}`),
    value: values[key],
    onChange: (e: ChangeEvent<HTMLInputElement>) => {
      const v = e.currentTarget.value;
      setValues((prev) => ({ ...prev, [key]: v }));
      setErrors((prev) => (prev[key] === undefined ? prev : { ...prev, [key]: undefined }));
    },
    error: errors[key] === undefined ? undefined : validationMessage(t, errors[key]),
    ref: (el: HTMLInputElement | null) => {
      inputs.current[key] = el;
    },
    autoComplete: 'off',
    spellCheck: false,
    'data-testid': `company-${key}`,
    ...(extra.inputMode ? { inputMode: extra.inputMode } : {}),
    ...(extra.autoFocus ? { 'data-autofocus': true } : {}),
  });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      noValidate
      data-testid="company-form"
    >
      <Stack gap="sm">
        <TextInput {...field('name', { autoFocus: true })} />
        <Group grow align="flex-start">
          <TextInput {...field('siren', { inputMode: 'numeric' })} />
          <TextInput {...field('siret', { inputMode: 'numeric' })} />
        </Group>
        <Group grow align="flex-start">
          <TextInput {...field('postcode', { inputMode: 'numeric' })} />
          <TextInput {...field('city')} />
        </Group>
        <Text size="xs" c="dimmed">
          {t('contacts.company.hint')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={saving} data-testid="company-cancel">
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={saving} data-testid="company-save">
            {t('contacts.company.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
};

/** A new company from the capture form; the contract validates SIREN and SIRET before anything is written. */
export const CompanyDialog = ({ name, onCreated, onClose }: CompanyDialogProps) => {
  const { t } = useTranslation();
  return (
    <Modal opened={name !== null} onClose={onClose} title={<Text fw={600}>{t('contacts.company.newTitle')}</Text>} centered>
      {name !== null && <CompanyDialogForm key={name} name={name} onCreated={onCreated} onClose={onClose} />}
    </Modal>
  );
};
