import { readFileSync } from 'node:fs';
import {
  booleanSetting,
  dedupeEnvFields,
  entityRetentionEnvFields,
  eventLogEnvFields,
  historyEnvFields,
  optionalSecretListSetting,
  optionalSecretSetting,
  requireDatabaseUrl,
  secretListSetting,
  portSetting,
  positiveIntSetting,
  parseSettings,
  type ReadTextFile,
  sharedEnvFields,
  tracingEnvFields,
  type SettingsResult,
} from '@ripio-webhooks/core';
import { z } from 'zod';
import { signingKeyOf } from './handlers/standard-webhooks.js';
import { breakerEnvFields, retryScheduleSetting } from './retry-settings.js';

/** Empty counts as unset, so `FORWARD_URL=` in a compose file turns the forwarder off. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

/** The worker's settings, read from the environment once at start. */
export const WorkerEnv = z
  .object({
    ...sharedEnvFields,
    ...dedupeEnvFields,
    ...entityRetentionEnvFields,
    ...eventLogEnvFields,
    ...tracingEnvFields,
    INTAKE_PROOF_KEYS: secretListSetting(
      'INTAKE_PROOF_KEYS',
      'Keys only receivers and workers hold: a job’s intake proof must verify with one of them.',
    ),
    RIPIO_WEBHOOK_SECRETS: optionalSecretListSetting(
      'RIPIO_WEBHOOK_SECRETS',
      'Optional: Ripio’s secrets, as the receiver’s. A job whose receiver MAC fails is still accepted when ' +
        'Ripio’s signature in its proof verifies over its body.',
    ),
    WORKER_CONCURRENCY: positiveIntSetting
      .default(16)
      .describe('Jobs one worker process runs at the same time.'),
    RETRY_SCHEDULE: retryScheduleSetting,
    ...breakerEnvFields,
    ...historyEnvFields,
    DEAD_LETTER_RETENTION_DAYS: positiveIntSetting
      .default(30)
      .describe(
        'Days a dead-letter entry is kept; older ones are removed by an hourly sweep, except one whose event blocks an entity hold.',
      ),
    HANDLERS_MODULE: optionalText.describe(
      'Absolute path or `file:` URL of your handlers module; unset: none.',
    ),
    HANDLER_TIMEOUT_MS: positiveIntSetting
      .default(30_000)
      .describe('Per handler call; the entity lock lives this + `JOB_LOCK_MS`.'),
    HANDLE_CONFLICTS: booleanSetting
      .default(false)
      .describe('Also run handlers for `conflict` events (true/false).'),
    HANDLE_LATE: booleanSetting.default(false).describe('Also run handlers for `late` events (true/false).'),
    FORWARD_URL: optionalText.describe(
      'Built-in forwarder: POST each applied event, signed per Standard Webhooks with `FORWARD_SECRET`, to this ' +
        '`https://` URL (`http://` only with `FORWARD_ALLOW_HTTP`); unset: off.',
    ),
    FORWARD_SECRET: optionalSecretSetting(
      'FORWARD_SECRET',
      'The forwarder’s Standard Webhooks signing secret: `whsec_` then base64 of 24 to 64 random bytes ' +
        '(`echo "whsec_$(openssl rand -base64 32)"`); required with `FORWARD_URL`.',
    ),
    FORWARD_ALLOW_HTTP: booleanSetting
      .default(false)
      .describe(
        'Allow a plain `http://` `FORWARD_URL` (local development, a test, a sidecar on the same host); forwards ' +
          'carry personal data, so keep it off across a network.',
      ),
    FORWARD_TIMEOUT_MS: positiveIntSetting.default(5_000).describe('Deadline of one forward request.'),
    METRICS_PORT: portSetting.default(9091).describe('Port of the worker’s `/metrics` and `/healthz`.'),
    METRICS_HOST: z
      .string()
      .min(1)
      .default('0.0.0.0')
      .describe('Interface of the worker’s `/metrics` and `/healthz`.'),
    EXPORT_QUEUE_GAUGES: booleanSetting
      .default(false)
      .describe(
        'Also export the queue gauges from this worker (only when no admin app runs; on one replica only).',
      ),
    JOB_LOCK_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(30_000)
      .describe(
        'BullMQ’s job lock, renewed every half of it while a job runs: keep it above twice the longest event-loop ' +
          'block and twice the longest Redis outage workers should ride through. With `STALLED_INTERVAL_MS` it ' +
          'bounds how soon a dead worker’s jobs resume elsewhere (about their sum).',
      ),
    STALLED_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .default(30_000)
      .describe('How often BullMQ’s stalled-job check hands expired-lock jobs to a live worker.'),
    PARK_RECHECK_MIN_MS: positiveIntSetting
      .default(5_000)
      .describe(
        'A parked event (its entity on hold behind another event) rechecks after a delay that grows with the ' +
          'time it has been parked, from this ceiling (half of it jittered)…',
      ),
    PARK_RECHECK_MAX_MS: positiveIntSetting
      .default(300_000)
      .describe(
        '…up to this one (at least `PARK_RECHECK_MIN_MS`). The blocker’s commit wakes the next parked event at ' +
          'once; the recheck is a backstop.',
      ),
    SHUTDOWN_TIMEOUT_MS: positiveIntSetting
      .default(30_000)
      .describe('Time to finish the jobs in hand after SIGTERM before stopping anyway.'),
  })
  .superRefine((env, context) => {
    requireDatabaseUrl(env, context);
    if (env.ENTITY_RETENTION_DAYS * 86_400 < env.DEDUPE_TTL_SECONDS) {
      context.addIssue({
        code: 'custom',
        path: ['ENTITY_RETENTION_DAYS'],
        message:
          `ENTITY_RETENTION_DAYS (${env.ENTITY_RETENTION_DAYS} days) must be at least DEDUPE_TTL_SECONDS ` +
          `(${env.DEDUPE_TTL_SECONDS} s): an entity must outlive the dedupe records of its events`,
      });
    }
    if (env.PARK_RECHECK_MAX_MS < env.PARK_RECHECK_MIN_MS) {
      context.addIssue({
        code: 'custom',
        path: ['PARK_RECHECK_MAX_MS'],
        message: 'PARK_RECHECK_MAX_MS must be >= PARK_RECHECK_MIN_MS',
      });
    }
    for (const issue of forwardIssues(env)) context.addIssue({ code: 'custom', ...issue });
  });
export type WorkerEnv = z.infer<typeof WorkerEnv>;

interface ForwardSettings {
  FORWARD_URL: string | undefined;
  FORWARD_SECRET?: string | undefined;
  FORWARD_ALLOW_HTTP: boolean;
}

/** The forwarder's settings together: an `https://` URL (or `http://` when allowed) and a signing secret. */
function forwardIssues(env: ForwardSettings): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (env.FORWARD_URL !== undefined) {
    const scheme = env.FORWARD_ALLOW_HTTP ? /^https?:\/\//i : /^https:\/\//i;
    if (!scheme.test(env.FORWARD_URL) || !URL.canParse(env.FORWARD_URL)) {
      issues.push({
        path: ['FORWARD_URL'],
        message: env.FORWARD_ALLOW_HTTP
          ? 'FORWARD_URL must be an http(s) URL'
          : 'FORWARD_URL must be an https:// URL (set FORWARD_ALLOW_HTTP=true to allow plain http)',
      });
    }
    if (env.FORWARD_SECRET === undefined) {
      issues.push({
        path: ['FORWARD_SECRET'],
        message: 'FORWARD_SECRET is required when FORWARD_URL is set (the forwarder signs every request)',
      });
    }
  }
  if (env.FORWARD_SECRET !== undefined) {
    const signing = signingKeyOf(env.FORWARD_SECRET);
    if (!signing.ok) issues.push({ path: ['FORWARD_SECRET'], message: `FORWARD_SECRET ${signing.problem}` });
  }
  return issues;
}

export type EnvResult = SettingsResult<WorkerEnv>;

/** Reads the file a `NAME_FILE` setting names (secrets mounted as files). */
function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Parses the settings (secret files read); a bad or missing variable becomes a message that names it. */
export function loadEnv(
  source: Readonly<Record<string, string | undefined>>,
  readFile: ReadTextFile = readSecretFile,
): EnvResult {
  return parseSettings(WorkerEnv, source, 'worker', readFile);
}

/** The only read of `process.env` in the worker. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
