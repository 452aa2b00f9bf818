import fs from 'node:fs';
import path from 'node:path';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { localDate, type Api } from '../../src-main/contract';
import { ContactPage } from '../../src-renderer/features/contacts/ContactPage';
import { AuditPanel } from '../../src-renderer/features/privacy/AuditPanel';
import { addMonthsTo } from '../../src-renderer/features/privacy/RequestDialogs';
import { RequestsPanel } from '../../src-renderer/features/privacy/RequestsPanel';
import { openTestStore, renderWithApi } from './render';

// a real store and Mantine modals in jsdom, on a machine shared with other jobs: give slow renders time
configure({ asyncUtilTimeout: 10_000 });

const rows = () => screen.queryAllByTestId('request-row');
const rowOf = (id: number): HTMLElement => {
  const row = rows().find((r) => r.getAttribute('data-request-id') === String(id));
  if (!row) throw new Error(`no row for request ${id}`);
  return row;
};

const request = (api: Api, receivedOn: string, extra: Partial<{ contactId: number; kind: 'access' | 'erasure' | 'objection' }> = {}) =>
  api.call('privacy.requests.create', {
    subject: 'Mme Claire Dubois',
    kind: 'access',
    receivedOn,
    identityCheck: 'Carte d’identité vue au comptoir',
    ...extra,
  });

describe('addMonthsTo (the form’s deadline hint)', () => {
  it('follows the store’s rule at month ends', () => {
    expect(addMonthsTo('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonthsTo('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonthsTo('2025-12-15', 1)).toBe('2026-01-15');
    expect(addMonthsTo('2026-01-31', 3)).toBe('2026-04-30');
    expect(addMonthsTo('31/01/2026', 1)).toBeNull();
  });
});

describe('Requests register', () => {
  it('lists open requests with their deadline and an overdue badge, and records, extends and closes one', async () => {
    const { api } = await openTestStore();
    const late = await request(api, '2025-01-31');
    renderWithApi(<RequestsPanel />, api);
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(within(rowOf(late.id)).getByTestId('request-overdue').textContent).toBe('En retard');
    expect(within(rowOf(late.id)).getByTestId('request-deadline').textContent).toMatch(/28 févr\.? 2025/);

    const user = userEvent.setup();
    await user.click(screen.getByTestId('requests-new'));
    // required fields left empty: the store's answer shows under the field, nothing recorded
    await user.click(await screen.findByTestId('request-form-save'));
    await waitFor(() => expect(screen.getAllByText('Ce champ est obligatoire.')).toHaveLength(2));
    expect((await api.call('privacy.requests.list', {})).total).toBe(1);
    await user.type(screen.getByTestId('request-form-subject'), 'M. Paul Durand');
    await user.selectOptions(screen.getByTestId('request-form-kind'), 'erasure');
    await user.type(screen.getByTestId('request-form-identity'), 'Répond depuis son adresse connue');
    await user.click(screen.getByTestId('request-form-save'));
    await waitFor(() => expect(rows()).toHaveLength(2));
    const created = (await api.call('privacy.requests.list', { status: 'open' })).rows.find((r) => r.kind === 'erasure');
    expect(created).toMatchObject({ subject: 'M. Paul Durand', receivedOn: localDate(), identityCheck: 'Répond depuis son adresse connue' });
    if (!created) throw new Error('not created');

    // extend: a reason is required; two months at most in total
    await user.click(within(rowOf(late.id)).getByTestId('request-extend'));
    await user.click(await screen.findByTestId('extend-months-2'));
    await user.type(screen.getByTestId('extend-reason'), 'Demande complexe');
    await user.click(screen.getByTestId('extend-save'));
    await waitFor(async () => expect((await api.call('privacy.requests.list', {})).rows.find((r) => r.id === late.id)?.extendedTo).toBe('2025-04-30'));
    await waitFor(() => expect(within(rowOf(late.id)).queryByTestId('request-extend')).toBeNull());

    // close with an outcome: it leaves the open list
    await user.click(within(rowOf(created.id)).getByTestId('request-close'));
    await user.click(await screen.findByTestId('close-status-refused'));
    await user.type(screen.getByTestId('close-outcome'), 'Identité non établie');
    await user.click(screen.getByTestId('close-save'));
    await waitFor(() => expect(rows().map((r) => r.getAttribute('data-request-id'))).toEqual([String(late.id)]));
    await user.click(screen.getByRole('radio', { name: 'Refusées' }));
    await waitFor(() => expect(rows().map((r) => r.getAttribute('data-status'))).toEqual(['refused']));
  });
});

describe('Contact page privacy actions', () => {
  it('exports the person’s data, then erases them only once their name is typed', async () => {
    const { api, dir } = await openTestStore();
    const c = await api.call('contacts.create', { firstName: 'Élodie', lastName: 'Martin', email: 'elodie@martin.fr' });
    await api.call('purchases.create', { contactId: c.id, lines: [{ label: 'Bougie', unitPriceCents: 1500 }] });
    const asked = await request(api, localDate(), { contactId: c.id, kind: 'erasure' });
    window.location.hash = `#/contacts/${c.id}`;
    renderWithApi(<ContactPage id={c.id} />, api);
    const user = userEvent.setup();

    await screen.findByTestId('privacy-actions');
    await waitFor(() => expect(screen.getAllByTestId('privacy-contact-request')).toHaveLength(1));
    await user.click(screen.getByTestId('privacy-access-json'));
    await waitFor(async () => expect((await api.call('audit.list', { action: 'privacy.access' })).rows).toHaveLength(1));
    const exportsDir = path.join(dir, 'transfers', 'exports');
    const files = fs.readdirSync(exportsDir).flatMap((d) => fs.readdirSync(path.join(exportsDir, d)));
    expect(files).toEqual([expect.stringMatching(new RegExp(`^comptoir-acces-${c.id}-.*\\.json$`))]);

    await user.click(screen.getByTestId('privacy-erase'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('erase-kept').textContent).toMatch(/achats/);
    const confirm = within(dialog).getByTestId('erase-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByTestId('erase-name'), 'Elodie Marti');
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByTestId('erase-name'), 'n');
    expect(confirm.disabled).toBe(false);
    // the open erasure request is linked by default
    expect((within(dialog).getByTestId('erase-request') as HTMLSelectElement).value).toBe(String(asked.id));
    await user.click(confirm);

    await waitFor(() => expect(window.location.hash).toBe('#/contacts'));
    await expect(api.call('contacts.get', { id: c.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const register = await api.call('privacy.requests.list', {});
    expect(register.rows).toMatchObject([{ id: asked.id, subject: '[erased]', contactId: null }]);
    const log = await api.call('audit.list', { action: 'privacy.erase' });
    expect(log.rows[0]?.detail).toMatchObject({ requestId: asked.id, sales: 1 });
  });
});

describe('Audit log panel', () => {
  it('shows operations newest first with their translated names, and filters by family', async () => {
    const { api } = await openTestStore();
    const c = await api.call('contacts.create', { firstName: 'Anne', lastName: 'Roux' });
    await api.call('privacy.access', { contactId: c.id, format: 'html' });
    await request(api, '2026-01-05');
    renderWithApi(<AuditPanel />, api);
    await waitFor(() => expect(screen.getAllByTestId('audit-row').length).toBeGreaterThanOrEqual(2));
    const actions = screen.getAllByTestId('audit-action').map((a) => a.textContent);
    expect(actions.slice(0, 2)).toEqual(['Demande enregistrée', 'Export des données d’une personne']);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId('audit-filter'), 'privacy');
    await waitFor(() =>
      expect(screen.getAllByTestId('audit-row').every((r) => (r.getAttribute('data-action') ?? '').startsWith('privacy.'))).toBe(true),
    );
  });
});
