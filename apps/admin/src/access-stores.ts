import {
  createAdminSessionStore,
  createOperatorStore,
  createRedisAuditLog,
  failingAsUnavailable,
  type RedisClient,
} from '@ripio-webhooks/store';
import type { AccessStores } from './identity.js';

/**
 * Operators, console sessions and the audit log over the admin's Redis connection. A call that fails because
 * Redis is unreachable throws store's `RedisUnavailableError` (answered 503).
 */
export function openAccessStores(
  redis: RedisClient,
  queuePrefix: string,
  auditRetentionDays: number,
): AccessStores {
  const operators = createOperatorStore(redis, queuePrefix);
  const sessions = createAdminSessionStore(redis, queuePrefix);
  const audit = createRedisAuditLog({ redis, queuePrefix, retentionMs: auditRetentionDays * 86_400_000 });
  const guarded = <R>(call: () => Promise<R>): Promise<R> => failingAsUnavailable(redis, call);
  return {
    operators: {
      create: (record) => guarded(() => operators.create(record)),
      get: (name) => guarded(() => operators.get(name)),
      byTokenHash: (hash) => guarded(() => operators.byTokenHash(hash)),
      list: () => guarded(() => operators.list()),
      revoke: (name) => guarded(() => operators.revoke(name)),
    },
    sessions: {
      create: (session, ttl) => guarded(() => sessions.create(session, ttl)),
      get: (id) => guarded(() => sessions.get(id)),
      revoke: (id) => guarded(() => sessions.revoke(id)),
    },
    audit: {
      record: (entry) => guarded(() => audit.record(entry)),
      list: (query) => guarded(() => audit.list(query)),
    },
  };
}
