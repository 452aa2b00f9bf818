import fs from 'node:fs';
import { finished } from 'node:stream/promises';
import { localDate, type InformationNotice, type Language, type ProcessingRegister, type RegisterActivity } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { backupDir } from '../backup/service';
import { writeDelimited } from '../importexport';
import { getSettings } from '../settings/service';
import { getPolicies } from './policies';
import { documentText } from './register-text';

const counter = (store: Store, name: string): number =>
  Number(prepared(store.sqlite, 'SELECT value FROM counters WHERE name = ?').pluck().get(name) ?? 0);

const missingIdentity = (shop: { name: string | null; address: string | null; email: string | null }) =>
  (['name', 'address', 'email'] as const).filter((k) => shop[k] === null);

/**
 * The GDPR art. 30 register from what the base actually holds: the shop's
 * identity from the settings, counts from the trigger-kept counters (no scan
 * at 1M contacts), consent purposes that have events, the retention policies
 * in force and the security measures that are true of this installation.
 */
export const buildRegister = (store: Store, language: Language, now = new Date()): ProcessingRegister => {
  const text = documentText(language);
  const settings = getSettings(store);
  const policies = getPolicies(store);
  const total = counter(store, 'contacts');
  const businesses = prepared(store.sqlite, 'SELECT count(*) FROM contacts WHERE company_id IS NOT NULL').pluck().get() as number;
  const figures = {
    consumers: total - businesses,
    businesses,
    prospects: counter(store, 'contacts.prospect'),
    customers: counter(store, 'contacts.customer'),
    former: counter(store, 'contacts.former'),
    archived: prepared(store.sqlite, 'SELECT count(*) FROM contact_archive').pluck().get() as number,
    sales: counter(store, 'purchases'),
  };
  const consent = prepared(
    store.sqlite,
    `SELECT purpose, count(DISTINCT CASE WHEN state = 'granted' THEN contact_id END) AS granted
     FROM consent_state GROUP BY purpose ORDER BY purpose`,
  ).all() as { purpose: string; granted: number }[];
  const partners = consent.some((c) => c.purpose === 'partners' && c.granted > 0);
  const recipients = [text.recipients.staff, ...(partners ? [text.recipients.partners] : [])];
  const a = text.activities;
  const activity = (
    id: RegisterActivity['id'],
    t: (typeof a)['customers'],
    peopleCount: number,
    retention: string,
    extra: string[] = [],
  ): RegisterActivity => ({
    id,
    name: t.name,
    purposes: t.purposes,
    legalBasis: t.basis,
    people: t.people,
    peopleCount,
    dataCategories: t.data,
    recipients: [...recipients, ...extra],
    retention,
    transfers: text.transfers,
  });
  const loyaltyMembers = consent.find((c) => c.purpose === 'loyalty')?.granted ?? 0;
  return {
    language,
    generatedAt: now.toISOString(),
    controller: { name: settings.shop.name, address: settings.shop.address, siret: settings.shop.siret, email: settings.shop.email },
    missing: missingIdentity(settings.shop),
    figures,
    consentInUse: consent.map((c) => ({ purpose: c.purpose, label: text.purposes[c.purpose] ?? c.purpose, granted: c.granted })),
    activities: [
      activity(
        'customers',
        a.customers,
        figures.customers + figures.former,
        text.retention.customers(policies.customerYears, policies.accountingYears),
        [text.recipients.accountant],
      ),
      activity('prospecting', a.prospecting, total, text.retention.prospecting(policies.prospectYears)),
      activity('loyalty', a.loyalty, loyaltyMembers, text.retention.loyalty(policies.customerYears)),
    ],
    security: [
      text.security.local(store.file),
      text.security.backups(settings.backup.keep, backupDir(settings, store.file)),
      text.security.noCloud,
      text.security.secureDelete,
      text.security.ledger,
      text.security.audit,
      text.security.app,
      text.security.session,
    ],
  };
};

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

const list = (items: readonly string[]): string => `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;

/** A self-contained page (no script, no remote resource) that prints on A4. */
export const registerHtml = (r: ProcessingRegister): string => {
  const t = documentText(r.language).register;
  const row = (label: string, value: string) => `<tr><th>${escapeHtml(label)}</th><td>${value}</td></tr>`;
  const c = r.controller;
  return `<!doctype html>
<html lang="${r.language}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(t.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#111}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:1.5rem;page-break-after:avoid}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{width:28%;background:#f2f2f2}ul{margin:0;padding-left:1.2rem}section{page-break-inside:avoid}@page{size:A4;margin:15mm}
</style></head><body>
<h1>${escapeHtml(t.title)}</h1>
<p>${escapeHtml(t.generatedAt)} ${escapeHtml(localDate(new Date(r.generatedAt)))}</p>
${r.missing.length > 0 ? `<p><strong>${escapeHtml(t.missing)}</strong></p>` : ''}
<h2>${escapeHtml(t.controller)}</h2>
<table>${row(t.name, escapeHtml(c.name ?? ''))}${row(t.address, escapeHtml(c.address ?? ''))}${row(t.siret, escapeHtml(c.siret ?? ''))}${row(t.email, escapeHtml(c.email ?? ''))}</table>
<h2>${escapeHtml(t.figures)}</h2>
<table>${Object.entries(r.figures)
    .map(([k, v]) => row(t.figureLabels[k] ?? k, String(v)))
    .join('')}</table>
${
  r.consentInUse.length > 0
    ? `<h2>${escapeHtml(t.consent)}</h2><table>${r.consentInUse.map((p) => row(p.label, String(p.granted))).join('')}</table>`
    : ''
}
${r.activities
  .map(
    (a) => `<section><h2>${escapeHtml(t.activity)} : ${escapeHtml(a.name)}</h2><table>
${row(t.purposes, list(a.purposes))}${row(t.basis, escapeHtml(a.legalBasis))}${row(t.people, list(a.people))}${row(t.count, String(a.peopleCount))}
${row(t.data, list(a.dataCategories))}${row(t.recipients, list(a.recipients))}${row(t.retention, escapeHtml(a.retention))}${row(t.transfers, escapeHtml(a.transfers))}
</table></section>`,
  )
  .join('\n')}
<h2>${escapeHtml(t.security)}</h2>${list(r.security)}
</body></html>
`;
};

/** One line per activity, the register's columns; cells neutralised against formula injection by the writer. */
export const registerRows = (r: ProcessingRegister): string[][] => {
  const t = documentText(r.language).register;
  const join = (items: readonly string[]) => items.join(' ; ');
  const controller = [r.controller.name, r.controller.address, r.controller.siret, r.controller.email].filter((v) => v !== null).join(', ');
  return [
    [t.activity, t.controller, t.purposes, t.basis, t.people, t.count, t.data, t.recipients, t.retention, t.transfers, t.security],
    ...r.activities.map((a) => [
      a.name,
      controller,
      join(a.purposes),
      a.legalBasis,
      join(a.people),
      String(a.peopleCount),
      join(a.dataCategories),
      join(a.recipients),
      a.retention,
      a.transfers,
      join(r.security),
    ]),
  ];
};

/** Written beside the target and renamed, so a failed export never leaves half a file under the name. */
export const exportRegister = async (r: ProcessingRegister, format: 'html' | 'csv', target: string): Promise<string> => {
  const tmp = `${target}.part`;
  try {
    if (format === 'html') {
      fs.writeFileSync(tmp, registerHtml(r), { encoding: 'utf8', mode: 0o600 });
    } else {
      const stream = fs.createWriteStream(tmp, { mode: 0o600 });
      await writeDelimited(registerRows(r), stream, { delimiter: ';', encoding: 'utf-8-bom' });
      stream.end();
      await finished(stream);
    }
    fs.renameSync(tmp, target);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
  return target;
};

/** Named by the shop's day, as the register's own date reads. */
export const registerFileName = (format: 'html' | 'csv', language: Language, now = new Date()): string =>
  `${language === 'en' ? 'register-of-processing' : 'registre-des-traitements'}-${localDate(now)}.${format}`;

/** The "mentions d'information" for the shop's forms, from its identity and the policies in force. */
export const buildNotice = (store: Store, language: Language): InformationNotice => {
  const text = documentText(language);
  const shop = getSettings(store).shop;
  const policies = getPolicies(store);
  const partners =
    prepared(store.sqlite, "SELECT 1 FROM consent_state WHERE purpose = 'partners' AND state = 'granted' LIMIT 1").get() !== undefined;
  return {
    language,
    missing: missingIdentity(shop),
    text: text.notice({
      name: shop.name ?? text.placeholders.name,
      address: shop.address ?? text.placeholders.address,
      email: shop.email ?? text.placeholders.email,
      prospectYears: policies.prospectYears,
      customerYears: policies.customerYears,
      accountingYears: policies.accountingYears,
      partners,
    }),
  };
};
