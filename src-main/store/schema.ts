import type { Generated } from 'kysely';
import type { Civility, ContactSource, ContactStatus } from '../contract';

/** Table shapes as kysely sees them (camelCase; the CamelCasePlugin maps to snake_case columns). */
export type ContactsTable = {
  id: Generated<number>;
  civility: Civility | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
  status: ContactStatus;
  source: ContactSource;
  /** fold(last + ' ' + first): the accent- and case-insensitive sort key. */
  sortName: string;
  createdAt: string;
  updatedAt: string;
  purchaseCount: Generated<number>;
  totalCents: Generated<number>;
  firstPurchaseAt: string | null;
  lastPurchaseAt: string | null;
};

export type PurchasesTable = {
  id: Generated<number>;
  contactId: number | null;
  purchasedAt: string;
  amountCents: number;
  currency: string;
  channel: string;
  createdAt: string;
};

export type SettingsTable = { key: string; value: string };

export type SchemaMigrationsTable = { version: number; name: string; appliedAt: string };

export type CountersTable = { name: string; value: number };

export type DB = {
  contacts: ContactsTable;
  purchases: PurchasesTable;
  settings: SettingsTable;
  schemaMigrations: SchemaMigrationsTable;
  counters: CountersTable;
};
