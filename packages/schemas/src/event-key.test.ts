import { describe, expect, it } from 'vitest';
import { eventKeyOf, rawEventKey } from './event-key.js';
import { fixtureNames, readFixture } from './fixture-files.test-helpers.js';
import { parseEventBody } from './parse-event.js';
import { toRipioJson } from './ripio-json.js';
import { sampleEvent, type SampleEventOptions } from './sample-events.js';
import type { WireEventName } from './catalog.js';

const ISSUED = '2026-03-12T14:22:22.508Z';

function keyOfText(text: string): string {
  return eventKeyOf(parseEventBody(text), text);
}

function keyOf(eventType: WireEventName, options: Partial<SampleEventOptions> = {}): string {
  return keyOfText(
    toRipioJson(sampleEvent(eventType, { entityId: 'entity-1', issueDatetime: ISSUED, ...options })),
  );
}

describe('eventKeyOf', () => {
  it('is <kind>|<entityId>|<canonical type>[|<part>]', () => {
    expect(keyOf('ON-RAMP.TRADE.COMPLETED')).toBe('on-ramp|entity-1|ON-RAMP.TRADE.COMPLETED');
    expect(keyOf('OFF-RAMP.DEPOSIT.RECEIVED', { discriminator: '0xfeed' })).toBe(
      'off-ramp|entity-1|OFF-RAMP.DEPOSIT.RECEIVED|0xfeed',
    );
    expect(keyOf('OFF-RAMP.TRADE.COMPLETED', { discriminator: '0xfeed' })).toBe(
      'off-ramp|entity-1|OFF-RAMP.TRADE.COMPLETED|0xfeed',
    );
    expect(keyOf('KYC.COMPLETED', { discriminator: 'sub-2' })).toBe('kyc|entity-1|KYC.COMPLETED|sub-2');
    expect(keyOf('SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING', { discriminator: 'dep-1' })).toBe(
      'sell-and-pay|entity-1|SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING|dep-1',
    );
  });

  it('keys the doc examples as docs/events.md shows', () => {
    expect(keyOfText(readFixture('docs', 'SUPPORT_TICKET.FAILED.json'))).toBe(
      'support-ticket|9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d|SUPPORT_TICKET.FAILED',
    );
    expect(
      keyOfText(readFixture('docs', 'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING.json')),
    ).toBe(
      'sell-and-pay-orphan-deposit|orphan-deposit-uuid|SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING',
    );
    expect(keyOfText(readFixture('docs', 'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED.json'))).toBe(
      'sell-and-pay|a3b2c1d0-1234-5678-90ab-cdef12345678|SELL_AND_PAY.PAYMENT_ORDER.COMPLETED',
    );
    expect(keyOfText(readFixture('docs', 'KYC.COMPLETED.json'))).toBe(
      'kyc|75c7...|KYC.COMPLETED|9faf3a52-...',
    );
  });

  it('the same event delivered twice gets the same key', () => {
    for (const name of fixtureNames('realistic')) {
      const text = readFixture('realistic', name);
      expect(keyOfText(text), name).toBe(keyOfText(text));
    }
  });

  it('the same event re-serialized differently (spacing, key order) gets the same key', () => {
    const event = sampleEvent('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', {
      entityId: 'sp-1',
      issueDatetime: ISSUED,
    });
    const reordered = {
      transaction: event.transaction,
      issueDatetime: event.issueDatetime,
      eventType: event.eventType,
    };
    expect(keyOfText(JSON.stringify(reordered, null, 2))).toBe(keyOfText(toRipioJson(event)));
  });

  it('a different discriminator gives a different key', () => {
    const pairs: [WireEventName, string, string][] = [
      ['OFF-RAMP.DEPOSIT.RECEIVED', '0xaaa', '0xbbb'],
      ['SELL_AND_PAY.DEPOSIT.RECEIVED', 'deposit-1', 'deposit-2'],
      ['SELL_AND_PAY.DEPOSIT.BLOCKED', 'deposit-1', 'deposit-2'],
      ['SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING', 'deposit-1', 'deposit-2'],
      ['OFF-RAMP.TRADE.COMPLETED', '0xaaa', '0xbbb'],
      ['OFF-RAMP.WITHDRAWAL.PROCESSING', '0xaaa', '0xbbb'],
      ['OFF-RAMP.WITHDRAWAL.COMPLETED', '0xaaa', '0xbbb'],
      ['OFF-RAMP.ORDER.CANCELLED', '0xaaa', '0xbbb'],
      ['OFF-RAMP.ORDER.REFUNDED', '0xaaa', '0xbbb'],
      ['KYC.IN_REVIEW', 'submission-1', 'submission-2'],
      ['KYC.COMPLETED', 'submission-1', 'submission-2'],
      ['KYC.FAILED', 'submission-1', 'submission-2'],
    ];
    for (const [eventType, first, second] of pairs) {
      expect(keyOf(eventType, { discriminator: first }), eventType).not.toBe(
        keyOf(eventType, { discriminator: second }),
      );
    }
  });

  it('a refund resent once its refund hash is known keeps its key (orphan and Sell and Pay)', () => {
    const orphan = 'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING';
    expect(keyOf(orphan)).toBe(
      'sell-and-pay-orphan-deposit|entity-1|SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING',
    );
    expect(keyOf(orphan, { overrides: { refundTxnHash: '0xr' } })).toBe(keyOf(orphan));
    const refund = 'SELL_AND_PAY.DEPOSIT.REFUND_PROCESSING';
    const before = { discriminator: 'dep-1', overrides: { refundTxnHash: null } };
    const after = { discriminator: 'dep-1', overrides: { refundTxnHash: '0xr' } };
    expect(keyOf(refund, after)).toBe(keyOf(refund, before));
    // ...while the refund of another deposit of the same order is another event.
    expect(keyOf(refund, { discriminator: 'dep-2' })).not.toBe(keyOf(refund, before));
  });

  it('types that happen once per entity ignore the fields other types are told apart by', () => {
    expect(keyOf('ON-RAMP.TRADE.COMPLETED', { overrides: { txnHash: '0xaaa' } })).toBe(
      keyOf('ON-RAMP.TRADE.COMPLETED', { overrides: { txnHash: '0xbbb' } }),
    );
    expect(keyOf('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', { discriminator: 'd-1' })).toBe(
      keyOf('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', { discriminator: 'd-2' }),
    );
  });

  it('does not depend on issueDatetime or non-identifying fields where the event names what it is about', () => {
    expect(
      keyOf('OFF-RAMP.WITHDRAWAL.COMPLETED', {
        issueDatetime: '2026-03-12T14:30:00Z',
        overrides: { status: 'X' },
      }),
    ).toBe(keyOf('OFF-RAMP.WITHDRAWAL.COMPLETED'));
    expect(keyOf('ON-RAMP.WITHDRAWAL.COMPLETED', { issueDatetime: '2026-03-12T14:30:00Z' })).toBe(
      keyOf('ON-RAMP.WITHDRAWAL.COMPLETED'),
    );
  });

  it('an off-ramp event without txnHash is told apart by its issue time: a redelivery keeps the key', () => {
    const noHash = { overrides: { txnHash: undefined } };
    for (const type of ['OFF-RAMP.DEPOSIT.RECEIVED', 'OFF-RAMP.TRADE.COMPLETED'] as const) {
      expect(keyOf(type, noHash)).toBe(`off-ramp|entity-1|${type}|at-2026-03-12T14%3A22%3A22.508Z`);
      expect(keyOf(type, noHash)).toBe(keyOf(type, noHash));
      expect(keyOf(type, { ...noHash, issueDatetime: '2026-04-01T09:00:00Z' })).not.toBe(keyOf(type, noHash));
    }
    // A null or empty txnHash is no hash either.
    for (const txnHash of [null, '']) {
      expect(keyOf('OFF-RAMP.TRADE.COMPLETED', { overrides: { txnHash } })).toBe(
        keyOf('OFF-RAMP.TRADE.COMPLETED', noHash),
      );
    }
  });

  it('an alias and its canonical name share the key', () => {
    expect(keyOf('SELL_AND_PAY.DEPOSIT_CONFIRMED')).toBe(keyOf('SELL_AND_PAY.DEPOSIT.RECEIVED'));
    expect(keyOf('SELL_AND_PAY.DEPOSIT_BLOCKED', { discriminator: 'd' })).toBe(
      keyOf('SELL_AND_PAY.DEPOSIT.BLOCKED', { discriminator: 'd' }),
    );
  });

  it('the same id in two families gives two keys', () => {
    expect(keyOf('OFF-RAMP.DEPOSIT.RECEIVED', { discriminator: 'x' })).not.toBe(
      keyOf('ON-RAMP.DEPOSIT.RECEIVED', { discriminator: 'x' }),
    );
  });

  it('never contains ":" and "|" only as a separator, whatever the id and discriminator hold', () => {
    const key = keyOf('OFF-RAMP.DEPOSIT.RECEIVED', { entityId: 'a:b|c d/é', discriminator: '0x:1|2' });
    expect(key).toBe('off-ramp|a%3Ab%7Cc%20d%2F%C3%A9|OFF-RAMP.DEPOSIT.RECEIVED|0x%3A1%7C2');
    expect(key.split('|').map(decodeURIComponent)).toEqual([
      'off-ramp',
      'a:b|c d/é',
      'OFF-RAMP.DEPOSIT.RECEIVED',
      '0x:1|2',
    ]);
    for (const folder of ['docs', 'realistic'] as const) {
      for (const name of fixtureNames(folder)) {
        expect(keyOfText(readFixture(folder, name)), name).not.toContain(':');
      }
    }
  });

  it('an invalid event with a readable id is keyed by its identity (no discriminator)', () => {
    const text = toRipioJson(
      sampleEvent('OFF-RAMP.DEPOSIT.RECEIVED', {
        entityId: 'e-9',
        issueDatetime: ISSUED,
        discriminator: '0x1',
        overrides: { amount: null },
      }),
    );
    expect(parseEventBody(text).ok).toBe(false);
    expect(keyOfText(text)).toBe('off-ramp|e-9|OFF-RAMP.DEPOSIT.RECEIVED');
  });

  it('with no readable id it is raw|<sha256 of the exact bytes>', () => {
    // sha256 of the empty string and of "abc" (FIPS 180-2 test vectors).
    expect(keyOfText('')).toBe('raw|e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(keyOfText('abc')).toBe('raw|ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(rawEventKey(new TextEncoder().encode('abc'))).toBe(keyOfText('abc'));
  });

  it('raw keys follow the bytes: unknown types, missing ids, non-objects', () => {
    const unknown =
      '{"eventType":"OFF-RAMP.NEW.THING","issueDatetime":"2026-03-12T14:22:22Z","transactionObject":{"transactionId":"t"}}';
    const noId =
      '{"eventType":"OFF-RAMP.DEPOSIT.RECEIVED","issueDatetime":"2026-03-12T14:22:22Z","transactionObject":{}}';
    for (const text of [unknown, noId, '[]']) {
      expect(keyOfText(text), text).toBe(rawEventKey(text));
      expect(keyOfText(text), text).toMatch(/^raw\|[0-9a-f]{64}$/);
    }
    expect(keyOfText(`${noId} `)).not.toBe(keyOfText(noId));
  });
});
