import { readFileSync } from 'node:fs';
import {
  dedupeEnvFields,
  entityRetentionEnvFields,
  historyEnvFields,
  parseSettings,
  type ReadTextFile,
  secretSetting,
  sharedEnvFields,
  type SettingsResult,
} from '@ripio-webhooks/core';
import { z } from 'zod';

/** The admin app's settings, read from the environment once at start. */
export const AdminEnv = z.object({
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
  /** Every route but /healthz needs it (Bearer header, or the login cookie derived from it). */
  ADMIN_TOKEN: secretSetting(
    'ADMIN_TOKEN',
    'The bearer token of the admin API, console, `/queues` and `/metrics`; the login cookie is derived from it.',
  ),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(10_000)
    .describe('Time to finish in-flight requests after SIGTERM.'),
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

/** The only read of `process.env` in the admin app. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
