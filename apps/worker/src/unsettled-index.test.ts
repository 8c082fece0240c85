import { randomUUID } from 'node:crypto';
import { sampleEvent, type EventType } from '@ripio-webhooks/schemas';
import { createUnsettledIndex, unsettledIndexKey } from '@ripio-webhooks/store';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { repairUnsettledIndex } from './unsettled-repair.js';
import { silentLogger, WorkerTestWorld } from './worker.test-helpers.js';

const ISSUED = ['2026-03-01T10:00:00.000Z', '2026-03-01T10:05:00.000Z', '2026-03-01T10:09:00.000Z'];
const STATUSES = ['DEPOSIT_RECEIVED', 'TRADE_COMPLETED', 'WITHDRAWAL_PROCESSING'] as const;

describe('the index of unsettled entities in the worker (real Redis, real BullMQ worker)', () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  const scoreIn = (id: string, status: string) =>
    world.redis.zscore(unsettledIndexKey(world.prefix, 'off-ramp', status), id);
  const eventOf = (type: EventType, id: string, at: string) =>
    sampleEvent(type, { entityId: id, issueDatetime: at });

  /** Where the entity is indexed: status -> score (ms). */
  async function indexed(id: string): Promise<Record<string, number>> {
    const found: Record<string, number> = {};
    for (const status of STATUSES) {
      const score = await scoreIn(id, status);
      if (score !== null) found[status] = Number(score);
    }
    return found;
  }

  it('follows each commit: indexed by the time Ripio moved the entity, gone once it settles', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    world.startWorkers(1, { concurrency: 1 });
    const id = randomUUID();
    const steps: [EventType, string, Record<string, number>][] = [
      ['OFF-RAMP.DEPOSIT.RECEIVED', ISSUED[0] ?? '', { DEPOSIT_RECEIVED: Date.parse(ISSUED[0] ?? '') }],
      ['OFF-RAMP.TRADE.COMPLETED', ISSUED[1] ?? '', { TRADE_COMPLETED: Date.parse(ISSUED[1] ?? '') }],
      [
        'OFF-RAMP.WITHDRAWAL.PROCESSING',
        ISSUED[2] ?? '',
        { WITHDRAWAL_PROCESSING: Date.parse(ISSUED[2] ?? '') },
      ],
      ['OFF-RAMP.WITHDRAWAL.COMPLETED', '2026-03-01T10:20:00.000Z', {}],
    ];
    for (const [type, at, expected] of steps) {
      const done = world.completions(1);
      await world.enqueue(eventOf(type, id, at));
      await done;
      expect(await indexed(id)).toEqual(expected);
    }
    expect(await world.redis.zcard(`${world.prefix}:unsettled:pending`)).toBe(0);
  });

  it('is repaired by a redelivery, and by the repair sweep after a commit the worker never followed', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    world.startWorkers(1, { concurrency: 1 });
    const id = randomUUID();
    const deposit = eventOf('OFF-RAMP.DEPOSIT.RECEIVED', id, ISSUED[0] ?? '');
    let done = world.completions(1);
    await world.enqueue(deposit);
    await done;
    const key = unsettledIndexKey(world.prefix, 'off-ramp', 'DEPOSIT_RECEIVED');

    // As if the worker had stopped after the commit: no index entry. The redelivered copy (a duplicate) repairs it.
    await world.redis.zrem(key, id);
    done = world.completions(1);
    await world.enqueue(deposit, { copy: 1 });
    await done;
    expect(await indexed(id)).toEqual({ DEPOSIT_RECEIVED: Date.parse(ISSUED[0] ?? '') });

    // As if the worker had stopped between the pending mark, the commit and the index write, two minutes ago.
    await world.redis.zrem(key, id);
    const unsettled = createUnsettledIndex(world.redis, world.prefix);
    await unsettled.markPending('off-ramp', id, Date.now() - 120_000);
    const repaired = await repairUnsettledIndex({
      unsettled,
      entities: world.entities,
      logger: silentLogger,
    });
    expect(repaired).toBe(1);
    expect(await indexed(id)).toEqual({ DEPOSIT_RECEIVED: Date.parse(ISSUED[0] ?? '') });
  });
});
