import i18next, { type TFunction } from 'i18next';
import type { Language } from '../contract';

type Resources = Record<string, unknown>;

/**
 * The app's words where there is no window: the terminal and the documents
 * the store writes. Built from the renderer's own locale files (one wording
 * for a thing, on screen and off it), synchronously, French when a key is
 * missing in English. Nothing is HTML-escaped here: a caller writing HTML
 * escapes what it places, with the rest of its values.
 */
export const textCatalogue = (language: Language, resources: { fr: Resources; en: Resources }): { t: TFunction; known: (key: string) => boolean } => {
  const i18n = i18next.createInstance();
  void i18n.init({
    lng: language,
    fallbackLng: 'fr',
    supportedLngs: ['fr', 'en'],
    resources: { fr: { translation: resources.fr }, en: { translation: resources.en } },
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return { t: i18n.t.bind(i18n), known: (key) => i18n.exists(key) };
};
