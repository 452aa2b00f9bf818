import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings, SettingsUpdate } from '@contract';
import { useApi } from '../api/context';
import { resolveLanguage, systemLanguage } from './i18n';

export type SettingsContextValue = {
  /** null until loaded, and for good when the store refuses (recovery screen). */
  settings: Settings | null;
  /** Bumped when settings change from outside this window's own updates (a restore, another window). */
  revision: number;
  reload(): Promise<void>;
  update(patch: SettingsUpdate): Promise<Settings>;
};

const SettingsContext = createContext<SettingsContextValue | null>(null);

/** Loads the settings once, keeps them current, and applies the language. */
export const SettingsProvider = ({ children }: { children: ReactNode }) => {
  const api = useApi();
  const { i18n } = useTranslation();
  const [state, setState] = useState<{ settings: Settings | null; revision: number }>({ settings: null, revision: 0 });
  const { settings, revision } = state;

  const reload = useCallback(async () => {
    try {
      const next = await api.call('settings.get', {});
      setState((prev) =>
        JSON.stringify(prev.settings) === JSON.stringify(next) ? prev : { settings: next, revision: prev.revision + 1 },
      );
    } catch {
      // a broken store may refuse even this: the UI keeps the system language
    }
  }, [api]);

  useEffect(() => {
    void reload();
    return api.on('data.changed', ({ scope }) => {
      if (scope === 'settings' || scope === 'all') void reload();
    });
  }, [api, reload]);

  const language = settings?.language ?? null;
  const loaded = settings !== null;
  useEffect(() => {
    if (!loaded) return;
    const wanted = resolveLanguage(language, systemLanguage());
    if (i18n.language !== wanted) void i18n.changeLanguage(wanted);
  }, [i18n, language, loaded]);

  useEffect(() => {
    const apply = (lng: string) => {
      document.documentElement.lang = lng;
    };
    apply(i18n.language);
    i18n.on('languageChanged', apply);
    return () => i18n.off('languageChanged', apply);
  }, [i18n]);

  const update = useCallback(
    async (patch: SettingsUpdate) => {
      const next = await api.call('settings.update', patch);
      setState((prev) => ({ settings: next, revision: prev.revision }));
      return next;
    },
    [api],
  );

  const value = useMemo(() => ({ settings, revision, reload, update }), [settings, revision, reload, update]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
};

const noSettings: SettingsContextValue = {
  settings: null,
  revision: 0,
  reload: async () => {},
  update: async () => {
    throw new Error('SettingsProvider missing');
  },
};

export const useSettings = (): SettingsContextValue => useContext(SettingsContext) ?? noSettings;
