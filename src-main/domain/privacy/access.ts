import fs from 'node:fs';
import { AppError, localDate, type AccessFormat } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { appendAudit } from '../audit/log';
import { contactRfm } from '../analytics/rfm';
import { encodeRow, foreignKeysTo, quote, type JsonRow, type Row } from '../duplicates/tables';
import { getSettings } from '../settings/service';
import { accessHtml } from './access-document';

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

/** Named by the shop's day, the one the request is answered on. */
export const accessFileName = (contactId: number, format: AccessFormat, now = new Date()): string =>
  `comptoir-acces-${contactId}-${localDate(now)}.${format}`;

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
