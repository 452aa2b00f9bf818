import { command, query, type HandlerGroup } from '../../host/registry';
import { contactRfm, paretoOverview, recomputeThresholds, rfmOverview } from './rfm';

export const rfmHandlers: HandlerGroup = {
  'analytics.rfm': query((_input, { store }) => rfmOverview(store)),
  'analytics.pareto': query((_input, { store }) => paretoOverview(store)),
  'analytics.rfm.contact': query((input, { store }) => contactRfm(store, input.contactId)),
  'analytics.thresholds.recompute': command((_input, { store }) => {
    const started = performance.now();
    const t = recomputeThresholds(store);
    return { thresholdsAt: t.computedAt, customers: t.customers, ms: Math.round(performance.now() - started) };
  }),
};
