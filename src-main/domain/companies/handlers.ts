import { command, query, type HandlerGroup } from '../../host/registry';
import {
  companyPeople,
  createCompany,
  deleteCompany,
  getCompany,
  linkPeople,
  listCompanies,
  unlinkPeople,
  updateCompany,
} from './service';

export const companyHandlers: HandlerGroup = {
  'companies.create': command((input, { store }) => createCompany(store, input)),
  'companies.get': query((input, { store }) => getCompany(store, input.id)),
  'companies.update': command((input, { store }) => updateCompany(store, input)),
  'companies.delete': command((input, { store }) => deleteCompany(store, input.id)),
  'companies.list': query((input, { store }) => listCompanies(store, input)),
  'companies.people': query((input, { store }) => companyPeople(store, input)),
  'companies.link': command((input, { store }) => linkPeople(store, input)),
  'companies.unlink': command((input, { store }) => unlinkPeople(store, input)),
};
