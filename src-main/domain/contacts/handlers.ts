import { command, query, type HandlerGroup } from '../../host/registry';
import { bulkContacts, countMatching } from './bulk';
import { createContact, deleteContact, getContact, listContacts, updateContact } from './service';
import { deleteTag, listTags, updateTag } from './tags';

export const contactHandlers: HandlerGroup = {
  'contacts.create': command((input, { store }) => createContact(store, input)),
  'contacts.get': query((input, { store }) => getContact(store, input.id)),
  'contacts.update': command((input, { store }) => updateContact(store, input)),
  'contacts.delete': command((input, { store }) => deleteContact(store, input.id)),
  'contacts.list': query((input, { store }) => listContacts(store, input)),
  'contacts.bulk': command((input, { store, emit }) => {
    const result = bulkContacts(store, input);
    emit('data.changed', { scope: 'contacts' });
    return result;
  }),
  'contacts.count': query((input, { store }) => ({ count: countMatching(store, input.filter) })),
  'tags.list': query((_input, { store }) => listTags(store)),
  'tags.update': command((input, { store }) => updateTag(store, input)),
  'tags.delete': command((input, { store }) => deleteTag(store, input.id)),
};
