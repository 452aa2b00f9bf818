import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Api, AppStatus, BackupInfo } from '../../src-main/contract';
import { App } from '../../src-renderer/app/App';
import { openTestStore, renderWithApi } from './render';

const onboarded = async () => {
  const store = await openTestStore();
  await store.api.call('app.setup', { mode: 'empty' });
  return store;
};

describe('App start-up', () => {
  it('offers the first-run choice, and an empty base leads to the contact list', async () => {
    const store = await openTestStore();
    renderWithApi(<App />, store.api);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('setup-empty'));
    expect(await screen.findByTestId('app-shell')).toBeTruthy();
    await waitFor(() => expect(window.location.hash).toBe('#/contacts'));
    expect(await screen.findByText('Aucun contact pour l’instant.')).toBeTruthy();
    expect((await store.api.call('app.status', {})).onboarded).toBe(true);
  });

  it('loads a demonstration shop with a progress bar, then shows its contacts', async () => {
    const store = await openTestStore();
    renderWithApi(<App />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('first-run');
    await user.click(within(screen.getByTestId('demo-size')).getByText('100'));
    await user.click(screen.getByTestId('setup-demo'));
    expect(await screen.findByTestId('contact-total', {}, { timeout: 20_000 })).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('contact-total').textContent).toBe('100 contacts'), { timeout: 10_000 });
  });

  it('leaves the loading screen when the demo ends even if the end event is lost (the event stream reconnecting)', async () => {
    const store = await openTestStore();
    // the job's progress still comes; its end never does
    const api: Api = { ...store.api, on: (event, handler) => (event === 'job.finished' ? () => {} : store.api.on(event, handler)) };
    renderWithApi(<App />, api);
    const user = userEvent.setup();
    await screen.findByTestId('first-run');
    await user.click(within(screen.getByTestId('demo-size')).getByText('100'));
    await user.click(screen.getByTestId('setup-demo'));
    await waitFor(() => expect(screen.getByTestId('contact-total').textContent).toBe('100 contacts'), { timeout: 20_000 });
  });

  it('shows the recovery screen for a damaged base, with its backups to restore', async () => {
    const status: AppStatus = {
      state: 'corrupt',
      detail: 'database disk image is malformed',
      version: '0.1.0',
      schemaVersion: 1,
      dbPath: '/home/marie/Comptoir/comptoir.sqlite',
      dataDir: '/home/marie/Comptoir',
      onboarded: true,
      contactCount: 0,
      integrity: 'failed',
    };
    const backup: BackupInfo = {
      file: 'comptoir-2024-05-01.sqlite',
      path: '/home/marie/Comptoir/backups/comptoir-2024-05-01.sqlite',
      size: 2_400_000,
      createdAt: '2024-05-01T08:30:00.000Z',
    };
    const restore = vi.fn();
    const api: Api = {
      on: () => () => {},
      upload: () => Promise.reject(new Error('not used')),
      download: () => Promise.reject(new Error('not used')),
      call: (async (name: string, input: unknown) => {
        if (name === 'app.status') return status;
        if (name === 'backup.list') return [backup];
        if (name === 'backup.restore') {
          restore(input);
          return { restoredFrom: backup.file, safetyBackup: null };
        }
        throw new Error(`unexpected ${name}`);
      }) as Api['call'],
    };
    renderWithApi(<App />, api);
    const screenEl = await screen.findByTestId('recovery-screen');
    expect(screenEl.getAttribute('data-state')).toBe('corrupt');
    expect(screen.getByText('La base de données est endommagée')).toBeTruthy();
    expect(screen.getByTestId('recovery-db-path').textContent).toBe(status.dbPath);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('backup-restore'));
    await user.click(await screen.findByTestId('restore-confirm'));
    await waitFor(() => expect(restore).toHaveBeenCalledWith({ file: backup.file }));
  });
});

describe('Contact page', () => {
  it('shows the identity and deletes after a confirmation that names the contact', async () => {
    const store = await onboarded();
    const c = await store.api.call('contacts.create', {
      civility: 'mme',
      firstName: 'Inès',
      lastName: '<img src=x onerror=alert(1)>',
      email: 'ines@exemple.fr',
      phone: '+33612345678',
      postcode: '01000',
      city: 'Bourg-en-Bresse',
      status: 'customer',
    });
    window.location.hash = `#/contacts/${c.id}`;
    renderWithApi(<App />, store.api);
    const name = await screen.findByTestId('contact-name');
    expect(name.textContent).toBe('Mme Inès <img src=x onerror=alert(1)>');
    expect(document.querySelector('img[src="x"]')).toBeNull();
    expect(screen.getByTestId('contact-phone').textContent).toBe('06 12 34 56 78');
    expect(screen.getByText('ines@exemple.fr').closest('a')?.getAttribute('href')).toBe('mailto:ines@exemple.fr');
    expect(screen.getByTestId('contact-address').textContent).toContain('01000 Bourg-en-Bresse');

    const user = userEvent.setup();
    await user.click(screen.getByTestId('contact-delete'));
    expect(await screen.findByText(/Inès <img src=x onerror=alert\(1\)> sera supprimé définitivement/)).toBeTruthy();
    await user.click(screen.getByTestId('delete-confirm'));
    await waitFor(() => expect(window.location.hash).toBe('#/contacts'));
    await expect(store.api.call('contacts.get', { id: c.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('says so when the contact does not exist', async () => {
    const store = await onboarded();
    window.location.hash = '#/contacts/999';
    renderWithApi(<App />, store.api);
    expect(await screen.findByText('Ce contact n’existe pas ou a été supprimé.')).toBeTruthy();
  });
});

describe('Settings', () => {
  it('switches the language at once and saves the shop identity', async () => {
    const store = await onboarded();
    window.location.hash = '#/settings';
    renderWithApi(<App />, store.api);
    const user = userEvent.setup();
    await user.selectOptions(await screen.findByTestId('language-select'), 'en');
    expect(await screen.findByRole('heading', { name: 'Settings' })).toBeTruthy();
    expect((await store.api.call('settings.get', {})).language).toBe('en');

    await user.type(screen.getByTestId('settings-shop-name'), 'La Mercerie');
    await user.type(screen.getByTestId('settings-siret'), '123');
    await user.click(screen.getByTestId('settings-save'));
    expect(await screen.findByText('A SIRET number has 14 digits.')).toBeTruthy();
    await user.clear(screen.getByTestId('settings-siret'));
    await user.type(screen.getByTestId('settings-siret'), '732 829 320 00074');
    await user.click(screen.getByTestId('settings-save'));
    await waitFor(async () => {
      const { shop } = await store.api.call('settings.get', {});
      expect(shop).toMatchObject({ name: 'La Mercerie', siret: '73282932000074' });
    });
    expect(await screen.findByTestId('shop-name-header')).toBeTruthy();
  });

  it('takes a logo as a data URL with a preview, and refuses one too large', async () => {
    const store = await onboarded();
    window.location.hash = '#/settings';
    renderWithApi(<App />, store.api);
    const user = userEvent.setup();
    const input = (await screen.findByTestId('settings-logo-input')) as HTMLInputElement;
    // a 1×1 transparent PNG
    const png = Uint8Array.from(
      atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='),
      (c) => c.charCodeAt(0),
    );
    await user.upload(input, new File([png], 'logo.png', { type: 'image/png' }));
    const preview = (await screen.findByTestId('settings-logo-preview')) as HTMLImageElement;
    expect(preview.getAttribute('src')).toMatch(/^data:image\/png;base64,iVBOR/);
    await user.click(screen.getByTestId('settings-save'));
    await waitFor(async () => expect((await store.api.call('settings.get', {})).shop.logo).toMatch(/^data:image\/png;base64,/));

    // each pick resets the file input (so the same file can be picked again), which replaces the element
    const again = (await screen.findByTestId('settings-logo-input')) as HTMLInputElement;
    await user.upload(again, new File([new Uint8Array(400_000)], 'huge.png', { type: 'image/png' }));
    expect(await screen.findByText('Image trop lourde : 300 ko au maximum.')).toBeTruthy();
  });

  it('creates a backup and lists it', async () => {
    const store = await onboarded();
    window.location.hash = '#/settings';
    renderWithApi(<App />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('backup-none');
    await user.click(screen.getByTestId('backup-create'));
    expect(await screen.findAllByTestId('backup-row')).toHaveLength(1);
  });
});
