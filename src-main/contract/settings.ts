import { z } from 'zod';
import { optionalEmail, optionalText } from './fields';
import { siretProblem } from './identifiers';

export const languages = ['fr', 'en'] as const;
export type Language = (typeof languages)[number];

export const currencies = ['EUR', 'CHF', 'GBP', 'USD', 'CAD', 'XPF'] as const;
export type Currency = (typeof currencies)[number];

/** Logos are stored inline (data URL) so cards and exports work offline; bounded to ~300 kB. */
const logo = z
  .string()
  .max(400_000, { error: 'logo_too_large' })
  .regex(/^data:image\/(png|jpeg|webp|svg\+xml);base64,[A-Za-z0-9+/=]+$/, { error: 'invalid_logo' })
  .nullable();

export const shopSchema = z.object({
  name: optionalText(120),
  address: optionalText(400),
  siret: optionalText(20)
    .transform((v) => (v === null ? null : v.replace(/\s+/g, '')))
    .superRefine((v, ctx) => {
      const found = v === null ? null : siretProblem(v);
      if (found !== null) ctx.addIssue({ code: 'custom', message: found === 'length' ? 'invalid_siret' : 'siret_check_digit' });
    }),
  email: optionalEmail,
  logo,
});

export const settingsSchema = z.object({
  shop: shopSchema,
  /** null: follow the operating system's language. */
  language: z.enum(languages).nullable(),
  currency: z.enum(currencies),
  backup: z.object({
    /** null: the `backups` folder next to the database. */
    folder: optionalText(1000),
    keep: z.number({ error: 'required' }).int().min(1, { error: 'too_small' }).max(100, { error: 'too_large' }),
  }),
  /** Set once the first-run choice (empty or demo) has been made. */
  onboarded: z.boolean(),
});
export type Settings = z.output<typeof settingsSchema>;

export const defaultSettings: Settings = {
  shop: { name: null, address: null, siret: null, email: null, logo: null },
  language: null,
  currency: 'EUR',
  backup: { folder: null, keep: 10 },
  onboarded: false,
};

export const settingsUpdateInput = z
  .object({
    shop: shopSchema.partial().strict().optional(),
    language: z.enum(languages).nullable().optional(),
    currency: z.enum(currencies).optional(),
    backup: z
      .object({ folder: shopSchema.shape.name.optional(), keep: settingsSchema.shape.backup.shape.keep.optional() })
      .strict()
      .optional(),
    onboarded: z.boolean().optional(),
  })
  .strict();
export type SettingsUpdate = z.input<typeof settingsUpdateInput>;
