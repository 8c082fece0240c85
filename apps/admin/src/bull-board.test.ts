import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker, type Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  bullPrefix,
  createDeadLetterStore,
  createRedis,
  EVENTS_QUEUE,
  eventJobOptions,
  type EventJobData,
} from '@ripio-webhooks/store';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { proofFor, startAdmin, TOKEN, type AdminHarness } from './admin.test-helpers.js';
import { READ_ONLY_MESSAGE } from './bull-board.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('board');

const FAILED = 'off-ramp|tx-failed|OFF-RAMP.TRADE.COMPLETED';
const FAILED_TOO = 'on-ramp|tx-failed|ON-RAMP.TRADE.COMPLETED';
const COMPLETED = 'off-ramp|tx-done|OFF-RAMP.TRADE.COMPLETED';
const WAITING = 'off-ramp|tx-waiting|OFF-RAMP.TRADE.COMPLETED';
const DELAYED = 'off-ramp|tx-delayed|OFF-RAMP.TRADE.COMPLETED';
const DEAD = 'kyc|c-dead|KYC.COMPLETED';

function data(eventKey: string): EventJobData {
  const rawBody = `{"eventType":"OFF-RAMP.TRADE.COMPLETED","key":"${eventKey}"}`;
  const receivedAt = '2026-05-19T14:00:00.000Z';
  return {
    rawBody,
    bodySha256: 'sha',
    receivedAt,
    eventKey,
    requestId: `req-${eventKey}`,
    eventType: 'OFF-RAMP.TRADE.COMPLETED',
    proof: proofFor({ rawBody, eventKey, receivedAt }),
  };
}

/** Every job of the queue with its state and data: what no refused call may change. */
async function jobSet(queue: Queue<EventJobData>): Promise<unknown[]> {
  const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized']);
  const rows = await Promise.all(
    jobs.map(async (job) => ({
      id: job.id ?? '',
      state: await job.getState(),
      data: job.data,
      delay: job.opts.delay ?? 0,
      priority: job.priority,
    })),
  );
  return rows.sort((a, b) => a.id.localeCompare(b.id));
}

describe('bull-board: read-only but for retrying a failed event (real HTTP, real Redis)', () => {
  let admin: AdminHarness;
  let server: Server;
  let baseUrl: string;
  let cleanup: Redis;

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  const job = (id: string) => encodeURIComponent(id);

  beforeAll(async () => {
    admin = startAdmin(redisUrl, prefix);
    await admin.ready();
    cleanup = new Redis(redisUrl);
    // One failed and one completed job, through a real BullMQ worker that then stops.
    const connection = createRedis({ url: redisUrl, role: 'blocking' });
    const worker = new Worker<EventJobData>(
      EVENTS_QUEUE,
      (current) => {
        if (current.id === FAILED || current.id === FAILED_TOO) throw new Error('handler failed for good');
        return Promise.resolve('done');
      },
      { connection, prefix: bullPrefix(prefix) },
    );
    const settled = new Promise<void>((resolve) => {
      let count = 0;
      const one = () => (count += 1) === 3 && resolve();
      worker.on('failed', one);
      worker.on('completed', one);
    });
    await admin.events.add('OFF-RAMP.TRADE.COMPLETED', data(FAILED), {
      ...eventJobOptions(FAILED),
      attempts: 1,
    });
    await admin.events.add('ON-RAMP.TRADE.COMPLETED', data(FAILED_TOO), {
      ...eventJobOptions(FAILED_TOO),
      attempts: 1,
    });
    await admin.events.add('OFF-RAMP.TRADE.COMPLETED', data(COMPLETED), eventJobOptions(COMPLETED));
    await settled;
    await worker.close();
    connection.disconnect();
    // Then, with no worker: one waiting job and one delayed one.
    await admin.events.add('OFF-RAMP.TRADE.COMPLETED', data(WAITING), eventJobOptions(WAITING));
    await admin.events.add('OFF-RAMP.TRADE.COMPLETED', data(DELAYED), {
      ...eventJobOptions(DELAYED),
      delay: 3_600_000,
    });
    const deadLetters = createDeadLetterStore({ redis: admin.redis, queuePrefix: prefix });
    await deadLetters.add('KYC.COMPLETED', {
      job: data(DEAD),
      reason: 'exhausted',
      error: 'handler failed',
      attemptsMade: 10,
      firstFailedAt: '2026-05-19T14:00:01.000Z',
      lastFailedAt: '2026-05-19T14:05:00.000Z',
    });
    await deadLetters.close();

    server = admin.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await admin?.close();
    if (cleanup !== undefined) {
      await deleteKeysContaining(cleanup, prefix);
      cleanup.disconnect();
    }
  });

  it('shows both queues: events retry-only (failed jobs), dead-letter read-only', async () => {
    const { status, body } = await call('GET', '/queues/api/queues');
    expect(status).toBe(200);
    const queues = (body as { queues: Record<string, unknown>[] }).queues;
    const byName = new Map(queues.map((queue) => [queue['name'], queue]));
    expect(byName.get('events')).toMatchObject({
      readOnlyMode: false,
      allowRetries: true,
      allowCompletedRetries: false,
    });
    expect(byName.get('dead-letter')).toMatchObject({ readOnlyMode: true, allowRetries: false });
    expect((await call('GET', `/queues/api/queues/events/${job(WAITING)}`)).status).toBe(200);
  });

  it('refuses every other write, on both queues, and leaves the job sets unchanged', async () => {
    const before = {
      events: await jobSet(admin.events),
      dead: await admin.stores.deadLetters.list({ limit: 10 }),
    };
    expect(before.events).toHaveLength(5);
    const refused: [string, string, unknown?][] = [
      ['POST', '/queues/api/queues/events/add', { name: 'OFF-RAMP.TRADE.COMPLETED', data: data('forged') }],
      ['PATCH', `/queues/api/queues/events/${job(WAITING)}/update-data`, { jobData: data('forged') }],
      ['PUT', '/queues/api/queues/events/clean/completed'],
      ['PUT', '/queues/api/queues/events/clean/failed'],
      ['PUT', '/queues/api/queues/events/empty'],
      ['PUT', '/queues/api/queues/events/obliterate'],
      ['PUT', `/queues/api/queues/events/${job(FAILED)}/clean`],
      ['PUT', `/queues/api/queues/events/${job(WAITING)}/clean`],
      ['PUT', `/queues/api/queues/events/${job(DELAYED)}/promote`],
      ['PUT', '/queues/api/queues/events/promote'],
      ['PATCH', `/queues/api/queues/events/${job(DELAYED)}/delay`, { delay: 0 }],
      ['PATCH', `/queues/api/queues/events/${job(WAITING)}/priority`, { priority: 1 }],
      ['PUT', '/queues/api/queues/events/pause'],
      ['PUT', '/queues/api/queues/pause'],
      ['PUT', '/queues/api/queues/events/concurrency', { concurrency: 1 }],
      // Retrying a completed job would run an applied event again.
      ['PUT', '/queues/api/queues/events/retry/completed'],
      ['PUT', `/queues/api/queues/events/${job(COMPLETED)}/retry`],
      ['PUT', `/queues/api/queues/events/${job(WAITING)}/retry`],
      // Route tricks: another case, a trailing slash, another method.
      ['PUT', '/queues/API/QUEUES/events/empty'],
      ['POST', '/queues/api/queues/events/ADD', { name: 'x', data: data('forged') }],
      ['PUT', `/queues/api/queues/events/${job(FAILED)}/retry/`],
      ['DELETE', `/queues/api/queues/events/${job(WAITING)}`],
      // The dead-letter queue: nothing at all.
      ['PUT', `/queues/api/queues/dead-letter/${job(DEAD)}/retry`],
      ['PUT', '/queues/api/queues/dead-letter/retry/failed'],
      ['POST', '/queues/api/queues/dead-letter/add', { name: 'x', data: {} }],
      ['PUT', '/queues/api/queues/dead-letter/empty'],
      ['PUT', `/queues/api/queues/dead-letter/${job(DEAD)}/clean`],
    ];
    for (const [method, path, body] of refused) {
      const answer = await call(method, path, body);
      expect(answer, `${method} ${path}`).toEqual({ status: 405, body: { error: READ_ONLY_MESSAGE } });
    }
    expect(await jobSet(admin.events)).toEqual(before.events);
    expect(await admin.events.isPaused()).toBe(false);
    expect(await admin.stores.deadLetters.list({ limit: 10 })).toEqual(before.dead);
  });

  it('retries a failed event, one or all of them', async () => {
    expect(await admin.events.getJobState(FAILED)).toBe('failed');
    const one = await call('PUT', `/queues/api/queues/events/${job(FAILED)}/retry`);
    expect(one.status).toBe(204);
    expect(await admin.events.getJobState(FAILED)).toBe('waiting');
    expect(await admin.events.getJobState(FAILED_TOO)).toBe('failed');
    const all = await call('PUT', '/queues/api/queues/events/retry/failed');
    expect(all).toEqual({ status: 200, body: { retried: 1, skipped: 0 } });
    expect(await admin.events.getJobState(FAILED_TOO)).toBe('waiting');
    // The retried job is the same job with the same data: nothing new was written.
    expect((await admin.events.getJob(FAILED))?.data).toEqual(data(FAILED));
  });
});
