import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReactElement } from 'react';
import { render, type RenderResult } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Api } from '../../src-main/contract';
import { toApi, type StoreClient } from '../../src-main/host/client';
import { createInProcessClient } from '../../src-main/host/inprocess';
import { createI18n } from '../../src-renderer/app/i18n';
import { AppProviders } from '../../src-renderer/app/providers';

export type TestStore = { api: Api; client: StoreClient; dir: string; dbPath: string };

const opened: { client: StoreClient; dir: string }[] = [];

/**
 * A real store on a fresh SQLite file, closed and deleted after the test. The
 * language is saved explicitly: jsdom's navigator says en-US, which the app
 * would otherwise follow once settings load.
 */
export const openTestStore = async (language: 'fr' | 'en' = 'fr'): Promise<TestStore> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'comptoir-renderer-'));
  const dbPath = path.join(dir, 'comptoir.sqlite');
  const client = await createInProcessClient({ dbPath, dataDir: dir });
  opened.push({ client, dir });
  const api = toApi(client, { dataDir: dir });
  await api.call('settings.update', { language });
  return { api, client, dir, dbPath };
};

afterEach(async () => {
  for (const { client, dir } of opened.splice(0)) {
    await client.close().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** The app's own provider stack (Mantine in test mode, French, the given Api). */
export const renderWithApi = (ui: ReactElement, api: Api, language: 'fr' | 'en' = 'fr'): RenderResult =>
  render(
    <AppProviders api={api} i18n={createI18n(language)} env="test">
      {ui}
    </AppProviders>,
  );

/** Opens a store and renders `ui` against it. */
export const renderWithStore = async (ui: ReactElement, language: 'fr' | 'en' = 'fr') => {
  const store = await openTestStore(language);
  return { ...renderWithApi(ui, store.api, language), store };
};

/**
 * jsdom has no layout: for the tests of a file, the contact grid gets a real
 * window's size (1200 × 600 unless told a width) so its virtualiser shows
 * rows and its columns fit that width; every other element measures 0, as
 * jsdom says. Call once at the top of a test file.
 */
export const giveContactGridAViewport = (width = 1200): void => {
  const measured = (el: HTMLElement, size: number): number => (el.dataset.testid === 'contact-grid' ? size : 0);
  const original = {
    clientHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight'),
    clientWidth: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth'),
  };
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return measured(this, 600);
      },
    });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
      configurable: true,
      get(this: HTMLElement) {
        return measured(this, width);
      },
    });
  });
  afterAll(() => {
    for (const [name, descriptor] of Object.entries(original)) {
      if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
    }
  });
};
