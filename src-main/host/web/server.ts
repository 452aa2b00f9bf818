import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { toErrorData, type Envelope } from '../../contract';
import type { StoreClient } from '../client';
import { isTransferFile, stageUpload } from '../transfers';
import {
  bearerToken,
  isAllowedHost,
  isAllowedOrigin,
  newToken,
  staticFile,
  tokenMatches,
  webContentSecurityPolicy,
} from './security';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Largest JSON body accepted (a logo data URL is the biggest legitimate input). */
const MAX_BODY = 2 * 1024 * 1024;

export type WebHost = { url: string; port: number; token: string; close(): Promise<void> };

export type WebHostOptions = {
  client: StoreClient;
  rendererRoot: string;
  /** Uploads land in, and downloads come only from, this data folder's transfers. */
  dataDir: string;
  port?: number;
  token?: string;
};

/** A download link works once, for a minute: it carries no token, so it must not linger. */
const TICKET_MS = 60_000;

/** RFC 6266: ASCII fallback plus the exact UTF-8 name ("Clients été.csv"). */
const attachment = (name: string): string =>
  `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

const baseHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'Content-Security-Policy': webContentSecurityPolicy(),
};

const sendJson = (res: http.ServerResponse, status: number, body: Envelope): void => {
  res.writeHead(status, { ...baseHeaders, 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

const fail = (res: http.ServerResponse, status: number, code: 'UNAUTHORIZED' | 'VALIDATION' | 'UNKNOWN_CALL', message: string) =>
  sendJson(res, status, { ok: false, error: { code, message } });

const readBody = (req: http.IncomingMessage): Promise<string | null> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });

/**
 * Browser mode: the same contract over HTTP on 127.0.0.1 (`POST /api/call/NAME`,
 * events on `GET /api/events` as server-sent events), plus the built renderer.
 */
export const startWebHost = async (options: WebHostOptions): Promise<WebHost> => {
  const token = options.token ?? newToken();
  const streams = new Set<http.ServerResponse>();
  const tickets = new Map<string, { file: string; expires: number }>();
  let port = 0;

  const unsubscribe = options.client.onEvent((event, payload) => {
    const frame = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const res of streams) res.write(frame);
  });

  const server = http.createServer((req, res) => {
    void (async () => {
      if (!isAllowedHost(req.headers.host, port) || !isAllowedOrigin(req.headers.origin, port)) {
        fail(res, 403, 'UNAUTHORIZED', 'forbidden host or origin');
        return;
      }
      const url = req.url ?? '/';
      const download = /^\/download\/([A-Za-z0-9_-]{16,128})$/.exec(url);
      if (download?.[1] !== undefined && req.method === 'GET') {
        // a plain link (the browser saves it to disk as it streams): the one-time ticket stands for the token
        const ticket = tickets.get(download[1]);
        tickets.delete(download[1]);
        if (ticket === undefined || ticket.expires < Date.now() || !isTransferFile(options.dataDir, ticket.file)) {
          res.writeHead(404, { ...baseHeaders, 'Content-Type': 'text/plain' }).end('not found');
          return;
        }
        res.writeHead(200, {
          ...baseHeaders,
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(fs.statSync(ticket.file).size),
          'Content-Disposition': attachment(path.basename(ticket.file)),
        });
        fs.createReadStream(ticket.file).pipe(res);
        return;
      }
      if (url.startsWith('/api/')) {
        if (!tokenMatches(bearerToken(req.headers.authorization), token)) {
          fail(res, 401, 'UNAUTHORIZED', 'missing or wrong token');
          return;
        }
        if (req.method === 'GET' && url === '/api/events') {
          res.writeHead(200, { ...baseHeaders, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
          res.write(': connected\n\n');
          streams.add(res);
          req.on('close', () => streams.delete(res));
          return;
        }
        const upload = /^\/api\/upload\?name=([^&]{1,600})$/.exec(url);
        if (upload?.[1] !== undefined && req.method === 'POST') {
          let name: string;
          try {
            name = decodeURIComponent(upload[1]);
          } catch {
            fail(res, 400, 'VALIDATION', 'malformed file name');
            return;
          }
          try {
            sendJson(res, 200, { ok: true, value: await stageUpload(options.dataDir, name, req) });
          } catch (error) {
            req.resume();
            sendJson(res, 200, { ok: false, error: toErrorData(error) });
          }
          return;
        }
        if (url === '/api/download' && req.method === 'POST') {
          const body = await readBody(req);
          let file: unknown;
          try {
            file = (JSON.parse(body ?? '') as { path?: unknown }).path;
          } catch {
            file = undefined;
          }
          if (typeof file !== 'string' || !isTransferFile(options.dataDir, file)) {
            sendJson(res, 200, { ok: false, error: { code: 'NOT_FOUND', message: 'not a file for the user' } });
            return;
          }
          const ticket = newToken();
          tickets.set(ticket, { file, expires: Date.now() + TICKET_MS });
          sendJson(res, 200, { ok: true, value: { url: `/download/${ticket}` } });
          return;
        }
        const m = /^\/api\/call\/([A-Za-z0-9_.]{1,80})$/.exec(url);
        if (req.method !== 'POST' || !m?.[1]) {
          fail(res, 404, 'UNKNOWN_CALL', 'no such endpoint');
          return;
        }
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          fail(res, 415, 'VALIDATION', 'expected application/json');
          return;
        }
        const body = await readBody(req);
        if (body === null) {
          fail(res, 413, 'VALIDATION', 'request too large');
          return;
        }
        let input: unknown;
        try {
          input = body.trim() === '' ? {} : (JSON.parse(body) as unknown);
        } catch {
          fail(res, 400, 'VALIDATION', 'malformed JSON');
          return;
        }
        sendJson(res, 200, await options.client.invoke(m[1], input));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, baseHeaders).end();
        return;
      }
      const file = staticFile(options.rendererRoot, url, path.join);
      if (file === null || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
        res.writeHead(404, { ...baseHeaders, 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { ...baseHeaders, 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address !== null ? address.port : 0;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe();
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
