import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli, type SimulationExpectations } from '@ripio-webhooks/cli';
import { createDeadLetterStore } from '@ripio-webhooks/store';
import {
  deleteKeysContaining,
  freePort,
  TEST_WEBHOOK_SECRET,
  uniquePrefix,
} from '@ripio-webhooks/test-support';
import {
  distMain,
  eventBody,
  INTAKE_PROOF_KEY,
  jobFor,
  startAdmin,
  startChildApp,
  startWorkerApp,
  TOKEN,
  type AdminHarness,
  type ChildApp,
} from './admin.test-helpers.js';

const run = promisify(execFile);
const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('simulate');
const SECRET = TEST_WEBHOOK_SECRET;
const CLI_MAIN = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));
const auth = { Authorization: `Bearer ${TOKEN}` };

let admin: AdminHarness;
let server: Server;
let adminUrl: string;
let receiver: ChildApp;
let worker: ChildApp;
let dir: string;
let cleanup: Redis;

beforeAll(async () => {
  admin = startAdmin(redisUrl, prefix);
  await admin.ready();
  server = admin.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const port = await freePort();
  receiver = await startChildApp(
    distMain('receiver'),
    {
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      RIPIO_WEBHOOK_SECRETS: SECRET,
      INTAKE_PROOF_KEYS: INTAKE_PROOF_KEY,
    },
    `http://127.0.0.1:${port}/readyz`,
  );
  worker = await startWorkerApp(redisUrl, prefix);
  dir = await mkdtemp(join(tmpdir(), 'ripio-simulate-'));
  cleanup = new Redis(redisUrl);
}, 60_000);

afterAll(async () => {
  await receiver?.stop();
  await worker?.stop();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  await admin?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  if (cleanup !== undefined) {
    await deleteKeysContaining(cleanup, prefix);
    cleanup.disconnect();
  }
});

interface Stats {
  queues: { events: Record<string, number> };
  outcomesLastHour: Record<string, number>;
  deadLetterByReason: Record<string, number>;
}

async function stats(): Promise<Stats> {
  const response = await request(admin.app).get('/api/stats').set(auth);
  expect(response.status).toBe(200);
  return response.body as Stats;
}

/** Waits (bounded) until the worker has decided `events` events and nothing is left to process. */
async function drained(events: number): Promise<Stats> {
  let last: Stats | undefined;
  for (let attempt = 0; attempt < 600; attempt += 1) {
    last = await stats();
    const { waiting = 0, active = 0, delayed = 0, prioritized = 0 } = last.queues.events;
    const outcomes = last.outcomesLastHour;
    const decided = (outcomes.applied ?? 0) + (outcomes.late ?? 0) + (outcomes.conflict ?? 0);
    if (decided >= events && waiting + active + delayed + prioritized === 0) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the worker did not drain: ${JSON.stringify(last)}`);
}

describe('ripio-webhooks simulate against a running receiver and worker', () => {
  it('brings every simulated entity to the status simulate expected, and leaves bad requests out', async () => {
    const expectFile = join(dir, 'expected.json');
    const { stdout } = await run(
      process.execPath,
      [
        CLI_MAIN,
        'simulate',
        '--url',
        `${receiver.url}/webhooks/ripio`,
        '--entities',
        '60',
        '--include-inferred',
        '--duplicates',
        '0.3',
        '--shuffle',
        '--bad',
        '0.1',
        '--concurrency',
        '8',
        '--seed',
        'admin-simulate-test',
        '--expect-out',
        expectFile,
        '--json',
      ],
      // The secret comes from the environment, as operators are told to pass it (not on the command line).
      { env: { ...process.env, RIPIO_WEBHOOK_SECRET: SECRET } },
    );
    const summary = JSON.parse(stdout) as {
      unacknowledged: number;
      byKind: Record<string, Record<string, number>>;
      deliveries: number;
    };
    expect(summary.unacknowledged).toBe(0);
    expect(Object.keys(summary.byKind.wrong_secret ?? {})).toEqual(['401']);
    expect(Object.keys(summary.byKind.missing_signature ?? {})).toEqual(['401']);
    expect(Object.keys(summary.byKind.malformed_json ?? {})).toEqual(['400']);

    const expected = JSON.parse(await readFile(expectFile, 'utf8')) as SimulationExpectations;
    expect(expected.entities).toHaveLength(60);
    expect(new Set(expected.entities.map((entity) => entity.kind)).size).toBeGreaterThanOrEqual(6);

    const after = await drained(expected.events);
    expect(Object.values(after.deadLetterByReason).every((count) => count === 0)).toBe(true);

    const wrong: string[] = [];
    for (const entity of expected.entities) {
      const response = await request(admin.app)
        .get(`/api/entities/${entity.kind}/${encodeURIComponent(entity.id)}`)
        .set(auth);
      const status = (response.body as { status?: string }).status;
      if (response.status !== 200 || status !== entity.expectedStatus) {
        wrong.push(
          `${entity.kind} ${entity.id} (${entity.flow}): ${response.status} ${status} != ${entity.expectedStatus}`,
        );
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('ripio-webhooks admin commands against the admin API', () => {
  function capture(): { io: { out(t: string): void; err(t: string): void }; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (text) => out.push(text), err: (text) => err.push(text) }, out, err };
  }
  const env = { ADMIN_URL: 'http://127.0.0.1:1', ADMIN_TOKEN: TOKEN } as const;
  const cli = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    const { io, out, err } = capture();
    const code = await runCli([...args, '--admin-url', adminUrl], { io, env });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('entity get prints the status and timeline, or --json', async () => {
    const expected = JSON.parse(await readFile(join(dir, 'expected.json'), 'utf8')) as SimulationExpectations;
    const entity = expected.entities.find((candidate) => candidate.kind === 'off-ramp')!;
    const human = await cli('entity', 'get', entity.kind, entity.id);
    expect(human.code).toBe(0);
    expect(human.out).toContain(`status   ${entity.expectedStatus}`);
    expect(human.out).toMatch(/processed at +event +issued at +outcome +move/);
    const json = await cli('entity', 'get', entity.kind, entity.id, '--json');
    expect(JSON.parse(json.out)).toMatchObject({
      kind: entity.kind,
      id: entity.id,
      status: entity.expectedStatus,
    });
    const missing = await cli('entity', 'get', 'off-ramp', 'no-such-tx');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/404: no off-ramp entity with id no-such-tx/);
  });

  it('dlq list, show, replay and purge an entry; stats reports it', async () => {
    const deadLetters = createDeadLetterStore({ redis: admin.redis, queuePrefix: prefix });
    const keys: string[] = [];
    for (const id of ['cli-dlq-1', 'cli-dlq-2']) {
      const { name, data } = jobFor(eventBody('SUPPORT_TICKET.CREATED', id, '2026-05-19T14:00:00.000Z'));
      await deadLetters.add(name, {
        job: data,
        reason: 'handler_failed',
        error: 'handler crm failed: 500',
        attemptsMade: 3,
        firstFailedAt: '2026-05-19T14:00:01.000Z',
        lastFailedAt: '2026-05-19T14:05:00.000Z',
      });
      keys.push(data.eventKey);
    }
    await deadLetters.close();

    const list = await cli('dlq', 'list', '--reason', 'handler_failed');
    expect(list.code).toBe(0);
    for (const key of keys) expect(list.out).toContain(key);
    const listed = JSON.parse((await cli('dlq', 'list', '--json')).out) as { entries: { id: string }[] };
    expect(listed.entries.map((entry) => entry.id).sort()).toEqual([...keys].sort());

    const show = await cli('dlq', 'show', keys[0]!);
    expect(show.out).toContain('reason         handler_failed');
    expect(show.out).toContain('"ticketId": "cli-dlq-1"');

    const statsOut = await cli('stats');
    expect(statsOut.out).toMatch(/handler_failed: 2/);

    const replay = await cli('dlq', 'replay', keys[0]!);
    expect(replay.code).toBe(0);
    expect(replay.out).toBe(`${keys[0]!}: replayed`);
    const missing = await cli('dlq', 'replay', 'no-such-entry');
    expect(missing.code).toBe(1);
    expect(missing.out).toBe('no-such-entry: no such entry');

    expect((await cli('dlq', 'purge', '--all')).code).toBe(2);
    expect((await cli('dlq', 'purge', '--all', '--reason', 'handler_failed', '--yes')).code).toBe(2);
    const purge = await cli(
      'dlq',
      'purge',
      '--all',
      '--reason',
      'handler_failed',
      '--note',
      'test data',
      '--yes',
    );
    expect(purge.code).toBe(0);
    expect(purge.out).toContain('deleted 1, missing 0');
    expect(JSON.parse((await cli('dlq', 'list', '--json')).out)).toEqual({ entries: [] });

    const unauthorized = await runCli(['stats', '--admin-url', adminUrl, '--token', 'wrong'], {
      ...capture(),
      env,
    });
    expect(unauthorized).toBe(1);
  });
});
