/**
 * Error shape shared by every transport. Handlers throw AppError; transports
 * carry only the plain data ({ code, message, details }) so a stack trace never
 * reaches a user. The renderer translates `code` (and field issue codes) itself.
 */
export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'UNKNOWN_CALL',
  'UNAUTHORIZED',
  'STORE_UNAVAILABLE',
  'READ_ONLY',
  'BUSY',
  'CANCELLED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** One invalid field: `code` is a key under `validation.*` in the locale files. */
export type FieldIssue = { path: string; code: string };

export type ErrorDetails = { issues?: FieldIssue[] } & Record<string, unknown>;

export type AppErrorData = { code: ErrorCode; message: string; details?: ErrorDetails };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails | undefined;

  constructor(code: ErrorCode, message: string, details?: ErrorDetails) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  toData(): AppErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export const isAppErrorData = (value: unknown): value is AppErrorData => {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return (
    typeof v.code === 'string' &&
    (errorCodes as readonly string[]).includes(v.code) &&
    typeof v.message === 'string'
  );
};

/** Turns anything thrown into the transport shape; unknown errors lose their internals. */
export const toErrorData = (error: unknown): AppErrorData => {
  if (error instanceof AppError) return error.toData();
  if (isAppErrorData(error)) return error;
  return { code: 'INTERNAL', message: 'Unexpected error' };
};
