import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportsDir, isTransferFile, pruneTransfers, safeFileName, stageUpload, uploadsDir } from '../../src-main/host/transfers';
import { startWebHost, type WebHost } from '../../src-main/host/web/server';
import { failure, openClient, tempDir } from './helpers';

const chunks = async function* (...parts: string[]) {
  for (const p of parts) yield Buffer.from(p);
};

describe('transfers folder', () => {
  it('keeps only a plain file name', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName('C:\\Users\\léa\\Clients été.csv')).toBe('Clients été.csv');
    expect(safeFileName('..hidden')).toBe('hidden');
    expect(safeFileName('a\u0000b<c>.csv')).toBe('a_b_c_.csv');
    expect(safeFileName('///')).toBe('fichier');
  });

  it('stages an upload under its own folder, and removes a refused one entirely', async () => {
    const dir = tempDir();
    const staged = await stageUpload(dir, '../clients.csv', chunks('Nom;Prénom\n', 'Dupont;Léa\n'));
    expect(staged).toMatchObject({ name: 'clients.csv', size: Buffer.byteLength('Nom;Prénom\nDupont;Léa\n') });
    expect(path.dirname(path.dirname(staged.path))).toBe(uploadsDir(dir));
    expect(fs.readFileSync(staged.path, 'utf8')).toBe('Nom;Prénom\nDupont;Léa\n');
    expect(isTransferFile(dir, staged.path)).toBe(true);

    const e = await stageUpload(dir, 'big.csv', chunks('x'.repeat(10), 'y'.repeat(10)), 15).catch((error: unknown) => error);
    expect(e).toMatchObject({ code: 'VALIDATION', details: { issues: [{ path: 'file', code: 'file_too_large' }] } });
    expect(fs.readdirSync(uploadsDir(dir))).toHaveLength(1);
  });

  it('hands out nothing outside the transfers folder', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'comptoir.sqlite'), 'db');
    expect(isTransferFile(dir, path.join(dir, 'comptoir.sqlite'))).toBe(false);
    expect(isTransferFile(dir, path.join(uploadsDir(dir), '..', '..', 'comptoir.sqlite'))).toBe(false);
    const staged = await stageUpload(dir, 'a.csv', chunks('a'));
    const link = path.join(path.dirname(staged.path), 'link.csv');
    fs.symlinkSync(path.join(dir, 'comptoir.sqlite'), link);
    expect(isTransferFile(dir, link)).toBe(false);
  });

  it('prunes day-old uploads and exports at start', async () => {
    const dir = tempDir();
    const old = await stageUpload(dir, 'old.csv', chunks('a'));
    const fresh = await stageUpload(dir, 'fresh.csv', chunks('b'));
    const dayAgo = (Date.now() - 25 * 3600_000) / 1000;
    fs.utimesSync(path.dirname(old.path), dayAgo, dayAgo);
    pruneTransfers(dir);
    expect(fs.existsSync(old.path)).toBe(false);
    expect(fs.existsSync(fresh.path)).toBe(true);
  });
});

describe('exports for the user', () => {
  it('writes into the transfers folder when no path is given, whole base or a filter', async () => {
    const { api, dir } = await openClient();
    await api.call('contacts.create', { firstName: 'Léa', lastName: 'Dupont', city: 'Lyon', postcode: '69001' });
    await api.call('contacts.create', { firstName: 'Marc', lastName: 'Petit', city: 'Paris', postcode: '75001' });
    const all = await api.call('contacts.export', { format: 'csv' });
    expect(path.dirname(path.dirname(all.path))).toBe(exportsDir(dir));
    expect(path.basename(all.path)).toMatch(/^contacts-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/);
    expect(all.rows).toBe(2);
    const lyon = await api.call('contacts.export', { format: 'csv', filter: { city: 'lyon' } });
    expect(lyon.rows).toBe(1);
    expect(fs.readFileSync(lyon.path, 'utf8')).toContain('Dupont');
    expect(fs.readFileSync(lyon.path, 'utf8')).not.toContain('Petit');
    await expect(api.download(lyon.path)).resolves.toBeUndefined();
    expect((await failure(api.download(path.join(dir, 'comptoir.sqlite')))).code).toBe('NOT_FOUND');
    const both = await failure(api.call('contacts.export', { ids: [1], filter: { q: '' } }));
    expect(both.code).toBe('VALIDATION');
  });
});

describe('web host uploads and downloads', () => {
  let host: WebHost | null = null;
  afterEach(async () => {
    await host?.close();
    host = null;
  });

  const start = async () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
    const opened = await openClient();
    host = await startWebHost({ client: opened.client, rendererRoot: root, dataDir: opened.dir });
    return { h: host, ...opened };
  };

  it('uploads a file the importer then reads, with the token only', async () => {
    const { h, api } = await start();
    const body = Buffer.from('Nom;Prénom;E-mail\r\nDupont;Léa;lea@exemple.fr\r\n', 'utf8');
    const refused = await fetch(`http://127.0.0.1:${h.port}/api/upload?name=clients.csv`, { method: 'POST', body });
    expect(refused.status).toBe(401);
    const res = await fetch(`http://127.0.0.1:${h.port}/api/upload?name=${encodeURIComponent('Clients été.csv')}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/octet-stream' },
      body,
    });
    const staged = (await res.json()) as { ok: true; value: { path: string; name: string; size: number } };
    expect(staged).toMatchObject({ ok: true, value: { name: 'Clients été.csv', size: body.length } });
    const preview = await api.call('imports.preview', { kind: 'contacts', path: staged.value.path });
    expect(preview.fileName).toBe('Clients été.csv');
    expect(preview.sample[0]?.values).toMatchObject({ lastName: 'Dupont', firstName: 'Léa' });
  });

  it('gives an export once through a ticket, and never a file outside the transfers folder', async () => {
    const { h, api, dbPath } = await start();
    await api.call('contacts.create', { firstName: 'Zoé', lastName: 'Été' });
    const exported = await api.call('contacts.export', { format: 'csv' });
    const ask = (p: string) =>
      fetch(`http://127.0.0.1:${h.port}/api/download`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${h.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ path: p }),
      }).then((r) => r.json() as Promise<{ ok: boolean; value?: { url: string }; error?: { code: string } }>);
    expect(await ask(dbPath)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const granted = await ask(exported.path);
    expect(granted.ok).toBe(true);
    const url = `http://127.0.0.1:${h.port}${granted.value?.url ?? ''}`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="contacts-.*\.csv"; filename\*=UTF-8''contacts-/);
    expect(Buffer.from(await first.arrayBuffer()).equals(fs.readFileSync(exported.path))).toBe(true);
    expect((await fetch(url)).status).toBe(404);
  });
});
