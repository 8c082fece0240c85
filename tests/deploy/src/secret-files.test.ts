import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { secretSettingNames } from '@ripio-webhooks/core';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from './repo.js';

/** Every program that reads settings, and the built module of its `env.ts`. */
const PROGRAMS = [
  { name: 'receiver', module: 'apps/receiver/dist/env.js' },
  { name: 'worker', module: 'apps/worker/dist/env.js' },
  { name: 'archiver', module: 'apps/archiver/dist/env.js' },
  { name: 'admin', module: 'apps/admin/dist/env.js' },
  { name: 'CLI', module: 'packages/cli/dist/env.js' },
] as const;

type Source = Record<string, string | undefined>;
type Loaded = { ok: true; env: Record<string, unknown> } | { ok: false; message: string };

interface Program {
  name: string;
  secrets: string[];
  /** Every variable of the schema, to find names that look like secrets. */
  keys: string[];
  load(source: Source): Loaded;
}

/** A program's settings schema and its `loadEnv` (the CLI's throws where the apps return a result). */
async function loadProgram(name: string, module: string): Promise<Program> {
  const exports = (await import(pathToFileURL(repoPath(module)).href)) as Record<string, unknown>;
  const schema = Object.values(exports).find(
    (value): value is { shape: Record<string, unknown> } =>
      typeof value === 'object' && value !== null && 'shape' in value && 'safeParse' in value,
  );
  const loadEnv = exports.loadEnv as (source: Source) => unknown;
  if (schema === undefined || typeof loadEnv !== 'function') {
    throw new Error(`${module}: no schema or loadEnv`);
  }
  return {
    name,
    secrets: secretSettingNames(schema.shape),
    keys: Object.keys(schema.shape),
    load(source) {
      try {
        const result = loadEnv(source) as Loaded | Record<string, unknown>;
        return 'ok' in result && typeof result.ok === 'boolean'
          ? (result as Loaded)
          : { ok: true, env: result };
      } catch (error) {
        return { ok: false, message: (error as Error).message };
      }
    },
  };
}

/** A value each secret accepts: FORWARD_SECRET is a Standard Webhooks secret, the others any strong value. */
function valueFor(name: string): string {
  return name === 'FORWARD_SECRET'
    ? `whsec_${randomBytes(32).toString('base64')}`
    : randomBytes(32).toString('hex');
}

/** The parsed form of `value`: a list setting splits it on commas. */
function parsedAs(parsed: unknown, value: string): unknown {
  return Array.isArray(parsed) ? [value] : value;
}

const programs = await Promise.all(PROGRAMS.map(({ name, module }) => loadProgram(name, module)));
const dir = mkdtempSync(join(tmpdir(), 'ripio-secret-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('every secret setting of every program also reads NAME_FILE', () => {
  it('finds the secret settings in the schemas (a secret made without the helpers would be missed)', () => {
    const all = new Set(programs.flatMap((program) => program.secrets));
    expect([...all].sort()).toEqual(
      expect.arrayContaining(['ADMIN_TOKEN', 'FORWARD_SECRET', 'INTAKE_PROOF_KEYS', 'RIPIO_WEBHOOK_SECRETS']),
    );
    for (const program of programs) {
      const lookSecret = program.keys.filter((key) => /SECRET|TOKEN|PASSWORD|_KEYS?$/.test(key));
      expect(
        lookSecret,
        `${program.name}: settings named like secrets but not built as secret settings`,
      ).toEqual(program.secrets);
    }
  });

  const cases = programs.flatMap((program) =>
    program.secrets.map((secret) => [program.name, secret] as const),
  );
  it.each(cases)('%s: %s_FILE', (programName, secret) => {
    const program = programs.find((candidate) => candidate.name === programName);
    if (program === undefined) throw new Error(programName);
    // Every other secret set directly, so only the one under test comes from a file.
    const others = Object.fromEntries(
      program.secrets.filter((name) => name !== secret).map((name) => [name, valueFor(name)]),
    );
    const value = valueFor(secret);
    const file = join(dir, `${programName}-${secret}`);
    writeFileSync(file, `${value}\n`, { mode: 0o600 });

    const loaded = program.load({ ...others, [`${secret}_FILE`]: file });
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.env[secret]).toEqual(parsedAs(loaded.env[secret], value));

    const both = program.load({ ...others, [secret]: valueFor(secret), [`${secret}_FILE`]: file });
    expect(both.ok === false && both.message).toContain(`set ${secret} or ${secret}_FILE, not both`);

    const missing = program.load({ ...others, [`${secret}_FILE`]: join(dir, 'absent') });
    expect(missing.ok === false && missing.message).toContain(`${secret}_FILE: cannot read`);
  });
});
