import { z } from 'zod';
import { toE164 } from './phone';

/**
 * Field builders shared by every schema. Error messages are locale keys
 * (`validation.<key>`), never sentences, so each side translates them.
 */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Optional single-line text: trimmed, '' becomes null, bounded length. */
export const optionalText = (max: number) =>
  z
    .string()
    .max(max * 4, { error: 'too_long' })
    .nullish()
    .transform((v) => (v ? v.trim() : ''))
    .pipe(
      z
        .string()
        .max(max, { error: 'too_long' })
        .refine((v) => !CONTROL_CHARS.test(v), { error: 'invalid_chars' }),
    )
    .transform((v) => (v === '' ? null : v));

export const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]{2,}$/u;

export const optionalEmail = optionalText(254)
  .transform((v) => (v === null ? null : v.toLowerCase()))
  .refine((v) => v === null || EMAIL_PATTERN.test(v), { error: 'invalid_email' });

export const optionalPhone = optionalText(40).transform((v, ctx) => {
  if (v === null) return null;
  const e164 = toE164(v);
  if (e164 === null) {
    ctx.addIssue({ code: 'custom', message: 'invalid_phone' });
    return z.NEVER;
  }
  return e164;
});

export const countryCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, { error: 'invalid_country' });

export const id = z.number({ error: 'required' }).int().positive();
export const idInput = z.object({ id }).strict();
export const emptyInput = z.object({}).strict().default({});
