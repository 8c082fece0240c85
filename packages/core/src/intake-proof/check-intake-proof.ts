import type { IntakeProofSubject } from '@ripio-webhooks/schemas';
import { z } from 'zod';
import { verifyRipioSignature } from '../signature/verify-ripio-signature.js';
import { intakeProofKeyId, verifyIntakeMac } from './intake-proof.js';

/** The keys a worker checks proofs with. */
export interface IntakeProofKeys {
  /** INTAKE_PROOF_KEYS: a receiver MAC made with any of them is valid. */
  proofKeys: readonly string[];
  /** RIPIO_WEBHOOK_SECRETS when the worker is given them (else empty): the fallback check of Ripio's signature. */
  ripioSecrets: readonly string[];
}

/** Why a job is not proven: its data is not an event job's, it carries no proof, or its proof does not verify. */
type UnsignedReason = 'not_an_event_job' | 'no_proof' | 'proof_mismatch';

export type IntakeProofCheck =
  | { outcome: 'valid'; by: 'receiver_mac'; keyIndex: number }
  | { outcome: 'valid'; by: 'ripio_signature'; secretIndex: number }
  | { outcome: 'unsigned'; reason: UnsignedReason; detail: string };

/** The fields a proof binds, read from job data nobody vouches for yet. */
const Subject = z.object({ rawBody: z.string(), eventKey: z.string(), receivedAt: z.string() });

/** A proof as found: each part optional, so a broken MAC still leaves Ripio's header to check. */
const FoundProof = z.object({
  version: z.unknown().optional(),
  keyId: z.string().optional().catch(undefined),
  mac: z.string().optional().catch(undefined),
  ripioSignature: z.object({ header: z.string(), value: z.string() }).optional().catch(undefined),
});
type FoundProof = z.infer<typeof FoundProof>;

function checkMac(
  subject: IntakeProofSubject,
  proof: FoundProof,
  keys: IntakeProofKeys,
): IntakeProofCheck | string {
  if (proof.mac === undefined) return 'receiver MAC: missing';
  if (proof.version !== 1) return `receiver MAC: unknown proof version ${JSON.stringify(proof.version)}`;
  const check = verifyIntakeMac(subject, proof.mac, keys.proofKeys);
  if (check.outcome === 'valid') return { outcome: 'valid', by: 'receiver_mac', keyIndex: check.keyIndex };
  const held = keys.proofKeys.map(intakeProofKeyId).join(', ');
  return `receiver MAC: ${check.outcome} (made with key ${proof.keyId ?? '?'}; INTAKE_PROOF_KEYS here: ${held})`;
}

function checkRipioSignature(
  rawBody: string,
  proof: FoundProof,
  keys: IntakeProofKeys,
): IntakeProofCheck | string {
  if (keys.ripioSecrets.length === 0) return "Ripio's signature: not checked (no RIPIO_WEBHOOK_SECRETS here)";
  if (proof.ripioSignature === undefined) return "Ripio's signature: missing";
  const { header, value } = proof.ripioSignature;
  const headers = { [header.toLowerCase()]: value };
  const check = verifyRipioSignature(Buffer.from(rawBody, 'utf8'), headers, keys.ripioSecrets);
  if (check.outcome !== 'valid') return `Ripio's signature: ${check.outcome}`;
  return { outcome: 'valid', by: 'ripio_signature', secretIndex: check.secretIndex };
}

/**
 * Whether job data read from the events queue carries proof that a receiver verified it: the receiver's MAC with
 * any INTAKE_PROOF_KEYS key, or else Ripio's signature header over the raw body with any of Ripio's secrets.
 * The data is taken as unknown: anyone who can write to Redis can put anything on the queue.
 */
export function checkIntakeProof(data: unknown, keys: IntakeProofKeys): IntakeProofCheck {
  const subject = Subject.safeParse(data);
  if (!subject.success) {
    return {
      outcome: 'unsigned',
      reason: 'not_an_event_job',
      detail: 'job data lacks rawBody, eventKey or receivedAt',
    };
  }
  const proof = FoundProof.safeParse((data as { proof?: unknown }).proof);
  if (!proof.success || (proof.data.mac === undefined && proof.data.ripioSignature === undefined)) {
    return { outcome: 'unsigned', reason: 'no_proof', detail: 'the job carries no intake proof' };
  }
  const mac = checkMac(subject.data, proof.data, keys);
  if (typeof mac !== 'string') return mac;
  const ripio = checkRipioSignature(subject.data.rawBody, proof.data, keys);
  if (typeof ripio !== 'string') return ripio;
  return { outcome: 'unsigned', reason: 'proof_mismatch', detail: `${mac}; ${ripio}` };
}
