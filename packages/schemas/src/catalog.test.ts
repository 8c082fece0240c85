import { describe, expect, it } from 'vitest';
import {
  ALIAS_NAMES,
  ALIASES,
  CATALOG,
  catalogEntryOf,
  isEventType,
  KNOWN_WIRE_NAMES,
  statusesOfKind,
  statusOfEventType,
} from './catalog.js';

describe('catalog', () => {
  it('has 23 canonical types and 2 aliases, all known on the wire', () => {
    expect(CATALOG).toHaveLength(23);
    expect(ALIAS_NAMES).toEqual(['SELL_AND_PAY.DEPOSIT_CONFIRMED', 'SELL_AND_PAY.DEPOSIT_BLOCKED']);
    expect(new Set(KNOWN_WIRE_NAMES).size).toBe(25);
  });

  it('lists each alias on its canonical entry and resolves it there', () => {
    expect(catalogEntryOf('SELL_AND_PAY.DEPOSIT.RECEIVED')?.aliases).toEqual([
      'SELL_AND_PAY.DEPOSIT_CONFIRMED',
    ]);
    expect(catalogEntryOf('SELL_AND_PAY.DEPOSIT.BLOCKED')?.aliases).toEqual(['SELL_AND_PAY.DEPOSIT_BLOCKED']);
    for (const alias of ALIAS_NAMES) {
      expect(catalogEntryOf(alias)?.eventType).toBe(ALIASES[alias]);
      expect(isEventType(alias)).toBe(false);
    }
  });

  it('derives the target status from the type', () => {
    expect(statusOfEventType('OFF-RAMP.WITHDRAWAL.COMPLETED')).toBe('WITHDRAWAL_COMPLETED');
    expect(statusOfEventType('SUPPORT_TICKET.CREATED')).toBe('CREATED');
    expect(statusesOfKind('sell-and-pay-orphan-deposit')).toEqual([
      'DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING',
    ]);
  });

  it('does not answer for names inherited from Object.prototype', () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      expect(catalogEntryOf(name)).toBeUndefined();
      expect(isEventType(name)).toBe(false);
    }
  });
});
