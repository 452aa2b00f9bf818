import { createContext, useContext, type ReactNode } from 'react';
import type { Api } from '@contract';

const ApiContext = createContext<Api | null>(null);

export const ApiProvider = ({ api, children }: { api: Api; children: ReactNode }) => (
  <ApiContext.Provider value={api}>{children}</ApiContext.Provider>
);

export const useApi = (): Api => {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi() outside <ApiProvider>');
  return api;
};
