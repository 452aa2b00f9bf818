import { describe, expect, it } from 'vitest';
import { errorCodes, importNoticeReasons, jobPhases } from '../../src-main/contract';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliText } from '../../src-main/host/cli/i18n';
import { createI18n } from '../../src-renderer/app/i18n';
import { en, fr } from '../../src-renderer/locales';

type Tree = { [key: string]: string | Tree };

const flatten = (tree: Tree, prefix = ''): Map<string, string> => {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
};

const frKeys = flatten(fr as Tree);
const enKeys = flatten(en as Tree);

const localeDir = join(__dirname, '../../src-renderer/locales');

describe('locale files', () => {
  it('each area file holds exactly its own top-level key, in both languages', () => {
    for (const lang of ['fr', 'en']) {
      for (const file of readdirSync(join(localeDir, lang))) {
        const keys = Object.keys(JSON.parse(readFileSync(join(localeDir, lang, file), 'utf8')) as object);
        expect(keys, `${lang}/${file}`).toEqual([file.replace(/\.json$/, '')]);
      }
    }
    expect(readdirSync(join(localeDir, 'en')).sort()).toEqual(readdirSync(join(localeDir, 'fr')).sort());
  });

  it('fr and en have exactly the same keys', () => {
    const onlyFr = [...frKeys.keys()].filter((k) => !enKeys.has(k));
    const onlyEn = [...enKeys.keys()].filter((k) => !frKeys.has(k));
    expect({ onlyFr, onlyEn }).toEqual({ onlyFr: [], onlyEn: [] });
  });

  it('no value is empty', () => {
    const empty = [...frKeys, ...enKeys].filter(([, v]) => v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('names every phase a job reports, and only those, in both languages', () => {
    const named = (keys: Map<string, string>) => [...keys.keys()].filter((k) => k.startsWith('jobs.phase.')).sort();
    const expected = jobPhases.map((p) => `jobs.phase.${p}`).sort();
    expect(named(frKeys)).toEqual(expected);
    expect(named(enKeys)).toEqual(expected);
  });

  it('every notice an import can give has its sentence, in both languages', () => {
    const missing = Object.values(importNoticeReasons)
      .flat()
      .flatMap((r) => [frKeys, enKeys].filter((keys) => !keys.has(`imports.reason.${r}`)).map(() => r));
    expect(missing).toEqual([]);
  });

  it('every error code of the contract has a sentence', () => {
    for (const code of errorCodes) {
      expect(frKeys.has(`errors.${code}`), code).toBe(true);
    }
  });

  it('English says one thing one way: "Email", "City", "20%"', () => {
    const offending = (pattern: RegExp) => [...enKeys].filter(([, v]) => pattern.test(v)).map(([k]) => k);
    expect(offending(/e-mail/i)).toEqual([]);
    // the city field is "City" in the list, its filter, the form and the merge dialog alike
    expect(offending(/\btowns?\b/i)).toEqual([]);
    // a space before % is French typography
    expect(offending(/\d[\s\u00a0\u202f]%/)).toEqual([]);
  });

  it('counts with plural forms, never « fiche(s) » or "record(s)"', () => {
    expect([...frKeys, ...enKeys].filter(([, v]) => /\w\((e?s)\)/.test(v)).map(([k]) => k)).toEqual([]);
  });

  it('a count before what it counts has its singular: « 1 client actif », « 1 point », never « 1 clients »', () => {
    // what the screens count; the keys below always show a fixed number above one (the demo's size, a week ahead…)
    const counted = /\{\{\w+\}\}\s+(?:[a-zéèàç’-]+\s+)?(?:clients|contacts|points|achats|membres|lignes|ventes|produits|fiches|doublons|paires|demandes|résultats|jours)\b/;
    const fixed = ['firstRun.demoButton', 'contacts.capped', 'list.countMany', 'list.bulk.tooMany', 'tasks.group.upcoming'];
    const single = [...frKeys].filter(([k, v]) => !/_(one|many|other)$/.test(k) && counted.test(v)).map(([k]) => k);
    expect(single.filter((k) => !fixed.includes(k))).toEqual([]);
    const t = createI18n('fr').t;
    expect(t('rfm.cellDetail', { count: 1, customers: '1', revenue: '20 €', avg: '20 €' })).toBe('1 client · 20 € · panier client moyen 20 €');
    expect(t('loyalty.redeem.newBalance', { count: 0, points: '0' })).toBe('Nouveau solde : 0 point');
    expect(t('loyalty.redeem.newBalance', { count: 2, points: '2' })).toBe('Nouveau solde : 2 points');
    expect(createI18n('en').t('loyalty.redeem.newBalance', { count: 0, points: '0' })).toBe('New balance: 0 points');
    // nothing expired yet, on the programme's dashboard: said in words
    expect(t('loyalty.dashboard.expired', { count: 0, n: '0' })).toBe('Aucun point n’a expiré.');
    expect(t('loyalty.dashboard.expired', { count: 1, n: '1' })).toBe('1 point a expiré.');
    expect(createI18n('en').t('loyalty.dashboard.expired', { count: 0, n: '0' })).toBe('No points have expired.');
  });

  it('every count has its form for a million: French says « 1 000 000 lignes » through the « many » category', () => {
    // CLDR puts 1,000,000, 2,000,000… in French 'many'; without that form i18next printed the key itself
    expect(new Intl.PluralRules('fr').select(1_000_000)).toBe('many');
    const families = [...frKeys.keys()].filter((k) => k.endsWith('_other')).map((k) => k.slice(0, -'_other'.length));
    expect(families.length).toBeGreaterThan(50);
    expect(families.filter((f) => !frKeys.has(`${f}_many`))).toEqual([]);
    const i18n = createI18n('fr');
    const unsaid = families.filter((f) => i18n.t(f, { count: 1_000_000, n: 1_000_000 }) === f);
    expect(unsaid).toEqual([]);
    const { t } = cliText('fr');
    expect(t('cli.import.summary', { count: 1_000_000, created: 931_825, updated: 0, merged: 62_978, skipped: 5_197, errors: 0 })).toMatch(
      /^1000000 lignes — créées 931825/,
    );
    expect(t('cli.import.more', { count: 1 })).toBe('  … et 1 autre (--json les donne toutes)');
    expect(t('cli.import.moreThanListed', { count: 1050, listed: 1000 })).toBe('  … et 1050 autres (--json donne les 1000 premières)');
  });

  it('interpolations match between languages', () => {
    const vars = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    const mismatched = [...frKeys].filter(([k, v]) => JSON.stringify(vars(v)) !== JSON.stringify(vars(enKeys.get(k) ?? '')));
    expect(mismatched.map(([k]) => k)).toEqual([]);
  });
});
