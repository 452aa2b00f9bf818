import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchApp, root, type App } from './fixtures';

/** A damaged database opens on a recovery screen that restores a backup, never a crash loop. */
describe('recovery in the browser', () => {
  let app: App;
  beforeAll(async () => {
    app = await launchApp('recovery', (dbPath) => {
      const cli = path.join(root, 'out', 'main', 'cli.js');
      spawnSync(process.execPath, [cli, 'call', 'contacts.create', '{"firstName":"Zoé","lastName":"Sauvée"}', '--db', dbPath]);
      spawnSync(process.execPath, [cli, 'call', 'app.setup', '{"mode":"empty"}', '--db', dbPath]);
      spawnSync(process.execPath, [cli, 'backup', '--db', dbPath]);
      // damage the header and the first pages, as a failing disk would
      const fd = fs.openSync(dbPath, 'r+');
      fs.writeSync(fd, Buffer.alloc(8192, 0x5a), 0, 8192, 0);
      fs.closeSync(fd);
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('explains the damage, lists the backups and restores one', async () => {
    const { page } = app;
    await page.getByTestId('recovery-screen').waitFor();
    expect(await page.getByTestId('recovery-screen').getAttribute('data-state')).toBe('corrupt');
    await page.getByTestId('backup-row').first().waitFor();
    await app.shot('20-recovery');
    await page.getByTestId('backup-restore').first().click();
    await page.getByTestId('restore-confirm').click();
    await page.getByTestId('home').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('home-contact-count').innerText()).toContain('1');
    await page.getByTestId('nav-contacts').click();
    await page.getByTestId('contact-search').fill('sauvee');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="contact-row"]').length === 1);
  });
});
