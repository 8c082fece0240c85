import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  startChildApp,
  TEST_ADMIN_TOKEN,
  TEST_WEBHOOK_SECRET,
  type ChildApp,
} from '@ripio-webhooks/test-support';
import { QueueEvents, type Job, type Queue } from 'bullmq';
import type { Express } from 'express';
import request from 'supertest';
import type { CreatedOperator, OperatorRole } from '@ripio-webhooks/contracts';
import { pino } from 'pino';
import { intakeProver, signIntakeProof, signRipioBody } from '@ripio-webhooks/core';
import {
  eventJobOf,
  sampleEvent,
  toRipioJson,
  type EventType,
  type IntakeProof,
  type IntakeProofSubject,
} from '@ripio-webhooks/schemas';
import {
  bullPrefix,
  createDeadLetterStore,
  createEntityStore,
  createHoldIndex,
  createHoldStore,
  createRedis,
  EVENTS_QUEUE,
  eventJobOptions,
  openDeadLetterQueue,
  openEventsQueue,
  readQueueSnapshot,
  type EventJobData,
  type RedisClient,
} from '@ripio-webhooks/store';
import type { EventLogReader } from '@ripio-webhooks/event-log';
import { accessControl, type AccessEnv } from './access.js';
import type { TrustProxy } from './access-env.js';
import { createAdminApp } from './app.js';
import type { AccessControl } from './auth.js';
// Brings test-support's `ProvidedContext` augmentation (`inject('redisUrl')`) into this package's type program.
export type {} from '@ripio-webhooks/test-support/global-setup';
import { bullBoardRouter } from './bull-board.js';
import { createAdminMetrics, type AdminMetrics } from './metrics.js';
import { openAdminStores, type OpenedStores } from './stores.js';

export const TOKEN = TEST_ADMIN_TOKEN;
/** The INTAKE_PROOF_KEYS the test receivers sign with and the test workers verify with. */
export const INTAKE_PROOF_KEY = 'admin-tests-intake-proof-key-0123456789';
/** The Ripio secret the jobs of `jobFor` are signed with, as Ripio would. */
const RIPIO_SECRET = TEST_WEBHOOK_SECRET;

export interface AdminHarness {
  app: Express;
  access: AccessControl;
  queuePrefix: string;
  redis: RedisClient;
  stores: OpenedStores;
  metrics: AdminMetrics;
  events: Queue<EventJobData>;
  /** Resolves once the admin's Redis connection is ready (a fail-fast client refuses commands before). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** The access settings of the test admin apps (the defaults of env.ts), with `overrides`. */
export function testAccessEnv(queuePrefix: string, overrides: Partial<AccessEnv> = {}): AccessEnv {
  return {
    QUEUE_PREFIX: queuePrefix,
    ADMIN_TOKEN: TOKEN,
    OPERATOR_TOKEN_KEY: 'admin-tests-operator-token-key-0123456789',
    TRUSTED_PROXY_IDENTITY_HEADER: undefined,
    TRUSTED_PROXY_ADDRESSES: [],
    AUDIT_RETENTION_DAYS: 400,
    // High: the tests send many wrong credentials on purpose; the throttle's own tests set it low.
    LOGIN_MAX_FAILURES_PER_ADDRESS: 10_000,
    LOGIN_MAX_FAILURES_PER_OPERATOR: 5,
    LOGIN_THROTTLE_SECONDS: 900,
    ...overrides,
  };
}

export interface AdminOptions {
  access?: Partial<AccessEnv>;
  trustProxy?: TrustProxy;
  now?: () => number;
  /** The Postgres event log's reader (absent: its routes answer 404, as with EVENT_LOG=off). */
  eventLog?: EventLogReader | undefined;
}

/** The admin app in-process over a real Redis, with the same wiring as main.ts (bull-board included). */
export function startAdmin(redisUrl: string, queuePrefix: string, options: AdminOptions = {}): AdminHarness {
  const redis = createRedis({ url: redisUrl, role: 'fail-fast', connectionName: 'admin-test' });
  const connection = { redis, queuePrefix };
  const events = openEventsQueue(connection);
  const deadLetter = openDeadLetterQueue(connection);
  const stores = openAdminStores(redis, queuePrefix);
  const metrics = createAdminMetrics(
    () => readQueueSnapshot({ redis, queuePrefix }),
    undefined,
    () => stores.listHolds(),
    () => stores.countStuck(),
  );
  const access = accessControl(redis, testAccessEnv(queuePrefix, options.access));
  const app = createAdminApp({
    access,
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    stores,
    metrics,
    logger: pino({ level: 'silent' }),
    queuesDashboard: bullBoardRouter(events, deadLetter),
    ping: async () => (await redis.ping()) === 'PONG',
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.eventLog === undefined ? {} : { eventLog: options.eventLog }),
  });
  return {
    app,
    access,
    queuePrefix,
    redis,
    stores,
    metrics,
    events,
    async ready() {
      if (redis.status !== 'ready') await once(redis, 'ready');
    },
    async close() {
      await Promise.allSettled([stores.close(), events.close(), deadLetter.close()]);
      redis.disconnect();
    },
  };
}

/** A Ripio event body as Ripio serializes it, from the schemas' sample builder. */
export function eventBody(eventType: EventType, entityId: string, issueDatetime: string): string {
  return toRipioJson(sampleEvent(eventType, { entityId, issueDatetime }));
}

/** The proof a test receiver would give a job with these fields. */
export function proofFor(subject: IntakeProofSubject): IntakeProof {
  const ripioSignature = {
    header: 'x-wh-signature-256',
    value: signRipioBody(subject.rawBody, RIPIO_SECRET),
  };
  return signIntakeProof(subject, ripioSignature, [INTAKE_PROOF_KEY]);
}

/** The job the receiver would enqueue for this body (same key, name and data with its proof: `eventJobOf`). */
export function jobFor(rawBody: string): { name: string; data: EventJobData } {
  const ripioSignature = { header: 'x-wh-signature-256', value: signRipioBody(rawBody, RIPIO_SECRET) };
  return eventJobOf({
    envelope: JSON.parse(rawBody) as Record<string, unknown>,
    rawBody,
    rawText: rawBody,
    receivedAtMs: Date.now(),
    requestId: randomUUID(),
    prove: intakeProver([INTAKE_PROOF_KEY], ripioSignature),
  });
}

/**
 * An off-ramp entity on hold behind its deposit (as after the deposit's handlers kept failing; with
 * `deadLettered`, the deposit is in the dead-letter queue too), with its trade parked behind it by the running
 * worker. Returns both event keys.
 */
export async function putEntityOnHold(
  admin: AdminHarness,
  id: string,
  options: { deadLettered: boolean },
): Promise<{ deposit: string; trade: string }> {
  const queuePrefix = admin.queuePrefix;
  const holds = createHoldStore({ redis: admin.redis, queuePrefix });
  const depositBody = eventBody('OFF-RAMP.DEPOSIT.RECEIVED', id, '2026-05-19T14:00:00.000Z');
  const { name, data } = jobFor(depositBody);
  const entities = createEntityStore({ redis: admin.redis, queuePrefix });
  const locked = await entities.lockAndLoad('off-ramp', id, data.eventKey, 'failing-attempt', 60_000);
  if (locked.outcome !== 'locked') throw new Error(`${id} is locked`);
  const blocker = {
    eventKey: data.eventKey,
    eventType: name,
    issueDatetime: '2026-05-19T14:00:00.000Z',
    receivedAt: data.receivedAt,
  };
  const held = await holds.holdOnFailure('off-ramp', id, 'failing-attempt', blocker, 10, 'ledger down');
  await createHoldIndex(admin.redis, queuePrefix).add('off-ramp', id, held.hold?.since ?? data.receivedAt);
  if (options.deadLettered) {
    const deadLetters = createDeadLetterStore({ redis: admin.redis, queuePrefix });
    await deadLetters.add(name, {
      job: data,
      reason: 'handler_failed',
      error: 'ledger down',
      attemptsMade: 10,
      firstFailedAt: data.receivedAt,
      lastFailedAt: data.receivedAt,
    });
    await deadLetters.close();
    await holds.markDeadLettered('off-ramp', id, data.eventKey);
  }
  const trade = jobFor(eventBody('OFF-RAMP.TRADE.COMPLETED', id, '2026-05-19T14:01:00.000Z'));
  await admin.events.add(trade.name, trade.data, eventJobOptions(trade.data.eventKey));
  for (let poll = 0; poll < 400; poll += 1) {
    if ((await holds.get('off-ramp', id))?.parked.length === 1) {
      return { deposit: data.eventKey, trade: trade.data.eventKey };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`the worker never parked the trade of ${id}`);
}

/** Waits for jobs on the events queue to finish (BullMQ's completion events, no polling). */
export class JobWaiter {
  private readonly queueEvents: QueueEvents;
  private readonly connection: RedisClient;

  constructor(redisUrl: string, queuePrefix: string) {
    this.connection = createRedis({ url: redisUrl, role: 'blocking', connectionName: 'admin-test-events' });
    this.queueEvents = new QueueEvents(EVENTS_QUEUE, {
      connection: this.connection,
      prefix: bullPrefix(queuePrefix),
    });
  }

  async ready(): Promise<void> {
    await this.queueEvents.waitUntilReady();
  }

  /** Enqueues a body as the receiver would and resolves with the worker's return value. */
  async process(events: Queue<EventJobData>, rawBody: string): Promise<unknown> {
    const { name, data } = jobFor(rawBody);
    const job: Job<EventJobData> = await events.add(name, data, eventJobOptions(data.eventKey));
    return this.finished(job);
  }

  async finished(job: Job<EventJobData>): Promise<unknown> {
    return (await job.waitUntilFinished(this.queueEvents, 20_000)) as unknown;
  }

  async close(): Promise<void> {
    await this.queueEvents.close();
    this.connection.disconnect();
  }
}

// The built apps are started as child processes with test-support's helpers (shared with the worker's tests).
export { startChildApp, type ChildApp } from '@ripio-webhooks/test-support';

export function distMain(app: 'worker' | 'receiver' | 'admin'): string {
  return fileURLToPath(new URL(`../../${app}/dist/main.js`, import.meta.url));
}

/** The built worker as a child process on this Redis and prefix (metrics on a free loopback port). */
export async function startWorkerApp(redisUrl: string, queuePrefix: string): Promise<ChildApp> {
  const metricsPort = await freePort();
  return startChildApp(
    distMain('worker'),
    {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'warn',
      METRICS_PORT: String(metricsPort),
      METRICS_HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '5000',
      INTAKE_PROOF_KEYS: INTAKE_PROOF_KEY,
    },
    `http://127.0.0.1:${metricsPort}/healthz`,
  );
}

/** Creates a named operator through the API (as the bootstrap admin) and returns its one-time token. */
export async function createOperator(admin: AdminHarness, name: string, role: OperatorRole): Promise<string> {
  const answer = await request(admin.app)
    .post('/api/operators')
    .set('Authorization', `Bearer ${TOKEN}`)
    .send({ name, role });
  if (answer.status !== 201) throw new Error(`creating ${name}: ${answer.status} ${answer.text}`);
  return (answer.body as CreatedOperator).token;
}
