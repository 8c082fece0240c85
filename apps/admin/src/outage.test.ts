import { once } from 'node:events';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, readQueueSnapshot, type RedisClient } from '@ripio-webhooks/store';
import { LocalRedisServer } from '@ripio-webhooks/test-support';
import { createAdminApp } from './app.js';
import { createAdminMetrics } from './metrics.js';
import { openAdminStores, type OpenedStores } from './stores.js';
import { accessControl } from './access.js';
import { testAccessEnv, TOKEN } from './admin.test-helpers.js';

describe('admin while Redis is down', () => {
  let server: LocalRedisServer;
  let redis: RedisClient;
  let stores: OpenedStores;
  let app: ReturnType<typeof createAdminApp>;
  const snapshotErrors: unknown[] = [];

  beforeAll(async () => {
    server = await LocalRedisServer.start({ appendonly: false });
    redis = createRedis({ url: server.url, role: 'fail-fast' });
    redis.on('error', () => undefined);
    if (redis.status !== 'ready') await once(redis, 'ready');
    stores = openAdminStores(redis, 'outage');
    const metrics = createAdminMetrics(
      () => readQueueSnapshot({ redis, queuePrefix: 'outage' }),
      (error) => snapshotErrors.push(error),
    );
    app = createAdminApp({
      access: accessControl(redis, testAccessEnv('outage')),
      stores,
      metrics,
      logger: pino({ level: 'silent' }),
      ping: async () => {
        try {
          return (await redis.ping()) === 'PONG';
        } catch {
          return false;
        }
      },
    });
    expect((await request(app).get('/readyz')).status).toBe(200);
    await server.kill('SIGKILL');
  });

  afterAll(async () => {
    await stores?.close();
    redis?.disconnect();
    await server?.stop();
  });

  it('answers the API with 503 JSON, not a crash', async () => {
    for (const path of ['/api/stats', '/api/dead-letter', '/api/entities/kyc/c-1']) {
      const response = await request(app).get(path).set('Authorization', `Bearer ${TOKEN}`);
      expect(response.status, path).toBe(503);
      expect(response.body).toEqual({ error: 'Redis is unavailable; try again shortly' });
    }
  });

  it('says not ready but stays alive', async () => {
    expect((await request(app).get('/readyz')).status).toBe(503);
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it('still serves /metrics, without the queue gauges (Redis memory unknown: NaN)', async () => {
    const response = await request(app).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(response.status).toBe(200);
    expect(response.text).toMatch(/^ripio_process_cpu_seconds_total /m);
    expect(response.text).toMatch(/^ripio_replays_total\{result="replayed"\} 0$/m);
    expect(response.text).not.toMatch(/^ripio_queue_jobs\{/m);
    expect(response.text).toMatch(/^ripio_redis_used_memory_bytes nan$/im);
    expect(snapshotErrors.length).toBeGreaterThan(0);
  });
});
