import { createContext, useContext } from 'react';
import type { SegmentDefinition } from '@contract';

/**
 * Opens the contact list narrowed to the customers behind a chart bar, a
 * grid cell or a tier: an unsaved segment definition, named for the list's
 * chip. Provided by the Shell, which owns the list's filters.
 */
export type ShowCustomers = (name: string, definition: SegmentDefinition) => void;

export const ShowCustomersContext = createContext<ShowCustomers | null>(null);

/** Rendering outside the Shell (a unit test) is fine; clicking through there is a programming error. */
export const useShowCustomers = (): ShowCustomers => {
  const show = useContext(ShowCustomersContext);
  return (
    show ??
    (() => {
      throw new Error('showCustomers needs the Shell');
    })
  );
};
