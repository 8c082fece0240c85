import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTERRUPTED_ERROR } from '@ripio-webhooks/event-log';
import { sampleEvent } from '@ripio-webhooks/schemas';
import { freePort, startChildApp, type ChildApp } from '@ripio-webhooks/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTAKE_PROOF_KEY } from '../worker.test-helpers.js';
import { RedriveWorld } from './redrive.test-helpers.js';

const WORKER = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const CRASH_AT = 3;

/**
 * A handlers module that appends each event key it runs for to a file, and kills its own process (SIGKILL: no
 * cleanup) right after the third, once: the worker dies with that event's handlers run but not settled.
 */
const HANDLERS = `
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
const dir = process.env.REDRIVE_TEST_DIR;
export default {
  '*': ({ eventKey, redrive }) => {
    appendFileSync(dir + '/calls.txt', eventKey + ' ' + String(redrive) + '\\n');
    const calls = readFileSync(dir + '/calls.txt', 'utf8').trim().split('\\n').length;
    if (calls === ${String(CRASH_AT)} && !existsSync(dir + '/crashed')) {
      writeFileSync(dir + '/crashed', '');
      process.kill(process.pid, 'SIGKILL');
    }
  },
};
`;

let world: RedriveWorld;
let dir: string;
const apps: ChildApp[] = [];

beforeAll(async () => {
  world = await RedriveWorld.open();
  dir = await mkdtemp(join(tmpdir(), 'ripio-redrive-'));
  await writeFile(join(dir, 'handlers.mjs'), HANDLERS, 'utf8');
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await world.close();
  await rm(dir, { recursive: true, force: true });
});

async function startWorker(): Promise<ChildApp> {
  const port = await freePort();
  const app = await startChildApp(
    WORKER,
    {
      PATH: process.env.PATH ?? '',
      REDIS_URL: world.world.redisUrl,
      QUEUE_PREFIX: world.world.prefix,
      INTAKE_PROOF_KEYS: INTAKE_PROOF_KEY,
      EVENT_LOG: 'postgres',
      DATABASE_URL: world.database.url,
      HANDLERS_MODULE: join(dir, 'handlers.mjs'),
      REDRIVE_TEST_DIR: dir,
      METRICS_HOST: '127.0.0.1',
      METRICS_PORT: String(port),
      JOB_LOCK_MS: '1000',
      STALLED_INTERVAL_MS: '1000',
      LOG_LEVEL: 'warn',
    },
    `http://127.0.0.1:${String(port)}/healthz`,
  );
  apps.push(app);
  return app;
}

describe('re-drive across a worker crash', () => {
  it('resumes after the last settled event, and never runs an event twice', async () => {
    const keys = await world.log(
      Array.from({ length: 8 }, (_, index) => ({
        body: sampleEvent('SUPPORT_TICKET.CREATED', {
          entityId: `crash-${String(index)}`,
          issueDatetime: '2026-11-12T10:00:00Z',
        }),
        status: 'CREATED',
        version: 1,
      })),
    );
    const first = await startWorker();
    const id = await world.redrive({ family: 'support-ticket' }, { ratePerSecond: 50 });
    await new Promise((resolve) => first.process.once('exit', resolve));
    expect(first.process.signalCode).toBe('SIGKILL');

    await startWorker();
    const done = await world.until(id, (redrive) => redrive.state === 'done');

    const calls = (await readFile(join(dir, 'calls.txt'), 'utf8')).trim().split('\n');
    expect(calls.toSorted()).toEqual(keys.map((key) => `${key} true`).toSorted());
    expect(done).toMatchObject({ total: 8, done: 7, failed: 1, remaining: 0 });
    const interrupted = done.runs.filter((run) => run.result === 'failed');
    expect(interrupted).toEqual([
      expect.objectContaining({ eventKey: keys[CRASH_AT - 1], error: INTERRUPTED_ERROR }),
    ]);
    const marks = await world.pool.query<{ redrives: number }>(
      `SELECT redrives FROM events WHERE family = 'support-ticket'`,
    );
    expect(marks.rows.map((row) => row.redrives)).toEqual(Array.from({ length: 8 }, () => 1));
  });
});
