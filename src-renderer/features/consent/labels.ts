import type { TFunction } from 'i18next';
import {
  consentChannels,
  consentPurposes,
  type ConsentChannel,
  type ConsentMethod,
  type ConsentPurpose,
  type ConsentReason,
  type ConsentTarget,
  type ConsentWording,
} from '@contract';

/** What a person can pick: 'import' and 'system' are written by the app itself. */
export const userMethods = ['paper', 'counter', 'website', 'phone', 'email'] as const satisfies readonly ConsentMethod[];
export type UserMethod = (typeof userMethods)[number];

export const methodOptions = (t: TFunction): { value: UserMethod; label: string }[] =>
  userMethods.map((m) => ({ value: m, label: t(`consent.method.${m}`) }));

/** The hash is a proof, not something to read: its first characters are enough to tell versions apart. */
export const shortHash = (hash: string | null): string => (hash === null ? '' : hash.slice(0, 8));

/** "email:offers": one select value for a channel and a purpose. */
export const targetValue = (target: ConsentTarget): string => `${target.channel}:${target.purpose}`;

export const parseTarget = (value: string | null | undefined): ConsentTarget | null => {
  const [channel, purpose] = (value ?? '').split(':');
  const c = consentChannels.find((x) => x === channel);
  const p = consentPurposes.find((x) => x === purpose);
  return c === undefined || p === undefined ? null : { channel: c, purpose: p };
};

/** "par e-mail pour les offres commerciales" */
export const targetLabel = (t: TFunction, target: ConsentTarget): string =>
  t('consent.filter.option', {
    channel: t(`consent.channelBy.${target.channel}`),
    purpose: t(`consent.purposeFor.${target.purpose}`),
  });

/** Every channel × purpose for a native select, grouped by channel. */
export const targetOptions = (t: TFunction): { group: string; items: { value: string; label: string }[] }[] =>
  consentChannels.map((channel: ConsentChannel) => ({
    group: t(`consent.channel.${channel}`),
    items: consentPurposes.map((purpose: ConsentPurpose) => ({
      value: targetValue({ channel, purpose }),
      label: targetLabel(t, { channel, purpose }),
    })),
  }));

/** The wording in force per purpose: the highest version. */
export const currentWordings = (wordings: readonly ConsentWording[]): Partial<Record<ConsentPurpose, ConsentWording>> => {
  const out: Partial<Record<ConsentPurpose, ConsentWording>> = {};
  for (const w of wordings) {
    const seen = out[w.purpose];
    if (seen === undefined || w.version > seen.version) out[w.purpose] = w;
  }
  return out;
};

/** Why a message may or may not go; on SMS, a missing address is a missing mobile (a landline takes no text). */
export const reasonLabel = (t: TFunction, reason: ConsentReason, channel: ConsentChannel | null): string =>
  t(reason === 'no_address' && channel === 'sms' ? 'consent.reason.no_mobile' : `consent.reason.${reason}`);
