import { fromMilli, type Language } from '../../contract';
// the app's own words for the document, and for the values its screens already name (statuses, channels, units, segments)
import enAccess from '../../../src-renderer/locales/en/accessDocument.json';
import enConsent from '../../../src-renderer/locales/en/consent.json';
import enContacts from '../../../src-renderer/locales/en/contacts.json';
import enPareto from '../../../src-renderer/locales/en/pareto.json';
import enPrivacy from '../../../src-renderer/locales/en/privacy.json';
import enRfm from '../../../src-renderer/locales/en/rfm.json';
import enSales from '../../../src-renderer/locales/en/sales.json';
import enTimeline from '../../../src-renderer/locales/en/timeline.json';
import frAccess from '../../../src-renderer/locales/fr/accessDocument.json';
import frConsent from '../../../src-renderer/locales/fr/consent.json';
import frContacts from '../../../src-renderer/locales/fr/contacts.json';
import frPareto from '../../../src-renderer/locales/fr/pareto.json';
import frPrivacy from '../../../src-renderer/locales/fr/privacy.json';
import frRfm from '../../../src-renderer/locales/fr/rfm.json';
import frSales from '../../../src-renderer/locales/fr/sales.json';
import frTimeline from '../../../src-renderer/locales/fr/timeline.json';
import { textCatalogue } from '../text';
import type { AccessExport } from './access';

/**
 * The right of access's printable document: the same data as the JSON
 * export, worded for the person who asked (GDPR art. 12: "concise,
 * intelligible"). Columns get their name in words and values their form on
 * screen: amounts in euros, quantities with their decimals, dates in the
 * shop's calendar, statuses and channels as the app says them. A column a
 * later migration adds, with no words yet, shows under its own name.
 */

const words = (language: Language) =>
  textCatalogue(language, {
    fr: { ...frAccess, ...frConsent, ...frContacts, ...frPareto, ...frPrivacy, ...frRfm, ...frSales, ...frTimeline },
    en: { ...enAccess, ...enConsent, ...enContacts, ...enPareto, ...enPrivacy, ...enRfm, ...enSales, ...enTimeline },
  });

type Words = ReturnType<typeof words>;

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Where a code stands for a word the app already has: `table.column` → its key, `{v}` the code. */
const NAMED_VALUES: Readonly<Record<string, string>> = {
  'contacts.status': 'contacts.status.{v}',
  'contacts.source': 'contacts.source.{v}',
  'contacts.civility': 'contacts.civility.{v}',
  'contacts.data_origin': 'contacts.dataOrigin.{v}',
  'purchases.channel': 'sales.channel.{v}',
  'purchases.kind': 'accessDocument.purchaseKind.{v}',
  'purchase_lines.unit': 'sales.units.name.{v}',
  'products.unit': 'sales.units.name.{v}',
  'interactions.kind': 'timeline.interactionKind.{v}',
  'interactions.direction': 'timeline.direction.{v}',
  'interactions.initiated_by': 'timeline.initiator.{v}',
  'consent_events.channel': 'consent.channel.{v}',
  'consent_events.purpose': 'consent.purpose.{v}',
  'consent_events.event': 'consent.event.{v}',
  'consent_events.method': 'consent.method.{v}',
  'consent_state.channel': 'consent.channel.{v}',
  'consent_state.purpose': 'consent.purpose.{v}',
  'consent_state.state': 'consent.state.{v}',
  'consent_wordings.purpose': 'consent.purpose.{v}',
  'privacy_requests.kind': 'privacy.requests.kind.{v}',
  'privacy_requests.status': 'privacy.requests.status.{v}',
  'rfm_profile.segment': 'rfm.segment.{v}.name',
  'rfm_profile.strategy': 'rfm.strategy.{v}',
  'rfm_profile.tier': 'pareto.tier.{v}',
};

/** 0/1 columns. */
const YES_NO: ReadonlySet<string> = new Set(['active', 'informed', 'referral_pending', 'changed_base']);

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-\d{2}$/;

type Formats = { money: (cents: number, currency: string) => string; number: Intl.NumberFormat; instant: Intl.DateTimeFormat; day: Intl.DateTimeFormat; month: Intl.DateTimeFormat };

const formatsFor = (language: Language): Formats => {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const money = new Map<string, Intl.NumberFormat>();
  return {
    money: (cents, currency) => {
      let f = money.get(currency);
      if (f === undefined) money.set(currency, (f = new Intl.NumberFormat(locale, { style: 'currency', currency })));
      return f.format(cents / 100);
    },
    number: new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }),
    // the shop's own clock, as on its screens
    instant: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' }),
    // calendar days and months are no instants: read in UTC, they never shift a day
    day: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }),
    month: new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }),
  };
};

type Cell = (table: string, column: string, value: unknown, row: Readonly<Record<string, unknown>>) => string;

/** `firstName` → `first_name`: the copies an undo keeps name fields as the contract does, the tables as SQL does. */
const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const isBlank = (v: unknown): boolean => v === null || v === undefined || v === '';

/** A value as the person reads it, escaped. */
const cellFor = (w: Words, f: Formats): Cell => {
  const cell: Cell = (table, column, value, row) => {
    if (value === null || value === undefined || value === '') return '';
    // the steps that undo a merge, table by table: for the program, in full in the JSON export
    if (table === 'merges' && column === 'snapshot') return escapeHtml(w.t('accessDocument.mergeCopy'));
    if (Array.isArray(value)) return value.map((item) => `<div>${cell(table, column, item, row)}</div>`).join('');
    if (typeof value === 'object') {
      // a copy kept for an undo (a merge's, an import's): the same words for its fields, one a line
      const fields = Object.entries(value as Record<string, unknown>).filter(([, v]) => !isBlank(v) && !(Array.isArray(v) && v.length === 0));
      return `<table class="record">${fields
        .map(([k, v]) => `<tr><th>${columnName(w, k)}</th><td>${cell('contacts', snakeCase(k), v, value as Record<string, unknown>)}</td></tr>`)
        .join('')}</table>`;
    }
    if (typeof value === 'number') {
      if (column.endsWith('_cents')) return escapeHtml(f.money(value, typeof row.currency === 'string' ? row.currency : 'EUR'));
      if (column === 'quantity_milli') return escapeHtml(f.number.format(fromMilli(value)));
      if (YES_NO.has(column)) return escapeHtml(w.t(value === 1 ? 'accessDocument.yes' : 'accessDocument.no'));
      return escapeHtml(String(value));
    }
    const text = String(value);
    const named = NAMED_VALUES[`${table}.${column}`]?.replace('{v}', text);
    if (named !== undefined && w.known(named)) return escapeHtml(w.t(named));
    if (INSTANT.test(text) && !Number.isNaN(Date.parse(text))) return escapeHtml(f.instant.format(new Date(text)));
    if (DAY.test(text) && !Number.isNaN(Date.parse(text))) return escapeHtml(f.day.format(new Date(`${text}T00:00:00Z`)));
    if (MONTH.test(text) && !Number.isNaN(Date.parse(`${text}-01`))) return escapeHtml(f.month.format(new Date(`${text}-01T00:00:00Z`)));
    return escapeHtml(text);
  };
  return cell;
};

const columnName = (w: Words, column: string): string => {
  const key = `accessDocument.columns.${snakeCase(column)}`;
  return escapeHtml(w.known(key) ? w.t(key) : column);
};

const tableHtml = (w: Words, cell: Cell, table: string, rows: readonly Record<string, unknown>[]): string => {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return `<table><thead><tr>${columns.map((c) => `<th>${columnName(w, c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${columns.map((c) => `<td>${cell(table, c, r[c], r)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
};

/** The record's filled fields, one a line; the empty ones named after it. */
const recordHtml = (w: Words, cell: Cell, row: Record<string, unknown>): string => {
  const entries = Object.entries(row);
  const filled = entries.filter(([, v]) => !isBlank(v));
  const empty = entries.filter(([, v]) => isBlank(v)).map(([k]) => columnName(w, k));
  return `<table class="record"><tbody>${filled
    .map(([k, v]) => `<tr><th>${columnName(w, k)}</th><td>${cell('contacts', k, v, row)}</td></tr>`)
    .join('')}</tbody></table>${
    empty.length === 0 ? '' : `<p class="none">${escapeHtml(w.t('accessDocument.unfilled', { fields: '\u0000' })).replace('\u0000', empty.join(', '))}</p>`
  }`;
};

/** Sections with rows, each under its title; the empty ones named together in one line. */
const sectionsHtml = (w: Words, cell: Cell, sections: Readonly<Record<string, readonly Record<string, unknown>[]>>): string => {
  const title = (name: string): string =>
    escapeHtml(w.known(`accessDocument.tables.${name}`) ? w.t(`accessDocument.tables.${name}`) : name);
  const entries = Object.entries(sections);
  const empty = entries.filter(([, rows]) => rows.length === 0).map(([name]) => title(name));
  return [
    ...entries.filter(([, rows]) => rows.length > 0).map(([name, rows]) => `<section><h3>${title(name)}</h3>${tableHtml(w, cell, name, rows)}</section>`),
    ...(empty.length === 0
      ? []
      : [`<p class="none">${escapeHtml(w.t('accessDocument.nothing', { sections: '\u0000' })).replace('\u0000', empty.join(', '))}</p>`]),
  ].join('\n');
};

export const accessHtml = (data: AccessExport, language: Language): string => {
  const w = words(language);
  const f = formatsFor(language);
  const cell = cellFor(w, f);
  const text = (key: string): string => escapeHtml(w.t(key));
  // « Établi le : … » in French, "Generated on: …" in English
  const colon = language === 'fr' ? '\u00a0: ' : ': ';
  const c = data.controller;
  const controller = [c.name, c.address, c.email, c.siret ? `SIRET ${c.siret}` : null].filter((v): v is string => !!v);
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${text('accessDocument.title')}</title>
<style>
body{font:11pt/1.4 system-ui,sans-serif;margin:2em;color:#111}
h1{font-size:18pt}h2{font-size:14pt;margin-top:1.5em;border-bottom:1px solid #999}h3{font-size:12pt}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:9pt}th,td{border:1px solid #bbb;padding:2px 4px;text-align:left;vertical-align:top}
th{background:#eee}table.record th{width:30%}pre{margin:0;white-space:pre-wrap;font-size:8pt}.none{color:#666}
@media print{section{break-inside:avoid}}
</style></head><body>
<h1>${text('accessDocument.title')}</h1>
<p>${text('accessDocument.intro')}</p>
<p><strong>${text('accessDocument.controller')}</strong>${colon}${controller.length === 0 ? text('accessDocument.controllerUnset') : controller.map(escapeHtml).join(' — ')}</p>
<p><strong>${text('accessDocument.generated')}</strong>${colon}${escapeHtml(f.instant.format(new Date(data.generatedAt)))}</p>
<h2>${text('accessDocument.record')}</h2>
${recordHtml(w, cell, data.contact)}
${sectionsHtml(w, cell, data.tables)}
<h2>${text('accessDocument.referenced')}</h2>
${sectionsHtml(w, cell, data.referenced)}
<h2>${text('accessDocument.history')}</h2>
${sectionsHtml(w, cell, data.history as Record<string, Record<string, unknown>[]>)}
</body></html>
`;
};
