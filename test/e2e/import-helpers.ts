import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import type { Page } from 'playwright-core';

/**
 * The import screen from a user's seat, in small steps the import tests
 * share: write a file the way French Excel does, choose it, map, check, import.
 */

/** A `;`-separated CSV in Windows-1252 with CRLF, as "CSV (séparateur : point-virgule)" writes it. */
export const writeExcelCsv = (dir: string, name: string, rows: readonly (readonly string[])[]): string => {
  const text = `${rows.map((r) => r.join(';')).join('\r\n')}\r\n`;
  const bytes = iconv.encode(text, 'windows1252');
  // a character Windows-1252 lacks would be written as '?' and the test would prove nothing
  if (iconv.decode(bytes, 'windows1252') !== text) throw new Error('not representable in Windows-1252');
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
};

export const openImports = async (page: Page): Promise<void> => {
  await page.getByTestId('nav-imports').click();
  await page.getByTestId('import-page').waitFor();
};

/** Chooses a file through the picker (as the user does) and waits for its columns. */
export const chooseImportFile = async (page: Page, file: string): Promise<void> => {
  await page.getByTestId('import-file-input').setInputFiles(file);
  await page.getByTestId('import-mapping').waitFor();
};

export const mappingOf = (page: Page, column: number): Promise<string> => page.getByTestId(`mapping-select-${column}`).inputValue();

/** Maps a column to a target ('' to leave it out) and waits for the preview read through the new mapping. */
export const mapColumn = async (page: Page, column: number, target: string): Promise<void> => {
  await page.getByTestId(`mapping-select-${column}`).selectOption(target);
  await page.waitForFunction(
    ([i, t]) =>
      document.querySelector(`[data-testid="mapping-row"][data-column="${i}"]`)?.getAttribute('data-target') === t &&
      document.querySelector('[data-testid="import-refreshing"]') === null,
    [column, target] as const,
  );
};

/** The sample cell of one stored field on one file line. */
export const sampleCell = (page: Page, line: number, field: string) =>
  page.locator(`[data-testid="sample-row"][data-line="${line}"] [data-testid="sample-cell-${field}"]`);

/** From the mapping step: runs the dry run and waits for its report. */
export const runCheck = async (page: Page): Promise<void> => {
  const again = page.getByTestId('import-dry-run');
  if (await again.isVisible()) await again.click();
  else await page.getByTestId('import-to-check').click();
  await page.getByTestId('import-progress').waitFor({ state: 'detached' });
  await page.getByTestId('import-report').waitFor();
};

export type ReportedError = { line: string; column: string; value: string; reason: string };

export const reportedErrors = async (page: Page): Promise<ReportedError[]> =>
  page.getByTestId('report-error-row').evaluateAll((rows) =>
    rows.map((r) => {
      const text = (id: string) => r.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
      return {
        line: text('report-error-line'),
        column: text('report-error-column'),
        value: text('report-error-value'),
        reason: text('report-error-reason'),
      };
    }),
  );

/** After a clean check: the all-or-nothing import; resolves with the result's status. */
export const commitImport = async (page: Page): Promise<string | null> => {
  await page.getByTestId('import-commit').click();
  const result = page.getByTestId('import-result');
  await result.waitFor();
  return result.getAttribute('data-status');
};
