import { describe, expect, it } from 'vitest';
import { foreignKeysTo } from '../../src-main/domain/duplicates/tables';
import { MOVE_LABELS } from '../../src-renderer/features/duplicates/values';
import frDuplicates from '../../src-renderer/locales/fr/duplicates.json';
import enDuplicates from '../../src-renderer/locales/en/duplicates.json';
import { openStore } from './helpers';

/*
 * The merge preview names what it moves with MOVE_LABELS; the list of
 * references it moves is read from the schema. Walking the live schema here
 * catches a migration that adds a reference to contacts without words for it.
 */
describe('merge move labels', () => {
  const references = (): string[] =>
    foreignKeysTo(openStore().sqlite, 'contacts').map((fk) => `${fk.table}.${fk.from.join(',')}`);

  it('every reference to a contact a merge moves is named or deliberately left out', () => {
    const refs = references();
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((r) => !(r in MOVE_LABELS))).toEqual([]);
    // and no entry names a reference that no longer exists
    expect(Object.keys(MOVE_LABELS).filter((k) => !refs.includes(k))).toEqual([]);
  });

  it('each label exists with its plural forms in French and English, and none prints a table name', () => {
    const keys = [...new Set(Object.values(MOVE_LABELS).filter((k): k is string => k !== null)), 'other'];
    for (const [lang, file] of [
      ['fr', frDuplicates],
      ['en', enDuplicates],
    ] as const) {
      const table: Record<string, string> = file.duplicates.table;
      for (const key of keys) {
        for (const form of ['one', 'other']) {
          const text = table[`${key}_${form}`];
          expect(text, `${lang} duplicates.table.${key}_${form}`).toBeTypeOf('string');
          expect(text, `${lang} duplicates.table.${key}_${form}`).not.toMatch(/\{\{table\}\}|_/);
        }
      }
    }
  });
});
