import path from 'node:path';

/*
 * Pure security rules for the Electron host. Kept free of `electron` imports
 * so they run (and are tested) under plain Node; main.ts only wires them in.
 */

export const APP_SCHEME = 'app';
export const APP_HOST = 'comptoir';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Parses a URL and keeps it only when it is exactly our origin (no port, no credentials). */
const parseAppUrl = (url: string): URL | null => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:`) return null;
  // Chromium lowercases hosts of standard schemes, Node keeps them as typed: compare both ways the same.
  if (parsed.hostname.toLowerCase() !== APP_HOST) return null;
  if (parsed.port !== '' || parsed.username !== '' || parsed.password !== '') return null;
  return parsed;
};

/** Only pages served by our own protocol are trusted; file:, http(s):, data:, javascript: never are. */
export const isTrustedUrl = (url: string): boolean => parseAppUrl(url) !== null;

/** An IPC sender is trusted when its frame is one of our pages; a destroyed or unknown frame is not. */
export const isTrustedSender = (frameUrl: string | undefined): boolean =>
  typeof frameUrl === 'string' && isTrustedUrl(frameUrl);

/** Links the user clicked that may go to the system browser (never loaded inside the app). */
export const isExternalLink = (url: string): boolean => {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
};

/**
 * Schemes the renderer's session may fetch. Everything else (http, https, ws,
 * file, ftp …) is cancelled so no remote content or local file ever loads.
 * data:/blob: stay for inline logos and generated downloads; devtools: for
 * the development tools window.
 */
const allowedRequestSchemes: ReadonlySet<string> = new Set([`${APP_SCHEME}:`, 'data:', 'blob:', 'devtools:']);

export const isAllowedRequest = (url: string): boolean => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === `${APP_SCHEME}:`) return parseAppUrl(url) !== null;
  return allowedRequestSchemes.has(parsed.protocol);
};

/**
 * Permissions a trusted page may use. Sanitised clipboard writes back the
 * "copy" buttons (write-only, plain data); camera, location, notifications
 * and the rest stay denied.
 */
const allowedPermissions: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export const isPermissionAllowed = (permission: string, requestingUrl: string | undefined): boolean =>
  allowedPermissions.has(permission) && isTrustedSender(requestingUrl);

export const contentSecurityPolicy = (): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    // Mantine sets CSS variables through style attributes and injects <style> tags at run time.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');

/** Headers sent with every file the app protocol serves. */
export const responseHeaders = (file: string): Record<string, string> => ({
  'Content-Type': mimeType(file),
  'Content-Security-Policy': contentSecurityPolicy(),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
});

/** A decoded path segment we are willing to join onto the renderer root. */
const isSafeSegment = (segment: string): boolean =>
  segment !== '' &&
  segment !== '.' &&
  segment !== '..' &&
  // Dot files are never build output; refusing them also closes `.`-prefixed tricks.
  !segment.startsWith('.') &&
  // Separators or drive/stream markers inside one segment mean someone is smuggling a path.
  !/[/\\:\0]/.test(segment);

const hasDotSegment = (url: string): boolean => {
  const beforeQuery = url.split(/[?#]/, 1)[0] ?? '';
  return beforeQuery.split(/[/\\]|%2f|%5c/i).some((part) => /^(\.|%2e){1,2}$/i.test(part));
};

/**
 * Maps `app://comptoir/<path>` to a file under `rendererRoot` (`/` → index.html).
 * Returns null for foreign URLs and for anything that could leave the root:
 * dot segments (raw or percent-encoded), encoded separators, backslashes,
 * drive letters, NUL bytes, malformed escapes. Existence is the caller's check.
 */
export const resolveAppFile = (rendererRoot: string, requestUrl: string): string | null => {
  // The URL parser silently folds `..` away; a request that spelled one out is hostile, not a file name.
  if (hasDotSegment(requestUrl)) return null;
  const parsed = parseAppUrl(requestUrl);
  if (parsed === null) return null;
  const pathname = parsed.pathname === '' || parsed.pathname === '/' ? '/index.html' : parsed.pathname;
  if (!pathname.startsWith('/')) return null;
  const segments: string[] = [];
  for (const raw of pathname.slice(1).split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (!isSafeSegment(decoded)) return null;
    segments.push(decoded);
  }
  const root = path.resolve(rendererRoot);
  const file = path.resolve(root, ...segments);
  // Belt and braces: whatever the segment rules missed, the result must stay inside the root.
  const relative = path.relative(root, file);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return null;
  return file;
};

const mimeTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** Content type by extension; unknown files are opaque bytes so nosniff keeps them inert. */
export const mimeType = (file: string): string =>
  mimeTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

/**
 * BrowserWindow webPreferences, as a plain object so this module needs no
 * electron types; main.ts checks it against Electron's own type.
 */
export type WindowPreferences = {
  readonly contextIsolation: true;
  readonly sandbox: true;
  readonly nodeIntegration: false;
  readonly nodeIntegrationInWorker: false;
  readonly nodeIntegrationInSubFrames: false;
  readonly webSecurity: true;
  readonly allowRunningInsecureContent: false;
  readonly experimentalFeatures: false;
  readonly webviewTag: false;
  readonly spellcheck: false;
  readonly preload: string;
};

export const windowPreferences = (preloadPath: string): WindowPreferences => ({
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
  preload: preloadPath,
});
