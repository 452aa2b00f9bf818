import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Api, ImportReport, JobFinished } from '../../src-main/contract';
import type { StoreClient } from '../../src-main/host/client';
import { runRetentionCheck } from '../../src-main/domain/retention/schedule';
import { failure, openClient, openStore, undoImportCall } from './helpers';

/**
 * A plain deletion takes the person's copies with it: merge snapshots, import
 * before-images, "not a duplicate" pairs and the search index's terms. What
 * can no longer be undone says why; what can still be undone for the others
 * still works. Unlike an erasure it leaves no suppression and no erasure log.
 */

const runImport = async (client: StoreClient, api: Api, file: string): Promise<ImportReport> => {
  const done = new Promise<JobFinished>((resolve) => {
    client.onEvent((event, payload) => {
      if (event === 'job.finished') resolve(payload as JobFinished);
    });
  });
  await api.call('imports.run', { kind: 'contacts', path: file });
  const finished = await done;
  if (finished.status !== 'done') throw new Error(JSON.stringify(finished.error));
  return finished.result as ImportReport;
};

/** Her data as any copy would hold it: name parts, e-mail, phone (E.164 and national digits). */
const NEEDLES = ['Martinez', 'elodie.martinez', '612345678', 'Jasminée'];

/** Every stored text of merges and import_changes that mentions her, read from the file itself. */
const traces = (dbPath: string): string[] => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    const texts = [
      ...(db.prepare('SELECT snapshot FROM merges').pluck().all() as string[]),
      ...(db.prepare('SELECT before FROM import_changes').pluck().all() as string[]),
    ];
    return texts.filter((t) => NEEDLES.some((n) => t.toLowerCase().includes(n.toLowerCase())));
  } finally {
    db.close();
  }
};

/** Segments of the search index holding the token, by its raw bytes (what a file reader would find). */
const indexHolds = (dbPath: string, token: string): number => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT count(*) FROM contacts_fts_data WHERE instr(block, ?) > 0').pluck().get(Buffer.from(token)) as number;
  } finally {
    db.close();
  }
};

const scalar = (dbPath: string, sql: string): unknown => {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare(sql).pluck().get();
  } finally {
    db.close();
  }
};

/**
 * Élodie has an older record merged into hers, was updated by an import that
 * also updated Marc, was declared "not a duplicate" of Marc; Paul and Pauline
 * were merged too (their merge is none of her business).
 */
const seed = async () => {
  const opened = await openClient();
  const { api, dir } = opened;
  const elodie = (
    await api.call('contacts.create', {
      firstName: 'Élodie',
      lastName: 'Martinez',
      email: 'elodie.martinez@exemple.fr',
      city: 'Annecy',
      postcode: '74000',
    })
  ).id;
  const older = (
    await api.call('contacts.create', { firstName: 'elodie', lastName: 'martinez', phone: '06 12 34 56 78', postcode: '74000' })
  ).id;
  const marc = (await api.call('contacts.create', { firstName: 'Marc', lastName: 'Zidane', email: 'marc@exemple.fr' })).id;
  const paul = (await api.call('contacts.create', { firstName: 'Paul', lastName: 'Verlaine', email: 'paul@exemple.fr' })).id;
  const pauline = (await api.call('contacts.create', { firstName: 'Paul', lastName: 'Verlaine', phone: '07 11 22 33 44' })).id;
  await api.call('purchases.create', { contactId: elodie, lines: [{ label: 'Bougie', unitPriceCents: 1500 }] });
  const herMerge = (await api.call('contacts.merge', { keptId: elodie, removedId: older })).mergeId;
  const theirMerge = (await api.call('contacts.merge', { keptId: paul, removedId: pauline })).mergeId;
  await api.call('duplicates.dismiss', { aId: elodie, bId: marc });
  const file = path.join(dir, 'maj.csv');
  fs.writeFileSync(
    file,
    'Prénom;Nom;E-mail;Ville;Remarques\r\nÉlodie;Martinez;elodie.martinez@exemple.fr;Annecy-le-Vieux;Jasminée\r\nMarc;Zidane;marc@exemple.fr;Lyon;\r\n',
  );
  const imported = await runImport(opened.client, api, file);
  expect(imported).toMatchObject({ merged: 2, errors: [] });
  expect(traces(opened.dbPath).length).toBeGreaterThan(0);
  return { ...opened, elodie, older, marc, paul, herMerge, theirMerge, importId: imported.importId ?? 0 };
};

describe('deleting a contact removes the copies of their data', () => {
  for (const way of ['contacts.delete', 'contacts.bulk'] as const) {
    it(`leaves nothing of her in merges, import history or search, and the rest still undoes (${way})`, async () => {
      const s = await seed();
      const { api, dbPath } = s;
      expect(indexHolds(dbPath, 'martinez')).toBeGreaterThan(0);

      if (way === 'contacts.delete') await api.call('contacts.delete', { id: s.elodie });
      else expect(await api.call('contacts.bulk', { action: 'delete', ids: [s.elodie] })).toEqual({ affected: 1 });

      expect(traces(dbPath)).toEqual([]);
      expect((await api.call('contacts.list', { q: 'Martinez' })).rows).toEqual([]);
      expect((await api.call('contacts.list', { q: 'elodie' })).rows).toEqual([]);
      // the index's leftover bytes go with the next daily check (seconds at a million contacts: not per delete)
      const store = openStore(dbPath);
      runRetentionCheck(store);
      store.sqlite.close();
      expect(indexHolds(dbPath, 'martinez')).toBe(0);
      expect(indexHolds(dbPath, 'elodie')).toBe(0);
      expect(scalar(dbPath, `SELECT count(*) FROM not_duplicates WHERE a_id = ${s.elodie} OR b_id = ${s.elodie}`)).toBe(0);
      // the shop's own deletion, not the right to erasure: nothing is kept to hold her back
      expect(scalar(dbPath, 'SELECT count(*) FROM erasure_log')).toBe(0);
      expect(scalar(dbPath, 'SELECT count(*) FROM suppression')).toBe(0);
      // her sale stays for the accounts, anonymous
      expect(scalar(dbPath, 'SELECT count(*) FROM purchases WHERE contact_id IS NULL')).toBe(1);

      // her merge stays in the history, without names, and says why it cannot be undone
      const merges = await api.call('merges.list', {});
      expect(merges.map((m) => [m.id, m.keptName, m.removedName, m.undoBlocker, m.purged])).toEqual([
        [s.theirMerge, 'Paul Verlaine', 'Paul Verlaine', null, false],
        [s.herMerge, '', '', 'contact_deleted', true],
      ]);
      const refused = await failure(api.call('merges.undo', { mergeId: s.herMerge }));
      expect(refused.code).toBe('CONFLICT');
      expect(refused.details).toMatchObject({ reason: 'contact_deleted' });
      // someone else's merge is untouched
      expect(await api.call('merges.undo', { mergeId: s.theirMerge })).toMatchObject({ keptId: s.paul });

      // the import undoes for Marc; she stays deleted
      await undoImportCall(api, s.importId);
      expect(await api.call('contacts.get', { id: s.marc })).toMatchObject({ city: null });
      expect((await failure(api.call('contacts.get', { id: s.elodie }))).code).toBe('NOT_FOUND');
      expect(scalar(dbPath, 'SELECT count(*) FROM contacts')).toBe(3);

      // and nothing stops her from being entered again
      const again = await api.call('contacts.create', { firstName: 'Élodie', lastName: 'Martinez', email: 'elodie.martinez@exemple.fr' });
      expect((await api.call('contacts.list', { q: 'Martinez' })).rows.map((r) => r.id)).toEqual([again.id]);
    });
  }

  it('an erasure still deletes the merge outright (its own rule), through the same purge', async () => {
    const s = await seed();
    const { api, dbPath } = s;
    const person = await api.call('contacts.get', { id: s.elodie });
    await api.call('privacy.erase', { contactId: s.elodie, confirmName: `${person.firstName ?? ''} ${person.lastName ?? ''}`.trim() });
    expect(traces(dbPath)).toEqual([]);
    expect((await api.call('merges.list', {})).map((m) => m.id)).toEqual([s.theirMerge]);
    expect(scalar(dbPath, 'SELECT count(*) FROM erasure_log')).toBeGreaterThan(0);
  });

  it('follows a chain of merges, and leaves alone the merge of a gone id named in the selection', async () => {
    const { api, dbPath } = await openClient();
    const create = async (lastName: string) => (await api.call('contacts.create', { firstName: 'Anne', lastName })).id;
    const [q, r, x, k, gone] = [await create('Q'), await create('R'), await create('X'), await create('K'), await create('G')];
    const first = (await api.call('contacts.merge', { keptId: r, removedId: q })).mergeId;
    const second = (await api.call('contacts.merge', { keptId: x, removedId: r })).mergeId;
    const other = (await api.call('contacts.merge', { keptId: k, removedId: gone })).mergeId;

    // `gone` no longer exists (merged into K): naming it deletes nothing and purges nothing of K's
    expect(await api.call('contacts.bulk', { action: 'delete', ids: [x, gone] })).toEqual({ affected: 1 });
    const merges = new Map((await api.call('merges.list', {})).map((m) => [m.id, m]));
    expect(merges.get(first)?.purged).toBe(true);
    expect(merges.get(second)?.purged).toBe(true);
    expect(merges.get(other)).toMatchObject({ purged: false, undoBlocker: null, removedName: 'Anne G' });
    expect(scalar(dbPath, "SELECT count(*) FROM merges WHERE snapshot LIKE '%\"Q\"%' OR snapshot LIKE '%\"R\"%' OR snapshot LIKE '%\"X\"%'")).toBe(0);
    expect(await api.call('merges.undo', { mergeId: other })).toMatchObject({ keptId: k, removedId: gone });
  });

  it('refuses an unknown contact as before', async () => {
    const s = await seed();
    expect((await failure(s.api.call('contacts.delete', { id: 9999 }))).code).toBe('NOT_FOUND');
    expect((await s.api.call('merges.list', {})).every((m) => !m.purged)).toBe(true);
  });
});
