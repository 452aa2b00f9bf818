import { consentChannels, consentPurposes } from '../../contract';
import { prepared, type Store } from '../../store/db';
import { wordingIds } from './ledger';

/**
 * A realistic consent mix for the demo shop, written in bulk (INSERT …
 * SELECT over a range of contact ids, the 0007 triggers deriving the state)
 * so a million contacts cost seconds. Who gets what follows a hash of the id,
 * so the demo stays reproducible: about 30 % opted in to the e-mail
 * newsletter and 20 % to e-mail offers (most at the counter, some on the
 * website), a third of customers informed at the till (the existing-customer
 * exception), 8 % opted in to SMS offers, a few withdrawals and objections.
 */
const H = '((c.id * 2654435761) % 1000)';

type Slice = { channel: string; purpose: string; event: string; where: string; later?: boolean };

const slices: Slice[] = [
  { channel: 'email', purpose: 'newsletter', event: 'granted', where: `${H} < 300 AND c.email IS NOT NULL` },
  { channel: 'email', purpose: 'offers', event: 'granted', where: `${H} < 200 AND c.email IS NOT NULL` },
  { channel: 'email', purpose: 'loyalty', event: 'granted', where: `${H} BETWEEN 650 AND 699 AND c.email IS NOT NULL` },
  { channel: 'email', purpose: 'offers', event: 'informed', where: `${H} BETWEEN 300 AND 649 AND c.status = 'customer'` },
  { channel: 'sms', purpose: 'offers', event: 'informed', where: `${H} BETWEEN 300 AND 649 AND c.status = 'customer'` },
  // a text goes to a mobile: those who gave a landline were not asked
  { channel: 'sms', purpose: 'offers', event: 'granted', where: `${H} < 80 AND substr(c.phone, 1, 4) IN ('+336', '+337')` },
  // changed their mind a month later
  { channel: 'email', purpose: 'newsletter', event: 'withdrawn', where: `${H} < 15`, later: true },
  { channel: 'email', purpose: 'offers', event: 'withdrawn', where: `${H} BETWEEN 300 AND 309 AND c.status = 'customer'`, later: true },
];

export const addDemoConsent = (store: Store, fromId: number, toId: number, now: string): number => {
  const wordings = wordingIds(store);
  let events = 0;
  for (const s of slices) {
    const at = s.later ? `min(strftime('%Y-%m-%dT%H:%M:%fZ', c.created_at, '+30 days'), ?)` : 'c.created_at';
    const sql = `INSERT INTO consent_events (contact_id, channel, purpose, event, at, method, operator, wording_id, recorded_at)
      SELECT c.id, ?, ?, ?, ${at}, CASE WHEN c.id % 4 = 0 THEN 'website' ELSE 'counter' END, 'demo', ?, ${at}
      FROM contacts c WHERE c.id BETWEEN ? AND ? AND ${s.where}`;
    const params = s.later
      ? [s.channel, s.purpose, s.event, now, wordings[s.purpose as keyof typeof wordings], now, fromId, toId]
      : [s.channel, s.purpose, s.event, wordings[s.purpose as keyof typeof wordings], fromId, toId];
    events += prepared(store.sqlite, sql).run(...params).changes;
  }
  // 3 ‰ objected to everything
  const cells = consentChannels.flatMap((channel) => consentPurposes.map((purpose) => [channel, purpose]));
  events += prepared(
    store.sqlite,
    `INSERT INTO consent_events (contact_id, channel, purpose, event, at, method, operator, recorded_at)
     SELECT c.id, k.value ->> 0, k.value ->> 1, 'objected', min(strftime('%Y-%m-%dT%H:%M:%fZ', c.created_at, '+60 days'), ?), 'email', 'demo',
       min(strftime('%Y-%m-%dT%H:%M:%fZ', c.created_at, '+60 days'), ?)
     FROM contacts c, json_each(?) k WHERE c.id BETWEEN ? AND ? AND ${H} BETWEEN 990 AND 992`,
  ).run(now, now, JSON.stringify(cells), fromId, toId).changes;
  return events;
};
