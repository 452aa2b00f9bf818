import { describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/contract';
import { errorMessage } from '../../src-renderer/app/errors';
import { createFormatters } from '../../src-renderer/app/format';
import { createI18n, resolveLanguage } from '../../src-renderer/app/i18n';
import { parseHash, routeHref, type Route } from '../../src-renderer/app/router';
import { shortcutFor } from '../../src-renderer/app/shortcuts';
import { dayEdge } from '../../src-renderer/features/contacts/list-filters';
import { inZone } from '../zone';

describe('router', () => {
  it('parses every route and round-trips hrefs', () => {
    const routes: Route[] = [
      { name: 'tasks' },
      { name: 'sale', contactId: null },
      { name: 'sale', contactId: 7 },
      { name: 'products' },
      { name: 'duplicates' },
      { name: 'imports' },
      { name: 'home' },
      { name: 'contacts' },
      { name: 'contactNew' },
      { name: 'contact', id: 42 },
      { name: 'contactEdit', id: 42 },
      { name: 'settings' },
    ];
    for (const r of routes) expect(parseHash(routeHref(r))).toEqual(r);
    expect(parseHash('')).toEqual({ name: 'home' });
    expect(parseHash('#/contacts/?q=x')).toEqual({ name: 'contacts' });
  });

  it('sends anything odd to notFound', () => {
    const odd = ['#/contacts/0', '#/contacts/-1', '#/contacts/abc', '#/contacts/1/delete', '#/nope', '#/contacts/99999999999999999999'];
    for (const h of odd) {
      expect(parseHash(h).name, h).toBe('notFound');
    }
  });
});

describe('language', () => {
  it('prefers the saved choice, then the system, French by default', () => {
    expect(resolveLanguage('en', 'fr-FR')).toBe('en');
    expect(resolveLanguage(null, 'fr-CA')).toBe('fr');
    expect(resolveLanguage(null, 'de-DE')).toBe('en');
    expect(resolveLanguage(null, undefined)).toBe('fr');
  });
});

describe('formatters', () => {
  const nbsp = /[\u00a0\u202f]/g;
  it('formats cents as money in the shop currency', () => {
    expect(createFormatters('fr', 'EUR').money(123456).replace(nbsp, ' ')).toBe('1 234,56 €');
    expect(createFormatters('en', 'GBP').money(5).replace(nbsp, ' ')).toBe('£0.05');
    expect(createFormatters('fr', 'EUR').number(1_000_000).replace(nbsp, ' ')).toBe('1 000 000');
  });

  it('shows a line quantity to the thousandth it is kept to, in the language’s way', () => {
    expect(createFormatters('fr', 'EUR').quantity(0.352)).toBe('0,352');
    expect(createFormatters('en', 'EUR').quantity(0.352)).toBe('0.352');
    expect(createFormatters('fr', 'EUR').quantity(2)).toBe('2');
    expect(createFormatters('fr', 'EUR').quantity(-2.5)).toBe('-2,5');
    expect(createFormatters('fr', 'EUR').quantity(1000.001).replace(nbsp, ' ')).toBe('1 000,001');
  });

  it('never shifts a calendar date by a day', () => {
    expect(createFormatters('fr', 'EUR').date('2024-03-01')).toBe('1er mars 2024');
    expect(createFormatters('en', 'EUR').date('2024-03-01')).toBe('1 Mar 2024');
  });

  it('shows a day stored without a time as that day, with no time, even where the clock is behind UTC', () => {
    // Martinique: UTC-4, where midnight UTC is still the evening before
    inZone('America/Martinique', () => {
      const fr = createFormatters('fr', 'EUR');
      const en = createFormatters('en', 'EUR');
      expect(fr.date('2024-03-01T00:00:00.000Z')).toBe('1er mars 2024');
      expect(fr.dateTime('2024-03-01T00:00:00.000Z')).toBe('1er mars 2024');
      expect(en.dateTime('2024-03-01T00:00:00.000Z')).toBe('1 Mar 2024');
      // a real instant keeps the local day and time
      expect(fr.dateTime('2024-03-01T02:30:00.000Z')).toMatch(/^29 févr\. 2024,? (à )?22:30$/);
      expect(fr.date('2024-03-01T02:30:00.000Z')).toBe('29 févr. 2024');
    });
  });

  it('writes the first of the month as « 1er » in French only', () => {
    expect(createFormatters('fr', 'EUR').date('2025-12-01')).toBe('1er déc. 2025');
    expect(createFormatters('fr', 'EUR').date('2025-12-11')).toBe('11 déc. 2025');
    expect(createFormatters('fr', 'EUR').date('2025-12-21')).toBe('21 déc. 2025');
    expect(createFormatters('en', 'EUR').date('2025-12-01')).toBe('1 Dec 2025');
  });

  it('shows French phones nationally', () => {
    expect(createFormatters('fr', 'EUR').phone('+33612345678')).toBe('06 12 34 56 78');
  });
});

describe('day edges of a filter', () => {
  it('start and end a typed day on the shop’s clock, a 1 January included', () => {
    inZone('Europe/Paris', () => {
      // Paris's New Year starts at 23:00 UTC: « créés depuis le 01/01/2027 » took the bare day and dropped its first hour
      expect(dayEdge('2027-01-01', 'from')).toBe('2026-12-31T23:00:00.000Z');
      expect(dayEdge('2026-12-31', 'to')).toBe('2026-12-31T22:59:59.999Z');
      expect(dayEdge('2026-07-14', 'from')).toBe('2026-07-13T22:00:00.000Z');
      // the earliest day the contract takes starts in 1899 there: the bare day stands in
      expect(dayEdge('1900-01-01', 'from')).toBe('1900-01-01');
    });
    inZone('America/Martinique', () => {
      expect(dayEdge('2027-01-01', 'from')).toBe('2027-01-01T04:00:00.000Z');
      expect(dayEdge('2027-01-01', 'to')).toBe('2027-01-02T03:59:59.999Z');
    });
  });
});

describe('shortcuts', () => {
  const key = (k: Partial<KeyboardEvent>) => ({ key: '', code: '', ctrlKey: false, metaKey: false, altKey: false, ...k });
  it('maps the global keys', () => {
    expect(shortcutFor(key({ key: '/' }), false)).toBe('search');
    expect(shortcutFor(key({ key: '/' }), true)).toBeNull();
    expect(shortcutFor(key({ key: 'k', ctrlKey: true }), true)).toBe('search');
    expect(shortcutFor(key({ key: 'n', ctrlKey: true }), true)).toBe('newContact');
    expect(shortcutFor(key({ key: '˜', code: 'KeyN', altKey: true }), true)).toBe('newContact');
    expect(shortcutFor(key({ key: 'n' }), false)).toBeNull();
  });
});

describe('error messages', () => {
  it('names the running task a refusal waits for, in both languages, and stays generic otherwise', () => {
    const fr = createI18n('fr').t;
    const en = createI18n('en').t;
    // as the dispatcher refuses a write during a job's transaction, and as it comes back over HTTP (plain data)
    const duringRefill = new AppError('BUSY', 'a long task is running', { reason: 'job_running', kind: 'analytics' });
    const duringImport = { code: 'BUSY', message: 'a long task is running', details: { reason: 'job_running', kind: 'import' } };
    expect(errorMessage(fr, duringRefill)).toBe(fr('errors.busyWith.analytics'));
    expect(errorMessage(fr, duringRefill)).toMatch(/analyses/);
    expect(errorMessage(en, duringImport)).toMatch(/^An import \(or its undo\) is running/);
    expect(errorMessage(fr, duringImport)).toMatch(/^Une importation/);
    // no kind, or one this version does not know: the general sentence
    expect(errorMessage(fr, new AppError('BUSY', 'busy', { reason: 'job_running' }))).toBe(fr('errors.BUSY'));
    expect(errorMessage(en, new AppError('BUSY', 'busy', { kind: 'reindex' }))).toBe(en('errors.BUSY'));
    expect(errorMessage(en, new AppError('CONFLICT', 'taken', { kind: 'import' }))).toBe(en('errors.CONFLICT'));
  });

  it('says why a file could not be written, in both languages; an unknown reason keeps the general sentence', () => {
    const fr = createI18n('fr').t;
    const en = createI18n('en').t;
    const full = { code: 'VALIDATION', message: 'cannot write', details: { reason: 'disk_full', path: '/data/transfers/exports/x/e.csv' } };
    expect(errorMessage(fr, full)).toBe('Impossible d’écrire le fichier : le disque est plein.');
    expect(errorMessage(en, new AppError('VALIDATION', 'cannot write', { reason: 'write_denied' }))).toBe('Cannot write the file: permission denied.');
    expect(errorMessage(en, new AppError('VALIDATION', 'bad', { reason: 'something_new' }))).toBe(en('errors.VALIDATION'));
  });
});
