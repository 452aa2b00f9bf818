import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { toApi } from '../../src-main/host/client';
import { latestVersion } from '../../src-main/store/migrations';
import { createInProcessClient } from '../../src-main/host/inprocess';
import { defaultDataDir, dbFlag, missingDbFolder, resolveDbPath } from '../../src-main/host/paths';
import { openClient, openStore, tempDir } from './helpers';
import { contactInput } from '../../src-main/contract';
import { insertContact } from '../../src-main/domain/contacts/service';

describe('dispatcher', () => {
  it('answers an unknown call with UNKNOWN_CALL, never a stack trace', async () => {
    const { client } = await openClient();
    const r = await client.invoke('contacts.dropAll', {});
    expect(r).toEqual({ ok: false, error: { code: 'UNKNOWN_CALL', message: 'unknown call: contacts.dropAll' } });
    const proto = await client.invoke('__proto__', {});
    expect(proto.ok).toBe(false);
  });

  it('validates input before any handler runs', async () => {
    const { client } = await openClient();
    const r = await client.invoke('contacts.get', { id: 'DROP TABLE' });
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION', details: { issues: [{ path: 'id' }] } } });
    expect(JSON.stringify(r)).not.toMatch(/at .*\.ts/);
  });

  it('starts with a status, first-run state and an empty base', async () => {
    const { api, dbPath } = await openClient();
    const status = await api.call('app.status', {});
    expect(status).toMatchObject({ state: 'ready', dbPath, onboarded: false, contactCount: 0, integrity: 'ok', schemaVersion: latestVersion });
    expect(await api.call('app.setup', { mode: 'empty' })).toBeNull();
    expect((await api.call('app.status', {})).onboarded).toBe(true);
    await expect(api.call('app.setup', { mode: 'empty' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it("answers a command before its commit is checkpointed into the file, then checkpoints it", async () => {
    const { api, dbPath } = await openClient();
    const inFile = () => fs.readFileSync(dbPath).includes(Buffer.from('Checkpointeau'));
    await api.call('contacts.create', { firstName: 'Zéphyrine', lastName: 'Checkpointeau' });
    // the reply is out: the row is in the log only
    expect(inFile()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(inFile()).toBe(true);
  });

  it('takes commands while an export is streaming the base to its file', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'comptoir.sqlite');
    const seed = openStore(dbPath);
    seed.sqlite.transaction(() => {
      for (let i = 0; i < 3000; i += 1) {
        insertContact(seed, contactInput.parse({ firstName: `Prénom${i}`, lastName: `Exporté${i}`, city: 'Lyon', email: `p${i}@exemple.fr` }));
      }
    })();
    seed.sqlite.close();
    const { api } = await openClient(dir);
    const target = path.join(dir, 'base.csv');
    // the export writes until the file stream asks it to wait, and waits: a sale at the counter comes in then
    const exporting = api.call('contacts.export', { path: target });
    for (let i = 0; !(fs.existsSync(`${target}.part`) && fs.statSync(`${target}.part`).size > 0); i += 1) {
      if (i === 10_000) throw new Error('the export never started writing');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const created = await api.call('contacts.create', { firstName: 'Pendant', lastName: "L'Export" });
    // the checkpoint that follows a command's reply runs while the export still waits
    await new Promise((resolve) => setTimeout(resolve, 20));
    const exported = await exporting;
    expect(exported.rows).toBeGreaterThanOrEqual(3000);
    expect((await api.call('contacts.get', { id: created.id })).lastName).toBe("L'Export");
    const lines = fs.readFileSync(target, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(exported.rows + 1);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('keeps settings with defaults and validation', async () => {
    const { api } = await openClient();
    const s = await api.call('settings.get', {});
    expect(s).toMatchObject({ currency: 'EUR', language: null, backup: { keep: 10, folder: null } });
    const next = await api.call('settings.update', { shop: { name: 'Boulangerie Lefèvre', siret: '732 829 320 00074' }, language: 'en' });
    expect(next.shop).toMatchObject({ name: 'Boulangerie Lefèvre', siret: '73282932000074' });
    await expect(api.call('settings.update', { backup: { keep: -1 } })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await api.call('settings.get', {})).language).toBe('en');
  });

  it('shows a recovery state for a corrupted file and restores from a backup', async () => {
    const dir = tempDir();
    const { api, client, dbPath } = await openClient(dir);
    await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Lefèvre' });
    const backup = await api.call('backup.create', {});
    expect(fs.existsSync(backup.path)).toBe(true);
    expect(backup.file).toMatch(/^comptoir-\d{8}-\d{6}-\d{3}-manual\.sqlite$/);
    await client.close();

    // damage the file: garbage over the first pages (header included)
    const fd = fs.openSync(dbPath, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096 * 2, 0x5a), 0, 4096 * 2, 0);
    fs.closeSync(fd);
    fs.rmSync(`${dbPath}-wal`, { force: true });

    const broken = toApi(await createInProcessClient({ dbPath, dataDir: dir }));
    const status = await broken.call('app.status', {});
    expect(status.state).toBe('corrupt');
    await expect(broken.call('contacts.list', {})).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const backups = await broken.call('backup.list', {});
    expect(backups.map((b) => b.file)).toContain(backup.file);
    const restored = await broken.call('backup.restore', { file: backup.file });
    expect(restored.restoredFrom).toBe(backup.file);
    expect((await broken.call('app.status', {})).state).toBe('ready');
    expect((await broken.call('contacts.list', { q: 'zoe' })).rows).toHaveLength(1);
    // the damaged file was kept aside for support, not deleted
    expect(fs.readdirSync(path.join(dir, 'backups', 'replaced')).length).toBeGreaterThan(0);
  });

  it('refuses to restore a file that is not a healthy backup, and refuses path tricks', async () => {
    const dir = tempDir();
    const { api } = await openClient(dir);
    fs.mkdirSync(path.join(dir, 'backups'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'backups', 'comptoir-20260101-000000-000-manual.sqlite'), 'not a database');
    await expect(api.call('backup.restore', { file: 'comptoir-20260101-000000-000-manual.sqlite' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(api.call('backup.restore', { file: '../comptoir.sqlite' })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await api.call('app.status', {})).state).toBe('ready');
  });

  it('keeps only the configured number of automatic backups', async () => {
    const { api } = await openClient();
    await api.call('settings.update', { backup: { keep: 2 } });
    for (let i = 0; i < 4; i += 1) await api.call('backup.create', {});
    expect(await api.call('backup.list', {})).toHaveLength(2);
  });

  it('backs up at start and at close when asked to', async () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'comptoir.sqlite');
    const client = await createInProcessClient({ dbPath, dataDir: dir, autoBackup: true });
    await client.close();
    const files = fs.readdirSync(path.join(dir, 'backups'));
    expect(files.some((f) => f.endsWith('-start.sqlite'))).toBe(true);
    expect(files.some((f) => f.endsWith('-close.sqlite'))).toBe(true);
  });

  it('reports integrity with quick_check and integrity_check', async () => {
    const { api } = await openClient();
    expect(await api.call('store.check', { full: true })).toEqual({ ok: true, messages: ['ok'] });
  });
});

describe('paths', () => {
  it('uses the per-user data folder Electron uses for this app', () => {
    expect(defaultDataDir('linux', {}, '/home/zoe')).toBe('/home/zoe/.config/Comptoir');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x' }, '/home/zoe')).toBe('/x/Comptoir');
    expect(defaultDataDir('darwin', {}, '/Users/zoe')).toBe('/Users/zoe/Library/Application Support/Comptoir');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\zoe\\AppData\\Roaming' }, 'C:\\Users\\zoe')).toBe(
      'C:\\Users\\zoe\\AppData\\Roaming\\Comptoir',
    );
  });
  it('lets --db win over COMPTOIR_DB and the default', () => {
    expect(resolveDbPath('/a.sqlite', { COMPTOIR_DB: '/b.sqlite' }, '/d')).toBe('/a.sqlite');
    expect(resolveDbPath(undefined, { COMPTOIR_DB: '/b.sqlite' }, '/d')).toBe('/b.sqlite');
    expect(resolveDbPath(undefined, {}, '/d')).toBe('/d/comptoir.sqlite');
    // `COMPTOIR_DB= comptoir …` unsets it: the default file, not the current folder
    expect(resolveDbPath(undefined, { COMPTOIR_DB: '' }, '/d')).toBe('/d/comptoir.sqlite');
    expect(resolveDbPath(undefined, { COMPTOIR_DB: '  ' }, '/d')).toBe('/d/comptoir.sqlite');
    expect(dbFlag(['serve', '--db', 'x.sqlite'])).toBe('x.sqlite');
    expect(dbFlag(['--db=y.sqlite'])).toBe('y.sqlite');
  });
  it('names the missing folder of a path the user gave, and where it came from; never the default location', () => {
    const exists = (folder: string) => folder === path.resolve('/shop');
    expect(missingDbFolder('/shop/a.sqlite', {}, exists)).toBeNull();
    expect(missingDbFolder('/shpo/a.sqlite', {}, exists)).toEqual({ folder: path.resolve('/shpo'), source: '--db' });
    expect(missingDbFolder(undefined, { COMPTOIR_DB: '/shpo/b.sqlite' }, exists)).toEqual({ folder: path.resolve('/shpo'), source: 'COMPTOIR_DB' });
    expect(missingDbFolder('/shop/a.sqlite', { COMPTOIR_DB: '/shpo/b.sqlite' }, exists)).toBeNull();
    expect(missingDbFolder(undefined, {}, () => false)).toBeNull();
    expect(missingDbFolder(undefined, { COMPTOIR_DB: '' }, () => false)).toBeNull();
    // the real check: a file is no folder
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'file'), '');
    expect(missingDbFolder(path.join(dir, 'x.sqlite'), {})).toBeNull();
    expect(missingDbFolder(path.join(dir, 'file', 'x.sqlite'), {})).toEqual({ folder: path.join(dir, 'file'), source: '--db' });
  });
});
