import { describe, expect, it } from 'vitest';
import { ENTITY_KINDS } from '@ripio-webhooks/schemas';
import { isTerminal, machineOf } from '../machines/machines.js';
import { settledStatuses } from './settled-statuses.js';

describe('settledStatuses', () => {
  it('holds every terminal status of every kind', () => {
    for (const kind of ENTITY_KINDS) {
      const terminal = machineOf(kind).statuses.filter((status) => isTerminal(kind, status));
      expect(settledStatuses(kind)).toEqual(expect.arrayContaining(terminal));
    }
  });

  it('adds the statuses a flow ends in that can still be left, and leaves out statuses on the way', () => {
    expect(settledStatuses('off-ramp')).toEqual([
      'WITHDRAWAL_COMPLETED',
      'ORDER_CANCELLED',
      'ORDER_REFUNDED',
    ]);
    expect(settledStatuses('on-ramp')).toEqual(['WITHDRAWAL_COMPLETED', 'ORDER_CANCELLED', 'ORDER_REFUNDED']);
    expect(settledStatuses('kyc')).toEqual(['COMPLETED', 'FAILED']);
    expect(settledStatuses('sell-and-pay')).toEqual(['PAYMENT_ORDER_COMPLETED', 'DEPOSIT_REFUND_PROCESSING']);
    expect(isTerminal('off-ramp', 'ORDER_CANCELLED')).toBe(false);
    expect(isTerminal('kyc', 'FAILED')).toBe(false);
  });
});
