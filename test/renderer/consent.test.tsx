import fs from 'node:fs';
import path from 'node:path';
import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api, ConsentStatus, ContactInput } from '../../src-main/contract';
import { ConsentWordingsSection } from '../../src-renderer/features/consent/ConsentWordingsSection';
import { ContactList } from '../../src-renderer/features/contacts/ContactList';
import { ContactPage } from '../../src-renderer/features/contacts/ContactPage';
import { openTestStore, renderWithApi, giveContactGridAViewport } from './render';

// a real store and the whole contact page in jsdom, on a machine shared with other jobs: give slow renders time
configure({ asyncUtilTimeout: 10_000 });
const WAIT = { timeout: 10_000 };

giveContactGridAViewport();

const cell = (channel: string, purpose: string): HTMLElement => screen.getByTestId(`consent-cell-${channel}-${purpose}`);
const verdict = (channel: string, purpose: string) => {
  const el = cell(channel, purpose);
  return { allowed: el.dataset.allowed, state: el.dataset.state, reason: el.dataset.reason };
};
const stored = (api: Api, id: number): Promise<ConsentStatus> => api.call('consent.status', { id });
const storedCell = (status: ConsentStatus, channel: string, purpose: string) =>
  status.cells.find((c) => c.channel === channel && c.purpose === purpose);
const boxes = (): HTMLInputElement[] =>
  screen.getAllByTestId(/^consent-box-/).filter((el): el is HTMLInputElement => el instanceof HTMLInputElement);

const jeanne: ContactInput = { firstName: 'Jeanne', lastName: 'Martin', email: 'jeanne@exemple.fr', phone: '0612345678' };

const openPage = async (contact: ContactInput = jeanne) => {
  const store = await openTestStore();
  const c = await store.api.call('contacts.create', contact);
  renderWithApi(<ContactPage id={c.id} />, store.api);
  await screen.findByTestId('consent-grid', {}, WAIT);
  return { store, id: c.id, user: userEvent.setup() };
};

describe('consent on the contact page', () => {
  it('records consent at the counter with every box unticked at first, and the cell turns allowed', async () => {
    const { store, id, user } = await openPage();
    // a consumer with no recorded consent may not be e-mailed offers
    expect(verdict('email', 'offers')).toEqual({ allowed: 'false', state: 'unknown', reason: 'no_consent' });
    expect(within(cell('email', 'offers')).getByTestId('consent-cell-reason').textContent).toBe('Pas d’accord préalable');
    // post is opt-out, but there is no postal address on file
    expect(verdict('post', 'newsletter').reason).toBe('no_address');
    expect(screen.getByTestId('consent-person-kind').textContent).toBe('Particulier');

    await user.click(screen.getByTestId('consent-record-open'));
    // each purpose shows the wording in force (version 1, seeded by the store) next to its boxes
    const text = await screen.findByTestId('consent-record-text-offers', {}, WAIT);
    const wordings = await store.api.call('consent.wordings.list', {});
    const offers = wordings.find((w) => w.purpose === 'offers');
    expect(text.textContent).toBe(offers?.text);
    expect(screen.getByTestId('consent-record-version-offers').textContent).toBe('Texte version 1');
    expect(boxes()).toHaveLength(16);
    expect(boxes().every((b) => !b.checked)).toBe(true);
    expect((screen.getByTestId('consent-informed-offers') as HTMLInputElement).checked).toBe(false);

    // saving with nothing ticked is refused on the spot and writes nothing
    await user.click(screen.getByTestId('consent-record-save'));
    expect((await screen.findByTestId('consent-record-nothing')).textContent).toBe('Cochez au moins une case, ou annulez.');
    expect((await stored(store.api, id)).events).toEqual([]);

    await user.click(screen.getByTestId('consent-box-offers-email'));
    await user.click(screen.getByTestId('consent-box-newsletter-sms'));
    await user.selectOptions(screen.getByTestId('consent-method'), 'paper');
    await user.type(screen.getByTestId('consent-operator'), 'Julie');
    await user.click(screen.getByTestId('consent-record-save'));

    await waitFor(() => expect(verdict('email', 'offers')).toEqual({ allowed: 'true', state: 'granted', reason: 'opt_in' }));
    expect(verdict('sms', 'newsletter')).toEqual({ allowed: 'true', state: 'granted', reason: 'opt_in' });
    // nothing else was granted by the save
    expect(verdict('email', 'newsletter').allowed).toBe('false');
    expect(screen.queryByTestId('consent-record-form')).toBeNull();

    const status = await stored(store.api, id);
    expect(status.events.map((e) => [e.channel, e.purpose, e.event, e.method, e.operator, e.wordingVersion]).sort()).toEqual([
      ['email', 'offers', 'granted', 'paper', 'Julie', 1],
      ['sms', 'newsletter', 'granted', 'paper', 'Julie', 1],
    ]);
    // the proof is on screen: two rows, with method, operator and wording version
    const rows = screen.getAllByTestId('consent-history-row');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain('Formulaire papier en boutique');
    expect(rows[0]?.textContent).toContain('Julie');
    expect(rows[0]?.textContent).toContain(`v1 · ${offers?.hash.slice(0, 8) ?? ''}`);
    // and both events reach the timeline
    await waitFor(() =>
      expect(screen.getAllByTestId('timeline-item').filter((el) => el.dataset.kind === 'consent')).toHaveLength(2),
    );
    expect(screen.getAllByTestId('timeline-consent')[0]?.textContent).toContain('Consentement donné');
  });

  it('works from the keyboard: the form takes the focus, Space ticks, Escape leaves without writing', async () => {
    const { store, id, user } = await openPage();
    screen.getByTestId('consent-record-open').focus();
    await user.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('consent-box-newsletter-email')));
    await user.keyboard(' ');
    expect((screen.getByTestId('consent-box-newsletter-email') as HTMLInputElement).checked).toBe(true);
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByTestId('consent-record-form')).toBeNull());
    expect((await stored(store.api, id)).events).toEqual([]);
    // opened again, the form starts unticked
    await user.click(screen.getByTestId('consent-record-open'));
    expect(boxes().every((b) => !b.checked)).toBe(true);
  });

  it('gives a customer informed at the counter the existing-customer exception for offers', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', { ...jeanne, status: 'customer' });
    await store.api.call('purchases.create', { contactId: c.id, purchasedAt: '2024-05-02', lines: [{ label: 'Pain', unitPriceCents: 450 }] });
    renderWithApi(<ContactPage id={c.id} />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('consent-grid', {}, WAIT);
    expect(verdict('email', 'offers').reason).toBe('no_consent');
    await user.click(screen.getByTestId('consent-record-open'));
    await user.click(await screen.findByTestId('consent-informed-offers'));
    await user.click(screen.getByTestId('consent-record-save'));
    await waitFor(() => expect(verdict('email', 'offers')).toEqual({ allowed: 'true', state: 'unknown', reason: 'existing_customer' }));
    expect(verdict('sms', 'offers').reason).toBe('existing_customer');
    // the exception covers similar products only, never the newsletter
    expect(verdict('email', 'newsletter').reason).toBe('no_consent');
    const events = (await stored(store.api, c.id)).events;
    expect(events.map((e) => `${e.channel}:${e.purpose}:${e.event}`).sort()).toEqual(['email:offers:informed', 'sms:offers:informed']);
  });

  it('withdraws a consent in one click', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', jeanne);
    await store.api.call('consent.record', {
      contactId: c.id,
      method: 'counter',
      entries: [
        { channel: 'email', purpose: 'offers', event: 'granted' },
        { channel: 'email', purpose: 'newsletter', event: 'granted' },
      ],
    });
    renderWithApi(<ContactPage id={c.id} />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('consent-grid', {}, WAIT);
    expect(verdict('email', 'offers').allowed).toBe('true');
    // only granted cells offer a withdrawal
    expect(screen.getAllByTestId(/^consent-withdraw-/).map((el) => el.dataset.testid).sort()).toEqual([
      'consent-withdraw-email-newsletter',
      'consent-withdraw-email-offers',
    ]);

    await user.click(screen.getByTestId('consent-withdraw-email-offers'));
    await waitFor(() => expect(verdict('email', 'offers')).toEqual({ allowed: 'false', state: 'withdrawn', reason: 'withdrawn' }));
    expect(within(cell('email', 'offers')).getByTestId('consent-cell-reason').textContent).toBe('Consentement retiré');
    expect(screen.queryByTestId('consent-withdraw-email-offers')).toBeNull();
    // the other consent stands
    expect(verdict('email', 'newsletter').allowed).toBe('true');

    const status = await stored(store.api, c.id);
    expect(storedCell(status, 'email', 'offers')?.state).toBe('withdrawn');
    expect(storedCell(status, 'email', 'newsletter')?.state).toBe('granted');
    expect(status.events[0]).toMatchObject({ channel: 'email', purpose: 'offers', event: 'withdrawn' });
    await waitFor(() => expect(screen.getAllByTestId('timeline-consent').map((el) => el.dataset.event)).toContain('withdrawn'));
  });

  it('records an objection to all marketing only after a confirmation', async () => {
    const { store, id, user } = await openPage();
    await user.click(screen.getByTestId('consent-object'));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText(/Jeanne Martin ne recevra plus aucune sollicitation/)).toBeTruthy();
    await user.click(screen.getByTestId('consent-object-confirm-cancel'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect((await stored(store.api, id)).events).toEqual([]);

    await user.click(screen.getByTestId('consent-object'));
    await user.selectOptions(await screen.findByTestId('consent-object-method'), 'phone');
    await user.click(screen.getByTestId('consent-object-confirm'));
    expect(await screen.findByTestId('consent-objected', {}, WAIT)).toBeTruthy();
    for (const el of screen.getAllByTestId(/^consent-cell-(email|sms|phone|post)-/)) {
      expect([el.dataset.state, el.dataset.allowed, el.dataset.reason]).toEqual(['objected', 'false', 'objected']);
    }
    // nothing left to record or object to
    expect(screen.queryByTestId('consent-record-open')).toBeNull();
    expect(screen.queryByTestId('consent-object')).toBeNull();
    const status = await stored(store.api, id);
    expect(status.cells.every((c) => c.state === 'objected')).toBe(true);
    expect(new Set(status.events.map((e) => `${e.event}/${e.method}`))).toEqual(new Set(['objected/phone']));
  });

  it('says a landline takes no SMS, while calls stay possible', async () => {
    await openPage({ firstName: 'Paul', lastName: 'Fixe', phone: '01 42 34 56 78' });
    expect(verdict('sms', 'offers').reason).toBe('no_address');
    expect(within(cell('sms', 'offers')).getByTestId('consent-cell-reason').textContent).toBe('Pas de numéro de mobile');
    // a consumer's phone canvassing needs consent from 11 August 2026 on: the number itself is enough
    expect(verdict('phone', 'offers').reason).not.toBe('no_address');
    expect(within(cell('email', 'offers')).getByTestId('consent-cell-reason').textContent).toBe('Aucune coordonnée pour ce canal');
  });

  it('shows its labels in English', async () => {
    const store = await openTestStore('en');
    const c = await store.api.call('contacts.create', jeanne);
    renderWithApi(<ContactPage id={c.id} />, store.api, 'en');
    await screen.findByTestId('consent-grid', {}, WAIT);
    expect(screen.getByTestId('consent-person-kind').textContent).toBe('Consumer');
    expect(within(cell('email', 'offers')).getByTestId('consent-cell-reason').textContent).toBe('No prior consent');
    expect(screen.getByTestId('consent-record-open').textContent).toBe('Record consent');
  });
});

describe('consent wordings in settings', () => {
  it('saves an edit as version 2 while consents already given keep version 1', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', jeanne);
    await store.api.call('consent.record', { contactId: c.id, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] });
    renderWithApi(<ConsentWordingsSection />, store.api);
    const user = userEvent.setup();
    const offers = await screen.findByTestId('consent-wording-offers', {}, WAIT);
    expect(offers.dataset.version).toBe('1');
    expect(screen.getByTestId('consent-wording-version-offers').textContent).toMatch(/^Version 1 du /);

    await user.click(screen.getByTestId('consent-wording-edit-offers'));
    // the form says what saving does
    expect(screen.getByText('Enregistrer crée la version 2.')).toBeTruthy();
    // the same words again are refused: a version must prove something new
    await user.click(screen.getByTestId('consent-wording-save-offers'));
    expect(await screen.findByText('Le texte n’a pas changé.')).toBeTruthy();
    expect((await store.api.call('consent.wordings.list', {})).filter((w) => w.purpose === 'offers')).toHaveLength(1);

    const input = screen.getByTestId('consent-wording-input-offers');
    await user.clear(input);
    await user.type(input, 'J’accepte les offres de la boutique, par tout canal coché.');
    await user.click(screen.getByTestId('consent-wording-save-offers'));
    await waitFor(() => expect(screen.getByTestId('consent-wording-offers').dataset.version).toBe('2'));
    expect(screen.getByTestId('consent-wording-current-offers').textContent).toBe('J’accepte les offres de la boutique, par tout canal coché.');
    // the other purposes are untouched
    expect(screen.getByTestId('consent-wording-newsletter').dataset.version).toBe('1');

    await user.click(screen.getByTestId('consent-wording-older-offers'));
    const old = screen.getAllByTestId('consent-wording-old');
    expect(old).toHaveLength(1);
    const v1 = (await store.api.call('consent.wordings.list', {})).find((w) => w.purpose === 'offers' && w.version === 1);
    expect(old[0]?.textContent).toContain(`v1 · `);
    expect(old[0]?.textContent).toContain(v1?.hash.slice(0, 8) ?? 'missing');

    // the consent given before the edit still quotes version 1; a new one quotes version 2
    expect((await stored(store.api, c.id)).events.map((e) => e.wordingVersion)).toEqual([1]);
    const after = await store.api.call('consent.record', {
      contactId: c.id,
      method: 'counter',
      entries: [{ channel: 'sms', purpose: 'offers', event: 'granted' }],
    });
    expect(after.events.map((e) => `${e.channel}:${e.wordingVersion}`).sort()).toEqual(['email:1', 'sms:2']);
  });
});

const people: ContactInput[] = [
  { firstName: 'Anne', lastName: 'Accord', email: 'anne@exemple.fr' },
  { firstName: 'Bruno', lastName: 'Muet', email: 'bruno@exemple.fr' },
  { firstName: 'Chloé', lastName: 'Retrait', email: 'chloe@exemple.fr' },
];

const rowNames = (): string[] =>
  screen.getAllByTestId('contact-row').map((row) => within(row).getByTestId('contact-row-name').textContent ?? '');

const seedList = async () => {
  const store = await openTestStore();
  const ids: number[] = [];
  for (const p of people) ids.push((await store.api.call('contacts.create', p)).id);
  const [anne, , chloe] = ids as [number, number, number];
  for (const id of [anne, chloe]) {
    await store.api.call('consent.record', { contactId: id, method: 'counter', entries: [{ channel: 'email', purpose: 'offers', event: 'granted' }] });
  }
  await store.api.call('consent.withdraw', { contactId: chloe, channel: 'email', purpose: 'offers' });
  return { store, ids };
};

describe('contactable filter and marketing export', () => {
  it('narrows the list to those who may be e-mailed offers, with a chip to remove it', async () => {
    const { store } = await seedList();
    renderWithApi(<ContactList onOpen={() => {}} />, store.api);
    const user = userEvent.setup();
    await screen.findAllByTestId('contact-row', {}, WAIT);
    expect(rowNames()).toHaveLength(3);

    await user.click(screen.getByTestId('filters-toggle'));
    await user.selectOptions(screen.getByTestId('filter-contactable'), 'email:offers');
    await waitFor(() => expect(rowNames()).toEqual(['Anne Accord']), WAIT);
    const chip = screen.getByTestId('filter-chip');
    expect(chip.dataset.filter).toBe('contactable');
    expect(chip.textContent).toContain('Contactable par e-mail pour les offres commerciales');

    // SMS offers: nobody gave consent, and nobody has a phone on file
    await user.selectOptions(screen.getByTestId('filter-contactable'), 'sms:offers');
    expect(await screen.findByTestId('contact-list-empty', {}, WAIT)).toBeTruthy();

    await user.click(screen.getByTestId('filter-chip-remove-contactable'));
    await waitFor(() => expect(rowNames()).toHaveLength(3), WAIT);
  });

  it('exports for a campaign only those allowed, and says how many were left out and why', async () => {
    const { store } = await seedList();
    const downloads: string[] = [];
    const api: Api = {
      ...store.api,
      async download(file) {
        await store.api.download(file);
        downloads.push(file);
      },
    };
    renderWithApi(<ContactList onOpen={() => {}} />, api);
    const user = userEvent.setup();
    await screen.findAllByTestId('contact-row', {}, WAIT);
    await user.click(screen.getByTestId('export-open'));
    expect(screen.queryByTestId('export-marketing-target')).toBeNull();
    await user.click(screen.getByTestId('export-marketing'));
    expect((screen.getByTestId('export-marketing-target') as HTMLSelectElement).value).toBe('email:offers');
    await user.click(screen.getByTestId('export-run'));

    expect((await screen.findByTestId('export-result', {}, WAIT)).textContent).toBe('1 contact exporté.');
    const excluded = screen.getByTestId('export-excluded');
    expect(excluded.dataset.total).toBe('2');
    expect(
      within(excluded)
        .getAllByTestId('export-excluded-reason')
        .map((el) => [el.dataset.reason, el.dataset.count]),
    ).toEqual([
      ['no_consent', '1'],
      ['withdrawn', '1'],
    ]);
    expect(excluded.textContent).toContain('Consentement retiré : 1');
    expect(downloads).toHaveLength(1);
    const text = fs.readFileSync(downloads[0] ?? '', 'utf8');
    expect(path.extname(downloads[0] ?? '')).toBe('.csv');
    expect(text).toContain('anne@exemple.fr');
    expect(text).not.toContain('bruno@exemple.fr');
    expect(text).not.toContain('chloe@exemple.fr');
  });
});
