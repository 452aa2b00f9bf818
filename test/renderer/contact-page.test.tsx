import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { localDate, type Api, type PurchaseLineInput, type TimelineItem } from '../../src-main/contract';
import { ContactPage } from '../../src-renderer/features/contacts/ContactPage';
import { openTestStore, renderWithApi } from './render';

// a real store and a full form in jsdom, on a machine shared with other jobs: give slow renders time
configure({ asyncUtilTimeout: 10_000 });

const items = (): HTMLElement[] => screen.queryAllByTestId('timeline-item');
const kinds = (): (string | null)[] => items().map((el) => el.getAttribute('data-kind'));
const itemOf = (kind: TimelineItem['kind']): HTMLElement => {
  const found = items().find((el) => el.getAttribute('data-kind') === kind);
  if (found === undefined) throw new Error(`no ${kind} in the timeline`);
  return found;
};
const storedTimeline = async (api: Api, id: number): Promise<TimelineItem[]> =>
  (await api.call('contacts.timeline', { id, limit: 200 })).items;

const yesterday = (): string => {
  const d = new Date();
  d.setDate(d.getDate() - 1);
  return localDate(d);
};

/**
 * Luc Bernard's page after a sale of `lines` (made by `linesOf`, which may add
 * products) and the refund of 0,1 of its first line: the two timeline entries.
 */
const soldAndRefunded = async (linesOf: (api: Api) => Promise<PurchaseLineInput[]>) => {
  const store = await openTestStore();
  const c = await store.api.call('contacts.create', { firstName: 'Luc', lastName: 'Bernard' });
  const lines = await linesOf(store.api);
  const sale = await store.api.call('purchases.create', { contactId: c.id, purchasedAt: '2024-01-10T10:00:00.000Z', lines });
  const [first] = sale.lines;
  await store.api.call('purchases.refund', { purchaseId: sale.id, lines: [{ lineId: first?.id ?? 0, quantity: 0.1 }] });
  renderWithApi(<ContactPage id={c.id} />, store.api);
  await waitFor(() => expect(screen.getAllByTestId('timeline-purchase')).toHaveLength(2));
  const [refund, bought] = screen.getAllByTestId('timeline-purchase');
  return { refund, bought };
};

describe('Contact page', () => {
  it('puts the history right under the details, and takes the user to each part in one click', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', { firstName: 'Jeanne', lastName: 'Martin', email: 'jeanne@exemple.fr' });
    renderWithApi(<ContactPage id={c.id} />, store.api);
    const bar = await screen.findByTestId('contact-sections');
    expect(within(bar).getAllByRole('button').map((b) => b.textContent)).toEqual(['Historique', 'Fidélité', 'Consentements', 'Données personnelles']);
    // page order: the history first, then loyalty, consent and the data-subject rights
    const sections = [...document.querySelectorAll('[id^="contact-section-"]')].map((el) => el.id);
    expect(sections).toEqual(['contact-section-timeline', 'contact-section-loyalty', 'contact-section-consent', 'contact-section-privacy']);
    const timeline = document.getElementById('contact-section-timeline');
    expect(timeline?.textContent).toContain('Historique');
    const consent = await screen.findByTestId('consent-panel');
    expect(document.getElementById('contact-section-consent')?.contains(consent)).toBe(true);
    // jsdom lays nothing out: what matters is which part is asked into sight
    const scrolled: Element[] = [];
    const spy = vi.spyOn(Element.prototype, 'scrollIntoView').mockImplementation(function scrollIntoView(this: Element) {
      scrolled.push(this);
    });
    const user = userEvent.setup();
    await user.click(within(bar).getByTestId('contact-section-link-consent'));
    await user.click(within(bar).getByTestId('contact-section-link-timeline'));
    spy.mockRestore();
    expect(scrolled.map((el) => el.id)).toEqual(['contact-section-consent', 'contact-section-timeline']);
  });

  it('shows the identity header and every detail of the record', async () => {
    const store = await openTestStore();
    const company = await store.api.call('companies.create', { name: 'Boulangerie Martin' });
    const c = await store.api.call('contacts.create', {
      civility: 'mme',
      firstName: 'Jeanne',
      lastName: 'Martin',
      companyId: company.id,
      jobTitle: 'Gérante',
      status: 'customer',
      tags: ['VIP', 'Salon 2024'],
      code: 'C-042',
      source: 'referral',
      sourceDetail: 'Parrainée par Mme Roux',
      sourceDate: '2024-03-02',
      email: 'jeanne@exemple.fr',
      emails: [{ email: 'jeanne.pro@exemple.fr', label: 'travail' }],
      phone: '0612345678',
      phones: [{ phone: '01 42 86 82 00', label: 'boutique' }],
      birthDate: '1985-07-14',
      language: 'en',
      dataOrigin: 'purchased',
    });
    renderWithApi(<ContactPage id={c.id} />, store.api);

    expect((await screen.findByTestId('contact-name')).textContent).toBe('Mme Jeanne Martin');
    expect(screen.getByTestId('status-badge').textContent).toBe('Client');
    expect(screen.getByTestId('contact-company').textContent).toBe('Gérante · Boulangerie Martin');
    expect(screen.getAllByTestId('contact-tag').map((el) => el.textContent).sort()).toEqual(['Salon 2024', 'VIP']);
    expect(screen.getByTestId('contact-code').textContent).toBe('Code C-042');
    expect(screen.getByTestId('contact-phone').textContent).toBe('06 12 34 56 78');
    expect(screen.getByTestId('contact-emails').textContent).toBe('jeanne.pro@exemple.fr (travail)');
    expect(screen.getByTestId('contact-phones').textContent).toBe('01 42 86 82 00 (boutique)');
    expect(screen.getByTestId('contact-birth-date').textContent).toBe('14 juil. 1985');
    expect(screen.getByTestId('contact-language').textContent).toBe('Anglais');
    expect(screen.getByTestId('contact-source').textContent).toBe('Parrainage — Parrainée par Mme Roux');
    expect(screen.getByTestId('contact-source-date').textContent).toBe('2 mars 2024');
    expect(screen.getByTestId('contact-data-origin').textContent).toBe('Fichier acheté ou loué');
    expect(screen.getByTestId('contact-last-inbound').textContent).toBe('Non renseigné');
    expect(screen.getByTestId('contact-sale').getAttribute('href')).toBe(`#/contacts/${c.id}/sale`);
    expect(await screen.findByTestId('timeline-empty')).toBeTruthy();
  });

  it('writes a weighed line’s quantity in the timeline as the language does, on the sale and its refund', async () => {
    const { refund, bought } = await soldAndRefunded(async () => [
      { label: 'Comté', quantity: 0.352, unitPriceCents: 3250 },
      { label: 'Pain de campagne', unitPriceCents: 320 },
    ]);
    expect(bought?.textContent).toContain('0,352 × Comté, Pain de campagne');
    expect(refund?.textContent).toContain('0,1 × Comté');
  });

  it('writes a weighed line with its unit in the timeline, even one kilo; one piece goes without « 1 × »', async () => {
    const { refund, bought } = await soldAndRefunded(async (api) => {
      const cheese = await api.call('products.create', { name: 'Comté 24 mois', priceCents: 3250, unit: 'kg' });
      const bread = await api.call('products.create', { name: 'Pain de campagne', priceCents: 320 });
      return [
        { productId: cheese.id, quantity: 0.352 },
        { productId: cheese.id, quantity: 1 },
        { productId: bread.id, quantity: 1 },
        { productId: bread.id, quantity: 3 },
      ];
    });
    expect(bought?.textContent).toContain('0,352\u00a0kg × Comté 24 mois, 1\u00a0kg × Comté 24 mois, Pain de campagne, 3 × Pain de campagne');
    expect(refund?.textContent).toContain('0,1\u00a0kg × Comté 24 mois');
  });

  it('writes a weighed line with its unit in English', async () => {
    const store = await openTestStore('en');
    const c = await store.api.call('contacts.create', { firstName: 'Luc', lastName: 'Bernard' });
    const cheese = await store.api.call('products.create', { name: 'Comté 24 months', priceCents: 3250, unit: 'kg' });
    await store.api.call('purchases.create', { contactId: c.id, lines: [{ productId: cheese.id, quantity: 0.352 }] });
    renderWithApi(<ContactPage id={c.id} />, store.api, 'en');
    expect((await screen.findByTestId('timeline-purchase')).textContent).toContain('0.352\u00a0kg × Comté 24 months');
  });

  it('merges a follow-up, a note, an interaction and a purchase into one feed, newest first', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', { firstName: 'Luc', lastName: 'Bernard' });
    const purchase = await store.api.call('purchases.create', {
      contactId: c.id,
      purchasedAt: '2024-01-10T10:00:00.000Z',
      lines: [{ label: 'Pain de campagne', quantity: 2, unitPriceCents: 450 }],
    });
    await store.api.call('interactions.create', {
      contactId: c.id,
      kind: 'call',
      initiatedBy: 'contact',
      occurredAt: '2024-02-01T09:00:00.000Z',
      summary: 'Demande un devis pour un buffet',
    });
    await store.api.call('notes.create', { contactId: c.id, body: 'Préfère être appelé le matin', notedAt: '2024-03-01T08:00:00.000Z' });
    await store.api.call('tasks.create', { contactId: c.id, title: 'Rappeler pour le devis', dueDate: '2024-04-02' });
    renderWithApi(<ContactPage id={c.id} />, store.api);

    await waitFor(() => expect(kinds()).toEqual(['task', 'note', 'interaction', 'purchase']));
    expect(itemOf('task').textContent).toContain('Rappeler pour le devis');
    expect(itemOf('task').textContent).toContain('En retard');
    expect(itemOf('note').textContent).toContain('Préfère être appelé le matin');
    expect(itemOf('interaction').textContent).toContain('Appel');
    expect(within(itemOf('interaction')).getByTestId('timeline-direction').textContent).toBe('Entrant');
    expect(itemOf('purchase').textContent).toContain('2 × Pain de campagne');
    expect(within(itemOf('purchase')).getByTestId('timeline-purchase-amount').textContent).toMatch(/^9,00\s€$/);
    expect(screen.getByTestId('contact-purchases').textContent).toMatch(/^1 achat, 9,00\s€ au total$/);
    expect(screen.getByTestId('contact-last-inbound').textContent).not.toBe('Non renseigné');

    // a purchase opens in the sales feature's dialog; deleting it there updates the page
    const user = userEvent.setup();
    await user.click(within(itemOf('purchase')).getByTestId('timeline-purchase'));
    const view = await screen.findByTestId('purchase-view');
    expect(view.getAttribute('data-purchase-id')).toBe(String(purchase.id));
    await user.click(within(view).getByTestId('purchase-delete'));
    await user.click(await screen.findByTestId('purchase-delete-confirm'));
    await waitFor(() => expect(kinds()).toEqual(['task', 'note', 'interaction']));
    await waitFor(() => expect(screen.getByTestId('contact-purchases').textContent).toBe('Aucun achat'));
    await waitFor(() => expect(screen.queryByTestId('purchase-view')).toBeNull());
  });

  it('adds a note, logs an interaction and plans a follow-up from the page', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', { firstName: 'Nina', lastName: 'Perrin' });
    renderWithApi(<ContactPage id={c.id} />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('timeline-empty');

    // Ctrl+Enter saves a note; Enter alone is a new line
    await user.type(screen.getByTestId('note-body'), 'Cliente depuis 2010{Enter}Aime le lin{Control>}{Enter}{/Control}');
    await waitFor(() => expect(kinds()).toEqual(['note']));
    expect((screen.getByTestId('note-body') as HTMLTextAreaElement).value).toBe('');

    await user.click(screen.getByTestId('composer-interaction'));
    await user.selectOptions(screen.getByTestId('interaction-kind'), 'visit');
    await user.type(screen.getByTestId('interaction-summary'), 'Est passée voir la collection');
    await user.click(screen.getByTestId('interaction-save'));
    await waitFor(() => expect(kinds()).toHaveLength(2));
    // an inbound contact on the person's initiative shows in the header at once (CNIL retention restarts)
    await waitFor(() => expect(screen.getByTestId('contact-last-inbound').textContent).not.toBe('Non renseigné'));

    await user.click(screen.getByTestId('composer-task'));
    await user.type(screen.getByTestId('task-title'), 'Envoyer le catalogue');
    await user.clear(screen.getByTestId('task-due'));
    await user.type(screen.getByTestId('task-due'), '15/01/2030{Enter}');
    // due in 2030: the newest entry of the feed
    await waitFor(() => expect(kinds()).toEqual(['task', 'interaction', 'note']));

    const stored = await storedTimeline(store.api, c.id);
    expect(stored.map((i) => i.kind)).toEqual(['task', 'interaction', 'note']);
    const [task, interaction, note] = stored;
    expect(task?.kind === 'task' && task.task).toMatchObject({ title: 'Envoyer le catalogue', dueDate: '2030-01-15', doneAt: null });
    expect(interaction?.kind === 'interaction' && interaction.interaction).toMatchObject({
      kind: 'visit',
      initiatedBy: 'contact',
      direction: 'in',
      summary: 'Est passée voir la collection',
    });
    expect(note?.kind === 'note' && note.note.body).toBe('Cliente depuis 2010\nAime le lin');
  });

  it('ticks a follow-up done, edits a note and deletes an interaction', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', { lastName: 'Roux' });
    const task = await store.api.call('tasks.create', { contactId: c.id, title: 'Relancer le devis', dueDate: yesterday() });
    const note = await store.api.call('notes.create', { contactId: c.id, body: 'Texte avec une fote' });
    await store.api.call('interactions.create', { contactId: c.id, kind: 'email', initiatedBy: 'shop', summary: 'Envoi du devis' });
    renderWithApi(<ContactPage id={c.id} />, store.api);
    const user = userEvent.setup();
    await waitFor(() => expect(kinds()).toHaveLength(3));
    expect(within(itemOf('interaction')).getByTestId('timeline-direction').textContent).toBe('Sortant');

    await user.click(within(itemOf('task')).getByTestId('timeline-task-done'));
    await waitFor(async () =>
      expect((await store.api.call('tasks.due', {})).rows.map((r) => r.id)).not.toContain(task.id),
    );
    expect((within(itemOf('task')).getByTestId('timeline-task-done') as HTMLInputElement).checked).toBe(true);

    await user.click(within(itemOf('note')).getByTestId('timeline-edit'));
    const body = within(itemOf('note')).getByTestId('note-body');
    await user.clear(body);
    await user.type(body, 'Texte corrigé');
    await user.click(within(itemOf('note')).getByTestId('note-save'));
    await waitFor(() => expect(itemOf('note').textContent).toContain('Texte corrigé'));
    const stored = (await storedTimeline(store.api, c.id)).find((i) => i.kind === 'note' && i.id === note.id);
    expect(stored?.kind === 'note' && stored.note.body).toBe('Texte corrigé');

    await user.click(within(itemOf('interaction')).getByTestId('timeline-delete'));
    await user.click(await screen.findByTestId('timeline-delete-confirm'));
    await waitFor(() => expect(kinds()).not.toContain('interaction'));
    expect((await storedTimeline(store.api, c.id)).map((i) => i.kind).sort()).toEqual(['note', 'task']);
  });

  it('refuses an empty note, a follow-up without a valid date and an interaction in the future, writing nothing', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', { lastName: 'Vide' });
    renderWithApi(<ContactPage id={c.id} />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('timeline-empty');

    await user.click(screen.getByTestId('note-save'));
    expect(await screen.findByText('Ce champ est obligatoire.')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByTestId('note-body'));

    await user.click(screen.getByTestId('composer-task'));
    await user.type(screen.getByTestId('task-title'), 'Rappeler');
    await user.clear(screen.getByTestId('task-due'));
    await user.type(screen.getByTestId('task-due'), 'demain{Enter}');
    expect(await screen.findByText('Date invalide (jj/mm/aaaa).')).toBeTruthy();

    await user.click(screen.getByTestId('composer-interaction'));
    await user.clear(screen.getByTestId('interaction-date'));
    await user.type(screen.getByTestId('interaction-date'), '01/01/2099');
    await user.type(screen.getByTestId('interaction-summary'), 'Rendez-vous');
    await user.click(screen.getByTestId('interaction-save'));
    expect(await screen.findByText('Cette date ne peut pas être dans le futur.')).toBeTruthy();

    expect(await storedTimeline(store.api, c.id)).toEqual([]);
  });

  it('pages older entries on demand and follows data changed elsewhere', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', { lastName: 'Bavard' });
    for (let i = 1; i <= 55; i += 1) {
      await store.api.call('notes.create', {
        contactId: c.id,
        body: `Note ${i}`,
        notedAt: new Date(Date.UTC(2024, 0, i, 12)).toISOString(),
      });
    }
    renderWithApi(<ContactPage id={c.id} />, store.api);
    const user = userEvent.setup();
    await waitFor(() => expect(items()).toHaveLength(50));
    expect(items()[0]?.textContent).toContain('Note 55');
    await user.click(screen.getByTestId('timeline-more'));
    await waitFor(() => expect(items()).toHaveLength(55));
    expect(items()[54]?.textContent).toContain('Note 1');
    expect(screen.queryByTestId('timeline-more')).toBeNull();

    // a bulk action elsewhere announces a change: the header and the feed are read again, as many entries as shown
    await store.api.call('notes.create', { contactId: c.id, body: 'Ajoutée ailleurs' });
    await store.api.call('contacts.bulk', { ids: [c.id], action: 'tag', tag: 'Relancé' });
    await waitFor(() => expect(items()[0]?.textContent).toContain('Ajoutée ailleurs'));
    expect(items()).toHaveLength(55);
    expect(screen.getByTestId('timeline-more')).toBeTruthy();
    expect(screen.getAllByTestId('contact-tag').map((el) => el.textContent)).toEqual(['Relancé']);
  });
});
