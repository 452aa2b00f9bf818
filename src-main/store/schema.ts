import type { Generated } from 'kysely';
import type {
  Civility,
  ConsentChannel,
  ConsentEventKind,
  ConsentMethod,
  ConsentPurpose,
  ConsentState,
  ContactSource,
  ContactStatus,
  DataOrigin,
  Direction,
  InteractionKind,
  Initiator,
  PurchaseKind,
} from '../contract';

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
  code: string | null;
  companyId: number | null;
  jobTitle: string | null;
  birthDate: string | null;
  language: string | null;
  sourceDetail: string | null;
  sourceDate: string | null;
  dataOrigin: Generated<DataOrigin>;
  lastInboundAt: string | null;
  importId: number | null;
  /** fold(first + ' ' + last), for duplicate detection at capture. */
  matchName: string | null;
  /** cityKey(city): written by the app, filled by triggers when left out. */
  cityKey: string | null;
};

export type CompaniesTable = {
  id: Generated<number>;
  name: string;
  sortName: string;
  siren: string | null;
  siret: string | null;
  email: string | null;
  phone: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  postcode: string | null;
  city: string | null;
  country: string;
  createdAt: string;
  updatedAt: string;
};

export type ContactEmailsTable = { id: Generated<number>; contactId: number; email: string; label: string | null };
export type ContactPhonesTable = { id: Generated<number>; contactId: number; phone: string; label: string | null };

export type TagsTable = {
  id: Generated<number>;
  name: string;
  folded: string;
  color: string | null;
  /** Kept by triggers on contact_tags. */
  contactCount: Generated<number>;
};
export type ContactTagsTable = { contactId: number; tagId: number };

export type NotesTable = { id: Generated<number>; contactId: number; body: string; notedAt: string; createdAt: string };

export type InteractionsTable = {
  id: Generated<number>;
  contactId: number;
  kind: InteractionKind;
  direction: Direction;
  initiatedBy: Initiator;
  occurredAt: string;
  summary: string;
  createdAt: string;
};

export type TasksTable = {
  id: Generated<number>;
  contactId: number;
  title: string;
  dueDate: string;
  doneAt: string | null;
  createdAt: string;
};

export type ProductsTable = {
  id: Generated<number>;
  name: string;
  sortName: string;
  sku: string | null;
  category: string | null;
  priceCents: number;
  /** 'piece', 'kg', 'l' or 'm': what the price is for. */
  unit: Generated<string>;
  currency: Generated<string>;
  /** 0 or 1 (SQLite has no boolean). */
  active: Generated<number>;
  createdAt: string;
  updatedAt: string;
};

export type PurchasesTable = {
  id: Generated<number>;
  contactId: number | null;
  purchasedAt: string;
  amountCents: number;
  currency: Generated<string>;
  channel: Generated<string>;
  createdAt: string;
  kind: Generated<PurchaseKind>;
  refundOf: number | null;
  reference: string | null;
  note: string | null;
  importId: number | null;
};

export type PurchaseLinesTable = {
  id: Generated<number>;
  purchaseId: number;
  productId: number | null;
  label: string;
  /** Thousandths of a unit (1 piece = 1000, 0,352 kg = 352). */
  quantityMilli: number;
  unit: Generated<string>;
  unitPriceCents: number;
  totalCents: number;
  refundsLine: number | null;
};

export type ImportsTable = {
  id: Generated<number>;
  kind: 'contacts' | 'purchases';
  fileName: string;
  fileHash: string;
  options: string;
  created: Generated<number>;
  updated: Generated<number>;
  merged: Generated<number>;
  skipped: Generated<number>;
  errors: Generated<number>;
  importedAt: string;
  undoneAt: string | null;
  /** 0: the rows changed nothing (the same file again); the history offers no undo. */
  changedBase: Generated<number>;
};

export type ImportChangesTable = { importId: number; entity: string; entityId: number; before: string };
export type ImportLayoutsTable = { layout: string; kind: string; mapping: string; updatedAt: string };

export type MergesTable = {
  id: Generated<number>;
  keptId: number;
  removedId: number;
  snapshot: string;
  mergedAt: string;
  undoneAt: string | null;
};
export type NotDuplicatesTable = { aId: number; bId: number; decidedAt: string };

export type LedgerGateTable = { id: number; open: 'erasure' | 'merge' | null };
export type ConsentWordingsTable = {
  id: Generated<number>;
  purpose: ConsentPurpose;
  version: number;
  text: string;
  /** sha256 of the text, hex. */
  hash: string;
  createdAt: string;
};
export type ConsentEventsTable = {
  id: Generated<number>;
  contactId: number;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  event: ConsentEventKind;
  /** When it happened (UTC ISO); `recordedAt` is when it was typed in. */
  at: string;
  method: ConsentMethod;
  operator: string;
  wordingId: number | null;
  sourceFile: string | null;
  sourceLine: number | null;
  importId: number | null;
  recordedAt: string;
};
export type ConsentStateTable = {
  contactId: number;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  state: ConsentState;
  informed: 0 | 1;
  at: string;
  eventId: number;
};
export type SuppressionTable = { kind: 'email' | 'phone'; hash: string; reason: 'objection' | 'erasure'; createdAt: string };
export type PrivacyRequestsTable = {
  id: Generated<number>;
  contactId: number | null;
  subject: string;
  kind: 'access' | 'rectification' | 'erasure' | 'portability' | 'objection' | 'restriction';
  receivedOn: string;
  identityCheck: string;
  dueOn: string;
  extendedTo: string | null;
  extensionReason: string | null;
  status: Generated<'open' | 'done' | 'refused'>;
  closedOn: string | null;
  outcome: string | null;
  createdAt: string;
  updatedAt: string;
};
export type ErasureLogTable = {
  id: Generated<number>;
  erasedAt: string;
  contactId: number;
  /** JSON array of suppression hashes ("email:…", "phone:…"). */
  keys: Generated<string>;
  requestId: number | null;
  reason: string;
};
export type AuditLogTable = {
  id: Generated<number>;
  at: string;
  action: string;
  entity: string | null;
  entityId: number | null;
  /** JSON; ids and counts only, never personal data. */
  detail: Generated<string>;
};
export type ContactArchiveTable = { id: Generated<number>; contactId: number; archivedAt: string; rule: string; record: string };
export type DataBreachesTable = {
  id: Generated<number>;
  discoveredAt: string;
  occurredAt: string | null;
  nature: string;
  dataCategories: string;
  peopleCount: number | null;
  consequences: string;
  measures: string;
  cnilNotifiedAt: string | null;
  peopleNotifiedAt: string | null;
  notNotifiedReason: string | null;
  createdAt: string;
  updatedAt: string;
};

export type SettingsTable = { key: string; value: string };

export type SchemaMigrationsTable = { version: number; name: string; appliedAt: string };

export type CountersTable = { name: string; value: number };

/** Saved segments (migration 11): `definition` is the JSON of the contract's segmentDefinition, with its version. */
export type SegmentsTable = { id: Generated<number>; name: string; definition: string; createdAt: string; updatedAt: string };

export type DB = {
  contacts: ContactsTable;
  companies: CompaniesTable;
  contactEmails: ContactEmailsTable;
  contactPhones: ContactPhonesTable;
  tags: TagsTable;
  contactTags: ContactTagsTable;
  notes: NotesTable;
  interactions: InteractionsTable;
  tasks: TasksTable;
  products: ProductsTable;
  purchases: PurchasesTable;
  purchaseLines: PurchaseLinesTable;
  imports: ImportsTable;
  importChanges: ImportChangesTable;
  importLayouts: ImportLayoutsTable;
  merges: MergesTable;
  notDuplicates: NotDuplicatesTable;
  ledgerGate: LedgerGateTable;
  consentWordings: ConsentWordingsTable;
  consentEvents: ConsentEventsTable;
  consentState: ConsentStateTable;
  suppression: SuppressionTable;
  privacyRequests: PrivacyRequestsTable;
  erasureLog: ErasureLogTable;
  auditLog: AuditLogTable;
  contactArchive: ContactArchiveTable;
  dataBreaches: DataBreachesTable;
  settings: SettingsTable;
  schemaMigrations: SchemaMigrationsTable;
  counters: CountersTable;
  segments: SegmentsTable;
};
