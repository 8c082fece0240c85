import { describe, expect, it } from 'vitest';
import { parseEvent, parseEventBody, type ParseResult } from './parse-event.js';
import { toRipioJson } from './ripio-json.js';
import { sampleEvent, type SampleEnvelope } from './sample-events.js';

const ISSUED = '2026-03-12T14:22:22.508Z';
const OFF_RAMP_ID = '8e2d4c61-5b3a-4f7e-a1d9-6c0b2e4f8a13';

function offRampDeposit(overrides?: Record<string, unknown>): SampleEnvelope {
  return sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', {
    entityId: OFF_RAMP_ID,
    issueDatetime: ISSUED,
    ...(overrides === undefined ? {} : { overrides }),
  });
}

function failureOf(result: ParseResult): Extract<ParseResult, { ok: false }> {
  if (result.ok) {
    throw new Error(`expected a failure, got ${result.event.eventType} ${result.event.entityId}`);
  }
  return result;
}

function parseText(value: unknown): ParseResult {
  return parseEventBody(JSON.stringify(value));
}

describe('parseEvent: valid events', () => {
  it('accepts On-Ramp under transactionObject', () => {
    const body = sampleEvent('ON-RAMP.TRADE.COMPLETED', { entityId: 'onr-1', issueDatetime: ISSUED });
    expect(body).toHaveProperty('transactionObject');
    const result = parseText(body);
    expect(result.ok && result.event.entityId).toBe('onr-1');
  });

  it('accepts On-Ramp under transaction (the widget page shape)', () => {
    const { transactionObject, ...envelope } = sampleEvent('ON-RAMP.TRADE.COMPLETED', {
      entityId: 'onr-2',
      issueDatetime: ISSUED,
    });
    const result = parseText({ ...envelope, transaction: transactionObject });
    expect(result.ok && result.event).toMatchObject({
      kind: 'on-ramp',
      entityId: 'onr-2',
      status: 'TRADE_COMPLETED',
    });
  });

  it('resolves an alias to the canonical type and keeps the wire name', () => {
    const result = parseText(
      sampleEvent('SELL_AND_PAY.DEPOSIT_CONFIRMED', { entityId: 'sp-1', issueDatetime: ISSUED }),
    );
    expect(result.ok && result.event).toMatchObject({
      eventType: 'SELL_AND_PAY.DEPOSIT.RECEIVED',
      receivedAs: 'SELL_AND_PAY.DEPOSIT_CONFIRMED',
      status: 'DEPOSIT_RECEIVED',
    });
  });

  it('accepts the nulls the docs allow (trade, paymentOrder, refundTxnHash, issueKey, txnHash)', () => {
    const sellAndPay = sampleEvent('SELL_AND_PAY.DEPOSIT.RECEIVED', {
      entityId: 'sp-2',
      issueDatetime: ISSUED,
    });
    expect(sellAndPay.transaction).toMatchObject({ trade: null, paymentOrder: null, refundTxnHash: null });
    expect(parseText(sellAndPay).ok).toBe(true);
    expect(
      parseText(sampleEvent('SUPPORT_TICKET.FAILED', { entityId: 't-1', issueDatetime: ISSUED })).ok,
    ).toBe(true);
    expect(parseText(offRampDeposit({ txnHash: null })).ok).toBe(true);
  });

  it('accepts a Sell and Pay transaction with no deposit yet (cryptoDeposit null)', () => {
    const result = parseText(
      sampleEvent('SELL_AND_PAY.DEPOSIT.BLOCKED', {
        entityId: 'sp-3',
        issueDatetime: ISSUED,
        overrides: { cryptoDeposit: null },
      }),
    );
    expect(result.ok && result.event.discriminator).toBeUndefined();
  });

  it('needs only the entity id: every other documented field may be absent', () => {
    const result = parseText({
      eventType: 'OFF-RAMP.WITHDRAWAL.COMPLETED',
      issueDatetime: ISSUED,
      transactionObject: { transactionId: 'x' },
    });
    expect(result.ok && result.event).toMatchObject({ entityId: 'x', status: 'WITHDRAWAL_COMPLETED' });
  });

  it('accepts timestamps with microseconds, milliseconds, none, and an offset', () => {
    for (const issueDatetime of [
      '2024-10-01T15:30:45.123456Z',
      '2024-04-25T18:22:37Z',
      '2024-04-25T18:22:37.1Z',
      '2024-04-25T15:22:37-03:00',
    ]) {
      expect(parseText({ ...offRampDeposit(), issueDatetime }).ok, issueDatetime).toBe(true);
    }
  });

  it('parseEvent takes decoded JSON as well as parseEventBody takes text', () => {
    const body = offRampDeposit();
    expect(parseEvent(body)).toEqual(parseEventBody(toRipioJson(body)));
  });
});

describe('parseEvent: malformed events are reported, not thrown', () => {
  it('missing entity id -> invalid, no identity', () => {
    const failure = failureOf(parseText(offRampDeposit({ transactionId: undefined })));
    expect(failure).toMatchObject({
      reason: 'invalid',
      eventType: 'OFF-RAMP.DEPOSIT.RECEIVED',
      identity: undefined,
    });
    expect(failure.issues.join()).toContain('transactionObject.transactionId');
  });

  it('empty entity id -> invalid, no identity', () => {
    const failure = failureOf(parseText(offRampDeposit({ transactionId: '' })));
    expect(failure).toMatchObject({ reason: 'invalid', identity: undefined });
  });

  it('entity id of the wrong type -> invalid, no identity', () => {
    const failure = failureOf(parseText(offRampDeposit({ transactionId: 12345 })));
    expect(failure).toMatchObject({ reason: 'invalid', identity: undefined });
    expect(failure.issues.join()).toContain('transactionObject.transactionId');
  });

  it('a documented field of the wrong type -> invalid, identity kept', () => {
    const failure = failureOf(parseText(offRampDeposit({ amount: 10.25 })));
    expect(failure.reason).toBe('invalid');
    expect(failure.issues.join()).toContain('transactionObject.amount');
    expect(failure.identity).toEqual({
      kind: 'off-ramp',
      entityId: OFF_RAMP_ID,
      eventType: 'OFF-RAMP.DEPOSIT.RECEIVED',
    });
  });

  it('null where the docs do not allow it (off-ramp amount) -> invalid, identity kept', () => {
    const failure = failureOf(parseText(offRampDeposit({ amount: null })));
    expect(failure.issues.join()).toContain('transactionObject.amount');
    expect(failure.identity?.entityId).toBe(OFF_RAMP_ID);
  });

  it('a nested object of the wrong shape -> invalid with its path', () => {
    const body = sampleEvent('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', {
      entityId: 'sp-9',
      issueDatetime: ISSUED,
      overrides: { trade: 'done' },
    });
    const failure = failureOf(parseText(body));
    expect(failure.issues.join()).toContain('transaction.trade');
    expect(failure.identity?.entityId).toBe('sp-9');
  });

  it('the orphan deposit needs its cryptoDeposit.id (its entity id)', () => {
    const body = sampleEvent('SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING', {
      entityId: 'dep-1',
      issueDatetime: ISSUED,
      overrides: { cryptoDeposit: { hash: '0xabc' } },
    });
    expect(failureOf(parseText(body))).toMatchObject({ reason: 'invalid', identity: undefined });
    const withoutDeposit = failureOf(parseText({ ...body, transaction: { refundTxnHash: null } }));
    expect(withoutDeposit).toMatchObject({ reason: 'invalid', identity: undefined });
  });

  it('missing object -> invalid naming the keys it looked for', () => {
    const { transactionObject: _dropped, ...envelope } = sampleEvent('ON-RAMP.DEPOSIT.RECEIVED', {
      entityId: 'o',
      issueDatetime: ISSUED,
    });
    const failure = failureOf(parseText(envelope));
    expect(failure).toMatchObject({
      reason: 'invalid',
      eventType: 'ON-RAMP.DEPOSIT.RECEIVED',
      identity: undefined,
    });
    expect(failure.issues).toEqual(['transactionObject or transaction: missing']);
  });

  it('object that is not an object -> invalid', () => {
    for (const value of [null, 'x', 42, ['transactionId']]) {
      const failure = failureOf(parseText({ ...offRampDeposit(), transactionObject: value }));
      expect(failure.reason, JSON.stringify(value)).toBe('invalid');
      expect(failure.identity).toBeUndefined();
    }
  });

  it('a body that is JSON but not an object -> invalid', () => {
    for (const text of ['[]', '"OFF-RAMP.DEPOSIT.RECEIVED"', 'null', '42', 'true']) {
      expect(failureOf(parseEventBody(text)), text).toMatchObject({
        reason: 'invalid',
        eventType: undefined,
        identity: undefined,
      });
    }
  });

  it('a body that is not JSON -> invalid', () => {
    for (const text of ['', '{"eventType":', 'eventType=OFF-RAMP', '{"a":1}{"b":2}']) {
      const failure = failureOf(parseEventBody(text));
      expect(failure.reason, text).toBe('invalid');
      expect(failure.issues[0], text).toMatch(/^\(root\): not JSON/);
    }
  });

  it('missing or non-string eventType -> invalid', () => {
    const { eventType: _dropped, ...withoutType } = offRampDeposit();
    expect(failureOf(parseText(withoutType))).toMatchObject({ reason: 'invalid', eventType: undefined });
    expect(failureOf(parseText({ ...withoutType, eventType: 7 }))).toMatchObject({
      reason: 'invalid',
      eventType: undefined,
    });
    expect(failureOf(parseText({ ...withoutType, eventType: '' }))).toMatchObject({
      reason: 'invalid',
      eventType: undefined,
    });
  });

  it('bad issueDatetime -> invalid, identity kept', () => {
    for (const issueDatetime of [
      'yesterday',
      '2024-02-30T00:00:00Z',
      '2024-10-01T15:30:45',
      '2024-10-01',
      '1',
      1727796645123,
      null,
    ]) {
      const failure = failureOf(parseText({ ...offRampDeposit(), issueDatetime }));
      expect(failure.reason, String(issueDatetime)).toBe('invalid');
      expect(failure.issues.join(), String(issueDatetime)).toContain('issueDatetime');
      expect(failure.identity?.entityId).toBe(OFF_RAMP_ID);
    }
  });

  it('missing issueDatetime -> invalid, identity kept', () => {
    const { issueDatetime: _dropped, ...envelope } = offRampDeposit();
    const failure = failureOf(parseText(envelope));
    expect(failure.issues.join()).toContain('issueDatetime');
    expect(failure.identity?.entityId).toBe(OFF_RAMP_ID);
  });

  it('unknown type -> unknown_type with the type kept', () => {
    const failure = failureOf(parseText({ ...offRampDeposit(), eventType: 'OFF-RAMP.DEPOSIT.EXPLODED' }));
    expect(failure).toMatchObject({
      reason: 'unknown_type',
      eventType: 'OFF-RAMP.DEPOSIT.EXPLODED',
      identity: undefined,
    });
  });

  it('event type names are matched exactly (case and separators)', () => {
    for (const eventType of [
      'off-ramp.deposit.received',
      'OFF-RAMP.DEPOSIT.RECEIVED ',
      'OFF_RAMP.DEPOSIT.RECEIVED',
    ]) {
      expect(failureOf(parseText({ ...offRampDeposit(), eventType })).reason, eventType).toBe('unknown_type');
    }
  });
});

describe('parseEvent: hostile keys', () => {
  it('__proto__ and constructor in the body pollute nothing and do not crash', () => {
    const transaction = JSON.stringify(
      sampleEvent('OFF-RAMP.TRADE.COMPLETED', { entityId: 'p-1', issueDatetime: ISSUED }).transactionObject,
    );
    const text =
      `{"eventType":"OFF-RAMP.TRADE.COMPLETED","issueDatetime":"${ISSUED}","__proto__":{"polluted":true},` +
      `"constructor":{"prototype":{"polluted":true}},"transactionObject":${transaction.slice(0, -1)},` +
      `"__proto__":{"isAdmin":true},"constructor":{"prototype":{"isAdmin":true}},"toString":"x"}}`;
    const result = parseEventBody(text);
    if (!result.ok) throw new Error(result.issues.join());
    const object = result.event.object as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(object.isAdmin).toBeUndefined();
    // constructor and toString are ordinary unknown fields: kept as data.
    expect(Object.hasOwn(object, 'constructor')).toBe(true);
    expect(object.constructor).toEqual({ prototype: { isAdmin: true } });
    expect(object.toString).toBe('x');
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(probe.isAdmin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.prototype).not.toHaveProperty('isAdmin');
  });

  it('an object hidden under __proto__ is not found', () => {
    const text = `{"eventType":"OFF-RAMP.TRADE.COMPLETED","issueDatetime":"${ISSUED}","__proto__":{"transactionObject":{"transactionId":"p-2"}}}`;
    expect(failureOf(parseEventBody(text))).toMatchObject({ reason: 'invalid', identity: undefined });
  });

  it('an entity id inherited through __proto__ is not read', () => {
    const text = `{"eventType":"OFF-RAMP.TRADE.COMPLETED","issueDatetime":"${ISSUED}","transactionObject":{"__proto__":{"transactionId":"p-3"}}}`;
    expect(failureOf(parseEventBody(text))).toMatchObject({ reason: 'invalid', identity: undefined });
  });

  it('event types named like Object.prototype members are unknown', () => {
    for (const eventType of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(failureOf(parseText({ ...offRampDeposit(), eventType })).reason, eventType).toBe('unknown_type');
    }
  });

  it('an entity id of "__proto__" is just an id', () => {
    const result = parseText(offRampDeposit({ transactionId: '__proto__' }));
    expect(result.ok && result.event.entityId).toBe('__proto__');
  });
});
