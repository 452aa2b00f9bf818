/**
 * What a contact is and where it came from, apart from the contact schemas
 * so that segment definitions (which criteria use them) and the contact
 * filter (which accepts a definition) can each import what they need.
 */

export const contactStatuses = ['prospect', 'customer', 'former'] as const;
export type ContactStatus = (typeof contactStatuses)[number];

/** Where a record was collected (DESIGN §1); retention and consent depend on it. */
export const contactSources = [
  'shop_form',
  'survey',
  'salesperson',
  'accounting',
  'after_sales',
  'website',
  'purchased_file',
  'referral',
  'import',
  'other',
] as const;
export type ContactSource = (typeof contactSources)[number];

export const TAGS_PER_CONTACT_MAX = 50;
