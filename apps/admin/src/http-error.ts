import type { z } from 'zod';

/** A client mistake, answered with its status and message as JSON. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Parses a request value with `schema`, or throws a 400 naming what was wrong. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.map(String).join('.') || what}: ${issue.message}`,
  );
  throw new HttpError(400, `invalid ${what}: ${problems.join('; ')}`);
}
