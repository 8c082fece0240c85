import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkIntakeProof, signIntakeProof } from '@ripio-webhooks/core';
import { rawEventKey, sha256Hex } from '@ripio-webhooks/schemas';
import { screenRequest, type IngestConfig, type Screening } from './ingest.js';
import { INTAKE_PROOF_KEY, kycBody, OLD_SECRET, SECRET, sign } from './receiver.test-helpers.js';

const OLD_PROOF_KEY = 'receiver-tests-old-intake-proof-key-0123456789';
const config: IngestConfig = {
  secrets: [SECRET, OLD_SECRET],
  intakeProofKeys: [INTAKE_PROOF_KEY, OLD_PROOF_KEY],
  maxEventAgeSeconds: 0,
};
const NOW = Date.parse('2026-03-12T14:30:00.000Z');

function decide(
  body: string | Buffer,
  headers: Record<string, string>,
  overrides: Partial<IngestConfig> = {},
): Screening {
  const rawBody = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return screenRequest({ rawBody, headers, requestId: 'req-1', nowMs: NOW }, { ...config, ...overrides });
}

function signed(body: string | Buffer, secret = SECRET): Record<string, string> {
  return { 'x-wh-signature-256': sign(body, secret) };
}

describe('screenRequest: signature variants', () => {
  const body = kycBody();
  const hex = createHmac('sha256', SECRET).update(body).digest('hex');

  it('accepts X-Wh-Signature-256 with the sha256= prefix', () => {
    expect(decide(body, { 'x-wh-signature-256': `sha256=${hex}` }).outcome).toBe('ready');
  });

  it('accepts the Http-X-Wh-Signature-256 header name', () => {
    expect(decide(body, { 'http-x-wh-signature-256': `sha256=${hex}` }).outcome).toBe('ready');
  });

  it('accepts the bare hex digest without the prefix', () => {
    expect(decide(body, { 'x-wh-signature-256': hex }).outcome).toBe('ready');
  });

  it('accepts a body signed with a previous secret still listed (rotation)', () => {
    expect(decide(body, signed(body, OLD_SECRET)).outcome).toBe('ready');
  });

  it('refuses a missing signature', () => {
    expect(decide(body, {})).toEqual({ outcome: 'bad_signature', reason: 'missing' });
  });

  it('refuses a signature made with a secret that is not listed', () => {
    expect(decide(body, signed(body, 'someone-else'))).toEqual({
      outcome: 'bad_signature',
      reason: 'mismatch',
    });
  });

  it('refuses a truncated signature', () => {
    expect(decide(body, { 'x-wh-signature-256': `sha256=${hex.slice(0, 40)}` })).toEqual({
      outcome: 'bad_signature',
      reason: 'malformed',
    });
  });

  it('refuses a signature of other bytes than the body (one byte changed)', () => {
    expect(decide(body.replace('cust-1', 'cust-2'), { 'x-wh-signature-256': `sha256=${hex}` })).toEqual({
      outcome: 'bad_signature',
      reason: 'mismatch',
    });
  });

  it('refuses an empty body without a signature, and answers bad_request to a signed empty body', () => {
    expect(decide('', {})).toEqual({ outcome: 'bad_signature', reason: 'missing' });
    expect(decide('', signed(''))).toEqual({ outcome: 'bad_request', reason: 'not_json' });
  });

  it('verifies the exact escaped bytes of a non-ASCII body, not a re-serialization of it', () => {
    const escaped = kycBody('cust-\\u00e9\\u4e2d', 'sub-\\u00f1').replaceAll('\\\\u', '\\u');
    expect(escaped).toContain('\\u00e9');
    const decision = decide(escaped, signed(escaped));
    expect(decision.outcome).toBe('ready');
    if (decision.outcome === 'ready') {
      expect(decision.job.data.rawBody).toBe(escaped);
      expect(decision.job.eventKey).toBe('kyc|cust-%C3%A9%E4%B8%AD|KYC.COMPLETED|sub-%C3%B1');
    }
    const reserialized = JSON.stringify(JSON.parse(escaped));
    expect(reserialized).not.toBe(escaped);
    expect(decide(reserialized, signed(escaped))).toEqual({ outcome: 'bad_signature', reason: 'mismatch' });
  });
});

describe('screenRequest: the envelope', () => {
  it('builds the job of a valid event: key, canonical name and the data the worker needs', () => {
    const body = kycBody('cust-9', 'sub-9');
    const subject = {
      rawBody: body,
      eventKey: 'kyc|cust-9|KYC.COMPLETED|sub-9',
      receivedAt: '2026-03-12T14:30:00.000Z',
    };
    const ripioSignature = { header: 'x-wh-signature-256', value: sign(body) };
    expect(decide(body, signed(body))).toEqual({
      outcome: 'ready',
      job: {
        eventKey: 'kyc|cust-9|KYC.COMPLETED|sub-9',
        name: 'KYC.COMPLETED',
        data: {
          rawBody: body,
          bodySha256: sha256Hex(body),
          receivedAt: '2026-03-12T14:30:00.000Z',
          eventKey: 'kyc|cust-9|KYC.COMPLETED|sub-9',
          requestId: 'req-1',
          eventType: 'KYC.COMPLETED',
          proof: signIntakeProof(subject, ripioSignature, [INTAKE_PROOF_KEY]),
        },
      },
    });
  });

  it("proves each job with Ripio's header as it arrived and a MAC of the first INTAKE_PROOF_KEYS key", () => {
    const body = kycBody('cust-9', 'sub-9');
    const value = sign(body, OLD_SECRET).toUpperCase().replace('SHA256=', 'sha256=');
    const decision = decide(body, { 'http-x-wh-signature-256': value });
    if (decision.outcome !== 'ready') throw new Error(`expected ready, got ${decision.outcome}`);
    const { proof } = decision.job.data;
    expect(proof.ripioSignature).toEqual({ header: 'http-x-wh-signature-256', value });
    // A worker holding only the old key still verifies (rotation), one holding neither does not.
    const workerKeys = (proofKeys: string[]) => ({ proofKeys, ripioSecrets: [] });
    expect(checkIntakeProof(decision.job.data, workerKeys([OLD_PROOF_KEY, INTAKE_PROOF_KEY]))).toEqual({
      outcome: 'valid',
      by: 'receiver_mac',
      keyIndex: 1,
    });
    expect(checkIntakeProof(decision.job.data, workerKeys([OLD_PROOF_KEY])).outcome).toBe('unsigned');
    // The MAC binds the body: the same proof over another body fails.
    const swapped = { ...decision.job.data, rawBody: kycBody('cust-8', 'sub-9') };
    expect(checkIntakeProof(swapped, workerKeys([INTAKE_PROOF_KEY])).outcome).toBe('unsigned');
  });

  it('still enqueues a signed event of an unknown type, under a raw key and the job name unknown', () => {
    const body = JSON.stringify({
      eventType: 'RAMP.SOMETHING.NEW',
      issueDatetime: '2026-03-12T14:22:22.508Z',
    });
    const decision = decide(body, signed(body));
    expect(decision).toMatchObject({
      outcome: 'ready',
      job: { eventKey: rawEventKey(body), name: 'unknown' },
    });
    if (decision.outcome === 'ready') expect(decision.job.data.eventType).toBe('RAMP.SOMETHING.NEW');
  });

  it('still enqueues a signed event of a known type with invalid fields, under its canonical name', () => {
    const body = JSON.stringify({
      eventType: 'ACCOUNT.CLOSED',
      issueDatetime: 'yesterday',
      account: { isActive: 3 },
    });
    expect(decide(body, signed(body))).toMatchObject({
      outcome: 'ready',
      job: { name: 'ACCOUNT.CLOSED' },
    });
  });

  it('names the job by the canonical type when an alias arrives', () => {
    const body = JSON.stringify({
      eventType: 'SELL_AND_PAY.DEPOSIT_CONFIRMED',
      issueDatetime: '2026-03-12T14:22:22Z',
    });
    expect(decide(body, signed(body))).toMatchObject({
      outcome: 'ready',
      job: { name: 'SELL_AND_PAY.DEPOSIT.RECEIVED' },
    });
  });

  it.each([
    ['not JSON', '{"eventType":', 'not_json'],
    ['a JSON array', '[{"eventType":"KYC.COMPLETED"}]', 'not_an_object'],
    ['a JSON string', '"KYC.COMPLETED"', 'not_an_object'],
    ['null', 'null', 'not_an_object'],
    ['an object without eventType', '{"issueDatetime":"2026-03-12T14:22:22Z"}', 'no_event_type'],
    ['a numeric eventType', '{"eventType":42}', 'no_event_type'],
    ['an empty eventType', '{"eventType":""}', 'no_event_type'],
    ['eventType only under __proto__', '{"__proto__":{"eventType":"KYC.COMPLETED"}}', 'no_event_type'],
  ])('refuses a signed body that is %s', (_label, body, reason) => {
    expect(decide(body, signed(body))).toEqual({ outcome: 'bad_request', reason });
  });

  it('does not let a __proto__ key reach any prototype', () => {
    const body = '{"eventType":"KYC.COMPLETED","__proto__":{"polluted":true},"payload":{"customerId":"c"}}';
    expect(decide(body, signed(body)).outcome).toBe('ready');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('screenRequest: optional age check', () => {
  const body = kycBody(); // issued 2026-03-12T14:22:22.508Z, about 457 s before NOW

  it('is off by default: an old event is enqueued', () => {
    expect(decide(body, signed(body)).outcome).toBe('ready');
  });

  it('refuses an event older than MAX_EVENT_AGE_SECONDS and keeps its key for the log', () => {
    expect(decide(body, signed(body), { maxEventAgeSeconds: 60 })).toMatchObject({
      outcome: 'too_old',
      eventKey: 'kyc|cust-1|KYC.COMPLETED|sub-1',
    });
  });

  it('lets a younger event through, and an event whose issueDatetime cannot be read', () => {
    expect(decide(body, signed(body), { maxEventAgeSeconds: 600 }).outcome).toBe('ready');
    const undated = JSON.stringify({ eventType: 'KYC.COMPLETED', issueDatetime: 'not a date' });
    expect(decide(undated, signed(undated), { maxEventAgeSeconds: 1 }).outcome).toBe('ready');
  });
});
