import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Button, Collapse, Group, Input, Stack, Text } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { contactSources, dataOrigins, EXTRA_CONTACTS_MAX, type Civility, type Contact, type ContactStatus } from '@contract';
import { useApi } from '../../api/context';
import { serverIssues, toFieldErrors, validationMessage, type FieldErrors } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { CompanyDialog } from './CompanyDialog';
import {
  CompanyField,
  ExtraRow,
  landlineHint,
  SegmentField,
  SelectField,
  TagsField,
  TextField,
  tidyDay,
  tidyPhone,
  type FormOps,
  type ValueField,
} from './contact-fields';
import { countryCodes } from './countries';
import { DuplicateWarning, useDuplicateCandidates } from './DuplicateWarning';
import {
  checkContact,
  contactPatch,
  emptyContactValues,
  fieldOf,
  firstErrorPath,
  hasMoreValues,
  moreFields,
  valuesFromContact,
  withoutBlankRows,
  type ContactField,
  type ContactFormValues,
} from './form-model';
import { languageCodes } from './languages';
import { plainName } from './names';

export type ContactFormProps = {
  /** Absent: a new contact. */
  contact?: Contact;
  /** `andNew`: the form has already been cleared for the next capture. */
  onSaved(contact: Contact, options: { andNew: boolean }): void;
  onCancel(): void;
};

/** The contract field a form value is checked as (`company` is sent as `companyId`). */
const contractField = (field: ValueField): ContactField => (field === 'company' ? 'companyId' : field);

/** Drops the issues of the given fields (every row of a list included). */
const withoutErrors = (errors: FieldErrors, fields: readonly ContactField[]): FieldErrors => {
  const stale = Object.keys(errors).filter((path) => {
    const f = fieldOf(path);
    return f !== null && fields.includes(f);
  });
  if (stale.length === 0) return errors;
  const next = { ...errors };
  for (const path of stale) delete next[path];
  return next;
};

const capitalise = (text: string, locale: string): string => text.charAt(0).toLocaleUpperCase(locale) + text.slice(1);

/**
 * Capture at the counter: first name focused, Enter saves, Ctrl+Enter saves
 * and starts the next one, Esc cancels. The essentials come first; the rest
 * sits in a "more" section that opens by itself when it holds something.
 * The store's own schema checks the input first; what the store still
 * refuses is shown on the same fields.
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
  const [moreOpen, setMoreOpen] = useState(() => hasMoreValues(values));
  const [creatingCompany, setCreatingCompany] = useState<string | null>(null);
  const [tagNames, setTagNames] = useState<string[]>([]);
  const [focusRequest, setFocusRequest] = useState<{ path: string; n: number } | null>(null);
  const busy = useRef(false);
  /** Inputs by issue path (`email`, `emails.1.email`, `companyId`…), to focus the first one in error. */
  const inputs = useRef(new Map<string, HTMLElement>());
  const refCallbacks = useRef(new Map<string, (el: HTMLElement | null) => void>());
  const editing = contact !== undefined;

  const focusPath = useCallback((path: string) => setFocusRequest((r) => ({ path, n: (r?.n ?? 0) + 1 })), []);
  const ops = useMemo<FormOps>(
    () => ({
      set: (field, value) => {
        setValues((v) => ({ ...v, [field]: value }));
        // "a name is required" sits on the last name but either name fixes it
        setErrors((e) =>
          withoutErrors(e, field === 'firstName' && e.lastName === 'name_required' ? ['firstName', 'lastName'] : [contractField(field)]),
        );
      },
      setRow: (list, index, key, value) => {
        setValues((v) => ({ ...v, [list]: v[list].map((row, i) => (i === index ? { ...row, [key]: value } : row)) }));
        setErrors((e) => withoutErrors(e, [list]));
      },
      addRow: (list, index) => {
        setValues((v) =>
          list === 'emails'
            ? { ...v, emails: [...v.emails, { email: '', label: '' }] }
            : { ...v, phones: [...v.phones, { phone: '', label: '' }] },
        );
        focusPath(list === 'emails' ? `emails.${index}.email` : `phones.${index}.phone`);
      },
      removeRow: (list, index) => {
        setValues((v) => ({ ...v, [list]: v[list].filter((_, i) => i !== index) }));
        setErrors((e) => withoutErrors(e, [list]));
      },
      register: (path) => {
        let callback = refCallbacks.current.get(path);
        if (callback === undefined) {
          callback = (el) => {
            if (el === null) inputs.current.delete(path);
            else inputs.current.set(path, el);
          };
          refCallbacks.current.set(path, callback);
        }
        return callback;
      },
    }),
    [focusPath],
  );

  useEffect(() => {
    let live = true;
    api.call('tags.list', {}).then(
      (tags) => live && setTagNames(tags.map((tag) => tag.name)),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  // a field in the "more" section or a new row exists only after the render that shows it
  useEffect(() => {
    if (focusRequest === null) return;
    const { path } = focusRequest;
    const field = fieldOf(path);
    const target = inputs.current.get(path) ?? (field === null ? undefined : inputs.current.get(field));
    target?.focus();
  }, [focusRequest]);

  // a stored code outside the list (imported data) must still show as itself
  const storedCountry = contact?.country;
  const countries = useMemo(() => {
    const collator = new Intl.Collator(fmt.locale);
    return [...countryCodes, ...(storedCountry && !countryCodes.includes(storedCountry) ? [storedCountry] : [])]
      .map((code) => ({ value: code, label: fmt.country(code) }))
      .sort((a, b) => collator.compare(a.label, b.label));
  }, [fmt, storedCountry]);
  const storedLanguage = contact?.language ?? null;
  const unsetLanguage = t('contacts.form.languageUnset');
  const languages = useMemo(() => {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([fmt.locale], { type: 'language' });
    } catch {
      names = null;
    }
    const collator = new Intl.Collator(fmt.locale);
    const codes = [...languageCodes, ...(storedLanguage !== null && !languageCodes.includes(storedLanguage) ? [storedLanguage] : [])];
    return [
      { value: '', label: unsetLanguage },
      ...codes
        .map((code) => ({ value: code, label: capitalise(names?.of(code) ?? code, fmt.locale) }))
        .sort((a, b) => collator.compare(a.label, b.label)),
    ];
  }, [fmt, storedLanguage, unsetLanguage]);
  const sources = useMemo(() => contactSources.map((s) => ({ value: s, label: t(`contacts.source.${s}`) })), [t]);
  const origins = useMemo(() => dataOrigins.map((o) => ({ value: o, label: t(`contacts.dataOrigin.${o}`) })), [t]);
  const civilities = useMemo(
    (): { value: Civility | ''; label: string }[] => [
      { value: 'mme', label: t('contacts.civility.mme') },
      { value: 'm', label: t('contacts.civility.m') },
      { value: '', label: t('contacts.civility.none') },
    ],
    [t],
  );
  const statuses = useMemo(
    () =>
      (editing ? (['prospect', 'customer', 'former'] as const) : (['prospect', 'customer'] as const)).map((s: ContactStatus) => ({
        value: s,
        label: t(`contacts.status.${s}`),
      })),
    [editing, t],
  );

  const showErrors = (next: FieldErrors) => {
    setErrors(next);
    const first = firstErrorPath(Object.keys(next));
    if (first === null) return;
    const field = fieldOf(first);
    if (field !== null && moreFields.has(field)) setMoreOpen(true);
    focusPath(first);
  };

  const submit = async (andNew: boolean) => {
    if (busy.current) return;
    const cleaned = withoutBlankRows(values);
    if (cleaned !== values) setValues(cleaned);
    const checked = checkContact(cleaned, contact);
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
        // keep what is usually the same for a run of captures (a fair, a batch of survey forms)
        setValues((v) => ({
          ...emptyContactValues,
          country: v.country,
          source: v.source,
          status: v.status,
          sourceDetail: v.sourceDetail,
          sourceDate: v.sourceDate,
          dataOrigin: v.dataOrigin,
        }));
        setErrors({});
        inputs.current.get('firstName')?.focus();
        // a tag created with this contact is offered for the next one
        setTagNames((names) => [...names, ...saved.tags.map((tag) => tag.name).filter((n) => !names.includes(n))]);
      }
      onSaved(saved, { andNew: next });
    } catch (error) {
      const issues = serverIssues(error);
      const mapped = issues === null ? {} : toFieldErrors(issues, 'patch.');
      if (Object.keys(mapped).some((path) => fieldOf(path) !== null)) showErrors(mapped);
      else notifyError(t, error);
    } finally {
      busy.current = false;
      setSaving(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent<HTMLFormElement>) => {
    // a picker already used the key (Enter picks an option or adds a tag, Escape closes its list)
    if (event.nativeEvent.isComposing || event.defaultPrevented) return;
    const target = event.target instanceof HTMLElement ? event.target : null;
    if (event.key === 'Escape') {
      if (target?.getAttribute('aria-expanded') === 'true') return;
      event.preventDefault();
      onCancel();
      return;
    }
    if (event.key !== 'Enter') return;
    const andNew = event.ctrlKey || event.metaKey;
    // a focused button (Cancel, "add an e-mail") does its own job on Enter, unless Ctrl says "save and next"
    if (target instanceof HTMLButtonElement && !andNew) return;
    if (target instanceof HTMLTextAreaElement && !andNew) return;
    event.preventDefault();
    void submit(andNew);
  };

  const listError = (field: ContactField): string | undefined => {
    const path = Object.keys(errors).find((p) => p === field || p.startsWith(`${field}.`));
    return path === undefined ? undefined : errors[path];
  };
  const message = (code: string | undefined) => (code === undefined ? undefined : validationMessage(t, code));

  const candidates = useDuplicateCandidates({
    firstName: values.firstName,
    lastName: values.lastName,
    email: values.email,
    phone: values.phone,
    postcode: values.postcode,
    excludeId: contact?.id ?? null,
  });

  const rows = (list: 'emails' | 'phones') => (
    <Input.Wrapper label={t(`contacts.fields.${list}`)} error={message(errors[list])}>
      <Stack gap={6}>
        {values[list].map((row, i) => (
          <ExtraRow
            key={i}
            list={list}
            index={i}
            value={'email' in row ? row.email : row.phone}
            label={row.label}
            valueError={errors[`${list}.${i}.${list === 'emails' ? 'email' : 'phone'}`]}
            labelError={errors[`${list}.${i}.label`]}
            ops={ops}
          />
        ))}
        {values[list].length < EXTRA_CONTACTS_MAX && (
          <Button
            variant="subtle"
            size="compact-sm"
            leftSection={<IconPlus size={14} />}
            onClick={() => ops.addRow(list, values[list].length)}
            style={{ alignSelf: 'flex-start' }}
            data-testid={list === 'emails' ? 'add-email' : 'add-phone'}
          >
            {t(list === 'emails' ? 'contacts.form.addEmail' : 'contacts.form.addPhone')}
          </Button>
        )}
      </Stack>
    </Input.Wrapper>
  );

  return (
    <>
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
          <SegmentField field="civility" value={values.civility} data={civilities} error={errors.civility} ops={ops} />
          <Group grow align="flex-start">
            <TextField field="firstName" value={values.firstName} error={errors.firstName} ops={ops} autoFocus />
            <TextField field="lastName" value={values.lastName} error={errors.lastName} ops={ops} />
          </Group>
          <Group grow align="flex-start">
            <TextField field="email" value={values.email} error={errors.email} ops={ops} type="email" inputMode="email" />
            <TextField
              field="phone"
              value={values.phone}
              error={errors.phone}
              ops={ops}
              type="tel"
              inputMode="tel"
              tidy={tidyPhone}
              hint={landlineHint}
            />
          </Group>
          <TextField field="addressLine1" value={values.addressLine1} error={errors.addressLine1} ops={ops} />
          <TextField field="addressLine2" value={values.addressLine2} error={errors.addressLine2} ops={ops} />
          <Group align="flex-start" wrap="nowrap">
            <TextField
              field="postcode"
              value={values.postcode}
              error={errors.postcode}
              ops={ops}
              inputMode={values.country === 'FR' ? 'numeric' : undefined}
              w={140}
            />
            <TextField field="city" value={values.city} error={errors.city} ops={ops} flex={1} />
            <SelectField field="country" value={values.country} data={countries} error={errors.country} ops={ops} w={220} />
          </Group>
          <Group grow align="flex-start">
            <SelectField field="source" value={values.source} data={sources} error={errors.source} ops={ops} />
            <SegmentField field="status" value={values.status} data={statuses} error={errors.status} ops={ops} />
          </Group>
          <TagsField value={values.tags} data={tagNames} error={listError('tags')} ops={ops} />

          <Button
            variant="subtle"
            size="compact-sm"
            onClick={() => setMoreOpen((o) => !o)}
            leftSection={moreOpen ? <IconChevronUp size={14} /> : <IconChevronDown size={14} />}
            aria-expanded={moreOpen}
            style={{ alignSelf: 'flex-start' }}
            data-testid="contact-more"
          >
            {moreOpen ? t('contacts.form.less') : t('contacts.form.more')}
          </Button>
          <Collapse expanded={moreOpen} keepMountedMode="display-none" data-testid="contact-more-section">
            <Stack gap="sm">
              <Group grow align="flex-start">
                <CompanyField value={values.company} error={errors.companyId} ops={ops} onCreate={setCreatingCompany} />
                <TextField field="jobTitle" value={values.jobTitle} error={errors.jobTitle} ops={ops} />
              </Group>
              {rows('emails')}
              {rows('phones')}
              <Group grow align="flex-start">
                <TextField
                  field="birthDate"
                  value={values.birthDate}
                  error={errors.birthDate}
                  ops={ops}
                  inputMode="numeric"
                  placeholder={t('contacts.form.datePlaceholder')}
                  tidy={tidyDay}
                />
                <SelectField field="language" value={values.language} data={languages} error={errors.language} ops={ops} />
              </Group>
              <Group grow align="flex-start">
                <TextField
                  field="sourceDetail"
                  value={values.sourceDetail}
                  error={errors.sourceDetail}
                  ops={ops}
                  placeholder={t('contacts.form.sourceDetailPlaceholder')}
                />
                <TextField
                  field="sourceDate"
                  value={values.sourceDate}
                  error={errors.sourceDate}
                  ops={ops}
                  inputMode="numeric"
                  placeholder={t('contacts.form.datePlaceholder')}
                  tidy={tidyDay}
                />
              </Group>
              <Group grow align="flex-start">
                <SelectField field="dataOrigin" value={values.dataOrigin} data={origins} error={errors.dataOrigin} ops={ops} />
                <TextField field="code" value={values.code} error={errors.code} ops={ops} />
              </Group>
            </Stack>
          </Collapse>

          <DuplicateWarning candidates={candidates} />
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
      {/* outside the <form>: its keys and submit must not reach the contact form */}
      <CompanyDialog
        name={creatingCompany}
        onClose={() => {
          setCreatingCompany(null);
          focusPath('companyId');
        }}
        onCreated={(company) => {
          setCreatingCompany(null);
          ops.set('company', { id: company.id, name: company.name });
          notifySuccess(t('contacts.company.created', { name: company.name }));
          focusPath('jobTitle');
        }}
      />
    </>
  );
};
