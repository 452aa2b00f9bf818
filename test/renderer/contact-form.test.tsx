import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AppError, type Api } from '../../src-main/contract';
import { ContactForm } from '../../src-renderer/features/contacts/ContactForm';
import { dayFromInput, dayToInput, instantFromInput } from '../../src-renderer/features/contacts/day-input';
import { checkContact, firstErrorPath, valuesFromContact } from '../../src-renderer/features/contacts/form-model';
import { openTestStore, renderWithApi, renderWithStore } from './render';

// a real store and a full form in jsdom, on a machine shared with other jobs: give slow renders time
configure({ asyncUtilTimeout: 10_000 });

const input = (testId: string): HTMLInputElement => screen.getByTestId(testId);

/** The store's API, keeping what each contacts.update sent. */
const recordingUpdates = (inner: Api): { api: Api; calls: unknown[] } => {
  const calls: unknown[] = [];
  const api: Api = {
    ...inner,
    call: (async (name: string, value: unknown) => {
      if (name === 'contacts.update') calls.push(value);
      return inner.call(name as never, value as never);
    }) as Api['call'],
  };
  return { api, calls };
};

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

  it('says under a French landline that it takes no texts, and not under a mobile', async () => {
    await renderWithStore(<ContactForm onSaved={() => {}} onCancel={() => {}} />);
    const user = userEvent.setup();
    const hint = 'Numéro fixe : il ne recevra pas de SMS.';
    await user.type(input('field-phone'), '01 42 34 56');
    // not yet a number: nothing said while typing
    expect(screen.queryByText(hint)).toBeNull();
    await user.type(input('field-phone'), ' 78');
    expect(screen.getByText(hint)).toBeTruthy();
    await user.clear(input('field-phone'));
    await user.type(input('field-phone'), '06 12 34 56 78');
    expect(screen.queryByText(hint)).toBeNull();
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
      ...store.api,
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
    const { api, calls } = recordingUpdates(store.api);
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

  it('edits a merged contact with more numbers than the form adds, leaving them all, and counts a list the user changes', async () => {
    const store = await openTestStore();
    const numbers = (prefix: string) => Array.from({ length: 8 }, (_, i) => ({ phone: `+336${prefix}0000${i}0`, label: null }));
    const a = await store.api.call('contacts.create', { firstName: 'Jo', lastName: 'Petit', phone: '+33611111111', phones: numbers('21') });
    const b = await store.api.call('contacts.create', { firstName: 'Jo', lastName: 'Petit', phone: '+33622222222', phones: numbers('22') });
    await store.api.call('contacts.merge', { keptId: a.id, removedId: b.id });
    const merged = await store.api.call('contacts.get', { id: a.id });
    expect(merged.phones).toHaveLength(17);
    const { api, calls } = recordingUpdates(store.api);
    const onSaved = vi.fn();
    renderWithApi(<ContactForm contact={merged} onSaved={onSaved} onCancel={() => {}} />, api);
    const user = userEvent.setup();
    await user.type(input('field-city'), 'Lyon{Enter}');
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(calls).toEqual([{ id: a.id, patch: { city: 'Lyon' } }]);
    expect((await store.api.call('contacts.get', { id: a.id })).phones).toHaveLength(17);
    // the list as the user leaves it is counted: one number fewer is still too many
    expect(checkContact({ ...valuesFromContact(merged), phones: valuesFromContact(merged).phones.slice(1) }, merged)).toMatchObject({
      ok: false,
      issues: [{ path: 'phones', code: 'too_many' }],
    });
    expect(checkContact(valuesFromContact(merged), merged)).toMatchObject({ ok: true, data: { phones: merged.phones } });
  });
});

describe('ContactForm (every field)', () => {
  it('captures extra e-mails and phones, a new company, tags and a birth date; editing shows them again', { timeout: 90_000 }, async () => {
    const store = await openTestStore();
    // a tag already in the base is offered as the user types
    await store.api.call('contacts.create', { lastName: 'Ancien', tags: ['Fidèle'] });
    const onSaved = vi.fn();
    const { unmount } = renderWithApi(<ContactForm onSaved={onSaved} onCancel={() => {}} />, store.api);
    const user = userEvent.setup();

    await user.type(input('field-firstName'), 'Jeanne');
    await user.type(input('field-lastName'), 'Martin');
    await user.type(input('field-email'), 'jeanne@exemple.fr');
    // Enter in the tag box adds the tag and does not save the contact
    await user.type(input('field-tags'), 'VIP{Enter}');
    await user.type(input('field-tags'), 'fid');
    await user.click(await screen.findByRole('option', { name: 'Fidèle' }));
    expect(onSaved).not.toHaveBeenCalled();

    await user.click(screen.getByTestId('contact-more'));
    await user.type(input('field-companyId'), 'Boulangerie Martin');
    await user.click(await screen.findByTestId('company-create'));
    expect(input('company-name').value).toBe('Boulangerie Martin');
    await user.type(input('company-siret'), '732 829 320 00074');
    await user.click(screen.getByTestId('company-save'));
    await waitFor(() => expect(input('field-companyId').value).toBe('Boulangerie Martin'));

    await user.type(input('field-jobTitle'), 'Gérante');
    await user.click(screen.getByTestId('add-email'));
    await user.type(input('extra-email-0'), 'Jeanne.Pro@Exemple.fr');
    await user.type(input('extra-email-label-0'), 'travail');
    await user.click(screen.getByTestId('add-phone'));
    await user.type(input('extra-phone-0'), '0142868200');
    await user.type(input('extra-phone-label-0'), 'boutique');
    await user.tab();
    expect(input('extra-phone-0').value).toBe('01 42 86 82 00');
    // an e-mail row added and left empty is dropped, not refused
    await user.click(screen.getByTestId('add-email'));
    await user.type(input('field-birthDate'), '14071985');
    await user.tab();
    expect(input('field-birthDate').value).toBe('14/07/1985');
    await user.selectOptions(screen.getByTestId('field-language'), 'en');
    await user.type(input('field-sourceDetail'), 'Salon de Lyon');
    await user.type(input('field-sourceDate'), '02/03/2024');
    await user.selectOptions(screen.getByTestId('field-dataOrigin'), 'purchased');
    await user.type(input('field-code'), 'C-042');
    await user.click(screen.getByTestId('contact-save'));

    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    const id = (onSaved.mock.calls[0]?.[0] as { id: number }).id;
    const saved = await store.api.call('contacts.get', { id });
    expect(saved).toMatchObject({
      firstName: 'Jeanne',
      companyName: 'Boulangerie Martin',
      jobTitle: 'Gérante',
      emails: [{ email: 'jeanne.pro@exemple.fr', label: 'travail' }],
      phones: [{ phone: '+33142868200', label: 'boutique' }],
      birthDate: '1985-07-14',
      language: 'en',
      sourceDetail: 'Salon de Lyon',
      sourceDate: '2024-03-02',
      dataOrigin: 'purchased',
      code: 'C-042',
    });
    expect(saved.tags.map((t) => t.name).sort()).toEqual(['Fidèle', 'VIP']);
    const company = await store.api.call('companies.get', { id: saved.companyId ?? 0 });
    expect(company).toMatchObject({ siret: '73282932000074', siren: '732829320' });

    // reopened for editing: every value is back, the "more" section open by itself
    unmount();
    renderWithApi(<ContactForm contact={saved} onSaved={() => {}} onCancel={() => {}} />, store.api);
    expect(screen.getByTestId('contact-more').getAttribute('aria-expanded')).toBe('true');
    expect(input('field-companyId').value).toBe('Boulangerie Martin');
    expect(input('extra-email-0').value).toBe('jeanne.pro@exemple.fr');
    expect(input('extra-email-label-0').value).toBe('travail');
    expect(input('extra-phone-0').value).toBe('01 42 86 82 00');
    expect(input('field-birthDate').value).toBe('14/07/1985');
    expect(input('field-sourceDate').value).toBe('02/03/2024');
    expect((screen.getByTestId('field-language') as HTMLSelectElement).value).toBe('en');
    expect(input('field-code').value).toBe('C-042');
    expect(screen.getByText('VIP')).toBeTruthy();
    expect(screen.getByText('Fidèle')).toBeTruthy();
  });

  it('picks an existing company from the search and sends only the changed lists on edit', async () => {
    const store = await openTestStore();
    const company = await store.api.call('companies.create', { name: 'Quincaillerie Dupont', siren: '732 829 320' });
    const created = await store.api.call('contacts.create', {
      lastName: 'Moreau',
      emails: [{ email: 'moreau@exemple.fr', label: 'perso' }],
      tags: ['Pro'],
    });
    const { api, calls } = recordingUpdates(store.api);
    const onSaved = vi.fn();
    renderWithApi(<ContactForm contact={created} onSaved={onSaved} onCancel={() => {}} />, api);
    const user = userEvent.setup();
    // searching by SIREN finds the company; Enter takes the highlighted match without saving the form
    await user.type(input('field-companyId'), '732829320');
    const option = await screen.findByRole('option', { name: /Quincaillerie Dupont/ });
    await waitFor(() => expect(option.hasAttribute('data-combobox-selected')).toBe(true));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(input('field-companyId').value).toBe('Quincaillerie Dupont'));
    expect(onSaved).not.toHaveBeenCalled();
    await user.click(screen.getByTestId('add-phone'));
    await user.type(input('extra-phone-0'), '06 11 22 33 44{Enter}');

    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(calls).toEqual([
      { id: created.id, patch: { companyId: company.id, phones: [{ phone: '+33611223344', label: null }] } },
    ]);
    const saved = await store.api.call('contacts.get', { id: created.id });
    expect(saved.emails).toEqual([{ email: 'moreau@exemple.fr', label: 'perso' }]);
    expect(saved.tags.map((t) => t.name)).toEqual(['Pro']);
  });

  it('warns about a contact with the same e-mail while typing, links to it, and still lets the user save', async () => {
    const store = await openTestStore();
    const existing = await store.api.call('contacts.create', {
      firstName: 'Paul',
      lastName: 'Girard',
      email: 'paul.girard@exemple.fr',
      postcode: '69003',
      city: 'Lyon',
    });
    const onSaved = vi.fn();
    // jsdom lays nothing out: what matters is that the warning asks to be brought into sight
    const scrolled: Element[] = [];
    const spy = vi.spyOn(Element.prototype, 'scrollIntoView').mockImplementation(function scrollIntoView(this: Element) {
      scrolled.push(this);
    });
    renderWithApi(<ContactForm onSaved={onSaved} onCancel={() => {}} />, store.api);
    const user = userEvent.setup();
    await user.type(input('field-lastName'), 'Girard-Roux');
    expect(screen.queryByTestId('duplicate-warning')).toBeNull();
    await user.type(input('field-email'), 'Paul.Girard@exemple.fr');

    const warning = await screen.findByTestId('duplicate-warning');
    // once, though the text typed on re-renders the form
    await waitFor(() => expect(scrolled).toEqual([warning]));
    spy.mockRestore();
    expect(warning.textContent).toContain('Paul Girard');
    expect(within(warning).getByTestId('duplicate-reason').textContent).toBe('Même e-mail');
    expect(within(warning).getByTestId('duplicate-open').getAttribute('href')).toBe(`#/contacts/${existing.id}`);

    await user.click(screen.getByTestId('contact-save'));
    await waitFor(() => expect(onSaved).toHaveBeenCalledTimes(1));
    expect(await contactCount(store.api)).toBe(2);
  });

  it('refuses a bad SIRET or SIREN in French, telling a mistyped digit from a wrong length, and creates no company', async () => {
    const store = await openTestStore();
    renderWithApi(<ContactForm onSaved={() => {}} onCancel={() => {}} />, store.api);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('contact-more'));
    await user.type(input('field-companyId'), 'Garage Leclerc');
    await user.click(await screen.findByTestId('company-create'));
    // 14 digits typed in groups: the key is wrong, not the length
    await user.type(input('company-siret'), '7328 2932 0000 75');
    await user.click(screen.getByTestId('company-save'));
    expect(await screen.findByText('Clé de contrôle incorrecte : vérifiez le numéro SIRET.')).toBeTruthy();
    expect(document.activeElement).toBe(input('company-siret'));
    await user.type(input('company-siren'), '123 456 789{Enter}');
    expect(await screen.findByText('Clé de contrôle incorrecte : vérifiez le numéro SIREN.')).toBeTruthy();
    await user.clear(input('company-siren'));
    await user.type(input('company-siren'), '123 456 78{Enter}');
    expect(await screen.findByText('Un numéro SIREN compte 9 chiffres.')).toBeTruthy();
    expect((await store.api.call('companies.list', {})).rows).toEqual([]);
  });

  it('opens the "more" section on the first field in error and writes nothing', async () => {
    const store = await openTestStore();
    const onSaved = vi.fn();
    renderWithApi(<ContactForm onSaved={onSaved} onCancel={() => {}} />, store.api);
    const user = userEvent.setup();
    await user.type(input('field-lastName'), 'Blanc');
    await user.click(screen.getByTestId('contact-more'));
    await user.type(input('field-birthDate'), '31/02/1990');
    await user.click(screen.getByTestId('add-email'));
    await user.type(input('extra-email-0'), 'pas-un-email');
    await user.click(screen.getByTestId('contact-more'));
    expect(screen.getByTestId('contact-more').getAttribute('aria-expanded')).toBe('false');
    await user.type(input('field-postcode'), '7500{Enter}');

    expect(await screen.findByText('Code postal invalide (5 chiffres en France).')).toBeTruthy();
    expect(screen.getByText('Adresse e-mail invalide.')).toBeTruthy();
    expect(screen.getByText('Date invalide (jj/mm/aaaa).')).toBeTruthy();
    await waitFor(() => expect(document.activeElement).toBe(input('field-postcode')));

    // the essentials fixed, the first remaining error is in the "more" section: it opens and takes the focus
    await user.clear(input('field-postcode'));
    await user.click(screen.getByTestId('contact-more'));
    await user.click(input('field-firstName'));
    await user.keyboard('{Enter}');
    await waitFor(() => expect(screen.getByTestId('contact-more').getAttribute('aria-expanded')).toBe('true'));
    await waitFor(() => expect(document.activeElement).toBe(input('extra-email-0')));
    expect(onSaved).not.toHaveBeenCalled();
    expect(await contactCount(store.api)).toBe(0);
  });

  it('refuses a birth date in the future', async () => {
    const store = await openTestStore();
    renderWithApi(<ContactForm onSaved={() => {}} onCancel={() => {}} />, store.api);
    const user = userEvent.setup();
    const next = new Date().getFullYear() + 1;
    await user.type(input('field-lastName'), 'Futur');
    await user.click(screen.getByTestId('contact-more'));
    await user.type(input('field-birthDate'), `01/01/${next}{Enter}`);
    expect(await screen.findByText('Cette date ne peut pas être dans le futur.')).toBeTruthy();
    expect(await contactCount(store.api)).toBe(0);
  });

  it('shows a customer code already used on its field', async () => {
    const store = await openTestStore();
    await store.api.call('contacts.create', { lastName: 'Premier', code: 'C-1' });
    const onSaved = vi.fn();
    renderWithApi(<ContactForm onSaved={onSaved} onCancel={() => {}} />, store.api);
    const user = userEvent.setup();
    await user.type(input('field-lastName'), 'Second');
    await user.click(screen.getByTestId('contact-more'));
    await user.type(input('field-code'), 'C-1{Enter}');
    expect(await screen.findByText('Ce code client est déjà utilisé par un autre contact.')).toBeTruthy();
    expect(document.activeElement).toBe(input('field-code'));
    expect(onSaved).not.toHaveBeenCalled();
    expect(await contactCount(store.api)).toBe(1);
  });
});

describe('capture helpers', () => {
  it('reads the days people type at a French counter and leaves the rest to the contract', () => {
    expect(dayFromInput('14/07/1985')).toBe('1985-07-14');
    expect(dayFromInput(' 1/2/1990 ')).toBe('1990-02-01');
    expect(dayFromInput('14.07.1985')).toBe('1985-07-14');
    expect(dayFromInput('14071985')).toBe('1985-07-14');
    expect(dayFromInput('1985-07-14')).toBe('1985-07-14');
    expect(dayFromInput('')).toBe('');
    // not a calendar day: passed on as typed, so the schema refuses it with its own message
    expect(dayFromInput('31/02/1990')).toBe('31/02/1990');
    expect(dayFromInput('demain')).toBe('demain');
    expect(dayToInput('1985-07-14')).toBe('14/07/1985');
    expect(dayToInput(null)).toBe('');
  });

  it('turns a local day and time into the UTC instant stored', () => {
    expect(instantFromInput('14/07/2024', '09:30')).toBe(new Date(2024, 6, 14, 9, 30).toISOString());
    expect(instantFromInput('14/07/2024', '9h')).toBe(new Date(2024, 6, 14, 9, 0).toISOString());
    expect(instantFromInput('14/07/2024', '')).toBe(new Date(2024, 6, 14).toISOString());
    expect(instantFromInput('14/07/2024', '25:00')).toBeNull();
    expect(instantFromInput('32/07/2024', '10:00')).toBeNull();
  });

  it('orders issues as the screen does: essentials first, then the lowest list row', () => {
    expect(firstErrorPath(['code', 'emails.1.email', 'postcode'])).toBe('postcode');
    expect(firstErrorPath(['emails.10.email', 'emails.2.email', 'birthDate'])).toBe('emails.2.email');
    expect(firstErrorPath(['cursor'])).toBeNull();
  });
});
