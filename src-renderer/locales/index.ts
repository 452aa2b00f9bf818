/*
 * One JSON file per area and language (`fr/contacts.json` holds `{ "contacts": … }`),
 * so features own their strings and edits to one area never touch another's file.
 */
type Tree = { [key: string]: string | Tree };

const merge = (files: Record<string, { default: Tree }>): Tree => {
  const out: Tree = {};
  for (const file of Object.values(files)) Object.assign(out, file.default);
  return out;
};

export const fr = merge(import.meta.glob<{ default: Tree }>('./fr/*.json', { eager: true }));
export const en = merge(import.meta.glob<{ default: Tree }>('./en/*.json', { eager: true }));
export type { Tree as LocaleTree };
