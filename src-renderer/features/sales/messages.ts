import type { TFunction } from 'i18next';
import { purchaseChannels } from '@contract';
import { validationMessage } from '../../app/errors';
import sales from '../../locales/fr/sales.json';

/** Codes this feature words itself (prices typed in euros, quantities, refunds); the rest are shared. */
const ownCodes: ReadonlySet<string> = new Set(Object.keys(sales.sales.errors));

export const fieldMessage = (t: TFunction, code: string): string =>
  ownCodes.has(code) ? t(`sales.errors.${code}`) : validationMessage(t, code);

/**
 * The store speaks of cents and numbers; the screen of euros and quantities
 * typed as text. Its codes for those two fields map onto the screen's own sentences.
 */
const storeCodes = {
  quantity: { required: 'qty_required', too_many_decimals: 'qty_too_precise', must_be_positive: 'qty_positive', too_large: 'qty_too_large' },
  price: { required: 'price_required', not_integer: 'price_invalid', too_small: 'price_negative', too_large: 'price_too_large' },
} as const satisfies Record<string, Record<string, string>>;

export const storeFieldCode = (field: keyof typeof storeCodes, code: string): string =>
  (storeCodes[field] as Record<string, string>)[code] ?? code;

/** Imported purchases may carry a channel outside the list: shown as is. */
export const channelLabel = (t: TFunction, channel: string): string =>
  (purchaseChannels as readonly string[]).includes(channel) ? t(`sales.channel.${channel}`) : channel;
