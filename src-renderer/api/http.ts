import type { Transport } from '@contract';
import { isEnvelope } from './envelope';
import { createSseParser } from './sse';

export const TOKEN_KEY = 'comptoir.token';

type TokenPlace = {
  location: Pick<Location, 'search' | 'pathname' | 'hash'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
};

/**
 * The web host opens the page at `/?token=…`. The token is moved to
 * sessionStorage (survives a reload, not the tab) and taken out of the
 * address bar so it is not bookmarked, copied or kept in history.
 */
export const takeToken = ({ location, history, storage }: TokenPlace): string | null => {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl !== null && fromUrl !== '') {
    try {
      storage?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage disabled: the token still works for this page's life
    }
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
};

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export type HttpTransportOptions = {
  token: string | null;
  /** Origin (and path prefix) of the web host; '' means the page's own origin. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Reconnect backoff for the event stream. */
  retryMs?: { initial: number; max: number };
};

type Listener = (payload: unknown) => void;

export const createHttpTransport = (options: HttpTransportOptions): Transport => {
  const base = options.baseUrl ?? '';
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const retry = options.retryMs ?? { initial: 500, max: 15_000 };
  const auth: Record<string, string> = options.token === null ? {} : { Authorization: `Bearer ${options.token}` };

  const listeners = new Map<string, Set<Listener>>();
  let count = 0;
  let controller: AbortController | null = null;

  const dispatch = (event: string, payload: unknown): void => {
    for (const listener of listeners.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        // one faulty listener must not starve the others
        console.error(error);
      }
    }
  };

  const onData = (data: string): void => {
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (typeof message === 'object' && message !== null && typeof (message as { event?: unknown }).event === 'string') {
      const m = message as { event: string; payload?: unknown };
      dispatch(m.event, m.payload);
    }
  };

  const stream = async (signal: AbortSignal): Promise<void> => {
    let delay = retry.initial;
    let connectedBefore = false;
    while (!signal.aborted) {
      try {
        const res = await doFetch(`${base}/api/events`, {
          headers: { ...auth, Accept: 'text/event-stream' },
          cache: 'no-store',
          signal,
        });
        // a refused token will not become valid by retrying
        if (res.status === 401 || res.status === 403) return;
        if (res.ok && res.body) {
          // events sent while disconnected are lost: make every view reload
          if (connectedBefore) dispatch('data.changed', { scope: 'all' });
          connectedBefore = true;
          delay = retry.initial;
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          const parse = createSseParser(onData);
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            parse(decoder.decode(value, { stream: true }));
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, retry.max);
    }
  };

  return {
    async invoke(name, input) {
      let res: Response;
      try {
        res = await doFetch(`${base}/api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify(input === undefined ? {} : input),
        });
      } catch {
        return { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'web host unreachable' } };
      }
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        body = undefined;
      }
      if (isEnvelope(body)) return body;
      const code = res.status === 401 || res.status === 403 ? 'UNAUTHORIZED' : 'INTERNAL';
      return { ok: false, error: { code, message: `HTTP ${res.status}` } };
    },
    async upload(file) {
      try {
        const res = await doFetch(`${base}/api/upload?name=${encodeURIComponent(file.name)}`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/octet-stream' },
          body: file,
        });
        const body: unknown = await res.json().catch(() => undefined);
        if (isEnvelope(body)) return body;
        return { ok: false, error: { code: res.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL', message: `HTTP ${res.status}` } };
      } catch {
        return { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'web host unreachable' } };
      }
    },
    async download(path) {
      let body: unknown;
      try {
        const res = await doFetch(`${base}/api/download`, {
          method: 'POST',
          headers: { ...auth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ path }),
        });
        body = await res.json().catch(() => undefined);
      } catch {
        return { ok: false, error: { code: 'STORE_UNAVAILABLE', message: 'web host unreachable' } };
      }
      if (!isEnvelope(body)) return { ok: false, error: { code: 'INTERNAL', message: 'malformed download answer' } };
      if (!body.ok) return body;
      const url = (body.value as { url?: unknown } | null)?.url;
      if (typeof url !== 'string') return { ok: false, error: { code: 'INTERNAL', message: 'malformed download answer' } };
      // a link the browser follows itself: the file streams to disk instead of through page memory
      const link = document.createElement('a');
      link.href = `${base}${url}`;
      link.download = '';
      link.rel = 'noopener';
      document.body.append(link);
      link.click();
      link.remove();
      return { ok: true, value: null };
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      // the same function may subscribe twice: wrap so each subscription is its own entry
      const entry: Listener = (payload) => listener(payload);
      set.add(entry);
      count += 1;
      if (count === 1) {
        controller = new AbortController();
        void stream(controller.signal);
      }
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        listeners.get(event)?.delete(entry);
        count -= 1;
        if (count === 0) {
          controller?.abort();
          controller = null;
        }
      };
    },
  };
};
