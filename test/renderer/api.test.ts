import { describe, expect, it, vi } from 'vitest';
import { AppError, type Envelope, type Transport } from '../../src-main/contract';
import { createApi } from '../../src-renderer/api/create-api';
import { createHttpTransport, takeToken, TOKEN_KEY } from '../../src-renderer/api/http';
import { createSseParser } from '../../src-renderer/api/sse';

describe('createApi', () => {
  const transport = (answer: Envelope | Error): Transport => ({
    invoke: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
    on: () => () => {},
    upload: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'not used' } }),
    download: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'not used' } }),
  });

  it('unwraps a success', async () => {
    const api = createApi(transport({ ok: true, value: { id: 3 } }));
    await expect(api.call('contacts.delete', { id: 3 })).resolves.toEqual({ id: 3 });
  });

  it('throws an AppError carrying code and issues', async () => {
    const api = createApi(
      transport({
        ok: false,
        error: { code: 'VALIDATION', message: 'bad', details: { issues: [{ path: 'email', code: 'invalid_email' }] } },
      }),
    );
    const error = await api.call('contacts.create', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'VALIDATION', details: { issues: [{ path: 'email', code: 'invalid_email' }] } });
  });

  it('turns a broken transport into STORE_UNAVAILABLE, and garbage into INTERNAL', async () => {
    await expect(createApi(transport(new Error('gone'))).call('app.status', {})).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    const weird: Transport = { ...transport(new Error('unused')), invoke: async () => ({ nope: true }) as unknown as Envelope };
    await expect(createApi(weird).call('app.status', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });
});

describe('createSseParser', () => {
  it('joins data lines, dispatches on blank lines, survives any chunking and ignores comments', () => {
    const stream = ': hello\n\ndata: {"a":1}\n\ndata: line1\ndata: line2\r\n\r\nevent: x\ndata:{"b":2}\n\n';
    const expected = ['{"a":1}', 'line1\nline2', '{"b":2}'];
    for (let size = 1; size <= stream.length; size += 1) {
      const got: string[] = [];
      const push = createSseParser((d) => got.push(d));
      for (let i = 0; i < stream.length; i += size) push(stream.slice(i, i + size));
      expect(got, `chunk size ${size}`).toEqual(expected);
    }
  });
});

describe('takeToken', () => {
  const storage = () => {
    const map = new Map<string, string>();
    return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), map };
  };

  it('moves the token from the address bar to sessionStorage', () => {
    const store = storage();
    const replaceState = vi.fn();
    const token = takeToken({
      location: { search: '?token=abc123&x=1', pathname: '/', hash: '#/contacts' },
      history: { state: null, replaceState },
      storage: store,
    });
    expect(token).toBe('abc123');
    expect(store.map.get(TOKEN_KEY)).toBe('abc123');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/?x=1#/contacts');
  });

  it('reads it back after a reload', () => {
    const store = storage();
    store.setItem(TOKEN_KEY, 'kept');
    const replaceState = vi.fn();
    expect(takeToken({ location: { search: '', pathname: '/', hash: '' }, history: { state: null, replaceState }, storage: store })).toBe(
      'kept',
    );
    expect(replaceState).not.toHaveBeenCalled();
  });
});

const sseResponse = (frames: string[], keepOpen: boolean): Response => {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const f of frames) controller.enqueue(encoder.encode(f));
      if (!keepOpen) controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
};

describe('createHttpTransport', () => {
  it('posts calls with the bearer token and returns the envelope, even on 401', async () => {
    const fetchMock = vi.fn<typeof fetch>(async (url) =>
      String(url).endsWith('/contacts.get')
        ? new Response(JSON.stringify({ ok: false, error: { code: 'UNAUTHORIZED', message: 'no' } }), { status: 401 })
        : new Response(JSON.stringify({ ok: true, value: { state: 'ready' } }), { status: 200 }),
    );
    const transport = createHttpTransport({ token: 'secret-token', fetch: fetchMock });
    await expect(transport.invoke('app.status', undefined)).resolves.toEqual({ ok: true, value: { state: 'ready' } });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/call/app.status');
    expect(init?.method).toBe('POST');
    expect(init?.headers).toMatchObject({ Authorization: 'Bearer secret-token', 'Content-Type': 'application/json' });
    expect(init?.body).toBe('{}');
    await expect(transport.invoke('contacts.get', { id: 1 })).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('maps a non-envelope answer and a network failure to error envelopes', async () => {
    const html = createHttpTransport({ token: 't', fetch: async () => new Response('<html>', { status: 502 }) });
    await expect(html.invoke('app.status', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const down = createHttpTransport({
      token: 't',
      fetch: async () => {
        throw new TypeError('Failed to fetch');
      },
    });
    await expect(down.invoke('app.status', {})).resolves.toMatchObject({ ok: false, error: { code: 'STORE_UNAVAILABLE' } });
  });

  it('streams events with the token, reconnects after a drop and asks views to reload', async () => {
    let connections = 0;
    const fetchMock = vi.fn<typeof fetch>(async (_url, init) => {
      connections += 1;
      expect(init?.headers).toMatchObject({ Authorization: 'Bearer tok' });
      if (connections === 1) {
        return sseResponse(['data: {"event":"job.progress","payload":{"jobId":"j","done":1,"total":2}}\n\n'], false);
      }
      return sseResponse(['data: {"event":"data.changed","payload":{"scope":"contacts"}}\n\n'], true);
    });
    const transport = createHttpTransport({ token: 'tok', fetch: fetchMock, retryMs: { initial: 5, max: 20 } });
    const progress: unknown[] = [];
    const changed: unknown[] = [];
    const offProgress = transport.on('job.progress', (p) => progress.push(p));
    const offChanged = transport.on('data.changed', (p) => changed.push(p));
    await vi.waitFor(() => expect(changed).toHaveLength(2));
    expect(progress).toEqual([{ jobId: 'j', done: 1, total: 2 }]);
    // the reconnect itself says "reload everything": events may have been missed meanwhile
    expect(changed).toEqual([{ scope: 'all' }, { scope: 'contacts' }]);
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/api/events');
    offProgress();
    offChanged();
    const signal = fetchMock.mock.calls[1]?.[1]?.signal;
    expect(signal?.aborted).toBe(true);
  });

  it('stops retrying when the token is refused', async () => {
    const fetchMock = vi.fn<typeof fetch>(async () => new Response('{}', { status: 401 }));
    const transport = createHttpTransport({ token: 'bad', fetch: fetchMock, retryMs: { initial: 1, max: 1 } });
    const off = transport.on('data.changed', () => {});
    await new Promise((r) => setTimeout(r, 50));
    expect(fetchMock).toHaveBeenCalledTimes(1);
    off();
  });
});
