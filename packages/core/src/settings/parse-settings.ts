/** One problem found in the settings: the variable (path) and what is wrong with it. */
export interface SettingsIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * What `parseSettings` needs of a schema: zod's `safeParse`, described by its shape so that core stays free of
 * zod (any zod object schema fits).
 */
export interface SettingsSchema<T> {
  safeParse(
    input: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly SettingsIssue[] } };
}

export type SettingsResult<T> = { ok: true; env: T } | { ok: false; message: string };

/**
 * Parses an app's settings (an env-like record) with its schema. A bad or missing variable becomes a message
 * that names it, one line per problem: `invalid <owner> settings:\n  PORT: <what is wrong>`.
 */
export function parseSettings<T>(
  schema: SettingsSchema<T>,
  source: Readonly<Record<string, string | undefined>>,
  owner: string,
): SettingsResult<T> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return { ok: true, env: parsed.data };
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.map(String).join('.')}: ${issue.message}`);
  return { ok: false, message: `invalid ${owner} settings:\n${lines.join('\n')}` };
}
