import { describe, expect, it } from 'vitest';
import { ALIAS_NAMES, EVENT_TYPES, type WireEventName } from './catalog.js';
import { parseEvent, type ParsedEvent } from './parse-event.js';
import { toRipioJson } from './ripio-json.js';
import { sampleEvent, type SampleEnvelope, type SampleEventOptions } from './sample-events.js';

const ISSUED = '2026-03-12T14:22:22.508Z';
const ALL_NAMES: WireEventName[] = [...EVENT_TYPES, ...ALIAS_NAMES];

function build(eventType: WireEventName, options: Partial<SampleEventOptions> = {}): SampleEnvelope {
  return sampleEvent(eventType, {
    entityId: 'entity-1',
    issueDatetime: ISSUED,
    customerId: 'customer-1',
    ...options,
  });
}

function parsed(envelope: SampleEnvelope): ParsedEvent {
  const result = parseEvent(JSON.parse(toRipioJson(envelope)));
  if (!result.ok) throw new Error(`${envelope.eventType}: ${result.issues.join('; ')}`);
  return result.event;
}

function objectOf(envelope: SampleEnvelope, key: string): Record<string, unknown> {
  const object = envelope[key];
  if (typeof object !== 'object' || object === null) throw new Error(`${envelope.eventType} has no ${key}`);
  return object as Record<string, unknown>;
}

describe('sampleEvent', () => {
  it('builds a valid event for every catalog type and alias, for the entity asked', () => {
    for (const name of ALL_NAMES) {
      const envelope = build(name);
      expect(envelope.eventType).toBe(name);
      expect(envelope.issueDatetime).toBe(ISSUED);
      expect(parsed(envelope).entityId, name).toBe('entity-1');
    }
  });

  it('is deterministic: same arguments, same event', () => {
    for (const name of ALL_NAMES) expect(toRipioJson(build(name)), name).toBe(toRipioJson(build(name)));
  });

  it('derives different values for different entities', () => {
    const first = objectOf(build('OFF-RAMP.DEPOSIT.RECEIVED', { entityId: 'a' }), 'transactionObject');
    const second = objectOf(build('OFF-RAMP.DEPOSIT.RECEIVED', { entityId: 'b' }), 'transactionObject');
    expect(first.txnHash).not.toBe(second.txnHash);
    expect(first.address).not.toBe(second.address);
  });

  it('keeps one entity consistent across its events (addresses, amounts, hashes)', () => {
    const deposit = objectOf(build('OFF-RAMP.DEPOSIT.RECEIVED'), 'transactionObject');
    const completed = objectOf(build('OFF-RAMP.WITHDRAWAL.COMPLETED'), 'transactionObject');
    for (const field of ['address', 'amount', 'txnHash', 'fiatAccountId', 'customerId']) {
      expect(completed[field], field).toBe(deposit[field]);
    }
  });

  it('uses the object key of each family (On-Ramp: transactionObject)', () => {
    const keys: [WireEventName, string][] = [
      ['ON-RAMP.DEPOSIT.RECEIVED', 'transactionObject'],
      ['OFF-RAMP.DEPOSIT.RECEIVED', 'transactionObject'],
      ['SELL_AND_PAY.DEPOSIT.RECEIVED', 'transaction'],
      ['SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING', 'transaction'],
      ['SUPPORT_TICKET.CREATED', 'supportTicket'],
      ['KYC.COMPLETED', 'payload'],
      ['ACCOUNT.CLOSED', 'account'],
    ];
    for (const [name, key] of keys) {
      expect(Object.keys(build(name)), name).toEqual(['eventType', 'issueDatetime', key]);
    }
  });

  it('writes amounts as decimal strings and hashes/addresses as 0x-hex', () => {
    const transaction = objectOf(build('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED'), 'transaction');
    expect(transaction.amount).toMatch(/^\d+\.\d{2}$/);
    expect(transaction.cryptoAmount).toMatch(/^\d+\.\d{2}$/);
    expect(transaction.depositAddress).toMatch(/^0x[0-9a-f]{40}$/);
    expect((transaction.cryptoDeposit as Record<string, unknown>).hash).toMatch(/^0x[0-9a-f]{64}$/);
  });

  it('places every object timestamp before issueDatetime', () => {
    const deposit = objectOf(build('SELL_AND_PAY.DEPOSIT.RECEIVED'), 'transaction');
    const cryptoDeposit = deposit.cryptoDeposit as Record<string, string>;
    for (const value of [deposit.createdAt, cryptoDeposit.createdAt, cryptoDeposit.confirmationDate]) {
      expect(Date.parse(String(value))).toBeLessThan(Date.parse(ISSUED));
    }
    expect(deposit.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });

  it('throws on an issueDatetime that is not a date (a caller bug)', () => {
    expect(() => build('ACCOUNT.CLOSED', { issueDatetime: 'soon' })).toThrow(RangeError);
  });
});

describe('sampleEvent: the stage of each event', () => {
  it('On-Ramp: final amount once traded, withdrawal hash once withdrawn', () => {
    const stages: [WireEventName, boolean, boolean, string][] = [
      ['ON-RAMP.DEPOSIT.RECEIVED', false, false, 'DEPOSIT_RECEIVED'],
      ['ON-RAMP.TRADE.COMPLETED', true, false, 'TRADE_COMPLETED'],
      ['ON-RAMP.WITHDRAWAL.PROCESSING', true, true, 'WITHDRAWAL_PROCESSING'],
      ['ON-RAMP.WITHDRAWAL.COMPLETED', true, true, 'WITHDRAWAL_COMPLETED'],
      ['ON-RAMP.ORDER.CANCELLED', false, false, 'CANCELLED'],
      ['ON-RAMP.ORDER.REFUNDED', false, false, 'REFUNDED'],
    ];
    for (const [name, traded, withdrawn, status] of stages) {
      const transaction = objectOf(build(name), 'transactionObject');
      expect(transaction.status, name).toBe(status);
      expect(transaction.finalToAmount === null, name).toBe(!traded);
      expect(transaction.txnHash === null, name).toBe(!withdrawn);
      expect(transaction).toMatchObject({
        fromCurrency: 'ARS',
        toCurrency: 'USDC',
        customerId: 'customer-1',
      });
    }
  });

  it('Off-Ramp: status follows the event and every event carries the deposit hash', () => {
    expect(objectOf(build('OFF-RAMP.WITHDRAWAL.PROCESSING'), 'transactionObject')).toMatchObject({
      status: 'WITHDRAWAL_PROCESSING',
      fromCurrency: 'USDC',
      toCurrency: 'ARS',
      chain: 'ETHEREUM',
      txnHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) as unknown,
    });
    expect(objectOf(build('OFF-RAMP.ORDER.CANCELLED'), 'transactionObject').status).toBe('CANCELLED');
  });

  it('Sell and Pay: trade and payment order only once paid, refund hash only when refunding', () => {
    const stages: [WireEventName, boolean, boolean, string, string][] = [
      ['SELL_AND_PAY.DEPOSIT.RECEIVED', false, false, 'CONFIRMED_DEPOSIT', 'CONFIRMED'],
      ['SELL_AND_PAY.DEPOSIT_CONFIRMED', false, false, 'CONFIRMED_DEPOSIT', 'CONFIRMED'],
      ['SELL_AND_PAY.DEPOSIT.BLOCKED', false, false, 'BLOCKED_DEPOSIT', 'BLOCKED'],
      ['SELL_AND_PAY.DEPOSIT_BLOCKED', false, false, 'BLOCKED_DEPOSIT', 'BLOCKED'],
      ['SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', true, false, 'COMPLETED', 'CONFIRMED'],
      ['SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING', false, true, 'REFUNDED', 'CONFIRMED'],
    ];
    for (const [name, paid, refunded, status, depositStatus] of stages) {
      const transaction = objectOf(build(name), 'transaction');
      expect(transaction.status, name).toBe(status);
      expect(transaction.trade === null, name).toBe(!paid);
      expect(transaction.paymentOrder === null, name).toBe(!paid);
      expect(transaction.refundTxnHash === null, name).toBe(!refunded);
      expect((transaction.cryptoDeposit as Record<string, unknown>).status, name).toBe(depositStatus);
    }
  });

  it('Sell and Pay paid: the merchant has a non-ASCII name, escaped on the wire', () => {
    const envelope = build('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED');
    const paymentOrder = objectOf(envelope, 'transaction').paymentOrder as Record<string, unknown>;
    expect(paymentOrder.merchant).toBe('Panadería Ñandú');
    expect(toRipioJson(envelope)).toContain('"merchant":"Panader\\u00eda \\u00d1and\\u00fa"');
  });

  it('orphan deposit: only cryptoDeposit and refundTxnHash, the entity id is the deposit id', () => {
    const transaction = objectOf(
      build('SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING'),
      'transaction',
    );
    expect(Object.keys(transaction)).toEqual(['cryptoDeposit', 'refundTxnHash']);
    expect(transaction.cryptoDeposit).toMatchObject({ id: 'entity-1', status: 'CONFIRMED' });
    expect(transaction.refundTxnHash).toBeNull();
  });

  it('support ticket: issueKey for CREATED, null for FAILED', () => {
    expect(objectOf(build('SUPPORT_TICKET.CREATED'), 'supportTicket')).toMatchObject({
      ticketId: 'entity-1',
      issueKey: expect.stringMatching(/^SUP-\d{4}$/) as unknown,
      status: 'CREATED',
    });
    expect(objectOf(build('SUPPORT_TICKET.FAILED'), 'supportTicket')).toMatchObject({
      issueKey: null,
      status: 'FAILED',
    });
  });

  it('KYC: payload with a submissionId, the entity id is the customer id', () => {
    for (const name of ['KYC.IN_REVIEW', 'KYC.COMPLETED', 'KYC.FAILED'] as const) {
      expect(objectOf(build(name), 'payload')).toMatchObject({
        customerId: 'entity-1',
        submissionId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        source: 'WIDGET',
      });
    }
  });

  it('account: closed and inactive, the entity id is the customer id', () => {
    expect(build('ACCOUNT.CLOSED').account).toEqual({ customerId: 'entity-1', isActive: false });
  });
});

describe('sampleEvent: options', () => {
  it('puts the discriminator where the catalog reads it', () => {
    const cases: [WireEventName, string, (envelope: SampleEnvelope) => unknown][] = [
      ['OFF-RAMP.DEPOSIT.RECEIVED', '0xd1', (e) => objectOf(e, 'transactionObject').txnHash],
      [
        'SELL_AND_PAY.DEPOSIT.RECEIVED',
        'dep-2',
        (e) => (objectOf(e, 'transaction').cryptoDeposit as Record<string, unknown>).id,
      ],
      [
        'SELL_AND_PAY.DEPOSIT_CONFIRMED',
        'dep-2',
        (e) => (objectOf(e, 'transaction').cryptoDeposit as Record<string, unknown>).id,
      ],
      [
        'SELL_AND_PAY.DEPOSIT.BLOCKED',
        'dep-3',
        (e) => (objectOf(e, 'transaction').cryptoDeposit as Record<string, unknown>).id,
      ],
      [
        'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING',
        'dep-4',
        (e) => (objectOf(e, 'transaction').cryptoDeposit as Record<string, unknown>).id,
      ],
      [
        'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED',
        'dep-5',
        (e) => (objectOf(e, 'transaction').cryptoDeposit as Record<string, unknown>).id,
      ],
      ['OFF-RAMP.WITHDRAWAL.COMPLETED', '0xd2', (e) => objectOf(e, 'transactionObject').txnHash],
      ['KYC.IN_REVIEW', 'sub-1', (e) => objectOf(e, 'payload').submissionId],
      ['KYC.COMPLETED', 'sub-2', (e) => objectOf(e, 'payload').submissionId],
      ['KYC.FAILED', 'sub-3', (e) => objectOf(e, 'payload').submissionId],
    ];
    for (const [name, discriminator, read] of cases) {
      const envelope = build(name, { discriminator });
      expect(read(envelope), name).toBe(discriminator);
      expect(parsed(envelope).discriminator, name).toBe(discriminator);
    }
  });

  it('without a discriminator, deposit events still carry a derived one (the orphan refund hash stays null)', () => {
    expect(parsed(build('OFF-RAMP.DEPOSIT.RECEIVED')).discriminator).toMatch(/^0x[0-9a-f]{64}$/);
    expect(parsed(build('SELL_AND_PAY.DEPOSIT.RECEIVED')).discriminator).toMatch(/^[0-9a-f-]{36}$/);
    expect(
      parsed(build('SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING')).discriminator,
    ).toBeUndefined();
  });

  it('ignores the discriminator where the family has no such field', () => {
    const names = [
      'ON-RAMP.DEPOSIT.RECEIVED',
      'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING',
      'SUPPORT_TICKET.CREATED',
      'ACCOUNT.CLOSED',
    ] as const;
    for (const name of names) {
      expect(toRipioJson(build(name, { discriminator: 'zzz-unique' })), name).not.toContain('zzz-unique');
    }
  });

  it('uses customerId everywhere a customer appears, and derives one when absent', () => {
    const transaction = objectOf(
      build('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', { customerId: 'cust-9' }),
      'transaction',
    );
    expect(transaction.customerId).toBe('cust-9');
    for (const nested of ['trade', 'paymentOrder', 'cryptoDeposit']) {
      expect((transaction[nested] as Record<string, unknown>).customerId, nested).toBe('cust-9');
    }
    const derived = sampleEvent('SUPPORT_TICKET.CREATED', { entityId: 't', issueDatetime: ISSUED });
    expect(objectOf(derived, 'supportTicket').customerId).toMatch(/^[0-9a-f-]{36}$/);
    expect(objectOf(build('KYC.COMPLETED', { customerId: 'other' }), 'payload').customerId).toBe('entity-1');
  });

  it('merges overrides into the object; undefined removes a field', () => {
    const envelope = build('OFF-RAMP.DEPOSIT.RECEIVED', {
      overrides: { amount: '1.00', extra: { a: 1 }, customerId: undefined },
    });
    const transaction = objectOf(envelope, 'transactionObject');
    expect(transaction).toMatchObject({ amount: '1.00', extra: { a: 1 } });
    expect(transaction).not.toHaveProperty('customerId');
    expect(parsed(envelope).object).toMatchObject({ amount: '1.00', extra: { a: 1 } });
  });

  it('an override named __proto__ is a field, not a prototype', () => {
    const overrides = JSON.parse('{"__proto__":{"isAdmin":true}}') as Record<string, unknown>;
    const transaction = objectOf(build('OFF-RAMP.DEPOSIT.RECEIVED', { overrides }), 'transactionObject');
    expect(Object.getPrototypeOf(transaction)).toBe(Object.prototype);
    expect(transaction.isAdmin).toBeUndefined();
    expect(Object.hasOwn(transaction, '__proto__')).toBe(true);
  });
});
