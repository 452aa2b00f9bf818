import { command, query, type HandlerGroup } from '../../host/registry';
import { atRiskPage, churnByMonth, contactRisk, getLoss, markLost, unmarkLost, winbackPage } from './attrition';
import { customerValue } from './clv';
import { nextBestOffers, productAffinity } from './offers';

export const attritionHandlers: HandlerGroup = {
  'analytics.churn': query((input, { store }) => churnByMonth(store, input)),
  'analytics.atRisk': query((input, { store }) => atRiskPage(store, input)),
  'analytics.contact.value': query((input, { store }) => {
    const value = customerValue(store, input.contactId);
    const { offers, similarCustomers } = nextBestOffers(store, input.contactId);
    return { value, risk: contactRisk(store, input.contactId), loss: getLoss(store, input.contactId), offers, similarCustomers };
  }),
  'analytics.product.affinity': query((input, { store }) => productAffinity(store, input.productId)),
  'analytics.lost.mark': command((input, { store, emit }) => {
    const loss = markLost(store, input);
    emit('data.changed', { scope: 'contacts' });
    return loss;
  }),
  'analytics.lost.unmark': command((input, { store, emit }) => {
    const out = unmarkLost(store, input.contactId);
    emit('data.changed', { scope: 'contacts' });
    return out;
  }),
  // won back is read from the last sale as well, so this list is right even before recordWinBacks has run
  'analytics.winback': query((input, { store }) => winbackPage(store, input)),
};
