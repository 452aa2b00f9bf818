import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Language } from '@contract';
import { en, fr } from '../locales';

export const resources = { fr: { translation: fr }, en: { translation: en } } as const;

/** The saved choice wins; otherwise the system language, French unless it is clearly not French. */
export const resolveLanguage = (setting: Language | null, system: string | undefined): Language => {
  if (setting !== null) return setting;
  if (system === undefined || system === '') return 'fr';
  return system.toLowerCase().startsWith('fr') ? 'fr' : 'en';
};

export const systemLanguage = (): string | undefined =>
  typeof navigator === 'undefined' ? undefined : navigator.language;

/** One instance per app (and per test), initialised synchronously from the bundled resources. */
export const createI18n = (language: Language): I18n => {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'fr',
    supportedLngs: ['fr', 'en'],
    resources,
    initAsync: false,
    // React escapes text itself; escaping here would show &amp; in names
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return instance;
};

export const currentLanguage = (i18n: I18n): Language => (i18n.language === 'en' ? 'en' : 'fr');
