import type { RedisClient } from '@ripio-webhooks/store';
import proxyAddr from 'proxy-addr';
import { openAccessStores } from './access-stores.js';
import type { AccessControl } from './auth.js';
import type { AdminEnv } from './env.js';
import { createLoginThrottle } from './login-throttle.js';
import { derivedTokenKey, tokenHasher } from './operator-tokens.js';

/** The settings access control reads (a subset of AdminEnv, so tests can give only these). */
export type AccessEnv = Pick<
  AdminEnv,
  | 'QUEUE_PREFIX'
  | 'ADMIN_TOKEN'
  | 'OPERATOR_TOKEN_KEY'
  | 'TRUSTED_PROXY_IDENTITY_HEADER'
  | 'TRUSTED_PROXY_ADDRESSES'
  | 'AUDIT_RETENTION_DAYS'
  | 'LOGIN_MAX_FAILURES_PER_ADDRESS'
  | 'LOGIN_MAX_FAILURES_PER_OPERATOR'
  | 'LOGIN_THROTTLE_SECONDS'
>;

/** Access control from the settings, over the admin's Redis connection. */
export function accessControl(redis: RedisClient, env: AccessEnv): AccessControl {
  const header = env.TRUSTED_PROXY_IDENTITY_HEADER;
  const trusted = proxyAddr.compile(env.TRUSTED_PROXY_ADDRESSES);
  return {
    stores: openAccessStores(redis, env.QUEUE_PREFIX, env.AUDIT_RETENTION_DAYS),
    settings: {
      adminToken: env.ADMIN_TOKEN,
      hashToken: tokenHasher(env.OPERATOR_TOKEN_KEY ?? derivedTokenKey(env.ADMIN_TOKEN)),
      ...(header === undefined
        ? {}
        : { proxyIdentity: { header, trusted: (address) => trusted(address, 0) } }),
    },
    throttle: createLoginThrottle(redis, env.QUEUE_PREFIX, {
      maxFailuresPerAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS,
      maxFailuresPerOperator: env.LOGIN_MAX_FAILURES_PER_OPERATOR,
      seconds: env.LOGIN_THROTTLE_SECONDS,
    }),
  };
}
