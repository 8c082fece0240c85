import { describe, expect, it } from 'vitest';
import { signRipioBody } from '@ripio-webhooks/core';
import { toRipioJson } from '@ripio-webhooks/schemas';
import { describeDiagnosis, diagnoseSignature } from './diagnose-signature.js';

const secret = 'whsec_verify';
const event = {
  eventType: 'SUPPORT_TICKET.CREATED',
  issueDatetime: '2026-05-19T14:30:00.000Z',
  supportTicket: { ticketId: 't-1', customerId: 'c-1', description: 'Depósito não creditado' },
};
const ripioBody = toRipioJson(event);
const signature = signRipioBody(ripioBody, secret);
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('diagnoseSignature', () => {
  it('matches the exact bytes Ripio signed', () => {
    expect(diagnoseSignature(bytes(ripioBody), signature, secret)).toEqual({ verdict: 'match' });
  });

  it('accepts the bare hex digest too', () => {
    expect(diagnoseSignature(bytes(ripioBody), signature.slice('sha256='.length), secret).verdict).toBe(
      'match',
    );
  });

  it('points at pretty-printing when the body was re-serialized with indentation', () => {
    const pretty = JSON.stringify(event, null, 2);
    expect(diagnoseSignature(bytes(pretty), signature, secret)).toEqual({
      verdict: 'mismatch',
      explanation: { kind: 'rewritten', rewrite: 'ripio-compact' },
    });
  });

  it('points at lost ASCII escaping when non-ASCII characters were written as UTF-8', () => {
    const unescaped = JSON.stringify(event);
    expect(unescaped).not.toBe(ripioBody);
    const diagnosis = diagnoseSignature(bytes(unescaped), signature, secret);
    expect(diagnosis).toEqual({
      verdict: 'mismatch',
      explanation: { kind: 'rewritten', rewrite: 'ripio-compact' },
    });
    expect(describeDiagnosis(diagnosis)).toMatch(/re-serialized/);
  });

  it('recognises a signature computed over a pretty-printed body (the sender side of the bug)', () => {
    const prettySignature = signRipioBody(JSON.stringify(event, null, 2), secret);
    expect(diagnoseSignature(bytes(ripioBody), prettySignature, secret)).toEqual({
      verdict: 'mismatch',
      explanation: { kind: 'rewritten', rewrite: 'pretty-2' },
    });
  });

  it('recognises Python default separators', () => {
    const pythonSignature = signRipioBody(
      '{"eventType": "SUPPORT_TICKET.CREATED", "issueDatetime": "2026-05-19T14:30:00.000Z", "supportTicket": ' +
        '{"ticketId": "t-1", "customerId": "c-1", "description": "Dep\\u00f3sito n\\u00e3o creditado"}}',
      secret,
    );
    expect(diagnoseSignature(bytes(ripioBody), pythonSignature, secret)).toEqual({
      verdict: 'mismatch',
      explanation: { kind: 'rewritten', rewrite: 'python-default' },
    });
  });

  it('spots a final newline added by an editor', () => {
    expect(diagnoseSignature(bytes(`${ripioBody}\n`), signature, secret)).toEqual({
      verdict: 'mismatch',
      explanation: { kind: 'trailing-newline', change: 'added' },
    });
  });

  it('says unexplained for a wrong secret', () => {
    const diagnosis = diagnoseSignature(bytes(ripioBody), signature, 'not-the-secret');
    expect(diagnosis).toEqual({ verdict: 'mismatch', explanation: { kind: 'unexplained' } });
    expect(describeDiagnosis(diagnosis)).toMatch(/secret/);
  });

  it('says not-json for a body that is not JSON', () => {
    expect(diagnoseSignature(bytes('hello'), signature, secret)).toEqual({
      verdict: 'mismatch',
      explanation: { kind: 'not-json' },
    });
  });

  it('calls a truncated signature malformed', () => {
    expect(diagnoseSignature(bytes(ripioBody), signature.slice(0, 30), secret)).toEqual({
      verdict: 'malformed',
    });
  });
});
