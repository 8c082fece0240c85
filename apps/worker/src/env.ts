import {
  booleanSetting,
  nonNegativeIntSetting,
  portSetting,
  positiveIntSetting,
  parseSettings,
  sharedEnvFields,
  type SettingsResult,
} from '@ripio-webhooks/core';
import { z } from 'zod';

/** Empty counts as unset, so `FORWARD_URL=` in a compose file turns the forwarder off. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** The worker's settings, read from the environment once at start. */
export const WorkerEnv = z
  .object({
    ...sharedEnvFields,
    /** Jobs one worker process runs at the same time. */
    WORKER_CONCURRENCY: positiveIntSetting.default(16),
    /** Failed attempts after which an event is dead-lettered. */
    MAX_ATTEMPTS: positiveIntSetting.default(10),
    BACKOFF_BASE_MS: nonNegativeIntSetting.default(1_000),
    BACKOFF_MAX_MS: nonNegativeIntSetting.default(600_000),
    /** How long a processed event's dedupe record lives (30 days). */
    DEDUPE_TTL_SECONDS: positiveIntSetting.default(2_592_000),
    /** Days a dead-letter entry is kept before the retention sweep removes it (unless it holds an entity). */
    DEAD_LETTER_RETENTION_DAYS: positiveIntSetting.default(30),
    /** History entries kept per entity. */
    HISTORY_LIMIT: positiveIntSetting.default(100),
    /** Absolute path or file: URL of the operator's handlers module. */
    HANDLERS_MODULE: optionalText,
    HANDLER_TIMEOUT_MS: positiveIntSetting.default(30_000),
    /** Run handlers for `conflict` events too. */
    HANDLE_CONFLICTS: booleanSetting.default(false),
    FORWARD_URL: optionalText,
    FORWARD_SECRET: optionalText,
    FORWARD_TIMEOUT_MS: positiveIntSetting.default(5_000),
    METRICS_PORT: portSetting.default(9091),
    METRICS_HOST: z.string().min(1).default('0.0.0.0'),
    /** Also export the queue gauges (normally the admin app does). */
    EXPORT_QUEUE_GAUGES: booleanSetting.default(false),
    /**
     * BullMQ's job lock (lockDuration). Renewed every half of it while a job runs, so it must exceed twice the
     * longest event-loop block; after a worker dies, its jobs are free again once their locks expire.
     */
    JOB_LOCK_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** How often BullMQ's stalled-job check runs (stalledInterval): it hands expired-lock jobs to a live worker. */
    STALLED_INTERVAL_MS: z.coerce.number().int().min(1_000).default(30_000),
    /** How long shutdown waits for active jobs before it stops anyway. */
    SHUTDOWN_TIMEOUT_MS: positiveIntSetting.default(30_000),
  })
  .superRefine((env, context) => {
    if (env.BACKOFF_MAX_MS < env.BACKOFF_BASE_MS) {
      context.addIssue({
        code: 'custom',
        path: ['BACKOFF_MAX_MS'],
        message: 'BACKOFF_MAX_MS must be >= BACKOFF_BASE_MS',
      });
    }
    if (env.FORWARD_URL !== undefined) {
      if (!/^https?:\/\//.test(env.FORWARD_URL) || !URL.canParse(env.FORWARD_URL)) {
        context.addIssue({
          code: 'custom',
          path: ['FORWARD_URL'],
          message: 'FORWARD_URL must be an http(s) URL',
        });
      }
      if (env.FORWARD_SECRET === undefined) {
        context.addIssue({
          code: 'custom',
          path: ['FORWARD_SECRET'],
          message: 'FORWARD_SECRET is required when FORWARD_URL is set (the forwarder signs every request)',
        });
      }
    }
  });
export type WorkerEnv = z.infer<typeof WorkerEnv>;

export type EnvResult = SettingsResult<WorkerEnv>;

/** Parses the settings; a bad or missing variable becomes a message that names it. */
export function loadEnv(source: Readonly<Record<string, string | undefined>>): EnvResult {
  return parseSettings(WorkerEnv, source, 'worker');
}

/** The only read of `process.env` in the worker. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
