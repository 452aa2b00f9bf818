import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import type { Envelope, Transport, UploadSource } from '../../contract/api';
import { isCallName } from '../../contract/calls';
import { isEventName } from '../../contract/events';
import { IPC_EVENT, IPC_INVOKE, IPC_SAVE_AS } from './channels';

/*
 * Sandboxed preload: the page gets two functions and nothing else. Names are
 * checked against the contract here so a compromised page cannot reach other
 * IPC channels, and the raw IpcRendererEvent (which carries `sender`) never
 * crosses into the page.
 */

type Listener = (payload: unknown) => void;

const listeners = new Map<string, Set<Listener>>();
let subscribed = false;

const dispatch = (_event: IpcRendererEvent, name: unknown, payload: unknown): void => {
  if (typeof name !== 'string') return;
  const set = listeners.get(name);
  if (set === undefined) return;
  for (const listener of [...set]) {
    try {
      listener(payload);
    } catch (error) {
      // One faulty page listener must not starve the others of the event.
      console.error(error);
    }
  }
};

const refused = (code: 'UNKNOWN_CALL' | 'INTERNAL', message: string): Envelope => ({
  ok: false,
  error: { code, message },
});

const transport = {
  async invoke(name: string, input: unknown): Promise<Envelope> {
    if (!isCallName(name)) return refused('UNKNOWN_CALL', `Unknown call: ${String(name)}`);
    try {
      // Main never throws (errors come back as envelopes), so a rejection means IPC itself broke.
      return (await ipcRenderer.invoke(IPC_INVOKE, name, input)) as Envelope;
    } catch {
      return refused('INTERNAL', 'IPC failure');
    }
  },
  /** The desktop app reads the picked file where it is: no copy of a 200 MB till export. */
  async upload(file: UploadSource): Promise<Envelope> {
    let picked: string;
    try {
      picked = file instanceof File ? webUtils.getPathForFile(file) : '';
    } catch {
      picked = '';
    }
    if (picked === '') return refused('INTERNAL', 'not a file from this computer');
    return { ok: true, value: { path: picked, name: file.name, size: file.size } };
  },
  async download(path: string): Promise<Envelope> {
    if (typeof path !== 'string') return refused('INTERNAL', 'bad path');
    try {
      return (await ipcRenderer.invoke(IPC_SAVE_AS, path)) as Envelope;
    } catch {
      return refused('INTERNAL', 'IPC failure');
    }
  },
  on(event: string, listener: Listener): () => void {
    if (!isEventName(event) || typeof listener !== 'function') return () => undefined;
    // One IPC listener for all subscriptions: per-subscription listeners trip Node's leak warning at 10.
    if (!subscribed) {
      ipcRenderer.on(IPC_EVENT, dispatch);
      subscribed = true;
    }
    let set = listeners.get(event);
    if (set === undefined) {
      set = new Set();
      listeners.set(event, set);
    }
    // A fresh wrapper per subscription, so subscribing one function twice needs two unsubscribes.
    const entry: Listener = (payload) => listener(payload);
    set.add(entry);
    return () => {
      listeners.get(event)?.delete(entry);
    };
  },
} satisfies Transport;

contextBridge.exposeInMainWorld('comptoir', transport);
