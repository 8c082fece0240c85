import { describe, expect, it } from 'vitest';
import { signRipioBody, verifyRipioSignature } from './verify-ripio-signature.js';

const body = Buffer.from(
  '{"eventType":"ACCOUNT.CLOSED","issueDatetime":"2026-05-19T14:30:00.000Z","account":{"customerId":"c1","isActive":false}}',
);
const secret = 'whsec_test';

describe('verifyRipioSignature', () => {
  it('accepts the documented header with the sha256= prefix', () => {
    const headers = { 'http-x-wh-signature-256': signRipioBody(body, secret) };
    expect(verifyRipioSignature(body, headers, [secret])).toEqual({ outcome: 'valid', secretIndex: 0 });
  });

  it('accepts the wire header name without the prefix and in upper case', () => {
    const hex = signRipioBody(body, secret).slice('sha256='.length).toUpperCase();
    expect(verifyRipioSignature(body, { 'x-wh-signature-256': hex }, [secret]).outcome).toBe('valid');
  });

  it('accepts a rotated secret and says which one matched', () => {
    const headers = { 'x-wh-signature-256': signRipioBody(body, 'new-secret') };
    expect(verifyRipioSignature(body, headers, [secret, 'new-secret'])).toEqual({
      outcome: 'valid',
      secretIndex: 1,
    });
  });

  it('rejects a wrong secret', () => {
    const headers = { 'x-wh-signature-256': signRipioBody(body, 'other') };
    expect(verifyRipioSignature(body, headers, [secret]).outcome).toBe('mismatch');
  });

  it('rejects a re-serialized body (the classic integration bug)', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));
    const headers = { 'x-wh-signature-256': signRipioBody(body, secret) };
    expect(verifyRipioSignature(reserialized, headers, [secret]).outcome).toBe('mismatch');
  });

  it('reports a missing header and a truncated signature', () => {
    expect(verifyRipioSignature(body, {}, [secret]).outcome).toBe('missing');
    const truncated = signRipioBody(body, secret).slice(0, 40);
    expect(verifyRipioSignature(body, { 'x-wh-signature-256': truncated }, [secret]).outcome).toBe(
      'malformed',
    );
  });
});
