import crypto from 'node:crypto';

/**
 * Browser mode listens on 127.0.0.1 only. A web page the user visits could
 * still reach it (DNS rebinding, cross-site requests), so every request must
 * name our host, come from our origin when it says where it comes from, and
 * carry the per-launch token.
 */
export const newToken = (): string => crypto.randomBytes(32).toString('base64url');

export const allowedHosts = (port: number): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];

export const isAllowedHost = (host: string | undefined, port: number): boolean =>
  host !== undefined && allowedHosts(port).includes(host.toLowerCase());

/** A missing Origin is fine (same-origin GETs, CLI tools); a present one must be ours. */
export const isAllowedOrigin = (origin: string | undefined, port: number): boolean =>
  origin === undefined || allowedHosts(port).some((h) => origin.toLowerCase() === `http://${h}`);

export const bearerToken = (authorization: string | undefined): string | null => {
  if (!authorization) return null;
  const m = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(authorization.trim());
  return m?.[1] ?? null;
};

/** Constant-time comparison: the token must not leak through response timing. */
export const tokenMatches = (given: string | null, expected: string): boolean => {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
};

export const webContentSecurityPolicy = (): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');

/** Maps a URL path to a file below `root`, or null for anything that escapes it. */
export const staticFile = (root: string, urlPath: string, join: (...p: string[]) => string): string | null => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return null;
  return parts.length === 0 ? join(root, 'index.html') : join(root, ...parts);
};
