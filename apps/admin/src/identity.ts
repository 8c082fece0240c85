import { BOOTSTRAP_OPERATOR, type CredentialKind, type OperatorRole } from '@ripio-webhooks/contracts';
import type { AdminSessionStore, AuditLog, OperatorStore } from '@ripio-webhooks/store';
import type { Request } from 'express';
import { adminTokenMark, constantTimeEqual } from './operator-tokens.js';

/** Who a request is: an operator, its role, and how it proved it. */
export interface Identity {
  operator: string;
  role: OperatorRole;
  via: CredentialKind;
}

/** The Redis-backed parts of access control (guarded in stores.ts: an outage is a 503). */
export interface AccessStores {
  operators: OperatorStore;
  sessions: AdminSessionStore;
  audit: AuditLog;
}

export interface AccessSettings {
  /** The bootstrap identity's token (`ADMIN_TOKEN`). */
  adminToken: string;
  /** Operator tokens' keyed hash (operator-tokens.ts). */
  hashToken: (token: string) => string;
  /** An authenticating proxy's identity header, believed only from its addresses. */
  proxyIdentity?: { header: string; trusted: (address: string) => boolean };
}

export const SESSION_COOKIE = 'ripio_admin_session';

export type Identified =
  | { outcome: 'identified'; identity: Identity }
  | { outcome: 'anonymous' }
  /** A credential was given and is wrong (a bad token, a proxy name that is no operator). */
  | { outcome: 'refused'; status: 401 | 403; message: string };

const BOOTSTRAP_ROLE: OperatorRole = 'admin';

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

/** A token as the bootstrap identity or a named operator (undefined: neither). */
export async function identifyToken(
  token: string,
  stores: AccessStores,
  settings: AccessSettings,
  via: CredentialKind,
): Promise<Identity | undefined> {
  if (constantTimeEqual(token, settings.adminToken)) {
    return { operator: BOOTSTRAP_OPERATOR, role: BOOTSTRAP_ROLE, via };
  }
  const record = await stores.operators.byTokenHash(settings.hashToken(token));
  return record === undefined ? undefined : { operator: record.name, role: record.role, via };
}

async function identifySession(
  id: string,
  stores: AccessStores,
  settings: AccessSettings,
): Promise<Identity | undefined> {
  const session = await stores.sessions.get(id);
  if (session === undefined) return undefined;
  if (session.operator === BOOTSTRAP_OPERATOR) {
    return session.tokenMark === adminTokenMark(settings.adminToken)
      ? { operator: BOOTSTRAP_OPERATOR, role: BOOTSTRAP_ROLE, via: 'session' }
      : undefined;
  }
  // The operator is read on every request: revoking it (or changing its role) takes effect at once.
  const record = await stores.operators.get(session.operator);
  return record === undefined ? undefined : { operator: record.name, role: record.role, via: 'session' };
}

/**
 * The request's identity, from (in this order) an `Authorization: Bearer` token, the trusted proxy's identity
 * header (only from its addresses, and only for a registered operator), or the console's session cookie.
 */
export async function identify(
  req: Request,
  stores: AccessStores,
  settings: AccessSettings,
): Promise<Identified> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const token = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
    const identity = token === undefined ? undefined : await identifyToken(token, stores, settings, 'token');
    return identity === undefined
      ? { outcome: 'refused', status: 401, message: 'unauthorized: that token is not valid' }
      : { outcome: 'identified', identity };
  }
  const proxy = settings.proxyIdentity;
  const peer = req.socket.remoteAddress;
  const proxied = proxy === undefined ? undefined : req.get(proxy.header)?.trim();
  if (proxy !== undefined && proxied && peer !== undefined && proxy.trusted(peer)) {
    const record = proxied === BOOTSTRAP_OPERATOR ? undefined : await stores.operators.get(proxied);
    if (record === undefined) {
      return { outcome: 'refused', status: 403, message: `${proxied} is not a registered operator` };
    }
    return { outcome: 'identified', identity: { operator: record.name, role: record.role, via: 'proxy' } };
  }
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  const identity = cookie === undefined ? undefined : await identifySession(cookie, stores, settings);
  return identity === undefined ? { outcome: 'anonymous' } : { outcome: 'identified', identity };
}

interface RequestContext {
  identity: Identity;
  audit: AuditLog;
}

const contexts = new WeakMap<Request, RequestContext>();

/** Set by the auth middleware once a request is identified. */
export function bindRequest(req: Request, context: RequestContext): void {
  contexts.set(req, context);
}

/** The identified request's context; a route behind the auth middleware always has one. */
export function contextOf(req: Request): RequestContext {
  const context = contexts.get(req);
  if (context === undefined) throw new Error(`no identity for ${req.method} ${req.originalUrl}`);
  return context;
}
