import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog.js';
import { eventIdentityOfKey } from './event-key-parts.js';
import { eventKeyOfIdentity, rawEventKey } from './event-key.js';
import type { EventIdentity } from './parse-event.js';

/** Ids and discriminators that exercise the encoding: separators, `%`, `:`, braces, spaces, non-ASCII. */
const AWKWARD = ['tx-1', 'a|b', '100%', 'x:y{z}', ' spaced ', 'ñandú-€', '%E0%A4%A', '|', 'a||b', '0xfeed'];
const DISCRIMINATORS = [undefined, '', ...AWKWARD];
const ISSUE_TIMES = [undefined, '2026-03-12T14:22:22.508Z'];

function identities(): EventIdentity[] {
  const all: EventIdentity[] = [];
  for (const entry of CATALOG) {
    for (const entityId of [...AWKWARD, '']) {
      for (const discriminator of DISCRIMINATORS) {
        for (const issueDatetime of ISSUE_TIMES) {
          all.push({ kind: entry.kind, entityId, eventType: entry.eventType, discriminator, issueDatetime });
        }
      }
    }
  }
  return all;
}

describe('eventIdentityOfKey', () => {
  it('inverts the event key of every catalog type, id, discriminator and issue time', () => {
    const all = identities();
    expect(all.length).toBeGreaterThan(CATALOG.length * 100);
    for (const identity of all) {
      const key = eventKeyOfIdentity(identity);
      const read = eventIdentityOfKey(key);
      // The parts a key carries come back; the key part is the discriminator or `at-<issueDatetime>` by the type.
      expect(read, key).toMatchObject({
        kind: identity.kind,
        entityId: identity.entityId,
        eventType: identity.eventType,
      });
      expect(eventKeyOfIdentity(read!), key).toBe(key);
    }
  });

  it('reads an issue-time key part back as the issue time, not as a discriminator', () => {
    expect(
      eventIdentityOfKey('off-ramp|tx-1|OFF-RAMP.TRADE.COMPLETED|at-2026-03-12T14%3A22%3A22.508Z'),
    ).toEqual({
      kind: 'off-ramp',
      entityId: 'tx-1',
      eventType: 'OFF-RAMP.TRADE.COMPLETED',
      discriminator: undefined,
      issueDatetime: '2026-03-12T14:22:22.508Z',
    });
  });

  it('reads the documented examples', () => {
    expect(eventIdentityOfKey('off-ramp|entity-1|OFF-RAMP.DEPOSIT.RECEIVED|0xfeed')).toEqual({
      kind: 'off-ramp',
      entityId: 'entity-1',
      eventType: 'OFF-RAMP.DEPOSIT.RECEIVED',
      discriminator: '0xfeed',
      issueDatetime: undefined,
    });
    expect(
      eventIdentityOfKey('sell-and-pay|tx%7Cwith%3Aodd%7Bchars%7D|SELL_AND_PAY.PAYMENT_ORDER.COMPLETED'),
    ).toEqual({
      kind: 'sell-and-pay',
      entityId: 'tx|with:odd{chars}',
      eventType: 'SELL_AND_PAY.PAYMENT_ORDER.COMPLETED',
      discriminator: undefined,
      issueDatetime: undefined,
    });
  });

  it('is undefined for raw keys and for strings the format never produces', () => {
    const notKeys = [
      rawEventKey('not json'),
      '',
      'nonsense',
      'off-ramp|tx-1',
      'off-ramp|tx-1|OFF-RAMP.TRADE.COMPLETED|d|extra',
      'off-ramp|tx-1|OFF-RAMP.TRADE.COMPLETED|',
      'planet|tx-1|OFF-RAMP.TRADE.COMPLETED',
      'on-ramp|tx-1|OFF-RAMP.TRADE.COMPLETED',
      'off-ramp|tx-1|OFF-RAMP.UNKNOWN',
      'sell-and-pay|tx-1|SELL_AND_PAY.DEPOSIT_CONFIRMED',
      '%E0%A4%A|tx-1|OFF-RAMP.TRADE.COMPLETED',
      'off-ramp|%E0%A4%A|OFF-RAMP.TRADE.COMPLETED',
    ];
    for (const text of notKeys) expect(eventIdentityOfKey(text), text).toBeUndefined();
  });
});
