import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AppError, type Api } from '../../src-main/contract';
import { ContactForm } from '../../src-renderer/features/contacts/ContactForm';
import { openTestStore, renderWithApi, renderWithStore } from './render';

const input = (testId: string): HTMLInputElement => screen.getByTestId(testId);

const contactCount = async (api: Api): Promise<number> => (await api.call('contacts.list', {})).rows.length;

describe('ContactForm (capture)', () => {
  it('focuses the first name, stores a French mobile in E.164 and keeps the postcode zero; Enter submits', async () => {
    const onSaved = vi.fn();
    const { store } = await renderWithStore(<ContactForm onSaved={onSaved} onCancel={() => {}} />);
    const user = userEvent.setup();

    expect(document.activeElement).toBe(input('field-firstName'));
    await user.type(input('field-firstName'), 'Jeanne');
    await user.type(input('field-lastName'), 'Martin');
    await user.type(input('field-phone'), '06 12 34 56 78');
    await user.type(input('field-postcode'), '01000');
    await user.type(input('field-city'), 'Bourg-en-Bresse{Enter}');

    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    const page = await store.api.call('contacts.list', {});
    expect(page.rows).toHaveLength(1);
    const saved = await store.api.call('contacts.get', { id: page.rows[0]?.id ?? 0 });
    expect(saved).toMatchObject({
      firstName: 'Jeanne',
      lastName: 'Martin',
      phone: '+33612345678',
      postcode: '01000',
      city: 'Bourg-en-Bresse',
      country: 'FR',
      source: 'shop_form',
      status: 'prospect',
    });
    expect(onSaved.mock.calls[0]?.[0]).toMatchObject({ id: saved.id });
  });

  it('formats the phone on blur', async () => {
    await renderWithStore(<ContactForm onSaved={() => {}} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(input('field-phone'), '0612345678');
    await user.tab();
    expect(input('field-phone').value).toBe('06 12 34 56 78');
  });

  it('shows a translated error for an invalid email and writes nothing', async () => {
    const onSaved = vi.fn();
    const { store } = await renderWithStore(<ContactForm onSaved={onSaved} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(input('field-lastName'), 'Durand');
    await user.type(input('field-email'), 'jeanne@exemple');
    await user.click(screen.getByTestId('contact-save'));

    expect(await screen.findByText('Adresse e-mail invalide.')).toBeTruthy();
    expect(document.activeElement).toBe(input('field-email'));
    expect(onSaved).not.toHaveBeenCalled();
    expect(await contactCount(store.api)).toBe(0);
  });

  it('refuses a 10 000-character name with a translated error', async () => {
    const onSaved = vi.fn();
    const { store } = await renderWithStore(<ContactForm onSaved={onSaved} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.click(input('field-lastName'));
    await user.paste('x'.repeat(10_000));
    await user.keyboard('{Enter}');

    expect(await screen.findByText('Ce texte est trop long.')).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
    expect(await contactCount(store.api)).toBe(0);
  });

  it('asks for a name when both names are empty', async () => {
    const onSaved = vi.fn();
    const { store } = await renderWithStore(<ContactForm onSaved={onSaved} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(input('field-city'), 'Lyon{Enter}');

    expect(await screen.findByText('Indiquez au moins un nom ou un prénom.')).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
    expect(await contactCount(store.api)).toBe(0);

    // typing a first name is enough to lift the error
    await user.type(input('field-firstName'), 'Camille');
    expect(screen.queryByText('Indiquez au moins un nom ou un prénom.')).toBeNull();
  });

  it('rejects a French postcode that is not five digits', async () => {
    const { store } = await renderWithStore(<ContactForm onSaved={() => {}} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.type(input('field-lastName'), 'Petit');
    await user.type(input('field-postcode'), '1000{Enter}');
    expect(await screen.findByText('Code postal invalide (5 chiffres en France).')).toBeTruthy();
    expect(await contactCount(store.api)).toBe(0);
  });

  it('Ctrl+Enter saves and clears the form for the next capture', async () => {
    const onSaved = vi.fn();
    const { store } = await renderWithStore(<ContactForm onSaved={onSaved} onCancel={() => {}} />);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId('field-source'), 'referral');
    await user.type(input('field-firstName'), 'Luc');
    await user.type(input('field-lastName'), 'Bernard{Control>}{Enter}{/Control}');

    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ lastName: 'Bernard' }), { andNew: true }));
    await waitFor(() => expect(input('field-lastName').value).toBe(''));
    expect(input('field-firstName').value).toBe('');
    expect((screen.getByTestId('field-source') as HTMLSelectElement).value).toBe('referral');
    expect(document.activeElement).toBe(input('field-firstName'));
    const saved = await store.api.call('contacts.list', {});
    expect(saved.rows.map((r) => r.lastName)).toEqual(['Bernard']);
  });

  it('Escape cancels', async () => {
    const onCancel = vi.fn();
    await renderWithStore(<ContactForm onSaved={() => {}} onCancel={onCancel} />);
    const user = userEvent.setup();
    await user.type(input('field-firstName'), 'Rien{Escape}');
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('shows the issues the store sends back on the fields', async () => {
    const store = await openTestStore();
    // a store stricter than the client: refuses the email the schema accepted
    const api: Api = {
      on: store.api.on,
      call: (async (name: string, value: unknown) => {
        if (name === 'contacts.create') {
          throw new AppError('VALIDATION', 'invalid contact', { issues: [{ path: 'email', code: 'invalid_email' }] });
        }
        return store.api.call(name as never, value as never);
      }) as Api['call'],
    };
    const onSaved = vi.fn();
    renderWithApi(<ContactForm onSaved={onSaved} onCancel={() => {}} />, api);
    const user = userEvent.setup();
    await user.type(input('field-lastName'), 'Roux');
    await user.type(input('field-email'), 'roux@exemple.fr{Enter}');
    expect(await screen.findByText('Adresse e-mail invalide.')).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('edits with a patch of the changed fields only', async () => {
    const store = await openTestStore();
    const created = await store.api.call('contacts.create', {
      firstName: 'Anne',
      lastName: 'Leroy',
      phone: '0612345678',
      postcode: '75011',
      city: 'Paris',
    });
    const calls: unknown[] = [];
    const api: Api = {
      on: store.api.on,
      call: (async (name: string, value: unknown) => {
        if (name === 'contacts.update') calls.push(value);
        return store.api.call(name as never, value as never);
      }) as Api['call'],
    };
    const onSaved = vi.fn();
    renderWithApi(<ContactForm contact={created} onSaved={onSaved} onCancel={() => {}} />, api);
    expect(input('field-phone').value).toBe('06 12 34 56 78');
    const user = userEvent.setup();
    await user.clear(input('field-city'));
    await user.type(input('field-city'), 'Lyon{Enter}');
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(calls).toEqual([{ id: created.id, patch: { city: 'Lyon' } }]);
    expect((await store.api.call('contacts.get', { id: created.id })).city).toBe('Lyon');
  });
});
