import { describe, expect, it } from 'vitest';
import { answerOf, type IntakeOutcome } from './intake-outcome.js';

const settings = { retryAfterSeconds: 7 };
const KEY = 'kyc|cust-1|KYC.COMPLETED|sub-1';

describe('answerOf: the HTTP answer of each intake outcome', () => {
  it.each<[string, IntakeOutcome, number, Record<string, unknown>]>([
    [
      'accepted',
      { outcome: 'accepted', eventKey: KEY, jobName: 'KYC.COMPLETED' },
      202,
      { status: 'accepted', eventKey: KEY },
    ],
    [
      'duplicate',
      { outcome: 'duplicate', eventKey: KEY, jobName: 'KYC.COMPLETED' },
      202,
      { status: 'duplicate', eventKey: KEY },
    ],
    [
      'bad_signature',
      { outcome: 'bad_signature', reason: 'mismatch' },
      401,
      { status: 'bad_signature', error: 'missing or invalid signature' },
    ],
    [
      'bad_request (not JSON)',
      { outcome: 'bad_request', reason: 'not_json' },
      400,
      { status: 'bad_request', error: 'the body is not JSON' },
    ],
    [
      'bad_request (unreadable body keeps the reader status)',
      { outcome: 'bad_request', reason: 'unreadable_body', status: 415, readerError: 'encoding.unsupported' },
      415,
      { status: 'bad_request', error: 'the body could not be read' },
    ],
    [
      'too_large',
      { outcome: 'too_large', limitBytes: 1024 },
      413,
      { status: 'too_large', error: 'the body is over 1024 bytes' },
    ],
    [
      'too_old (answered and counted as bad_request)',
      { outcome: 'too_old', eventKey: KEY, ageSeconds: 90.4 },
      400,
      {
        status: 'bad_request',
        eventKey: KEY,
        error: 'issueDatetime is older than MAX_EVENT_AGE_SECONDS allows',
      },
    ],
  ])('%s', (_label, outcome, status, body) => {
    const answer = answerOf(outcome, settings);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual(body);
    expect(answer.headers).toEqual({});
  });

  it('unavailable: 503 with Retry-After, and the reason and error in the log line', () => {
    const error = new Error('connection lost');
    const answer = answerOf(
      { outcome: 'unavailable', eventKey: KEY, jobName: 'KYC.COMPLETED', reason: 'timeout', error },
      settings,
    );
    expect(answer).toEqual({
      status: 503,
      body: { status: 'unavailable', error: 'the event could not be queued now; retry later' },
      headers: { 'Retry-After': '7' },
      log: { eventKey: KEY, eventType: 'KYC.COMPLETED', reason: 'timeout', err: error },
    });
  });

  it('too_old logs its own reason and the rounded age', () => {
    expect(answerOf({ outcome: 'too_old', eventKey: KEY, ageSeconds: 90.4 }, settings).log).toEqual({
      reason: 'too_old',
      eventKey: KEY,
      ageSeconds: 90,
    });
  });
});
