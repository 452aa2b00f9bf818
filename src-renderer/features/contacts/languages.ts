/**
 * ISO 639-1 codes offered for "language to write in": what a French shop's
 * customers commonly read. Names come from Intl.DisplayNames in the UI language;
 * a stored code outside the list (an import) is added where it is shown.
 */
export const languageCodes: readonly string[] = 'fr en de es it pt nl ar zh ru pl ro tr ja'.split(' ');
