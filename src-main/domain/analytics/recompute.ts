import type { Store } from '../../store/db';
import { recomputeFigures } from './figures';
import { recomputeThresholds } from './rfm';

/** What is derived from the figures as a whole (RFM and tier thresholds): after an import, a window move, on demand. */
export const recomputeDerived = (store: Store, now: Date = new Date()): void => {
  recomputeThresholds(store, now);
};

/** Figures, then what is derived from them: for repairs, imports of many customers, new settings. */
export const recomputeAnalytics = (store: Store, now: Date = new Date()): number => {
  const customers = recomputeFigures(store, now);
  recomputeDerived(store, now);
  return customers;
};
