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
/** The CLI's secret settings (also read from `NAME_FILE`). */
const CLI_SECRETS = ['ADMIN_TOKEN', 'RIPIO_WEBHOOK_SECRET'];

function checkPage(...args: string[]): Promise<RunResult> {
  return runCommand(process.execPath, [repoPath('scripts', 'docs-settings.mjs'), '--check', ...args], {
    env: { PATH: process.env.PATH },
  });
}

/** The generated table's rows, in order: each variable, and the `NAME_FILE` variant a secret row shows. */
function tableRows(text: string): { name: string; fileVariant: string | undefined }[] {
  const table = text.slice(text.indexOf('settings-table:begin'), text.indexOf('settings-table:end'));
  return [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)`(?: or `([A-Z][A-Z0-9_]*)`)? +\|/gm)].map((match) => ({
    name: match[1] ?? '',
    fileVariant: match[2],
  }));
}

/** The variables of the generated table, one per row, in order. */
function tableVariables(text: string): string[] {
  return tableRows(text).map((row) => row.name);
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

  it('shows the NAME_FILE variant of every secret setting, and of nothing else', async () => {
    const secrets = new Set(CLI_SECRETS);
    for (const app of APPS) for (const key of (await loadAppEnvSchema(app)).secrets) secrets.add(key);
    expect(secrets.size).toBeGreaterThanOrEqual(5);
    for (const row of tableRows(page)) {
      expect(row.fileVariant, row.name).toBe(secrets.has(row.name) ? `${row.name}_FILE` : undefined);
    }
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
