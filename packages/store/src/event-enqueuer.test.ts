import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { eventJobOf, type EventJob } from '@ripio-webhooks/schemas';
import { testProver } from './intake-proof.test-helpers.js';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { MAX_BATCH } from './add-batcher.js';
import { createRedis, type RedisClient } from './connection.js';
import { createEventEnqueuer, type EnqueueResult, type EventEnqueuer } from './event-enqueuer.js';
import { openEventsQueue } from './queues.js';

const redisUrl = inject('redisUrl');
const inspector = new Redis(redisUrl);

let prefix: string;
let redis: RedisClient;
let enqueuer: EventEnqueuer;
let queue: ReturnType<typeof openEventsQueue>;

beforeEach(async () => {
  prefix = uniquePrefix('enqueuer');
  // As the receiver wires it: a fail-fast connection, here owned by the test so it can drop it.
  redis = createRedis({ url: redisUrl, role: 'fail-fast', connectionName: 'enqueuer-test' });
  redis.on('error', () => undefined);
  enqueuer = createEventEnqueuer({ redis, queuePrefix: prefix, timeoutMs: 5_000, backlogLimit: 0 });
  expect(await enqueuer.waitUntilReady(10_000)).toBe(true);
  queue = openEventsQueue({ redis: inspector, queuePrefix: prefix });
});

afterEach(async () => {
  await enqueuer.close();
  await queue.close();
  redis.disconnect();
  await deleteKeysContaining(inspector, prefix);
});

afterAll(() => inspector.disconnect());

/** The job the receiver builds for a signed KYC event. */
function kycJob(customerId: string, submissionId: string, requestId: string): EventJob {
  const text = JSON.stringify({
    eventType: 'KYC.COMPLETED',
    issueDatetime: '2026-03-12T14:22:22.508Z',
    payload: { submissionId, customerId, source: 'WIDGET', metadata: {} },
  });
  const envelope = JSON.parse(text) as Record<string, unknown>;
  const receivedAtMs = Date.now();
  return eventJobOf({
    envelope,
    rawBody: text,
    rawText: text,
    receivedAtMs,
    requestId,
    prove: testProver(text),
  });
}

async function queuedJobs(): Promise<{ eventKey: string; requestId: string }[]> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
  return jobs.map((job) => job.data);
}

async function jobCount(): Promise<number> {
  const counts = await queue.getJobCounts();
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

const outcomes = (results: EnqueueResult[]): string[] => results.map((result) => result.outcome);

describe('enqueues of one event-loop turn go to Redis as one batch', () => {
  it('each request gets its own answer: new, already queued, and two identical bodies (one job)', async () => {
    const earlier = kycJob('cust-0', 'sub-0', 'earlier');
    expect((await enqueuer.enqueue(earlier)).outcome).toBe('accepted');

    // All called in the same turn, so they share one batch.
    const batch = [
      kycJob('cust-1', 'sub-1', 'a'),
      kycJob('cust-2', 'sub-2', 'b'),
      kycJob('cust-0', 'sub-0', 'redelivery of earlier'),
      kycJob('cust-3', 'sub-3', 'first copy'),
      kycJob('cust-3', 'sub-3', 'second copy'),
      kycJob('cust-4', 'sub-4', 'c'),
    ];
    const results = await Promise.all(batch.map((job) => enqueuer.enqueue(job)));
    expect(outcomes(results)).toEqual([
      'accepted',
      'accepted',
      'duplicate',
      'accepted',
      'duplicate',
      'accepted',
    ]);

    const jobs = await queuedJobs();
    expect(jobs).toHaveLength(5);
    const byKey = new Map(jobs.map((job) => [job.eventKey, job]));
    expect(byKey.get('kyc|cust-3|KYC.COMPLETED|sub-3')?.requestId).toBe('first copy');
    expect(byKey.get('kyc|cust-0|KYC.COMPLETED|sub-0')?.requestId).toBe('earlier');
    const job = await queue.getJob('kyc|cust-1|KYC.COMPLETED|sub-1');
    expect(job?.name).toBe('KYC.COMPLETED');
    expect(job?.opts.attempts).toBeGreaterThan(1);
  });

  it(`more than ${MAX_BATCH} in one turn: several batches, every request answered, every job queued`, async () => {
    const count = MAX_BATCH * 2 + 7;
    const jobs = Array.from({ length: count }, (_, index) => kycJob(`bulk-${index}`, 'sub', `r-${index}`));
    const results = await Promise.all([...jobs, jobs[0]!].map((job) => enqueuer.enqueue(job)));
    expect(outcomes(results).slice(0, count)).toEqual(Array.from({ length: count }, () => 'accepted'));
    expect(results.at(-1)?.outcome).toBe('duplicate');
    expect(await jobCount()).toBe(count);
  });

  it('a batch that Redis cannot take fails only its own requests, with 503-worthy answers', async () => {
    const failing = [kycJob('cust-5', 'sub-5', 'x'), kycJob('cust-6', 'sub-6', 'y')].map((job) =>
      enqueuer.enqueue(job),
    );
    // The connection drops before the batch is flushed (it is flushed on setImmediate).
    redis.disconnect();
    const failed = await Promise.all(failing);
    expect(failed.map((result) => result.outcome === 'unavailable' && result.reason)).toEqual([
      'unavailable',
      'unavailable',
    ]);
    expect(await jobCount()).toBe(0);

    // Back: once the dropped connection has fully ended, connect it again.
    if (redis.status !== 'end') await new Promise((resolve) => redis.once('end', resolve));
    await redis.connect();
    const next = await Promise.all(
      [kycJob('cust-5', 'sub-5', 'x again'), kycJob('cust-7', 'sub-7', 'z')].map((job) =>
        enqueuer.enqueue(job),
      ),
    );
    expect(outcomes(next)).toEqual(['accepted', 'accepted']);
    expect((await queuedJobs()).map((job) => job.requestId).sort()).toEqual(['x again', 'z']);
  });
});

describe('ping', () => {
  it('is true while Redis answers and false once the connection is gone', async () => {
    expect(await enqueuer.ping(2_000)).toBe(true);
    redis.disconnect();
    expect(await enqueuer.ping(2_000)).toBe(false);
  });
});
