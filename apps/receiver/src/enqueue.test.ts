import type { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createRedis, openEventsQueue, type EventJobData, type RedisClient } from '@ripio-webhooks/store';
import {
  createQueueIntake,
  MAX_BATCH,
  type EnqueueResult,
  type EventIntake,
  type ReadyJob,
} from './enqueue.js';
import { ingest } from './ingest.js';
import { kycBody, SECRET, sign, TestQueueSpace } from './receiver.test-helpers.js';

const redisUrl = inject('redisUrl');

let space: TestQueueSpace;
let redis: RedisClient;
let queue: Queue<EventJobData>;
let intake: EventIntake;

beforeEach(async () => {
  space = new TestQueueSpace(redisUrl);
  // As the receiver wires it: a fail-fast connection shared by the queue and the intake.
  redis = createRedis({ url: redisUrl, role: 'fail-fast', connectionName: 'enqueue-test' });
  redis.on('error', () => undefined);
  queue = openEventsQueue({ redis, queuePrefix: space.prefix }, { writeMeta: true });
  await queue.waitUntilReady();
  intake = createQueueIntake({ queue, redis, timeoutMs: 5_000, backlogLimit: 0 });
});

afterEach(async () => {
  await queue.close();
  redis.disconnect();
  await space.cleanup();
});

/** The job `ingest` decides for a signed KYC event. */
function readyJob(customerId: string, submissionId: string, requestId: string): ReadyJob {
  const body = kycBody(customerId, submissionId);
  const decision = ingest(
    {
      rawBody: Buffer.from(body),
      headers: { 'x-wh-signature-256': sign(body) },
      requestId,
      nowMs: Date.now(),
    },
    { secrets: [SECRET], maxEventAgeSeconds: 0 },
  );
  if (decision.kind !== 'enqueue') throw new Error(`expected enqueue, got ${decision.kind}`);
  return { eventKey: decision.eventKey, jobName: decision.jobName, data: decision.data };
}

const outcomes = (results: EnqueueResult[]): string[] => results.map((result) => result.outcome);

describe('enqueues of one event-loop turn go to Redis as one batch', () => {
  it('each request gets its own answer: new, already queued, and two identical bodies (one job)', async () => {
    const earlier = readyJob('cust-0', 'sub-0', 'earlier');
    expect((await intake.enqueue(earlier)).outcome).toBe('accepted');

    // All called in the same turn, so they share one batch.
    const batch = [
      readyJob('cust-1', 'sub-1', 'a'),
      readyJob('cust-2', 'sub-2', 'b'),
      readyJob('cust-0', 'sub-0', 'redelivery of earlier'),
      readyJob('cust-3', 'sub-3', 'first copy'),
      readyJob('cust-3', 'sub-3', 'second copy'),
      readyJob('cust-4', 'sub-4', 'c'),
    ];
    const results = await Promise.all(batch.map((job) => intake.enqueue(job)));
    expect(outcomes(results)).toEqual([
      'accepted',
      'accepted',
      'duplicate',
      'accepted',
      'duplicate',
      'accepted',
    ]);

    const jobs = await space.jobs();
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
    const jobs = Array.from({ length: count }, (_, index) => readyJob(`bulk-${index}`, 'sub', `r-${index}`));
    const results = await Promise.all([...jobs, jobs[0]!].map((job) => intake.enqueue(job)));
    expect(outcomes(results).slice(0, count)).toEqual(Array.from({ length: count }, () => 'accepted'));
    expect(results.at(-1)?.outcome).toBe('duplicate');
    expect(await space.jobCount()).toBe(count);
  });

  it('a batch that Redis cannot take fails only its own requests, with 503-worthy answers', async () => {
    const failing = [readyJob('cust-5', 'sub-5', 'x'), readyJob('cust-6', 'sub-6', 'y')].map((job) =>
      intake.enqueue(job),
    );
    // The connection drops before the batch is flushed (it is flushed on setImmediate).
    redis.disconnect();
    const failed = await Promise.all(failing);
    expect(failed.map((result) => result.outcome === 'unavailable' && result.reason)).toEqual([
      'unavailable',
      'unavailable',
    ]);
    expect(await space.jobCount()).toBe(0);

    // Back: once the dropped connection has fully ended, connect it again.
    if (redis.status !== 'end') await new Promise((resolve) => redis.once('end', resolve));
    await redis.connect();
    const next = await Promise.all(
      [readyJob('cust-5', 'sub-5', 'x again'), readyJob('cust-7', 'sub-7', 'z')].map((job) =>
        intake.enqueue(job),
      ),
    );
    expect(outcomes(next)).toEqual(['accepted', 'accepted']);
    expect((await space.jobs()).map((job) => job.requestId).sort()).toEqual(['x again', 'z']);
  });
});
