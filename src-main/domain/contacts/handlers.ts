import { command, query, type HandlerGroup } from '../../host/registry';
import { createContact, deleteContact, getContact, listContacts, updateContact } from './service';

export const contactHandlers: HandlerGroup = {
  'contacts.create': command((input, { store }) => createContact(store, input)),
  'contacts.get': query((input, { store }) => getContact(store, input.id)),
  'contacts.update': command((input, { store }) => updateContact(store, input)),
  'contacts.delete': command((input, { store }) => deleteContact(store, input.id)),
  'contacts.list': query((input, { store }) => listContacts(store, input)),
};
