import { hostname } from 'node:os';
import { applyRetention, migrateEventLog } from '@ripio-webhooks/event-log';
import { startMetricsServer, type MetricsServer } from '@ripio-webhooks/runtime';
import { createEventLogStream, createRedis, settleWithin, type RedisClient } from '@ripio-webhooks/store';
import pg from 'pg';
import type { Logger } from 'pino';
import { startArchiveLoop } from './archive-loop.js';
import type { ArchiverEnv } from './env.js';
import { createArchiverMetrics, type ArchiverMetrics } from './metrics.js';

export interface ArchiverService {
  metrics: ArchiverMetrics;
  metricsServer: MetricsServer;
  /** Stops after the batch in hand (up to SHUTDOWN_TIMEOUT_MS), then closes everything. */
  shutdown(): Promise<void>;
}

export interface ArchiverOptions {
  logger: Logger;
  /** Process metrics in /metrics (default true). */
  defaultMetrics?: boolean;
}

/** Wires Redis, Postgres, the archive loop, retention and the metrics server from parsed settings. */
export async function startArchiver(env: ArchiverEnv, options: ArchiverOptions): Promise<ArchiverService> {
  const { logger } = options;
  const databaseUrl = env.DATABASE_URL;
  if (env.EVENT_LOG !== 'postgres' || databaseUrl === undefined) {
    throw new Error('the archiver runs only with EVENT_LOG=postgres and DATABASE_URL');
  }
  if (env.EVENT_LOG_MIGRATE) {
    const applied = await migrateEventLog({ databaseUrl });
    logger.info({ applied }, 'event-log migrations applied');
  }
  const redis = createRedis({ url: env.REDIS_URL, role: 'blocking', connectionName: 'ripio-archiver' });
  const reader = createRedis({ url: env.REDIS_URL, role: 'blocking', connectionName: 'ripio-archiver-read' });
  const gauges = createRedis({
    url: env.REDIS_URL,
    role: 'fail-fast',
    connectionName: 'ripio-archiver-gauges',
  });
  for (const client of [redis, reader, gauges]) {
    client.on('error', (error: Error) => logger.warn({ error: error.message }, 'redis connection error'));
  }
  const stream = createEventLogStream(redis, env.QUEUE_PREFIX);
  const metrics = createArchiverMetrics(lagOf(gauges, env.QUEUE_PREFIX), options.defaultMetrics ?? true);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  pool.on('error', (error) => logger.warn({ error: error.message }, 'postgres connection error'));
  const loop = startArchiveLoop({
    stream,
    blockingStream: createEventLogStream(reader, env.QUEUE_PREFIX),
    pool,
    metrics,
    logger,
    consumer: env.ARCHIVER_NAME ?? `${hostname()}-${process.pid}`,
    batchSize: env.ARCHIVE_BATCH_SIZE,
    blockMs: env.ARCHIVE_BLOCK_MS,
    claimIdleMs: env.ARCHIVE_CLAIM_IDLE_MS,
  });
  loop.done.catch((error: unknown) => logger.fatal({ err: error }, 'archive loop stopped'));
  const stopRetention = scheduleRetention(env, pool, metrics, logger);
  const metricsServer = await startMetricsServer(metrics.registry, env.METRICS_HOST, env.METRICS_PORT);
  logger.info({ metrics: metricsServer.url, batchSize: env.ARCHIVE_BATCH_SIZE }, 'archiver started');
  return {
    metrics,
    metricsServer,
    async shutdown() {
      loop.stop();
      stopRetention();
      await settleWithin(loop.done, env.SHUTDOWN_TIMEOUT_MS);
      await metricsServer.close();
      await settleWithin(pool.end(), 2_000);
      for (const client of [redis, reader, gauges]) client.disconnect();
    },
  };
}

/** Seconds since the oldest record not yet in Postgres was appended (0 when caught up). */
function lagOf(redis: RedisClient, queuePrefix: string): () => Promise<number> {
  const stream = createEventLogStream(redis, queuePrefix);
  return async () => {
    const oldest = await stream.oldestUnarchivedMs();
    return oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000);
  };
}

/** Runs retention now and every RETENTION_INTERVAL_MINUTES; a failure is logged and tried again next time. */
function scheduleRetention(
  env: ArchiverEnv,
  pool: pg.Pool,
  metrics: ArchiverMetrics,
  logger: Logger,
): () => void {
  const run = () => {
    applyRetention(pool, env.EVENT_LOG_RETENTION_MONTHS, new Date()).then(
      (dropped) => {
        metrics.partitionsDropped.inc(dropped.length);
        if (dropped.length > 0) logger.info({ dropped }, 'event-log partitions dropped by retention');
      },
      (error: unknown) => logger.warn({ err: error }, 'event-log retention failed; will try again'),
    );
  };
  run();
  const timer = setInterval(run, env.RETENTION_INTERVAL_MINUTES * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
