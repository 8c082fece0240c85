import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from './connection.js';

/** A console login, kept in Redis until logout or expiry. */
export interface AdminSession {
  operator: string;
  createdAt: string;
  /** For the `ADMIN_TOKEN` identity: a mark of the token it signed in with (a rotated token ends the session). */
  tokenMark?: string;
}

/**
 * Server-side console sessions: the cookie carries a random id; Redis keeps `<prefix>:admin-session:<sha256(id)>`
 * with the session and a TTL. Logout deletes the key, so the cookie stops working at once. Only the id's hash is
 * stored: a copy of Redis holds no usable session.
 */
export interface AdminSessionStore {
  /** Starts a session; returns the id the cookie carries. */
  create(session: AdminSession, ttlSeconds: number): Promise<string>;
  get(id: string): Promise<AdminSession | undefined>;
  revoke(id: string): Promise<void>;
}

export function createAdminSessionStore(redis: RedisClient, queuePrefix: string): AdminSessionStore {
  const keyOf = (id: string): string =>
    `${queuePrefix}:admin-session:${createHash('sha256').update(id).digest('hex')}`;
  return {
    async create(session, ttlSeconds) {
      const id = randomBytes(32).toString('base64url');
      await redis.set(keyOf(id), JSON.stringify(session), 'EX', ttlSeconds);
      return id;
    },
    async get(id) {
      const json = await redis.get(keyOf(id));
      return json === null ? undefined : (JSON.parse(json) as AdminSession);
    },
    async revoke(id) {
      await redis.del(keyOf(id));
    },
  };
}
