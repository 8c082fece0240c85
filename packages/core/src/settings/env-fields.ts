import { z } from 'zod';

/**
 * Settings fields more than one app reads; each app's `env.ts` spreads the groups it uses into its own schema.
 * Every field carries its description (`.describe`): docs/configuration.md is generated from them.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const portSetting = z.coerce.number().int().min(0).max(65_535);
export const positiveIntSetting = z.coerce.number().int().min(1);
export const nonNegativeIntSetting = z.coerce.number().int().min(0);

/** "true"/"1" -> true, "false"/"0"/"" -> false; anything else is an error (never z.coerce.boolean). */
export const booleanSetting = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be "true", "false", "1", "0" or empty' })
  .transform((value) => value === 'true' || value === '1');

/** `REDIS_URL`, `QUEUE_PREFIX` and `LOG_LEVEL`, the same in every app. */
export const sharedEnvFields = {
  REDIS_URL: z
    .string()
    .min(1)
    .default('redis://127.0.0.1:6379')
    .describe('`redis://`, `rediss://` or `redis+cluster://host:port,host:port`.'),
  QUEUE_PREFIX: z
    .string()
    .min(1)
    .regex(/^[^:{}]+$/, 'QUEUE_PREFIX must not contain ":", "{" or "}"')
    .default('ripio')
    .describe(
      'Prefix of every Redis key (BullMQ uses the hash tag `{QUEUE_PREFIX}`). The same value in every app; give ' +
        'each deployment sharing a Redis its own.',
    ),
  LOG_LEVEL: z
    .enum(LOG_LEVELS)
    .default('info')
    .describe(`pino level, one of ${LOG_LEVELS.join(', ')}; logs are JSON lines.`),
};

/** 30 days: far beyond any redelivery Ripio makes, and the bound the receiver's event-age check stays under. */
const DEFAULT_DEDUPE_TTL_SECONDS = 30 * 86_400;

/**
 * `DEDUPE_TTL_SECONDS`: the worker keeps each processed event's dedupe record this long, and the receiver checks at
 * start that its `MAX_EVENT_AGE_SECONDS` stays below it. Both must read the same value.
 */
export const dedupeEnvFields = {
  DEDUPE_TTL_SECONDS: positiveIntSetting
    .default(DEFAULT_DEDUPE_TTL_SECONDS)
    .describe(
      'How long a processed event is remembered for dedupe (30 days). The receiver reads it too: ' +
        '`MAX_EVENT_AGE_SECONDS` must stay below it. Set the same value in both apps.',
    ),
};

/**
 * `HISTORY_LIMIT`: history entries kept per entity. The worker caps each entity's history with it; the admin app
 * writes an operator's release of a hold into the same history with the same cap, so both read it.
 */
export const historyEnvFields = {
  HISTORY_LIMIT: positiveIntSetting
    .default(100)
    .describe('History entries kept per entity (the worker and the admin app, which records hold releases).'),
};

/** 90 days: see docs/operations.md ("Redis memory: retention and sizing") for the choice. */
export const DEFAULT_ENTITY_RETENTION_DAYS = 90;

/**
 * `ENTITY_RETENTION_DAYS`: an entity whose last commit left it in a terminal status, with its history, expires this
 * long after that commit (never while it is on hold). Read by the worker (commits) and the admin app (a release
 * that ends a hold starts the clock again), so both must get the same value.
 */
export const entityRetentionEnvFields = {
  ENTITY_RETENTION_DAYS: positiveIntSetting
    .default(DEFAULT_ENTITY_RETENTION_DAYS)
    .describe(
      'Days an entity in a terminal status, and its history, is kept after its last commit (never while it is on ' +
        'hold); at least `DEDUPE_TTL_SECONDS`. The admin app reads it too: set the same value in both apps.',
    ),
};

/**
 * `EVENT_LOG` and `DATABASE_URL`: whether events and outcomes are kept in the Postgres event log (the worker appends
 * them to the outbox stream, the archiver writes them, the admin app searches them), and where it is. Every app
 * that takes part reads both; `withEventLogDatabase` makes DATABASE_URL required when the log is on.
 */
export const eventLogEnvFields = {
  EVENT_LOG: z
    .enum(['postgres', 'off'])
    .default('off')
    .describe(
      '`postgres`: keep every event and outcome in the Postgres event log (docs/event-log.md); `off`: Redis only. ' +
        'The same value in the worker, the archiver and the admin app.',
    ),
  DATABASE_URL: z
    .string()
    .min(1)
    .optional()
    .describe(
      '`postgres://user:password@host:port/database` of the event log; required with `EVENT_LOG=postgres`.',
    ),
};

/** The check that goes with `eventLogEnvFields`: an event log needs its database. */
export function eventLogDatabaseIssue(env: {
  EVENT_LOG: 'postgres' | 'off';
  DATABASE_URL?: string | undefined;
}): string | undefined {
  return env.EVENT_LOG === 'postgres' && env.DATABASE_URL === undefined
    ? 'DATABASE_URL is required when EVENT_LOG=postgres'
    : undefined;
}
