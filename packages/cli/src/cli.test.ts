import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRipioBody } from '@ripio-webhooks/core';
import { runCli } from './cli.js';
import { loadEnv } from './env.js';

function capture(): { io: { out(t: string): void; err(t: string): void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text) => out.push(text), err: (text) => err.push(text) }, out, err };
}

const env = loadEnv({});
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ripio-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ripio-webhooks verify', () => {
  const body =
    '{"eventType":"ACCOUNT.CLOSED","issueDatetime":"2026-05-19T14:30:00.000Z","account":{"customerId":"c1","isActive":false}}';

  it('exits 0 and says match for the exact body', async () => {
    const file = join(dir, 'exact.json');
    await writeFile(file, body);
    const { io, out } = capture();
    const code = await runCli(
      ['verify', '--body', file, '--signature', signRipioBody(body, 's3cret'), '--secret', 's3cret'],
      { io, env },
    );
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^match/);
  });

  it('exits 1 and names the re-serialization for a pretty-printed body', async () => {
    const file = join(dir, 'pretty.json');
    await writeFile(file, JSON.stringify(JSON.parse(body), null, 2));
    const { io, out } = capture();
    const args = [
      'verify',
      '--body',
      file,
      '--signature',
      signRipioBody(body, 's3cret'),
      '--secret',
      's3cret',
      '--json',
    ];
    expect(await runCli(args, { io, env })).toBe(1);
    expect(JSON.parse(out.join('\n'))).toEqual({
      verdict: 'mismatch',
      explanation: { kind: 'rewritten', rewrite: 'ripio-compact' },
    });
  });

  it('exits 2 on missing options and unknown flags', async () => {
    const { io, err } = capture();
    expect(await runCli(['verify', '--body', 'x'], { io, env })).toBe(2);
    expect(await runCli(['verify', '--nope'], { io, env })).toBe(2);
    expect(err.join('\n')).toMatch(/--signature/);
  });
});

describe('ripio-webhooks simulate --dry-run', () => {
  it('writes the expectations file without sending anything', async () => {
    const file = join(dir, 'expect.json');
    const { io, out } = capture();
    const args = [
      'simulate',
      '--dry-run',
      '--secret',
      's',
      '--seed',
      'cli',
      '--entities',
      '7',
      '--expect-out',
      file,
    ];
    expect(await runCli(args, { io, env })).toBe(0);
    const expectations = JSON.parse(await readFile(file, 'utf8')) as { entities: unknown[]; events: number };
    expect(expectations.entities).toHaveLength(7);
    expect(expectations.events).toBeGreaterThanOrEqual(7);
    expect(out[0]).toMatch(/^seed cli: 7 entities/);
  });

  it('refuses an unknown family and a share out of range', async () => {
    const { io } = capture();
    expect(
      await runCli(['simulate', '--dry-run', '--secret', 's', '--families', 'crypto'], { io, env }),
    ).toBe(2);
    expect(await runCli(['simulate', '--dry-run', '--secret', 's', '--duplicates', '2'], { io, env })).toBe(
      2,
    );
  });
});

describe('admin commands without a token', () => {
  it('exit 2 and say how to pass one', async () => {
    const { io, err } = capture();
    expect(await runCli(['stats'], { io, env })).toBe(2);
    expect(err.join('\n')).toMatch(/ADMIN_TOKEN/);
  });
});
