import {
  intakeProofKeysSetting,
  nonNegativeIntSetting,
  portSetting,
  positiveIntSetting,
  parseSettings,
  sharedEnvFields,
  type SettingsResult,
} from '@ripio-webhooks/core';
import { z } from 'zod';

/** Comma-separated secrets; blanks around commas ignored. At least one is required. */
const Secrets = z
  .string({ error: 'RIPIO_WEBHOOK_SECRETS is required (one or more comma-separated secrets)' })
  .transform((value) =>
    value
      .split(',')
      .map((secret) => secret.trim())
      .filter((secret) => secret !== ''),
  )
  .refine((secrets) => secrets.length > 0, 'RIPIO_WEBHOOK_SECRETS must hold at least one non-empty secret');

/** The receiver's settings, read from the environment once at start. */
export const ReceiverEnv = z.object({
  ...sharedEnvFields,
  PORT: portSetting.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  RIPIO_WEBHOOK_SECRETS: Secrets,
  /** Keys only receivers and workers hold: the first signs each job's intake proof, all verify. */
  INTAKE_PROOF_KEYS: intakeProofKeysSetting,
  /** Largest accepted body in bytes. */
  BODY_LIMIT: positiveIntSetting.default(262_144),
  /** How long an enqueue may take before the answer is 503. */
  ENQUEUE_TIMEOUT_MS: positiveIntSetting.default(2_000),
  RETRY_AFTER_SECONDS: positiveIntSetting.default(5),
  /** Refuse events whose `issueDatetime` is older than this; 0 turns the check off. */
  MAX_EVENT_AGE_SECONDS: nonNegativeIntSetting.default(0),
  /** Answer 503 while more jobs than this are waiting; 0 turns back-pressure off. */
  BACKLOG_LIMIT: nonNegativeIntSetting.default(0),
  SHUTDOWN_TIMEOUT_MS: positiveIntSetting.default(10_000),
  /** A request (headers and body) must arrive within this; bounds slow-loris senders (Node's default is 300 s). */
  REQUEST_TIMEOUT_MS: positiveIntSetting.default(30_000),
});
export type ReceiverEnv = z.infer<typeof ReceiverEnv>;

export type EnvResult = SettingsResult<ReceiverEnv>;

/** Parses the settings; a bad or missing variable becomes a message that names it. */
export function loadEnv(source: Readonly<Record<string, string | undefined>>): EnvResult {
  return parseSettings(ReceiverEnv, source, 'receiver');
}

/** The only read of `process.env` in the receiver. */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
