import { configure, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { localDate } from '../../src-main/contract';
import { TasksPage } from '../../src-renderer/features/timeline/TasksPage';
import { openTestStore, renderWithApi } from './render';

// a real store and a full form in jsdom, on a machine shared with other jobs: give slow renders time
configure({ asyncUtilTimeout: 10_000 });

const day = (offset: number): string => {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return localDate(d);
};

const titles = (container: HTMLElement): string[] =>
  within(container)
    .queryAllByTestId('task-row-title')
    .map((el) => el.textContent ?? '');

describe('Tasks page', () => {
  it('groups open follow-ups as overdue, today and the week ahead, each linking to its contact', async () => {
    const store = await openTestStore();
    const jeanne = await store.api.call('contacts.create', { firstName: 'Jeanne', lastName: 'Martin' });
    const paul = await store.api.call('contacts.create', { firstName: 'Paul', lastName: 'Girard' });
    await store.api.call('tasks.create', { contactId: jeanne.id, title: 'Relancer le devis', dueDate: day(-3) });
    await store.api.call('tasks.create', { contactId: paul.id, title: 'Confirmer la livraison', dueDate: day(0) });
    await store.api.call('tasks.create', { contactId: paul.id, title: 'Souhaiter son anniversaire', dueDate: day(2) });
    await store.api.call('tasks.create', { contactId: jeanne.id, title: 'Dans un mois', dueDate: day(30) });
    const done = await store.api.call('tasks.create', { contactId: jeanne.id, title: 'Déjà faite', dueDate: day(-1) });
    await store.api.call('tasks.setDone', { id: done.id, done: true });

    renderWithApi(<TasksPage />, store.api);
    const overdue = await screen.findByTestId('tasks-group-overdue');
    expect(screen.getByTestId('tasks-page')).toBeTruthy();
    expect(titles(overdue)).toEqual(['Relancer le devis']);
    expect(overdue.textContent).toContain('3 jours de retard');
    expect(titles(screen.getByTestId('tasks-group-today'))).toEqual(['Confirmer la livraison']);
    expect(titles(screen.getByTestId('tasks-group-upcoming'))).toEqual(['Souhaiter son anniversaire']);
    expect(screen.getAllByTestId('task-row')).toHaveLength(3);

    const link = within(overdue).getByTestId('task-contact');
    expect(link.textContent).toBe('Jeanne Martin');
    expect(link.getAttribute('href')).toBe(`#/contacts/${jeanne.id}`);
  });

  it('ticking a follow-up sets it done and takes it off the due list', async () => {
    const store = await openTestStore();
    const c = await store.api.call('contacts.create', { lastName: 'Leroy' });
    const late = await store.api.call('tasks.create', { contactId: c.id, title: 'Rappeler', dueDate: day(-1) });
    await store.api.call('tasks.create', { contactId: c.id, title: 'Envoyer le catalogue', dueDate: day(0) });

    renderWithApi(<TasksPage />, store.api);
    const user = userEvent.setup();
    const overdue = await screen.findByTestId('tasks-group-overdue');
    await user.click(within(overdue).getByTestId('task-done'));

    await waitFor(() => expect(screen.queryByTestId('tasks-group-overdue')).toBeNull());
    expect(screen.getAllByTestId('task-row')).toHaveLength(1);
    const due = await store.api.call('tasks.due', {});
    expect(due.rows.map((r) => r.title)).toEqual(['Envoyer le catalogue']);
    expect(due.total).toBe(1);
    const timeline = await store.api.call('contacts.timeline', { id: c.id });
    const ticked = timeline.items.find((i) => i.kind === 'task' && i.id === late.id);
    expect(ticked?.kind === 'task' && ticked.task.doneAt).not.toBeNull();
  });

  it('says when there is nothing to do', async () => {
    const store = await openTestStore();
    renderWithApi(<TasksPage />, store.api);
    expect((await screen.findByTestId('tasks-empty')).textContent).toBe('Aucune relance à faire pour le moment.');
    expect(screen.queryAllByTestId('task-row')).toHaveLength(0);
  });
});
