import type { TFunction } from 'i18next';
import { displayName, type Civility, type Contact } from '@contract';

/** "Mme Jeanne Martin"; a record with no name at all still gets a label. */
export const fullName = (t: TFunction, c: Pick<Contact, 'firstName' | 'lastName'> & { civility: Civility | null }): string => {
  const name = displayName(c);
  if (name === '') return t('contacts.unnamed');
  return c.civility === null ? name : `${t(`contacts.civility.${c.civility}`)} ${name}`;
};

export const plainName = (t: TFunction, c: Pick<Contact, 'firstName' | 'lastName'>): string => {
  const name = displayName(c);
  return name === '' ? t('contacts.unnamed') : name;
};
