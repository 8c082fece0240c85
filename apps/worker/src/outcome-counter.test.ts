import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { minuteOf, outcomesKey, readOutcomesLastHour, readStats } from '@ripio-webhooks/store';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { createOutcomeCounter } from './outcome-counter.js';

describe('the outcome counter on a real Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = uniquePrefix('outcome-counter');
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
});
