import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * One fresh data folder, one `comptoir serve` (the built CLI: worker thread,
 * web host, token) and one Chromium per test file: tests drive the real app.
 */
export const root = path.resolve(import.meta.dirname, '..', '..');
export const shots = path.join(root, 'test-results', 'screenshots');
const cli = path.join(root, 'out', 'main', 'cli.js');
const chromiumPath = process.env.COMPTOIR_CHROMIUM ?? '/usr/bin/chromium';

export type App = {
  url: string;
  dir: string;
  dbPath: string;
  browser: Browser;
  page: Page;
  errors: string[];
  /**
   * A screenshot of the viewport once the screen is at rest. `height` makes the window that tall for
   * the picture, then puts it back: the app scrolls inside its shell, so `fullPage` would see one
   * window's worth of a long step.
   */
  shot(name: string, height?: number): Promise<string>;
  /** What the server wrote to stderr so far (its errors, logged failures). */
  serverLog(): string;
  close(): Promise<void>;
};

// the apps of the running test file, for the failure report (setup.ts)
const live = new Set<App>();
export const liveApps = (): readonly App[] => [...live];

const startServer = async (dbPath: string): Promise<{ child: ChildProcess; url: string; stderr(): string }> => {
  if (!fs.existsSync(cli)) throw new Error('out/main/cli.js is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, [cli, 'serve', '--db', dbPath, '--port', '0', '--no-open', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: 'true' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = readline.createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 30_000);
    lines.once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  return { child, url, stderr: () => stderr };
};

/** The language chosen as a user does, in the settings, saved once the screen speaks it. */
export const switchToEnglish = async (page: Page): Promise<void> => {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('language-select').selectOption('en');
  await page.getByTestId('settings-save').click();
  await page.getByText('Settings', { exact: true }).first().waitFor();
};

export const launchApp = async (name: string, prepare?: (dbPath: string) => void): Promise<App> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `comptoir-e2e-${name}-`));
  const dbPath = path.join(dir, 'comptoir.sqlite');
  prepare?.(dbPath);
  // the browser first: the page then loads as soon as the server listens, while the store may still be opening (an upgrade)
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    // the context's locale reaches the page's Intl; native date fields follow the browser's own language
    env: { ...process.env, LANG: 'fr_FR.UTF-8', LANGUAGE: 'fr' },
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
  const page = await context.newPage();
  const { child, url, stderr } = await startServer(dbPath).catch(async (error: unknown) => {
    await browser.close();
    throw error;
  });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  fs.mkdirSync(shots, { recursive: true });
  const app: App = {
    url,
    dir,
    dbPath,
    browser,
    page,
    errors,
    async shot(shotName, height) {
      const file = path.join(shots, `${shotName}.png`);
      const size = page.viewportSize();
      if (height !== undefined) await page.setViewportSize({ width: size?.width ?? 1280, height });
      // the screen at rest, not a dialog half faded in or a radio between two choices (spinners loop: not waited for)
      await page
        .waitForFunction(
          () => document.getAnimations().every((a) => a.playState !== 'running' || a.effect?.getTiming().iterations === Infinity),
          undefined,
          { timeout: 3_000 },
        )
        .catch(() => undefined);
      await page.screenshot({ path: file, fullPage: false, animations: 'disabled' });
      if (height !== undefined && size) await page.setViewportSize(size);
      return file;
    },
    serverLog: stderr,
    async close() {
      live.delete(app);
      await browser.close().catch(() => undefined);
      child.kill('SIGTERM');
      await new Promise((resolve) => {
        if (child.exitCode !== null) resolve(null);
        else child.once('exit', resolve);
      });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(app);
  return app;
};
