import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { AppError, isAppErrorData, jobKinds, type ErrorCode, type ErrorDetails, type FieldIssue, type JobKind } from '@contract';
import errors from '../locales/fr/errors.json';
import validation from '../locales/fr/validation.json';

/** Issue codes we can translate; the locale files are the list. */
const validationKeys: ReadonlySet<string> = new Set(Object.keys(validation.validation));
const writeReasons: ReadonlySet<string> = new Set(Object.keys(errors.errors.write.reason));

export const errorCode = (error: unknown): ErrorCode => {
  if (error instanceof AppError) return error.code;
  if (isAppErrorData(error)) return error.code;
  return 'INTERNAL';
};

/** The details a refusal carries (its reason, the job it waits for …), thrown here or come back over HTTP as plain data. */
export const errorDetails = (error: unknown): ErrorDetails | undefined =>
  error instanceof AppError || isAppErrorData(error) ? error.details : undefined;

/** The running job a BUSY refusal names (an import, the demo, a refill of the analyses), if any. */
const busyWith = (error: unknown): JobKind | null => {
  const kind = errorDetails(error)?.kind;
  return errorCode(error) === 'BUSY' && (jobKinds as readonly unknown[]).includes(kind) ? (kind as JobKind) : null;
};

/** Why a file could not be written (disk full, no access …), when the store said. */
const writeReason = (error: unknown): string | null => {
  const reason = errorDetails(error)?.reason;
  return typeof reason === 'string' && writeReasons.has(reason) ? reason : null;
};

/** A human sentence for any failure; the technical message stays out of sight. */
export const errorMessage = (t: TFunction, error: unknown): string => {
  const job = busyWith(error);
  if (job !== null) return t(`errors.busyWith.${job}`);
  const write = writeReason(error);
  if (write !== null) return t('errors.write.failed', { why: t(`errors.write.reason.${write}`) });
  return t(`errors.${errorCode(error)}`);
};

export const validationMessage = (t: TFunction, code: string): string =>
  t(validationKeys.has(code) ? `validation.${code}` : 'validation.generic');

/**
 * Client-side issues in the server's shape. Our schemas put a locale key in
 * `message`; zod's built-in checks only have a `code` (invalid_type …).
 */
export const issuesFromZod = (error: z.ZodError): FieldIssue[] =>
  error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: validationKeys.has(issue.message) ? issue.message : issue.code,
  }));

/**
 * Field issues the store sent back: a VALIDATION, or a CONFLICT / NOT_FOUND
 * that names its field (a customer code already used, a company gone).
 */
export const serverIssues = (error: unknown): FieldIssue[] | null => {
  if (!(error instanceof AppError)) return null;
  const issues = error.details?.issues;
  if (!Array.isArray(issues)) return null;
  return issues.filter(
    (i): i is FieldIssue =>
      typeof i === 'object' && i !== null && typeof i.path === 'string' && typeof i.code === 'string',
  );
};

/** field → issue code (the first one per field); `prefix` strips e.g. `patch.` from update paths. */
export type FieldErrors = Partial<Record<string, string>>;

export const toFieldErrors = (issues: readonly FieldIssue[], prefix = ''): FieldErrors => {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const path = prefix !== '' && issue.path.startsWith(prefix) ? issue.path.slice(prefix.length) : issue.path;
    if (out[path] === undefined) out[path] = issue.code;
  }
  return out;
};
