import fs from 'node:fs';
import { AppError, type AccessFormat, type Language } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { appendAudit } from '../audit/log';
import { contactRfm } from '../analytics/rfm';
import { encodeRow, foreignKeysTo, quote, type JsonRow, type Row } from '../duplicates/tables';
import { getSettings } from '../settings/service';

/**
 * Right of access and portability (GDPR art. 15 and 20): everything held
 * about one person. The tables are found from the schema at run time (every
 * foreign key to contacts, then the rows hanging from those, then what they
 * point at), so a table added by a later migration — loyalty, complaints —
 * is exported without anyone touching this file.
 */

export type AccessExport = {
  format: 'comptoir-access-export';
  version: 1;
  generatedAt: string;
  controller: { name: string | null; address: string | null; email: string | null; siret: string | null };
  contactId: number;
  contact: JsonRow;
  /** Rows that belong to the person, by table (every table with a foreign key to contacts, and their children). */
  tables: Record<string, JsonRow[]>;
  /** Shared rows the person's rows point at (their company, tags, products bought, consent wordings shown). */
  referenced: Record<string, JsonRow[]>;
  /** What the app keeps about past operations on the record (merges, import changes, audit entries). */
  history: Record<string, unknown[]>;
};

type FkRow = { table: string; from: string; to: string | null };

const rowsWhere = (store: Store, table: string, column: string, ids: readonly (number | bigint)[]): Row[] => {
  const out: Row[] = [];
  // bounded IN lists: a customer with thousands of sales stays well under SQLite's variable limit
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    out.push(
      ...(store.sqlite
        .prepare(`SELECT * FROM ${quote(table)} WHERE ${quote(column)} IN (${chunk.map(() => '?').join(', ')})`)
        .all(...chunk) as Row[]),
    );
  }
  return out;
};

const idsOf = (rows: Row[], column: string): (number | bigint)[] => [
  ...new Set(rows.map((r) => r[column]).filter((v): v is number | bigint => typeof v === 'number' || typeof v === 'bigint')),
];

const primaryKeyColumn = (store: Store, table: string): string | null => {
  const cols = store.sqlite.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string; pk: number }[];
  const pk = cols.filter((c) => c.pk > 0);
  return pk.length === 1 ? (pk[0]?.name ?? null) : null;
};

export const collectAccessExport = (store: Store, contactId: number): AccessExport => {
  const db = store.sqlite;
  const contact = prepared(db, 'SELECT * FROM contacts WHERE id = ?').get(contactId) as Row | undefined;
  if (!contact) throw new AppError('NOT_FOUND', `contact ${contactId} not found`, { entity: 'contact', id: contactId });

  const tables: Record<string, JsonRow[]> = {};
  const raw: Record<string, Row[]> = {};
  // level 1: rows pointing at the contact
  for (const fk of foreignKeysTo(db, 'contacts')) {
    const col = fk.from[0];
    if (!col || fk.table === 'contacts') continue;
    raw[fk.table] = [...(raw[fk.table] ?? []), ...rowsWhere(store, fk.table, col, [contactId])];
  }
  // level 2: rows hanging from those (the lines of the person's purchases…)
  for (const parent of Object.keys(raw)) {
    const pk = primaryKeyColumn(store, parent);
    if (!pk) continue;
    const parentIds = idsOf(raw[parent] ?? [], pk);
    if (parentIds.length === 0) continue;
    for (const fk of foreignKeysTo(db, parent)) {
      const col = fk.from[0];
      if (!col || fk.table === parent || fk.table in raw) continue;
      raw[fk.table] = [...(raw[fk.table] ?? []), ...rowsWhere(store, fk.table, col, parentIds)];
    }
  }
  for (const [name, rows] of Object.entries(raw)) tables[name] = rows.map(encodeRow);
  // the figures kept about the person and what they make of them (profiling, GDPR art. 15(1)(h)):
  // derived rows without a foreign key, so named here
  for (const table of ['customer_figures', 'customer_months']) {
    const rows = rowsWhere(store, table, 'contact_id', [contactId]);
    if (rows.length > 0) tables[table] = rows.map(encodeRow);
  }
  const rfm = contactRfm(store, contactId);
  if (rfm.segment !== null) {
    tables.rfm_profile = [
      encodeRow({
        segment: rfm.segment,
        strategy: rfm.strategy,
        recency: rfm.scores?.r ?? null,
        frequency: rfm.scores?.f ?? null,
        monetary: rfm.scores?.m ?? null,
        tier: rfm.tier,
        computed_at: rfm.thresholdsAt,
      }),
    ];
  }

  // shared rows they point at: company, tags, products, wordings
  const referenced: Record<string, JsonRow[]> = {};
  const pointers = new Map<string, Set<number | bigint>>();
  const owners: [string, Row[]][] = [['contacts', [contact]], ...Object.entries(raw)];
  for (const [name, rows] of owners) {
    const fks = db.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as FkRow[];
    for (const fk of fks) {
      if (fk.table === 'contacts' || fk.table in raw) continue;
      const to = fk.to ?? primaryKeyColumn(store, fk.table);
      if (!to) continue;
      const key = `${fk.table}\u0000${to}`;
      const set = pointers.get(key) ?? new Set();
      for (const id of idsOf(rows, fk.from)) set.add(id);
      pointers.set(key, set);
    }
  }
  for (const [key, set] of pointers) {
    const [table, column] = key.split('\u0000') as [string, string];
    if (set.size === 0) continue;
    referenced[table] = [...(referenced[table] ?? []), ...rowsWhere(store, table, column, [...set]).map(encodeRow)];
  }

  const parseJson = (text: string): unknown => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  };
  const merges = (
    prepared(db, 'SELECT id, kept_id, removed_id, snapshot, merged_at, undone_at FROM merges WHERE kept_id = ? OR removed_id = ? ORDER BY id').all(
      contactId,
      contactId,
    ) as { id: number; kept_id: number; removed_id: number; snapshot: string; merged_at: string; undone_at: string | null }[]
  ).map((m) => ({ ...m, snapshot: parseJson(m.snapshot) }));
  const importChanges = (
    prepared(
      db,
      "SELECT import_id, entity, entity_id, before FROM import_changes WHERE entity IN ('contact', 'contact_status') AND entity_id = ? ORDER BY import_id",
    ).all(contactId) as { import_id: number; entity: string; entity_id: number; before: string }[]
  ).map((c) => ({ ...c, before: parseJson(c.before) }));
  const audit = (
    prepared(db, "SELECT id, at, action, detail FROM audit_log WHERE entity = 'contact' AND entity_id = ? ORDER BY id").all(contactId) as {
      id: number;
      at: string;
      action: string;
      detail: string;
    }[]
  ).map((a) => ({ ...a, detail: parseJson(a.detail) }));

  const shop = getSettings(store).shop;
  return {
    format: 'comptoir-access-export',
    version: 1,
    generatedAt: new Date().toISOString(),
    controller: { name: shop.name, address: shop.address, email: shop.email, siret: shop.siret },
    contactId,
    contact: encodeRow(contact),
    tables,
    referenced,
    history: { merges, import_changes: importChanges, audit_log: audit },
  };
};

/* ---------- the printable document ---------- */

const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The document is generated in the main process, away from the renderer's locale files: its few words live here. */
const words: Record<Language, Record<string, string>> = {
  fr: {
    title: 'Vos données personnelles',
    intro: 'Document remis au titre du droit d’accès (RGPD, article 15). Il contient toutes les données que nous détenons à votre sujet à la date indiquée.',
    controller: 'Responsable du traitement',
    generated: 'Établi le',
    record: 'Fiche',
    referenced: 'Informations liées',
    history: 'Historique des opérations',
    none: 'Aucune donnée.',
    contact_emails: 'Adresses e-mail',
    contact_phones: 'Téléphones',
    contact_tags: 'Étiquettes',
    notes: 'Notes',
    interactions: 'Échanges',
    tasks: 'Tâches',
    purchases: 'Achats',
    purchase_lines: 'Lignes d’achat',
    consent_events: 'Consentements (historique)',
    consent_state: 'Consentements (état actuel)',
    privacy_requests: 'Demandes relatives à vos données',
    companies: 'Entreprise',
    tags: 'Étiquettes',
    products: 'Produits',
    consent_wordings: 'Textes de consentement présentés',
    merges: 'Fusions de fiches',
    import_changes: 'Modifications par import',
    audit_log: 'Journal des opérations',
    loyalty_members: 'Programme de fidélité',
    loyalty_cards: 'Cartes de fidélité',
    loyalty_entries: 'Points de fidélité (historique)',
    loyalty_lots: 'Points de fidélité (échéances)',
    loyalty_tier_history: 'Niveaux de fidélité (historique)',
    loyalty_vouchers: 'Bons de réduction',
    customer_losses: 'Client marqué perdu',
    customer_figures: 'Chiffres d’achat sur la période d’analyse',
    customer_months: 'Mois d’achat',
    rfm_profile: 'Segmentation (notes RFM, palier)',
  },
  en: {
    title: 'Your personal data',
    intro: 'Document provided under the right of access (GDPR, article 15). It contains all the data we hold about you on the date shown.',
    controller: 'Data controller',
    generated: 'Generated on',
    record: 'Record',
    referenced: 'Related information',
    history: 'History of operations',
    none: 'No data.',
    contact_emails: 'E-mail addresses',
    contact_phones: 'Phones',
    contact_tags: 'Tags',
    notes: 'Notes',
    interactions: 'Interactions',
    tasks: 'Tasks',
    purchases: 'Purchases',
    purchase_lines: 'Purchase lines',
    consent_events: 'Consent (history)',
    consent_state: 'Consent (current state)',
    privacy_requests: 'Requests about your data',
    companies: 'Company',
    tags: 'Tags',
    products: 'Products',
    consent_wordings: 'Consent wordings shown',
    merges: 'Record merges',
    import_changes: 'Changes by import',
    audit_log: 'Operations log',
    loyalty_members: 'Loyalty programme',
    loyalty_cards: 'Loyalty cards',
    loyalty_entries: 'Loyalty points (history)',
    loyalty_lots: 'Loyalty points (expiry)',
    loyalty_tier_history: 'Loyalty tiers (history)',
    loyalty_vouchers: 'Vouchers',
    customer_losses: 'Marked as a lost customer',
    customer_figures: 'Purchase figures over the analysis period',
    customer_months: 'Months with a purchase',
    rfm_profile: 'Segmentation (RFM scores, tier)',
  },
};

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return escapeHtml(v);
  if (typeof v === 'number' || typeof v === 'boolean') return escapeHtml(String(v));
  return `<pre>${escapeHtml(JSON.stringify(v, null, 2))}</pre>`;
};

const tableHtml = (rows: readonly Record<string, unknown>[], none: string): string => {
  if (rows.length === 0) return `<p class="none">${escapeHtml(none)}</p>`;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return `<table><thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
};

const recordHtml = (row: Record<string, unknown>): string =>
  `<table class="record"><tbody>${Object.entries(row)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${cell(v)}</td></tr>`)
    .join('')}</tbody></table>`;

export const accessHtml = (data: AccessExport, language: Language): string => {
  const w = words[language];
  const label = (name: string): string => w[name] ?? name;
  const section = (name: string, rows: readonly Record<string, unknown>[]) =>
    `<section><h3>${escapeHtml(label(name))}</h3>${tableHtml(rows, w.none ?? '')}</section>`;
  const c = data.controller;
  const controller = [c.name, c.address, c.email, c.siret ? `SIRET ${c.siret}` : null].filter((v): v is string => !!v);
  return `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(w.title ?? '')}</title>
<style>
body{font:11pt/1.4 system-ui,sans-serif;margin:2em;color:#111}
h1{font-size:18pt}h2{font-size:14pt;margin-top:1.5em;border-bottom:1px solid #999}h3{font-size:12pt}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:9pt}th,td{border:1px solid #bbb;padding:2px 4px;text-align:left;vertical-align:top}
th{background:#eee}table.record th{width:30%}pre{margin:0;white-space:pre-wrap;font-size:8pt}.none{color:#666}
@media print{section{break-inside:avoid}}
</style></head><body>
<h1>${escapeHtml(w.title ?? '')}</h1>
<p>${escapeHtml(w.intro ?? '')}</p>
<p><strong>${escapeHtml(w.controller ?? '')}</strong> : ${controller.map(escapeHtml).join(' — ')}</p>
<p><strong>${escapeHtml(w.generated ?? '')}</strong> : ${escapeHtml(data.generatedAt)}</p>
<h2>${escapeHtml(w.record ?? '')}</h2>
${recordHtml(data.contact)}
${Object.entries(data.tables)
  .map(([name, rows]) => section(name, rows))
  .join('\n')}
<h2>${escapeHtml(w.referenced ?? '')}</h2>
${Object.entries(data.referenced)
  .map(([name, rows]) => section(name, rows))
  .join('\n')}
<h2>${escapeHtml(w.history ?? '')}</h2>
${Object.entries(data.history)
  .map(([name, rows]) => section(name, rows as Record<string, unknown>[]))
  .join('\n')}
</body></html>
`;
};

export const accessFileName = (contactId: number, format: AccessFormat, now = new Date()): string =>
  `comptoir-acces-${contactId}-${now.toISOString().slice(0, 10)}.${format}`;

/** Writes the export where the caller says (a fresh transfers folder) and audits it; no personal data in the audit. */
export const writeAccessExport = (
  store: Store,
  input: { contactId: number; format: AccessFormat; requestId?: number | undefined; path: string },
): { path: string; format: AccessFormat; tables: string[] } => {
  const data = collectAccessExport(store, input.contactId);
  const settings = getSettings(store);
  const text =
    input.format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : accessHtml(data, settings.language ?? 'fr');
  fs.writeFileSync(input.path, text, { mode: 0o600 });
  appendAudit(store, {
    action: 'privacy.access',
    entity: 'contact',
    entityId: input.contactId,
    detail: {
      format: input.format,
      requestId: input.requestId ?? null,
      rows: Object.values(data.tables).reduce((n, rows) => n + rows.length, 0),
    },
  });
  return { path: input.path, format: input.format, tables: Object.keys(data.tables) };
};
