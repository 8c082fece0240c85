import type { EntityWithHistory, HistoryEntry } from '@ripio-webhooks/contracts';
import { describe, expect, it } from 'vitest';
import { formatEntity } from './formatting.js';

const at = '2026-03-01T10:00:00.000Z';

function entry(overrides: Partial<HistoryEntry>): HistoryEntry {
  return {
    eventKey: 'k',
    eventType: 'OFF-RAMP.TRADE.COMPLETED',
    issueDatetime: at,
    receivedAt: at,
    processedAt: at,
    outcome: 'applied',
    fromStatus: null,
    toStatus: 'TRADE_COMPLETED',
    ...overrides,
  };
}

describe('formatEntity', () => {
  it("shows the conflicts, each event's payload, a differing duplicate's body, and the deposit cycle", () => {
    const entity: EntityWithHistory = {
      kind: 'off-ramp',
      id: 'tx-1',
      status: 'WITHDRAWAL_COMPLETED',
      fields: {},
      version: 3,
      createdAt: at,
      updatedAt: at,
      cycle: 2,
      conflicts: 1,
      lastConflict: {
        eventKey: 'k3',
        eventType: 'OFF-RAMP.ORDER.CANCELLED',
        reason: 'contradicts_status',
        status: 'WITHDRAWAL_COMPLETED',
        eventStatus: 'ORDER_CANCELLED',
        processedAt: at,
      },
      onHold: false,
      hold: null,
      parked: [],
      history: [
        entry({ payload: { finalAmount: '12.5', rate: '1000' } }),
        entry({ outcome: 'duplicate', rawBody: '{"refundTxnHash":"0xr"}' }),
        entry({ outcome: 'duplicate' }),
        entry({
          eventType: 'OFF-RAMP.ORDER.CANCELLED',
          outcome: 'conflict',
          conflictReason: 'contradicts_status',
          payload: { status: 'CANCELLED' },
        }),
      ],
    };
    const text = formatEntity(entity);
    expect(text).toContain('(version 3, deposit cycle 2)');
    expect(text).toContain(`conflicts 1, latest: OFF-RAMP.ORDER.CANCELLED (contradicts_status) at ${at}`);
    expect(text).toContain('conflict (contradicts_status)');
    expect(text).toContain('#1 {"finalAmount":"12.5","rate":"1000"}');
    expect(text).toContain('#2 (differs from the first copy) {"refundTxnHash":"0xr"}');
    expect(text).toContain('#3 (same as the first copy)');
    expect(text).toContain('#4 {"status":"CANCELLED"}');
  });

  it('says nothing of conflicts or cycles when there are none', () => {
    const text = formatEntity({
      kind: 'kyc',
      id: 'c-1',
      status: 'COMPLETED',
      fields: {},
      version: 1,
      createdAt: at,
      updatedAt: at,
      cycle: 1,
      conflicts: 0,
      lastConflict: null,
      onHold: false,
      hold: null,
      parked: [],
      history: [entry({ eventType: 'KYC.COMPLETED' })],
    });
    expect(text).not.toContain('conflicts');
    expect(text).not.toContain('cycle');
    expect(text).toContain('#1 (not kept: recorded before payloads were)');
  });

  it('shows an entity on hold: no state yet, its blocker, and the events parked behind it', () => {
    const text = formatEntity({
      kind: 'off-ramp',
      id: 'tx-held',
      status: null,
      fields: {},
      version: 0,
      createdAt: null,
      updatedAt: null,
      cycle: 1,
      conflicts: 0,
      lastConflict: null,
      onHold: true,
      hold: {
        blocker: 'k-deposit',
        blockerType: 'OFF-RAMP.DEPOSIT.RECEIVED',
        issueDatetime: at,
        receivedAt: at,
        since: at,
        state: 'dead_lettered',
        attempts: 10,
        lastError: 'ledger down',
      },
      parked: [
        {
          eventKey: 'k-trade',
          eventType: 'OFF-RAMP.TRADE.COMPLETED',
          issueDatetime: at,
          receivedAt: at,
          parkedAt: at,
          payload: {},
        },
      ],
      history: [],
    });
    expect(text).toContain('ON HOLD  behind k-deposit (OFF-RAMP.DEPOSIT.RECEIVED)');
    expect(text).toContain(`dead_lettered since ${at}, 10 failed attempts, last error: ledger down`);
    expect(text).toContain('parked   1 events');
    expect(text).toContain('k-trade');
    expect(text).toContain('status   (none yet)  (version 0)');
  });
});
