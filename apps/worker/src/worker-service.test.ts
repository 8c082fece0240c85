import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { sampleEvent } from '@ripio-webhooks/schemas';
import { bullPrefix, entityKeys, EVENTS_QUEUE } from '@ripio-webhooks/store';
import { TEST_FORWARD_SECRET } from '@ripio-webhooks/test-support';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { loadEnv, type WorkerEnv } from './env.js';
import type { ForwardBody } from './handlers/forwarder.js';
import { startWorker, type WorkerService } from './worker-service.js';
import { INTAKE_PROOF_KEY, silentLogger, WorkerTestWorld } from './worker.test-helpers.js';

const SECRET = TEST_FORWARD_SECRET;
const ISSUED = '2026-03-01T10:00:00.000Z';

interface Received {
  body: string;
  headers: Record<string, string>;
}

/** A loopback service that answers each request with the next status of `answers` (then 200). */
async function startTarget(
  answers: number[],
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [name, String(value)]),
        ),
      });
      response.writeHead(answers.shift() ?? 200);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}/ripio-events`, received, server };
}

function testEnv(overrides: Record<string, string>): WorkerEnv {
  const loaded = loadEnv({
    REDIS_URL: inject('redisUrl'),
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    WORKER_CONCURRENCY: '2',
    RETRY_SCHEDULE: '5ms,10ms',
    SHUTDOWN_TIMEOUT_MS: '5000',
    INTAKE_PROOF_KEYS: INTAKE_PROOF_KEY,
    ...overrides,
  });
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.env;
}

function completions(service: WorkerService, count: number): Promise<void> {
  let seen = 0;
  return new Promise((resolve) => {
    const onCompleted = () => {
      seen += 1;
      if (seen === count) {
        service.worker.off('completed', onCompleted);
        resolve();
      }
    };
    service.worker.on('completed', onCompleted);
  });
}

describe('the worker service (env -> Redis, handlers, forwarder, metrics, shutdown)', () => {
  let world: WorkerTestWorld;
  let service: WorkerService | undefined;
  let target: Server | undefined;
  afterEach(async () => {
    await service?.shutdown();
    service = undefined;
    target?.close();
    await world.close();
  });

  it('forwards applied transitions signed, retries 503, dead-letters a 400, and exports metrics', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const forward = await startTarget([503]);
    target = forward.server;
    service = await startWorker(
      testEnv({
        QUEUE_PREFIX: world.prefix,
        FORWARD_URL: forward.url,
        FORWARD_SECRET: SECRET,
        FORWARD_ALLOW_HTTP: 'true',
      }),
      { logger: silentLogger, defaultMetrics: false },
    );

    const entityId = randomUUID();
    let done = completions(service, 1);
    const deposit = await world.enqueue(
      sampleEvent('ON-RAMP.DEPOSIT.RECEIVED', { entityId, issueDatetime: ISSUED }),
    );
    await done;

    // First answer 503 (retried), then 200.
    expect(forward.received).toHaveLength(2);
    const delivered = forward.received[1]!;
    // Verified as the receiving service does, with the Standard Webhooks library; the id is the event key.
    const body = new Webhook(SECRET).verify(delivered.body, delivered.headers) as ForwardBody;
    expect(delivered.headers['webhook-id']).toBe(deposit.eventKey);
    expect(forward.received[0]?.headers['webhook-id']).toBe(deposit.eventKey);
    expect(body).toMatchObject({
      eventKey: deposit.eventKey,
      eventType: 'ON-RAMP.DEPOSIT.RECEIVED',
      kind: 'on-ramp',
      entityId,
      outcome: 'applied',
      from: null,
      to: 'DEPOSIT_RECEIVED',
      entity: { kind: 'on-ramp', id: entityId, status: 'DEPOSIT_RECEIVED', version: 1 },
    });
    expect((await world.entities.get('on-ramp', entityId))?.status).toBe('DEPOSIT_RECEIVED');

    // A 4xx is unrecoverable: dead-lettered on the first attempt, status unchanged.
    forward.server.removeAllListeners('request');
    forward.server.on('request', (request: IncomingMessage, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(400);
        response.end();
      });
    });
    done = completions(service, 1);
    const trade = await world.enqueue(
      sampleEvent('ON-RAMP.TRADE.COMPLETED', { entityId, issueDatetime: ISSUED }),
    );
    await done;
    expect(await world.deadLetters.get(trade.eventKey)).toMatchObject({
      reason: 'handler_failed',
      attemptsMade: 1,
    });
    expect((await world.entities.get('on-ramp', entityId))?.status).toBe('DEPOSIT_RECEIVED');

    const scrape = await fetch(`${service.metricsServer.url}/metrics`);
    const text = await scrape.text();
    expect(text).toContain(
      'ripio_events_processed_total{family="on-ramp",event_type="ON-RAMP.DEPOSIT.RECEIVED",outcome="applied"} 1',
    );
    expect(text).toContain('ripio_transitions_total{kind="on-ramp",from="NEW",to="DEPOSIT_RECEIVED"} 1');
    expect(text).toContain('ripio_retries_total{family="on-ramp"} 1');
    expect(text).toContain('ripio_dead_lettered_total{reason="handler_failed"} 1');
    expect(text).toContain('ripio_handler_failures_total{handler="forward"} 2');
    expect(text).toContain('ripio_worker_up 1');
    expect(text).toContain('ripio_event_lag_seconds_count{family="on-ramp"} 1');
    expect(text).not.toContain('ripio_queue_jobs');
  });

  it('exports queue gauges when asked, and shuts down after finishing an active job', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    service = await startWorker(testEnv({ QUEUE_PREFIX: world.prefix, EXPORT_QUEUE_GAUGES: 'true' }), {
      logger: silentLogger,
      defaultMetrics: false,
      handlers: {
        'ACCOUNT.CLOSED': () =>
          new Promise<void>((resolve) => {
            release = resolve;
            started();
          }),
      },
    });
    const entityId = randomUUID();
    await world.enqueue(sampleEvent('ACCOUNT.CLOSED', { entityId, issueDatetime: ISSUED }));
    await handlerStarted;

    const text = await (await fetch(`${service.metricsServer.url}/metrics`)).text();
    expect(text).toContain('ripio_queue_jobs{queue="events",state="active"} 1');
    expect(text).toContain('ripio_dead_letter_size{reason="invalid"} 0');
    expect(text).toContain('ripio_queue_oldest_waiting_age_seconds{queue="dead-letter",state="waiting"} 0');
    expect(text).toMatch(/ripio_redis_used_memory_bytes \d+/);

    // Shutdown waits for the active job: it completes and commits before the worker closes.
    const running = service;
    service = undefined;
    const stopping = running.shutdown();
    release();
    await stopping;
    expect((await world.entities.get('account', entityId))?.status).toBe('CLOSED');
  });

  it('recovers the job of a dead worker with the JOB_LOCK_MS and STALLED_INTERVAL_MS it was given', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const env = testEnv({
      QUEUE_PREFIX: world.prefix,
      JOB_LOCK_MS: '1000',
      STALLED_INTERVAL_MS: '1000',
      HANDLER_TIMEOUT_MS: '2000',
    });
    const entityId = randomUUID();
    const event = await world.enqueue(sampleEvent('ACCOUNT.CLOSED', { entityId, issueDatetime: ISSUED }));

    // A worker that takes the job and dies: getNextJob locks it for JOB_LOCK_MS and nothing renews the lock.
    const deadConnection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    const dead = new Worker(EVENTS_QUEUE, null, {
      connection: deadConnection,
      prefix: bullPrefix(world.prefix),
      lockDuration: env.JOB_LOCK_MS,
    });
    const taken = await dead.getNextJob('dead-worker-token', { block: false });
    expect(taken?.id).toBe(event.eventKey);
    await dead.close();
    deadConnection.disconnect();

    // The entity lock lives HANDLER_TIMEOUT_MS + JOB_LOCK_MS: read its TTL while the handler runs.
    let entityLockTtl = 0;
    service = await startWorker(env, {
      logger: silentLogger,
      defaultMetrics: false,
      handlers: {
        'ACCOUNT.CLOSED': async () => {
          entityLockTtl = await world.redis.pttl(entityKeys(world.prefix, 'account', entityId).lock);
        },
      },
    });
    expect(service.worker.opts).toMatchObject({ lockDuration: 1_000, stalledInterval: 1_000 });
    const recovered = new Promise<string | undefined>((resolve) => {
      service?.worker.once('completed', (job) => resolve(job.id));
    });
    // The stalled check marks the active job, finds its lock expired on a later run, and puts it back to wait.
    expect(await recovered).toBe(event.eventKey);
    expect((await world.entities.get('account', entityId))?.status).toBe('CLOSED');
    expect(entityLockTtl).toBeGreaterThan(2_000);
    expect(entityLockTtl).toBeLessThanOrEqual(3_000);
    expect(
      await world.redis.hget(`${bullPrefix(world.prefix)}:${EVENTS_QUEUE}:${event.eventKey}`, 'stc'),
    ).toBe('1');
  });
});
