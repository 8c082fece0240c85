import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EntityHistoryEntry, EntityState } from './entity-types.js';
import {
  createUnsettledIndex,
  enteredStatusAt,
  unsettledIndexKey,
  type UnsettledIndex,
} from './unsettled-index.js';

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function entry(
  toStatus: string,
  issueMs: number,
  processedMs: number,
  outcome = 'applied',
): EntityHistoryEntry {
  return {
    eventKey: `k-${toStatus}-${issueMs}`,
    eventType: 'OFF-RAMP.X',
    issueDatetime: iso(issueMs),
    receivedAt: iso(processedMs),
    processedAt: iso(processedMs),
    outcome: outcome as 'applied',
    fromStatus: null,
    toStatus,
  };
}

describe('the index of unsettled entities (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let index: UnsettledIndex;

  beforeAll(() => {
    redis = new Redis(inject('redisUrl'));
    prefix = uniquePrefix('unsettled');
    index = createUnsettledIndex(redis, prefix);
  });
  afterAll(async () => {
    await deleteKeysContaining(redis, prefix);
    redis.disconnect();
  });

  it('dates a status by the issue time of the event that moved the entity there, bounded by its processing', () => {
    const entity = { status: 'TRADE_COMPLETED', updatedAt: iso(T0 + 9_000) };
    const history = [
      entry('DEPOSIT_RECEIVED', T0, T0 + 1_000),
      entry('TRADE_COMPLETED', T0 + 2_000, T0 + 5_000),
    ];
    expect(enteredStatusAt(entity, history)).toBe(T0 + 2_000);
    // A late event that kept the status does not re-date it.
    expect(
      enteredStatusAt(entity, [...history, entry('TRADE_COMPLETED', T0 + 7_000, T0 + 8_000, 'late')]),
    ).toBe(T0 + 2_000);
    // An issue time ahead of our clock counts from the processing.
    expect(enteredStatusAt(entity, [entry('TRADE_COMPLETED', T0 + 60_000, T0 + 5_000)])).toBe(T0 + 5_000);
    // No entry moved it there (history capped, or an entity from before history): its last update.
    expect(enteredStatusAt(entity, [])).toBe(T0 + 9_000);
  });

  it('moves an entity between its status zsets, drops it when settled, and counts and lists by age', async () => {
    await index.sync('off-ramp', 'a', 'DEPOSIT_RECEIVED', T0);
    await index.sync('off-ramp', 'b', 'DEPOSIT_RECEIVED', T0 + 10_000);
    expect(await index.countSince('off-ramp', 'DEPOSIT_RECEIVED', T0 + 5_000)).toBe(1);
    expect(await index.listSince('off-ramp', 'DEPOSIT_RECEIVED', T0 + 20_000, 10)).toEqual([
      { id: 'a', enteredAtMs: T0 },
      { id: 'b', enteredAtMs: T0 + 10_000 },
    ]);
    expect(await index.listSince('off-ramp', 'DEPOSIT_RECEIVED', T0 + 20_000, 1)).toHaveLength(1);

    await index.sync('off-ramp', 'a', 'WITHDRAWAL_PROCESSING', T0 + 30_000);
    expect(await redis.zscore(unsettledIndexKey(prefix, 'off-ramp', 'DEPOSIT_RECEIVED'), 'a')).toBeNull();
    expect(await index.countSince('off-ramp', 'WITHDRAWAL_PROCESSING', T0 + 30_000)).toBe(1);

    await index.sync('off-ramp', 'a', 'WITHDRAWAL_COMPLETED', T0 + 40_000);
    await index.sync('off-ramp', 'b', undefined, 0);
    for (const status of ['DEPOSIT_RECEIVED', 'TRADE_COMPLETED', 'WITHDRAWAL_PROCESSING']) {
      expect(await redis.zcard(unsettledIndexKey(prefix, 'off-ramp', status))).toBe(0);
    }
  });

  it('repairs a pending mark older than the cutoff from the stored entity, and only those', async () => {
    const stored: Record<string, EntityState & { history: EntityHistoryEntry[] }> = {
      moved: {
        kind: 'kyc',
        id: 'moved',
        status: 'IN_REVIEW',
        fields: {},
        version: 1,
        createdAt: iso(T0),
        updatedAt: iso(T0 + 1_000),
        history: [entry('IN_REVIEW', T0, T0 + 1_000)],
      },
    };
    const read = (_kind: string, id: string) => Promise.resolve(stored[id]);
    // A commit marked, then the worker stopped before syncing; another whose commit may still be in flight.
    await index.markPending('kyc', 'moved', T0);
    await index.markPending('kyc', 'recent', T0 + 120_000);
    // An entity left in the index whose entity is gone.
    await index.sync('kyc', 'gone', 'IN_REVIEW', T0);
    await index.markPending('kyc', 'gone', T0);

    expect(await index.repairPending(T0 + 60_000, 10, read)).toBe(2);
    expect(await index.listSince('kyc', 'IN_REVIEW', T0 + 60_000, 10)).toEqual([
      { id: 'moved', enteredAtMs: T0 },
    ]);
    expect(await redis.zrange(`${prefix}:unsettled:pending`, '0', '-1')).toEqual(['kyc|recent']);
  });
});
