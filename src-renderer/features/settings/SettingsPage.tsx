import { useRef, useState, type ComponentProps } from 'react';
import {
  Button,
  FileButton,
  Group,
  Image,
  Input,
  Loader,
  NativeSelect,
  NumberInput,
  Paper,
  Stack,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { IconDeviceFloppy, IconPhoto, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { currencies, settingsUpdateInput, type Currency, type Language, type Settings, type SettingsUpdate } from '@contract';
import { useApi } from '../../api/context';
import { useBoot } from '../../app/boot';
import { issuesFromZod, serverIssues, toFieldErrors, validationMessage, type FieldErrors } from '../../app/errors';
import { useFormatters } from '../../app/format';
import { notifyError, notifySuccess } from '../../app/notify';
import { useSettings } from '../../app/settings';
import { AnalysisSettingsSection } from '../analysis/AnalysisSettingsSection';
import { ConsentWordingsSection } from '../consent/ConsentWordingsSection';
import { BackupList } from './BackupList';

/** The contract allows a 400 000-character data URL: about 300 kB of image. */
const LOGO_MAX_BYTES = 300_000;
const LOGO_MAX_CHARS = 400_000;
const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml'];
/** The hidden file input, for end-to-end tests to hand it a file. */
const logoInputProps: ComponentProps<'input'> & { 'data-testid': string } = { 'data-testid': 'settings-logo-input' };

type FormValues = {
  name: string;
  address: string;
  siret: string;
  email: string;
  logo: string | null;
  currency: Currency;
  backupFolder: string;
  backupKeep: number | string;
};

const fromSettings = (s: Settings): FormValues => ({
  name: s.shop.name ?? '',
  address: s.shop.address ?? '',
  siret: s.shop.siret ?? '',
  email: s.shop.email ?? '',
  logo: s.shop.logo,
  currency: s.currency,
  backupFolder: s.backup.folder ?? '',
  backupKeep: s.backup.keep,
});

const toUpdate = (v: FormValues): SettingsUpdate => ({
  shop: { name: v.name, address: v.address, siret: v.siret, email: v.email, logo: v.logo },
  currency: v.currency,
  // NaN fails the number check with the schema's own "required" message
  backup: { folder: v.backupFolder, keep: typeof v.backupKeep === 'number' ? v.backupKeep : Number.NaN },
});

const readDataUrl = (file: File): Promise<string> =>
  new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => (typeof reader.result === 'string' ? resolve(reader.result) : reject(new Error('unreadable')));
    reader.onerror = () => reject(reader.error ?? new Error('unreadable'));
    reader.readAsDataURL(file);
  });

const LanguageSelect = () => {
  const { t } = useTranslation();
  const { settings, update } = useSettings();
  const [saving, setSaving] = useState(false);
  const value = settings?.language ?? 'system';
  const change = async (next: string) => {
    setSaving(true);
    try {
      await update({ language: next === 'system' ? null : (next as Language) });
    } catch (error) {
      notifyError(t, error);
    } finally {
      setSaving(false);
    }
  };
  return (
    <NativeSelect
      label={t('settings.language.label')}
      description={t('settings.language.description')}
      value={value}
      onChange={(e) => void change(e.currentTarget.value)}
      disabled={settings === null || saving}
      data={[
        { value: 'fr', label: t('settings.language.fr') },
        { value: 'en', label: t('settings.language.en') },
        { value: 'system', label: t('settings.language.system') },
      ]}
      w={280}
      data-testid="language-select"
    />
  );
};

const SettingsForm = ({ settings }: { settings: Settings }) => {
  const { t } = useTranslation();
  const { update } = useSettings();
  const [values, setValues] = useState<FormValues>(() => fromSettings(settings));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);
  const resetLogo = useRef<() => void>(null);

  const set = <K extends keyof FormValues>(field: K, value: FormValues[K], errorPath: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setErrors((e) => {
      if (e[errorPath] === undefined) return e;
      const next = { ...e };
      delete next[errorPath];
      return next;
    });
  };

  const error = (path: string): string | undefined => {
    const code = errors[path];
    return code === undefined ? undefined : validationMessage(t, code);
  };

  const pickLogo = async (file: File | null) => {
    resetLogo.current?.();
    if (file === null) return;
    if (!LOGO_TYPES.includes(file.type)) {
      setErrors((e) => ({ ...e, 'shop.logo': 'invalid_logo' }));
      return;
    }
    if (file.size > LOGO_MAX_BYTES) {
      setErrors((e) => ({ ...e, 'shop.logo': 'logo_too_large' }));
      return;
    }
    try {
      const url = await readDataUrl(file);
      if (url.length > LOGO_MAX_CHARS) setErrors((e) => ({ ...e, 'shop.logo': 'logo_too_large' }));
      else set('logo', url, 'shop.logo');
    } catch {
      setErrors((e) => ({ ...e, 'shop.logo': 'invalid_logo' }));
    }
  };

  const save = async () => {
    const update_ = toUpdate(values);
    const parsed = settingsUpdateInput.safeParse(update_);
    if (!parsed.success) {
      setErrors(toFieldErrors(issuesFromZod(parsed.error)));
      return;
    }
    setSaving(true);
    try {
      const saved = await update(update_);
      setValues(fromSettings(saved));
      setErrors({});
      notifySuccess(t('settings.saved'));
    } catch (err) {
      const issues = serverIssues(err);
      if (issues !== null && issues.length > 0) setErrors(toFieldErrors(issues));
      else notifyError(t, err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
      noValidate
      data-testid="settings-form"
    >
      <Stack>
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={4}>{t('settings.shop.title')}</Title>
            <TextInput
              label={t('settings.shop.name')}
              value={values.name}
              onChange={(e) => set('name', e.currentTarget.value, 'shop.name')}
              error={error('shop.name')}
              data-testid="settings-shop-name"
            />
            <Textarea
              label={t('settings.shop.address')}
              value={values.address}
              onChange={(e) => set('address', e.currentTarget.value, 'shop.address')}
              error={error('shop.address')}
              autosize
              minRows={2}
              data-testid="settings-shop-address"
            />
            <Group grow align="flex-start">
              <TextInput
                label={t('settings.shop.siret')}
                description={t('settings.shop.siretHint')}
                value={values.siret}
                onChange={(e) => set('siret', e.currentTarget.value, 'shop.siret')}
                error={error('shop.siret')}
                inputMode="numeric"
                data-testid="settings-siret"
              />
              <TextInput
                label={t('settings.shop.email')}
                type="email"
                value={values.email}
                onChange={(e) => set('email', e.currentTarget.value, 'shop.email')}
                error={error('shop.email')}
                data-testid="settings-shop-email"
              />
            </Group>
            <Input.Wrapper label={t('settings.shop.logo')} description={t('settings.shop.logoHint')} error={error('shop.logo')}>
              <Group mt={6} align="center">
                {values.logo !== null && (
                  <Image
                    src={values.logo}
                    alt={t('settings.shop.logoAlt')}
                    h={64}
                    w="auto"
                    fit="contain"
                    data-testid="settings-logo-preview"
                  />
                )}
                <FileButton
                  resetRef={resetLogo}
                  onChange={(f) => void pickLogo(f)}
                  accept={LOGO_TYPES.join(',')}
                  inputProps={logoInputProps}
                >
                  {(props) => (
                    <Button {...props} variant="default" leftSection={<IconPhoto size={16} />} data-testid="settings-logo-button">
                      {t('settings.shop.logoChoose')}
                    </Button>
                  )}
                </FileButton>
                {values.logo !== null && (
                  <Button
                    variant="subtle"
                    color="red"
                    leftSection={<IconTrash size={16} />}
                    onClick={() => set('logo', null, 'shop.logo')}
                    data-testid="settings-logo-remove"
                  >
                    {t('settings.shop.logoRemove')}
                  </Button>
                )}
              </Group>
            </Input.Wrapper>
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={4}>{t('settings.preferences')}</Title>
            <LanguageSelect />
            <NativeSelect
              label={t('settings.currency')}
              value={values.currency}
              onChange={(e) => set('currency', e.currentTarget.value as Currency, 'currency')}
              data={currencies.map((c) => ({ value: c, label: c }))}
              error={error('currency')}
              w={280}
              data-testid="currency-select"
            />
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Stack gap="sm">
            <Title order={4}>{t('backups.title')}</Title>
            <Group grow align="flex-start">
              <TextInput
                label={t('backups.folder')}
                description={t('backups.folderHint')}
                value={values.backupFolder}
                onChange={(e) => set('backupFolder', e.currentTarget.value, 'backup.folder')}
                error={error('backup.folder')}
                data-testid="settings-backup-folder"
              />
              <NumberInput
                label={t('backups.keep')}
                description={t('backups.keepHint')}
                value={values.backupKeep}
                onChange={(v) => set('backupKeep', v, 'backup.keep')}
                error={error('backup.keep')}
                min={1}
                max={100}
                allowDecimal={false}
                allowNegative={false}
                data-testid="settings-backup-keep"
              />
            </Group>
          </Stack>
        </Paper>
        <Group justify="flex-end">
          <Button type="submit" loading={saving} leftSection={<IconDeviceFloppy size={16} />} data-testid="settings-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
};

const Backups = () => {
  const api = useApi();
  const { t } = useTranslation();
  const fmt = useFormatters();
  const { reboot } = useBoot();
  const [signal, setSignal] = useState(0);
  const [creating, setCreating] = useState(false);
  const create = async () => {
    setCreating(true);
    try {
      const info = await api.call('backup.create', {});
      notifySuccess(t('backups.created', { date: fmt.dateTime(info.createdAt) }));
      setSignal((n) => n + 1);
    } catch (error) {
      notifyError(t, error);
    } finally {
      setCreating(false);
    }
  };
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t('backups.list')}</Title>
          <Button onClick={() => void create()} loading={creating} variant="light" data-testid="backup-create">
            {t('backups.createNow')}
          </Button>
        </Group>
        <BackupList refreshSignal={signal} onRestored={reboot} />
      </Stack>
    </Paper>
  );
};

/** #/settings */
export const SettingsPage = () => {
  const { t } = useTranslation();
  const { settings, revision } = useSettings();
  return (
    <Stack maw={860} data-testid="settings-page">
      <Title order={2}>{t('settings.title')}</Title>
      {settings === null ? (
        <Loader aria-label={t('app.loading')} />
      ) : (
        // a restore or another window's change starts the form afresh; this form's own saves do not
        <SettingsForm key={revision} settings={settings} />
      )}
      <AnalysisSettingsSection />
      <ConsentWordingsSection />
      <Backups />
    </Stack>
  );
};
