// Test world for the worker: a real Redis, real BullMQ Workers with the real processor, a unique key prefix.
export type {} from '@ripio-webhooks/test-support/global-setup';
import { randomUUID } from 'node:crypto';
import { signIntakeProof, signRipioBody, type RetryPolicy } from '@ripio-webhooks/core';
import {
  catalogEntryOf,
  eventKeyOf,
  parseEventBody,
  sha256Hex,
  toRipioJson,
  type IntakeProof,
  type IntakeProofSubject,
} from '@ripio-webhooks/schemas';
import {
  createDeadLetterStore,
  createEntityStore,
  eventJobOptions,
  openEventsQueue,
  type DeadLetterStore,
  type EntityStore,
  type EventJobData,
} from '@ripio-webhooks/store';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import type { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { createOutcomeCounter } from './outcome-counter.js';
import { createEventWorker } from './event-worker.js';
import type { HandlerMap } from './handlers/define-handlers.js';
import { createHandlerRunner } from './handlers/run-handlers.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import type { JobResult } from './outcome.js';
import { createWorkerHolds } from './holds/hold-actions.js';
import { createEventProcessor } from './process-event.js';

export const silentLogger = pino({ level: 'silent' });

/** The INTAKE_PROOF_KEYS of the test receivers (`enqueue`) and workers. */
export const INTAKE_PROOF_KEY = 'worker-tests-intake-proof-key-0123456789';
/** The Ripio secret the test bodies are signed with, as Ripio would. */
const RIPIO_SECRET = 'worker-tests-ripio-secret';

export interface JobOptions {
  receivedAt?: string;
  /** The receiver's INTAKE_PROOF_KEYS (default: the test key). */
  proofKeys?: readonly string[];
  /** The secret Ripio signed the body with (default: RIPIO_SECRET). */
  ripioSecret?: string;
}

/** The proof a receiver gives a job with these fields: Ripio's header (signed as Ripio would) and its MAC. */
export function proofFor(
  subject: IntakeProofSubject,
  options: Pick<JobOptions, 'proofKeys' | 'ripioSecret'> = {},
): IntakeProof {
  const value = signRipioBody(subject.rawBody, options.ripioSecret ?? RIPIO_SECRET);
  const ripioSignature = { header: 'x-wh-signature-256', value };
  return signIntakeProof(subject, ripioSignature, options.proofKeys ?? [INTAKE_PROOF_KEY]);
}

/** The job (name and data) a receiver holding `proofKeys` enqueues for this body, its proof included. */
export function receiverJobOf(
  body: object | string,
  options: JobOptions = {},
): { name: string; data: EventJobData } {
  const rawBody = typeof body === 'string' ? body : toRipioJson(body);
  const parsed = parseEventBody(rawBody);
  const eventKey = eventKeyOf(parsed, rawBody);
  const wireType = parsed.ok ? parsed.event.receivedAs : parsed.eventType;
  const receivedAt = options.receivedAt ?? new Date().toISOString();
  const subject = { rawBody, eventKey, receivedAt };
  const data: EventJobData = {
    ...subject,
    bodySha256: sha256Hex(rawBody),
    requestId: randomUUID(),
    eventType: wireType ?? null,
    proof: proofFor(subject, options),
  };
  const name = (wireType === undefined ? undefined : catalogEntryOf(wireType)?.eventType) ?? 'unknown';
  return { name, data };
}

/** A quick schedule so retry tests take milliseconds: 3 attempts, 10 and 20 ms apart (a tenth less jittered). */
export const QUICK_RETRY: RetryPolicy = { delaysMs: [10, 20] };

export interface WorkerSetup {
  handlers?: HandlerMap;
  concurrency?: number;
  retry?: RetryPolicy;
  handleConflicts?: boolean;
  handleLate?: boolean;
  handlerTimeoutMs?: number;
  /** Jitter source for the retry schedule and lock waits. */
  random?: () => number;
  /** INTAKE_PROOF_KEYS of the workers (default: the test key) and their optional RIPIO_WEBHOOK_SECRETS. */
  proofKeys?: readonly string[];
  ripioSecrets?: readonly string[];
  /** When a parked job rechecks its entity (default: the processor's, 5 s .. 5 min). */
  parkRecheck?: { minMs: number; maxMs: number };
  /** Wraps the entity store one worker uses (to hold it at a barrier in race tests). */
  wrapEntities?: (store: EntityStore, workerIndex: number) => EntityStore;
}

export interface StartedWorker {
  worker: Worker<EventJobData, JobResult>;
  metrics: WorkerMetrics;
}

export class WorkerTestWorld {
  readonly prefix = uniquePrefix('worker');
  readonly redis: Redis;
  readonly events: Queue<EventJobData>;
  readonly deadLetters: DeadLetterStore;
  readonly entities: EntityStore;
  private readonly workers: StartedWorker[] = [];
  private readonly connections: Redis[] = [];
  private completedCount = 0;
  private readonly completionWaiters: Array<{ target: number; resolve: () => void }> = [];

  constructor(readonly redisUrl: string) {
    this.redis = new Redis(redisUrl);
    this.events = openEventsQueue({ redis: this.redis, queuePrefix: this.prefix }, { writeMeta: true });
    this.deadLetters = createDeadLetterStore({ redis: this.redis, queuePrefix: this.prefix });
    this.entities = createEntityStore({ redis: this.redis, queuePrefix: this.prefix });
  }

  /** Starts `count` BullMQ Workers in this process, each on its own connection, with the real processor. */
  startWorkers(count: number, setup: WorkerSetup = {}): StartedWorker[] {
    const started: StartedWorker[] = [];
    for (let index = 0; index < count; index += 1) {
      const connection = new Redis(this.redisUrl, { maxRetriesPerRequest: null });
      this.connections.push(connection);
      const metrics = createWorkerMetrics({ defaultMetrics: false });
      const retry = setup.retry ?? QUICK_RETRY;
      const entities = createEntityStore({ redis: connection, queuePrefix: this.prefix });
      const processor = createEventProcessor({
        settings: {
          handlerTimeoutMs: setup.handlerTimeoutMs ?? 5_000,
          handleConflicts: setup.handleConflicts ?? false,
          handleLate: setup.handleLate ?? false,
          dedupeTtlSeconds: 3_600,
          historyLimit: 100,
          retry,
          intakeProof: {
            proofKeys: setup.proofKeys ?? [INTAKE_PROOF_KEY],
            ripioSecrets: setup.ripioSecrets ?? [],
          },
          ...(setup.parkRecheck === undefined ? {} : { parkRecheck: setup.parkRecheck }),
        },
        entities: setup.wrapEntities?.(entities, index) ?? entities,
        deadLetters: this.deadLetters,
        holds: createWorkerHolds(connection, this.prefix, this.events),
        handlers: createHandlerRunner({
          handlers: setup.handlers ?? {},
          timeoutMs: setup.handlerTimeoutMs ?? 5_000,
          onFailure: (handler) => metrics.handlerFailures.inc({ handler }),
        }),
        metrics,
        outcomes: createOutcomeCounter({ redis: connection, queuePrefix: this.prefix }),
        logger: silentLogger,
        ...(setup.random === undefined ? {} : { random: setup.random }),
      });
      const worker = createEventWorker({
        connection,
        queuePrefix: this.prefix,
        processor,
        concurrency: setup.concurrency ?? 4,
        retry,
        name: `test-worker-${index}`,
        ...(setup.random === undefined ? {} : { random: setup.random }),
      });
      worker.on('completed', () => this.onCompleted());
      worker.on('error', () => undefined);
      const entry = { worker, metrics };
      this.workers.push(entry);
      started.push(entry);
    }
    return started;
  }

  private onCompleted(): void {
    this.completedCount += 1;
    for (const waiter of [...this.completionWaiters]) {
      if (this.completedCount >= waiter.target) {
        this.completionWaiters.splice(this.completionWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }

  /** Resolves once `count` more jobs have completed (applied, late, ..., or dead-lettered) on any worker. */
  completions(count: number): Promise<void> {
    const target = this.completedCount + count;
    if (this.completedCount >= target) return Promise.resolve();
    return new Promise((resolve) => this.completionWaiters.push({ target, resolve }));
  }

  /** Adds a job straight to the events queue, as anyone with write access to Redis could. */
  async addRaw(jobId: string, data: unknown, name = 'ACCOUNT.CLOSED'): Promise<void> {
    await (this.events as unknown as Queue<unknown>).add(name, data, { ...eventJobOptions(jobId), jobId });
  }

  /**
   * Enqueues a body as the receiver would (job id = event key). `copy` > 0 gives the job a distinct id: a
   * redelivery that arrives after the first job left the queue (retention), so only the worker's dedupe guards.
   */
  async enqueue(body: object | string, options: JobOptions & { copy?: number } = {}): Promise<EventJobData> {
    const { name, data } = receiverJobOf(body, options);
    const { eventKey } = data;
    const jobId =
      options.copy === undefined || options.copy === 0 ? eventKey : `${eventKey}|copy-${options.copy}`;
    await this.events.add(name, data, { ...eventJobOptions(eventKey), jobId });
    return data;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map(({ worker }) => worker.close()));
    await this.deadLetters.close();
    await this.events.close();
    for (const connection of this.connections) connection.disconnect();
    await deleteKeysContaining(this.redis, this.prefix);
    this.redis.disconnect();
  }
}

// A seeded random in [0, 1), so a shuffled stream is the same on every run.
export { seededRandom } from '@ripio-webhooks/core';

export function shuffle<T>(items: T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** Resolves when `count` callers have arrived; each caller waits for the last. */
export function barrier(count: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= count) release();
    return released;
  };
}

/** A promise with its resolve exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
