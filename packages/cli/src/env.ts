import { z } from 'zod';

/** The environment the CLI reads: only defaults for flags (a flag always wins). */
export const CliEnv = z.object({
  ADMIN_TOKEN: z.string().optional(),
  ADMIN_URL: z.url().default('http://127.0.0.1:8081'),
  /** A secret `simulate` signs with when `--secret` is absent (the receiver's first active secret). */
  RIPIO_WEBHOOK_SECRET: z.string().min(1).optional(),
});
export type CliEnv = z.infer<typeof CliEnv>;

export function loadEnv(source: Readonly<Record<string, string | undefined>>): CliEnv {
  const parsed = CliEnv.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid environment: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
