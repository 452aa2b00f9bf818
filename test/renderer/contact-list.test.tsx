import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { BULK_IDS_MAX, contactFilter, type Api, type ContactInput } from '../../src-main/contract';
import { ContactList, columnsFor } from '../../src-renderer/features/contacts/ContactList';
import { noFilters, toContactFilter } from '../../src-renderer/features/contacts/list-filters';
import { bulkTarget, noSelection, overBulkLimit, selectLoaded, toggleRow } from '../../src-renderer/features/contacts/list-selection';
import { suiteInZone } from '../zone';
import { openTestStore, renderWithApi, giveContactGridAViewport } from './render';

const people: ContactInput[] = [
  { firstName: 'François', lastName: 'Dupont', city: 'Nantes', postcode: '44000', status: 'customer' },
  { firstName: 'Élodie', lastName: 'Martin', city: 'Annecy', postcode: '74000' },
  { firstName: 'Zoé', lastName: 'Abel', city: 'Brest', postcode: '29200' },
  { firstName: 'Marc', lastName: 'Zidane', city: 'Marseille', postcode: '13001', email: 'marc@exemple.fr' },
  { firstName: '<script>alert(1)</script>', lastName: '<b>Gras</b>', city: 'Lille', postcode: '59000' },
];

const seed = async (api: Api, contacts: ContactInput[]) => {
  for (const c of contacts) await api.call('contacts.create', c);
};

/** Testing Library's one-second default is short on a busy 2-core machine; a real regression still fails. */
const WAIT = { timeout: 8000 };

const rowNames = (): string[] =>
  screen.getAllByTestId('contact-row').map((row) => within(row).getByTestId('contact-row-name').textContent ?? '');

const rowOf = (name: string): HTMLElement => {
  const row = screen.getAllByTestId('contact-row').find((r) => within(r).getByTestId('contact-row-name').textContent === name);
  if (!row) throw new Error(`no row ${name}`);
  return row;
};

const setup = async (contacts: ContactInput[] = people) => {
  const store = await openTestStore();
  await seed(store.api, contacts);
  const onOpen = vi.fn();
  renderWithApi(<ContactList onOpen={onOpen} />, store.api);
  await screen.findAllByTestId('contact-row', {}, WAIT);
  return { store, onOpen, user: userEvent.setup() };
};

// a desktop screen: every column shown, the dates too (a laptop's narrower list is checked with columnsFor)
giveContactGridAViewport(1440);

describe('ContactList', () => {
  it('renders the rows sorted by name with the total', async () => {
    await setup();
    // "<b>Gras</b>" sorts on its folded text, where "<" comes before letters
    expect(rowNames()).toEqual([
      '<script>alert(1)</script> <b>Gras</b>',
      'Zoé Abel',
      'François Dupont',
      'Élodie Martin',
      'Marc Zidane',
    ]);
    expect(screen.getByTestId('contact-total').textContent).toBe('5 contacts');
    // markup in a name is text, never HTML
    expect(document.querySelector('script')).toBeNull();
    expect(document.querySelector('[data-testid="contact-row"] b')).toBeNull();
  });

  it('shows each row\'s tags: the first two, then how many more, named for a screen reader and on hover', async () => {
    await setup([
      { firstName: 'Anne', lastName: 'Abel', tags: ['VIP', 'Salon 2025', 'Newsletter', 'fidèle', 'Pro'] },
      { firstName: 'Bruno', lastName: 'Blanc', tags: ['Pro'] },
      { firstName: 'Chloé', lastName: 'Carré' },
    ]);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toContain('Étiquettes');
    // in the contact page's order: by name, accents and case aside
    const abel = rowOf('Anne Abel');
    expect(within(abel).getAllByTestId('contact-row-tag').map((b) => b.textContent)).toEqual(['fidèle', 'Newsletter']);
    const more = within(abel).getByTestId('contact-row-tags-more');
    expect(more.textContent).toBe('+3');
    expect(more.getAttribute('aria-label')).toBe('3 autres étiquettes : Pro, Salon 2025, VIP');
    expect(more.getAttribute('title')).toBe('3 autres étiquettes : Pro, Salon 2025, VIP');
    expect(within(rowOf('Bruno Blanc')).getAllByTestId('contact-row-tag').map((b) => b.textContent)).toEqual(['Pro']);
    expect(within(rowOf('Bruno Blanc')).queryByTestId('contact-row-tags-more')).toBeNull();
    expect(within(rowOf('Chloé Carré')).queryByTestId('contact-row-tags')).toBeNull();
  });

  it('counts the hidden tags in English too', async () => {
    const store = await openTestStore('en');
    await seed(store.api, [{ firstName: 'Ada', lastName: 'Byron', tags: ['Maths', 'Poetry', 'Engines'] }]);
    renderWithApi(<ContactList onOpen={() => {}} />, store.api, 'en');
    const row = await screen.findByTestId('contact-row', {}, WAIT);
    expect(within(row).getAllByTestId('contact-row-tag').map((b) => b.textContent)).toEqual(['Engines', 'Maths']);
    expect(within(row).getByTestId('contact-row-tags-more').getAttribute('aria-label')).toBe('1 more tag: Poetry');
  });

  it('gives the status column room for the longest English badge, « FORMER CUSTOMER »', async () => {
    const store = await openTestStore('en');
    await seed(store.api, [{ firstName: 'Ada', lastName: 'Byron', status: 'former' }]);
    renderWithApi(<ContactList onOpen={() => {}} />, store.api, 'en');
    const row = await screen.findByTestId('contact-row', {}, WAIT);
    const badge = within(row).getByTestId('status-badge');
    expect(badge.textContent).toBe('Former customer');
    const cells = [...row.children];
    const index = cells.findIndex((cell) => cell.contains(badge));
    const tracks = row.style.gridTemplateColumns.match(/minmax\([^)]*\)|\S+/g) ?? [];
    const track = Number.parseFloat(tracks[index] ?? '');
    // jsdom lays nothing out: the need is reckoned from the badge's style, 10 px bold capitals (~7 px each)
    // inside 2 × 8 px of badge padding and 2 × 10 px of cell padding
    expect(track).toBeGreaterThanOrEqual(7 * (badge.textContent ?? '').length + 16 + 20);
  });

  it('toggles the sort order from the column headers', async () => {
    const { user } = await setup();
    await user.click(screen.getByTestId('sort-name'));
    await waitFor(() => expect(rowNames()[0]).toBe('Marc Zidane'), WAIT);
    expect(screen.getByTestId('sort-name').closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('descending');

    await user.click(screen.getByTestId('sort-city'));
    await waitFor(() => expect(rowNames()[0]).toBe('Élodie Martin'), WAIT);
    expect(rowNames()).toEqual([
      'Élodie Martin',
      'Zoé Abel',
      '<script>alert(1)</script> <b>Gras</b>',
      'Marc Zidane',
      'François Dupont',
    ]);
    await user.click(screen.getByTestId('sort-city'));
    await waitFor(() => expect(rowNames()[0]).toBe('François Dupont'), WAIT);

    await user.click(screen.getByTestId('sort-postcode'));
    await waitFor(() => expect(rowNames()[0]).toBe('Marc Zidane'), WAIT);
  });

  it('finds "François" when typing "francois", and counts the results', async () => {
    const { user } = await setup();
    await user.type(screen.getByTestId('contact-search'), 'francois');
    await waitFor(() => expect(rowNames()).toEqual(['François Dupont']), WAIT);
    expect(screen.getByTestId('contact-total').textContent).toBe('1 résultat');

    await user.clear(screen.getByTestId('contact-search'));
    await user.type(screen.getByTestId('contact-search'), 'personne');
    expect(await screen.findByText('Aucun contact ne correspond à cette recherche.', {}, WAIT)).toBeTruthy();
  });

  it('ignores a slow answer to an older search', async () => {
    const store = await openTestStore();
    await seed(store.api, people);
    // the answer for "z" arrives after the answer for "zoe"
    const api: Api = {
      ...store.api,
      call: (async (name: string, input: { q?: string }) => {
        const result = await store.api.call(name as never, input as never);
        if (name === 'contacts.list' && input.q === 'z') await new Promise((r) => setTimeout(r, 400));
        return result;
      }) as Api['call'],
    };
    renderWithApi(<ContactList onOpen={() => {}} />, api);
    await screen.findAllByTestId('contact-row', {}, WAIT);
    const search = screen.getByTestId('contact-search');
    fireEvent.change(search, { target: { value: 'z' } });
    await new Promise((r) => setTimeout(r, 200));
    fireEvent.change(search, { target: { value: 'zoe' } });
    await waitFor(() => expect(rowNames()).toEqual(['Zoé Abel']), WAIT);
    await new Promise((r) => setTimeout(r, 500));
    expect(rowNames()).toEqual(['Zoé Abel']);
  });

  it('opens a contact on click, and with Enter from the search box', async () => {
    const { store, onOpen, user } = await setup();
    const first = screen.getAllByTestId('contact-row')[0];
    if (!first) throw new Error('no row');
    await user.click(first);
    const gras = (await store.api.call('contacts.list', { q: 'gras' })).rows[0];
    expect(onOpen).toHaveBeenLastCalledWith(gras?.id);

    await user.type(screen.getByTestId('contact-search'), 'dupont');
    await waitFor(() => expect(rowNames()).toEqual(['François Dupont']), WAIT);
    await user.keyboard('{Enter}');
    const dupont = (await store.api.call('contacts.list', { q: 'dupont' })).rows[0];
    expect(onOpen).toHaveBeenLastCalledWith(dupont?.id);
  });

  it('renders far fewer DOM rows than a 500-contact base holds, and pages on scroll', async () => {
    const many: ContactInput[] = Array.from({ length: 500 }, (_, i) => ({
      firstName: `Client${String(i).padStart(3, '0')}`,
      lastName: 'Test',
      city: 'Paris',
      postcode: '75001',
    }));
    await setup(many);
    expect(screen.getByTestId('contact-total').textContent).toBe('500 contacts');
    const rendered = screen.getAllByTestId('contact-row').length;
    // a 600 px viewport holds ~12 rows of 48 px; overscan adds a few
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(40);

    // near the end of the first page (100 rows) the next page is fetched: row 105 can appear
    const grid = screen.getByTestId('contact-grid');
    grid.scrollTop = 90 * 48;
    fireEvent.scroll(grid);
    await waitFor(() => expect(rowNames()).toContain('Client105 Test'), WAIT);
    expect(rowNames()).not.toContain('Client000 Test');
    grid.scrollTop = 195 * 48;
    fireEvent.scroll(grid);
    await waitFor(() => expect(rowNames()).toContain('Client205 Test'), WAIT);
    expect(screen.getAllByTestId('contact-row').length).toBeLessThan(40);

    // 500 matches are too many to sort: newest first, and the user is asked to type more
    fireEvent.change(screen.getByTestId('contact-search'), { target: { value: 'test' } });
    await waitFor(() => {
      // a new search starts at the top; jsdom does not fire the scroll event a browser would
      expect(grid.scrollTop).toBe(0);
      fireEvent.scroll(grid);
      expect(rowNames()[0]).toBe('Client499 Test');
    }, WAIT);
    expect(screen.getByTestId('contact-total').textContent).toBe(
      'plus de 200 résultats, du plus récent au plus ancien — précisez la recherche pour trier',
    );
    const sortedHeaders = screen
      .getAllByRole('columnheader')
      .filter((h) => ['ascending', 'descending'].includes(h.getAttribute('aria-sort') ?? ''));
    expect(sortedHeaders).toEqual([]);
  });
});

/* ---------- filters, selection, bulk actions ---------- */


/** A contact created at a given local time: the store stamps creation with its clock. */
const createAt = async (api: Api, when: Date, contact: ContactInput): Promise<number> => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(when);
  try {
    return (await api.call('contacts.create', contact)).id;
  } finally {
    vi.useRealTimers();
  }
};

const waitIdle = async () =>
  waitFor(() => expect(screen.getByTestId('contact-grid').getAttribute('aria-busy')).toBe('false'), WAIT);

const total = () => screen.getByTestId('contact-total').textContent;

const tagsOf = async (api: Api, id: number): Promise<string[]> =>
  (await api.call('contacts.get', { id })).tags.map((tag) => tag.name);

/** Types into a field at once (pasted), as the debounce would see it anyway. */
const fill = async (user: ReturnType<typeof userEvent.setup>, testId: string, text: string) => {
  await user.click(screen.getByTestId(testId));
  await user.paste(text);
};

/** Ticks the box of the row showing `name`. */
const tick = async (user: ReturnType<typeof userEvent.setup>, name: string, shift = false) => {
  const row = screen.getAllByTestId('contact-row').find((r) => within(r).getByTestId('contact-row-name').textContent === name);
  if (!row) throw new Error(`no row ${name}`);
  const box = within(row).getByTestId('contact-row-select');
  if (shift) await user.keyboard('{Shift>}');
  await user.click(box);
  if (shift) await user.keyboard('{/Shift}');
};

describe('ContactList filters', () => {
  // Cayenne is UTC-3 all year: a local day and a UTC day differ, so day edges are really tested
  suiteInZone('America/Cayenne');

  it('narrows by status, tag, town prefix and creation dates (local days), counts, and removes chips', async () => {
    const store = await openTestStore();
    const api = store.api;
    const at = (y: number, m: number, d: number, h = 12) => new Date(y, m - 1, d, h);
    const vip = ['VIP'];
    await createAt(api, at(2024, 3, 10), { firstName: 'Alice', lastName: 'Martin', city: 'Nantes', postcode: '44000', status: 'customer', tags: vip });
    await createAt(api, at(2024, 3, 20), { firstName: 'Bruno', lastName: 'Petit', city: 'Nancy', postcode: '54000', status: 'customer', tags: vip });
    await createAt(api, at(2024, 3, 12), { firstName: 'Chloé', lastName: 'Roux', city: 'Nantes', postcode: '44000', status: 'prospect', tags: vip });
    await createAt(api, at(2024, 3, 15), { firstName: 'Denis', lastName: 'Blanc', city: 'Nantes', postcode: '44100', status: 'customer' });
    await createAt(api, at(2023, 12, 1), { firstName: 'Émile', lastName: 'Noir', city: 'NANTES', postcode: '44000', status: 'customer', tags: vip });
    await createAt(api, at(2024, 4, 1), { firstName: 'Fanny', lastName: 'Vert', city: 'Nanterre', postcode: '92000', status: 'customer', tags: ['Pro'] });
    // late on the last day (already the next day in UTC) and late on the eve of the first one
    await createAt(api, at(2024, 4, 30, 22), { firstName: 'Gaëlle', lastName: 'Lenoir', city: 'Nanterre', postcode: '92000', status: 'customer', tags: vip });
    await createAt(api, at(2024, 2, 29, 22), { firstName: 'Hugo', lastName: 'Gris', city: 'Nantes', postcode: '44000', status: 'customer', tags: vip });

    const prefs = vi.fn();
    renderWithApi(<ContactList onOpen={() => {}} onPrefsChange={prefs} />, api);
    await screen.findAllByTestId('contact-row', {}, WAIT);
    expect(total()).toBe('8 contacts');
    const user = userEvent.setup();

    await user.click(screen.getByTestId('filters-toggle'));
    await user.click(within(screen.getByTestId('filter-status-customer')).getByText('Client'));
    await waitFor(() => expect(total()).toBe('7 contacts'), WAIT);
    expect(rowNames()).not.toContain('Chloé Roux');

    await user.click(screen.getByTestId('filter-tags'));
    await user.click(await screen.findByRole('option', { name: /VIP/ }, WAIT));
    await waitFor(() => expect(total()).toBe('5 contacts'), WAIT);
    expect(rowNames()).toEqual(['Hugo Gris', 'Gaëlle Lenoir', 'Alice Martin', 'Émile Noir', 'Bruno Petit']);

    await fill(user, 'filter-city', 'nant');
    await waitFor(() => expect(total()).toBe('4 contacts'), WAIT);
    expect(rowNames()).not.toContain('Bruno Petit');

    await fill(user, 'filter-created-from', '01/03/2024');
    await fill(user, 'filter-created-to', '30/04/2024');
    await waitFor(() => expect(rowNames()).toEqual(['Gaëlle Lenoir', 'Alice Martin']), WAIT);
    expect(total()).toBe('2 contacts');

    const chips = screen.getAllByTestId('filter-chip');
    expect(chips.map((c) => c.dataset.filter)).toEqual(['status', 'tags', 'city', 'created']);
    expect(chips[3]?.textContent).toBe('Créé du 01/03/2024 au 30/04/2024');
    expect(screen.getByTestId('filters-count').textContent).toBe('4');
    // what the shell keeps while a contact is open
    expect(prefs).toHaveBeenLastCalledWith(
      expect.objectContaining({ filters: expect.objectContaining({ city: 'nant', createdFrom: '01/03/2024', status: ['customer'] }) }),
    );

    await user.click(screen.getByTestId('filter-chip-remove-created'));
    await waitFor(() => expect(total()).toBe('4 contacts'), WAIT);
    expect(rowNames()).toEqual(['Hugo Gris', 'Gaëlle Lenoir', 'Alice Martin', 'Émile Noir']);

    // a mistyped date is shown as wrong once the field is left, and narrows nothing
    await fill(user, 'filter-created-to', '31/02/2024');
    await user.tab();
    expect(await screen.findByText('Date invalide (jj/mm/aaaa).', {}, WAIT)).toBeTruthy();
    await waitIdle();
    expect(total()).toBe('4 contacts');
    // and its chip, seen with the panel closed, says it is left out
    const chip = screen.getAllByTestId('filter-chip').find((c) => c.getAttribute('data-filter') === 'created');
    expect(chip?.getAttribute('data-ignored')).toBe('true');
    expect(chip?.textContent).toBe('Créé jusqu’au 31/02/2024 — ignoré : date invalide ou fin avant le début');

    await user.click(screen.getByTestId('filters-clear'));
    await waitFor(() => expect(total()).toBe('8 contacts'), WAIT);
    expect(screen.queryByTestId('filter-chip')).toBeNull();
  });

  it('keeps its filters when shown again with the saved preferences', async () => {
    const store = await openTestStore();
    await seed(store.api, people);
    renderWithApi(
      <ContactList
        onOpen={() => {}}
        initial={{ q: '', sort: 'name', dir: 'asc', filtersOpen: false, filters: { ...noFilters, postcode: '7', status: ['prospect'] } }}
      />,
      store.api,
    );
    await waitFor(() => expect(rowNames()).toEqual(['Élodie Martin']), WAIT);
    expect(total()).toBe('1 contact');
    expect(screen.getAllByTestId('filter-chip')).toHaveLength(2);
  });
});

describe('ContactList sorting', () => {
  it('sorts on total spent, biggest first, then the other way', async () => {
    const store = await openTestStore();
    const ids: Record<string, number> = {};
    for (const c of people) ids[c.lastName ?? ''] = (await store.api.call('contacts.create', c)).id;
    const buy = (lastName: string, cents: number) =>
      store.api.call('purchases.create', { contactId: ids[lastName], purchasedAt: '2024-05-02', lines: [{ label: 'Panier', unitPriceCents: cents }] });
    await buy('Martin', 12_000);
    await buy('Abel', 4_500);
    await buy('Abel', 9_000);
    await buy('Zidane', 800);
    renderWithApi(<ContactList onOpen={() => {}} />, store.api);
    await screen.findAllByTestId('contact-row', {}, WAIT);
    const user = userEvent.setup();

    await user.click(screen.getByTestId('sort-totalCents'));
    await waitFor(() => expect(rowNames().slice(0, 3)).toEqual(['Zoé Abel', 'Élodie Martin', 'Marc Zidane']), WAIT);
    expect(screen.getByTestId('sort-totalCents').closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('descending');
    expect(within(screen.getAllByTestId('contact-row')[0] as HTMLElement).getByText(/135,00/)).toBeTruthy();

    await user.click(screen.getByTestId('sort-totalCents'));
    await waitFor(() => expect(rowNames().slice(-3)).toEqual(['Marc Zidane', 'Élodie Martin', 'Zoé Abel']), WAIT);
    expect(screen.getByTestId('sort-totalCents').closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('ascending');

    await user.click(screen.getByTestId('sort-lastPurchaseAt'));
    await waitIdle();
    expect(screen.getByTestId('sort-lastPurchaseAt').closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('descending');
    await user.click(screen.getByTestId('sort-createdAt'));
    await waitFor(() => expect(rowNames()[0]).toBe('<script>alert(1)</script> <b>Gras</b>'), WAIT);
  });
});

describe('ContactList selection and bulk actions', () => {
  it('suggests the tags holding what is typed, accents aside, and none once one is typed in full (the list hid the button)', async () => {
    const { user } = await setup([
      { firstName: 'Anne', lastName: 'Abel', tags: ['Fidèle', 'Fidélité 2024', 'VIP'] },
      { firstName: 'Bruno', lastName: 'Blanc' },
    ]);
    await tick(user, 'Bruno Blanc');
    await user.click(screen.getByTestId('bulk-tag'));
    const input = screen.getByTestId('bulk-tag-input');
    await user.type(input, 'fide');
    await waitFor(() => expect(screen.getAllByRole('option').map((o) => o.textContent)).toEqual(['Fidèle', 'Fidélité 2024']), WAIT);
    await user.clear(input);
    await user.type(input, 'FIDELE');
    await waitFor(() => expect(screen.queryAllByRole('option')).toEqual([]), WAIT);
    expect(screen.getByTestId('bulk-tag-confirm')).toHaveProperty('disabled', false);
  });

  it('tags two ticked rows "VIP"; a click on a box does not open the contact', async () => {
    const { store, onOpen, user } = await setup();
    await tick(user, 'Zoé Abel');
    await tick(user, 'Marc Zidane');
    expect(onOpen).not.toHaveBeenCalled();
    expect(screen.getByTestId('bulk-count').textContent).toBe('2 contacts sélectionnés');

    await user.click(screen.getByTestId('bulk-tag'));
    await user.type(screen.getByTestId('bulk-tag-input'), 'VIP');
    await user.click(screen.getByTestId('bulk-tag-confirm'));
    expect(await screen.findByText('« VIP » ajoutée à 2 contacts', {}, WAIT)).toBeTruthy();
    // the list reloads: the rows show their new tag
    await waitFor(() => expect(within(rowOf('Zoé Abel')).getAllByTestId('contact-row-tag').map((b) => b.textContent)).toEqual(['VIP']), WAIT);
    expect(within(rowOf('François Dupont')).queryByTestId('contact-row-tags')).toBeNull();

    const { rows } = await store.api.call('contacts.list', { limit: 10 });
    const tagged = await Promise.all(rows.map(async (r) => [r.lastName, await tagsOf(store.api, r.id)] as const));
    expect(Object.fromEntries(tagged)).toEqual({
      '<b>Gras</b>': [],
      Abel: ['VIP'],
      Dupont: [],
      Martin: [],
      Zidane: ['VIP'],
    });
    // the selection stays for a next action; Escape drops it
    expect(screen.getByTestId('bulk-count').textContent).toBe('2 contacts sélectionnés');
    screen.getByTestId('contact-grid').focus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
    expect(screen.getAllByTestId('contact-row-select').every((b) => !(b as HTMLInputElement).checked)).toBe(true);
  });

  it('ticks a range with shift-click, and a new filter starts a new selection', async () => {
    const { user } = await setup();
    await tick(user, 'Zoé Abel');
    await tick(user, 'Élodie Martin', true);
    expect(screen.getByTestId('bulk-count').textContent).toBe('3 contacts sélectionnés');
    const checked = screen
      .getAllByTestId('contact-row')
      .filter((r) => (within(r).getByTestId('contact-row-select') as HTMLInputElement).checked)
      .map((r) => within(r).getByTestId('contact-row-name').textContent);
    expect(checked).toEqual(['Zoé Abel', 'François Dupont', 'Élodie Martin']);

    await user.type(screen.getByTestId('contact-search'), 'marc');
    await waitFor(() => expect(rowNames()).toEqual(['Marc Zidane']), WAIT);
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
    // back to the whole list: the earlier ticks stay gone
    await user.clear(screen.getByTestId('contact-search'));
    await waitFor(() => expect(rowNames()).toHaveLength(5), WAIT);
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
  });

  it('selects every contact a filter matches, beyond the loaded rows, and untags them', async () => {
    const store = await openTestStore();
    const lyon: ContactInput[] = Array.from({ length: 130 }, (_, i) => ({
      firstName: `Client${String(i).padStart(3, '0')}`,
      lastName: 'Lyonnais',
      city: i % 2 === 0 ? 'Lyon' : 'LYON',
      postcode: '69001',
      tags: ['Newsletter'],
    }));
    await seed(store.api, [
      ...lyon,
      { firstName: 'Paul', lastName: 'Parisien', city: 'Paris', postcode: '75001', tags: ['Newsletter'] },
      { firstName: 'Rémi', lastName: 'Rennais', city: 'Rennes', postcode: '35000', tags: ['Newsletter'] },
    ]);
    renderWithApi(<ContactList onOpen={() => {}} />, store.api);
    await screen.findAllByTestId('contact-row', {}, WAIT);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('filters-toggle'));
    await user.type(screen.getByTestId('filter-city'), 'lyo');
    await waitFor(() => expect(total()).toBe('130 contacts'), WAIT);

    await user.click(screen.getByTestId('select-all'));
    expect(screen.getByTestId('bulk-count').textContent).toBe('100 contacts sélectionnés');
    await user.click(screen.getByTestId('bulk-select-all'));
    expect(screen.getByTestId('bulk-count').textContent).toBe('Les 130 contacts correspondants sont sélectionnés');

    await user.click(screen.getByTestId('bulk-untag'));
    await user.click(screen.getByTestId('bulk-untag-select'));
    await user.click(await screen.findByRole('option', { name: 'Newsletter' }, WAIT));
    await user.click(screen.getByTestId('bulk-untag-confirm'));
    expect(await screen.findByText('« Newsletter » retirée de 130 contacts', {}, WAIT)).toBeTruthy();

    const [tag] = await store.api.call('tags.list', {});
    const still = await store.api.call('contacts.list', { tags: [tag?.id ?? 0] });
    expect(still.rows.map((r) => r.lastName).sort()).toEqual(['Parisien', 'Rennais']);
  });

  it('deletes exactly the ticked contacts, after a confirmation that says how many', async () => {
    const { store, user } = await setup();
    await tick(user, 'François Dupont');
    await tick(user, 'Marc Zidane');
    await user.click(screen.getByTestId('bulk-delete'));
    expect((await screen.findByTestId('bulk-delete-question', {}, WAIT)).textContent).toBe('Supprimer définitivement 2 contacts ?');
    // a small deletion is one clear click, no word to type
    expect(screen.queryByTestId('bulk-delete-word')).toBeNull();
    await user.click(screen.getByTestId('bulk-delete-confirm-cancel'));
    expect((await store.api.call('contacts.list', {})).total).toBe(5);

    await user.click(screen.getByTestId('bulk-delete'));
    await user.click(await screen.findByTestId('bulk-delete-confirm', {}, WAIT));
    expect(await screen.findByText('2 contacts supprimés', {}, WAIT)).toBeTruthy();
    await waitFor(() => expect(total()).toBe('3 contacts'), WAIT);
    expect(rowNames()).toEqual(['<script>alert(1)</script> <b>Gras</b>', 'Zoé Abel', 'Élodie Martin']);
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
    const left = await store.api.call('contacts.list', {});
    expect(left.rows.map((r) => r.lastName)).toEqual(['<b>Gras</b>', 'Abel', 'Martin']);
  });

  it('asks for a typed word before deleting many contacts', async () => {
    const many: ContactInput[] = Array.from({ length: 25 }, (_, i) => ({ firstName: `Client${i}`, lastName: 'Test' }));
    const { store, user } = await setup([...many, { firstName: 'Garder', lastName: 'Moi', city: 'Metz' }]);
    await user.type(screen.getByTestId('contact-search'), 'test');
    await waitFor(() => expect(total()).toBe('25 résultats'), WAIT);
    await user.click(screen.getByTestId('select-all'));
    // all 25 are loaded: they are the whole match, no "select all matching" to offer
    expect(screen.getByTestId('bulk-count').textContent).toBe('25 contacts sélectionnés');
    expect(screen.queryByTestId('bulk-select-all')).toBeNull();

    await user.click(screen.getByTestId('bulk-delete'));
    const confirm = await screen.findByTestId('bulk-delete-confirm', {}, WAIT);
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByTestId('bulk-delete-word'), 'supprim');
    expect((confirm as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByTestId('bulk-delete-word'), 'er');
    expect((confirm as HTMLButtonElement).disabled).toBe(false);
    await user.click(confirm);
    expect(await screen.findByText('25 contacts supprimés', {}, WAIT)).toBeTruthy();
    const left = await store.api.call('contacts.list', {});
    expect(left.rows.map((r) => r.lastName)).toEqual(['Moi']);
    await expect(store.api.call('contacts.bulk', { ids: [999_999], action: 'delete' })).resolves.toEqual({ affected: 0 });
  });

  it('drops the selection once untagging moves its rows out of a filter on that tag: nothing unseen stays selected', async () => {
    const { user } = await setup(people.map((p) => (p.lastName === 'Abel' || p.lastName === 'Martin' ? { ...p, tags: ['Soldes'] } : p)));
    await user.click(screen.getByTestId('filters-toggle'));
    await user.click(screen.getByTestId('filter-tags'));
    await user.click(await screen.findByRole('option', { name: /Soldes/ }, WAIT));
    await waitFor(() => expect(rowNames()).toEqual(['Zoé Abel', 'Élodie Martin']), WAIT);
    await user.click(screen.getByTestId('select-all'));
    expect(screen.getByTestId('bulk-count').textContent).toBe('2 contacts sélectionnés');

    await user.click(screen.getByTestId('bulk-untag'));
    await user.click(screen.getByTestId('bulk-untag-select'));
    await user.click(await screen.findByRole('option', { name: 'Soldes' }, WAIT));
    await user.click(screen.getByTestId('bulk-untag-confirm'));
    expect(await screen.findByText('« Soldes » retirée de 2 contacts', {}, WAIT)).toBeTruthy();
    await waitFor(() => expect(screen.queryAllByTestId('contact-row')).toHaveLength(0), WAIT);
    expect(screen.queryByTestId('bulk-bar')).toBeNull();
  });

  it('counts a search too broad for the list before deleting all it matches, and asks again if that number moved', async () => {
    const many: ContactInput[] = Array.from({ length: 210 }, (_, i) => ({ firstName: `Client${i}`, lastName: 'Salon' }));
    const { store, user } = await setup([...many, { firstName: 'Garder', lastName: 'Moi' }]);
    await user.type(screen.getByTestId('contact-search'), 'salon');
    await waitFor(() => expect(total()).toMatch(/^plus de 200/), WAIT);
    await user.click(screen.getByTestId('select-all'));
    await user.click(screen.getByTestId('bulk-select-all'));
    expect(screen.getByTestId('bulk-count').textContent).toBe('Tous les contacts correspondants sont sélectionnés');

    await user.click(screen.getByTestId('bulk-delete'));
    await waitFor(() => expect(screen.getByTestId('bulk-delete-question').textContent).toBe('Supprimer définitivement 210 contacts ?'), WAIT);
    // one more matches meanwhile: the store refuses the 210 the user saw, and the new number is asked for
    await store.api.call('contacts.create', { firstName: 'Tardif', lastName: 'Salon' });
    await user.type(screen.getByTestId('bulk-delete-word'), 'SUPPRIMER');
    await user.click(screen.getByTestId('bulk-delete-confirm'));
    expect(await screen.findByTestId('bulk-delete-changed', {}, WAIT)).toBeTruthy();
    expect(screen.getByTestId('bulk-delete-question').textContent).toBe('Supprimer définitivement 211 contacts ?');
    expect((await store.api.call('contacts.list', {})).total).toBe(212);
    await user.type(screen.getByTestId('bulk-delete-word'), 'SUPPRIMER');
    await user.click(screen.getByTestId('bulk-delete-confirm'));
    expect(await screen.findByText('211 contacts supprimés', {}, WAIT)).toBeTruthy();
    expect((await store.api.call('contacts.list', {})).rows.map((r) => r.lastName)).toEqual(['Moi']);
  }, 60_000);

  it('says why a bulk action failed, and keeps the selection', async () => {
    const { store, user } = await setup(people.map((p) => (p.lastName === 'Abel' ? { ...p, tags: ['Soldes'] } : p)));
    await tick(user, 'Zoé Abel');
    await user.click(screen.getByTestId('bulk-untag'));
    await user.click(screen.getByTestId('bulk-untag-select'));
    await user.click(await screen.findByRole('option', { name: 'Soldes' }, WAIT));
    // someone removes the tag from the settings meanwhile: the store refuses, the user is told
    const [soldes] = await store.api.call('tags.list', {});
    await store.api.call('tags.delete', { id: soldes?.id ?? 0 });
    await user.click(screen.getByTestId('bulk-untag-confirm'));
    expect(await screen.findByText('L’élément demandé n’existe pas ou a été supprimé.', {}, WAIT)).toBeTruthy();
    expect(screen.getByTestId('bulk-count').textContent).toBe('1 contact sélectionné');
  });
});

describe('list selection and filter models', () => {
  it('keeps the tags on a laptop: the creation date, the phone and the last purchase leave first', () => {
    const ids = (width: number) => columnsFor(width).map((c) => c.id);
    const all = ['name', 'status', 'tags', 'phone', 'postcode', 'city', 'createdAt', 'lastPurchaseAt', 'totalCents'];
    expect(ids(0)).toEqual(all);
    expect(ids(1400)).toEqual(all);
    // every column at its narrowest takes 1,320 px: at 1,200 the creation date alone leaves, just below, the phone too
    expect(ids(1200)).toEqual(all.filter((c) => c !== 'createdAt'));
    expect(ids(1199)).toEqual(all.filter((c) => c !== 'createdAt' && c !== 'phone'));
    // a 1280 px window: the 220 px menu, the page's padding and the tick boxes leave ~990 px
    expect(ids(990)).toEqual(['name', 'status', 'tags', 'postcode', 'city', 'totalCents']);
  });

  it('ticks ranges both ways, and unticking out of "all matching" keeps the loaded rows', () => {
    const order = [10, 11, 12, 13, 14];
    let s = toggleRow(noSelection, 13, false, order);
    s = toggleRow(s, 11, true, order);
    expect(bulkTarget(s)).toEqual({ ids: [13, 11, 12] });
    // a shift-click on a ticked row unticks the range up to it
    s = toggleRow(s, 12, true, order);
    expect(bulkTarget(s)).toEqual({ ids: [13] });
    const all = toggleRow({ kind: 'matching', filter: { q: '' }, count: 500 }, 12, false, order);
    expect(bulkTarget(all)).toEqual({ ids: [10, 11, 13, 14] });
  });

  it('stands for more loaded rows than one bulk call takes with the filter', () => {
    const many = Array.from({ length: BULK_IDS_MAX + 1 }, (_, i) => i + 1);
    const filter = { q: '', city: 'Lyon' };
    expect(bulkTarget(selectLoaded(many, true, filter))).toEqual({ filter });
    // not all loaded: the rows are ticked, and too many for one call until "all matching" is chosen
    const partial = selectLoaded(many, false, filter);
    expect(overBulkLimit(partial)).toBe(true);
  });

  it('sends only the criteria set, and local days as instants the contract accepts', () => {
    expect(toContactFilter('', noFilters)).toEqual({ q: '' });
    const f = toContactFilter(' dupont ', {
      ...noFilters,
      city: ' Nan ',
      createdFrom: '1/3/2024',
      createdTo: 'pas une date',
      lastPurchaseFrom: '30/04/2024',
      lastPurchaseTo: '01/04/2024',
    });
    expect(f).toEqual({ q: ' dupont ', city: 'Nan', createdFrom: new Date(2024, 2, 1).toISOString(), lastPurchaseFrom: new Date(2024, 3, 30).toISOString() });
    expect(contactFilter.safeParse(f).success).toBe(true);
    const to = toContactFilter('', { ...noFilters, createdTo: '01/01/1900' });
    expect(contactFilter.safeParse(to).success).toBe(true);
  });
});
