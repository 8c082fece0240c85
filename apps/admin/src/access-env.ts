import { optionalSecretSetting, positiveIntSetting } from '@ripio-webhooks/core';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';

/** A comma-separated list (blanks dropped). */
const listOf = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

/** Addresses, CIDR ranges or proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`): compiled at start. */
function compilesAsAddresses(list: string[], context: z.RefinementCtx): void {
  try {
    proxyAddr.compile(list);
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message });
  }
}

/** Express's `trust proxy`: false, true (trust every hop: only behind a proxy that overwrites the headers), a hop count, or addresses. */
export type TrustProxy = boolean | number | string[];

const trustProxySetting = z
  .string()
  .trim()
  .default('false')
  .transform((value): TrustProxy => {
    if (value === 'false' || value === '') return false;
    if (value === 'true') return true;
    if (/^\d+$/.test(value)) return Number(value);
    return listOf(value);
  })
  .superRefine((value, context) => {
    if (Array.isArray(value)) compilesAsAddresses(value, context);
  });

/**
 * Operators, sessions, login throttling, the audit log and the reverse-proxy settings of the admin app (spread
 * into its env.ts).
 */
export const accessEnvFields = {
  TRUST_PROXY: trustProxySetting.describe(
    'Express `trust proxy`: `false` (default), a hop count, or the proxy addresses/CIDRs (`loopback`, ' +
      '`10.0.0.0/8`, ...). Behind a TLS-terminating proxy set it, so the login cookie is `Secure` and login ' +
      'throttling sees client addresses.',
  ),
  TRUSTED_PROXY_IDENTITY_HEADER: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]+$/, 'a header name')
    .optional()
    .describe(
      'Header carrying the operator name verified by an authenticating proxy (OIDC in front), e.g. ' +
        '`X-Forwarded-User`; read only from `TRUSTED_PROXY_ADDRESSES`. The name must be a registered operator.',
    ),
  TRUSTED_PROXY_ADDRESSES: z
    .string()
    .default('')
    .transform(listOf)
    .superRefine(compilesAsAddresses)
    .describe('Addresses/CIDRs of the authenticating proxy whose identity header is believed (direct peer).'),
  OPERATOR_TOKEN_KEY: optionalSecretSetting(
    'OPERATOR_TOKEN_KEY',
    'Key of the HMAC-SHA256 operator tokens are kept under in Redis; unset, a key derived from `ADMIN_TOKEN` ' +
      '(then rotating `ADMIN_TOKEN` invalidates every operator token).',
  ),
  AUDIT_RETENTION_DAYS: positiveIntSetting
    .default(400)
    .describe('Audit entries older than this are trimmed from the audit stream (by age, never by count).'),
  LOGIN_MAX_FAILURES_PER_ADDRESS: positiveIntSetting
    .default(20)
    .describe('Failed sign-ins (and bad API tokens) from one address before it is blocked.'),
  LOGIN_MAX_FAILURES_PER_OPERATOR: positiveIntSetting
    .default(5)
    .describe('Failed sign-ins for one operator name before that name is blocked.'),
  LOGIN_THROTTLE_SECONDS: positiveIntSetting
    .default(900)
    .describe('Window the failures are counted in, and how long a tripped limit blocks.'),
};

/** The identity header needs the proxy addresses it may come from. */
export function checkProxyIdentity(
  env: { TRUSTED_PROXY_IDENTITY_HEADER?: string | undefined; TRUSTED_PROXY_ADDRESSES: string[] },
  context: z.RefinementCtx,
): void {
  if (env.TRUSTED_PROXY_IDENTITY_HEADER !== undefined && env.TRUSTED_PROXY_ADDRESSES.length === 0) {
    context.addIssue({
      code: 'custom',
      path: ['TRUSTED_PROXY_ADDRESSES'],
      message: 'TRUSTED_PROXY_ADDRESSES is required with TRUSTED_PROXY_IDENTITY_HEADER',
    });
  }
}
