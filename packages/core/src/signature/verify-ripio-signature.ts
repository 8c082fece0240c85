import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header names Ripio's signature may arrive under (lower-cased, as Node presents them). */
export const SIGNATURE_HEADERS = ['x-wh-signature-256', 'http-x-wh-signature-256'] as const;

export type SignatureCheck =
  | { outcome: 'valid'; secretIndex: number }
  | { outcome: 'missing' }
  | { outcome: 'malformed' }
  | { outcome: 'mismatch' };

type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

const HEX_DIGEST = /^[0-9a-f]{64}$/;

/** `sha256=<hex>` over the exact body bytes: what Ripio sends in `X-Wh-Signature-256`. */
export function signRipioBody(rawBody: string | Uint8Array, secret: string): string {
  return `sha256=${hmacHex(rawBody, secret)}`;
}

function hmacHex(rawBody: string | Uint8Array, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** The signature header from either accepted name, with the name it came under; the first non-empty value wins. */
export function findSignatureHeader(headers: HeaderBag): { header: string; value: string } | undefined {
  for (const name of SIGNATURE_HEADERS) {
    const value = headers[name];
    const first = Array.isArray(value) ? (value as readonly string[])[0] : (value as string | undefined);
    if (first !== undefined && first !== '') return { header: name, value: first };
  }
  return undefined;
}

/** Reads the signature from either accepted header name; the first non-empty value wins. */
export function readSignatureHeader(headers: HeaderBag): string | undefined {
  return findSignatureHeader(headers)?.value;
}

/**
 * Checks Ripio's HMAC-SHA256 over the raw body bytes against every active secret (rotation without downtime).
 * Accepts the header with or without the `sha256=` prefix and in either letter case. The comparison of digests
 * is constant-time, and every secret is tried so the time taken does not say which one matched.
 */
export function verifyRipioSignature(
  rawBody: Uint8Array,
  headers: HeaderBag,
  secrets: readonly string[],
): SignatureCheck {
  const header = readSignatureHeader(headers);
  if (header === undefined) return { outcome: 'missing' };
  const trimmed = header.trim().toLowerCase();
  const hex = trimmed.startsWith('sha256=') ? trimmed.slice('sha256='.length) : trimmed;
  if (!HEX_DIGEST.test(hex)) return { outcome: 'malformed' };
  const given = Buffer.from(hex, 'hex');
  let matched = -1;
  secrets.forEach((secret, index) => {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(expected, given) && matched === -1) matched = index;
  });
  return matched === -1 ? { outcome: 'mismatch' } : { outcome: 'valid', secretIndex: matched };
}
