import { readSecretFiles, type ReadTextFile } from './secret-files.js';
import { secretSettingNames } from './secret-setting.js';

/** One problem found in the settings: the variable (path) and what is wrong with it. */
export interface SettingsIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * What `parseSettings` needs of a schema: zod's `safeParse` and an object schema's `shape` (where it finds the
 * secret settings), described structurally (any zod object schema fits).
 */
export interface SettingsSchema<T> {
  readonly shape: Readonly<Record<string, unknown>>;
  safeParse(
    input: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: readonly SettingsIssue[] } };
}

export type SettingsResult<T> = { ok: true; env: T } | { ok: false; message: string };

function issuesMessage(owner: string, issues: readonly SettingsIssue[]): string {
  const lines = issues.map((issue) => `  ${issue.path.map(String).join('.')}: ${issue.message}`);
  return `invalid ${owner} settings:\n${lines.join('\n')}`;
}

/**
 * Parses an app's settings (an env-like record) with its schema. Every secret setting may come from a file
 * instead (`NAME_FILE`, see `readSecretFiles`), read with `readFile` (the program's file access: core does no I/O).
 * A bad or missing variable becomes a message that names it, one line per problem:
 * `invalid <owner> settings:\n  PORT: <what is wrong>`.
 */
export function parseSettings<T>(
  schema: SettingsSchema<T>,
  source: Readonly<Record<string, string | undefined>>,
  owner: string,
  readFile: ReadTextFile,
): SettingsResult<T> {
  const withFiles = readSecretFiles(secretSettingNames(schema.shape), source, readFile);
  if (!withFiles.ok) return { ok: false, message: issuesMessage(owner, withFiles.issues) };
  const parsed = schema.safeParse(withFiles.source);
  if (parsed.success) return { ok: true, env: parsed.data };
  return { ok: false, message: issuesMessage(owner, parsed.error.issues) };
}
