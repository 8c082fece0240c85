import { readFileSync } from 'node:fs';
import {
  booleanSetting,
  eventLogEnvFields,
  parseSettings,
  type ReadTextFile,
  portSetting,
  positiveIntSetting,
  requireDatabaseUrl,
  sharedEnvFields,
  type SettingsResult,
} from '@ripio-webhooks/core';
import { z } from 'zod';

/**
 * 24 months: two full years of events to search, re-drive and answer disputes with, which covers a yearly audit and
 * the card-network dispute windows (up to 540 days); older events live in backups or exports.
 */
const DEFAULT_RETENTION_MONTHS = 24;

/** The archiver's settings, read from the environment once at start. */
export const ArchiverEnv = z
  .object({
    ...sharedEnvFields,
    ...eventLogEnvFields,
    EVENT_LOG_MIGRATE: booleanSetting
      .default(false)
      .describe(
        'Apply the event log’s migrations at start (true/false); else run `migrate` once per release.',
      ),
    EVENT_LOG_RETENTION_MONTHS: positiveIntSetting
      .default(DEFAULT_RETENTION_MONTHS)
      .describe(
        'Months of events the log keeps (the current month counts); older month partitions are dropped.',
      ),
    RETENTION_INTERVAL_MINUTES: positiveIntSetting
      .default(60)
      .describe('How often the archiver drops expired partitions and creates the next month’s.'),
    ARCHIVE_BATCH_SIZE: positiveIntSetting
      .default(500)
      .describe('Stream entries the archiver reads and writes to Postgres in one transaction.'),
    ARCHIVE_BLOCK_MS: positiveIntSetting
      .default(1_000)
      .describe('How long one read of the stream waits for new entries.'),
    ARCHIVE_CLAIM_IDLE_MS: positiveIntSetting
      .default(30_000)
      .describe('Entries another archiver took but has not written for this long are taken over (it died).'),
    ARCHIVER_NAME: z
      .string()
      .min(1)
      .optional()
      .describe('This archiver’s consumer name in the stream group (default: host name and pid).'),
    METRICS_PORT: portSetting.default(9094).describe('Port of the archiver’s `/metrics` and `/healthz`.'),
    METRICS_HOST: z.string().min(1).default('0.0.0.0').describe('Address the metrics server binds.'),
    SHUTDOWN_TIMEOUT_MS: positiveIntSetting
      .default(10_000)
      .describe('Time to finish the batch in hand after SIGTERM before stopping anyway.'),
  })
  .superRefine(requireDatabaseUrl);
export type ArchiverEnv = z.infer<typeof ArchiverEnv>;

/** Reads the file a `NAME_FILE` setting names (secrets mounted as files). */
function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Parses the settings (secret files read); a bad or missing variable becomes a message that names it. */
export function loadEnv(
  source: Readonly<Record<string, string | undefined>>,
  readFile: ReadTextFile = readSecretFile,
): SettingsResult<ArchiverEnv> {
  return parseSettings(ArchiverEnv, source, 'archiver', readFile);
}

/** The only read of `process.env` in the archiver. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
