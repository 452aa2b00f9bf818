import { useCallback } from 'react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { compactCardNumber, isValidCardNumber, type Member } from '@contract';
import { useApi } from '../../api/context';
import { navigate, routeHref, type Route } from '../../app/router';
import { loyaltyErrorMessage } from './messages';
import { createDuplicateGuard } from './scanner';

/** One guard for the whole window: the global listener and the typed field share it. */
const isDuplicate = createDuplicateGuard();

export type LookupOutcome = { ok: true; member: Member } | { ok: false; message: string };

/**
 * Card number → member → the counter sale for them. Nothing is recorded by a
 * lookup, so a refused scan (unknown, lost, closed, read twice) leaves no trace
 * but its message.
 */
export const useCardLookup = () => {
  const api = useApi();
  const { t } = useTranslation();
  return useCallback(
    async (typed: string): Promise<LookupOutcome> => {
      const number = compactCardNumber(typed);
      if (!/^\d{13}$/.test(number)) return { ok: false, message: t('loyalty.errors.invalid_card_number') };
      if (!isValidCardNumber(number)) return { ok: false, message: t('loyalty.errors.invalid_check_digit') };
      if (isDuplicate(number, Date.now())) return { ok: false, message: t('loyalty.errors.duplicate_read') };
      try {
        const member = await api.call('loyalty.lookup', { number });
        const target: Route = { name: 'sale', contactId: member.contactId };
        // the same member's sale already open (and reset after their last sale): open it afresh
        if (window.location.hash === routeHref(target)) navigate({ name: 'sale', contactId: null }, { replace: true });
        navigate(target);
        return { ok: true, member };
      } catch (error) {
        return { ok: false, message: loyaltyErrorMessage(t, error) };
      }
    },
    [api, t],
  );
};

/** Looks like a card number (13 digits, maybe spaced): worth a lookup rather than a name search. */
export const looksLikeCardNumber = (text: string): boolean => /^\d{13}$/.test(compactCardNumber(text.trim()));

/**
 * For the sale page's customer box, where the focus sits between customers:
 * a card scanned or typed there opens that member's sale. Returns false when
 * the text is not a card number, for the box to search names as usual.
 */
export const useCardEntry = () => {
  const { t } = useTranslation();
  const lookup = useCardLookup();
  return useCallback(
    (text: string): boolean => {
      if (!looksLikeCardNumber(text)) return false;
      void lookup(text).then((outcome) => {
        if (!outcome.ok) notifications.show({ color: 'red', title: t('loyalty.scan.refused'), message: outcome.message, autoClose: 6000 });
      });
      return true;
    },
    [lookup, t],
  );
};
