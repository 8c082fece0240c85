import { describe, expect, it } from 'vitest';
import {
  BulkReplayReport,
  DeadLetterDetail,
  DeadLetterPage,
  EntityWithHistory,
  ReplayReport,
  Stats,
} from './admin-api.js';
import { COMMITTED_OUTCOMES, DEAD_LETTER_REASONS, PROCESSING_OUTCOMES, QUEUE_STATES } from './enums.js';

const at = '2026-05-19T14:00:00.000Z';
const entry = {
  id: 'off-ramp|tx-1|OFF-RAMP.TRADE.COMPLETED',
  eventKey: 'off-ramp|tx-1|OFF-RAMP.TRADE.COMPLETED',
  eventType: 'OFF-RAMP.TRADE.COMPLETED',
  reason: 'handler_failed',
  error: 'downstream answered 503',
  attemptsMade: 8,
  firstFailedAt: at,
  lastFailedAt: at,
  deadLetteredAt: at,
  receivedAt: at,
};
const zeros = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

describe('admin API contract', () => {
  it('reads an entity with its history', () => {
    const entity = {
      kind: 'off-ramp',
      id: 'tx-1',
      status: 'TRADE_COMPLETED',
      fields: { amount: '10' },
      version: 3,
      createdAt: at,
      updatedAt: at,
      cycle: 1,
      conflicts: 1,
      lastConflict: {
        eventKey: 'k2',
        eventType: 'OFF-RAMP.ORDER.CANCELLED',
        reason: 'contradicts_status',
        status: 'TRADE_COMPLETED',
        eventStatus: 'ORDER_CANCELLED',
        processedAt: at,
      },
      history: [
        {
          eventKey: 'k',
          eventType: 'OFF-RAMP.TRADE.COMPLETED',
          issueDatetime: at,
          receivedAt: at,
          processedAt: at,
          outcome: 'applied',
          fromStatus: null,
          toStatus: 'TRADE_COMPLETED',
          payload: { transactionId: 'tx-1', amount: '10' },
          cycle: 1,
        },
        {
          eventKey: 'k2',
          eventType: 'OFF-RAMP.ORDER.CANCELLED',
          issueDatetime: at,
          receivedAt: at,
          processedAt: at,
          outcome: 'conflict',
          fromStatus: 'TRADE_COMPLETED',
          toStatus: 'TRADE_COMPLETED',
          payload: { transactionId: 'tx-1' },
          conflictReason: 'contradicts_status',
        },
        {
          eventKey: 'k',
          eventType: 'OFF-RAMP.TRADE.COMPLETED',
          issueDatetime: at,
          receivedAt: at,
          processedAt: at,
          outcome: 'duplicate',
          fromStatus: 'TRADE_COMPLETED',
          toStatus: 'TRADE_COMPLETED',
          rawBody: '{"eventType":"OFF-RAMP.TRADE.COMPLETED"}',
        },
      ],
      onHold: false,
      hold: null,
      parked: [],
    };
    expect(EntityWithHistory.parse(entity)).toEqual(entity);
    const notCommitted = { ...entity, history: [{ ...entity.history[0], outcome: 'invalid' }] };
    expect(EntityWithHistory.safeParse(notCommitted).success).toBe(false);
    // A release is a history entry too, with its record; without the record it is not one.
    const release = { action: 'skip', reason: 'settled by hand', operator: 'ana', at };
    const released = { ...entity, history: [{ ...entity.history[0], outcome: 'released', release }] };
    expect(EntityWithHistory.parse(released)).toEqual(released);
    const bare = { ...entity, history: [{ ...entity.history[0], outcome: 'released' }] };
    expect(EntityWithHistory.safeParse(bare).success).toBe(false);
  });

  it('reads an entity on hold before its first event applied: no state, the hold and its parked events', () => {
    const hold = {
      blocker: 'k1',
      blockerType: 'OFF-RAMP.DEPOSIT.RECEIVED',
      issueDatetime: at,
      receivedAt: at,
      since: at,
      state: 'dead_lettered',
      attempts: 10,
      lastError: 'ledger down',
    };
    const parked = {
      eventKey: 'k2',
      eventType: 'OFF-RAMP.TRADE.COMPLETED',
      issueDatetime: at,
      receivedAt: at,
      parkedAt: at,
      payload: { a: 1 },
    };
    const entity = {
      kind: 'off-ramp',
      id: 'tx-2',
      status: null,
      fields: {},
      version: 0,
      createdAt: null,
      updatedAt: null,
      cycle: 1,
      conflicts: 0,
      lastConflict: null,
      history: [],
      onHold: true,
      hold,
      parked: [parked],
    };
    expect(EntityWithHistory.parse(entity)).toEqual(entity);
    expect(EntityWithHistory.safeParse({ ...entity, hold: { ...hold, state: 'stuck' } }).success).toBe(false);
  });

  it('reads dead-letter pages and entries, and refuses an unknown reason', () => {
    expect(DeadLetterPage.parse({ entries: [entry], nextCursor: '50' })).toEqual({
      entries: [entry],
      nextCursor: '50',
    });
    expect(DeadLetterPage.parse({ entries: [] })).toEqual({ entries: [] });
    expect(DeadLetterDetail.parse({ ...entry, payload: { a: 1 } }).payload).toEqual({ a: 1 });
    expect(DeadLetterPage.safeParse({ entries: [{ ...entry, reason: 'bored' }] }).success).toBe(false);
  });

  it('reads replay reports by their outcome', () => {
    const replayed = { id: 'k', outcome: 'replayed', eventKey: 'k', previousOutcome: null };
    expect(ReplayReport.parse(replayed)).toEqual(replayed);
    expect(ReplayReport.parse({ id: 'k', outcome: 'missing' })).toEqual({ id: 'k', outcome: 'missing' });
    expect(ReplayReport.safeParse({ id: 'k', outcome: 'replayed' }).success).toBe(false);
    const bulk = {
      replayed: 1,
      missing: 1,
      more: false,
      results: [replayed, { id: 'x', outcome: 'missing' }],
    };
    expect(BulkReplayReport.parse(bulk)).toEqual(bulk);
  });

  it('reads stats only with every state, reason and outcome counted', () => {
    const stats = {
      queues: { events: zeros(QUEUE_STATES), deadLetter: zeros(QUEUE_STATES) },
      oldestWaitingAgeSeconds: 0,
      deadLetterByReason: zeros(DEAD_LETTER_REASONS),
      outcomesLastHour: { ...zeros(PROCESSING_OUTCOMES), applied: 3 },
    };
    expect(Stats.parse(stats)).toEqual(stats);
    const { exhausted: _exhausted, ...shortOfOne } = stats.deadLetterByReason;
    expect(Stats.safeParse({ ...stats, deadLetterByReason: shortOfOne }).success).toBe(false);
  });

  it('commits a subset of the processing outcomes', () => {
    for (const outcome of COMMITTED_OUTCOMES) expect(PROCESSING_OUTCOMES).toContain(outcome);
  });
});
