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
  it('is <kind>|<entityId>|<canonical type>[|<discriminator>]', () => {
    expect(keyOf('OFF-RAMP.TRADE.COMPLETED')).toBe('off-ramp|entity-1|OFF-RAMP.TRADE.COMPLETED');
    expect(keyOf('OFF-RAMP.DEPOSIT.RECEIVED', { discriminator: '0xfeed' })).toBe(
      'off-ramp|entity-1|OFF-RAMP.DEPOSIT.RECEIVED|0xfeed',
    );
    expect(keyOf('KYC.COMPLETED', { discriminator: 'sub-2' })).toBe('kyc|entity-1|KYC.COMPLETED|sub-2');
  });

  it('keys the doc examples as docs/events.md shows', () => {
    expect(keyOfText(readFixture('docs', 'SUPPORT_TICKET.FAILED.json'))).toBe(
      'support-ticket|9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d|SUPPORT_TICKET.FAILED',
    );
    expect(
      keyOfText(readFixture('docs', 'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING.json')),
    ).toBe(
      'sell-and-pay-orphan-deposit|orphan-deposit-uuid|SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING|0xrefund456def789...',
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
      ['SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING', '0xrefund-1', '0xrefund-2'],
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

  it('an orphan deposit before and after its refund hash is known: two keys', () => {
    const type = 'SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING';
    expect(keyOf(type)).toBe(
      'sell-and-pay-orphan-deposit|entity-1|SELL_AND_PAY.DEPOSIT_WITHOUT_SELL_AND_PAY.REFUND_PROCESSING',
    );
    expect(keyOf(type, { discriminator: '0xr' })).toBe(`${keyOf(type)}|0xr`);
  });

  it('a type without a discriminator ignores the fields other types are told apart by', () => {
    expect(keyOf('OFF-RAMP.TRADE.COMPLETED', { discriminator: '0xaaa' })).toBe(
      keyOf('OFF-RAMP.TRADE.COMPLETED', { discriminator: '0xbbb' }),
    );
    expect(keyOf('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', { discriminator: 'd-1' })).toBe(
      keyOf('SELL_AND_PAY.PAYMENT_ORDER.COMPLETED', { discriminator: 'd-2' }),
    );
  });

  it('does not depend on issueDatetime or non-identifying fields', () => {
    expect(
      keyOf('OFF-RAMP.WITHDRAWAL.COMPLETED', {
        issueDatetime: '2026-03-12T14:30:00Z',
        overrides: { status: 'X' },
      }),
    ).toBe(keyOf('OFF-RAMP.WITHDRAWAL.COMPLETED'));
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
