import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/deploy/src -> ../../..). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

/** The three deployable apps, named as their folders, compose services and Prometheus jobs. */
export const APPS = ['receiver', 'worker', 'archiver', 'admin'] as const;
export type AppName = (typeof APPS)[number];

export function isAppName(value: string): value is AppName {
  return (APPS as readonly string[]).includes(value);
}
