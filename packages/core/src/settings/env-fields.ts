import { z } from 'zod';

/** Settings fields every app shares; each app's `env.ts` spreads them into its own schema. */

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const portSetting = z.coerce.number().int().min(0).max(65_535);
export const positiveIntSetting = z.coerce.number().int().min(1);
export const nonNegativeIntSetting = z.coerce.number().int().min(0);

/** "true"/"1" -> true, "false"/"0"/"" -> false; anything else is an error (never z.coerce.boolean). */
export const booleanSetting = z
  .enum(['true', 'false', '1', '0', ''], { error: 'must be "true", "false", "1", "0" or empty' })
  .transform((value) => value === 'true' || value === '1');

/** `REDIS_URL`, `QUEUE_PREFIX` and `LOG_LEVEL`, the same in every app. */
export const sharedEnvFields = {
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .min(1)
    .regex(/^[^:{}]+$/, 'QUEUE_PREFIX must not contain ":", "{" or "}"')
    .default('ripio'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
};

/**
 * `DEDUPE_TTL_SECONDS` and `HISTORY_LIMIT`: how an entity's records are kept. The worker writes them; the admin
 * app writes an operator's release with the same TTL and cap, so both must read the same values.
 */
export const entityRecordEnvFields = {
  /** How long a processed event's dedupe record (and an operator's release record) lives (30 days). */
  DEDUPE_TTL_SECONDS: positiveIntSetting.default(2_592_000),
  /** History entries kept per entity. */
  HISTORY_LIMIT: positiveIntSetting.default(100),
};
