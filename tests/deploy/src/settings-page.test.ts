import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type RunResult } from './binaries.js';
import { loadAppEnvSchema } from './env-schemas.js';
import { APPS, readRepoFile, repoPath } from './repo.js';

const PAGE = 'docs/configuration.md';
const page = readRepoFile(PAGE);
/** The CLI's variables (packages/cli/src/env.ts), beside the apps'. */
const CLI_KEYS = ['ADMIN_TOKEN', 'ADMIN_URL', 'RIPIO_WEBHOOK_SECRET'];

function checkPage(...args: string[]): Promise<RunResult> {
  return runCommand(process.execPath, [repoPath('scripts', 'docs-settings.mjs'), '--check', ...args], {
    env: { PATH: process.env.PATH },
  });
}

/** The variables of the generated table, one per row, in order. */
function tableVariables(text: string): string[] {
  const table = text.slice(text.indexOf('settings-table:begin'), text.indexOf('settings-table:end'));
  return [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` +\|/gm)].map((match) => match[1] ?? '');
}

describe(`${PAGE}, the one page that documents each setting`, () => {
  let settingKeys: Set<string>;
  const dirs: string[] = [];
  beforeAll(async () => {
    settingKeys = new Set(CLI_KEYS);
    for (const app of APPS) for (const key of (await loadAppEnvSchema(app)).keys) settingKeys.add(key);
  });
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('is what `pnpm docs:settings` generates from the env schemas today', async () => {
    const result = await checkPage();
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('lists every variable of every program, each once', () => {
    const listed = tableVariables(page);
    expect(new Set(listed).size, 'a variable listed twice').toBe(listed.length);
    expect([...listed].sort()).toEqual([...settingKeys].sort());
  });

  it('fails the check when the page drifts from the schemas', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ripio-settings-page-'));
    dirs.push(dir);
    const stale = join(dir, 'configuration.md');
    // Another default for MAX_EVENT_AGE_SECONDS (same width, so formatting alone cannot explain the difference).
    const drifted = page.replace('`604800`', '`604801`');
    expect(drifted).not.toBe(page);
    writeFileSync(stale, drifted);
    const result = await checkPage('--page', stale);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('out of date');
  });

  it('is the only page with a settings table (README and the other docs link to it)', () => {
    const pages = ['README.md', ...readdirSync(repoPath('docs')).map((name) => `docs/${name}`)].filter(
      (name) => name !== PAGE && name.endsWith('.md'),
    );
    for (const name of pages) {
      const rows = tableVariables(`settings-table:begin${readRepoFile(name)}settings-table:end`).filter(
        (key) => settingKeys.has(key),
      );
      expect(rows, `${name} repeats settings rows; link to ${PAGE} instead`).toEqual([]);
    }
    for (const name of ['README.md', 'docs/receiver.md', 'docs/worker.md', '.env.example']) {
      expect(readRepoFile(name), name).toContain('configuration.md');
    }
  });
});
