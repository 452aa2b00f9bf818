import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Api, ContactInput } from '../../src-main/contract';
import { ContactList } from '../../src-renderer/features/contacts/ContactList';
import { openTestStore, renderWithApi } from './render';

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

const rowNames = (): string[] =>
  screen.getAllByTestId('contact-row').map((row) => within(row).getByTestId('contact-row-name').textContent ?? '');

const setup = async (contacts: ContactInput[] = people) => {
  const store = await openTestStore();
  await seed(store.api, contacts);
  const onOpen = vi.fn();
  renderWithApi(<ContactList onOpen={onOpen} />, store.api);
  await screen.findAllByTestId('contact-row');
  return { store, onOpen, user: userEvent.setup() };
};

/**
 * jsdom has no layout: every element measures 0×0, so the virtualiser would
 * show nothing. Give the grid a 600 px viewport, like a real window.
 */
const VIEWPORT = 600;
const measured = (el: HTMLElement, size: number): number => (el.dataset.testid === 'contact-grid' ? size : 0);
const original = {
  clientHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight'),
  clientWidth: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth'),
};
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return measured(this, VIEWPORT);
    },
  });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', {
    configurable: true,
    get(this: HTMLElement) {
      return measured(this, 1200);
    },
  });
});
afterAll(() => {
  for (const [name, descriptor] of Object.entries(original)) {
    if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
  }
});

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

  it('toggles the sort order from the column headers', async () => {
    const { user } = await setup();
    await user.click(screen.getByTestId('sort-name'));
    await waitFor(() => expect(rowNames()[0]).toBe('Marc Zidane'));
    expect(screen.getByTestId('sort-name').closest('[role="columnheader"]')?.getAttribute('aria-sort')).toBe('descending');

    await user.click(screen.getByTestId('sort-city'));
    await waitFor(() => expect(rowNames()[0]).toBe('Élodie Martin'));
    expect(rowNames()).toEqual([
      'Élodie Martin',
      'Zoé Abel',
      '<script>alert(1)</script> <b>Gras</b>',
      'Marc Zidane',
      'François Dupont',
    ]);
    await user.click(screen.getByTestId('sort-city'));
    await waitFor(() => expect(rowNames()[0]).toBe('François Dupont'));

    await user.click(screen.getByTestId('sort-postcode'));
    await waitFor(() => expect(rowNames()[0]).toBe('Marc Zidane'));
  });

  it('finds "François" when typing "francois", and counts the results', async () => {
    const { user } = await setup();
    await user.type(screen.getByTestId('contact-search'), 'francois');
    await waitFor(() => expect(rowNames()).toEqual(['François Dupont']));
    expect(screen.getByTestId('contact-total').textContent).toBe('1 résultat');

    await user.clear(screen.getByTestId('contact-search'));
    await user.type(screen.getByTestId('contact-search'), 'personne');
    expect(await screen.findByText('Aucun contact ne correspond à cette recherche.')).toBeTruthy();
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
    await screen.findAllByTestId('contact-row');
    const search = screen.getByTestId('contact-search');
    fireEvent.change(search, { target: { value: 'z' } });
    await new Promise((r) => setTimeout(r, 200));
    fireEvent.change(search, { target: { value: 'zoe' } });
    await waitFor(() => expect(rowNames()).toEqual(['Zoé Abel']));
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
    await waitFor(() => expect(rowNames()).toEqual(['François Dupont']));
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
    await waitFor(() => expect(rowNames()).toContain('Client105 Test'));
    expect(rowNames()).not.toContain('Client000 Test');
    grid.scrollTop = 195 * 48;
    fireEvent.scroll(grid);
    await waitFor(() => expect(rowNames()).toContain('Client205 Test'));
    expect(screen.getAllByTestId('contact-row').length).toBeLessThan(40);

    // 500 matches are too many to sort: newest first, and the user is asked to type more
    fireEvent.change(screen.getByTestId('contact-search'), { target: { value: 'test' } });
    await waitFor(() => {
      // a new search starts at the top; jsdom does not fire the scroll event a browser would
      expect(grid.scrollTop).toBe(0);
      fireEvent.scroll(grid);
      expect(rowNames()[0]).toBe('Client499 Test');
    });
    expect(screen.getByTestId('contact-total').textContent).toBe(
      'plus de 200 résultats, du plus récent au plus ancien — précisez la recherche pour trier',
    );
    const sortedHeaders = screen.getAllByRole('columnheader').filter((h) => h.getAttribute('aria-sort') !== 'none');
    expect(sortedHeaders.map((h) => h.getAttribute('aria-sort'))).toEqual([null, null]);
  });
});
