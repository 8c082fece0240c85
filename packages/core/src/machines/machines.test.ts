import { ENTITY_KINDS, statusesOfKind, type EntityKind } from '@ripio-webhooks/schemas';
import { describe, expect, it } from 'vitest';
import { isTerminal, machineOf, reachableFrom } from './machines.js';

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe.each(ENTITY_KINDS)('the %s machine', (kind) => {
  const machine = machineOf(kind);

  it('is the machine of its kind', () => {
    expect(machine.kind).toBe(kind);
  });

  it("has exactly the catalog's statuses for its kind", () => {
    expect(sorted(machine.statuses)).toEqual(sorted(statusesOfKind(kind)));
    expect(new Set(machine.statuses).size).toBe(machine.statuses.length);
  });

  it('lists the moves of every status, only towards its own statuses', () => {
    expect(sorted(Object.keys(machine.next))).toEqual(sorted(machine.statuses));
    for (const targets of Object.values(machine.next)) {
      for (const target of targets) expect(machine.statuses).toContain(target);
    }
  });

  it('has no cycle, so "late" and "applied" can never both hold', () => {
    for (const status of machine.statuses) expect(reachableFrom(kind, status).has(status)).toBe(false);
  });
});

const TERMINAL: Record<EntityKind, string[]> = {
  'on-ramp': ['ORDER_REFUNDED', 'WITHDRAWAL_COMPLETED'],
  'off-ramp': ['ORDER_REFUNDED', 'WITHDRAWAL_COMPLETED'],
  'sell-and-pay': ['DEPOSIT_REFUND_PROCESSING', 'PAYMENT_ORDER_COMPLETED'],
  'sell-and-pay-orphan-deposit': ['DEPOSIT_WITHOUT_SELL_AND_PAY_REFUND_PROCESSING'],
  'support-ticket': ['CREATED', 'FAILED'],
  kyc: ['COMPLETED'],
  account: ['CLOSED'],
};

describe('isTerminal', () => {
  it.each(ENTITY_KINDS)('%s: the terminal statuses are the documented end points', (kind) => {
    const terminal = machineOf(kind).statuses.filter((status) => isTerminal(kind, status));
    expect(sorted(terminal)).toEqual(TERMINAL[kind]);
  });

  it('throws for a status the kind does not have', () => {
    expect(() => isTerminal('off-ramp', 'PAYMENT_ORDER_COMPLETED')).toThrow(/not a status of off-ramp/);
  });
});

describe('reachableFrom', () => {
  it('follows moves transitively', () => {
    expect(sorted(reachableFrom('off-ramp', 'DEPOSIT_RECEIVED'))).toEqual([
      'ORDER_CANCELLED',
      'ORDER_REFUNDED',
      'TRADE_COMPLETED',
      'WITHDRAWAL_COMPLETED',
      'WITHDRAWAL_PROCESSING',
    ]);
    expect(sorted(reachableFrom('sell-and-pay', 'DEPOSIT_BLOCKED'))).toEqual(['DEPOSIT_REFUND_PROCESSING']);
    expect(sorted(reachableFrom('kyc', 'IN_REVIEW'))).toEqual(['COMPLETED', 'FAILED']);
    expect(reachableFrom('account', 'CLOSED').size).toBe(0);
  });

  it('throws for a status the kind does not have', () => {
    expect(() => reachableFrom('kyc', 'CLOSED')).toThrow(/not a status of kyc/);
  });
});
