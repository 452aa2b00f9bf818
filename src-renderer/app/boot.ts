import { createContext, useContext } from 'react';
import type { AppStatus } from '@contract';

export type BootContextValue = {
  status: AppStatus | null;
  /** Reads the store status (and settings) again: after setup, a restore, a retry. */
  reboot(): Promise<void>;
};

export const BootContext = createContext<BootContextValue>({ status: null, reboot: async () => {} });

export const useBoot = (): BootContextValue => useContext(BootContext);
