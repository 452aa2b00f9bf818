import { command, query, type HandlerGroup } from '../../host/registry';
import { contactTimeline } from './feed';
import {
  createInteraction,
  createNote,
  createTask,
  deleteInteraction,
  deleteNote,
  deleteTask,
  dueTasks,
  setTaskDone,
  updateInteraction,
  updateNote,
  updateTask,
} from './service';

export const timelineHandlers: HandlerGroup = {
  'contacts.timeline': query((input, { store }) => contactTimeline(store, input)),
  'notes.create': command((input, { store }) => createNote(store, input)),
  'notes.update': command((input, { store }) => updateNote(store, input)),
  'notes.delete': command((input, { store }) => deleteNote(store, input.id)),
  'interactions.create': command((input, { store }) => createInteraction(store, input)),
  'interactions.update': command((input, { store }) => updateInteraction(store, input)),
  'interactions.delete': command((input, { store }) => deleteInteraction(store, input.id)),
  'tasks.create': command((input, { store }) => createTask(store, input)),
  'tasks.update': command((input, { store }) => updateTask(store, input)),
  'tasks.setDone': command((input, { store }) => setTaskDone(store, input.id, input.done)),
  'tasks.delete': command((input, { store }) => deleteTask(store, input.id)),
  'tasks.due': query((input, { store }) => dueTasks(store, input)),
};
