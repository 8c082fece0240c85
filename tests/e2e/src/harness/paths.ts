import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests/e2e/src/harness -> four levels up). */
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

export const APP_ENTRY = {
  receiver: join(REPO_ROOT, 'apps', 'receiver', 'dist', 'main.js'),
  worker: join(REPO_ROOT, 'apps', 'worker', 'dist', 'main.js'),
  archiver: join(REPO_ROOT, 'apps', 'archiver', 'dist', 'main.js'),
  admin: join(REPO_ROOT, 'apps', 'admin', 'dist', 'main.js'),
} as const;

/** The handlers module the workers load in these tests (plain JS, so the worker can import it as is). */
export const LEDGER_HANDLERS = join(REPO_ROOT, 'tests', 'e2e', 'src', 'fixtures', 'ledger-handlers.mjs');

/** Where scenario rows are collected (one JSON file per run, rendered into docs/reliability.md by hand). */
export const RESULTS_DIR = join(REPO_ROOT, 'tests', 'e2e', 'results');

export function assertBuilt(): void {
  const missing = Object.values(APP_ENTRY).filter((path) => !existsSync(path));
  if (missing.length > 0) {
    throw new Error(
      `The e2e suite runs the built apps; missing ${missing.join(', ')}. Run \`pnpm build\` first.`,
    );
  }
}
