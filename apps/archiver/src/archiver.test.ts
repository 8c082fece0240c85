import type { EventLogRecord } from '@ripio-webhooks/contracts';
import { createEventLogStream } from '@ripio-webhooks/store';
import { LocalPostgresServer, deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startArchiver, type ArchiverService } from './archiver-service.js';
import { loadEnv } from './env.js';

function recordOf(n: number, outcome: EventLogRecord['outcome'] = 'applied'): EventLogRecord {
  const id = `tx-${n}`;
  return {
    v: 1,
    eventKey: `off-ramp|${id}|OFF-RAMP.ORDER.CANCELLED`,
    outcome,
    at: '2026-11-20T10:00:01.000Z',
    receivedAt: '2026-11-20T10:00:00.500Z',
    issuedAt: '2026-11-20T10:00:00.000Z',
    kind: 'off-ramp',
    entityId: id,
    eventType: 'OFF-RAMP.ORDER.CANCELLED',
    family: 'off-ramp',
    rawBody: `{"eventType":"OFF-RAMP.ORDER.CANCELLED","transactionObject":{"transactionId":"${id}"}}`,
    bodySha256: 'ab',
    requestId: null,
    proof: null,
    attempts: 1,
    error: null,
    deadLetterReason: null,
    replayedAt: null,
    entity: outcome === 'applied' ? { status: 'ORDER_CANCELLED', version: 1, state: {} } : null,
  };
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('archiver: the outbox stream into Postgres, through a Postgres outage', () => {
  let redis: Redis;
  let postgres: LocalPostgresServer;
  let archiver: ArchiverService;
  let pool: pg.Pool;
  const prefix = uniquePrefix('archiver');

  beforeAll(async () => {
    redis = new Redis(inject('redisUrl'));
    postgres = await LocalPostgresServer.start();
    const loaded = loadEnv({
      REDIS_URL: inject('redisUrl'),
      QUEUE_PREFIX: prefix,
      EVENT_LOG: 'postgres',
      DATABASE_URL: postgres.url,
      EVENT_LOG_MIGRATE: 'true',
      ARCHIVE_BATCH_SIZE: '50',
      ARCHIVE_BLOCK_MS: '100',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    });
    if (!loaded.ok) throw new Error(loaded.message);
    archiver = await startArchiver(loaded.env, { logger: pino({ level: 'silent' }), defaultMetrics: false });
    pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
    pool.on('error', () => undefined);
  });
  afterAll(async () => {
    await archiver.shutdown();
    await pool.end();
    await postgres.stop();
    await deleteKeysContaining(redis, prefix);
    redis.disconnect();
  });

  const count = async () =>
    Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM events')).rows[0]?.n);
  const lag = async () => {
    const text = await (await fetch(`${archiver.metricsServer.url}/metrics`)).text();
    return Number(/^ripio_event_log_lag_seconds (\S+)$/m.exec(text)?.[1]);
  };

  it('writes every record once, then trims the stream', async () => {
    const stream = createEventLogStream(redis, prefix);
    for (let n = 0; n < 120; n += 1) await stream.append(JSON.stringify(recordOf(n, 'retrying')));
    for (let n = 0; n < 120; n += 1) await stream.append(JSON.stringify(recordOf(n)));
    await until(async () => (await count()) === 120 && (await redis.xlen(`{${prefix}}:eventlog`)) === 0);
    const outcomes = await pool.query('SELECT outcome, count(*)::int AS n FROM events GROUP BY outcome');
    expect(outcomes.rows).toEqual([{ outcome: 'applied', n: 120 }]);
    expect(await lag()).toBe(0);
  });

  it('keeps records in the stream while Postgres is down, shows the lag, and catches up when it returns', async () => {
    const stream = createEventLogStream(redis, prefix);
    await postgres.kill();
    for (let n = 200; n < 260; n += 1) await stream.append(JSON.stringify(recordOf(n)));
    await until(async () => (await lag()) > 0);
    expect(await redis.xlen(`{${prefix}}:eventlog`)).toBe(60);
    await postgres.restart();
    await until(async () => {
      try {
        return (await count()) === 180;
      } catch {
        return false;
      }
    });
    const doubles = await pool.query('SELECT event_key FROM events GROUP BY event_key HAVING count(*) > 1');
    expect(doubles.rows).toEqual([]);
    await until(async () => (await lag()) === 0);
  });
});
