import {
  createDeadLetterStore,
  createEntityStore,
  createOutcomeCounter,
  createRedis,
  openEventsQueue,
  settleWithin,
  type EventJobData,
} from '@ripio-webhooks/store';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { WorkerEnv } from './env.js';
import { createEventWorker, sweepFailedJobs } from './event-worker.js';
import type { HandlerMap } from './handlers/define-handlers.js';
import { createForwarder } from './handlers/forwarder.js';
import { loadHandlers } from './handlers/load-handlers.js';
import { createHandlerRunner } from './handlers/run-handlers.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.js';
import type { JobResult } from './outcome.js';
import { createEventProcessor } from './process-event.js';
import { checkEvictionPolicy } from './redis-checks.js';

/** How often a worker looks for jobs BullMQ failed on its own (stalled too often) to dead-letter them. */
export const FAILED_SWEEP_INTERVAL_MS = 60_000;

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
export const FORCED_CLOSE_STEP_MS = 2_000;

/** Wires Redis, stores, handlers, the BullMQ worker and the metrics server from parsed settings. */
export async function startWorker(env: WorkerEnv, options: WorkerServiceOptions): Promise<WorkerService> {
  const { logger } = options;
  const redis = createRedis({ url: env.REDIS_URL, role: 'blocking', connectionName: 'ripio-worker' });
  redis.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis connection error'));
  await checkEvictionPolicy(redis, logger);

  const handlers =
    options.handlers ?? (env.HANDLERS_MODULE === undefined ? {} : await loadHandlers(env.HANDLERS_MODULE));
  const forwarder =
    env.FORWARD_URL === undefined || env.FORWARD_SECRET === undefined
      ? undefined
      : createForwarder({
          url: env.FORWARD_URL,
          secret: env.FORWARD_SECRET,
          timeoutMs: env.FORWARD_TIMEOUT_MS,
        });

  const queuePrefix = env.QUEUE_PREFIX;
  // The gauges read on a fail-fast connection of their own, as the admin app's do: during an outage a scrape
  // leaves them out at once instead of waiting on the blocking connection for Redis to come back.
  const gaugeRedis = env.EXPORT_QUEUE_GAUGES
    ? createRedis({ url: env.REDIS_URL, role: 'fail-fast', connectionName: 'ripio-worker-gauges' })
    : undefined;
  gaugeRedis?.on('error', () => undefined);
  const metrics = createWorkerMetrics({
    defaultMetrics: options.defaultMetrics ?? true,
    queueGauges:
      gaugeRedis === undefined
        ? undefined
        : {
            redis: gaugeRedis,
            queuePrefix,
            onSnapshotError: (error) =>
              logger.warn({ err: error }, 'queue gauges left out of this scrape: Redis did not answer'),
          },
  });
  // Opening the queue with writeMeta sets the cap of its events stream.
  const events = openEventsQueue({ redis, queuePrefix }, { writeMeta: true });
  const deadLetters = createDeadLetterStore({ redis, queuePrefix });
  const retry = { maxAttempts: env.MAX_ATTEMPTS, baseMs: env.BACKOFF_BASE_MS, maxMs: env.BACKOFF_MAX_MS };
  const random = options.random ?? Math.random;

  // Counted in memory and written once a second and whenever no job is in flight: no Redis request per event.
  const outcomes = createOutcomeCounter({
    redis,
    queuePrefix,
    onError: (error) => logger.warn({ err: error }, 'could not record the outcome counters'),
  });
  const processor = createEventProcessor({
    settings: {
      handlerTimeoutMs: env.HANDLER_TIMEOUT_MS,
      // A dead worker's entity locks expire this long after its handler deadline, like its job locks.
      lockTtlMarginMs: env.JOB_LOCK_MS,
      handleConflicts: env.HANDLE_CONFLICTS,
      dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS,
      historyLimit: env.HISTORY_LIMIT,
      retry,
    },
    entities: createEntityStore({ redis, queuePrefix }),
    deadLetters,
    handlers: createHandlerRunner({
      handlers,
      forwarder,
      timeoutMs: env.HANDLER_TIMEOUT_MS,
      onFailure: (handler, error) => {
        metrics.handlerFailures.inc({ handler });
        logger.warn({ handler, error: (error as Error).message }, 'handler failed');
      },
    }),
    metrics,
    outcomes,
    logger,
    random,
  });

  const worker = createEventWorker({
    connection: redis,
    queuePrefix,
    processor,
    concurrency: env.WORKER_CONCURRENCY,
    retry,
    random,
    lockDurationMs: env.JOB_LOCK_MS,
    stalledIntervalMs: env.STALLED_INTERVAL_MS,
  });
  worker.on('error', (error) => logger.error({ error: error.message }, 'worker error'));

  const sweepDeps = { events, deadLetters, metrics, logger };
  const sweep = (): void => {
    sweepFailedJobs(sweepDeps).catch((error: unknown) =>
      logger.warn({ err: error }, 'failed-job sweep failed'),
    );
  };
  worker.on('failed', (job) => {
    if (job?.finishedOn !== undefined) sweep();
  });
  sweep();
  const sweepTimer = setInterval(sweep, FAILED_SWEEP_INTERVAL_MS);
  sweepTimer.unref();

  const metricsServer = await startMetricsServer(metrics.registry, env.METRICS_HOST, env.METRICS_PORT);
  logger.info(
    {
      concurrency: env.WORKER_CONCURRENCY,
      metrics: metricsServer.url,
      handlers: Object.keys(handlers),
      forward: forwarder !== undefined,
    },
    'worker started',
  );

  return {
    worker,
    metrics,
    metricsServer,
    async shutdown() {
      clearInterval(sweepTimer);
      metrics.workerUp.set(0);
      const closing = worker.close();
      if (!(await settleWithin(closing, env.SHUTDOWN_TIMEOUT_MS))) {
        logger.warn(
          { timeoutMs: env.SHUTDOWN_TIMEOUT_MS },
          'active jobs did not finish in time; closing anyway',
        );
        // Their BullMQ locks expire and another worker picks them up (stalled-job recovery). BullMQ keeps the
        // close already under way, so `worker.close(true)` now would only return it; while Redis is down that
        // close waits for an 'end' event ioredis never emits for a client between reconnect attempts. So drop
        // every connection (pending commands fail at once) and give BullMQ a bounded moment to wind down.
        redis.disconnect();
        gaugeRedis?.disconnect();
        await settleWithin(Promise.allSettled([worker.disconnect(), closing]), FORCED_CLOSE_STEP_MS);
      }
      await settleWithin(
        Promise.allSettled([deadLetters.close(), events.close(), metricsServer.close()]),
        FORCED_CLOSE_STEP_MS,
      );
      // disconnect, not quit: QUIT waits for a reply that never comes while Redis is down.
      redis.disconnect();
      gaugeRedis?.disconnect();
    },
  };
}
