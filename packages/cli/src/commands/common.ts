import { readFile } from 'node:fs/promises';
import { createAdminClient, type AdminClient } from '../admin-client.js';
import type { CliEnv } from '../env.js';

/** Where a command writes: injected so tests can read the output. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext {
  io: Io;
  env: CliEnv;
  /** Where a streamed output (an export) goes without --out: the process's stdout. */
  stdout?: NodeJS.WritableStream;
}

/** A wrong invocation: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function numberOption(
  name: string,
  value: string | undefined,
  limits: { min: number; max?: number; integer?: boolean },
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  const tooBig = limits.max !== undefined && parsed > limits.max;
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < limits.min || tooBig) {
    const range = limits.max === undefined ? `>= ${limits.min}` : `within ${limits.min}..${limits.max}`;
    throw new UsageError(`--${name} must be a number ${range}, got "${value}"`);
  }
  if (limits.integer === true && !Number.isInteger(parsed)) {
    throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  }
  return parsed;
}

/** The admin-API flags every thin client shares. */
export const adminFlags = {
  'admin-url': { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export function adminClientFrom(
  values: { 'admin-url'?: string | undefined; token?: string | undefined },
  env: CliEnv,
): AdminClient {
  const token = values.token ?? env.ADMIN_TOKEN;
  if (token === undefined || token === '') {
    throw new UsageError('no admin token: pass --token or set ADMIN_TOKEN');
  }
  return createAdminClient({ baseUrl: values['admin-url'] ?? env.ADMIN_URL, token });
}

export function printJson(io: Io, value: unknown): void {
  io.out(JSON.stringify(value, null, 2));
}

/** Pads columns for a plain-text table. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  }
  return rows
    .map((row) =>
      row
        .map((cell, index) => cell.padEnd(widths[index] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The flags that give Ripio's webhook secret to `simulate` and `verify`. */
export const secretFlags = {
  'secret-file': { type: 'string' },
  /** Deprecated: a secret on the command line lands in the shell history and the process list. */
  secret: { type: 'string' },
} as const;

/**
 * Ripio's webhook secret for `simulate` and `verify`: `--secret-file`, else RIPIO_WEBHOOK_SECRET (or
 * RIPIO_WEBHOOK_SECRET_FILE, read with the other settings), else the deprecated `--secret`, which warns.
 */
export async function ripioSecretOf(
  values: { secret?: string | undefined; 'secret-file'?: string | undefined },
  { env, io }: CommandContext,
): Promise<string | undefined> {
  if (values.secret !== undefined && values['secret-file'] !== undefined) {
    throw new UsageError('pass --secret-file or --secret, not both');
  }
  if (values['secret-file'] !== undefined) {
    return (await readFile(values['secret-file'], 'utf8')).replace(/\r?\n$/, '');
  }
  if (values.secret !== undefined) {
    io.err(
      'warning: --secret is deprecated (the shell history and the process list keep it): use --secret-file, ' +
        'RIPIO_WEBHOOK_SECRET or RIPIO_WEBHOOK_SECRET_FILE',
    );
    return values.secret;
  }
  return env.RIPIO_WEBHOOK_SECRET;
}
