import type { Transport } from '@contract';

declare global {
  // Window is an interface in lib.dom: augmenting it needs one too
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser. */
    comptoir?: Transport;
  }
}

export const hasIpcTransport = (): boolean => typeof window !== 'undefined' && window.comptoir !== undefined;

/** The preload already exposes exactly a Transport; a rejected invoke still becomes an envelope. */
export const createIpcTransport = (bridge: Transport): Transport => ({
  async invoke(name, input) {
    try {
      return await bridge.invoke(name, input);
    } catch {
      return { ok: false, error: { code: 'STORE_UNAVAILABLE', message: `ipc call ${name} failed` } };
    }
  },
  on: (event, listener) => bridge.on(event, listener),
  async upload(file) {
    try {
      return await bridge.upload(file);
    } catch {
      return { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'ipc upload failed' } };
    }
  },
  async download(path) {
    try {
      return await bridge.download(path);
    } catch {
      return { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'ipc download failed' } };
    }
  },
});
