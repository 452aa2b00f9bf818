import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api } from '../../src-main/contract';
import { BreachesPanel } from '../../src-renderer/features/retention/BreachesPanel';
import { RegisterPanel } from '../../src-renderer/features/retention/RegisterPanel';
import { RetentionPanel } from '../../src-renderer/features/retention/RetentionPanel';
import { openTestStore, renderWithApi, type TestStore } from './render';

const sql = <T,>(store: TestStore, fn: (db: Database.Database) => T): T => {
  const db = new Database(store.dbPath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
};
const count = (store: TestStore, query: string): number => sql(store, (db) => Number(db.prepare(query).pluck().get()));

/** Two prospects collected in 2019 (due whatever today is) and one collected today. */
const seed = async () => {
  const store = await openTestStore();
  const old1 = await store.api.call('contacts.create', { firstName: 'Anne', lastName: 'Ancienne' });
  const old2 = await store.api.call('contacts.create', { firstName: 'Paul', lastName: 'Passé' });
  await store.api.call('contacts.create', { firstName: 'Rita', lastName: 'Récente' });
  sql(store, (db) => db.prepare("UPDATE contacts SET created_at = '2019-03-01T10:00:00.000Z' WHERE id IN (?, ?)").run(old1.id, old2.id));
  return { store, ids: [old1.id, old2.id] };
};

describe('retention panel', () => {
  it('lists who is due with the rule and dates, and archives them only after the preview is confirmed', async () => {
    const { store, ids } = await seed();
    renderWithApi(<RetentionPanel />, store.api);
    const user = userEvent.setup();
    const rows = await screen.findAllByTestId('retention-row');
    expect(rows.map((r) => Number(r.dataset.contactId))).toEqual(ids);
    expect(rows.map((r) => r.dataset.rule)).toEqual(['prospect', 'prospect']);
    expect(within(rows[0]!).getByText('Anne Ancienne')).toBeTruthy();
    expect(within(rows[0]!).getByText('1er mars 2019')).toBeTruthy();
    expect(within(rows[0]!).getByText('1er mars 2022')).toBeTruthy();

    // a preview closed without confirming changes nothing
    await user.click(screen.getByTestId('retention-action-archive'));
    expect((await screen.findByTestId('retention-preview-count')).dataset.count).toBe('2');
    await user.click(screen.getByTestId('retention-apply-cancel'));
    expect(count(store, 'SELECT count(*) FROM contacts')).toBe(3);

    await user.click(screen.getByTestId('retention-action-archive'));
    await screen.findByTestId('retention-preview-count');
    await user.click(screen.getByTestId('retention-apply'));
    await screen.findByTestId('retention-empty');
    expect(count(store, 'SELECT count(*) FROM contacts')).toBe(1);
    expect(count(store, 'SELECT count(*) FROM contact_archive')).toBe(2);
  });

  it('narrows an action to the rows chosen', async () => {
    const { store, ids } = await seed();
    renderWithApi(<RetentionPanel />, store.api);
    const user = userEvent.setup();
    const rows = await screen.findAllByTestId('retention-row');
    await user.click(within(rows[1]!).getByTestId('retention-row-select'));
    await screen.findByTestId('retention-selected');
    await user.click(screen.getByTestId('retention-action-archive'));
    expect((await screen.findByTestId('retention-preview-count')).dataset.count).toBe('1');
    await user.click(screen.getByTestId('retention-apply'));
    await waitFor(() => expect(screen.getAllByTestId('retention-row')).toHaveLength(1));
    expect(sql(store, (db) => db.prepare('SELECT contact_id FROM contact_archive').pluck().all())).toEqual([ids[1]]);
  });

  it('holds an erasure until the user ticks that it is final', async () => {
    const { store } = await seed();
    renderWithApi(<RetentionPanel />, store.api);
    const user = userEvent.setup();
    await screen.findAllByTestId('retention-row');
    await user.click(screen.getByTestId('retention-action-erase'));
    await screen.findByTestId('retention-preview-count');
    expect(screen.getByTestId('retention-apply')).toHaveProperty('disabled', true);
    await user.click(screen.getByTestId('retention-erase-understood'));
    expect(screen.getByTestId('retention-apply')).toHaveProperty('disabled', false);
    await user.click(screen.getByTestId('retention-apply'));
    await screen.findByTestId('retention-empty');
    expect(count(store, 'SELECT count(*) FROM contacts')).toBe(1);
    expect(count(store, 'SELECT count(*) FROM erasure_log')).toBe(2);
  });

  it('turns automatic mode on only after a warning, and shows the warning while it is on', async () => {
    const { store } = await seed();
    renderWithApi(<RetentionPanel />, store.api);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('retention-automatic'));
    await screen.findByTestId('retention-automatic-confirm');
    expect((await store.api.call('retention.policies', {})).automatic).toBe(false);
    await user.click(screen.getByTestId('retention-automatic-confirm'));
    await screen.findByTestId('retention-automatic-warning');
    expect((await store.api.call('retention.policies', {})).automatic).toBe(true);
    // nothing was applied by turning it on: the daily check does that
    expect(count(store, 'SELECT count(*) FROM contacts')).toBe(3);
  });
});

/**
 * The store's answers with the counts of a large shop: creating thousands of
 * records due would slow the test down for nothing the panel does differently.
 */
const largeShop = (api: Api, preview: { withSales?: number } = {}): Api => ({
  ...api,
  call: (async (name: string, input: unknown) => {
    const call = api.call as (n: string, i: unknown) => Promise<unknown>;
    if (name === 'retention.apply') return { action: (input as { action: string }).action, count: 80_235, path: null, objected: 0 };
    const result = (await call(name, input)) as Record<string, unknown>;
    if (name === 'retention.status') {
      const due = { prospect: 12_345, customer: 2_000 };
      return { ...result, checkedAt: '2026-03-02T08:00:00.000Z', due, applied: { action: 'archive', count: 12_345 } };
    }
    if (name === 'retention.review' && result.due !== null) {
      return { ...result, due: { prospect: 12_345, customer: 67_890 }, accountingDue: 1_234_567 };
    }
    if (name === 'retention.preview') {
      return { ...result, count: 80_235, byRule: { prospect: 12_345, customer: 67_890 }, withSales: 4_321, objected: 1_500, ...preview };
    }
    if (name === 'privacy.register') return { ...result, consentInUse: [{ purpose: 'offers', label: 'Offres', granted: 23_456 }] };
    return result;
  }) as Api['call'],
});

describe('retention counts', () => {
  // French groups thousands with a narrow no-break space
  const fr = (s: string) => s.replaceAll(' ', '\u202f');

  it('writes the counts as French writes numbers', async () => {
    const { store } = await seed();
    renderWithApi(<RetentionPanel />, largeShop(store.api));
    const user = userEvent.setup();
    await screen.findAllByTestId('retention-row');
    const status = screen.getByTestId('retention-status').textContent;
    expect(status).toContain(`prospects : ${fr('12 345')}, clients : ${fr('2 000')}.`);
    expect(status).toContain(`Le mode automatique a traité ${fr('12 345')} fiches (Archiver).`);
    expect(screen.getByTestId('retention-due').textContent).toBe(`${fr('80 235')} à traiter`);
    expect(screen.getByTestId('retention-accounting').textContent).toMatch(new RegExp(`^${fr('1 234 567')} ventes ont plus de 10 ans`));

    await user.click(screen.getByTestId('retention-action-reconsent'));
    expect((await screen.findByTestId('retention-preview-count')).textContent).toBe(
      `${fr('80 235')} fiches concernées (prospects : ${fr('12 345')}, clients : ${fr('67 890')}).`,
    );
    expect(screen.getByTestId('retention-preview-sales').textContent).toMatch(new RegExp(`^${fr('4 321')} ont des ventes`));
    expect(screen.getByTestId('retention-preview-objected').textContent).toMatch(new RegExp(`^${fr('1 500')} personnes se sont opposées`));
    await user.click(screen.getByTestId('retention-apply-cancel'));

    await user.click(screen.getByTestId('retention-action-archive'));
    await screen.findByTestId('retention-preview-count');
    await user.click(screen.getByTestId('retention-apply'));
    // the text matcher would fold the narrow space into a plain one
    expect(await screen.findByText((_, el) => el?.textContent === `${fr('80 235')} fiches archivées` && el.children.length === 0)).toBeTruthy();
  });

  it('writes them as English does, and says one sale in the singular', async () => {
    const store = await openTestStore('en');
    const contact = await store.api.call('contacts.create', { firstName: 'Anne', lastName: 'Ancienne' });
    sql(store, (db) => db.prepare("UPDATE contacts SET created_at = '2019-03-01T10:00:00.000Z' WHERE id = ?").run(contact.id));
    const view = renderWithApi(<RetentionPanel />, largeShop(store.api), 'en');
    const user = userEvent.setup();
    await screen.findAllByTestId('retention-row');
    expect(screen.getByTestId('retention-status').textContent).toContain('prospects: 12,345, customers: 2,000.');
    expect(screen.getByTestId('retention-due').textContent).toBe('80,235 due');
    await user.click(screen.getByTestId('retention-action-archive'));
    expect((await screen.findByTestId('retention-preview-count')).textContent).toBe(
      '80,235 records concerned (prospects: 12,345, customers: 67,890).',
    );
    expect(screen.getByTestId('retention-preview-sales').textContent).toMatch(/^4,321 have sales/);
    view.unmount();

    renderWithApi(<RetentionPanel />, largeShop(store.api, { withSales: 1 }), 'en');
    await screen.findAllByTestId('retention-row');
    await user.click(screen.getByTestId('retention-action-archive'));
    await screen.findByTestId('retention-preview-count');
    expect(screen.getByTestId('retention-preview-sales').textContent).toMatch(/^1 has sales: /);
  });

  it('writes the register’s consent counts as French does', async () => {
    const store = await openTestStore();
    renderWithApi(<RegisterPanel />, largeShop(store.api));
    expect(await screen.findByText((_, el) => el?.textContent === `Offres — ${fr('23 456')} accords` && el.tagName === 'LI')).toBeTruthy();
  });
});

describe('register panel', () => {
  it('shows the register from the settings and the base, switches language, exports and gives the notice', async () => {
    const store = await openTestStore();
    await store.api.call('contacts.create', { lastName: 'Martin' });
    renderWithApi(<RegisterPanel />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('register-missing');
    expect(screen.getAllByTestId('register-activity').map((a) => a.dataset.activity)).toEqual(['customers', 'prospecting', 'loyalty']);
    expect(screen.getByTestId('register-figure-consumers').textContent).toBe('1');
    expect(screen.getByText('Gestion de la clientèle')).toBeTruthy();

    await store.api.call('settings.update', { shop: { name: 'Épicerie Lune', address: '1 place Bellecour, Lyon', email: 'bonjour@lune.fr' } });
    await waitFor(() => expect(screen.getByTestId('notice-text').textContent).toContain('Épicerie Lune'));
    expect(screen.queryByTestId('register-missing')).toBeNull();

    await user.click(screen.getByText('EN'));
    await screen.findByText('Customer management');
    expect(screen.getByTestId('notice-text').textContent).toContain('The information collected on this form is recorded by Épicerie Lune');

    await user.click(screen.getByTestId('register-export-html'));
    await waitFor(() => {
      const dir = path.join(store.dir, 'transfers', 'exports');
      const files = fs.readdirSync(dir, { recursive: true }).map(String);
      expect(files.some((f) => f.endsWith('.html'))).toBe(true);
    });
  });
});

describe('breaches panel', () => {
  it('records a breach, warns after 72 hours, and clears the warning once the CNIL is notified', async () => {
    const store = await openTestStore();
    renderWithApi(<BreachesPanel />, store.api);
    const user = userEvent.setup();
    await screen.findByTestId('breaches-empty');

    await user.click(screen.getByTestId('breach-add'));
    const discovered = await screen.findByTestId('breach-discoveredAt');
    // typing into a datetime-local field key by key is not something jsdom models: set the value as the picker would
    fireEvent.change(discovered, { target: { value: '2025-01-10T09:30' } });
    // the nature is required: the store says so on the field, nothing is written
    await user.click(screen.getByTestId('breach-save'));
    await waitFor(() => expect(screen.getByTestId('breach-nature').getAttribute('aria-invalid')).toBe('true'));
    expect(count(store, 'SELECT count(*) FROM data_breaches')).toBe(0);

    await user.type(screen.getByTestId('breach-nature'), 'Ordinateur portable volé');
    await user.type(screen.getByTestId('breach-dataCategories'), 'Noms et e-mails');
    await user.click(screen.getByTestId('breach-save'));
    await screen.findByTestId('breaches-overdue');
    expect(screen.getByTestId('breach-row').dataset.overdue).toBe('true');
    expect(screen.getByTestId('breach-overdue')).toBeTruthy();

    await user.click(screen.getByTestId('breach-edit'));
    fireEvent.change(await screen.findByTestId('breach-cnilNotifiedAt'), { target: { value: '2025-01-12T10:00' } });
    await user.click(screen.getByTestId('breach-save'));
    await waitFor(() => expect(screen.queryByTestId('breaches-overdue')).toBeNull());
    expect(screen.getByTestId('breach-row').dataset.overdue).toBeUndefined();
    const [stored] = await store.api.call('breaches.list', {});
    expect(stored?.nature).toBe('Ordinateur portable volé');
    expect(stored?.cnilNotifiedAt).not.toBeNull();
  });
});
