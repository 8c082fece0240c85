import { describe, expect, it } from 'vitest';
import { signRipioBody } from '../signature/verify-ripio-signature.js';
import { checkIntakeProof } from './check-intake-proof.js';
import {
  intakeProofKeyId,
  intakeProofMessage,
  intakeProver,
  signIntakeProof,
  verifyIntakeMac,
} from './intake-proof.js';

const OLD_KEY = 'old-intake-proof-key-0123456789abcdef';
const NEW_KEY = 'new-intake-proof-key-0123456789abcdef';
const RIPIO_SECRET = 'ripio-secret-0123456789abcdef-0123456789';
const body = '{"eventType":"ACCOUNT.CLOSED","account":{"customerId":"c1","isActive":false}}';
const subject = {
  rawBody: body,
  eventKey: 'account|c1|ACCOUNT.CLOSED',
  receivedAt: '2026-05-19T14:30:01.000Z',
};
const ripioSignature = { header: 'x-wh-signature-256', value: signRipioBody(body, RIPIO_SECRET) };

/** Job data as the receiver builds it (only the fields the proof binds, and the proof). */
function jobData(keys: readonly string[], over: Partial<typeof subject> = {}) {
  return { ...subject, proof: signIntakeProof(subject, ripioSignature, keys), ...over };
}

const workerKeys = { proofKeys: [NEW_KEY, OLD_KEY], ripioSecrets: [] };

describe('intake proof: sign and verify', () => {
  it('signs with the first key, keeps the Ripio header as given, and verifies with any key', () => {
    const proof = signIntakeProof(subject, ripioSignature, [NEW_KEY, OLD_KEY]);
    expect(proof).toMatchObject({ version: 1, ripioSignature, keyId: intakeProofKeyId(NEW_KEY) });
    expect(proof.mac).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyIntakeMac(subject, proof.mac, [OLD_KEY, NEW_KEY])).toEqual({
      outcome: 'valid',
      keyIndex: 1,
    });
    expect(verifyIntakeMac(subject, proof.mac, [OLD_KEY])).toEqual({ outcome: 'mismatch' });
    expect(verifyIntakeMac(subject, 'zz', [NEW_KEY])).toEqual({ outcome: 'malformed' });
    expect(intakeProver([NEW_KEY], ripioSignature)(subject)).toEqual(proof);
  });

  it('binds the body, the event key and the receipt time', () => {
    const { mac } = signIntakeProof(subject, ripioSignature, [NEW_KEY]);
    for (const changed of [
      { ...subject, rawBody: body.replace('c1', 'c2') },
      { ...subject, rawBody: `${body} ` },
      { ...subject, eventKey: 'account|c2|ACCOUNT.CLOSED' },
      { ...subject, receivedAt: '2026-05-19T14:30:02.000Z' },
    ]) {
      expect(verifyIntakeMac(changed, mac, [NEW_KEY]).outcome).toBe('mismatch');
    }
  });

  it('keeps fields apart in the canonical string, and a key id says nothing of the key', () => {
    const a = intakeProofMessage({ rawBody: body, eventKey: 'a","b', receivedAt: 'c' });
    const b = intakeProofMessage({ rawBody: body, eventKey: 'a', receivedAt: 'b","c' });
    expect(a).not.toBe(b);
    expect(intakeProofKeyId(NEW_KEY)).toMatch(/^[0-9a-f]{16}$/);
    expect(intakeProofKeyId(NEW_KEY)).not.toBe(intakeProofKeyId(OLD_KEY));
    expect(intakeProofKeyId(NEW_KEY)).not.toContain(NEW_KEY.slice(0, 8));
  });

  it('refuses to sign without a key', () => {
    expect(() => signIntakeProof(subject, ripioSignature, [])).toThrow(/at least one key/);
  });
});

describe('checkIntakeProof (the worker, on job data nobody vouches for)', () => {
  it('accepts a receiver MAC made with any held key, the old one after a rotation too', () => {
    expect(checkIntakeProof(jobData([NEW_KEY]), workerKeys)).toEqual({
      outcome: 'valid',
      by: 'receiver_mac',
      keyIndex: 0,
    });
    expect(checkIntakeProof(jobData([OLD_KEY]), workerKeys)).toEqual({
      outcome: 'valid',
      by: 'receiver_mac',
      keyIndex: 1,
    });
  });

  it('refuses data that is no event job, and a job without a proof', () => {
    for (const data of [null, 'text', 42, { rawBody: body }]) {
      expect(checkIntakeProof(data, workerKeys)).toMatchObject({
        outcome: 'unsigned',
        reason: 'not_an_event_job',
      });
    }
    for (const proof of [undefined, null, 'mac', {}, { keyId: 'x' }]) {
      expect(checkIntakeProof({ ...subject, proof }, workerKeys)).toMatchObject({
        outcome: 'unsigned',
        reason: 'no_proof',
      });
    }
  });

  it('refuses a proof over another body, key or time, a MAC of an unknown key, and an unknown version', () => {
    const other = { ...subject, rawBody: body.replace('c1', 'c2') };
    const proofOfOther = signIntakeProof(other, ripioSignature, [NEW_KEY]);
    const cases = [
      { ...subject, proof: proofOfOther },
      jobData([NEW_KEY], { eventKey: 'account|c9|ACCOUNT.CLOSED' }),
      jobData([NEW_KEY], { receivedAt: '2026-05-19T14:30:09.000Z' }),
      jobData(['a-key-no-receiver-or-worker-holds-0123456789']),
      { ...jobData([NEW_KEY]), proof: { ...jobData([NEW_KEY]).proof, version: 2 } },
    ];
    for (const data of cases) {
      expect(checkIntakeProof(data, workerKeys)).toMatchObject({
        outcome: 'unsigned',
        reason: 'proof_mismatch',
      });
    }
    const unknownKey = checkIntakeProof(
      jobData(['a-key-no-receiver-or-worker-holds-0123456789']),
      workerKeys,
    );
    expect(unknownKey).toMatchObject({
      detail: expect.stringContaining(intakeProofKeyId(NEW_KEY)) as unknown,
    });
    expect(unknownKey).toMatchObject({ detail: expect.stringContaining('not checked') as unknown });
  });

  it("falls back to Ripio's signature over the raw body when the worker holds Ripio's secrets", () => {
    const withSecrets = {
      proofKeys: [NEW_KEY],
      ripioSecrets: ['another-ripio-secret-0123456789abcdef', RIPIO_SECRET],
    };
    // A MAC made with a key the worker no longer holds, but Ripio's header still verifies.
    const data = jobData(['a-key-no-receiver-or-worker-holds-0123456789']);
    expect(checkIntakeProof(data, withSecrets)).toEqual({
      outcome: 'valid',
      by: 'ripio_signature',
      secretIndex: 1,
    });
    // The header name is read the way the receiver reads it, in any letter case.
    const upper = {
      ...data,
      proof: { ...data.proof, ripioSignature: { ...ripioSignature, header: 'X-Wh-Signature-256' } },
    };
    expect(checkIntakeProof(upper, withSecrets).outcome).toBe('valid');
    // Without any MAC, Ripio's header alone is proof enough for a worker that can check it.
    expect(checkIntakeProof({ ...subject, proof: { ripioSignature } }, withSecrets).outcome).toBe('valid');
    expect(checkIntakeProof({ ...subject, proof: { ripioSignature } }, workerKeys).outcome).toBe('unsigned');
    // But Ripio's signature covers the body only, and a swapped body fails both checks.
    const swapped = { ...data, rawBody: body.replace('c1', 'c2') };
    expect(checkIntakeProof(swapped, withSecrets)).toMatchObject({
      outcome: 'unsigned',
      detail: expect.stringContaining("Ripio's signature: mismatch") as unknown,
    });
  });
});
