import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { runCli } from '@ripio-webhooks/cli';
import { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  createDeadLetterStore,
  createHoldStore,
  type DeadLetterStore,
  type HoldStore,
} from '@ripio-webhooks/store';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
import {
  JobWaiter,
  putEntityOnHold,
  startAdmin,
  startWorkerApp,
  TOKEN,
  type AdminHarness,
  type ChildApp,
} from './admin.test-helpers.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('admin-holds');
const auth = { Authorization: `Bearer ${TOKEN}` };
const REASON = 'the customer was paid by hand';

let admin: AdminHarness;
let worker: ChildApp;
let waiter: JobWaiter;
let cleanup: Redis;
let deadLetters: DeadLetterStore;
let holds: HoldStore;

beforeAll(async () => {
  admin = startAdmin(redisUrl, prefix);
  worker = await startWorkerApp(redisUrl, prefix);
  waiter = new JobWaiter(redisUrl, prefix);
  await waiter.ready();
  cleanup = new Redis(redisUrl);
  deadLetters = createDeadLetterStore({ redis: admin.redis, queuePrefix: prefix });
  holds = createHoldStore({ redis: admin.redis, queuePrefix: prefix });
});

afterAll(async () => {
  await worker?.stop();
  await waiter?.close();
  await deadLetters?.close();
  await admin?.close();
  if (cleanup !== undefined) {
    await deleteKeysContaining(cleanup, prefix);
    cleanup.disconnect();
  }
});

const entityOnHold = (id: string) => putEntityOnHold(admin, id, { deadLettered: true });

describe('entity holds in the admin API', () => {
  it('shows the hold on the entity and on the dead-letter entry, with the parked payloads', async () => {
    const id = 'hold-show';
    const { deposit, trade } = await entityOnHold(id);
    const entity = await request(admin.app).get(`/api/entities/off-ramp/${id}`).set(auth);
    expect(entity.status).toBe(200);
    expect(entity.body).toMatchObject({
      status: null,
      onHold: true,
      hold: { blocker: deposit, state: 'dead_lettered', attempts: 10, lastError: 'ledger down' },
      parked: [
        {
          eventKey: trade,
          eventType: 'OFF-RAMP.TRADE.COMPLETED',
          payload: { eventType: 'OFF-RAMP.TRADE.COMPLETED' },
        },
      ],
    });
    const list = await request(admin.app).get('/api/dead-letter').set(auth);
    const entry = (list.body as { entries: Array<{ eventKey: string; holds: unknown }> }).entries.find(
      (candidate) => candidate.eventKey === deposit,
    );
    expect(entry?.holds).toEqual({ kind: 'off-ramp', id, parked: 1 });
    const listed = await request(admin.app).get('/api/holds').set(auth);
    expect((listed.body as { holds: Array<{ id: string }> }).holds.map((held) => held.id)).toContain(id);
    const metrics = await request(admin.app).get('/metrics').set(auth);
    expect(metrics.text).toMatch(/ripio_entities_on_hold\{state="dead_lettered"\} [1-9]/);
    // The first hold of this file is the oldest: the age series names its entity and blocking event (what the
    // RipioEntityOnHold alert carries to the console link).
    const oldest = /^ripio_oldest_hold_age_seconds\{(.*)\} (\S+)$/m.exec(metrics.text);
    expect(oldest?.[1]).toBe(`kind="off-ramp",entity_id="${id}",event_key="${deposit}"`);
    expect(Number(oldest?.[2])).toBeGreaterThanOrEqual(0);
  });

  it('refuses a release without a reason (400), of another event (409), and of an entity not on hold (404)', async () => {
    const id = 'hold-refuse';
    const { deposit, trade } = await entityOnHold(id);
    const path = `/api/entities/off-ramp/${id}/release`;
    const noReason = await request(admin.app)
      .post(path)
      .set(auth)
      .send({ eventKey: deposit, action: 'skip' });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toEqual({ error: expect.stringMatching(/reason/) as unknown });
    const blank = await request(admin.app)
      .post(path)
      .set(auth)
      .send({ eventKey: deposit, action: 'skip', reason: ' ' });
    expect(blank.status).toBe(400);
    const other = await request(admin.app)
      .post(path)
      .set(auth)
      .send({ eventKey: trade, action: 'skip', reason: REASON });
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ blocker: deposit });
    const free = await request(admin.app)
      .post('/api/entities/off-ramp/never-held/release')
      .set(auth)
      .send({ eventKey: deposit, action: 'skip', reason: REASON });
    expect(free.status).toBe(404);
    expect((await holds.get('off-ramp', id))?.hold.blocker).toBe(deposit);
  });

  it('skip: records the release, applies the parked event; a later replay of the blocker is late, and says so', async () => {
    const id = 'hold-skip';
    const { deposit, trade } = await entityOnHold(id);
    const tradeJob = await admin.events.getJob(trade);
    if (tradeJob === undefined) throw new Error('the trade job is gone');
    const released = await request(admin.app)
      .post(`/api/entities/off-ramp/${id}/release`)
      .set(auth)
      .send({ eventKey: deposit, action: 'skip', reason: REASON, operator: 'ana' });
    expect(released.status).toBe(200);
    expect(released.body).toEqual({
      outcome: 'released',
      eventKey: deposit,
      action: 'skip',
      nextBlocker: trade,
      deadLetterRemoved: false,
      jobRemoved: false,
    });
    // The parked trade is the blocker now: woken, it is applied.
    expect(await waiter.finished(tradeJob)).toEqual({ result: 'committed', outcome: 'applied' });

    const replay = await request(admin.app)
      .post(`/api/dead-letter/${encodeURIComponent(deposit)}/replay`)
      .set(auth);
    expect(replay.body).toMatchObject({ outcome: 'replayed', expect: 'late', because: 'released' });
    const replayedJob = await admin.events.getJob(deposit);
    if (replayedJob === undefined) throw new Error('the replayed job is missing');
    expect(await waiter.finished(replayedJob)).toEqual({ result: 'committed', outcome: 'late' });

    const entity = await request(admin.app).get(`/api/entities/off-ramp/${id}`).set(auth);
    expect(entity.body).toMatchObject({ status: 'TRADE_COMPLETED', onHold: false, hold: null, parked: [] });
    const history = (entity.body as { history: Array<Record<string, unknown>> }).history;
    expect(history.map((entry) => [entry.eventKey, entry.outcome])).toEqual([
      [deposit, 'released'],
      [trade, 'applied'],
      [deposit, 'late'],
    ]);
    expect(history[0]).toMatchObject({ release: { action: 'skip', reason: REASON, operator: 'ana' } });
  });

  it('discard: removes the dead-letter entry and ends the hold', async () => {
    const id = 'hold-discard';
    const { deposit, trade } = await entityOnHold(id);
    const tradeJob = await admin.events.getJob(trade);
    if (tradeJob === undefined) throw new Error('the trade job is gone');
    const released = await request(admin.app)
      .post(`/api/entities/off-ramp/${id}/release`)
      .set(auth)
      .send({ eventKey: deposit, action: 'discard', reason: REASON });
    expect(released.body).toMatchObject({ outcome: 'released', deadLetterRemoved: true, nextBlocker: trade });
    expect(await waiter.finished(tradeJob)).toEqual({ result: 'committed', outcome: 'applied' });
    expect(
      (
        await request(admin.app)
          .get(`/api/dead-letter/${encodeURIComponent(deposit)}`)
          .set(auth)
      ).status,
    ).toBe(404);
    expect(await holds.get('off-ramp', id)).toBeUndefined();
    const listed = await request(admin.app).get('/api/holds').set(auth);
    expect((listed.body as { holds: Array<{ id: string }> }).holds.map((held) => held.id)).not.toContain(id);
  });

  it('the CLI shows the hold (entity get, dlq list) and releases it (entity release, a reason required)', async () => {
    const id = 'hold-cli';
    const { deposit, trade } = await entityOnHold(id);
    const server = admin.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = { ADMIN_URL: adminUrl, ADMIN_TOKEN: TOKEN } as const;
    const cli = async (args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, { io: { out: (t) => out.push(t), err: (t) => err.push(t) }, env });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    try {
      const shown = await cli(['entity', 'get', 'off-ramp', id]);
      expect(shown.code).toBe(0);
      expect(shown.out).toContain(`ON HOLD  behind ${deposit} (OFF-RAMP.DEPOSIT.RECEIVED)`);
      expect(shown.out).toMatch(/dead_lettered since .*, 10 failed attempts, last error: ledger down/);
      expect(shown.out).toContain(trade);
      expect((await cli(['dlq', 'list'])).out).toContain(`off-ramp/${id} (1 parked)`);

      const noReason = await cli([
        'entity',
        'release',
        'off-ramp',
        id,
        '--event-key',
        deposit,
        '--action',
        'skip',
      ]);
      expect(noReason.code).toBe(2);
      expect(noReason.err).toMatch(/--reason/);
      const released = await cli([
        'entity',
        'release',
        'off-ramp',
        id,
        '--event-key',
        deposit,
        '--action',
        'skip',
        '--reason',
        REASON,
      ]);
      expect(released.code).toBe(0);
      expect(released.out).toContain('outcome: released');
      expect(released.out).toContain(`nextBlocker: ${trade}`);
    } finally {
      server.close();
    }
  });
});
