import type { TFunction } from 'i18next';
import type { AppErrorData, ImportKindName, Language } from '../../contract';
import { textCatalogue } from '../../domain/text';
// the app's own locale files: one wording for a reason, a field or a phase, on screen and in the terminal
import enCli from '../../../src-renderer/locales/en/cli.json';
import enErrors from '../../../src-renderer/locales/en/errors.json';
import enImports from '../../../src-renderer/locales/en/imports.json';
import enJobs from '../../../src-renderer/locales/en/jobs.json';
import enValidation from '../../../src-renderer/locales/en/validation.json';
import frCli from '../../../src-renderer/locales/fr/cli.json';
import frErrors from '../../../src-renderer/locales/fr/errors.json';
import frImports from '../../../src-renderer/locales/fr/imports.json';
import frJobs from '../../../src-renderer/locales/fr/jobs.json';
import frValidation from '../../../src-renderer/locales/fr/validation.json';

/**
 * The terminal's language, from the usual variables in their order of
 * precedence: French first, as the app; English when the locale is set and
 * is not French. An unset or C/POSIX locale (servers, CI) says nothing.
 */
export const cliLanguage = (env: NodeJS.ProcessEnv): Language => {
  const raw = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '') ?? '';
  if (raw === '' || /^(C|POSIX)([._@]|$)/i.test(raw)) return 'fr';
  return raw.toLowerCase().startsWith('fr') ? 'fr' : 'en';
};

export type CliText = {
  t: TFunction;
  /** A row issue's or a refused file's reason in words; the code itself when this version has no words for it. */
  reason: (reason: string) => string;
  /** An import field in words (`emails.0.email` → the e-mail column's label). */
  field: (kind: ImportKindName, field: string) => string;
  /** A job's progress phase (`import.rows`) in words. */
  phase: (phase: string) => string;
  /** A refused import or export: the reason with its line (or the file it could not write), or the error's kind, then the store's own message. */
  failure: (error: AppErrorData) => string;
};

export const cliText = (language: Language): CliText => {
  const { t, known } = textCatalogue(language, {
    fr: { ...frCli, ...frErrors, ...frImports, ...frJobs, ...frValidation },
    en: { ...enCli, ...enErrors, ...enImports, ...enJobs, ...enValidation },
  });
  const reason = (r: string): string =>
    known(`imports.reason.${r}`) ? t(`imports.reason.${r}`) : known(`validation.${r}`) ? t(`validation.${r}`) : r;
  return {
    t,
    reason,
    field: (kind, field) => {
      const top = field.split('.')[0] ?? field;
      return known(`imports.target.${kind}.${top}`) ? t(`imports.target.${kind}.${top}`) : field;
    },
    phase: (phase) => (known(`jobs.phase.${phase}`) ? t(`jobs.phase.${phase}`) : phase),
    failure: (error) => {
      const r = error.details?.reason;
      const line = error.details?.line;
      const target = error.details?.path;
      // a file that could not be written: the path the user gave and why, which the store's message only says in English
      if (typeof r === 'string' && typeof target === 'string' && known(`errors.write.reason.${r}`)) {
        return t('cli.cannotWrite', { path: target, why: t(`errors.write.reason.${r}`) });
      }
      if (typeof r === 'string' && known(`imports.reason.${r}`)) {
        return typeof line === 'number' ? `${reason(r)} (${t('imports.file.at', { line })})` : reason(r);
      }
      const kind = known(`errors.${error.code}`) ? t(`errors.${error.code}`) : error.code;
      return t('cli.failed', { text: kind, detail: error.message });
    },
  };
};
