import { Redis } from 'ioredis';
import { pino, type Logger } from 'pino';
import { signRipioBody } from '@ripio-webhooks/core';
import { openEventsQueue, type EventJobData } from '@ripio-webhooks/store';
import {
  deleteKeysContaining,
  TEST_OLD_WEBHOOK_SECRET,
  TEST_WEBHOOK_SECRET,
  uniquePrefix,
} from '@ripio-webhooks/test-support';
import { ReceiverEnv } from './env.js';
// Brings test-support's `ProvidedContext` augmentation (`inject('redisUrl')`) into this package's type program.
export type {} from '@ripio-webhooks/test-support/global-setup';
import type { ReceiverMetrics } from './metrics.js';
import { wireReceiver, type WiredReceiver } from './receiver.js';

export const SECRET = TEST_WEBHOOK_SECRET;
export const OLD_SECRET = TEST_OLD_WEBHOOK_SECRET;
/** The INTAKE_PROOF_KEYS of the tests (a worker holding it verifies what these receivers enqueue). */
export const INTAKE_PROOF_KEY = 'receiver-tests-intake-proof-key-0123456789';

export const silentLogger: Logger = pino({ level: 'silent' });

/** A documented KYC event (compact JSON, as Ripio sends it). */
export function kycBody(customerId = 'cust-1', submissionId = 'sub-1'): string {
  return JSON.stringify({
    eventType: 'KYC.COMPLETED',
    issueDatetime: '2026-03-12T14:22:22.508Z',
    payload: {
      submissionId,
      customerId,
      createdAt: '2026-03-12T14:22:22.544453Z',
      source: 'WIDGET',
      metadata: {},
    },
  });
}

export function sign(body: string | Buffer, secret = SECRET): string {
  return signRipioBody(body, secret);
}

/** Settings as the receiver would parse them from the environment, with test overrides. */
export function testEnv(overrides: Record<string, string>): ReceiverEnv {
  return ReceiverEnv.parse({
    RIPIO_WEBHOOK_SECRETS: `${SECRET},${OLD_SECRET}`,
    INTAKE_PROOF_KEYS: INTAKE_PROOF_KEY,
    HOST: '127.0.0.1',
    PORT: '0',
    METRICS_PORT: '0',
    // The bodies carry fixed past dates; tests of the age check set their own MAX_EVENT_AGE_SECONDS.
    MAX_EVENT_AGE_SECONDS: '0',
    ...overrides,
  });
}

/** A queue prefix of this test alone, a plain client to inspect it, and the cleanup. */
export class TestQueueSpace {
  readonly prefix = uniquePrefix('receiver');
  readonly inspector: Redis;
  readonly queue: ReturnType<typeof openEventsQueue>;

  constructor(readonly redisUrl: string) {
    this.inspector = new Redis(redisUrl);
    this.inspector.on('error', () => undefined); // tests that stop Redis on purpose
    this.queue = openEventsQueue({ redis: this.inspector, queuePrefix: this.prefix });
  }

  async jobs(): Promise<EventJobData[]> {
    const jobs = await this.queue.getJobs([
      'waiting',
      'active',
      'delayed',
      'prioritized',
      'completed',
      'failed',
    ]);
    return jobs.map((job) => job.data);
  }

  async jobCount(): Promise<number> {
    const counts = await this.queue.getJobCounts();
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  /** Keys that hold one job (the job hash `{prefix}:events:<id>`), whatever its state. */
  async jobHashKeys(): Promise<string[]> {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await this.inspector.scan(
        cursor,
        'MATCH',
        `{${this.prefix}}:events:*`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of keys) {
        if ((await this.inspector.type(key)) === 'hash' && !key.endsWith(':meta')) found.push(key);
      }
    } while (cursor !== '0');
    return found;
  }

  async cleanup(): Promise<void> {
    await this.queue.close();
    await deleteKeysContaining(this.inspector, this.prefix);
    await this.inspector.quit();
  }
}

/** The receiver wired exactly as in production, on the test's Redis and prefix, without listening (supertest). */
export async function inProcessReceiver(
  redisUrl: string,
  prefix: string,
  overrides: Record<string, string> = {},
): Promise<WiredReceiver> {
  const wired = wireReceiver(testEnv({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, ...overrides }), {
    logger: silentLogger,
    defaultMetrics: false,
  });
  if (!(await wired.waitUntilReady(10_000))) throw new Error(`test Redis ${redisUrl} did not become ready`);
  return wired;
}

/** Reads one counter value from the registry (0 when the series does not exist). */
export async function counterValue(
  metrics: ReceiverMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const found = values.find((value) =>
    Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === expected),
  );
  return found?.value ?? 0;
}
