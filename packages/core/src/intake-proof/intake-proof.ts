import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IntakeProof, IntakeProofSubject, RipioSignatureHeader } from '@ripio-webhooks/schemas';

const HEX_MAC = /^[0-9a-f]{64}$/;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The canonical string an intake MAC is computed over: a JSON array (so no field can bleed into the next) of a
 * domain tag, the version, the event key, the receipt time and the SHA-256 of the body's UTF-8 bytes.
 */
export function intakeProofMessage(subject: IntakeProofSubject): string {
  return JSON.stringify([
    'ripio-intake-proof',
    1,
    subject.eventKey,
    subject.receivedAt,
    sha256Hex(subject.rawBody),
  ]);
}

/** A key's fingerprint: says which key signed a job (for rotation), and reveals nothing usable about the key. */
export function intakeProofKeyId(key: string): string {
  return sha256Hex(`ripio-intake-proof-key-id\n${key}`).slice(0, 16);
}

function macOf(subject: IntakeProofSubject, key: string): Buffer {
  return createHmac('sha256', key).update(intakeProofMessage(subject), 'utf8').digest();
}

/** The receiver's proof for one event: Ripio's header as it arrived and a MAC with the first (signing) key. */
export function signIntakeProof(
  subject: IntakeProofSubject,
  ripioSignature: RipioSignatureHeader,
  keys: readonly string[],
): IntakeProof {
  const [signingKey] = keys;
  if (signingKey === undefined) throw new Error('signing an intake proof needs at least one key');
  return {
    version: 1,
    ripioSignature: { header: ripioSignature.header, value: ripioSignature.value },
    keyId: intakeProofKeyId(signingKey),
    mac: macOf(subject, signingKey).toString('hex'),
  };
}

/** The signer a job builder takes (schemas' `eventJobOf` `prove`): signs with the first of `keys`. */
export function intakeProver(
  keys: readonly string[],
  ripioSignature: RipioSignatureHeader,
): (subject: IntakeProofSubject) => IntakeProof {
  return (subject) => signIntakeProof(subject, ripioSignature, keys);
}

export type IntakeMacCheck = { outcome: 'valid'; keyIndex: number } | { outcome: 'malformed' | 'mismatch' };

/**
 * Checks a receiver MAC over `subject` against every key (rotation: any key verifies). The comparison is
 * constant-time and every key is tried, so the time taken does not say which one matched.
 */
export function verifyIntakeMac(
  subject: IntakeProofSubject,
  mac: string,
  keys: readonly string[],
): IntakeMacCheck {
  if (!HEX_MAC.test(mac)) return { outcome: 'malformed' };
  const given = Buffer.from(mac, 'hex');
  let matched = -1;
  keys.forEach((key, index) => {
    if (timingSafeEqual(macOf(subject, key), given) && matched === -1) matched = index;
  });
  return matched === -1 ? { outcome: 'mismatch' } : { outcome: 'valid', keyIndex: matched };
}
