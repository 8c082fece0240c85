import type { RetryPolicy } from '@ripio-webhooks/core';
import {
  createDeadLetterStore,
  createEntityStore,
  createEventLogStream,
  createRedis,
  openEventsQueue,
  settleWithin,
  type DeadLetterStore,
  type EventJobData,
  type RedisClient,
} from '@ripio-webhooks/store';
import type { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import { createOutcomeCounter } from './outcome-counter.js';
import type { WorkerEnv } from './env.js';
import { createEventWorker } from './event-worker.js';
import type { EventHandler, HandlerMap } from './handlers/define-handlers.js';
import { createForwarder } from './handlers/forwarder.js';
import { loadHandlers } from './handlers/load-handlers.js';
import { createHandlerRunner, type HandlerRunner } from './handlers/run-handlers.js';
import { startMetricsServer, type MetricsServer } from '@ripio-webhooks/runtime';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import type { JobResult } from './outcome.js';
import { createWorkerHolds } from './holds/hold-actions.js';
import { createEventProcessor, type ProcessorSettings } from './process-event.js';
import { checkEvictionPolicy } from './redis-checks.js';
import { startSweeps } from './sweeps.js';
import { wireBreaker } from './breaker/wire-breaker.js';

export interface WorkerServiceOptions {
  logger: Logger;
  /** Process metrics in /metrics (default true). */
  defaultMetrics?: boolean;
  /** Handlers given directly (tests); otherwise HANDLERS_MODULE is imported. */
  handlers?: HandlerMap;
  random?: () => number;
}

export interface WorkerService {
  worker: Worker<EventJobData, JobResult>;
  metrics: WorkerMetrics;
  metricsServer: MetricsServer;
  /** Stops taking jobs, waits for active ones up to SHUTDOWN_TIMEOUT_MS, then closes everything. */
  shutdown(): Promise<void>;
}

/**
 * Once SHUTDOWN_TIMEOUT_MS has passed, the longest wait for each remaining closing step. Redis may be gone by
 * then, so no step may wait for it: the process must end.
 */
const FORCED_CLOSE_STEP_MS = 2_000;

/** Wires Redis, stores, handlers, the BullMQ worker and the metrics server from parsed settings. */
export async function startWorker(env: WorkerEnv, options: WorkerServiceOptions): Promise<WorkerService> {
  const { logger } = options;
  const queuePrefix = env.QUEUE_PREFIX;
  const redis = createRedis({ url: env.REDIS_URL, role: 'blocking', connectionName: 'ripio-worker' });
  redis.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis connection error'));
  await checkEvictionPolicy(redis, logger);
  const handlers = await loadHandlerSet(env, options.handlers);
  const gaugeRedis = createGaugeRedis(env);
  const metrics = createServiceMetrics(env, gaugeRedis, options);
  // Opening the queue with writeMeta sets the cap of its events stream.
  const events = openEventsQueue({ redis, queuePrefix }, { writeMeta: true });
  const deadLetters = createDeadLetterStore({ redis, queuePrefix });
  const retry: RetryPolicy = { delaysMs: env.RETRY_SCHEDULE };
  const random = options.random ?? Math.random;
  const breaker = wireBreaker(env, { redis, events, registry: metrics.registry, logger });
  const processor = createEventProcessor({
    settings: processorSettings(env, retry),
    entities: createEntityStore({ redis, queuePrefix, entityRetentionSeconds: entityRetentionSeconds(env) }),
    deadLetters,
    holds: createWorkerHolds(redis, queuePrefix, events),
    handlers: breaker.runner(createRunner(env, handlers, metrics, logger)),
    metrics,
    // Counted in memory, written once a second and whenever no job is in flight: no Redis request per event.
    outcomes: createOutcomeCounter({
      redis,
      queuePrefix,
      onError: (error) => logger.warn({ err: error }, 'could not record the outcome counters'),
    }),
    logger,
    random,
    ...(env.EVENT_LOG === 'postgres' ? { eventLog: createEventLogStream(redis, queuePrefix) } : {}),
  });
  const worker = createEventWorker({
    connection: redis,
    queuePrefix,
    processor: breaker.processor(processor),
    concurrency: env.WORKER_CONCURRENCY,
    retry,
    random,
    lockDurationMs: env.JOB_LOCK_MS,
    stalledIntervalMs: env.STALLED_INTERVAL_MS,
  });
  worker.on('error', (error) => logger.error({ error: error.message }, 'worker error'));
  const connection = { redis, queuePrefix };
  const retentionDays = env.DEAD_LETTER_RETENTION_DAYS;
  const sweeps = startSweeps(worker, { events, deadLetters, metrics, logger, connection, retentionDays });
  const stopSweep = (): void => [sweeps, breaker.stop].forEach((stop) => stop());
  const metricsServer = await startMetricsServer(metrics.registry, env.METRICS_HOST, env.METRICS_PORT);
  logger.info(
    {
      concurrency: env.WORKER_CONCURRENCY,
      metrics: metricsServer.url,
      handlers: Object.keys(handlers.map),
      forward: handlers.forwarder !== undefined,
    },
    'worker started',
  );
  const closing = { worker, redis, gaugeRedis, deadLetters, events, metricsServer, metrics, stopSweep };
  return { worker, metrics, metricsServer, shutdown: () => shutdownWorker(env, logger, closing) };
}

/** ENTITY_RETENTION_DAYS in seconds, as the commit script takes it. */
function entityRetentionSeconds(env: WorkerEnv): number {
  return env.ENTITY_RETENTION_DAYS * 86_400;
}

function processorSettings(env: WorkerEnv, retry: RetryPolicy): ProcessorSettings {
  return {
    handlerTimeoutMs: env.HANDLER_TIMEOUT_MS,
    // A dead worker's entity locks expire this long after its handler deadline, like its job locks.
    lockTtlMarginMs: env.JOB_LOCK_MS,
    handleConflicts: env.HANDLE_CONFLICTS,
    handleLate: env.HANDLE_LATE,
    dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS,
    historyLimit: env.HISTORY_LIMIT,
    parkRecheck: { minMs: env.PARK_RECHECK_MIN_MS, maxMs: env.PARK_RECHECK_MAX_MS },
    retry,
    intakeProof: { proofKeys: env.INTAKE_PROOF_KEYS, ripioSecrets: env.RIPIO_WEBHOOK_SECRETS },
  };
}

interface HandlerSet {
  map: HandlerMap;
  forwarder: EventHandler | undefined;
}

/** The operator's handlers (given, or HANDLERS_MODULE) and the built-in forwarder when FORWARD_URL is set. */
async function loadHandlerSet(env: WorkerEnv, given: HandlerMap | undefined): Promise<HandlerSet> {
  const map = given ?? (env.HANDLERS_MODULE === undefined ? {} : await loadHandlers(env.HANDLERS_MODULE));
  const forwarder =
    env.FORWARD_URL === undefined || env.FORWARD_SECRET === undefined
      ? undefined
      : createForwarder({
          url: env.FORWARD_URL,
          secret: env.FORWARD_SECRET,
          timeoutMs: env.FORWARD_TIMEOUT_MS,
        });
  return { map, forwarder };
}

function createRunner(
  env: WorkerEnv,
  handlers: HandlerSet,
  metrics: WorkerMetrics,
  logger: Logger,
): HandlerRunner {
  return createHandlerRunner({
    handlers: handlers.map,
    forwarder: handlers.forwarder,
    timeoutMs: env.HANDLER_TIMEOUT_MS,
    onFailure: (handler, error) => {
      metrics.handlerFailures.inc({ handler });
      logger.warn({ handler, error: (error as Error).message }, 'handler failed');
    },
  });
}

/**
 * The gauges read on a fail-fast connection of their own, as the admin app's do: during an outage a scrape leaves
 * them out at once instead of waiting on the blocking connection for Redis to come back.
 */
function createGaugeRedis(env: WorkerEnv): RedisClient | undefined {
  if (!env.EXPORT_QUEUE_GAUGES) return undefined;
  const gaugeRedis = createRedis({
    url: env.REDIS_URL,
    role: 'fail-fast',
    connectionName: 'ripio-worker-gauges',
  });
  gaugeRedis.on('error', () => undefined);
  return gaugeRedis;
}

function createServiceMetrics(
  env: WorkerEnv,
  gaugeRedis: RedisClient | undefined,
  options: WorkerServiceOptions,
): WorkerMetrics {
  return createWorkerMetrics({
    defaultMetrics: options.defaultMetrics ?? true,
    queueGauges:
      gaugeRedis === undefined
        ? undefined
        : {
            redis: gaugeRedis,
            queuePrefix: env.QUEUE_PREFIX,
            onSnapshotError: (error) =>
              options.logger.warn(
                { err: error },
                'queue gauges left out of this scrape: Redis did not answer',
              ),
          },
  });
}

interface Closing {
  worker: Worker<EventJobData, JobResult>;
  redis: RedisClient;
  gaugeRedis: RedisClient | undefined;
  deadLetters: DeadLetterStore;
  events: Queue<EventJobData>;
  metricsServer: MetricsServer;
  metrics: WorkerMetrics;
  stopSweep: () => void;
}

async function shutdownWorker(env: WorkerEnv, logger: Logger, service: Closing): Promise<void> {
  const { worker, redis, gaugeRedis } = service;
  service.stopSweep();
  service.metrics.workerUp.set(0);
  const closing = worker.close();
  if (!(await settleWithin(closing, env.SHUTDOWN_TIMEOUT_MS))) {
    logger.warn({ timeoutMs: env.SHUTDOWN_TIMEOUT_MS }, 'active jobs did not finish in time; closing anyway');
    // Their BullMQ locks expire and another worker picks them up (stalled-job recovery). BullMQ keeps the
    // close already under way, so `worker.close(true)` now would only return it; while Redis is down that
    // close waits for an 'end' event ioredis never emits for a client between reconnect attempts. So drop
    // every connection (pending commands fail at once) and give BullMQ a bounded moment to wind down.
    redis.disconnect();
    gaugeRedis?.disconnect();
    await settleWithin(Promise.allSettled([worker.disconnect(), closing]), FORCED_CLOSE_STEP_MS);
  }
  await settleWithin(
    Promise.allSettled([service.deadLetters.close(), service.events.close(), service.metricsServer.close()]),
    FORCED_CLOSE_STEP_MS,
  );
  // disconnect, not quit: QUIT waits for a reply that never comes while Redis is down.
  redis.disconnect();
  gaugeRedis?.disconnect();
}
