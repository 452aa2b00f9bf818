import { query, type HandlerGroup } from '../../host/registry';
import { dashboardData } from './dashboard';

export const dashboardHandlers: HandlerGroup = {
  'analytics.dashboard': query((input, { store }) => dashboardData(store, input)),
};
