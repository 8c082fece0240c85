import { describe, expect, it } from 'vitest';
import { eventJobOf, UNKNOWN_JOB_NAME, type IntakeProof, type IntakeProofSubject } from './event-job.js';
import { rawEventKey, sha256Hex } from './event-key.js';

const RECEIVED_AT_MS = Date.parse('2026-03-12T14:22:23.000Z');

/** A stand-in for the receiver's signer (core's): it says what it was asked to sign. */
function fakeProof(subject: IntakeProofSubject): IntakeProof {
  return {
    version: 1,
    ripioSignature: { header: 'x-wh-signature-256', value: 'sha256=given' },
    keyId: 'test',
    mac: JSON.stringify(subject),
  };
}

function jobOf(text: string) {
  return eventJobOf({
    envelope: JSON.parse(text) as Record<string, unknown>,
    rawBody: Buffer.from(text),
    rawText: text,
    receivedAtMs: RECEIVED_AT_MS,
    requestId: 'req-1',
    prove: fakeProof,
  });
}

describe('eventJobOf', () => {
  it('names a known event by its canonical type and keys it by entity', () => {
    const text = JSON.stringify({
      eventType: 'KYC.COMPLETED',
      issueDatetime: '2026-03-12T14:22:22.508Z',
      payload: { submissionId: 'sub-1', customerId: 'cust-1', source: 'WIDGET', metadata: {} },
    });
    expect(jobOf(text)).toEqual({
      name: 'KYC.COMPLETED',
      eventKey: 'kyc|cust-1|KYC.COMPLETED|sub-1',
      data: {
        rawBody: text,
        bodySha256: sha256Hex(text),
        receivedAt: '2026-03-12T14:22:23.000Z',
        eventKey: 'kyc|cust-1|KYC.COMPLETED|sub-1',
        requestId: 'req-1',
        eventType: 'KYC.COMPLETED',
        proof: {
          version: 1,
          ripioSignature: { header: 'x-wh-signature-256', value: 'sha256=given' },
          keyId: 'test',
          // The proof binds the exact body, the event key and the receipt time.
          mac: JSON.stringify({
            rawBody: text,
            eventKey: 'kyc|cust-1|KYC.COMPLETED|sub-1',
            receivedAt: '2026-03-12T14:22:23.000Z',
          }),
        },
      },
    });
  });

  it('names an event type the catalog does not know `unknown`, keyed by its bytes, keeping the type as sent', () => {
    const text = '{"eventType":"RAMP.SOMETHING.NEW","payload":{}}';
    const job = jobOf(text);
    expect(job.name).toBe(UNKNOWN_JOB_NAME);
    expect(job.eventKey).toBe(rawEventKey(text));
    expect(job.data.eventType).toBe('RAMP.SOMETHING.NEW');
  });

  it('keeps a missing event type as null', () => {
    expect(jobOf('{"payload":{}}').data.eventType).toBeNull();
  });
});
