import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { LocalRedisServer } from '@ripio-webhooks/test-support';
import { WEBHOOK_PATH } from './webhook-route.js';
import { startReceiver, type RunningReceiver } from './receiver.js';
import { kycBody, sign, silentLogger, testEnv, TestQueueSpace } from './receiver.test-helpers.js';

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { status?: string; eventKey?: string };
}

async function postEvent(receiver: RunningReceiver, body: string): Promise<Answer> {
  const response = await fetch(`${receiver.url}${WEBHOOK_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wh-signature-256': sign(body) },
    body,
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as Answer['body'],
  };
}

async function metricsText(receiver: RunningReceiver): Promise<string> {
  return (await fetch(receiver.metricsUrl)).text();
}

/** Polls /readyz until it answers 200 (bounded): the receiver's own connection is back. */
async function waitUntilReady(receiver: RunningReceiver): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if ((await fetch(`${receiver.url}/readyz`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the receiver never became ready again');
}

describe('Redis outage (own redis-server, real HTTP server)', () => {
  let redis: LocalRedisServer;
  let space: TestQueueSpace;
  let receiver: RunningReceiver;

  beforeAll(async () => {
    redis = await LocalRedisServer.start({ appendonly: false });
    space = new TestQueueSpace(redis.url);
    receiver = await startReceiver(
      testEnv({
        REDIS_URL: redis.url,
        QUEUE_PREFIX: space.prefix,
        ENQUEUE_TIMEOUT_MS: '500',
        RETRY_AFTER_SECONDS: '3',
      }),
      { logger: silentLogger, defaultMetrics: false },
    );
  });

  afterAll(async () => {
    await receiver.shutdown();
    await space.cleanup();
    await redis.stop();
  });

  it('answers 503 with Retry-After while Redis is down, and accepts again once it is back', async () => {
    const before = await postEvent(receiver, kycBody('cust-before'));
    expect(before.status).toBe(202);

    await redis.kill('SIGKILL');
    const during = await postEvent(receiver, kycBody('cust-during'));
    expect(during.status).toBe(503);
    expect(during.retryAfter).toBe('3');
    expect(during.body.status).toBe('unavailable');
    expect((await fetch(`${receiver.url}/readyz`)).status).toBe(503);
    expect(await metricsText(receiver)).toMatch(
      /ripio_enqueue_errors_total\{reason="(unavailable|timeout)"\} [1-9]/,
    );

    await redis.restart();
    await waitUntilReady(receiver);
    // Ripio's retry of the refused event: accepted by the same receiver process, no restart.
    const retried = await postEvent(receiver, kycBody('cust-during'));
    expect(retried).toEqual({
      status: 202,
      retryAfter: null,
      body: { status: 'accepted', eventKey: 'kyc|cust-during|KYC.COMPLETED|sub-1' },
    });
    const job = await space.queue.getJob('kyc|cust-during|KYC.COMPLETED|sub-1');
    expect(job?.data.rawBody).toBe(kycBody('cust-during'));
  });

  it('answers 503 when Redis hangs past ENQUEUE_TIMEOUT_MS; the late add is then seen as a duplicate', async () => {
    const pid = redis.pid;
    expect(pid).toBeDefined();
    const body = kycBody('cust-hang');
    process.kill(pid!, 'SIGSTOP');
    let hung: Answer;
    try {
      hung = await postEvent(receiver, body);
    } finally {
      process.kill(pid!, 'SIGCONT');
    }
    expect(hung.status).toBe(503);
    expect(hung.retryAfter).toBe('3');
    expect(await metricsText(receiver)).toMatch(/ripio_enqueue_errors_total\{reason="timeout"\} [1-9]/);

    await waitUntilReady(receiver);
    // The add sent before the deadline reaches Redis once it resumes; Ripio's retry finds it.
    const retried = await postEvent(receiver, body);
    expect(retried.status).toBe(202);
    expect(retried.body).toEqual({ status: 'duplicate', eventKey: 'kyc|cust-hang|KYC.COMPLETED|sub-1' });
    expect(
      (await space.jobs()).filter((job) => job.eventKey === 'kyc|cust-hang|KYC.COMPLETED|sub-1'),
    ).toHaveLength(1);
  });
});

describe('graceful shutdown', () => {
  const redisUrl = inject('redisUrl');
  let space: TestQueueSpace;

  afterEach(async () => {
    await space.cleanup();
  });

  it('stops accepting connections, finishes the request in flight, and closes', async () => {
    space = new TestQueueSpace(redisUrl);
    const receiver = await startReceiver(testEnv({ REDIS_URL: redisUrl, QUEUE_PREFIX: space.prefix }), {
      logger: silentLogger,
      defaultMetrics: false,
    });
    const body = kycBody('cust-inflight');
    const half = Math.floor(body.length / 2);

    let stopped: Promise<void> | undefined;
    // A request whose headers and first half are sent before shutdown begins, the rest after.
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${receiver.url}${WEBHOOK_PATH}`, {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'x-wh-signature-256': sign(body),
        },
      });
      req.on('error', reject);
      req.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      // Once the server has parsed the headers (the body is still on its way), begin the shutdown, then finish it.
      receiver.server.once('request', () => {
        stopped = receiver.shutdown();
        req.end(body.slice(half));
      });
      req.write(body.slice(0, half));
    });

    const response = await answered;
    expect(response.status).toBe(202);
    expect(JSON.parse(response.text)).toEqual({
      status: 'accepted',
      eventKey: 'kyc|cust-inflight|KYC.COMPLETED|sub-1',
    });
    await stopped;
    expect(receiver.server.listening).toBe(false);
    await expect(fetch(`${receiver.url}/healthz`)).rejects.toThrow();
    expect(
      await space.inspector.exists(`{${space.prefix}}:events:kyc|cust-inflight|KYC.COMPLETED|sub-1`),
    ).toBe(1);
  });
});
