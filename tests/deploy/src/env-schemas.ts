import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { readSecretFiles, secretSettingNames } from '@ripio-webhooks/core';
import { repoPath, type AppName } from './repo.js';

/** What the tests need of an app's zod object schema, checked at run time (no zod types across packages). */
interface FieldSchema {
  safeParse(value: unknown): { success: boolean };
}
interface ObjectSchema {
  shape: Record<string, FieldSchema>;
  safeParse(value: unknown): {
    success: boolean;
    error?: { issues: { path: PropertyKey[]; message: string }[] };
  };
}

export interface AppEnvSchema {
  app: AppName;
  /** Every variable the app reads. */
  keys: Set<string>;
  /** The secret settings (marked by core's secret settings helpers), which also accept `NAME_FILE`. */
  secrets: Set<string>;
  /** The variables without a default (the app refuses to start without them). */
  required: Set<string>;
  /** Problems with `env` as the app would see them (secret files read), empty when it would start. */
  problems(env: Readonly<Record<string, string>>): string[];
}

/**
 * Loads the zod schema an app exports from `src/env.ts`, through the built `apps/<app>/dist/env.js`, so the deploy
 * files are checked against the code that really parses the environment.
 */
export async function loadAppEnvSchema(app: AppName): Promise<AppEnvSchema> {
  const file = repoPath('apps', app, 'dist', 'env.js');
  if (!existsSync(file)) throw new Error(`${file} is missing: build the ${app} first (pnpm turbo run build)`);
  const module: unknown = await import(pathToFileURL(file).href);
  const schema = findObjectSchema(module);
  if (schema === undefined) throw new Error(`apps/${app}/src/env.ts exports no zod object schema`);
  const keys = new Set(Object.keys(schema.shape));
  const required = new Set(
    [...keys].filter((key) => schema.shape[key]?.safeParse(undefined).success === false),
  );
  return {
    app,
    keys,
    secrets: new Set(secretSettingNames(schema.shape)),
    required,
    problems(env) {
      const withFiles = readSecretFiles(secretSettingNames(schema.shape), env, (path) =>
        readFileSync(path, 'utf8'),
      );
      if (!withFiles.ok) {
        return withFiles.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
      }
      const result = schema.safeParse(withFiles.source);
      if (result.success) return [];
      return (result.error?.issues ?? []).map(
        (issue) => `${issue.path.map(String).join('.')}: ${issue.message}`,
      );
    },
  };
}

function findObjectSchema(module: unknown): ObjectSchema | undefined {
  if (typeof module !== 'object' || module === null) return undefined;
  for (const value of Object.values(module)) {
    if (isObjectSchema(value)) return value;
  }
  return undefined;
}

function isObjectSchema(value: unknown): value is ObjectSchema {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { shape?: unknown; safeParse?: unknown };
  if (typeof candidate.safeParse !== 'function') return false;
  if (typeof candidate.shape !== 'object' || candidate.shape === null) return false;
  return Object.values(candidate.shape).every(
    (field) =>
      typeof field === 'object' && field !== null && typeof (field as FieldSchema).safeParse === 'function',
  );
}
