import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEAD_LETTER_REASONS, PROCESSING_OUTCOMES, QUEUE_STATES } from '@ripio-webhooks/contracts';
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

  const secret = randomBytes(32).toString('hex');

  it('exits 0 and says match for the exact body, with the secret from RIPIO_WEBHOOK_SECRET', async () => {
    const file = join(dir, 'exact.json');
    await writeFile(file, body);
    const { io, out, err } = capture();
    const code = await runCli(['verify', '--body', file, '--signature', signRipioBody(body, secret)], {
      io,
      env: loadEnv({ RIPIO_WEBHOOK_SECRET: secret }),
    });
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/^match/);
    expect(err).toEqual([]);
  });

  it('reads the secret from RIPIO_WEBHOOK_SECRET_FILE or --secret-file, never needing it on the command line', async () => {
    const file = join(dir, 'exact-from-file.json');
    const secretFile = join(dir, 'ripio-secret');
    await writeFile(file, body);
    await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
    const signature = signRipioBody(body, secret);
    const viaEnv = capture();
    const envFromFile = loadEnv({ RIPIO_WEBHOOK_SECRET_FILE: secretFile });
    expect(
      await runCli(['verify', '--body', file, '--signature', signature], { io: viaEnv.io, env: envFromFile }),
    ).toBe(0);
    const viaFlag = capture();
    expect(
      await runCli(['verify', '--body', file, '--signature', signature, '--secret-file', secretFile], {
        io: viaFlag.io,
        env,
      }),
    ).toBe(0);
    expect([...viaEnv.err, ...viaFlag.err]).toEqual([]);
  });

  it('still takes the deprecated --secret, with a warning on stderr', async () => {
    const file = join(dir, 'exact-deprecated.json');
    await writeFile(file, body);
    const { io, err } = capture();
    const args = [
      'verify',
      '--body',
      file,
      '--signature',
      signRipioBody(body, 's3cret'),
      '--secret',
      's3cret',
    ];
    expect(await runCli(args, { io, env })).toBe(0);
    expect(err.join('\n')).toMatch(/--secret is deprecated/);
  });

  it('exits 2 without a secret, saying where to put one', async () => {
    const { io, err } = capture();
    expect(await runCli(['verify', '--body', 'x', '--signature', 'sha256=00'], { io, env })).toBe(2);
    expect(err.join('\n')).toContain('RIPIO_WEBHOOK_SECRET_FILE');
  });

  it('exits 1 and names the re-serialization for a pretty-printed body', async () => {
    const file = join(dir, 'pretty.json');
    await writeFile(file, JSON.stringify(JSON.parse(body), null, 2));
    const { io, out } = capture();
    const args = ['verify', '--body', file, '--signature', signRipioBody(body, secret), '--json'];
    expect(await runCli(args, { io, env: loadEnv({ RIPIO_WEBHOOK_SECRET: secret }) })).toBe(1);
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
    const args = ['simulate', '--dry-run', '--seed', 'cli', '--entities', '7', '--expect-out', file];
    expect(
      await runCli(args, { io, env: loadEnv({ RIPIO_WEBHOOK_SECRET: randomBytes(32).toString('hex') }) }),
    ).toBe(0);
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

describe('admin commands read answers through the contract', () => {
  let server: Server;
  let adminUrl: string;
  /** What the fake admin answers to GET /api/stats (the rest of its API is not needed here). */
  let statsBody: unknown;

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/api/stats' ? statsBody : { error: 'no route' }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((key) => [key, 0]));
  const stats = {
    queues: { events: zeros(QUEUE_STATES), deadLetter: zeros(QUEUE_STATES) },
    oldestWaitingAgeSeconds: 0,
    deadLetterByReason: { ...zeros(DEAD_LETTER_REASONS), handler_failed: 2 },
    outcomesLastHour: zeros(PROCESSING_OUTCOMES),
  };
  const runStats = (...args: string[]) => {
    const { io, out, err } = capture();
    const run = runCli(['stats', '--admin-url', adminUrl, '--token', 't', ...args], { io, env });
    return run.then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
  };

  it('prints an answer that matches its schema', async () => {
    statsBody = stats;
    const { code, out } = await runStats();
    expect(code).toBe(0);
    expect(out).toMatch(/handler_failed: 2/);
  });

  it('exits 1 and names the field when the answer leaves the contract', async () => {
    statsBody = { ...stats, deadLetterByReason: { handler_failed: 'two' } };
    const { code, err } = await runStats('--json');
    expect(code).toBe(1);
    expect(err).toMatch(/api\/stats answered an unexpected shape: deadLetterByReason/);
  });

  it('refuses a dead-letter reason the contract does not know, before calling', async () => {
    const { io, err } = capture();
    const code = await runCli(['dlq', 'list', '--reason', 'bored', '--admin-url', adminUrl, '--token', 't'], {
      io,
      env,
    });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(
      /--reason must be one of invalid, unknown_type, unsigned, handler_failed, exhausted/,
    );
  });
});
