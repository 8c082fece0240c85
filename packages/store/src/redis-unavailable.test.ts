import { once } from 'node:events';
import { LocalRedisServer } from '@ripio-webhooks/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, type RedisClient } from './connection.js';
import { openDeadLetterQueue } from './queues.js';
import { failingAsUnavailable, isRedisUnavailable, RedisUnavailableError } from './redis-unavailable.js';

async function failureOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error('the call succeeded');
}

describe('isRedisUnavailable against a real redis-server', () => {
  let server: LocalRedisServer;
  let redis: RedisClient;

  beforeAll(async () => {
    server = await LocalRedisServer.start({ appendonly: false });
    redis = createRedis({ url: server.url, role: 'fail-fast' });
    redis.on('error', () => undefined);
    if (redis.status !== 'ready') await once(redis, 'ready');
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('while Redis answers, a reply error or a bug is not an outage', async () => {
    await redis.set('unavailable-test:string', 'x');
    const replyError = await failureOf(() => redis.hget('unavailable-test:string', 'field'));
    expect(String(replyError)).toMatch(/WRONGTYPE/);
    expect(isRedisUnavailable(replyError, redis)).toBe(false);
    expect(isRedisUnavailable(new TypeError('bug'), redis)).toBe(false);
    expect(isRedisUnavailable('not an error', redis)).toBe(false);
    const rethrown = await failureOf(() =>
      failingAsUnavailable(redis, () => redis.hget('unavailable-test:string', 'f')),
    );
    expect(String(rethrown)).toMatch(/WRONGTYPE/);
    expect(rethrown).not.toBeInstanceOf(RedisUnavailableError);
  });

  it('once the server is gone, commands, pipelines and BullMQ calls fail as unavailable', async () => {
    // Opened while Redis answers, as the apps do at start.
    const queue = openDeadLetterQueue({ redis, queuePrefix: 'unavailable-test' });
    expect(await queue.getJob('some-id')).toBeUndefined();
    const closed = once(redis, 'close');
    await server.kill('SIGKILL');
    await closed;
    const failures = [
      await failureOf(() => redis.get('k')),
      await failureOf(async () => {
        const replies = await redis.pipeline().get('a').get('b').exec();
        const firstError = replies?.find(([error]) => error !== null)?.[0];
        if (firstError) throw firstError;
      }),
      await failureOf(() => queue.getJob('some-id')),
      await failureOf(() => failingAsUnavailable(redis, () => redis.get('k'))),
    ];
    await queue.close();
    for (const failure of failures) expect(isRedisUnavailable(failure, redis), String(failure)).toBe(true);
    const typed = failures[3];
    expect(typed).toBeInstanceOf(RedisUnavailableError);
    expect((typed as RedisUnavailableError).cause).toBeInstanceOf(Error);
  });

  it('a client that never reached a server fails as unavailable', async () => {
    const nowhere = createRedis({ url: server.url, role: 'fail-fast' });
    nowhere.on('error', () => undefined);
    try {
      const failure = await failureOf(() => nowhere.ping());
      expect(isRedisUnavailable(failure, nowhere)).toBe(true);
    } finally {
      nowhere.disconnect();
    }
  });
});
