import fs from 'node:fs';
import path from 'node:path';
import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Api, JobFinished, JobRef } from '../../src-main/contract';
import { endOf, JobIndicator } from '../../src-renderer/app/JobIndicator';
import { createFormatters } from '../../src-renderer/app/format';
import { createI18n } from '../../src-renderer/app/i18n';
import { openTestStore, renderWithApi } from './render';

/** A job on the test's own store: milliseconds alone, seconds on a CI run sharing two cores with Chromium. */
const JOB_WAIT = { timeout: 25_000 };

const finished = (api: Api, start: () => Promise<JobRef>): Promise<JobFinished> =>
  new Promise((resolve, reject) => {
    const off = api.on('job.finished', (f) => {
      off();
      resolve(f);
    });
    start().catch(reject);
  });

const csv = (dir: string, name: string, rows: string[]): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `Nom;Prénom;E-mail\r\n${rows.join('\r\n')}\r\n`);
  return file;
};

describe('JobIndicator', () => {
  it('tells on any other screen how an import and its undo ended, refused rows included', async () => {
    const { api, dir } = await openTestStore('fr');
    renderWithApi(<JobIndicator route="contacts" />, api);
    const file = csv(dir, 'salon.csv', ['Martin;Zoé;zoe@exemple.fr', 'Durand;Léa;lea@exemple.fr']);
    await finished(api, () => api.call('imports.run', { kind: 'contacts', path: file }));
    expect(await screen.findByText('Import de « salon.csv » terminé.', {}, JOB_WAIT)).toBeTruthy();

    const [record] = await api.call('imports.list', {});
    await finished(api, () => api.call('imports.undo', { importId: record!.id }));
    expect(await screen.findByText('L’import a été annulé : ce qu’il avait créé ou modifié est retiré.', {}, JOB_WAIT)).toBeTruthy();

    // nothing written: not "finished", the count of refused rows
    const bad = csv(dir, 'erreurs.csv', ['Martin;Zoé;pas-un-email']);
    const f = await finished(api, () => api.call('imports.run', { kind: 'contacts', path: bad }));
    expect(f).toMatchObject({ status: 'done', result: { created: 0, errors: [{ line: 2, value: 'pas-un-email' }] } });
    expect(await screen.findByText('L’import de « erreurs.csv » a échoué : rien n’a été enregistré', {}, JOB_WAIT)).toBeTruthy();
    expect(screen.getByText(/1 problème a été trouvé pendant l’import/)).toBeTruthy();
    expect(screen.queryByText('Import de « erreurs.csv » terminé.')).toBeNull();
  });

  it('leaves its end to the import page there, and a dry run to its own step', async () => {
    const { api, dir } = await openTestStore('en');
    const onPage = renderWithApi(<JobIndicator route="imports" />, api, 'en');
    const file = csv(dir, 'fair.csv', ['Martin;Zoé;zoe@exemple.fr']);
    await finished(api, () => api.call('imports.run', { kind: 'contacts', path: file }));
    // the page says it (its step, or the panel of an import taken back): a toast too would say it twice
    await new Promise((r) => setTimeout(r, 200));
    expect(screen.queryByText('Import of “fair.csv” finished.')).toBeNull();
    onPage.unmount();
    renderWithApi(<JobIndicator route="contacts" />, api, 'en');
    await finished(api, () => api.call('imports.run', { kind: 'contacts', path: file, dryRun: true }));
    await finished(api, () => api.call('imports.run', { kind: 'contacts', path: csv(dir, 'fair-2.csv', ['Durand;Léa;lea@exemple.fr']) }));
    // the second window says the last import only: the first was on the import page, the dry run belongs to its step
    expect(await screen.findByText('Import of “fair-2.csv” finished.', {}, JOB_WAIT)).toBeTruthy();
    await waitFor(() => expect(screen.queryByText('Import of “fair.csv” finished.')).toBeNull());
    expect(screen.queryByTestId('job-indicator')).toBeNull();
  });

  it('shows a refill of the analyses, leading to the settings, and tells its end on another screen', async () => {
    const { api } = await openTestStore('fr');
    // enough sales for a refill of about a second: its progress reaches the header
    await finished(api, () => api.call('demo.generate', { customers: 20_000, purchasesPerCustomer: 10 }));
    renderWithApi(<JobIndicator route="contacts" />, api);
    const end = finished(api, () => api.call('analytics.recompute', {}));
    const button = await screen.findByTestId('job-indicator', {}, JOB_WAIT);
    expect(button.getAttribute('href')).toBe('#/settings');
    expect(button.getAttribute('data-subject')).toBe('analytics');
    expect(button.textContent).toMatch(/^Recalcul des analyses : \d+ %$/);
    expect(await end).toMatchObject({ status: 'done', subject: { type: 'analytics', cause: 'recompute' } });
    expect(await screen.findByText('Analyses recalculées.', {}, JOB_WAIT)).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId('job-indicator')).toBeNull());
  }, 60_000);

  it('says nothing when the routine roll of the window gives way to the user, and names a refill the user stopped', () => {
    const { t } = createI18n('fr');
    const fmt = createFormatters('fr', 'EUR');
    const ended = (cause: 'window' | 'settings') =>
      endOf(t, { jobId: 'j', kind: 'analytics', subject: { type: 'analytics', cause }, status: 'cancelled', error: { code: 'CANCELLED', message: 'cancelled' } }, 0, fmt);
    expect(ended('window')).toBeNull();
    expect(ended('settings')).toEqual({ ok: true, title: 'Recalcul des analyses arrêté : les réglages et les chiffres sont restés ceux d’avant.' });
  });
});
