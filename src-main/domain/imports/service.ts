import fs from 'node:fs';
import path from 'node:path';
import {
  AppError,
  contactTargetsForImport,
  type ContactData,
  type ImportPreview,
  type ImportRecord,
  type ImportReport,
  type RowIssue,
} from '../../contract';
import type { z } from 'zod';
import type { importPreviewInput, importRunInput } from '../../contract/imports';
import { prepared, type Store } from '../../store/db';
import type { JobContext } from '../../host/registry';
import { contactTargets, eachOf, guessMapping, isImportError, layoutKey, SAMPLE_BYTES } from '../importexport';
import { bulkJournal } from '../../store/open';
import { importContactRows, isLargeImport, type ContactBatchTuning } from './contact-batch';
import { normaliseContact, type NormalisedContact } from './contacts';
import { openSource, type OpenedSource, type SourceRecord } from './sources';
import { getSettings } from '../settings/service';

/** Row issues kept in a report: enough to fix a file, bounded for a 1M-row disaster. */
export const MAX_REPORTED_ISSUES = 1000;
/** A value quoted in an issue: enough to find the cell, not a 100,000-character cell echoed whole. */
export const MAX_QUOTED_CHARS = 200;

const quoted = (issue: RowIssue): RowIssue =>
  issue.value.length <= MAX_QUOTED_CHARS ? issue : { ...issue, value: `${issue.value.slice(0, MAX_QUOTED_CHARS - 1)}…` };
export const PREVIEW_ROWS = 20;
/** Rows between two yields to the event loop (progress, cancel). */
export const TICK_ROWS = 1000;

type PreviewInput = z.output<typeof importPreviewInput>;
type RunInput = z.output<typeof importRunInput>;

export const asAppError = (error: unknown): unknown => (isImportError(error) ? error.toAppError() : error);

const checkTargets = (mapping: readonly (string | null)[]): void => {
  const allowed = new Set<string>(contactTargets);
  const wrong = mapping.findIndex((t) => t !== null && !allowed.has(t));
  if (wrong >= 0) {
    throw new AppError('VALIDATION', `unknown target "${mapping[wrong]}" for column ${wrong + 1}`, {
      issues: [{ path: `mapping.${wrong}`, code: 'unknown_target' }],
    });
  }
};

const rememberedMapping = (store: Store, layout: string): (string | null)[] | null => {
  const raw = prepared(store.sqlite, "SELECT mapping FROM import_layouts WHERE layout = ? AND kind = 'contacts'")
    .pluck()
    .get(layout) as string | undefined;
  return raw === undefined ? null : (JSON.parse(raw) as (string | null)[]);
};

const resolveMapping = (store: Store, source: OpenedSource, given: (string | null)[] | undefined) => {
  if (source.format === 'vcard') return { mapping: [...source.headers], from: 'guessed' as const, layout: 'vcard' };
  const layout = layoutKey(source.headers);
  if (given) {
    checkTargets(given);
    return { mapping: given, from: 'given' as const, layout };
  }
  const remembered = rememberedMapping(store, layout);
  if (remembered) return { mapping: remembered, from: 'remembered' as const, layout };
  return { mapping: guessMapping(source.headers, 'contacts') as (string | null)[], from: 'guessed' as const, layout };
};

/** A contact needs a name (the form's rule): a file must map a column to one. */
const NAME_TARGETS = ['lastName', 'firstName', 'fullName'];

const withReadIssues = (line: number, issues: SourceRecord['issues']): RowIssue[] =>
  issues.map((i) => ({ line: i.line ?? line, field: i.field, value: i.value, reason: i.reason }));

/** The first rows as they would be stored, so the user checks the mapping before anything runs. */
export const previewImport = async (store: Store, input: PreviewInput): Promise<ImportPreview> => {
  // purchase files go through previewPurchaseImport (the handler picks by kind)
  if (input.kind !== 'contacts') throw new AppError('INTERNAL', `previewImport reads contact files, not ${input.kind}`);
  let source: OpenedSource;
  try {
    source = await openSource(input.path, { language: getSettings(store).language ?? 'fr' });
  } catch (error) {
    throw asAppError(error);
  }
  const { mapping, from } = resolveMapping(store, source, input.mapping);
  const sample: ImportPreview['sample'] = [];
  try {
    for await (const record of eachOf(source.batches)) {
      const n = normaliseContact(record.line, record.cells, mapping, withReadIssues(record.line, record.issues), record.card);
      sample.push({ line: n.line, cells: record.cells, values: displayValues(n), issues: n.issues });
      if (sample.length >= PREVIEW_ROWS) break;
    }
  } catch (error) {
    throw asAppError(error);
  }
  return {
    fileName: path.basename(input.path),
    format: source.format,
    encoding: source.encoding,
    delimiter: source.delimiter,
    headers: source.headers,
    mapping,
    mappingSource: from,
    targets: [...contactTargetsForImport],
    sample,
  };
};

const displayValues = (n: NormalisedContact): Record<string, string | null> => {
  const d = n.data ?? (n.input as Partial<ContactData>);
  const text = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
  return {
    civility: text(d.civility),
    firstName: text(d.firstName),
    lastName: text(d.lastName),
    company: n.company,
    siret: n.companyNumber?.digits ?? null,
    email: text(d.email),
    emails: Array.isArray(d.emails) && d.emails.length > 0 ? d.emails.map((e) => e.email).join(', ') : null,
    phone: text(d.phone),
    phones: Array.isArray(d.phones) && d.phones.length > 0 ? d.phones.map((p) => p.phone).join(', ') : null,
    addressLine1: text(d.addressLine1),
    addressLine2: text(d.addressLine2),
    postcode: text(d.postcode),
    city: text(d.city),
    country: text(d.country),
    jobTitle: text(d.jobTitle),
    birthDate: text(d.birthDate),
    language: text(d.language),
    status: text(d.status),
    source: text(d.source),
    sourceDetail: text(d.sourceDetail),
    code: text(d.code),
    tags: Array.isArray(d.tags) ? d.tags.join(', ') : null,
    note: n.note,
  };
};

export const estimateRows = (file: string): number => {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(Math.min(SAMPLE_BYTES, size));
    fs.readSync(fd, buf, 0, buf.length, 0);
    const lines = buf.reduce((n, b) => n + (b === 10 ? 1 : 0), 0);
    return lines > 0 ? Math.max(1, Math.round((lines * size) / buf.length)) : 1;
  } finally {
    fs.closeSync(fd);
  }
};

/**
 * An empty report and what fills it, shared by both kinds of import: every
 * error counts (a real run with any writes nothing), but the report lists at
 * most MAX_REPORTED_ISSUES of each kind, so a file wrong on every row keeps
 * memory flat.
 */
export const startReport = (dryRun: boolean) => {
  const report: ImportReport = {
    dryRun,
    importId: null,
    rows: 0,
    created: 0,
    updated: 0,
    merged: 0,
    skipped: 0,
    changesBase: false,
    errors: [],
    errorsTruncated: false,
    errorCount: 0,
    notices: [],
    noticeLines: {},
  };
  // rows are read in file order: a reason met again on its last line is that same line
  const lastLine = new Map<string, number>();
  return {
    report,
    addError: (issue: RowIssue): void => {
      report.errorCount += 1;
      if (report.errors.length < MAX_REPORTED_ISSUES) report.errors.push(quoted(issue));
      else report.errorsTruncated = true;
    },
    addNotice: (notice: RowIssue): void => {
      if (lastLine.get(notice.reason) !== notice.line) {
        lastLine.set(notice.reason, notice.line);
        report.noticeLines[notice.reason] = (report.noticeLines[notice.reason] ?? 0) + 1;
      }
      if (report.notices.length < MAX_REPORTED_ISSUES) report.notices.push(quoted(notice));
    },
    errorCount: (): number => report.errorCount,
  };
};

/**
 * Opens an import's transaction and its history row, whose id marks what the
 * import writes (undo finds its rows by it). Called again after a rollback of
 * an import that wrote nothing, so the history still records it.
 */
export const beginImport = (
  db: Store['sqlite'],
  kind: 'contacts' | 'purchases',
  at: { path: string; policy: string; layout: string; mapping: readonly (string | null)[]; now: string },
): number => {
  db.exec('BEGIN IMMEDIATE');
  return Number(
    prepared(db, 'INSERT INTO imports (kind, file_name, file_hash, options, imported_at) VALUES (?, ?, ?, ?, ?)').run(
      kind,
      path.basename(at.path),
      at.layout,
      JSON.stringify({ policy: at.policy, mapping: at.mapping }),
      at.now,
    ).lastInsertRowid,
  );
};

/**
 * One pass, one transaction: every row is validated and applied; a dry run
 * or any row error rolls everything back (all or nothing), so the report of a
 * dry run is exactly what the real run would do. Duplicates inside the file
 * are found like duplicates in the base: earlier rows are already written.
 */
export const runImport = async (
  store: Store,
  input: RunInput,
  job: JobContext | null,
  tuning?: Partial<ContactBatchTuning>,
): Promise<ImportReport> => {
  // purchase files go through runPurchaseImport (the handler picks by kind)
  if (input.kind !== 'contacts') throw new AppError('INTERNAL', `runImport reads contact files, not ${input.kind}`);
  let source: OpenedSource;
  try {
    source = await openSource(input.path, { language: getSettings(store).language ?? 'fr' });
  } catch (error) {
    throw asAppError(error);
  }
  const { mapping, layout } = resolveMapping(store, source, input.mapping);
  if (!NAME_TARGETS.some((t) => mapping.includes(t))) {
    // said once, before reading: otherwise every row would be refused as anonymous
    await source.batches[Symbol.asyncIterator]().return?.();
    throw new AppError('VALIDATION', 'no column is mapped to a last name, first name or full name', { reason: 'name_column_required' });
  }
  const { report, addError, addNotice, errorCount } = startReport(input.dryRun);
  const addIssues = (issues: RowIssue[]) => {
    for (const issue of issues) addError(issue);
  };
  const total = estimateRows(input.path);
  const db = store.sqlite;
  const now = new Date().toISOString();
  // a file large enough for its indexes to be set aside outgrows the page cache too
  const restoreJournal = isLargeImport(total, tuning) ? bulkJournal(db) : () => undefined;
  try {
    const begin = (): number => beginImport(db, 'contacts', { ...input, layout, mapping, now });
    let importId = begin();
    // tags and companies made by this import are the ones above today's largest ids (one writer)
    const maxTag = prepared(db, 'SELECT coalesce(max(id), 0) FROM tags').pluck().get() as number;
    const maxCompany = prepared(db, 'SELECT coalesce(max(id), 0) FROM companies').pluck().get() as number;
    const rows = await importContactRows(
      store,
      source.batches,
      { mapping, policy: input.policy, importId, now, estimatedRows: total, tuning, headers: source.headers, dryRun: input.dryRun, format: source.format },
      {
        report,
        addIssues,
        addNotice,
        errorCount,
      },
      job,
    );
    // a header and nothing under it: an empty import in the history would say the file was taken
    if (report.rows === 0) addError({ line: 1, field: null, value: '', reason: 'no_rows' });
    report.changesBase = rows.written;
    if (input.dryRun || errorCount() > 0) {
      db.exec('ROLLBACK');
      // a real run that failed wrote nothing: say so in the counts; a dry run says what would happen
      return input.dryRun ? report : { ...report, created: 0, updated: 0, merged: 0, skipped: 0, changesBase: false };
    }
    if (!report.changesBase) {
      /*
       * Nothing written, by the import or by anyone meanwhile (the same file
       * again): rolling back puts back the indexes it set aside as they were,
       * instead of rebuilding them (1M contacts: seconds, not half a minute),
       * and the history records the import in a transaction of its own.
       */
      db.exec('ROLLBACK');
      importId = begin();
    } else {
      await rows.beforeCommit();
    }
    prepared(
      db,
      "INSERT INTO import_changes (import_id, entity, entity_id, before) SELECT ?, 'tag', id, 'null' FROM tags WHERE id > ?",
    ).run(importId, maxTag);
    prepared(
      db,
      "INSERT INTO import_changes (import_id, entity, entity_id, before) SELECT ?, 'company', id, 'null' FROM companies WHERE id > ?",
    ).run(importId, maxCompany);
    prepared(db, 'UPDATE imports SET created = ?, updated = ?, merged = ?, skipped = ?, errors = 0, changed_base = ? WHERE id = ?').run(
      report.created,
      report.updated,
      report.merged,
      report.skipped,
      report.changesBase ? 1 : 0,
      importId,
    );
    if (source.format !== 'vcard') {
      prepared(
        db,
        "INSERT INTO import_layouts (layout, kind, mapping, updated_at) VALUES (?, 'contacts', ?, ?) ON CONFLICT (layout) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
      ).run(layout, JSON.stringify(mapping), now);
    }
    db.exec('COMMIT');
    report.importId = importId;
    job?.progress('import.rows', report.rows, report.rows);
    return report;
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw asAppError(error);
  } finally {
    restoreJournal();
  }
};

export type ImportRow = {
  id: number;
  kind: 'contacts' | 'purchases';
  file_name: string;
  imported_at: string;
  created: number;
  updated: number;
  merged: number;
  skipped: number;
  errors: number;
  undone_at: string | null;
  changed_base: 0 | 1;
};

export const toRecord = (r: ImportRow): ImportRecord => ({
  id: r.id,
  kind: r.kind,
  fileName: r.file_name,
  importedAt: r.imported_at,
  created: r.created,
  updated: r.updated,
  merged: r.merged,
  skipped: r.skipped,
  errors: r.errors,
  changedBase: r.changed_base === 1,
  undoneAt: r.undone_at,
});

export const listImports = (store: Store): ImportRecord[] =>
  (prepared(store.sqlite, 'SELECT * FROM imports ORDER BY id DESC LIMIT 200').all() as ImportRow[]).map(toRecord);
