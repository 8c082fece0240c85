import { readFileSync } from 'node:fs';
import { optionalSecretSetting, parseSettings, type ReadTextFile } from '@ripio-webhooks/core';
import { z } from 'zod';

/**
 * The environment the CLI reads: defaults for flags (a flag wins), and the secrets, which come from here (or a
 * `NAME_FILE`) or a `--secret-file`, never only from the command line.
 */
export const CliEnv = z.object({
  ADMIN_TOKEN: optionalSecretSetting(
    'ADMIN_TOKEN',
    'Your operator token (or the break-glass `ADMIN_TOKEN`), sent by the admin API commands when `--token` is absent.',
  ),
  ADMIN_URL: z.url().default('http://127.0.0.1:8081').describe('The admin app, for the admin API commands.'),
  RIPIO_WEBHOOK_SECRET: optionalSecretSetting(
    'RIPIO_WEBHOOK_SECRET',
    'Ripio’s webhook secret (one of the receiver’s `RIPIO_WEBHOOK_SECRETS`): `simulate` signs with it and ' +
      '`verify` checks with it, unless `--secret-file` names another.',
  ),
});
export type CliEnv = z.infer<typeof CliEnv>;

/** Reads the file a `NAME_FILE` setting names (secrets kept in files). */
function readSecretFile(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Parses the CLI's environment (secret files read); a bad variable throws an error that names it. */
export function loadEnv(
  source: Readonly<Record<string, string | undefined>>,
  readFile: ReadTextFile = readSecretFile,
): CliEnv {
  const result = parseSettings(CliEnv, source, 'CLI', readFile);
  if (!result.ok) throw new Error(result.message);
  return result.env;
}

export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
