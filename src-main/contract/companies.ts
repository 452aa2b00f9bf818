import { z } from 'zod';
import type { ContactPage } from './contacts';
import { countryCode, id, optionalEmail, optionalPhone, optionalText } from './fields';
import { compactIdentifier, sirenProblem, siretProblem, type IdentifierProblem } from './identifiers';

export const COMPANY_NAME_MAX = 200;

/** `invalid_*` (wrong length) keeps its meaning for older callers; a mistyped digit has its own code. */
const identifier = (
  length: number,
  problem: (v: string) => IdentifierProblem | null,
  codes: Record<IdentifierProblem, string>,
) =>
  optionalText(length * 3)
    .transform((v) => (v === null ? null : compactIdentifier(v)))
    .superRefine((v, ctx) => {
      const found = v === null ? null : problem(v);
      if (found !== null) ctx.addIssue({ code: 'custom', message: codes[found] });
    });

const companyShape = {
  name: optionalText(COMPANY_NAME_MAX).transform((v, ctx) => {
    if (v === null) {
      ctx.addIssue({ code: 'custom', message: 'required' });
      return z.NEVER;
    }
    return v;
  }),
  /** Checked by its Luhn key; typed spaces are removed. */
  siren: identifier(9, sirenProblem, { length: 'invalid_siren', check_digit: 'siren_check_digit' }),
  /** One establishment (SIREN + 5 digits), checked by its key; unique when set. */
  siret: identifier(14, siretProblem, { length: 'invalid_siret', check_digit: 'siret_check_digit' }),
  email: optionalEmail,
  phone: optionalPhone,
  addressLine1: optionalText(200),
  addressLine2: optionalText(200),
  postcode: optionalText(12),
  city: optionalText(100),
  country: countryCode,
};

/** A SIRET starts with its company's SIREN: given alone, the SIREN is taken from it. */
const checkCompany = <T extends { siren: string | null; siret: string | null; postcode: string | null; country: string }>(
  c: T,
  ctx: z.RefinementCtx,
): void => {
  if (c.siren !== null && c.siret !== null && !c.siret.startsWith(c.siren)) {
    ctx.addIssue({ code: 'custom', path: ['siret'], message: 'siret_siren_mismatch' });
  }
  if (c.postcode !== null && c.country === 'FR' && !/^\d{5}$/.test(c.postcode)) {
    ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'invalid_postcode' });
  }
};

const fillSiren = <T extends { siren: string | null; siret: string | null }>(c: T): T =>
  c.siren === null && c.siret !== null ? { ...c, siren: c.siret.slice(0, 9) } : c;

export const companyInput = z
  .object({ ...companyShape, country: companyShape.country.default('FR') })
  .strict()
  .superRefine(checkCompany)
  .transform(fillSiren);
export type CompanyInput = z.input<typeof companyInput>;
export type CompanyData = z.output<typeof companyInput>;

export const companyUpdateInput = z.object({ id, patch: z.object(companyShape).partial().strict() }).strict();

export type Company = CompanyData & { id: number; createdAt: string; updatedAt: string; peopleCount: number };

export const companyListInput = z
  .object({
    /** Part of the name (any case or accents), or a SIREN / SIRET. */
    q: z.string().max(200, { error: 'too_long' }).default(''),
    cursor: z.string().max(1000).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type CompanyPage = { rows: Company[]; nextCursor: string | null };

export const companyLinkInput = z
  .object({ companyId: id, contactIds: z.array(id).min(1, { error: 'required' }).max(1000, { error: 'too_many' }) })
  .strict();

export const companyPeopleInput = z
  .object({
    id,
    cursor: z.string().max(2000).nullish().transform((v) => v ?? null),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
export type CompanyPeoplePage = ContactPage;
