import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { AccessExport } from '../../src-main/domain/privacy/access';
import type { ImportReport, JobFinished } from '../../src-main/contract';
import { isSuppressed } from '../../src-main/domain/consent/suppression';
import { eraseContacts, forgetErasedBytes } from '../../src-main/domain/privacy/erasure';
import { erasureJournalFile, readJournal } from '../../src-main/domain/privacy/journal';
import type { StoreClient } from '../../src-main/host/client';
import { foreignKeysTo } from '../../src-main/domain/duplicates/tables';
import { transaction } from '../../src-main/store/db';
import { failure, openClient, openStore } from './helpers';
import enDocument from '../../src-renderer/locales/en/accessDocument.json';
import frDocument from '../../src-renderer/locales/fr/accessDocument.json';

/* Strings planted in one person's data: none may survive an erasure anywhere in the file. */
const PLANTED = {
  first: 'Quentinella',
  last: 'Zorglubowski',
  email: 'zorglub.planted@exemple-unique.fr',
  extraEmail: 'xyloextra@exemple-unique.fr',
  oldEmail: 'xylomerged@exemple-unique.fr',
  phone: '+33698765432',
  note: 'Xylonote confidentielle',
  mergedNote: 'Xylomergenote ancienne',
  interaction: 'Xylocall au sujet de sa commande',
  task: 'Rappeler Xylotask',
  saleNote: 'Xylosale cadeau pour sa femme',
  importedCity: 'Xyloimported',
};
/** Lower-case fragments searched in raw bytes (the full-text index stores folded tokens and 1–6 letter prefixes). */
const NEEDLES = ['zorglu', 'quenti', 'xylo', '698765432'];

const leftovers = (file: string): string[] => {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file).toString('latin1').toLowerCase();
  return NEEDLES.filter((n) => text.includes(n));
};

const runImport = async (client: StoreClient, file: string): Promise<ImportReport> => {
  const done = new Promise<JobFinished>((resolve) => {
    const off = client.onEvent((event, payload) => {
      if (event === 'job.finished') {
        off();
        resolve(payload as JobFinished);
      }
    });
  });
  const started = await client.invoke('imports.run', { kind: 'contacts', path: file, dryRun: false, policy: 'merge' });
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  const f = await done;
  if (f.status !== 'done') throw new Error(`import ${f.status}: ${JSON.stringify(f.error)}`);
  return f.result as ImportReport;
};

type Api = Awaited<ReturnType<typeof openClient>>['api'];

/** A customer with everything: extra e-mail, phone, notes, interaction, task, sale, consent, a merge, an import, a request. */
const plantPerson = async (api: Api, client: StoreClient, dir: string) => {
  const person = await api.call('contacts.create', {
    firstName: PLANTED.first,
    lastName: PLANTED.last,
    email: PLANTED.email,
    phone: PLANTED.phone,
    emails: [{ email: PLANTED.extraEmail, label: null }],
  });
  const other = await api.call('contacts.create', { firstName: 'Paul', lastName: 'Durand', email: 'paul@durand.fr' });
  await api.call('notes.create', { contactId: person.id, body: PLANTED.note });
  await api.call('interactions.create', { contactId: person.id, kind: 'call', summary: PLANTED.interaction });
  await api.call('tasks.create', { contactId: person.id, title: PLANTED.task, dueDate: '2026-12-01' });
  await api.call('purchases.create', {
    contactId: person.id,
    lines: [{ label: 'Bouquet', unitPriceCents: 4200, quantity: 1 }],
    note: PLANTED.saleNote,
  });
  await api.call('consent.record', {
    contactId: person.id,
    method: 'counter',
    operator: 'Claire',
    entries: [{ channel: 'email', purpose: 'newsletter', event: 'granted' }],
  });
  // an older record of the same person, merged in: its data lives on in the merge snapshot
  const old = await api.call('contacts.create', { firstName: PLANTED.first, lastName: PLANTED.last, email: PLANTED.oldEmail });
  await api.call('notes.create', { contactId: old.id, body: PLANTED.mergedNote });
  await api.call('contacts.merge', { keptId: person.id, removedId: old.id });
  await api.call('duplicates.dismiss', { aId: Math.min(person.id, other.id), bId: Math.max(person.id, other.id) });
  // an import that changed the record: its undo data holds the values before
  const csv = path.join(dir, 'maj.csv');
  fs.writeFileSync(csv, `Prénom;Nom;E-mail;Ville\r\n${PLANTED.first};${PLANTED.last};${PLANTED.email};${PLANTED.importedCity}\r\n`);
  const report = await runImport(client, csv);
  expect(report, JSON.stringify(report)).toMatchObject({ merged: 1 });
  const request = await api.call('privacy.requests.create', {
    contactId: person.id,
    subject: `${PLANTED.first} ${PLANTED.last}`,
    kind: 'erasure',
    receivedOn: '2026-01-31',
    identityCheck: `Carte d'identité de ${PLANTED.last} vue au comptoir`,
  });
  return { person, other, old, request };
};

const raw = (dbPath: string) => new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });

describe('privacy.erase', () => {
  it('leaves no trace of the person in the database, its WAL and a backup made afterwards; sales stay, anonymous', async () => {
    const { api, client, dbPath, dir } = await openClient();
    const { person, other, old, request } = await plantPerson(api, client, dir);
    // the data is really there before (the search below can fail)
    await api.call('backup.create', {});
    const [before] = await api.call('backup.list', {});
    expect(before && leftovers(before.path)).toEqual(NEEDLES);
    const salesBefore = (await api.call('purchases.list', { contactId: person.id })).rows.length;
    expect(salesBefore).toBe(1);

    // a wrong name: refused, nothing written
    const wrong = await failure(api.call('privacy.erase', { contactId: person.id, confirmName: 'Paul Durand' }));
    expect(wrong.code).toBe('VALIDATION');
    expect(wrong.details?.issues).toEqual([{ path: 'confirmName', code: 'confirm_mismatch' }]);
    expect((await api.call('contacts.get', { id: person.id })).lastName).toBe(PLANTED.last);

    const result = await api.call('privacy.erase', {
      contactId: person.id,
      requestId: request.id,
      confirmName: ` quentinella   ZORGLUBOWSKI `,
    });
    expect(result).toEqual({ erased: 1, contactId: person.id });
    expect((await failure(api.call('contacts.get', { id: person.id }))).code).toBe('NOT_FOUND');
    expect((await api.call('contacts.get', { id: other.id })).lastName).toBe('Durand');

    await api.call('backup.create', {});
    const backups = await api.call('backup.list', {});
    const after = backups.find((b) => b.path !== before?.path);
    expect(after).toBeDefined();
    expect(leftovers(dbPath)).toEqual([]);
    expect(leftovers(`${dbPath}-wal`)).toEqual([]);
    expect(leftovers(after?.path ?? '')).toEqual([]);

    // search finds nothing either (the full-text index was purged, not just tombstoned)
    expect((await api.call('contacts.list', { q: 'Zorglubowski' })).rows).toEqual([]);

    const db = raw(dbPath);
    try {
      const sales = db.prepare('SELECT contact_id, note, amount_cents FROM purchases').all() as {
        contact_id: number | null;
        note: string | null;
        amount_cents: number;
      }[];
      expect(sales).toHaveLength(salesBefore);
      expect(sales).toContainEqual({ contact_id: null, note: null, amount_cents: 4200 });
      expect(db.prepare('SELECT count(*) FROM purchase_lines').pluck().get()).toBe(1);
      for (const fk of foreignKeysTo(db, 'contacts')) {
        const col = fk.from[0] ?? '';
        expect(db.prepare(`SELECT count(*) FROM "${fk.table}" WHERE "${col}" = ?`).pluck().get(person.id)).toBe(0);
      }
      expect(db.prepare('SELECT count(*) FROM merges').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM not_duplicates').pluck().get()).toBe(0);
      const log = db.prepare('SELECT contact_id, keys, request_id, reason FROM erasure_log').all() as {
        contact_id: number;
        keys: string;
        request_id: number;
        reason: string;
      }[];
      // the person's entry, and one for the record merged into theirs
      expect(log.map((l) => l.contact_id)).toEqual([person.id, old.id]);
      expect(log[0]).toMatchObject({ contact_id: person.id, request_id: request.id, reason: 'request' });
      const keys = JSON.parse(log[0]?.keys ?? '[]') as string[];
      // main e-mail, extra e-mail, the merged record's e-mail, the phone
      expect(keys.filter((k) => k.startsWith('email:'))).toHaveLength(3);
      expect(keys.filter((k) => k.startsWith('phone:'))).toHaveLength(1);
      const req = db.prepare('SELECT subject, identity_check, contact_id FROM privacy_requests WHERE id = ?').get(request.id);
      expect(req).toEqual({ subject: '[erased]', identity_check: "Carte d'identité de [erased] vue au comptoir", contact_id: null });
      const audit = db.prepare("SELECT detail FROM audit_log WHERE action = 'privacy.erase'").pluck().all() as string[];
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0] ?? '{}')).toMatchObject({ reason: 'request', requestId: request.id, keys: 4, merges: 1 });
    } finally {
      db.close();
    }

    // the journal outside the database holds ids and hashes only
    const journal = readJournal(erasureJournalFile(dir, dbPath));
    expect(journal.map((j) => j.contactId)).toEqual([person.id, old.id]);
    expect(fs.readFileSync(erasureJournalFile(dir, dbPath), 'utf8').toLowerCase()).not.toMatch(/zorglu|xylo|quenti/);

    // a re-import of the same e-mail comes back objected: no marketing can reach them again
    const again = path.join(dir, 'retour.csv');
    fs.writeFileSync(again, `Prénom;Nom;E-mail\r\nNouveau;Client;${PLANTED.email.toUpperCase()}\r\n`);
    expect(await runImport(client, again)).toMatchObject({ created: 1 });
    const back = (await api.call('contacts.list', { q: 'Nouveau Client' })).rows[0];
    expect(back).toBeDefined();
    const reimported = raw(dbPath);
    try {
      const states = reimported.prepare('SELECT DISTINCT state FROM consent_state WHERE contact_id = ?').pluck().all(back?.id);
      expect(states).toEqual(['objected']);
    } finally {
      reimported.close();
    }

    // the suppression list recognises every spelling of their addresses
    await client.close();
    const store = openStore(dbPath);
    expect(isSuppressed(store, [PLANTED.email.toUpperCase()], [])).toBe(true);
    expect(isSuppressed(store, [], ['06 98 76 54 32'])).toBe(true);
    expect(isSuppressed(store, ['someone.else@exemple.fr'], [])).toBe(false);
  });

  it('refuses an unknown contact or request and writes nothing', async () => {
    const { api, dbPath } = await openClient();
    const c = await api.call('contacts.create', { firstName: 'Anne', lastName: 'Roux' });
    expect((await failure(api.call('privacy.erase', { contactId: 9999, confirmName: 'x' }))).code).toBe('NOT_FOUND');
    expect((await failure(api.call('privacy.erase', { contactId: c.id, requestId: 77, confirmName: 'Anne Roux' }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await failure(api.call('privacy.erase', { contactId: c.id, confirmName: '' }))).code).toBe('VALIDATION');
    const db = raw(dbPath);
    try {
      expect(db.prepare('SELECT count(*) FROM erasure_log').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM suppression').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('survives the restore of a backup made before it', async () => {
    const { api, client, dbPath, dir } = await openClient();
    const { person, old, request } = await plantPerson(api, client, dir);
    const kept = await api.call('contacts.create', { firstName: 'Léa', lastName: 'Martin', email: 'lea@martin.fr' });
    const older = await api.call('backup.create', {});
    await api.call('privacy.erase', { contactId: person.id, requestId: request.id, confirmName: `${PLANTED.first} ${PLANTED.last}` });

    const restored = await api.call('backup.restore', { file: older.file });
    expect(restored.restoredFrom).toBe(older.file);
    // gone again, before the store answered anything
    expect((await failure(api.call('contacts.get', { id: person.id }))).code).toBe('NOT_FOUND');
    expect((await api.call('contacts.get', { id: kept.id })).lastName).toBe('Martin');
    expect(leftovers(dbPath)).toEqual([]);
    expect(leftovers(`${dbPath}-wal`)).toEqual([]);
    const db = raw(dbPath);
    try {
      const log = db.prepare('SELECT contact_id, request_id, reason FROM erasure_log').all();
      expect(log).toEqual([
        { contact_id: person.id, request_id: request.id, reason: 'request' },
        { contact_id: old.id, request_id: request.id, reason: 'request' },
      ]);
      expect(db.prepare("SELECT count(*) FROM suppression WHERE reason = 'erasure'").pluck().get()).toBe(4);
      expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'privacy.erase.reapplied'").pluck().get()).toBe(1);
      expect(db.prepare('SELECT count(*) FROM purchases WHERE contact_id IS NULL').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
    // the journal did not grow by the replay
    expect(readJournal(erasureJournalFile(dir, dbPath))).toHaveLength(2);

    // and again at the next start
    await client.close();
    const again = await openClient(dir);
    expect((await failure(again.api.call('contacts.get', { id: person.id }))).code).toBe('NOT_FOUND');
    expect(readJournal(erasureJournalFile(dir, dbPath))).toHaveLength(2);
  });

  it('erases both records of a person when the backup restored predates their merge', async () => {
    const { api, dbPath } = await openClient();
    const a = await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Xylomerge', email: 'zoe@xylo.fr' });
    const b = await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Xylomerge', phone: '06 98 76 54 32' });
    const older = await api.call('backup.create', {});
    await api.call('contacts.merge', { keptId: a.id, removedId: b.id });
    await api.call('privacy.erase', { contactId: a.id, confirmName: 'Zoé Xylomerge' });
    await api.call('backup.restore', { file: older.file });
    expect((await failure(api.call('contacts.get', { id: a.id }))).code).toBe('NOT_FOUND');
    expect((await failure(api.call('contacts.get', { id: b.id }))).code).toBe('NOT_FOUND');
    expect(leftovers(dbPath)).toEqual([]);
    const db = raw(dbPath);
    try {
      expect(db.prepare('SELECT contact_id FROM erasure_log ORDER BY contact_id').pluck().all()).toEqual([a.id, b.id]);
      expect(db.prepare("SELECT count(*) FROM audit_log WHERE action = 'privacy.erase.reapplied'").pluck().get()).toBe(2);
    } finally {
      db.close();
    }
  });

  it('does not erase another person who got the same id since', async () => {
    const { api, client, dbPath, dir } = await openClient();
    const a = await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Premier', email: 'zoe@premier.fr' });
    const older = await api.call('backup.create', {});
    await api.call('privacy.erase', { contactId: a.id, confirmName: 'Zoé Premier' });
    // the older backup holds someone else under that id (the same file edited elsewhere)
    await client.close();
    const backupsDir = path.join(dir, 'backups');
    const edit = new BetterSqlite3(path.join(backupsDir, older.file));
    edit.prepare("UPDATE contacts SET first_name = 'Autre', email = 'autre@personne.fr' WHERE id = ?").run(a.id);
    edit.close();
    const second = await openClient(dir);
    await second.api.call('backup.restore', { file: older.file });
    const still = await second.api.call('contacts.get', { id: a.id });
    expect(still.email).toBe('autre@personne.fr');
    const db = raw(dbPath);
    try {
      expect(db.prepare('SELECT count(*) FROM erasure_log').pluck().get()).toBe(1);
    } finally {
      db.close();
    }
  });

  it('mirrors log entries the journal lacks at the next open, and reads past a line cut by a crash', async () => {
    const { api, client, dbPath, dir } = await openClient();
    const a = await api.call('contacts.create', { firstName: 'Anne', lastName: 'Roux', email: 'anne@roux.fr' });
    const b = await api.call('contacts.create', { firstName: 'Marc', lastName: 'Petit', phone: '06 11 22 33 44' });
    await api.call('privacy.erase', { contactId: a.id, confirmName: 'Anne Roux' });
    await client.close();
    // as if the app died between the commit and the journal's fsync, in the middle of writing a line
    const journal = erasureJournalFile(dir, dbPath);
    fs.writeFileSync(journal, '{"contactId":12,"erasedAt":"2026-');
    const second = await openClient(dir);
    expect(readJournal(journal).map((j) => j.contactId)).toEqual([a.id]);
    await second.api.call('privacy.erase', { contactId: b.id, confirmName: 'marc petit' });
    expect(readJournal(journal).map((j) => [j.contactId, j.keys.length])).toEqual([
      [a.id, 1],
      [b.id, 1],
    ]);
  });

  it('erases in bulk inside the caller’s transaction (retention) and skips unknown ids', () => {
    const store = openStore();
    const add = store.sqlite.prepare(
      "INSERT INTO contacts (first_name, last_name, email, status, source, sort_name, created_at, updated_at) VALUES (?, ?, ?, 'prospect', 'shop_form', ?, '2020-01-01', '2020-01-01')",
    );
    const ids = [1, 2, 3].map((n) => Number(add.run(`P${n}`, 'Xylobulk', `p${n}@bulk.fr`, `xylobulk p${n}`).lastInsertRowid));
    expect(() => eraseContacts(store, ids, { kind: 'retention' })).toThrow(/transaction/);
    const result = transaction(store, () => eraseContacts(store, [...ids.slice(0, 2), 999], { kind: 'retention' }));
    forgetErasedBytes(store);
    expect(result).toEqual({ erased: 2 });
    expect(store.sqlite.prepare('SELECT id FROM contacts').pluck().all()).toEqual([ids[2]]);
    expect(store.sqlite.prepare('SELECT reason FROM erasure_log').pluck().all()).toEqual(['retention', 'retention']);
    expect(isSuppressed(store, ['p1@bulk.fr'], [])).toBe(true);
    expect(isSuppressed(store, ['p3@bulk.fr'], [])).toBe(false);
  });
});

describe('privacy.access', () => {
  it('has words, in French and English, for every column an export can hold', () => {
    const db = openStore().sqlite;
    // the tables the export reads: the person's, the rows hanging from them, what they point at, the figures
    const tables = new Set(['contacts', 'customer_figures', 'customer_months', 'merges', 'import_changes', 'audit_log']);
    for (const fk of foreignKeysTo(db, 'contacts')) tables.add(fk.table);
    for (const table of [...tables]) for (const fk of foreignKeysTo(db, table)) tables.add(fk.table);
    const pointedAt = db.prepare('SELECT "table" FROM pragma_foreign_key_list(?)').pluck();
    for (const table of [...tables]) for (const target of pointedAt.all(table) as string[]) tables.add(target);
    const columnsOf = db.prepare('SELECT name FROM pragma_table_info(?)').pluck();
    const columns = new Set([...tables].flatMap((t) => columnsOf.all(t) as string[]));
    // the RFM profile is computed, not stored: its fields too
    for (const c of ['segment', 'strategy', 'recency', 'frequency', 'monetary', 'tier', 'computed_at']) columns.add(c);
    expect(columns.size).toBeGreaterThan(100);
    for (const words of [frDocument.accessDocument.columns, enDocument.accessDocument.columns]) {
      expect([...columns].filter((c) => !(c in words)).sort()).toEqual([]);
    }
    for (const words of [frDocument.accessDocument.tables, enDocument.accessDocument.tables]) {
      expect([...tables].filter((t) => !(t in words) && t !== 'contacts').sort()).toEqual([]);
    }
  });

  it('exports every table that references contacts, as JSON and as an escaped document', async () => {
    const { api, client, dbPath, dir } = await openClient();
    const { person } = await plantPerson(api, client, dir);
    await api.call('notes.create', { contactId: person.id, body: '<script>alert("x")</script>' });
    const json = await api.call('privacy.access', { contactId: person.id, format: 'json' });
    expect(path.basename(json.path)).toMatch(new RegExp(`^comptoir-acces-${person.id}-\\d{4}-\\d{2}-\\d{2}\\.json$`));
    const data = JSON.parse(fs.readFileSync(json.path, 'utf8')) as AccessExport;
    const db = raw(dbPath);
    let referencing: string[];
    try {
      referencing = [...new Set(foreignKeysTo(db, 'contacts').map((fk) => fk.table))].filter((t) => t !== 'contacts');
    } finally {
      db.close();
    }
    expect(referencing.length).toBeGreaterThanOrEqual(10);
    for (const table of referencing) expect(Object.keys(data.tables)).toContain(table);
    expect(data.contact).toMatchObject({ id: person.id, last_name: PLANTED.last, email: PLANTED.email });
    expect(data.tables.contact_emails?.map((e) => e.email)).toEqual(expect.arrayContaining([PLANTED.extraEmail, PLANTED.oldEmail]));
    expect(data.tables.notes?.map((n) => n.body)).toEqual(expect.arrayContaining([PLANTED.note, PLANTED.mergedNote]));
    expect(data.tables.purchase_lines).toHaveLength(1);
    expect(data.tables.consent_events?.length).toBeGreaterThan(0);
    expect(data.tables.privacy_requests).toHaveLength(1);
    expect(data.referenced.consent_wordings?.length).toBeGreaterThan(0);
    expect(data.history.merges).toHaveLength(1);
    expect(data.history.import_changes).toHaveLength(1);
    // what is computed about the person (profiling): their figures, the months they bought in, their RFM segment
    expect(data.tables.customer_figures).toEqual([expect.objectContaining({ contact_id: person.id })]);
    expect(data.tables.customer_months?.length).toBeGreaterThan(0);
    expect(data.tables.rfm_profile).toEqual([expect.objectContaining({ segment: expect.any(String) })]);

    const html = await api.call('privacy.access', { contactId: person.id, format: 'html' });
    const doc = fs.readFileSync(html.path, 'utf8');
    expect(doc).toContain(PLANTED.last);
    expect(doc).toContain(PLANTED.saleNote);
    expect(doc).not.toContain('<script>');
    expect(doc).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // worded for the person (GDPR art. 12): every column of every section in words, values as the screens show them
    const headings = (page: string): string[] => [...page.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1] ?? '');
    expect(headings(doc).length).toBeGreaterThan(60);
    expect(headings(doc).filter((h) => /_|^[a-z]+$/.test(h))).toEqual([]);
    expect(doc).toContain('<th>Prénom</th><td>Quentinella</td>');
    expect(doc).toMatch(/<td>42,00\s€<\/td>/);
    expect(doc).toContain('<td>Oral, au comptoir</td>');
    expect(doc).toContain('<td>Appel</td>');
    expect(doc).toMatch(/<td>1 décembre 2026<\/td>/);
    expect(doc).toContain('Non renseignés : ');
    // no shop identity in the settings yet: said, not left blank
    expect(doc).toContain('Responsable du traitement</strong>\u00a0: non renseigné');
    expect(doc.match(/.{0,120}\d{4}-\d{2}-\d{2}T\d{2}:\d{2}.{0,20}/g)).toBeNull();

    await api.call('settings.update', { language: 'en' });
    const english = fs.readFileSync((await api.call('privacy.access', { contactId: person.id, format: 'html' })).path, 'utf8');
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('<th>First name</th><td>Quentinella</td>');
    expect(english).toMatch(/<td>€42\.00<\/td>/);
    expect(english).toContain('<td>Verbally, at the counter</td>');
    expect(english).toMatch(/<td>1 December 2026<\/td>/);
    expect(headings(english).filter((h) => /_|^[a-z]+$/.test(h))).toEqual([]);

    const audit = await api.call('audit.list', { action: 'privacy' });
    expect(audit.rows.filter((r) => r.action === 'privacy.access').map((r) => r.detail.format)).toEqual(['html', 'html', 'json']);
    expect(JSON.stringify(audit.rows)).not.toMatch(/zorglu|xylo/i);

    // an erasure removes the exports handed over too
    await api.call('privacy.erase', { contactId: person.id, confirmName: `${PLANTED.first} ${PLANTED.last}` });
    expect(fs.existsSync(json.path)).toBe(false);
    expect(fs.existsSync(html.path)).toBe(false);
    expect((await failure(api.call('privacy.access', { contactId: person.id, format: 'json' }))).code).toBe('NOT_FOUND');
  });
});

describe('audit.list', () => {
  it('pages newest first and records exports, merges and their undo', async () => {
    const { api } = await openClient();
    const a = await api.call('contacts.create', { firstName: 'Anne', lastName: 'Roux', email: 'anne@roux.fr' });
    const b = await api.call('contacts.create', { firstName: 'Anne', lastName: 'Roux', email: 'a.roux@roux.fr' });
    const merged = await api.call('contacts.merge', { keptId: a.id, removedId: b.id });
    await api.call('merges.undo', { mergeId: merged.mergeId });
    await api.call('contacts.export', { format: 'csv', ids: [a.id, b.id] });
    const all = await api.call('audit.list', { limit: 500 });
    const actions = all.rows.map((r) => r.action);
    expect(actions.slice(0, 3)).toEqual(['contacts.export', 'merges.undo', 'contacts.merge']);
    expect(all.rows[0]?.detail).toEqual({ format: 'csv', rows: 2 });
    expect(all.rows[2]).toMatchObject({ entity: 'contact', entityId: a.id, detail: { removedId: b.id, mergeId: merged.mergeId } });
    // paging: no entry twice, none skipped
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof api.call<'audit.list'>>> = await api.call('audit.list', { limit: 1, cursor });
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.rows.map((r) => r.id));
    const merges = await api.call('audit.list', { action: 'merges' });
    expect(merges.rows.map((r) => r.action)).toEqual(['merges.undo']);
    expect((await failure(api.call('audit.list', { limit: 0 }))).code).toBe('VALIDATION');
  });
});
