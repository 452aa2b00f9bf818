import { job, query, type HandlerGroup } from '../../host/registry';
import { analyticsStatus } from './figures';
import { configureJob, recomputeJob } from './jobs';

export const analyticsHandlers: HandlerGroup = {
  'analytics.status': query((_input, { store }) => analyticsStatus(store)),
  'analytics.configure': job((input, { store, startJob }) =>
    startJob(
      'analytics',
      (j) =>
        configureJob(
          store,
          {
            ...(input.windowMonths === undefined ? {} : { windowMonths: input.windowMonths }),
            ...(input.referenceDate === undefined ? {} : { referenceDate: input.referenceDate }),
            ...(input.riskFactor === undefined ? {} : { riskFactor: input.riskFactor }),
          },
          j,
        ),
      { type: 'analytics', cause: 'settings' },
    ),
  ),
  'analytics.recompute': job((_input, { store, startJob }) =>
    startJob('analytics', (j) => recomputeJob(store, j), { type: 'analytics', cause: 'recompute' }),
  ),
};
