import { useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { Button, Group, Input, NativeSelect, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { contactSources, formatPhone, toE164, type Civility, type Contact, type ContactStatus } from '@contract';
import { useApi } from '../../api/context';
import { serverIssues, toFieldErrors, validationMessage, type FieldErrors } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { countryCodes } from './countries';
import {
  checkContact,
  contactFields,
  contactPatch,
  emptyContactValues,
  valuesFromContact,
  type ContactField,
  type ContactFormValues,
} from './form-model';
import { plainName } from './names';

export type ContactFormProps = {
  /** Absent: a new contact. */
  contact?: Contact;
  /** `andNew`: the form has already been cleared for the next capture. */
  onSaved(contact: Contact, options: { andNew: boolean }): void;
  onCancel(): void;
};

/**
 * Capture at the counter: first name focused, Enter saves, Ctrl+Enter saves
 * and starts the next one, Esc cancels. The store's own schema checks the
 * input first; what the store still refuses is shown on the same fields.
 */
export const ContactForm = ({ contact, onSaved, onCancel }: ContactFormProps) => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const [values, setValues] = useState<ContactFormValues>(() =>
    contact ? valuesFromContact(contact) : emptyContactValues,
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const busy = useRef(false);
  const fields = useRef<Partial<Record<ContactField, HTMLElement | null>>>({});
  const editing = contact !== undefined;

  // a stored code outside the list (imported data) must still show as itself
  const storedCountry = contact?.country;
  const countries = useMemo(
    () =>
      [...countryCodes, ...(storedCountry && !countryCodes.includes(storedCountry) ? [storedCountry] : [])]
        .map((code) => ({ value: code, label: fmt.country(code) }))
        .sort((a, b) => a.label.localeCompare(b.label, fmt.locale)),
    [fmt, storedCountry],
  );

  const set = <K extends ContactField>(field: K, value: ContactFormValues[K]) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => {
      // "a name is required" sits on the last name but either name fixes it
      const clear: ContactField[] = field === 'firstName' && e.lastName === 'name_required' ? [field, 'lastName'] : [field];
      if (clear.every((f) => e[f] === undefined)) return e;
      const next = { ...e };
      for (const f of clear) delete next[f];
      return next;
    });
  };

  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    const first = contactFields.find((f) => next[f] !== undefined);
    if (first) fields.current[first]?.focus();
  };

  const submit = async (andNew: boolean) => {
    if (busy.current) return;
    const checked = checkContact(values);
    if (!checked.ok) {
      showErrors(toFieldErrors(checked.issues));
      return;
    }
    busy.current = true;
    setSaving(true);
    try {
      let saved: Contact;
      if (contact) {
        const patch = contactPatch(contact, checked.data);
        saved = Object.keys(patch).length === 0 ? contact : await api.call('contacts.update', { id: contact.id, patch });
        notifySuccess(t('contacts.form.updated', { name: plainName(t, saved) }));
      } else {
        saved = await api.call('contacts.create', checked.data);
        notifySuccess(t('contacts.form.created', { name: plainName(t, saved) }));
      }
      const next = andNew && !editing;
      if (next) {
        // keep what is usually the same for a run of captures
        setValues((v) => ({ ...emptyContactValues, country: v.country, source: v.source, status: v.status }));
        setErrors({});
        fields.current.firstName?.focus();
      }
      onSaved(saved, { andNew: next });
    } catch (error) {
      const issues = serverIssues(error);
      const mapped = issues === null ? {} : toFieldErrors(issues, 'patch.');
      if (contactFields.some((f) => mapped[f] !== undefined)) showErrors(mapped);
      else notifyError(t, error);
    } finally {
      busy.current = false;
      setSaving(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
      return;
    }
    if (event.key !== 'Enter') return;
    const andNew = event.ctrlKey || event.metaKey;
    // a focused button (Cancel) does its own job on Enter, unless Ctrl says "save and next"
    if (event.target instanceof HTMLButtonElement && !andNew) return;
    if (event.target instanceof HTMLTextAreaElement && !andNew) return;
    event.preventDefault();
    void submit(andNew);
  };

  const error = (field: ContactField): string | undefined => {
    const code = errors[field];
    return code === undefined ? undefined : validationMessage(t, code);
  };

  type TextExtra = { autoFocus?: boolean; type?: string; inputMode?: 'numeric' | 'tel' | 'email'; autoComplete?: string };
  const text = (field: ContactField, extra: TextExtra = {}) => ({
    label: t(`contacts.fields.${field}`),
    value: values[field],
    onChange: (e: ChangeEvent<HTMLInputElement>) => set(field, e.currentTarget.value),
    error: error(field),
    ref: (el: HTMLInputElement | null) => {
      fields.current[field] = el;
    },
    'data-testid': `field-${field}`,
    autoComplete: extra.autoComplete ?? 'off',
    spellCheck: false,
    ...(extra.autoFocus ? { autoFocus: true, 'data-autofocus': true } : {}),
    ...(extra.type ? { type: extra.type } : {}),
    ...(extra.inputMode ? { inputMode: extra.inputMode } : {}),
  });

  const civilityData: { value: Civility | ''; label: string }[] = [
    { value: 'mme', label: t('contacts.civility.mme') },
    { value: 'm', label: t('contacts.civility.m') },
    { value: '', label: t('contacts.civility.none') },
  ];
  const statuses: ContactStatus[] = editing ? ['prospect', 'customer', 'former'] : ['prospect', 'customer'];

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit(false);
      }}
      onKeyDown={onKeyDown}
      noValidate
      data-testid="contact-form"
    >
      <Stack gap="sm" maw={760}>
        <Input.Wrapper label={t('contacts.fields.civility')} error={error('civility')}>
          <div>
            <SegmentedControl
              value={values.civility}
              onChange={(v) => set('civility', v as Civility | '')}
              data={civilityData}
              data-testid="field-civility"
            />
          </div>
        </Input.Wrapper>
        <Group grow align="flex-start">
          <TextInput {...text('firstName', { autoFocus: true })} />
          <TextInput {...text('lastName')} />
        </Group>
        <Group grow align="flex-start">
          <TextInput {...text('email', { type: 'email', inputMode: 'email' })} />
          <TextInput
            {...text('phone', { type: 'tel', inputMode: 'tel' })}
            onBlur={() => {
              const e164 = toE164(values.phone);
              if (e164 !== null && formatPhone(e164) !== values.phone) set('phone', formatPhone(e164));
            }}
          />
        </Group>
        <TextInput {...text('addressLine1')} />
        <TextInput {...text('addressLine2')} />
        <Group align="flex-start" wrap="nowrap">
          <TextInput {...text('postcode', { inputMode: values.country === 'FR' ? 'numeric' : undefined })} w={140} />
          <TextInput {...text('city')} style={{ flex: 1 }} />
          <NativeSelect
            label={t('contacts.fields.country')}
            value={values.country}
            onChange={(e) => set('country', e.currentTarget.value)}
            data={countries}
            error={error('country')}
            w={220}
            ref={(el) => {
              fields.current.country = el;
            }}
            data-testid="field-country"
          />
        </Group>
        <Group grow align="flex-start">
          <NativeSelect
            label={t('contacts.fields.source')}
            value={values.source}
            onChange={(e) => set('source', e.currentTarget.value as ContactFormValues['source'])}
            data={contactSources.map((s) => ({ value: s, label: t(`contacts.source.${s}`) }))}
            error={error('source')}
            ref={(el) => {
              fields.current.source = el;
            }}
            data-testid="field-source"
          />
          <Input.Wrapper label={t('contacts.fields.status')} error={error('status')}>
            <div>
              <SegmentedControl
                value={values.status}
                onChange={(v) => set('status', v as ContactStatus)}
                data={statuses.map((s) => ({ value: s, label: t(`contacts.status.${s}`) }))}
                data-testid="field-status"
              />
            </div>
          </Input.Wrapper>
        </Group>
        <Text size="xs" c="dimmed">
          {editing ? t('contacts.form.hintEdit') : t('contacts.form.hint')}
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} disabled={saving} data-testid="contact-cancel">
            {t('common.cancel')}
          </Button>
          {!editing && (
            <Button variant="light" onClick={() => void submit(true)} loading={saving} data-testid="contact-save-new">
              {t('contacts.form.saveAndNew')}
            </Button>
          )}
          <Button type="submit" loading={saving} data-testid="contact-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
};
