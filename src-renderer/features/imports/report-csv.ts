import type { TFunction } from 'i18next';
import type { ImportKindName, ImportReport, RowIssue } from '@contract';
import { issueColumn, reasonText, storedLabel, issueKey, type Mapping } from './labels';

/*
 * The row report is built here, from the report the renderer already holds,
 * rather than by a store call: it is a few hundred lines at most (the store
 * caps the list) and needs the user's language, which the store does not have.
 * Written the way French Excel opens without a question: UTF-8 with a BOM,
 * `;` between cells, CRLF.
 */

/** Cells a spreadsheet would run as a formula get an apostrophe (the store's exports do the same). */
const FORMULA = /^[=+\-@\t\r]/;
const PHONE_OR_NEGATIVE = /^(?:\+[\d .()\u00a0-]*\d[\d .()\u00a0-]*|-\d[\d \u00a0\u202f]*(?:[.,]\d+)?)$/;

const guard = (cell: string): string => (FORMULA.test(cell) && !PHONE_OR_NEGATIVE.test(cell) ? `'${cell}` : cell);

const quote = (cell: string): string => {
  const safe = guard(cell);
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export const toCsv = (rows: readonly (readonly string[])[]): string =>
  `\ufeff${rows.map((r) => r.map(quote).join(';')).join('\r\n')}\r\n`;

export type ReportContext = { kind: ImportKindName; headers: readonly string[]; mapping: Mapping };

export const reportRows = (t: TFunction, report: ImportReport, ctx: ReportContext): string[][] => {
  const row = (issue: RowIssue, severity: 'error' | 'notice'): string[] => [
    String(issue.line),
    issueColumn(t, ctx.kind, issue.field, ctx.headers, ctx.mapping),
    issue.field === null ? '' : storedLabel(t, ctx.kind, issueKey(issue.field) ?? issue.field),
    issue.value,
    reasonText(t, issue.reason),
    t(`imports.report.csv.${severity}`),
  ];
  return [
    ['line', 'column', 'field', 'value', 'reason', 'severity'].map((k) => t(`imports.report.csv.${k}`)),
    ...report.errors.map((i) => row(i, 'error')),
    ...report.notices.map((i) => row(i, 'notice')),
  ];
};

/** `clients.csv` → `compte-rendu-import-clients.csv`. */
export const reportFileName = (t: TFunction, fileName: string): string =>
  t('imports.report.csvName', { file: fileName.replace(/\.[^.]+$/, '').replace(/[^\p{L}\p{N}_-]+/gu, '-') });

/** Hands a file made in the page to the user (a download; Electron asks where to save it). */
export const saveBlob = (blob: Blob, name: string): void => {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // the download has started by then; revoking at once can cancel it in some browsers
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
};

export const saveReportCsv = (t: TFunction, report: ImportReport, ctx: ReportContext & { fileName: string }): void => {
  const blob = new Blob([toCsv(reportRows(t, report, ctx))], { type: 'text/csv;charset=utf-8' });
  saveBlob(blob, reportFileName(t, ctx.fileName));
};
