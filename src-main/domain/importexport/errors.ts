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

/**
 * Why a file could not be written where it was asked to go, by the system's
 * error code. These are the user's to fix (a path, a full disk), not bugs:
 * they travel as a refusal with a reason the renderer and the CLI word
 * (`errors.write.reason.*`), not as an unexpected error with a stack.
 */
const WRITE_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'folder_missing',
  ENOTDIR: 'folder_missing',
  EISDIR: 'target_is_folder',
  EACCES: 'write_denied',
  EPERM: 'write_denied',
  ENOSPC: 'disk_full',
  EDQUOT: 'disk_full',
  EROFS: 'read_only_disk',
};

export const writeRefusal = (reason: string, target: string): AppError =>
  new AppError('VALIDATION', `cannot write ${target} (${reason})`, { reason, path: target });

/** The refusal for a failed write to `target`, or the error itself when it is not one the user can fix. */
export const asWriteRefusal = (error: unknown, target: string): unknown => {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
  const reason = WRITE_REASONS[code];
  return reason === undefined ? error : writeRefusal(reason, target);
};
