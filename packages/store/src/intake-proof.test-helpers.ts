import { intakeProver, signIntakeProof, signRipioBody } from '@ripio-webhooks/core';
import type { IntakeProof, IntakeProofSubject } from '@ripio-webhooks/schemas';

/** The INTAKE_PROOF_KEYS of the store's tests, and the Ripio secret their bodies are signed with. */
export const TEST_PROOF_KEY = 'store-tests-intake-proof-key-0123456789';
const RIPIO_SECRET = 'store-tests-ripio-secret';

function ripioHeader(rawBody: string): { header: string; value: string } {
  return { header: 'x-wh-signature-256', value: signRipioBody(rawBody, RIPIO_SECRET) };
}

/** The proof a receiver holding the test key gives a job with these fields. */
export function testProof(subject: IntakeProofSubject): IntakeProof {
  return signIntakeProof(subject, ripioHeader(subject.rawBody), [TEST_PROOF_KEY]);
}

/** The prover a receiver holding the test key hands `eventJobOf`, for a body Ripio signed. */
export function testProver(rawBody: string): (subject: IntakeProofSubject) => IntakeProof {
  return intakeProver([TEST_PROOF_KEY], ripioHeader(rawBody));
}
