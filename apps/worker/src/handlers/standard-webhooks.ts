import { createHmac } from 'node:crypto';

/**
 * Signing per the Standard Webhooks specification (standardwebhooks.com): the receiving service verifies a forward
 * with any Standard Webhooks library (`new Webhook(secret).verify(body, headers)` in the `standardwebhooks` npm
 * package) and refuses one whose timestamp is outside its tolerance, so a captured forward cannot be replayed later.
 */

/** The message id: the event key, the same on every attempt, so the receiving service can dedupe on it. */
export const WEBHOOK_ID_HEADER = 'webhook-id';
/** Unix time in seconds of this attempt (each retry is signed afresh). */
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, space-separated when several keys sign. */
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

const SECRET_PREFIX = 'whsec_';
/** The specification's bounds of the secret's decoded size. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The HMAC key of a `whsec_<base64>` signing secret, or why the secret is not one: the prefix, standard base64,
 * and 24 to 64 bytes once decoded.
 */
export function signingKeyOf(secret: string): { ok: true; key: Buffer } | { ok: false; problem: string } {
  if (!secret.startsWith(SECRET_PREFIX)) {
    return { ok: false, problem: `must start with "${SECRET_PREFIX}" (a Standard Webhooks signing secret)` };
  }
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return { ok: false, problem: `must be "${SECRET_PREFIX}" then standard base64` };
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) {
    return {
      ok: false,
      problem: `must decode to ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes, not ${key.length}`,
    };
  }
  return { ok: true, key };
}

/** The three headers of one delivery attempt of `body` (the exact bytes sent) as message `id` at `now`. */
export function standardWebhookHeaders(
  key: Buffer,
  id: string,
  body: string,
  now: Date,
): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return {
    [WEBHOOK_ID_HEADER]: id,
    [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
    [WEBHOOK_SIGNATURE_HEADER]: `v1,${signature}`,
  };
}
