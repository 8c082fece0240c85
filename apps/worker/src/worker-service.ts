import type { RetryPolicy } from '@ripio-webhooks/core';
import {
  createRedis,
  settleWithin,
  type DeadLetterStore,
  type EventJobData,
  type RedisClient,
} from '@ripio-webhooks/store';
import type { Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerEnv } from './env.js';
import { createEventWorker } from './event-worker.js';
import type { HandlerMap } from '@ripio-webhooks/handlers';
import { NO_TRACING, type Tracing } from '@ripio-webhooks/telemetry';
import { createRunner, loadHandlerSet } from './handler-set.js';
import { startMetricsServer, type MetricsServer } from '@ripio-webhooks/runtime';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import type { JobResult } from './outcome.js';
import { openWorkerStores, wireProcessor } from './processor-wiring.js';
import { checkEvictionPolicy } from './redis-checks.js';
import { startRedrives, type RedriveService } from './redrive/start-redrives.js';
import { startSweeps } from './sweeps.js';
import { wireBreaker } from './breaker/wire-breaker.js';

export interface WorkerServiceOptions {
  logger: Logger;
  /** Process metrics in /metrics (default true). */
  defaultMetrics?: boolean;
  /** Handlers given directly (tests); otherwise HANDLERS_MODULE is imported. */
  handlers?: HandlerMap;
  random?: () => number;
  /** Tracing started from OTEL_EXPORTER_OTLP_ENDPOINT (default: none). */
  tracing?: Tracing;
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
  const tracing = options.tracing ?? NO_TRACING;
  const handlers = await loadHandlerSet(env, options.handlers, tracing);
  const gaugeRedis = createGaugeRedis(env);
  const metrics = createServiceMetrics(env, gaugeRedis, options);
  const stores = openWorkerStores(env, redis);
  const { events, deadLetters, entities, unsettled } = stores;
  const retry: RetryPolicy = { delaysMs: env.RETRY_SCHEDULE };
  const random = options.random ?? Math.random;
  const breaker = wireBreaker(env, { redis, events, registry: metrics.registry, logger });
  const runner = createRunner(env, handlers, metrics, logger, tracing);
  const parts = { redis, metrics, logger, random, retry, tracing };
  const processor = wireProcessor(env, { ...stores, ...parts, handlers: breaker.runner(runner) });
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
  const sweepDeps = { events, deadLetters, metrics, logger, connection, retentionDays, unsettled, entities };
  const sweeps = startSweeps(worker, sweepDeps);
  const stopSweep = (): void => [sweeps, breaker.stop].forEach((stop) => stop());
  const redrives = startRedrives(env, redis, runner, logger);
  const metricsServer = await startMetricsServer(metrics.registry, env.METRICS_HOST, env.METRICS_PORT);
  const started = { concurrency: env.WORKER_CONCURRENCY, metrics: metricsServer.url };
  logger.info(
    { ...started, handlers: Object.keys(handlers.map), forward: handlers.forwarder !== undefined },
    'worker started',
  );
  const closing = { worker, redis, gaugeRedis, deadLetters, events, metricsServer, metrics, stopSweep };
  return {
    worker,
    metrics,
    metricsServer,
    shutdown: () => shutdownWorker(env, logger, { ...closing, redrives }),
  };
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
  redrives: RedriveService | undefined;
}

async function shutdownWorker(env: WorkerEnv, logger: Logger, service: Closing): Promise<void> {
  const { worker, redis, gaugeRedis } = service;
  service.stopSweep();
  service.metrics.workerUp.set(0);
  const closing = Promise.all([worker.close(), service.redrives?.close()]);
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
