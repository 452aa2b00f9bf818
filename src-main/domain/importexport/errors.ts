import { AppError } from '../../contract/errors';

/**
 * Why a whole file is refused. Row-level problems are not errors: they travel
 * with the rows (cell counts, vCard faults) so the importer can report them
 * next to the others and keep going.
 */
export const importErrorCodes = [
  'no_file',
  'is_folder',
  'empty_file',
  'binary_file',
  'xls_file',
  'invalid_utf8',
  'too_many_columns',
  'cell_too_large',
  'unclosed_quote',
  'invalid_xlsx',
  'no_worksheet',
] as const;
export type ImportErrorCode = (typeof importErrorCodes)[number];

/** Where in the file: lines are 1-based physical lines, bytes 0-based offsets. */
export type ImportErrorLocation = {
  line?: number;
  byte?: number;
  column?: number;
  count?: number;
  kind?: string;
};

export class ImportError extends Error {
  readonly code: ImportErrorCode;
  readonly location: ImportErrorLocation;

  constructor(code: ImportErrorCode, message: string, location: ImportErrorLocation = {}) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
    this.location = location;
  }

  /** The transport shape: the renderer translates `reason`, the message is for logs and the CLI. */
  toAppError(): AppError {
    return new AppError('VALIDATION', this.message, { reason: this.code, ...this.location });
  }
}

export const isImportError = (error: unknown): error is ImportError => error instanceof ImportError;
