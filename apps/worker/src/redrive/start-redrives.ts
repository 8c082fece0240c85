import { openEventLogPool } from '@ripio-webhooks/event-log';
import type { RedisClient } from '@ripio-webhooks/store';
import type { Logger } from 'pino';
import type { WorkerEnv } from '../env.js';
import type { HandlerRunner } from '../handlers/run-handlers.js';
import { createRedriveConsumer } from './redrive-consumer.js';

/** The re-drive consumer and its Postgres pool, closed together. */
export interface RedriveService {
  close(): Promise<void>;
}

/** Starts the re-drive consumer when EVENT_LOG=postgres (undefined otherwise: re-drives need the event log). */
export function startRedrives(
  env: WorkerEnv,
  redis: RedisClient,
  handlers: HandlerRunner,
  logger: Logger,
): RedriveService | undefined {
  if (env.EVENT_LOG !== 'postgres' || env.DATABASE_URL === undefined) return undefined;
  const pool = openEventLogPool(env.DATABASE_URL, {
    max: 2,
    onError: (error) => logger.warn({ err: error }, 'event log connection error'),
  });
  const consumer = createRedriveConsumer({
    connection: redis,
    queuePrefix: env.QUEUE_PREFIX,
    pool,
    handlers,
    historyLimit: env.HISTORY_LIMIT,
    logger,
    lockDurationMs: env.JOB_LOCK_MS,
    stalledIntervalMs: env.STALLED_INTERVAL_MS,
  });
  return {
    close: async () => {
      await consumer.close();
      await pool.end();
    },
  };
}
