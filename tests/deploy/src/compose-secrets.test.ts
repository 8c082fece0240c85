import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { secretProblem } from '@ripio-webhooks/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand } from './binaries.js';
import { readComposeFile } from './compose-file.js';
import { repoPath } from './repo.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function generate(dir: string, ...flags: string[]) {
  return runCommand(process.execPath, [repoPath('scripts', 'compose-secrets.mjs'), '--dir', dir, ...flags], {
    env: { PATH: process.env.PATH },
  });
}

describe('scripts/compose-secrets.mjs, the secret files docker-compose.yml mounts', () => {
  it('generates every secret but Ripio’s, strong and in the right format, and never overwrites one', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'ripio-compose-secrets-'));
    dirs.push(parent);
    const dir = join(parent, 'secrets');
    const first = await generate(dir);
    // Ripio's secret only the operator can supply: the run says so and fails.
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('ripio_webhook_secrets: missing');
    const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
    expect(secretProblem(read('intake_proof_keys'))).toBeUndefined();
    expect(secretProblem(read('admin_token'))).toBeUndefined();
    expect(read('forward_secret')).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(statSync(dir).mode & 0o777).toBe(0o700);

    const before = read('admin_token');
    const again = await generate(dir, '--dev');
    expect(again.code).toBe(0);
    expect(read('admin_token')).toBe(before);
    expect(secretProblem(read('ripio_webhook_secrets'))).toBeUndefined();

    // Exactly the secrets compose declares.
    const declared = Object.keys(readComposeFile().compose.secrets ?? {}).sort();
    expect(declared).toEqual([
      'admin_token',
      'forward_secret',
      'intake_proof_keys',
      'operator_token_key',
      'ripio_webhook_secrets',
    ]);
    for (const name of declared) expect(read(name).length, name).toBeGreaterThan(0);
  });
});
