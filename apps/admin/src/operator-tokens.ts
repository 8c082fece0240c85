import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Prefix of operator tokens: recognisable in a leaked-secret scan, and never mistaken for `ADMIN_TOKEN`. */
const TOKEN_PREFIX = 'rwop_';

/** A new operator token: 256 random bits (shown once, never stored). */
export function newOperatorToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * How a token is kept: HMAC-SHA256 under a key only the admin app holds. A token is 256 random bits, so a fast
 * hash is enough against guessing; the key means a copy of Redis (or write access to it) can neither test
 * tokens offline nor plant a token of its own.
 */
export function tokenHasher(key: string): (token: string) => string {
  return (token) => createHmac('sha256', key).update(token).digest('hex');
}

/** The key operator tokens are hashed with when OPERATOR_TOKEN_KEY is unset: derived from ADMIN_TOKEN. */
export function derivedTokenKey(adminToken: string): string {
  return createHmac('sha256', adminToken).update('ripio-webhooks operator token key v1').digest('hex');
}

/** Compares two strings in time that depends on neither: both are hashed to 32 bytes first. */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** A mark of ADMIN_TOKEN kept in its sessions: a rotated token ends them without storing the token. */
export function adminTokenMark(adminToken: string): string {
  return createHmac('sha256', adminToken)
    .update('ripio-webhooks admin session v2')
    .digest('hex')
    .slice(0, 32);
}
