import { roleAllows, type OperatorRole } from '@ripio-webhooks/contracts';
import { RedisUnavailableError } from '@ripio-webhooks/store';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { bindRequest, contextOf, identify, type AccessSettings, type AccessStores } from './identity.js';
import type { LoginThrottle } from './login-throttle.js';

/** Everything the admin app's access control needs. */
export interface AccessControl {
  stores: AccessStores;
  settings: AccessSettings;
  throttle: LoginThrottle;
}

/** How long a console sign-in lasts (the session's TTL in Redis). */
export const SESSION_MAX_AGE_SECONDS = 12 * 3600;

/** The client's address as Express sees it (through `trust proxy`). */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
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

/** A fallback value when Redis is unavailable; any other error is rethrown. */
function unlessUnavailable<T>(fallback: T): (error: unknown) => T {
  return (error) => {
    if (error instanceof RedisUnavailableError) return fallback;
    throw error;
  };
}

function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

/**
 * A browser-authenticated write (session cookie, or the proxy's identity) must come from this origin: SameSite=Strict
 * already stops cross-site cookie sends; the Origin and Sec-Fetch-Site checks are the CSRF lock that also covers
 * the proxy's own cookie.
 */
function sameOrigin(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

function unauthenticated(req: Request, res: Response): void {
  if (wantsHtml(req)) {
    res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  res.setHeader('WWW-Authenticate', 'Bearer realm="ripio-webhooks admin"');
  res.status(401).json({ error: 'unauthorized: send Authorization: Bearer <token>' });
}

export function tooManyAttempts(res: Response, blockedMs: number): void {
  res.setHeader('Retry-After', String(Math.ceil(blockedMs / 1000)));
  res
    .status(429)
    .json({ error: 'too many failed sign-ins from this address or for this operator; try later' });
}

/**
 * Guards every route it is mounted in front of: identifies the request (identity.ts), refuses an address blocked
 * by the login throttle, applies the CSRF lock to browser-authenticated writes, and requires role `operate` for
 * every write (a route that needs more says so with `requireRole`). Reads need any role.
 */
export function requireAuth(access: AccessControl): RequestHandler {
  return async function requireAdminAuth(req: Request, res: Response, next: NextFunction): Promise<void> {
    const address = clientAddress(req);
    // While Redis is down the throttle cannot be read: the request goes on (only ADMIN_TOKEN, checked locally,
    // can succeed then), so Prometheus still scrapes /metrics through an outage.
    const blockedMs = await access.throttle.blockedFor(address).catch(unlessUnavailable(0));
    if (blockedMs > 0) {
      tooManyAttempts(res, blockedMs);
      return;
    }
    const identified = await identify(req, access.stores, access.settings);
    if (identified.outcome === 'anonymous') {
      unauthenticated(req, res);
      return;
    }
    if (identified.outcome === 'refused') {
      if (identified.status === 401) {
        await access.throttle.failed(address).catch(unlessUnavailable(undefined));
      }
      res.status(identified.status).json({ error: identified.message });
      return;
    }
    const { identity } = identified;
    const write = !isSafeMethod(req.method);
    if (write && identity.via !== 'token' && !sameOrigin(req)) {
      res.status(403).json({ error: 'cross-origin request refused' });
      return;
    }
    bindRequest(req, { identity, audit: access.stores.audit });
    if (write && !roleAllows(identity.role, 'operate')) {
      res.status(403).json({ error: forbidden(identity.operator, identity.role, 'operate') });
      return;
    }
    next();
  };
}

function forbidden(operator: string, role: OperatorRole, needed: OperatorRole): string {
  return `forbidden: ${operator} has role ${role}; this needs ${needed}`;
}

/** Routes that need more than the default (`operate` for writes, any role for reads). */
export function requireRole(needed: OperatorRole): RequestHandler {
  return (req, res, next) => {
    const { identity } = contextOf(req);
    if (!roleAllows(identity.role, needed)) {
      res.status(403).json({ error: forbidden(identity.operator, identity.role, needed) });
      return;
    }
    next();
  };
}

/** A `next` target after login: only a path on this server (no `//host`, no scheme). */
export function safeNextPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return '/';
  }
  return value;
}
