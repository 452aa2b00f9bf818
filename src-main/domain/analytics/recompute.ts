import type { Store } from '../../store/db';
import { recomputeFigures, recomputeFiguresInSteps, type RecomputeStep } from './figures';
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

/** The same in a job's transaction, yielding through `step` between two slices of customers and two indexes. */
export const recomputeAnalyticsInSteps = async (
  store: Store,
  step: (at: RecomputeStep) => Promise<void>,
  now: Date = new Date(),
): Promise<number> => {
  const customers = await recomputeFiguresInSteps(store, step, now);
  recomputeDerived(store, now);
  return customers;
};
