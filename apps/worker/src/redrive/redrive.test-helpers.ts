// Test world for re-drives: a real Postgres event log (its own database), a real Redis, real BullMQ.
export type {} from '@ripio-webhooks/test-support/global-setup-postgres';
import type {
  EventLogRecord,
  RedriveDetail,
  RedriveFilter,
  RedriveHandlers,
} from '@ripio-webhooks/contracts';
import {
  createRedrive,
  getRedrive,
  migrateEventLog,
  openEventLogPool,
  writeBatch,
  type EventLogPool,
} from '@ripio-webhooks/event-log';
import { eventKeyOfEvent, parseEventBody, toRipioJson } from '@ripio-webhooks/schemas';
import { openRedrivesQueue, redriveJobOptions, type RedriveJobData } from '@ripio-webhooks/store';
import { freshDatabase, type FreshDatabase } from '@ripio-webhooks/test-support';
import type { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import type { HandlerMap } from '@ripio-webhooks/handlers';
import { createHandlerRunner } from '../handlers/run-handlers.js';
import { silentLogger, WorkerTestWorld } from '../worker.test-helpers.js';
import { createRedriveConsumer, type RedriveConsumer } from './redrive-consumer.js';

/** An event as the log holds it after it was applied: the body, its entity's status and version then. */
export interface LoggedEvent {
  body: object;
  status: string;
  version: number;
  outcome?: 'applied' | 'late' | 'conflict' | 'dead_lettered';
}

export class RedriveWorld {
  readonly world = new WorkerTestWorld(inject('redisUrl'));
  readonly queue: Queue<RedriveJobData>;
  private readonly consumers: RedriveConsumer[] = [];
  private readonly connections: Redis[] = [];
  private logPosition = 1_000;

  private constructor(
    readonly database: FreshDatabase,
    readonly pool: EventLogPool,
  ) {
    this.queue = openRedrivesQueue({ redis: this.world.redis, queuePrefix: this.world.prefix });
  }

  static async open(): Promise<RedriveWorld> {
    const database = await freshDatabase(inject('postgresUrl'));
    await migrateEventLog({ databaseUrl: database.url });
    return new RedriveWorld(database, openEventLogPool(database.url, { max: 4, onError: () => undefined }));
  }

  /** Writes events into the log as the archiver would after each was processed. */
  async log(events: readonly LoggedEvent[]): Promise<string[]> {
    const entries = events.map((event) => {
      this.logPosition += 1;
      return { position: { ms: BigInt(this.logPosition), seq: 0n }, record: recordOf(event) };
    });
    await writeBatch(this.pool, entries);
    return entries.map((entry) => entry.record.eventKey);
  }

  /** Starts a re-drive consumer with these handlers (as the worker does with EVENT_LOG=postgres). */
  startConsumer(handlers: HandlerMap): RedriveConsumer {
    const connection = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
    this.connections.push(connection);
    const consumer = createRedriveConsumer({
      connection,
      queuePrefix: this.world.prefix,
      pool: this.pool,
      handlers: createHandlerRunner({ handlers, timeoutMs: 5_000 }),
      historyLimit: 100,
      logger: silentLogger,
      lockDurationMs: 1_000,
      stalledIntervalMs: 1_000,
    });
    this.consumers.push(consumer);
    return consumer;
  }

  /** Creates a re-drive and queues its job, as the admin API does. */
  async redrive(
    filter: RedriveFilter,
    options: { handlers?: RedriveHandlers; ratePerSecond?: number } = {},
  ): Promise<string> {
    const created = await createRedrive(this.pool, {
      filter,
      handlers: options.handlers ?? 'all',
      ratePerSecond: options.ratePerSecond ?? 100,
      requestedBy: 'test-operator',
      reason: null,
    });
    await this.queue.add('redrive', { redriveId: created.id }, redriveJobOptions(created.id));
    return created.id;
  }

  /** Polls the re-drive (bounded) until `done(redrive)` holds, and answers it. */
  async until(id: string, done: (redrive: RedriveDetail) => boolean): Promise<RedriveDetail> {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const redrive = await getRedrive(this.pool, id, 1_000);
      if (redrive !== undefined && done(redrive)) return redrive;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `re-drive ${id} did not reach the expected state: ${JSON.stringify(await getRedrive(this.pool, id))}`,
    );
  }

  /** Polls the re-drive's job (bounded) until BullMQ completed it, and answers how the run ended. */
  async jobEnd(id: string): Promise<unknown> {
    for (let attempt = 0; attempt < 600; attempt += 1) {
      const job = await this.queue.getJob(`redrive-${id}`);
      if (job !== undefined && (await job.isCompleted())) return job.returnvalue;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`the job of re-drive ${id} did not complete`);
  }

  /** Every key of the test's entities in Redis with its value: strings and lists. */
  async entitySnapshot(): Promise<Record<string, unknown>> {
    const keys = (await this.world.redis.keys(`${this.world.prefix}:{*`)).sort();
    const snapshot: Record<string, unknown> = {};
    for (const key of keys) {
      const type = await this.world.redis.type(key);
      snapshot[key] =
        type === 'list' ? await this.world.redis.lrange(key, 0, -1) : await this.world.redis.get(key);
    }
    return snapshot;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.close()));
    await this.queue.close();
    for (const connection of this.connections) connection.disconnect();
    await this.world.close();
    await this.pool.end();
    await this.database.drop();
  }
}

/** The log record of an event processed with this outcome. */
function recordOf(event: LoggedEvent): EventLogRecord {
  const rawBody = toRipioJson(event.body);
  const parsed = parseEventBody(rawBody);
  if (!parsed.ok) throw new Error(`test body does not parse: ${parsed.issues.join('; ')}`);
  const { kind, entityId, eventType, family, issueDatetime } = parsed.event;
  const outcome = event.outcome ?? 'applied';
  const committed = outcome !== 'dead_lettered';
  return {
    v: 1,
    eventKey: eventKeyOfEvent(parsed.event),
    outcome,
    at: new Date(Date.parse(issueDatetime) + 1_000).toISOString(),
    receivedAt: new Date(Date.parse(issueDatetime) + 500).toISOString(),
    issuedAt: new Date(issueDatetime).toISOString(),
    kind,
    entityId,
    eventType,
    family,
    rawBody,
    bodySha256: 'ab'.repeat(32),
    requestId: null,
    proof: null,
    attempts: 1,
    error: null,
    deadLetterReason: committed ? null : 'handler_failed',
    replayedAt: null,
    entity: committed ? { status: event.status, version: event.version, state: {} } : null,
  };
}
