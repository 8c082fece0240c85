import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export const SESSION_COOKIE = 'ripio_admin_session';
/** How long a console login lasts. */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

/** Compares two strings in time that depends on neither: both are hashed to 32 bytes first. */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function sessionMac(token: string, issuedAtMs: number): string {
  return createHmac('sha256', token).update(`ripio-webhooks admin session v1|${issuedAtMs}`).digest('hex');
}

/**
 * The console cookie: `<issuedAtMs>.<HMAC-SHA256(token, issuedAt)>`. It proves the holder knew the token at
 * login without carrying the token itself, stops working when the token changes, and expires on its own.
 */
export function issueSessionCookieValue(token: string, nowMs: number): string {
  return `${nowMs}.${sessionMac(token, nowMs)}`;
}

export function isValidSessionCookieValue(value: string, token: string, nowMs: number): boolean {
  const match = /^(\d{1,16})\.([0-9a-f]{64})$/.exec(value);
  if (match === null) return false;
  const issuedAtMs = Number(match[1]);
  const age = nowMs - issuedAtMs;
  if (age < -60_000 || age > SESSION_MAX_AGE_SECONDS * 1000) return false;
  return constantTimeEqual(match[2] ?? '', sessionMac(token, issuedAtMs));
}

/** Reads one cookie from the Cookie header (no parser dependency for a single name). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export type Credential = 'bearer' | 'session' | 'none';

/** Which credential, if any, the request carries validly. */
function credentialOf(req: Request, token: string, nowMs: number): Credential {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1] !== undefined && constantTimeEqual(match[1], token) ? 'bearer' : 'none';
  }
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (cookie !== undefined && isValidSessionCookieValue(cookie, token, nowMs)) return 'session';
  return 'none';
}

/** Browser pages answer an unauthenticated request with a redirect to the login form, everything else with 401. */
function wantsHtml(req: Request): boolean {
  return (
    req.method === 'GET' &&
    !req.path.startsWith('/api/') &&
    req.path !== '/metrics' &&
    req.accepts(['json', 'html']) === 'html'
  );
}

/**
 * Guards every route it is mounted in front of: a valid `Authorization: Bearer <ADMIN_TOKEN>` or the login
 * cookie. Cookie-authenticated requests that change something must come from this origin (SameSite=Strict
 * already stops cross-site sends; the Origin check is a second lock).
 */
export function requireAuth(token: string, now: () => number = Date.now): RequestHandler {
  return function requireAdminAuth(req: Request, res: Response, next: NextFunction): void {
    const credential = credentialOf(req, token, now());
    switch (credential) {
      case 'bearer':
        next();
        return;
      case 'session':
        if (!isSafeMethod(req.method) && !sameOrigin(req)) {
          res.status(403).json({ error: 'cross-origin request refused' });
          return;
        }
        next();
        return;
      case 'none':
        if (wantsHtml(req)) {
          res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
          return;
        }
        res.setHeader('WWW-Authenticate', 'Bearer realm="ripio-webhooks admin"');
        res.status(401).json({ error: 'unauthorized: send Authorization: Bearer <ADMIN_TOKEN>' });
        return;
      default: {
        const unreachable: never = credential;
        throw new Error(`unexpected credential ${String(unreachable)}`);
      }
    }
  };
}

function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

function sameOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/** A `next` target after login: only a path on this server (no `//host`, no scheme). */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return '/';
  }
  return value;
}
