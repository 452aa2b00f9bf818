import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { menuLabels, menuTemplate } from '../../src-main/host/electron/menu';
import {
  APP_ENTRY_URL,
  APP_HOST,
  APP_ORIGIN,
  APP_SCHEME,
  contentSecurityPolicy,
  isAllowedRequest,
  isExternalLink,
  isPermissionAllowed,
  isTrustedSender,
  isTrustedUrl,
  mimeType,
  resolveAppFile,
  responseHeaders,
  windowPreferences,
} from '../../src-main/host/electron/security';

const root = path.resolve('/opt/comptoir/out/renderer');
const inRoot = (...parts: string[]): string => path.join(root, ...parts);

const hostileUrls = [
  'file:///etc/passwd',
  'file://comptoir/index.html',
  'http://comptoir/index.html',
  'https://comptoir/index.html',
  'https://example.com/',
  'http://127.0.0.1:5173/',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'blob:app://comptoir/3f1c',
  'about:blank',
  'app://evil/index.html',
  'app://comptoir.evil.com/index.html',
  'app://evil.comptoir/index.html',
  'app://comptoir:8080/index.html',
  'app://user:pass@comptoir/index.html',
  'app://user@comptoir/index.html',
  'apps://comptoir/index.html',
  'ftp://comptoir/index.html',
  'devtools://devtools/bundled/inspector.html',
  '//comptoir/index.html',
  '/index.html',
  'index.html',
  'comptoir',
  '',
  'app:',
  'not a url',
];

describe('app origin constants', () => {
  it('spell the custom protocol origin and entry page', () => {
    expect(APP_SCHEME).toBe('app');
    expect(APP_HOST).toBe('comptoir');
    expect(APP_ORIGIN).toBe('app://comptoir');
    expect(APP_ENTRY_URL).toBe('app://comptoir/index.html');
  });
});

describe('isTrustedUrl', () => {
  it('accepts pages of the app protocol, with hash routes and queries', () => {
    expect(isTrustedUrl('app://comptoir/index.html')).toBe(true);
    expect(isTrustedUrl('app://comptoir/')).toBe(true);
    expect(isTrustedUrl('app://comptoir')).toBe(true);
    expect(isTrustedUrl('app://comptoir/index.html#/contacts/42')).toBe(true);
    expect(isTrustedUrl('app://comptoir/index.html?lang=fr')).toBe(true);
    expect(isTrustedUrl('app://comptoir/assets/index-abc123.js')).toBe(true);
  });

  it('treats the host case-insensitively, as Chromium does for standard schemes', () => {
    expect(isTrustedUrl('APP://COMPTOIR/index.html')).toBe(true);
  });

  it.each(hostileUrls)('rejects %j', (url) => {
    expect(isTrustedUrl(url)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  it('trusts only frames showing an app page', () => {
    expect(isTrustedSender('app://comptoir/index.html#/')).toBe(true);
    expect(isTrustedSender(undefined)).toBe(false);
    expect(isTrustedSender('')).toBe(false);
    expect(isTrustedSender('https://example.com/')).toBe(false);
    expect(isTrustedSender('file:///opt/comptoir/out/renderer/index.html')).toBe(false);
    expect(isTrustedSender('app://other/index.html')).toBe(false);
  });
});

describe('isExternalLink', () => {
  it('sends only http(s) links to the system browser', () => {
    expect(isExternalLink('https://www.cnil.fr/fr/rgpd')).toBe(true);
    expect(isExternalLink('http://example.com')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
    expect(isExternalLink('smb://server/share')).toBe(false);
    expect(isExternalLink('app://comptoir/index.html')).toBe(false);
    expect(isExternalLink('ms-msdt:/id')).toBe(false);
    expect(isExternalLink('not a url')).toBe(false);
  });
});

describe('isAllowedRequest', () => {
  it('lets through the app protocol, inline data, blobs and devtools', () => {
    expect(isAllowedRequest('app://comptoir/assets/index.js')).toBe(true);
    expect(isAllowedRequest('data:image/png;base64,iVBORw0KGgo=')).toBe(true);
    expect(isAllowedRequest('blob:app://comptoir/0b4e8f3a-1c2d')).toBe(true);
    expect(isAllowedRequest('devtools://devtools/bundled/inspector.html')).toBe(true);
  });

  it('cancels remote content, local files and foreign app hosts', () => {
    for (const url of [
      'https://fonts.googleapis.com/css',
      'http://127.0.0.1:8080/api',
      'ws://127.0.0.1:5173/',
      'wss://example.com/',
      'file:///etc/passwd',
      'ftp://example.com/x',
      'app://evil/index.html',
      'app://comptoir:1/index.html',
      'not a url',
    ]) {
      expect(isAllowedRequest(url), url).toBe(false);
    }
  });
});

describe('isPermissionAllowed', () => {
  it('allows only sanitised clipboard writes, and only for our pages', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://comptoir/index.html')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'app://comptoir')).toBe(true);
    expect(isPermissionAllowed('clipboard-sanitized-write', 'https://example.com')).toBe(false);
    expect(isPermissionAllowed('clipboard-sanitized-write', undefined)).toBe(false);
    for (const permission of ['clipboard-read', 'media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'unknown']) {
      expect(isPermissionAllowed(permission, 'app://comptoir/index.html'), permission).toBe(false);
    }
  });
});

describe('contentSecurityPolicy', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );

  it('denies by default and allows scripts only from the app itself', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('wasm-unsafe-eval');
    expect(csp).not.toMatch(/\*/);
    expect(csp).not.toMatch(/https?:/);
  });

  it('allows inline styles for Mantine but never inline scripts', () => {
    expect(directives.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('keeps images, fonts and connections local, and closes base, forms, framing and plugins', () => {
    expect(directives.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(directives.get('font-src')).toEqual(["'self'", 'data:']);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
  });
});

describe('responseHeaders', () => {
  it('sends the CSP, nosniff and the right content type with every file', () => {
    const headers = responseHeaders(inRoot('index.html'));
    expect(headers['Content-Security-Policy']).toBe(contentSecurityPolicy());
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
  });
});

describe('resolveAppFile', () => {
  it('maps the root to index.html', () => {
    expect(resolveAppFile(root, 'app://comptoir/')).toBe(inRoot('index.html'));
    expect(resolveAppFile(root, 'app://comptoir')).toBe(inRoot('index.html'));
    expect(resolveAppFile(root, 'app://comptoir/#/contacts')).toBe(inRoot('index.html'));
  });

  it('maps paths to files under the renderer root, ignoring query and hash', () => {
    expect(resolveAppFile(root, 'app://comptoir/index.html')).toBe(inRoot('index.html'));
    expect(resolveAppFile(root, 'app://comptoir/index.html?x=1#/settings')).toBe(inRoot('index.html'));
    expect(resolveAppFile(root, 'app://comptoir/assets/index-Bx1.js')).toBe(inRoot('assets', 'index-Bx1.js'));
    expect(resolveAppFile(root, 'app://comptoir/assets/inter%20latin.woff2')).toBe(inRoot('assets', 'inter latin.woff2'));
  });

  it('resolves relative roots to absolute paths', () => {
    expect(resolveAppFile('out/renderer', 'app://comptoir/index.html')).toBe(path.resolve('out/renderer', 'index.html'));
  });

  it.each([
    'app://comptoir/../../etc/passwd',
    'app://comptoir/assets/../../../etc/passwd',
    'app://comptoir/./index.html',
    'app://comptoir/%2e%2e/%2e%2e/etc/passwd',
    'app://comptoir/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    'app://comptoir/assets/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    'app://comptoir/.%2e/.%2e/etc/passwd',
    'app://comptoir/..%2fetc%2fpasswd',
    'app://comptoir/..%5c..%5cWindows%5cwin.ini',
    'app://comptoir/..\\..\\Windows\\win.ini',
    'app://comptoir/assets\\..\\..\\secret',
    'app://comptoir/%252e%252e%252f/x',
    'app://comptoir//etc/passwd',
    'app://comptoir/%2Fetc%2Fpasswd',
    'app://comptoir/C:%5CWindows%5Cwin.ini',
    'app://comptoir/C:/Windows/win.ini',
    'app://comptoir/index.html%00.png',
    'app://comptoir/.env',
    'app://comptoir/assets/',
    'app://comptoir/%E0%A4%A',
  ])('refuses traversal or odd paths: %j', (url) => {
    const file = resolveAppFile(root, url);
    if (url === 'app://comptoir/%252e%252e%252f/x') {
      // Double-encoded dots decode once to a harmless literal name inside the root.
      expect(file).toBe(inRoot('%2e%2e%2f', 'x'));
      return;
    }
    expect(file).toBeNull();
  });

  it('never returns a path outside the root, whatever the input', () => {
    const samples = [
      'app://comptoir/a/b/c.js',
      'app://comptoir/%2e%2e',
      'app://comptoir/a/%2e%2e/%2e%2e/%2e%2e/x',
      'app://comptoir/a/..%2f..%2f..%2fx',
      'app://comptoir/' + '../'.repeat(20) + 'x',
    ];
    for (const url of samples) {
      const file = resolveAppFile(root, url);
      if (file !== null) expect(path.relative(root, file).startsWith('..'), url).toBe(false);
    }
  });

  it('returns null for anything that is not our origin', () => {
    for (const url of hostileUrls) {
      expect(resolveAppFile(root, url), url).toBeNull();
    }
  });
});

describe('mimeType', () => {
  it('knows what a Vite build emits', () => {
    expect(mimeType('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeType('/x/assets/index-abc.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('chunk.mjs')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('index-abc.css')).toBe('text/css; charset=utf-8');
    expect(mimeType('logo.svg')).toBe('image/svg+xml');
    expect(mimeType('icon.PNG')).toBe('image/png');
    expect(mimeType('photo.jpeg')).toBe('image/jpeg');
    expect(mimeType('inter.woff2')).toBe('font/woff2');
    expect(mimeType('inter.woff')).toBe('font/woff');
    expect(mimeType('data.json')).toBe('application/json; charset=utf-8');
    expect(mimeType('index.js.map')).toBe('application/json; charset=utf-8');
  });

  it('serves unknown files as opaque bytes', () => {
    expect(mimeType('archive.bin')).toBe('application/octet-stream');
    expect(mimeType('Makefile')).toBe('application/octet-stream');
  });
});

describe('windowPreferences', () => {
  it('turns every isolation switch on and every Node bridge off', () => {
    expect(windowPreferences('/opt/comptoir/out/preload/preload.js')).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      preload: '/opt/comptoir/out/preload/preload.js',
    });
  });
});

describe('menu', () => {
  type Item = { label?: string; role?: string; submenu?: unknown };
  const roles = (items: readonly Item[]): string[] =>
    items.flatMap((item) => [
      ...(item.role === undefined ? [] : [item.role]),
      ...(Array.isArray(item.submenu) ? roles(item.submenu as Item[]) : []),
    ]);
  const labels = (items: readonly Item[]): string[] =>
    items.flatMap((item) => [
      ...(item.label === undefined ? [] : [item.label]),
      ...(Array.isArray(item.submenu) ? labels(item.submenu as Item[]) : []),
    ]);
  const noop = (): void => undefined;

  it('speaks French for every French locale, English otherwise', () => {
    expect(menuLabels('fr').quit).toBe('Quitter');
    expect(menuLabels('fr-FR').edit).toBe('Édition');
    expect(menuLabels('FR-be').file).toBe('Fichier');
    expect(menuLabels('en-US').quit).toBe('Quit');
    expect(menuLabels('de').quit).toBe('Quit');
    expect(menuLabels('').quit).toBe('Quit');
  });

  it('hides reload and developer tools in packaged builds', () => {
    const packaged = roles(menuTemplate({ locale: 'fr', platform: 'linux', isPackaged: true, onAbout: noop }));
    expect(packaged).not.toContain('reload');
    expect(packaged).not.toContain('toggleDevTools');
    expect(packaged).toEqual(expect.arrayContaining(['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll']));

    const dev = roles(menuTemplate({ locale: 'fr', platform: 'linux', isPackaged: false, onAbout: noop }));
    expect(dev).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('uses the labels of the locale, with mnemonics only off macOS', () => {
    const linux = labels(menuTemplate({ locale: 'fr-FR', platform: 'linux', isPackaged: true, onAbout: noop }));
    expect(linux).toEqual(expect.arrayContaining(['&Fichier', 'Quitter', '&Édition', '&Aide', 'À propos de Comptoir']));
    const mac = menuTemplate({ locale: 'en', platform: 'darwin', isPackaged: true, onAbout: noop });
    expect(mac[0]?.role).toBe('appMenu');
    expect(labels(mac)).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Help', 'About Comptoir']));
    expect(labels(mac).some((l) => l.includes('&'))).toBe(false);
  });

  it('calls back for About', () => {
    let called = 0;
    const template = menuTemplate({ locale: 'en', platform: 'win32', isPackaged: true, onAbout: () => (called += 1) });
    const help = template.find((item) => item.role === 'help');
    const about = Array.isArray(help?.submenu) ? help.submenu[0] : undefined;
    const click = about?.click;
    expect(typeof click).toBe('function');
    if (typeof click === 'function') (click as () => void)();
    expect(called).toBe(1);
  });
});
