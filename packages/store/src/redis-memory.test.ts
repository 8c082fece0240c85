import { LocalRedisServer } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRedisMemory } from './queue-snapshot.js';

describe('readRedisMemory on a redis-server of its own', () => {
  let server: LocalRedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await LocalRedisServer.start({ appendonly: false, extraArgs: ['--maxmemory', '64mb'] });
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('reads used_memory and maxmemory from INFO memory', async () => {
    const memory = await readRedisMemory(redis);
    expect(memory.maxBytes).toBe(64 * 1024 * 1024);
    expect(memory.usedBytes).toBeGreaterThan(0);
    expect(memory.usedBytes).toBeLessThan(memory.maxBytes);
    await redis.set('ballast', 'x'.repeat(1_000_000));
    expect((await readRedisMemory(redis)).usedBytes).toBeGreaterThanOrEqual(memory.usedBytes + 1_000_000);
  });

  it('reads maxmemory 0 (no limit) as 0', async () => {
    await redis.config('SET', 'maxmemory', '0');
    expect((await readRedisMemory(redis)).maxBytes).toBe(0);
  });
});
