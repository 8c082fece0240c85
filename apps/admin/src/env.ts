import { readFileSync } from 'node:fs';
import {
  eventLogDatabaseIssue,
  eventLogEnvFields,
  dedupeEnvFields,
  entityRetentionEnvFields,
  historyEnvFields,
  parseSettings,
  parseStuckAfter,
  type ReadTextFile,
  secretSetting,
  sharedEnvFields,
  type SettingsResult,
  type StuckThreshold,
} from '@ripio-webhooks/core';
import { z } from 'zod';
import { accessEnvFields, checkProxyIdentity } from './access-env.js';

/** The admin app's settings, read from the environment once at start. */
export const AdminEnv = z
  .object({
    ...sharedEnvFields,
    // An operator's release of a hold is kept like a processed event's records: the worker's TTL and cap.
    ...dedupeEnvFields,
    ...historyEnvFields,
    // A release that ends a hold starts a settled entity's retention: the worker's ENTITY_RETENTION_DAYS.
    ...entityRetentionEnvFields,
    ADMIN_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65_535)
      .default(8081)
      .describe('Port of the admin listener.'),
    /** Loopback by default: the admin API must never share the public webhook port or interface. */
    ADMIN_HOST: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Interface of the admin listener: keep it private (loopback outside containers).'),
    /** The break-glass admin identity; named operators get their own tokens (docs/security.md). */
    ADMIN_TOKEN: secretSetting(
      'ADMIN_TOKEN',
      'The bootstrap (break-glass) admin identity `admin`: a Bearer token or a console sign-in with role admin.',
    ),
    STUCK_AFTER: z
      .string()
      .optional()
      .superRefine((text, context) => {
        const parsed = parseStuckAfter(text ?? '');
        if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.error });
      })
      .describe(
        'Overrides of the time after which an entity resting in a status it is expected to leave counts as stuck: ' +
          '`kind:STATUS=duration,...` (`30m`, `4h`, `2d`; `0` turns one off). Defaults and statuses: ' +
          'docs/operations.md, "Stuck entities".',
      ),
    SHUTDOWN_TIMEOUT_MS: z.coerce
      .number()
      .int()
      .min(1)
      .default(10_000)
      .describe('Time to finish in-flight requests after SIGTERM.'),
    ...eventLogEnvFields,
    ...accessEnvFields,
  })
  .superRefine((env, context) => {
    checkProxyIdentity(env, context);
    const eventLogIssue = eventLogDatabaseIssue(env);
    if (eventLogIssue !== undefined) {
      context.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: eventLogIssue });
    }
  });
export type AdminEnv = z.infer<typeof AdminEnv>;

export type EnvResult = SettingsResult<AdminEnv>;

/** Reads the file a `NAME_FILE` setting names (secrets mounted as files). */
function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Parses the settings (secret files read); a bad or missing variable becomes a message that names it. */
export function loadEnv(
  source: Readonly<Record<string, string | undefined>>,
  readFile: ReadTextFile = readSecretFile,
): EnvResult {
  return parseSettings(AdminEnv, source, 'admin', readFile);
}

/** STUCK_AFTER's thresholds (the defaults with its overrides; the setting was checked when parsed). */
export function stuckThresholdsOf(stuckAfter: string | undefined): StuckThreshold[] {
  const parsed = parseStuckAfter(stuckAfter ?? '');
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.thresholds;
}

/** The only read of `process.env` in the admin app. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
