import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createDeadLetterStore } from './dead-letter-store.js';
import { minuteOf, outcomesKey } from './keys.js';
import { eventJobOptions } from './queue-definition.js';
import { openEventsQueue } from './queues.js';
import { testProof } from './intake-proof.test-helpers.js';
import { readQueueSnapshot } from './queue-snapshot.js';
import { createOutcomeCounter, readOutcomesLastHour, readStats } from './stats.js';

describe('stats and queue snapshot on a real Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = uniquePrefix('stats');
  afterAll(async () => {
    await deleteKeysContaining(redis, prefix);
    redis.disconnect();
  });

  it('counts outcomes per minute with a 2 h TTL and sums the last hour', async () => {
    const now = Date.UTC(2026, 0, 1, 12, 30, 15);
    let clock = now;
    const counter = createOutcomeCounter({ redis, queuePrefix: prefix, now: () => clock });
    counter.record('applied');
    counter.record('applied');
    clock = now - 30 * 60_000;
    counter.record('duplicate');
    // Older than an hour: not counted.
    clock = now - 62 * 60_000;
    counter.record('late');
    await counter.close();
    const key = outcomesKey(prefix, minuteOf(now));
    expect(await redis.hgetall(key)).toEqual({ applied: '2' });
    const ttl = await redis.ttl(key);
    expect(ttl).toBeGreaterThan(7000);
    expect(ttl).toBeLessThanOrEqual(7200);

    const stats = await readStats({ redis, queuePrefix: prefix, now: () => now });
    expect(stats.outcomesLastHour).toEqual({
      applied: 2,
      late: 0,
      conflict: 0,
      duplicate: 1,
      invalid: 0,
      unknown_type: 0,
      unsigned: 0,
      parked: 0,
    });
  });

  it('the in-memory counter writes nothing per event, then one batch per flush; close writes the rest', async () => {
    const counterPrefix = `${prefix}-counter`;
    let now = Date.UTC(2026, 0, 1, 12, 30, 15);
    const counter = createOutcomeCounter({ redis, queuePrefix: counterPrefix, now: () => now });
    counter.record('applied');
    counter.record('applied');
    counter.record('duplicate');
    const key = outcomesKey(counterPrefix, minuteOf(now));
    expect(await redis.exists(key)).toBe(0);

    await counter.flush();
    expect(await redis.hgetall(key)).toEqual({ applied: '2', duplicate: '1' });
    expect(await redis.ttl(key)).toBeGreaterThan(7000);

    counter.record('applied');
    now += 60_000; // the next minute gets its own bucket
    counter.record('late');
    await counter.close();
    expect(await redis.hgetall(key)).toEqual({ applied: '3', duplicate: '1' });
    expect(await redis.hgetall(outcomesKey(counterPrefix, minuteOf(now)))).toEqual({ late: '1' });
    expect(await readOutcomesLastHour(redis, counterPrefix, now)).toMatchObject({
      applied: 3,
      duplicate: 1,
      late: 1,
    });
  });

  it('a flush Redis cannot take keeps its counts for the next one', async () => {
    const counterPrefix = `${prefix}-retry`;
    const now = Date.UTC(2026, 0, 1, 13, 0, 0);
    const offline = new Redis(inject('redisUrl'), { lazyConnect: true, enableOfflineQueue: false });
    const errors: unknown[] = [];
    const counter = createOutcomeCounter({
      redis: offline,
      queuePrefix: counterPrefix,
      now: () => now,
      onError: (error) => errors.push(error),
    });
    try {
      counter.record('conflict');
      await counter.flush();
      expect(errors).toHaveLength(1);
      // The failed flush made ioredis start connecting (lazyConnect); wait until it is up.
      if (offline.status !== 'ready') await new Promise((resolve) => offline.once('ready', resolve));
      counter.record('conflict');
      await counter.close();
      expect(await redis.hgetall(outcomesKey(counterPrefix, minuteOf(now)))).toEqual({ conflict: '2' });
    } finally {
      offline.disconnect();
    }
  });

  it('reads job counts, the oldest waiting age, dead letters by reason and used memory', async () => {
    const events = openEventsQueue({ redis, queuePrefix: prefix });
    const deadLetters = createDeadLetterStore({ redis, queuePrefix: prefix });
    try {
      const data = (eventKey: string) => ({
        rawBody: '{}',
        bodySha256: 's',
        receivedAt: 'x',
        requestId: 'r',
        eventType: null,
        eventKey,
        proof: testProof({ rawBody: '{}', eventKey, receivedAt: 'x' }),
      });
      await events.add('unknown', data('e1'), { ...eventJobOptions('e1'), timestamp: 1_000_000 });
      await events.add('unknown', data('e2'), eventJobOptions('e2'));
      for (const [key, reason] of [
        ['d1', 'invalid'],
        ['d2', 'invalid'],
        ['d3', 'handler_failed'],
      ] as const) {
        await deadLetters.add('unknown', {
          job: data(key),
          reason,
          error: 'e',
          attemptsMade: 1,
          firstFailedAt: 'x',
          lastFailedAt: 'x',
        });
      }
      const snapshot = await readQueueSnapshot({ redis, queuePrefix: prefix, now: () => 1_010_000 });
      expect(snapshot.events.waiting).toBe(2);
      expect(snapshot.events.active).toBe(0);
      expect(snapshot.deadLetter.waiting).toBe(3);
      expect(snapshot.oldestWaitingAgeSeconds).toBe(10);
      expect(snapshot.deadLetterOldestAgeSeconds).toBe(0);
      expect(snapshot.deadLetterByReason).toEqual({
        invalid: 2,
        unknown_type: 0,
        unsigned: 0,
        handler_failed: 1,
        exhausted: 0,
      });
      expect(snapshot.deadLetterByReasonTruncated).toBe(false);
      expect(snapshot.redisUsedMemoryBytes).toBeGreaterThan(0);
      const [, maxmemory] = (await redis.config('GET', 'maxmemory')) as [string, string];
      expect(snapshot.redisMaxMemoryBytes).toBe(Number(maxmemory));
    } finally {
      await events.close();
      await deadLetters.close();
    }
  });
});
