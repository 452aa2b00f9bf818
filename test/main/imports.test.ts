import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ImportReport, JobFinished } from '../../src-main/contract';
import { asWriteRefusal } from '../../src-main/domain/importexport';
import { shopDays } from '../../src-main/domain/imports/export';
import type { StoreClient } from '../../src-main/host/client';
import { failure, finishedJob, openClient, tempDir, undoImportCall } from './helpers';

const fixtures = path.resolve(import.meta.dirname, '..', 'fixtures', 'import');

/** Runs the import job through the contract and waits for its report. */
const importFile = async (
  client: StoreClient,
  file: string,
  options: { dryRun?: boolean; policy?: 'merge' | 'skip' | 'create'; cancelAfterFirstProgress?: boolean } = {},
): Promise<JobFinished> => {
  let jobId = '';
  const done = new Promise<JobFinished>((resolve) => {
    client.onEvent((event, payload) => {
      if (event === 'job.progress' && options.cancelAfterFirstProgress) void client.invoke('jobs.cancel', { jobId });
      if (event === 'job.finished') resolve(payload as JobFinished);
    });
  });
  const started = await client.invoke('imports.run', {
    kind: 'contacts',
    path: file,
    dryRun: options.dryRun ?? false,
    policy: options.policy ?? 'merge',
  });
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  jobId = (started.value as { jobId: string }).jobId;
  return done;
};

const report = (f: JobFinished): ImportReport => {
  if (f.status !== 'done') throw new Error(`import ${f.status}: ${JSON.stringify(f.error)}`);
  return f.result as ImportReport;
};

/** Every user table, row by row: "byte for byte as before" at the level users see. */
const dump = (dbPath: string): string => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'contacts_fts%' AND name NOT IN ('imports', 'import_changes', 'import_layouts') ORDER BY name")
      .pluck()
      .all() as string[];
    return JSON.stringify(
      tables.map((t) => [t, (db.prepare(`SELECT * FROM "${t}"`).all() as unknown[]).map((r) => JSON.stringify(r)).sort()]),
    );
  } finally {
    db.close();
  }
};

/** An undo restores the fields; only the update time moves on. */
const withoutUpdateTimes = (d: string) => d.replace(/\\"updated_at\\":\\"[^\\]+\\"/g, '');

/** The golden Windows-1252 file with its one bad row fixed, as a user would in Excel. */
const fixedExcelFile = (dir: string): string => {
  const bytes = fs.readFileSync(path.join(fixtures, 'clients-excel-fr.csv'));
  const text = bytes
    .toString('latin1')
    .replace('Mlle;Martin;;;pas-un-email;123;;;;7500;Paris;France;31/02/2024', 'Mlle;Martin;;;martin@exemple.fr;;;;;75001;Paris;France;28/02/2004');
  const file = path.join(dir, 'clients-corrige.csv');
  fs.writeFileSync(file, Buffer.from(text, 'latin1'));
  return file;
};

describe('contact import', () => {
  it('reports every bad row of a French Excel file with its line, field and reason, and writes nothing', async () => {
    const { client, dbPath } = await openClient();
    const before = dump(dbPath);
    const r = report(await importFile(client, path.join(fixtures, 'clients-excel-fr.csv')));
    expect(r.errors).toEqual([
      { line: 10, field: 'birthDate', value: '31/02/2024', reason: 'impossible_date' },
      { line: 10, field: 'email', value: 'pas-un-email', reason: 'invalid_email' },
      { line: 10, field: 'phone', value: '123', reason: 'invalid_phone' },
    ]);
    expect(r).toMatchObject({ importId: null, created: 0 });
    expect(dump(dbPath)).toBe(before);
  });

  it('imports the fixed file with accents, leading zeros and phones intact', async () => {
    const dir = tempDir();
    const { client, api } = await openClient(dir);
    const dry = report(await importFile(client, fixedExcelFile(dir), { dryRun: true }));
    expect(dry).toMatchObject({ dryRun: true, created: 6, errors: [] });
    expect((await api.call('app.status', {})).contactCount).toBe(0);

    const r = report(await importFile(client, fixedExcelFile(dir)));
    expect(r).toMatchObject({ created: 6, updated: 0, merged: 0, skipped: 0, errors: [] });
    const page = await api.call('contacts.list', { sort: 'name', limit: 20 });
    expect(page.rows.map((c) => [c.civility, c.firstName, c.lastName, c.postcode, c.city])).toEqual([
      ['m', 'Jean-Pierre', 'Dupont', '09100', 'Pamiers'],
      ['m', 'Hervé', 'D’Arcy', '06000', 'Nice'],
      ['m', 'François', 'Garçon', '75011', 'Paris'],
      ['mme', 'Élodie', 'Lefèvre', '01000', 'Bourg-en-Bresse'],
      ['mme', null, 'Martin', '75001', 'Paris'],
      ['mme', 'Zoé', 'Œuvray', '21000', 'Dijon'],
    ]);
    // Hervé's mobile is François's too: same phone, other name — a new contact, flagged for the duplicate finder
    expect(r.notices).toContainEqual(expect.objectContaining({ line: 11, reason: 'possible_duplicate' }));
    const elodie = await api.call('contacts.get', { id: page.rows.find((c) => c.lastName === 'Lefèvre')!.id });
    expect(elodie).toMatchObject({
      email: 'elodie.lefevre@orange.fr',
      phone: '+33612345678',
      addressLine1: '12 rue de l’Église',
      addressLine2: 'Bât. B – 2e étage',
      birthDate: '1985-03-05',
      code: 'C0001',
    });
    expect(elodie.phones.map((p) => p.phone)).toEqual(['+33474223344']);
    expect(elodie.tags.map((t) => t.name).sort()).toEqual(['Fidèle', 'VIP']);
    const francois = await api.call('contacts.get', { id: page.rows.find((c) => c.lastName === 'Garçon')!.id });
    expect(francois.companyName).toBe('Cœur de Lion SARL');
  });

  it('adds nothing when the same file is imported twice', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const file = fixedExcelFile(dir);
    report(await importFile(client, file));
    const before = dump(dbPath);
    const again = report(await importFile(client, file));
    expect(again).toMatchObject({ created: 0, skipped: 6, errors: [] });
    expect(dump(dbPath)).toBe(before);
  });

  it('fills gaps of an existing contact matched by e-mail, and undo puts it back', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    await api.call('contacts.create', { firstName: 'Élodie', lastName: 'Lefèvre', email: 'elodie.lefevre@orange.fr' });
    const before = dump(dbPath);
    const r = report(await importFile(client, fixedExcelFile(dir)));
    expect(r).toMatchObject({ created: 5, merged: 1 });
    const [elodie] = (await api.call('contacts.list', { q: 'elodie' })).rows;
    expect(elodie).toMatchObject({ postcode: '01000', city: 'Bourg-en-Bresse' });
    const history = await api.call('imports.list', {});
    expect(history[0]).toMatchObject({ id: r.importId, created: 5, merged: 1, undoneAt: null });
    const changed: unknown[] = [];
    const off = client.onEvent((event, payload) => {
      if (event === 'data.changed') changed.push(payload);
    });
    await undoImportCall(api, r.importId!);
    off();
    // open lists and contact pages are told to read again
    expect(changed).toEqual([{ scope: 'all' }]);
    expect(withoutUpdateTimes(dump(dbPath))).toBe(withoutUpdateTimes(before));
    const after = (await api.call('contacts.list', {})).rows;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ postcode: null, city: null });
    await expect(api.call('imports.undo', { importId: r.importId! })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('undoes as a job: a cancel leaves everything as it was and the import still undoable', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    await api.call('contacts.create', { firstName: 'Élodie', lastName: 'Lefèvre', email: 'elodie.lefevre@orange.fr' });
    const r = report(await importFile(client, fixedExcelFile(dir)));
    const imported = dump(dbPath);
    const phases: string[] = [];
    const off = api.on('job.progress', (p) => {
      phases.push(p.phase);
      void api.call('jobs.cancel', { jobId: p.jobId });
    });
    const cancelled = await finishedJob(api, () => api.call('imports.undo', { importId: r.importId! }));
    off();
    expect(cancelled).toMatchObject({ kind: 'import', status: 'cancelled', error: { code: 'CANCELLED' } });
    expect(phases[0]).toBe('import.undo.contacts');
    expect(dump(dbPath)).toBe(imported);
    expect((await api.call('imports.list', {}))[0]).toMatchObject({ id: r.importId, undoneAt: null });
    expect(await undoImportCall(api, r.importId!)).toMatchObject({ id: r.importId, created: 5, merged: 1 });
    expect((await api.call('contacts.list', {})).total).toBe(1);
  });

  it('names a running import and a running undo, so a screen opened meanwhile finds them again', async () => {
    const dir = tempDir();
    const { api } = await openClient(dir);
    const file = fixedExcelFile(dir);
    expect(await api.call('jobs.running', {})).toEqual([]);
    const run = (dryRun: boolean) => async () => {
      const ref = await api.call('imports.run', { kind: 'contacts', path: file, dryRun });
      const subject = dryRun ? null : { type: 'import', kind: 'contacts', file: path.basename(file) };
      expect(await api.call('jobs.running', {})).toEqual([{ jobId: ref.jobId, kind: 'import', subject }]);
      return ref;
    };
    // a dry run belongs to its page (cancelled when it closes): nothing for another screen to take back
    expect(await finishedJob(api, run(true))).toMatchObject({ status: 'done', subject: null, result: { dryRun: true } });
    // its progress and its end name it too: the header of any other screen follows it
    const subjects: unknown[] = [];
    const off = api.on('job.progress', (p) => subjects.push(p.subject));
    const imported = await finishedJob(api, run(false));
    off();
    const subject = { type: 'import', kind: 'contacts', file: path.basename(file) };
    expect(imported).toMatchObject({ status: 'done', subject, result: { dryRun: false, created: 6 } });
    expect(subjects.length).toBeGreaterThan(0);
    expect(new Set(subjects.map((x) => JSON.stringify(x)))).toEqual(new Set([JSON.stringify(subject)]));
    const r = report(imported);
    const finished = finishedJob(api, async () => {
      const ref = await api.call('imports.undo', { importId: r.importId! });
      expect(await api.call('jobs.running', {})).toEqual([{ jobId: ref.jobId, kind: 'import', subject: { type: 'undo', importId: r.importId } }]);
      // one undo at a time, and never beside an import
      expect((await failure(api.call('imports.undo', { importId: r.importId! }))).code).toBe('BUSY');
      return ref;
    });
    expect(await finished).toMatchObject({ status: 'done' });
    expect(await api.call('jobs.running', {})).toEqual([]);
  });

  it('answers where a job is by its id, its end included, for a screen that missed the event', async () => {
    const dir = tempDir();
    const { api } = await openClient(dir);
    const file = fixedExcelFile(dir);
    let jobId = '';
    const end = await finishedJob(api, async () => {
      const ref = await api.call('imports.run', { kind: 'contacts', path: file, dryRun: false });
      jobId = ref.jobId;
      expect(await api.call('jobs.status', { jobId })).toEqual({ jobId, status: 'running' });
      return ref;
    });
    // the same end as the event said
    expect(await api.call('jobs.status', { jobId })).toEqual(end);
    expect(end).toMatchObject({ status: 'done', kind: 'import' });
    expect(await api.call('jobs.status', { jobId: 'no-such-job' })).toBeNull();
    expect((await failure(api.call('jobs.status', { jobId: '' }))).code).toBe('VALIDATION');
  });

  it('keeps a before-image only of contacts that were there before the import', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    const elodie = await api.call('contacts.create', { firstName: 'Élodie', lastName: 'Lefèvre', email: 'elodie.lefevre@orange.fr' });
    const before = dump(dbPath);
    const file = path.join(dir, 'doublons.csv');
    // the third row completes the contact the second one created
    fs.writeFileSync(
      file,
      'Prénom;Nom;E-mail;Ville\r\nÉlodie;Lefèvre;elodie.lefevre@orange.fr;Lyon\r\nPaul;Durand;paul.durand@example.fr;\r\nPaul;Durand;paul.durand@example.fr;Nantes\r\n',
    );
    const r = report(await importFile(client, file));
    expect(r).toMatchObject({ created: 1, merged: 2, errors: [] });
    expect((await api.call('contacts.list', { q: 'durand' })).rows).toMatchObject([{ city: 'Nantes' }]);
    const db = new BetterSqlite3(dbPath, { readonly: true });
    const images = db.prepare("SELECT entity_id FROM import_changes WHERE import_id = ? AND entity = 'contact'").pluck().all(r.importId);
    db.close();
    expect(images).toEqual([elodie.id]);
    await undoImportCall(api, r.importId!);
    expect(withoutUpdateTimes(dump(dbPath))).toBe(withoutUpdateTimes(before));
  });

  it('imports a Google Contacts export: the name\'s parts, several values to a cell, its own groups', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const r = report(await importFile(client, path.join(fixtures, 'google-contacts.csv')));
    expect(r).toMatchObject({ created: 3, errors: [] });
    expect(r.notices).toEqual([{ line: 6, field: 'birthDate', value: '--02-01', reason: 'birthday_without_year' }]);
    const db = new BetterSqlite3(dbPath, { readonly: true });
    try {
      expect(
        db.prepare('SELECT first_name, last_name, email, phone, address_line1, address_line2, postcode, city, birth_date, job_title FROM contacts ORDER BY id').raw().all(),
      ).toEqual([
        ['Élodie', 'Lefèvre', 'elodie.lefevre@orange.fr', '+33612345678', '12 rue de l’Église', 'Bât. B', '01000', 'Bourg-en-Bresse', '1985-03-05', 'Gérante'],
        ['François', 'Garçon', 'f.garcon@free.fr', '+33611223344', null, null, null, null, null, null],
        ['Zoé', null, null, '+33712345678', null, null, null, null, null, null],
      ]);
      expect(db.prepare('SELECT contact_id, phone FROM contact_phones ORDER BY id').raw().all()).toEqual([[1, '+33698765432'], [1, '+33474223344']]);
      expect(db.prepare('SELECT contact_id, email FROM contact_emails ORDER BY id').raw().all()).toEqual([[1, 'elodie@coeurdelion.fr'], [2, 'francois.garcon@gmail.com']]);
      // every contact is in Google's "myContacts": no tag of it
      expect(db.prepare('SELECT ct.contact_id, t.name FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id ORDER BY 1, 2').raw().all()).toEqual([
        [1, 'VIP'], [1, 'starred'], [3, 'Noël'], [3, 'Pro'],
      ]);
      expect(db.prepare('SELECT c.name FROM contacts JOIN companies c ON c.id = company_id').pluck().all()).toEqual(['Cœur de Lion SARL']);
      expect(db.prepare('SELECT contact_id, body FROM notes').raw().all()).toEqual([[1, 'Préfère être appelée le matin']]);
    } finally {
      db.close();
    }
  });

  it('imports an Outlook export: a home or a business address and number, whichever the row has, and no birthday for "0/0/00"', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const header = ['First Name', 'Last Name', 'Title', 'E-mail Address', 'Home Phone', 'Home Phone 2', 'Business Phone', 'Mobile Phone', 'Job Title',
      'Company', 'Business Street', 'Business City', 'Business Postal Code', 'Business Country/Region', 'Home Street', 'Home City',
      'Home Postal Code', 'Home Country/Region', 'Birthday', 'Notes'];
    const rows = [
      ['Élodie', 'Lefèvre', 'Mme', 'elodie@orange.fr', '', '', '', '06 12 34 56 78', '', '', '', '', '', '', '12 rue de la Paix', 'Lyon', '69002', 'France', '05/03/1985', 'Cliente'],
      ['Paul', 'Durand', '', 'paul@durand.fr', '', '', '04 78 12 34 56', '', 'Gérant', 'Durand SA', '5 avenue Foch', 'Paris', '75016', 'France', '', '', '', '', '0/0/00', ''],
    ];
    const file = path.join(dir, 'outlook.csv');
    // as Outlook writes it: every cell quoted, commas, Windows-1252
    fs.writeFileSync(file, iconv.encode(`${[header, ...rows].map((r) => r.map((c) => `"${c}"`).join(',')).join('\r\n')}\r\n`, 'windows1252'));
    expect(report(await importFile(client, file))).toMatchObject({ created: 2, errors: [], notices: [] });
    const db = new BetterSqlite3(dbPath, { readonly: true });
    try {
      expect(db.prepare('SELECT civility, first_name, email, phone, address_line1, postcode, city, country, birth_date, job_title FROM contacts ORDER BY id').raw().all()).toEqual([
        ['mme', 'Élodie', 'elodie@orange.fr', '+33612345678', '12 rue de la Paix', '69002', 'Lyon', 'FR', '1985-03-05', null],
        [null, 'Paul', 'paul@durand.fr', '+33478123456', '5 avenue Foch', '75016', 'Paris', 'FR', null, 'Gérant'],
      ]);
    } finally {
      db.close();
    }
  });

  it('imports a « CSV » saved by Excel for Mac (Mac Roman, CR line ends) with its accents', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const file = path.join(dir, 'clients-mac.csv');
    fs.writeFileSync(file, iconv.encode('Nom;Prénom;Ville\rLefèvre;Élodie;Besançon\rŒuvray;Zoé;Orléans\r', 'macintosh'));
    expect(report(await importFile(client, file))).toMatchObject({ created: 2, errors: [] });
    expect(storedContacts(dbPath).contacts).toEqual([
      { id: 1, first_name: 'Élodie', last_name: 'Lefèvre', email: null, phone: null },
      { id: 2, first_name: 'Zoé', last_name: 'Œuvray', email: null, phone: null },
    ]);
    const preview = await client.invoke('imports.preview', { kind: 'contacts', path: file });
    expect(preview).toMatchObject({ ok: true, value: { encoding: 'mac-roman' } });
  });

  it('reads an Excel for Mac file as Mac Roman even when its first accent comes after 64 KB of plain text', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const file = path.join(dir, 'clients-mac-long.csv');
    const plain = Array.from({ length: 4000 }, (_, i) => `Martin${i};Paul;Lyon`).join('\r');
    expect(plain.length).toBeGreaterThan(64 * 1024);
    fs.writeFileSync(file, iconv.encode(`Nom;Prenom;Ville\r${plain}\rLefèvre;Élodie;Besançon\rŒuvray;Zoé;Orléans\r`, 'macintosh'));
    expect(report(await importFile(client, file))).toMatchObject({ created: 4002, errors: [] });
    const db = new BetterSqlite3(dbPath, { readonly: true });
    try {
      expect(db.prepare("SELECT first_name, last_name, city FROM contacts WHERE first_name <> 'Paul' ORDER BY id").raw().all()).toEqual([
        ['Élodie', 'Lefèvre', 'Besançon'],
        ['Zoé', 'Œuvray', 'Orléans'],
      ]);
    } finally {
      db.close();
    }
  });

  it('imports UTF-8 with BOM, xlsx and vCard files', async () => {
    const utf8 = await openClient();
    expect(report(await importFile(utf8.client, path.join(fixtures, 'clients-utf8-bom.csv')))).toMatchObject({ created: 4, errors: [] });
    const xlsx = await openClient();
    const x = report(await importFile(xlsx.client, path.join(fixtures, 'clients.xlsx')));
    expect(x.errors).toEqual([]);
    expect(x.created + x.merged).toBe(3);
    const vcf = await openClient();
    const v = report(await importFile(vcf.client, path.join(fixtures, 'contacts.vcf'), { dryRun: true }));
    expect(v.created).toBe(3);
    expect(v.errors.map((e) => e.reason)).toEqual(['unterminated_card', 'name_required', 'text_outside_card']);
  });

  it('leaves the base as before when cancelled half-way or failing on the last row', async () => {
    const dir = tempDir();
    const { client, api, dbPath } = await openClient(dir);
    await api.call('contacts.create', { lastName: 'Avant' });
    const lines = ['Nom;Prénom;E-mail;CP'];
    for (let i = 0; i < 5000; i += 1) lines.push(`Nom${i};Prénom${i};p${i}@exemple.fr;${String(i % 100000).padStart(5, '0')}`);
    const big = path.join(dir, 'gros.csv');
    fs.writeFileSync(big, `${lines.join('\r\n')}\r\n`);
    const before = dump(dbPath);
    const cancelled = await importFile(client, big, { cancelAfterFirstProgress: true });
    expect(cancelled.status).toBe('cancelled');
    expect(dump(dbPath)).toBe(before);

    const failing = path.join(dir, 'fin-fausse.csv');
    fs.writeFileSync(failing, `${lines.join('\r\n')}\r\nDernier;Ligne;pas-un-email;01000\r\n`);
    const r = report(await importFile(client, failing));
    expect(r.errors).toEqual([{ line: 5002, field: 'email', value: 'pas-un-email', reason: 'invalid_email' }]);
    expect(dump(dbPath)).toBe(before);
  });

  it('refuses empty and binary files, folders and missing files with a clear reason', async () => {
    const dir = tempDir();
    const { api } = await openClient(dir);
    const empty = path.join(dir, 'vide.csv');
    fs.writeFileSync(empty, '');
    await expect(api.call('imports.preview', { kind: 'contacts', path: empty })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { reason: 'empty_file' },
    });
    const png = path.join(dir, 'image.csv');
    fs.writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    await expect(api.call('imports.preview', { kind: 'contacts', path: png })).rejects.toMatchObject({
      details: { reason: 'binary_file' },
    });
    // a folder or a missing file is not an empty file: the user is told which slip it was
    await expect(api.call('imports.preview', { kind: 'contacts', path: dir })).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { reason: 'is_folder' },
    });
    await expect(api.call('imports.preview', { kind: 'purchases', path: dir })).rejects.toMatchObject({ details: { reason: 'is_folder' } });
    await expect(api.call('imports.preview', { kind: 'contacts', path: path.join(dir, 'absent.csv') })).rejects.toMatchObject({
      details: { reason: 'no_file' },
    });
  });

  it('previews the first rows with a guessed mapping, remembered after an import', async () => {
    const dir = tempDir();
    const { client, api } = await openClient(dir);
    const file = fixedExcelFile(dir);
    const preview = await api.call('imports.preview', { kind: 'contacts', path: file });
    expect(preview).toMatchObject({ format: 'csv', encoding: 'windows-1252', delimiter: ';', mappingSource: 'guessed' });
    expect(preview.mapping.slice(0, 5)).toEqual(['civility', 'lastName', 'firstName', 'company', 'email']);
    expect(preview.sample[0]?.values).toMatchObject({ lastName: 'Lefèvre', postcode: '01000', phone: '+33612345678' });
    const edited = [...preview.mapping];
    edited[14] = null;
    await api.call('imports.preview', { kind: 'contacts', path: file, mapping: edited });
    report(await importFile(client, file));
    expect((await api.call('imports.preview', { kind: 'contacts', path: file })).mappingSource).toBe('remembered');
  });
});

/** The rows an import of contacts writes, as stored. */
const storedContacts = (dbPath: string) => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return {
      contacts: db.prepare('SELECT id, first_name, last_name, email, phone FROM contacts ORDER BY id').all(),
      emails: db.prepare('SELECT contact_id, email, label FROM contact_emails ORDER BY id').all(),
      phones: db.prepare('SELECT contact_id, phone, label FROM contact_phones ORDER BY id').all(),
    };
  } finally {
    db.close();
  }
};

const vcf = (...lines: string[]): string => `${lines.join('\r\n')}\r\n`;

describe('vCard import', () => {
  it('keeps every e-mail and number of 3.0 and 4.0 cards, their TYPE as label, and adds nothing imported twice', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const file = path.join(dir, 'multi.vcf');
    fs.writeFileSync(
      file,
      vcf(
        'BEGIN:VCARD', 'VERSION:3.0', 'N:Martin;Paul;;;', 'FN:Paul Martin',
        'TEL;TYPE=CELL:06 11 11 11 11', 'TEL;TYPE=HOME:01 22 22 22 22', 'TEL;TYPE=WORK:01 33 33 33 33',
        'EMAIL;TYPE=HOME:p1@example.fr', 'EMAIL;TYPE=WORK:p2@example.fr', 'EMAIL;TYPE=OTHER:p3@example.fr',
        'END:VCARD',
        'BEGIN:VCARD', 'VERSION:4.0', 'FN:Anne Roux', 'N:Roux;Anne;;;',
        'EMAIL;TYPE=work:anne@roux.fr', 'EMAIL;PREF=1:anne@perso.fr', 'EMAIL;TYPE=home:anne@maison.fr', 'EMAIL:anne@autre.fr',
        'TEL;VALUE=uri;TYPE="voice,home":tel:+33-4-44-44-44-44', 'TEL;VALUE=uri;TYPE=cell;PREF=1:tel:+33-6-55-55-55-55',
        'TEL;TYPE=work,cell:07 66 66 66 66', 'TEL;TYPE=fax:04 44 44 44 45',
        'END:VCARD',
      ),
    );
    const first = report(await importFile(client, file));
    expect(first).toMatchObject({ created: 2, errors: [], notices: [] });
    const stored = storedContacts(dbPath);
    expect(stored).toEqual({
      contacts: [
        { id: 1, first_name: 'Paul', last_name: 'Martin', email: 'p1@example.fr', phone: '+33611111111' },
        { id: 2, first_name: 'Anne', last_name: 'Roux', email: 'anne@perso.fr', phone: '+33655555555' },
      ],
      emails: [
        { contact_id: 1, email: 'p2@example.fr', label: 'travail' },
        { contact_id: 1, email: 'p3@example.fr', label: 'autre' },
        { contact_id: 2, email: 'anne@roux.fr', label: 'travail' },
        { contact_id: 2, email: 'anne@maison.fr', label: 'domicile' },
        { contact_id: 2, email: 'anne@autre.fr', label: null },
      ],
      phones: [
        { contact_id: 1, phone: '+33122222222', label: 'domicile' },
        { contact_id: 1, phone: '+33133333333', label: 'travail' },
        { contact_id: 2, phone: '+33444444444', label: 'domicile' },
        { contact_id: 2, phone: '+33766666666', label: 'portable, travail' },
      ],
    });
    for (const policy of ['merge', 'skip'] as const) {
      expect(report(await importFile(client, file, { policy }))).toMatchObject({ created: 0, updated: 0, merged: 0, skipped: 2, errors: [] });
      expect(storedContacts(dbPath)).toEqual(stored);
    }
  });

  it('reports a bad value at the line of its property, a folded one at its first line, and a skipped line at its own', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const before = dump(dbPath);
    const file = path.join(dir, 'bad.vcf');
    fs.writeFileSync(
      file,
      vcf(
        'BEGIN:VCARD', 'VERSION:3.0', 'N:Roux;Anne;;;', 'END:VCARD',
        '',
        'BEGIN:VCARD', 'VERSION:3.0', 'N:Martin;Paul;;;',
        'EMAIL:pas-un-',
        ' email',
        'BDAY:1990-13-45',
        'EMAIL;TYPE=WORK:p2@example.fr',
        'EMAIL;TYPE=HOME:p3@@example.fr',
        'CETTE LIGNE EST CASSÉE',
        'TEL;TYPE=HOME:123',
        'END:VCARD',
      ),
    );
    const r = report(await importFile(client, file));
    expect(r.errors).toEqual([
      { line: 11, field: 'birthDate', value: '1990-13-45', reason: 'impossible_date' },
      { line: 9, field: 'email', value: 'pas-un-email', reason: 'invalid_email' },
      { line: 15, field: 'phone', value: '123', reason: 'invalid_phone' },
      { line: 13, field: 'emails.1.email', value: '[{"email":"p2@example.fr","label":"travail"},{"email":"p3@@example.fr","label":"domicile"}]', reason: 'invalid_email' },
    ]);
    expect(r.notices).toEqual([{ line: 14, field: null, value: '', reason: 'invalid_line' }]);
    expect(dump(dbPath)).toBe(before);
  });

  it('says which e-mails and numbers a card has beyond what a record keeps, and keeps the others', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const file = path.join(dir, 'many.vcf');
    const emails = Array.from({ length: 13 }, (_, i) => `EMAIL:p${i + 1}@example.fr`);
    fs.writeFileSync(file, vcf('BEGIN:VCARD', 'VERSION:3.0', 'N:Martin;Paul;;;', ...emails, 'END:VCARD'));
    const r = report(await importFile(client, file));
    expect(r).toMatchObject({ created: 1, errors: [] });
    expect(r.notices).toEqual([{ line: 15, field: 'emails', value: 'p12@example.fr, p13@example.fr', reason: 'too_many_extras' }]);
    const stored = storedContacts(dbPath);
    expect(stored.contacts).toEqual([{ id: 1, first_name: 'Paul', last_name: 'Martin', email: 'p1@example.fr', phone: null }]);
    expect(stored.emails).toEqual(Array.from({ length: 10 }, (_, i) => ({ contact_id: 1, email: `p${i + 2}@example.fr`, label: null })));
  });

  it('takes a row\'s only address from its second e-mail column as the contact\'s e-mail; one that is not an address is named in its column', async () => {
    const dir = tempDir();
    const { client, dbPath } = await openClient(dir);
    const file = path.join(dir, 'seconde.csv');
    const rows = ['Nom;Prénom;E-mail;E-mail 2', 'Roux;Ana;;Ana.Roux@Exemple.fr', 'Petit;Jo;jo@exemple.fr;jo.pro@exemple.fr', 'Blanc;Lou;lou@exemple.fr;'];
    fs.writeFileSync(file, `${rows.join('\r\n')}\r\n`);
    // the import's quick reading takes these rows; the property test in imports-fast holds normaliseContact to the same
    expect(report(await importFile(client, file))).toMatchObject({ created: 3, errors: [] });
    expect(storedContacts(dbPath)).toEqual({
      contacts: [
        { id: 1, first_name: 'Ana', last_name: 'Roux', email: 'ana.roux@exemple.fr', phone: null },
        { id: 2, first_name: 'Jo', last_name: 'Petit', email: 'jo@exemple.fr', phone: null },
        { id: 3, first_name: 'Lou', last_name: 'Blanc', email: 'lou@exemple.fr', phone: null },
      ],
      emails: [{ contact_id: 2, email: 'jo.pro@exemple.fr', label: null }],
      phones: [],
    });
    fs.writeFileSync(file, 'Nom;Prénom;E-mail;E-mail 2\r\nVert;Max;;pas-une-adresse\r\n');
    expect(report(await importFile(client, file)).errors).toEqual([
      { line: 2, field: 'emails.0.email', value: '[{"email":"pas-une-adresse","label":null}]', reason: 'invalid_email' },
    ]);
  });

  it('reads the labels an iPhone gives its numbers: its own as kinds, the user’s words as typed, faxes left out', async () => {
    const { client, dbPath, dir } = await openClient();
    const file = path.join(dir, 'iphone.vcf');
    fs.writeFileSync(
      file,
      [
        'BEGIN:VCARD',
        'VERSION:3.0',
        'N:Roux;Ana;;;',
        'FN:Ana Roux',
        'item1.EMAIL;type=INTERNET;type=pref:ana.roux@exemple.fr',
        'item1.X-ABLabel:_$!<Other>!$_',
        'item2.EMAIL;type=INTERNET:commandes@cave-roux.fr',
        'item2.X-ABLabel:Commandes',
        'item3.TEL;type=pref:06 12 34 56 78',
        'item3.X-ABLabel:_$!<Mobile>!$_',
        'item4.TEL:04 78 12 34 56',
        'item4.X-ABLabel:Boutique',
        'item5.TEL:04 78 65 43 21',
        'item5.X-ABLabel:_$!<WorkFAX>!$_',
        'item6.TEL:04 78 99 99 99',
        'item6.X-ABLabel:Dépôt\\, quai n°2',
        'END:VCARD',
        '',
      ].join('\r\n'),
    );
    expect(report(await importFile(client, file))).toMatchObject({ created: 1, errors: [] });
    expect(storedContacts(dbPath)).toEqual({
      // the mobile (Apple's own label) is the contact's number, as a CELL would be
      contacts: [{ id: 1, first_name: 'Ana', last_name: 'Roux', email: 'ana.roux@exemple.fr', phone: '+33612345678' }],
      emails: [{ contact_id: 1, email: 'commandes@cave-roux.fr', label: 'Commandes' }],
      phones: [
        { contact_id: 1, phone: '+33478123456', label: 'Boutique' },
        { contact_id: 1, phone: '+33478999999', label: 'Dépôt, quai n°2' },
      ],
    });
  });

  it('exports every extra e-mail and number with its TYPE, so a round trip keeps them and their labels', async () => {
    const dir = tempDir();
    const source = await openClient(dir, 'a.sqlite');
    await source.api.call('contacts.create', {
      lastName: 'Martin',
      email: 'p1@example.fr',
      emails: [{ email: 'p2@example.fr', label: 'Travail' }, { email: 'p3@example.fr', label: 'chez sa mère' }],
      phone: '06 11 11 11 11',
      phones: [{ phone: '01 22 22 22 22', label: 'domicile' }, { phone: '07 33 33 33 33', label: 'portable, travail' }, { phone: '01 44 44 44 44', label: null }],
    });
    const out = path.join(dir, 'export.vcf');
    await source.api.call('contacts.export', { path: out, format: 'vcf', encoding: 'utf-8-bom', delimiter: ';' });
    expect(fs.readFileSync(out, 'utf8').split('\r\n').filter((l) => /^(item\d+\.)?(EMAIL|TEL|X-ABLabel)/.test(l))).toEqual([
      'EMAIL;PREF=1:p1@example.fr',
      'EMAIL;TYPE=work:p2@example.fr',
      // a label of the user's own words has no TYPE: it goes as Apple's label, which iPhones and Google show
      'item1.EMAIL:p3@example.fr',
      'item1.X-ABLabel:chez sa mère',
      'TEL;TYPE=cell;PREF=1:+33611111111',
      'TEL;TYPE=home:+33122222222',
      'TEL;TYPE=cell,work:+33733333333',
      'TEL;TYPE=voice:+33144444444',
    ]);
    const target = await openClient(dir, 'b.sqlite');
    expect(report(await importFile(target.client, out))).toMatchObject({ created: 1, errors: [], notices: [] });
    expect(storedContacts(target.dbPath)).toEqual({
      contacts: [{ id: 1, first_name: null, last_name: 'Martin', email: 'p1@example.fr', phone: '+33611111111' }],
      emails: [
        { contact_id: 1, email: 'p2@example.fr', label: 'travail' },
        { contact_id: 1, email: 'p3@example.fr', label: 'chez sa mère' },
      ],
      phones: [
        { contact_id: 1, phone: '+33122222222', label: 'domicile' },
        { contact_id: 1, phone: '+33733333333', label: 'portable, travail' },
        { contact_id: 1, phone: '+33144444444', label: null },
      ],
    });
  });
  it('marks only a mobile primary number as « cell », and a card’s preferred landline stays primary beside a mobile', async () => {
    const dir = tempDir();
    const source = await openClient(dir, 'a.sqlite');
    await source.api.call('contacts.create', { lastName: 'Fixe', phone: '01 44 44 44 44', phones: [{ phone: '06 11 11 11 11', label: 'portable' }] });
    await source.api.call('contacts.create', { lastName: 'Bruxelles', phone: '+32 470 12 34 56' });
    const out = path.join(dir, 'export.vcf');
    await source.api.call('contacts.export', { path: out, format: 'vcf', encoding: 'utf-8-bom', delimiter: ';' });
    expect(fs.readFileSync(out, 'utf8').split('\r\n').filter((l) => l.startsWith('TEL'))).toEqual([
      'TEL;TYPE=cell;PREF=1:+32470123456',
      'TEL;TYPE=voice;PREF=1:+33144444444',
      'TEL;TYPE=cell:+33611111111',
    ]);
    const target = await openClient(dir, 'b.sqlite');
    expect(report(await importFile(target.client, out))).toMatchObject({ created: 2, errors: [] });
    expect(storedContacts(target.dbPath)).toMatchObject({
      contacts: [
        { id: 1, last_name: 'Bruxelles', phone: '+32470123456' },
        { id: 2, last_name: 'Fixe', phone: '+33144444444' },
      ],
      phones: [{ contact_id: 2, phone: '+33611111111', label: 'portable' }],
    });

    // without a preferred number, the mobile is the one a shop texts: primary
    const card = path.join(dir, 'sans-pref.vcf');
    fs.writeFileSync(card, ['BEGIN:VCARD', 'VERSION:3.0', 'N:Duval;Anne;;;', 'TEL;TYPE=HOME:01 22 22 22 22', 'TEL;TYPE=CELL:06 33 33 33 33', 'END:VCARD', ''].join('\r\n'));
    expect(report(await importFile(target.client, card))).toMatchObject({ created: 1, errors: [] });
    expect(storedContacts(target.dbPath).contacts.at(-1)).toMatchObject({ last_name: 'Duval', phone: '+33633333333' });
  });
});

describe('contact export', () => {
  it.each(['csv', 'xlsx', 'vcf'] as const)('round-trips the base through %s', async (format) => {
    const dir = tempDir();
    const source = await openClient(dir, 'a.sqlite');
    report(await importFile(source.client, fixedExcelFile(dir)));
    const out = path.join(dir, `export.${format}`);
    const result = await source.api.call('contacts.export', {
      path: out,
      format,
      encoding: 'windows-1252',
      delimiter: ';',
    });
    expect(result.rows).toBe(6);
    const target = await openClient(dir, 'b.sqlite');
    const r = report(await importFile(target.client, out));
    expect(r).toMatchObject({ created: 6, errors: [] });
    const names = async (api: typeof source.api) =>
      Promise.all(
        (await api.call('contacts.list', { sort: 'name' })).rows.map(async (c) => [
          c.firstName,
          c.lastName,
          c.postcode,
          c.phone,
          (await api.call('contacts.get', { id: c.id })).country,
        ]),
      );
    expect(await names(target.api)).toEqual(await names(source.api));
    // a country is written by its name, which address books show as is
    if (format === 'vcf') expect(fs.readFileSync(out, 'utf8')).toMatch(/^ADR.*;France$/m);
  });

  it.each([
    [
      'fr',
      ';Société;SIRET;Fonction;E-mail;Autres e-mails;Téléphone;Autres téléphones;',
      ';Pays;Date de naissance;Langue;Statut;Origine;Détail origine;',
      [';France;;Anglais;Ancien client;Site web;;', ';France;;;Prospect;Autre;Marché de Noël;', ';Belgique;1985-03-05;;Client;Service après-vente;;'],
      ';0;0,00;',
    ],
    [
      'en',
      ';Company;SIRET;Job title;Email;Other emails;Phone;Other phones;',
      ';Country;Birth date;Language;Status;Source;Source detail;',
      [';France;;English;Former customer;Website;;', ';France;;;Prospect;Other;Marché de Noël;', ';Belgium;1985-03-05;;Customer;After-sales service;;'],
      ';0;0.00;',
    ],
  ] as const)('writes headers, words and amounts in its language (%s), which import back as the same values, detail included', async (language, details, header, rows, figures) => {
    const dir = tempDir();
    const source = await openClient(dir, 'a.sqlite');
    await source.api.call('contacts.create', { lastName: 'Arnaud', status: 'former', source: 'website', phone: '06 12 34 56 78', language: 'en' });
    const company = await source.api.call('companies.create', { name: 'Bastide SARL', siret: '732 829 320 00074' });
    await source.api.call('contacts.create', {
      lastName: 'Bastide',
      source: 'other',
      sourceDetail: 'Marché de Noël',
      postcode: '01000',
      companyId: company.id,
      email: 'b1@bastide.fr',
      emails: [{ email: 'b2@bastide.fr', label: null }, { email: 'b3@bastide.fr', label: null }],
      phone: '01 22 33 44 55',
      phones: [{ phone: '06 11 22 33 44', label: null }, { phone: '+32 470 12 34 56', label: null }],
    });
    await source.api.call('contacts.create', { lastName: 'Colin', status: 'customer', source: 'after_sales', birthDate: '1985-03-05', country: 'BE' });
    const out = path.join(dir, 'export.csv');
    await source.api.call('contacts.export', { path: out, format: 'csv', encoding: 'windows-1252', delimiter: ';', language });
    const lines = iconv.decode(fs.readFileSync(out), 'win1252').split('\r\n');
    expect(lines[0]).toContain(details);
    expect(lines[0]).toContain(header);
    // the other addresses and numbers in one cell each, as Google Contacts writes them
    expect(lines[2]).toContain(';Bastide SARL;73282932000074;;b1@bastide.fr;b2@bastide.fr ::: b3@bastide.fr;01 22 33 44 55;06 11 22 33 44 ::: +32 470 12 34 56;');
    rows.forEach((row, i) => expect(lines[i + 1]).toContain(row));
    // purchases, total spent (with the language's decimal mark), no last purchase
    rows.forEach((_, i) => expect(lines[i + 1]?.endsWith(figures)).toBe(true));

    const target = await openClient(dir, 'b.sqlite');
    const preview = await target.api.call('imports.preview', { kind: 'contacts', path: out });
    // every column lands where it came from; the figures written for reading (created on, purchases, spent, last purchase) are not imported
    expect(preview.mapping).toEqual([
      'code', 'civility', 'firstName', 'lastName', 'company', 'siret', 'jobTitle', 'email', 'email2', 'phone', 'phone2', 'addressLine1', 'addressLine2',
      'postcode', 'city', 'country', 'birthDate', 'language', 'status', 'source', 'sourceDetail', 'tags', null, null, null, null,
    ]);
    expect(report(await importFile(target.client, out))).toMatchObject({ created: 3, errors: [] });
    const origins = async (api: typeof source.api) =>
      Promise.all(
        (await api.call('contacts.list', { sort: 'name' })).rows.map(async ({ id }) => {
          const c = await api.call('contacts.get', { id });
          const siret = c.companyId === null ? null : (await api.call('companies.get', { id: c.companyId })).siret;
          return [c.lastName, c.status, c.source, c.sourceDetail, c.phone, c.postcode, c.birthDate, c.country, c.language, siret, c.emails.map((e) => e.email), c.phones.map((p) => p.phone)];
        }),
      );
    expect(await origins(target.api)).toEqual([
      ['Arnaud', 'former', 'website', null, '+33612345678', null, null, 'FR', 'en', null, [], []],
      ['Bastide', 'prospect', 'other', 'Marché de Noël', '+33122334455', '01000', null, 'FR', null, '73282932000074', ['b2@bastide.fr', 'b3@bastide.fr'], ['+33611223344', '+32470123456']],
      ['Colin', 'customer', 'after_sales', null, null, null, '1985-03-05', 'BE', null, null, [], []],
    ]);
    expect(await origins(target.api)).toEqual(await origins(source.api));
  });

  it('keeps an origin it cannot name in words, as "other" with that detail unless the row gives one', async () => {
    const dir = tempDir();
    const { client, api } = await openClient(dir);
    const file = path.join(dir, 'origines.csv');
    fs.writeFileSync(file, 'Nom;Origine;Détail origine\r\nDurand;Facebook;\r\nEvrard;Facebook;Publicité de mars\r\nFaure;Autre;\r\nGilles;Salon de Lyon;\r\n');
    expect(report(await importFile(client, file))).toMatchObject({ created: 4, errors: [] });
    const rows = (await api.call('contacts.list', { sort: 'name' })).rows;
    const details = await Promise.all(
      rows.map(async ({ id }) => {
        const c = await api.call('contacts.get', { id });
        return [c.lastName, c.source, c.sourceDetail];
      }),
    );
    expect(details).toEqual([
      ['Durand', 'other', 'Facebook'],
      ['Evrard', 'other', 'Publicité de mars'],
      ['Faure', 'other', null],
      ['Gilles', 'salesperson', null],
    ]);
  });

  it('types counts, amounts and days in the .xlsx export, and keeps codes and phones as text', async () => {
    const dir = tempDir();
    const { api } = await openClient(dir);
    await api.call('contacts.create', { lastName: 'Arnaud', code: '00042', phone: '06 12 34 56 78', birthDate: '1985-03-05' });
    const out = path.join(dir, 'export.xlsx');
    await api.call('contacts.export', { path: out, format: 'xlsx' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(out);
    const sheet = workbook.worksheets[0]!;
    const cell = (name: string) => sheet.getRow(2).getCell((sheet.getRow(1).values as string[]).indexOf(name));
    expect(cell('Code client').value).toBe('00042');
    expect(cell('Téléphone').value).toBe('06 12 34 56 78');
    expect(cell('Date de naissance').value).toEqual(new Date(Date.UTC(1985, 2, 5)));
    expect(cell('Créé le').type).toBe(ExcelJS.ValueType.Date);
    expect(cell("Nombre d'achats").value).toBe(0);
    expect(cell('Total dépensé').type).toBe(ExcelJS.ValueType.Number);
    expect(cell('Dernier achat').value).toBeNull();
  });

  it('writes the shop’s own day of a sale, where the clock is behind or half an hour off UTC', async () => {
    const zone = process.env.TZ;
    try {
      // Martinique, UTC-4: a sale at 21:00 on the 5th is stored on the 6th in UTC
      process.env.TZ = 'America/Martinique';
      const dir = tempDir();
      const { api } = await openClient(dir);
      const { id } = await api.call('contacts.create', { lastName: 'Arnaud' });
      await api.call('purchases.create', { contactId: id, purchasedAt: '2024-03-06T01:00:00.000Z', lines: [{ label: 'Rhum', unitPriceCents: 2500 }] });
      const csvOut = path.join(dir, 'export.csv');
      await api.call('contacts.export', { path: csvOut, format: 'csv' });
      const [header, row] = fs.readFileSync(csvOut, 'utf8').replace(/^\ufeff/, '').split('\r\n').map((l) => l.split(';'));
      expect(row?.[header!.indexOf('Dernier achat')]).toBe('2024-03-05');
      const xlsxOut = path.join(dir, 'export.xlsx');
      await api.call('contacts.export', { path: xlsxOut, format: 'xlsx' });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(xlsxOut);
      const sheet = workbook.worksheets[0]!;
      expect(sheet.getRow(2).getCell((sheet.getRow(1).values as string[]).indexOf('Dernier achat')).value).toEqual(new Date(Date.UTC(2024, 2, 5)));

      // India, UTC+5:30: one UTC hour holds two of its days
      process.env.TZ = 'Asia/Kolkata';
      const dayOf = shopDays();
      expect(dayOf('2024-03-05T18:15:00.000Z')).toBe('2024-03-05');
      expect(dayOf('2024-03-05T18:45:00.000Z')).toBe('2024-03-06');
      // a day stored without its time stays that day
      expect(dayOf('2024-03-05T00:00:00.000Z')).toBe('2024-03-05');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('neutralises formula injection but keeps phones readable', async () => {
    const dir = tempDir();
    const { api } = await openClient(dir);
    await api.call('contacts.create', { firstName: '=HYPERLINK("http://evil")', lastName: '@SUM(A1)', phone: '+44 20 7946 0958' });
    const out = path.join(dir, 'export.csv');
    await api.call('contacts.export', { path: out, format: 'csv' });
    const text = fs.readFileSync(out, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).toContain("'@SUM(A1)");
    expect(text).toContain(';+44 20 7946 0958;');
  });

  it('refuses an export it cannot write with why (no folder, a folder, a full disk …), not as an unexpected error', async () => {
    const dir = tempDir();
    const { api } = await openClient(dir);
    await api.call('contacts.create', { lastName: 'Arnaud' });
    const folder = path.join(dir, 'dossier');
    fs.mkdirSync(folder);
    const refusals: [string, string][] = [
      [path.join(dir, 'absent', 'e.csv'), 'folder_missing'],
      [folder, 'target_is_folder'],
      // a file where a folder should be
      [path.join(dir, 'a.sqlite', 'e.csv'), 'folder_missing'],
    ];
    for (const format of ['csv', 'xlsx', 'vcf'] as const) {
      for (const [target, reason] of refusals) {
        await expect(api.call('contacts.export', { path: target, format }), `${format} ${target}`).rejects.toMatchObject({
          code: 'VALIDATION',
          details: { reason, path: target },
        });
      }
    }
    // nothing left behind: no .part beside the folder, nothing in it
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.part'))).toEqual([]);
    expect(fs.readdirSync(folder)).toEqual([]);
    // the ones a test cannot cause as root, by their system codes; anything else stays what it was
    const errno = (code: string) => Object.assign(new Error(code), { code });
    expect(asWriteRefusal(errno('EACCES'), '/x.csv')).toMatchObject({ code: 'VALIDATION', details: { reason: 'write_denied', path: '/x.csv' } });
    expect(asWriteRefusal(errno('ENOSPC'), '/x.csv')).toMatchObject({ details: { reason: 'disk_full' } });
    expect(asWriteRefusal(errno('EROFS'), '/x.csv')).toMatchObject({ details: { reason: 'read_only_disk' } });
    const other = errno('EIO');
    expect(asWriteRefusal(other, '/x.csv')).toBe(other);
  });
});
