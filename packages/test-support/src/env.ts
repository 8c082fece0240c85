import { z } from 'zod';

/** The only place test-support reads the environment. */
const TestEnv = z.object({
  REDIS_URL: z.string().url().optional(),
  /** A PostgreSQL server URL whose user may create databases (tests create and drop their own). */
  DATABASE_URL: z.string().url().optional(),
  REDIS_SERVER_BIN: z.string().default('redis-server'),
  /** Set to "0" to skip the testcontainers probe entirely. */
  TESTCONTAINERS: z.enum(['0', '1']).default('1'),
});
export type TestEnv = z.infer<typeof TestEnv>;

export function loadTestEnv(source: NodeJS.ProcessEnv = process.env): TestEnv {
  return TestEnv.parse(source);
}
