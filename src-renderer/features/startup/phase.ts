import type { TFunction } from 'i18next';

/** Job phases are locale keys chosen by the store (`demo.customers`); an unknown one gets a neutral label. */
export const phaseLabel = (t: TFunction, phase: string): string =>
  t(`jobs.phase.${phase}`, { defaultValue: t('jobs.working') });
