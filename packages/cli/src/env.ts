import { parseSettings } from '@ripio-webhooks/core';
import { z } from 'zod';

/** The environment the CLI reads: only defaults for flags (a flag always wins). */
export const CliEnv = z.object({
  ADMIN_TOKEN: z.string().optional(),
  ADMIN_URL: z.url().default('http://127.0.0.1:8081'),
  /** A secret `simulate` signs with when `--secret` is absent (the receiver's first active secret). */
  RIPIO_WEBHOOK_SECRET: z.string().min(1).optional(),
});
export type CliEnv = z.infer<typeof CliEnv>;

/** Parses the CLI's environment; a bad variable throws an error that names it. */
export function loadEnv(source: Readonly<Record<string, string | undefined>>): CliEnv {
  const result = parseSettings(CliEnv, source, 'CLI');
  if (!result.ok) throw new Error(result.message);
  return result.env;
}

export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
