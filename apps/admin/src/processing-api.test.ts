import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { runCli } from '@ripio-webhooks/cli';
import { ProcessingStatus } from '@ripio-webhooks/contracts';
import { breakerKey, eventJobOptions } from '@ripio-webhooks/store';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  eventBody,
  jobFor,
  JobWaiter,
  startAdmin,
  startWorkerApp,
  TOKEN,
  type AdminHarness,
  type ChildApp,
} from './admin.test-helpers.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('admin-processing');
const auth = { Authorization: `Bearer ${TOKEN}` };

let admin: AdminHarness;
let worker: ChildApp;
let waiter: JobWaiter;
let cleanup: Redis;

beforeAll(async () => {
  admin = startAdmin(redisUrl, prefix);
  worker = await startWorkerApp(redisUrl, prefix);
  waiter = new JobWaiter(redisUrl, prefix);
  await waiter.ready();
  cleanup = new Redis(redisUrl);
});

afterAll(async () => {
  await worker?.stop();
  await waiter?.close();
  await admin?.close();
  if (cleanup !== undefined) {
    await deleteKeysContaining(cleanup, prefix);
    cleanup.disconnect();
  }
});

describe('pausing and resuming processing by hand (admin API and CLI, a real worker process)', () => {
  it('pause keeps a running worker from taking events, intake goes on; resume lets it apply them', async () => {
    const paused = await request(admin.app)
      .post('/api/processing/pause')
      .set(auth)
      .send({ reason: 'ledger maintenance' });
    expect(paused.status).toBe(200);
    expect(ProcessingStatus.parse(paused.body)).toMatchObject({
      paused: true,
      pause: { reason: 'ledger maintenance' },
      breaker: { mode: 'closed' },
    });

    const { name, data } = jobFor(eventBody('KYC.COMPLETED', 'paused-kyc', '2026-03-01T10:00:00.000Z'));
    const job = await admin.events.add(name, data, eventJobOptions(data.eventKey));
    // The worker is running and sees the queue paused: the job waits (no timing, the state is read).
    expect(await job.getState()).toBe('waiting');
    const status = await request(admin.app).get('/api/processing').set(auth);
    expect(status.body).toMatchObject({ paused: true, pause: { reason: 'ledger maintenance' } });

    const resumed = await request(admin.app).post('/api/processing/resume').set(auth).send({});
    expect(resumed.body).toEqual({ paused: false, breaker: { mode: 'closed' } });
    expect(await waiter.finished(job)).toEqual({ result: 'committed', outcome: 'applied' });
  });

  it('refuses a reason that is not a short text', async () => {
    const answer = await request(admin.app)
      .post('/api/processing/pause')
      .set(auth)
      .send({ reason: 'x'.repeat(501) });
    expect(answer.status).toBe(400);
    expect((await request(admin.app).get('/api/processing').set(auth)).body).toMatchObject({ paused: false });
  });

  it('the CLI pauses, shows and resumes; status shows a breaker a worker opened', async () => {
    const server = admin.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const env = {
      ADMIN_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      ADMIN_TOKEN: TOKEN,
    } as const;
    const cli = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, env });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    try {
      const paused = await cli(['processing', 'pause', '--reason', 'deploying the ledger']);
      expect(paused).toMatchObject({ code: 0, err: '' });
      expect(paused.out).toMatch(/^processing: paused since \S+ \(deploying the ledger\)\nbreaker: closed$/);
      expect((await cli(['processing', 'status'])).out).toContain('deploying the ledger');
      expect((await cli(['processing', 'resume'])).out).toBe('processing: running\nbreaker: closed');

      const openedAtMs = Date.now();
      const open = { mode: 'open', openedAtMs, untilMs: openedAtMs + 600_000, reason: '20 of 20 failed' };
      await cleanup.set(breakerKey(prefix), JSON.stringify(open), 'PX', 60_000);
      const status = await cli(['processing', 'status', '--json']);
      expect(JSON.parse(status.out)).toEqual({ paused: false, breaker: open });
      expect((await cli(['processing', 'status'])).out).toMatch(
        /breaker: open for \d+s more, since .* \(20 of 20 failed\)/,
      );
      await cleanup.del(breakerKey(prefix));

      expect((await cli(['processing', 'stop'])).code).toBe(2);
      expect((await cli(['processing', 'status', '--reason', 'x'])).code).toBe(2);
    } finally {
      server.close();
    }
  });
});
