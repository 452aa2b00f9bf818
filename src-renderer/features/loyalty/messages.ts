import { notifications } from '@mantine/notifications';
import type { TFunction } from 'i18next';
import type { LoyaltyProgramme, Member, Reward } from '@contract';
import { AppError, isAppErrorData } from '@contract';
import { errorMessage, validationMessage } from '../../app/errors';
import { notifyError } from '../../app/notify';
import fr from '../../locales/fr/loyalty.json';

/** Reasons the store gives that have their own sentence; the locale file is the list. */
const knownReasons: ReadonlySet<string> = new Set(Object.keys(fr.loyalty.errors));

/**
 * The store names why it refused (unknown_card, card_lost, insufficient_points …)
 * in `details.reason`, an issue code or the message; look in all three so a
 * refusal reads as its own sentence rather than a generic "conflict".
 */
export const loyaltyReason = (error: unknown): string | null => {
  const data = error instanceof AppError ? { message: error.message, details: error.details } : isAppErrorData(error) ? error : null;
  if (data === null) return null;
  const candidates: unknown[] = [data.details?.reason, ...(data.details?.issues ?? []).map((i) => i.code), data.message];
  for (const c of candidates) if (typeof c === 'string' && knownReasons.has(c)) return c;
  return null;
};

export const loyaltyErrorMessage = (t: TFunction, error: unknown): string => {
  const reason = loyaltyReason(error);
  if (reason !== null) return t(`loyalty.errors.${reason}`);
  const issue = error instanceof AppError ? error.details?.issues?.[0] : undefined;
  if (issue !== undefined && error instanceof AppError && error.code === 'VALIDATION') return validationMessage(t, issue.code);
  return errorMessage(t, error);
};

export const tierRank = (programme: LoyaltyProgramme, key: string | null): number =>
  key === null ? -1 : programme.tiers.findIndex((tier) => tier.key === key);

export const tierName = (programme: LoyaltyProgramme | null, key: string | null): string =>
  key === null ? '' : (programme?.tiers.find((tier) => tier.key === key)?.name ?? key);

/** Why this member may not take this reward today, or null when they may. */
export const rewardBlock = (
  reward: Reward,
  member: Member,
  programme: LoyaltyProgramme,
  today: string,
): 'inactive' | 'not_yet' | 'expired' | 'tier' | 'balance' | null => {
  if (!reward.active) return 'inactive';
  if (reward.validFrom !== null && today < reward.validFrom) return 'not_yet';
  if (reward.validTo !== null && today > reward.validTo) return 'expired';
  if (reward.minTier !== null && tierRank(programme, member.tier) < tierRank(programme, reward.minTier)) return 'tier';
  if (member.balance < reward.costPoints) return 'balance';
  return null;
};

/** The card number in groups of digits, as printed and read aloud at the till. */
export const spacedCardNumber = (number: string): string => number.replace(/^(\d)(\d{6})(\d{6})$/, '$1 $2 $3');

/**
 * A failure of a call that also touches points (a sale for a member): the
 * loyalty refusal in words when there is one (the same sale twice within a
 * second), the generic sentence otherwise.
 */
export const notifyWithLoyalty = (t: TFunction, error: unknown): void => {
  if (loyaltyReason(error) === null) {
    notifyError(t, error);
    return;
  }
  notifications.show({ color: 'red', title: t('errors.title'), message: loyaltyErrorMessage(t, error), autoClose: 8000 });
};
