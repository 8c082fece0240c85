import {
  entityRecordEnvFields,
  parseSettings,
  sharedEnvFields,
  type SettingsResult,
} from '@ripio-webhooks/core';
import { z } from 'zod';

/** The admin app's settings, read from the environment once at start. */
export const AdminEnv = z.object({
  ...sharedEnvFields,
  ...entityRecordEnvFields,
  ADMIN_PORT: z.coerce.number().int().min(0).max(65_535).default(8081),
  /** Loopback by default: the admin API must never share the public webhook port or interface. */
  ADMIN_HOST: z.string().min(1).default('127.0.0.1'),
  /** Every route but /healthz needs it (Bearer header, or the login cookie derived from it). */
  ADMIN_TOKEN: z
    .string({ error: 'ADMIN_TOKEN is required (the bearer token of the admin API and console)' })
    .min(16, 'ADMIN_TOKEN must be at least 16 characters'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
});
export type AdminEnv = z.infer<typeof AdminEnv>;

export type EnvResult = SettingsResult<AdminEnv>;

/** Parses the settings; a bad or missing variable becomes a message that names it. */
export function loadEnv(source: Readonly<Record<string, string | undefined>>): EnvResult {
  return parseSettings(AdminEnv, source, 'admin');
}

/** The only read of `process.env` in the admin app. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
