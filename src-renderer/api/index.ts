import type { Api } from '@contract';
import { createApi } from './create-api';
import { createHttpTransport, takeToken } from './http';
import { createIpcTransport } from './ipc';

export { createApi } from './create-api';
export { createHttpTransport, takeToken, TOKEN_KEY } from './http';
export { createIpcTransport, hasIpcTransport } from './ipc';
export { ApiProvider, useApi } from './context';

const sessionStore = (): Storage | null => {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
};

/** Electron when the preload put its bridge on window, the web host otherwise. */
export const createDefaultApi = (): Api => {
  const bridge = window.comptoir;
  if (bridge) return createApi(createIpcTransport(bridge));
  const token = takeToken({ location: window.location, history: window.history, storage: sessionStore() });
  return createApi(createHttpTransport({ token }));
};
