import { z } from 'zod';
import { consentTarget, type ConsentReason } from './consent';
import { contactFilter } from './contacts';
import { languages } from './settings';

export const importKinds = ['contacts', 'purchases'] as const;

/** Fields a contacts file column can be mapped to (the importer's own list, shown by the mapping screen). */
export const contactTargetsForImport = [
  'civility', 'firstName', 'lastName', 'fullName', 'company', 'siret', 'jobTitle', 'email', 'email2', 'phone',
  'mobile', 'phone2', 'addressLine1', 'addressLine2', 'postcode', 'city', 'country', 'birthDate', 'language',
  'status', 'source', 'sourceDetail', 'tags', 'note', 'code', 'consentEmail', 'consentSms', 'consentDate', 'consentMethod',
] as const;
/**
 * Fields a purchases file column can be mapped to. The customer is found by
 * any one of code, e-mail or phone; rows sharing a reference (ticket, order)
 * form one purchase; amounts are in the file's currency units, stored as cents.
 */
export const purchaseTargetsForImport = [
  'customerCode', 'email', 'phone', 'date', 'reference', 'channel', 'sku', 'productName', 'quantity', 'unit', 'unitPrice',
  'lineDiscount', 'lineDiscountPercent', 'lineTotal', 'orderDiscount', 'amount', 'orderStatus', 'refundedAmount',
] as const;
export type ImportKindName = (typeof importKinds)[number];

/** What to do with a row that matches an existing contact (or an earlier row of the same file). */
export const duplicatePolicies = ['merge', 'skip', 'create'] as const;
export type DuplicatePolicy = (typeof duplicatePolicies)[number];

/** A file on this computer: the CLI names it, the desktop app gets it from a file picker or an upload. */
const filePath = z.string().min(1).max(4096);

/** Column → target field (null: ignored). Targets are validated by the importer for the kind. */
const mapping = z.array(z.string().max(40).nullable()).max(500);

export const importPreviewInput = z
  .object({
    kind: z.enum(importKinds),
    path: filePath,
    /** Overrides the remembered or guessed mapping (the user edited it). */
    mapping: mapping.optional(),
  })
  .strict();

export const importRunInput = z
  .object({
    kind: z.enum(importKinds),
    path: filePath,
    mapping: mapping.optional(),
    policy: z.enum(duplicatePolicies).default('merge'),
    /** Check every row and report, write nothing. */
    dryRun: z.boolean().default(false),
  })
  .strict();

/** One problem at one place of the file: `reason` is a locale key under `import.reason.*`. */
export type RowIssue = { line: number; field: string | null; value: string; reason: string };

export type ImportPreview = {
  fileName: string;
  format: 'csv' | 'xlsx' | 'vcard';
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  mapping: (string | null)[];
  mappingSource: 'remembered' | 'guessed' | 'given';
  /** Every field a column can be mapped to, for this kind. */
  targets: string[];
  /** The first rows as they would be stored (after normalisation), with their issues. */
  sample: {
    line: number;
    /** The row as read, one text per file column: what the mapping screen shows under each header. */
    cells: string[];
    values: Record<string, string | null>;
    issues: RowIssue[];
  }[];
};

export type ImportReport = {
  dryRun: boolean;
  importId: number | null;
  rows: number;
  created: number;
  updated: number;
  merged: number;
  skipped: number;
  /**
   * Whether the rows change the base (a clean run would write them): false
   * when every row is already there or left out, the same file again. A dry
   * run tells it before the user imports a file that would add nothing.
   */
  changesBase: boolean;
  errors: RowIssue[];
  /** More issues than listed were found (the list is capped). */
  errorsTruncated: boolean;
  /** Every error found, listed or not. */
  errorCount: number;
  /** What was read but not stored (consent columns, skipped vCard lines): the rows themselves import. */
  notices: RowIssue[];
  /** The lines each kind of notice concerns (by reason), listed or not: the list stops at 1,000. */
  noticeLines: Record<string, number>;
};

/**
 * Row problems that do not stop a row, by import kind: the importer reports
 * them as notices and the row imports; the import screen, whose preview lists
 * them beside the refusals, tells them apart by this list.
 */
export const importNoticeReasons = {
  contacts: [
    // consent columns are read by the import itself (consent/import.ts); an unreadable consent value stays unknown
    'consent_not_imported',
    // skipped vCard lines leave the card usable
    'invalid_line',
    'unknown_charset',
    'invalid_birthday',
    'birthday_without_year',
    // tools that drop a row's trailing empty cells are common; a row cut in two is not, and is worth a look
    'short_row',
    'postcode_restored',
    'too_many_extras',
    'too_many_tags',
    'possible_duplicate',
  ],
  purchases: ['anonymous_sale', 'unknown_channel', 'not_a_sale', 'refund_at_order_date', 'refund_above_sale'],
} as const satisfies Record<ImportKindName, readonly string[]>;

const NOTICES: ReadonlySet<string> = new Set(Object.values(importNoticeReasons).flat());
/** Whether a row issue leaves its row importable (any kind: no reason is a notice in one and a refusal in another). */
export const isImportNotice = (reason: string): boolean => NOTICES.has(reason);

/** Lines of a kind of notice a report names before « and N more » (the import screen, the CLI). */
export const NOTICE_LINES_SHOWN = 8;

/** A kind of notice as a report shows it: the first lines it concerns, and how many more there are. */
export type NoticeGroup = { reason: string; lines: number[]; total: number; more: number };

/** The report's notices by kind, in the order first met; counts go past the 1,000 notices listed. */
export const noticeGroups = (report: Pick<ImportReport, 'notices' | 'noticeLines'>): NoticeGroup[] => {
  const byReason = new Map<string, Set<number>>();
  for (const n of report.notices) {
    const lines = byReason.get(n.reason) ?? new Set<number>();
    lines.add(n.line);
    byReason.set(n.reason, lines);
  }
  return [...byReason].map(([reason, set]) => {
    const lines = [...set];
    const total = Math.max(report.noticeLines[reason] ?? 0, lines.length);
    return { reason, lines: lines.slice(0, NOTICE_LINES_SHOWN), total, more: total - Math.min(lines.length, NOTICE_LINES_SHOWN) };
  });
};

export type ImportRecord = {
  id: number;
  kind: ImportKindName;
  fileName: string;
  importedAt: string;
  created: number;
  updated: number;
  merged: number;
  skipped: number;
  errors: number;
  /** False when the import wrote nothing (every row already there or left out): nothing to undo. */
  changedBase: boolean;
  undoneAt: string | null;
};

export const importUndoInput = z.object({ importId: z.number().int().positive() }).strict();

export const exportFormats = ['csv', 'xlsx', 'vcf'] as const;
export const exportEncodings = ['utf-8-bom', 'windows-1252'] as const;
export const exportDelimiters = [';', ','] as const;
export const exportInput = z
  .object({
    /** Absent: the store picks a file in its transfers folder, for the renderer to download. */
    path: filePath.optional(),
    format: z.enum(exportFormats).default('csv'),
    encoding: z.enum(exportEncodings).default('utf-8-bom'),
    delimiter: z.enum(exportDelimiters).default(';'),
    /** Language of the headers, statuses and origins (the app's, from the renderer); absent: the language setting, else French. */
    language: z.enum(languages).optional(),
    /** Only these contacts (a selection); otherwise the whole base. */
    ids: z.array(z.number().int().positive()).max(100_000).optional(),
    /** Only what this list filter matches (the list as the user sees it). */
    filter: contactFilter.optional(),
    /** A marketing export: only those the consent rules allow on this channel for this purpose; the others are counted by reason. */
    marketing: consentTarget.optional(),
  })
  .strict()
  .refine((v) => v.ids === undefined || v.filter === undefined, { path: ['ids'], message: 'ids_or_filter' });
export type ExportResult = {
  path: string;
  rows: number;
  unrepresentable: number;
  /** Marketing exports only: contacts left out, by the reason the rules gave. */
  excluded?: Partial<Record<ConsentReason, number>>;
};
