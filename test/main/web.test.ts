import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  bearerToken,
  isAllowedHost,
  isAllowedOrigin,
  staticFile,
  tokenMatches,
  webContentSecurityPolicy,
} from '../../src-main/host/web/security';
import { startWebHost, type WebHost } from '../../src-main/host/web/server';
import { openClient, tempDir } from './helpers';

describe('web host security helpers', () => {
  it('accepts only our loopback host and port', () => {
    expect(isAllowedHost('127.0.0.1:5000', 5000)).toBe(true);
    expect(isAllowedHost('localhost:5000', 5000)).toBe(true);
    expect(isAllowedHost('evil.example:5000', 5000)).toBe(false);
    expect(isAllowedHost('127.0.0.1:5001', 5000)).toBe(false);
    expect(isAllowedHost(undefined, 5000)).toBe(false);
  });
  it('accepts a missing origin or our own, nothing else', () => {
    expect(isAllowedOrigin(undefined, 5000)).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:5000', 5000)).toBe(true);
    expect(isAllowedOrigin('http://evil.example', 5000)).toBe(false);
    expect(isAllowedOrigin('null', 5000)).toBe(false);
  });
  it('parses bearer tokens and compares them in constant time', () => {
    expect(bearerToken('Bearer abcdefghijklmnopqrstuvwxyz')).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(tokenMatches('abcdefghijklmnop', 'abcdefghijklmnop')).toBe(true);
    expect(tokenMatches('abcdefghijklmnoq', 'abcdefghijklmnop')).toBe(false);
    expect(tokenMatches('short', 'abcdefghijklmnop')).toBe(false);
    expect(tokenMatches(null, 'abcdefghijklmnop')).toBe(false);
  });
  it('never maps a path outside the app folder', () => {
    expect(staticFile('/app', '/', path.posix.join)).toBe('/app/index.html');
    expect(staticFile('/app', '/assets/a.js?v=1', path.posix.join)).toBe('/app/assets/a.js');
    expect(staticFile('/app', '/../etc/passwd', path.posix.join)).toBeNull();
    expect(staticFile('/app', '/%2e%2e/%2e%2e/etc/passwd', path.posix.join)).toBeNull();
    expect(staticFile('/app', '/..%5c..%5cwin.ini', path.posix.join)).toBeNull();
    expect(staticFile('/app', '/%E0%A4%A', path.posix.join)).toBeNull();
  });
  it('sends a strict content security policy', () => {
    const csp = webContentSecurityPolicy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
  });
});

describe('web host', () => {
  let host: WebHost | null = null;
  afterEach(async () => {
    await host?.close();
    host = null;
  });

  const start = async () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Comptoir</title>');
    const { client, dir } = await openClient();
    host = await startWebHost({ client, rendererRoot: root, dataDir: dir });
    return host;
  };

  const post = (h: WebHost, name: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${h.port}/api/call/${name}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${h.token}`, ...headers },
      body: JSON.stringify(body),
    });

  it('binds to 127.0.0.1 and answers contract calls with the token', async () => {
    const h = await start();
    expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const created = await (await post(h, 'contacts.create', { firstName: 'François', lastName: 'Lefèvre' })).json();
    expect(created).toMatchObject({ ok: true, value: { lastName: 'Lefèvre' } });
    const found = await (await post(h, 'contacts.list', { q: 'francois' })).json();
    expect(found.value.rows).toHaveLength(1);
  });

  it('refuses a wrong or missing token', async () => {
    const h = await start();
    const wrong = await post(h, 'contacts.list', {}, { Authorization: 'Bearer wrongwrongwrongwrongwrong' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const none = await fetch(`http://127.0.0.1:${h.port}/api/call/contacts.list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
  });

  it('refuses a foreign Origin (cross-site request) and a foreign Host (DNS rebinding)', async () => {
    const h = await start();
    expect((await post(h, 'contacts.list', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    // fetch will not forge Host: use a raw request
    const http = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = http.request(
        { host: '127.0.0.1', port: h.port, path: '/', headers: { Host: 'evil.example' } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.end();
    });
    expect(status).toBe(403);
  });

  it('answers malformed JSON and unknown calls with clear errors', async () => {
    const h = await start();
    const bad = await fetch(`http://127.0.0.1:${h.port}/api/call/contacts.list`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${h.token}` },
      body: '{nope',
    });
    expect(bad.status).toBe(400);
    expect(await (await post(h, 'nope.nothing', {})).json()).toMatchObject({ error: { code: 'UNKNOWN_CALL' } });
  });

  it('serves the app and streams events', async () => {
    const h = await start();
    const page = await fetch(`http://127.0.0.1:${h.port}/`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('Comptoir');
    expect((await fetch(`http://127.0.0.1:${h.port}/../../etc/passwd`)).status).toBe(404);
    const controller = new AbortController();
    const events = await fetch(`http://127.0.0.1:${h.port}/api/events`, {
      headers: { Authorization: `Bearer ${h.token}` },
      signal: controller.signal,
    });
    const reader = events.body!.getReader();
    await reader.read(); // ": connected"
    await post(h, 'settings.update', { currency: 'CHF' });
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('"data.changed"');
    controller.abort();
  });
});
