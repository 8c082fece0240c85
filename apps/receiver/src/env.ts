import { readFileSync } from 'node:fs';
import {
  dedupeEnvFields,
  nonNegativeIntSetting,
  portSetting,
  positiveIntSetting,
  parseSettings,
  type ReadTextFile,
  secretListSetting,
  sharedEnvFields,
  tracingEnvFields,
  type SettingsResult,
} from '@ripio-webhooks/core';
import { z } from 'zod';

/** 7 days: room for Ripio's late retries, well inside the 30-day dedupe window (docs/configuration.md). */
const DEFAULT_MAX_EVENT_AGE_SECONDS = 7 * 86_400;

/** The receiver's settings, read from the environment once at start. */
export const ReceiverEnv = z
  .object({
    ...sharedEnvFields,
    ...dedupeEnvFields,
    ...tracingEnvFields,
    PORT: portSetting.default(8080).describe('Port of the webhook listener.'),
    HOST: z.string().min(1).default('0.0.0.0').describe('Interface of the webhook listener.'),
    METRICS_PORT: portSetting
      .default(9092)
      .describe(
        'Port of the receiver’s `/metrics`, a listener of its own so the internet-facing `PORT` never serves it ' +
          '(publish or route only `PORT`); 0 picks a free port.',
      ),
    METRICS_HOST: z
      .string()
      .min(1)
      .default('0.0.0.0')
      .describe('Interface of the receiver’s `/metrics` listener.'),
    RIPIO_WEBHOOK_SECRETS: secretListSetting(
      'RIPIO_WEBHOOK_SECRETS',
      'The secret(s) Ripio signs webhooks with; during a rotation list the new one and the old one.',
    ),
    INTAKE_PROOF_KEYS: secretListSetting(
      'INTAKE_PROOF_KEYS',
      'Keys only receivers and workers hold: the first signs each job’s intake proof, all verify (same list in both).',
    ),
    BODY_LIMIT: positiveIntSetting.default(262_144).describe('Largest accepted body in bytes (larger: 413).'),
    ENQUEUE_TIMEOUT_MS: positiveIntSetting
      .default(2_000)
      .describe(
        'Deadline for Redis to confirm a job (503 + Retry-After past it); also `/readyz`’s PING deadline.',
      ),
    RETRY_AFTER_SECONDS: positiveIntSetting.default(5).describe('`Retry-After` of a 503.'),
    MAX_EVENT_AGE_SECONDS: nonNegativeIntSetting
      .default(DEFAULT_MAX_EVENT_AGE_SECONDS)
      .describe(
        'Refuse (400) an event whose `issueDatetime` is older than this (7 days). Must be below ' +
          '`DEDUPE_TTL_SECONDS`; 0 turns the check off (see below for what that costs).',
      ),
    BACKLOG_LIMIT: nonNegativeIntSetting
      .default(0)
      .describe('Answer 503 while more jobs than this wait; 0 turns back-pressure off.'),
    SHUTDOWN_TIMEOUT_MS: positiveIntSetting
      .default(10_000)
      .describe('Time to finish in-flight requests after SIGTERM.'),
    REQUEST_TIMEOUT_MS: positiveIntSetting
      .default(30_000)
      .describe(
        'A request (headers and body) must arrive within this; bounds slow senders (Node’s default: 300 s).',
      ),
  })
  .superRefine((env, context) => {
    if (env.MAX_EVENT_AGE_SECONDS >= env.DEDUPE_TTL_SECONDS) {
      context.addIssue({
        code: 'custom',
        path: ['MAX_EVENT_AGE_SECONDS'],
        message:
          `MAX_EVENT_AGE_SECONDS (${env.MAX_EVENT_AGE_SECONDS}) must be below DEDUPE_TTL_SECONDS ` +
          `(${env.DEDUPE_TTL_SECONDS}): an older captured request would be accepted after its dedupe record expired`,
      });
    }
  });
export type ReceiverEnv = z.infer<typeof ReceiverEnv>;

export type EnvResult = SettingsResult<ReceiverEnv>;

/** Reads the file a `NAME_FILE` setting names (secrets mounted as files). */
function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Parses the settings (secret files read); a bad or missing variable becomes a message that names it. */
export function loadEnv(
  source: Readonly<Record<string, string | undefined>>,
  readFile: ReadTextFile = readSecretFile,
): EnvResult {
  return parseSettings(ReceiverEnv, source, 'receiver', readFile);
}

/** The only read of `process.env` in the receiver. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
