import { retryDelayMs } from '@ripio-webhooks/core';
import { bullPrefix, EVENTS_QUEUE, eventJobOptions } from '@ripio-webhooks/store';
import { UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { RetryScheduledError } from './errors/retry-scheduled-error.js';
import { backoffStrategy, sweepFailedJobs } from './event-worker.js';
import { createWorkerMetrics } from './metrics.js';
import { proofFor, silentLogger, WorkerTestWorld } from './worker.test-helpers.js';

const policy = { delaysMs: [100, 200, 400, 800] };

describe('backoffStrategy', () => {
  it("returns the delay the processor chose, else core's schedule with the injected jitter", () => {
    const strategy = backoffStrategy(policy, () => 0.25);
    expect(strategy(3, 'ripio', new RetryScheduledError(1234, new Error('x')))).toBe(1234);
    expect(strategy(3, 'ripio', new Error('x'))).toBe(retryDelayMs(3, policy, () => 0.25));
    expect(strategy(3, 'ripio', new Error('x'))).toBe(390);
    expect(() => strategy(1, 'exponential')).toThrow(/unknown backoff type/);
  });
});

describe('sweepFailedJobs', () => {
  let world: WorkerTestWorld;
  afterEach(async () => {
    await world.close();
  });

  it('dead-letters jobs BullMQ failed on its own and removes them from the failed set', async () => {
    world = new WorkerTestWorld(inject('redisUrl'));
    const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    // Stands in for BullMQ failing a job outside our processor (e.g. stalled more than maxStalledCount).
    const raw = new Worker(
      EVENTS_QUEUE,
      () => Promise.reject(new UnrecoverableError('job stalled more than allowable limit')),
      {
        connection,
        prefix: bullPrefix(world.prefix),
      },
    );
    const failed = new Promise<void>((resolve) => raw.once('failed', () => resolve()));
    const subject = { rawBody: '{}', eventKey: 'k-1', receivedAt: '2026-03-01T10:00:00.000Z' };
    const data = { ...subject, bodySha256: 's', requestId: 'r', eventType: null, proof: proofFor(subject) };
    await world.events.add('unknown', data, eventJobOptions('k-1'));
    await failed;
    await raw.close();
    connection.disconnect();

    const metrics = createWorkerMetrics({ defaultMetrics: false });
    const deps = { events: world.events, deadLetters: world.deadLetters, metrics, logger: silentLogger };
    expect(await sweepFailedJobs(deps)).toBe(1);
    expect(await world.deadLetters.get('k-1')).toMatchObject({
      reason: 'exhausted',
      error: 'job stalled more than allowable limit',
      attemptsMade: 1,
      receivedAt: '2026-03-01T10:00:00.000Z',
    });
    expect(await world.events.getJob('k-1')).toBeUndefined();
    expect(await sweepFailedJobs(deps)).toBe(0);
  });
});
