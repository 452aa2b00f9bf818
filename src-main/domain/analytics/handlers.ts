import { command, query, type HandlerGroup } from '../../host/registry';
import { analyticsStatus, configureAnalytics } from './figures';
import { recomputeAnalytics, recomputeDerived } from './recompute';

export const analyticsHandlers: HandlerGroup = {
  'analytics.status': query((_input, { store }) => analyticsStatus(store)),
  'analytics.configure': command((input, { store }) => {
    configureAnalytics(store, {
      ...(input.windowMonths === undefined ? {} : { windowMonths: input.windowMonths }),
      ...(input.referenceDate === undefined ? {} : { referenceDate: input.referenceDate }),
      ...(input.riskFactor === undefined ? {} : { riskFactor: input.riskFactor }),
    });
    recomputeDerived(store);
    return analyticsStatus(store);
  }),
  'analytics.recompute': command((_input, { store }) => {
    const started = performance.now();
    const customers = recomputeAnalytics(store);
    return { customers, ms: Math.round(performance.now() - started) };
  }),
};
