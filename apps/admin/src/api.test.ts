import { Redis } from 'ioredis';
import {
  BulkReplayReport,
  DeadLetterPage,
  DeleteReport,
  EntityWithHistory,
  ReplayReport,
  Stats,
} from '@ripio-webhooks/contracts';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseEventBody } from '@ripio-webhooks/schemas';
import { createDeadLetterStore, type DeadLetterStore } from '@ripio-webhooks/store';
import { deleteKeysContaining, uniquePrefix } from '@ripio-webhooks/test-support';
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
const prefix = uniquePrefix('admin');
const auth = { Authorization: `Bearer ${TOKEN}` };
const t0 = Date.parse('2026-05-19T14:00:00.000Z');
const at = (seconds: number): string => new Date(t0 + seconds * 1000).toISOString();

let admin: AdminHarness;
let worker: ChildApp;
let waiter: JobWaiter;
let cleanup: Redis;
let deadLetters: DeadLetterStore;

beforeAll(async () => {
  admin = startAdmin(redisUrl, prefix);
  await admin.ready();
  worker = await startWorkerApp(redisUrl, prefix);
  waiter = new JobWaiter(redisUrl, prefix);
  await waiter.ready();
  cleanup = new Redis(redisUrl);
  deadLetters = createDeadLetterStore({ redis: admin.redis, queuePrefix: prefix });
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

/** A dead-letter entry for a valid event that was never applied (as after a handler kept failing). */
async function deadLetterValidEvent(
  entityId: string,
  reason: 'exhausted' | 'handler_failed' = 'exhausted',
): Promise<string> {
  const { name, data } = jobFor(eventBody('OFF-RAMP.DEPOSIT.RECEIVED', entityId, at(0)));
  await deadLetters.add(name, {
    job: data,
    reason,
    error: 'handler ledger failed: ECONNREFUSED 127.0.0.1:9',
    attemptsMade: 10,
    firstFailedAt: at(1),
    lastFailedAt: at(600),
  });
  return data.eventKey;
}

/** The object of an event body, as the worker keeps it in the history entry's payload. */
function objectOf(rawBody: string): Record<string, unknown> {
  const parsed = parseEventBody(rawBody);
  if (!parsed.ok) throw new Error(parsed.issues.join('; '));
  return parsed.event.object;
}

describe('authentication', () => {
  const routes: [method: 'get' | 'post' | 'delete', path: string][] = [
    ['get', '/api/entities/off-ramp/any'],
    ['get', '/api/dead-letter'],
    ['get', '/api/dead-letter/any'],
    ['post', '/api/dead-letter/any/replay'],
    ['post', '/api/dead-letter/replay'],
    ['delete', '/api/dead-letter/any'],
    ['get', '/api/stats'],
    ['get', '/api/no-such-route'],
    ['get', '/metrics'],
    ['get', '/'],
    ['get', '/console/console.js'],
    ['get', '/queues/'],
    ['get', '/queues/api/queues'],
  ];

  it.each(routes)('%s %s answers 401 without a token and with a wrong one', async (method, path) => {
    const anonymous = await request(admin.app)[method](path).set('Accept', 'application/json');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: expect.stringMatching(/unauthorized/) as unknown });
    const wrong = await request(admin.app)[method](path).set('Authorization', `Bearer ${TOKEN}x`);
    expect(wrong.status).toBe(401);
    const basic = await request(admin.app)[method](path).set('Authorization', `Basic ${TOKEN}`);
    expect(basic.status).toBe(401);
  });

  it('lets the right token through everywhere', async () => {
    for (const [method, path] of routes) {
      const response = await request(admin.app)[method](path).set(auth);
      expect(response.status, `${method} ${path}`).not.toBe(401);
    }
  });

  it('leaves /healthz open for probes', async () => {
    const response = await request(admin.app).get('/healthz');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('sends a browser without a session to the login form', async () => {
    const response = await request(admin.app).get('/queues/').set('Accept', 'text/html');
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/login?next=%2Fqueues%2F');
  });

  it('logs in with the token, sets an HttpOnly SameSite=Strict cookie that is not the token, and logs out', async () => {
    const wrong = await request(admin.app).post('/login').type('form').send({ token: 'nope', next: '/' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();

    const login = await request(admin.app)
      .post('/login')
      .type('form')
      .send({ token: TOKEN, next: '/queues/' });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/queues/');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/^ripio_admin_session=\d+\.[0-9a-f]{64};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;

    expect((await request(admin.app).get('/api/stats').set('Cookie', cookie)).status).toBe(200);
    expect((await request(admin.app).get('/queues/').set('Cookie', cookie)).status).toBe(200);
    const tampered = cookie.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect((await request(admin.app).get('/api/stats').set('Cookie', tampered)).status).toBe(401);

    const crossSite = await request(admin.app)
      .delete('/api/dead-letter/any')
      .set('Cookie', cookie)
      .set('Origin', 'https://evil.example');
    expect(crossSite.status).toBe(403);

    const logout = await request(admin.app).post('/logout').set('Cookie', cookie);
    expect(logout.status).toBe(303);
    expect(String(logout.headers['set-cookie'])).toMatch(/ripio_admin_session=;.*Max-Age=0/);
  });

  it('refuses an expired session and never redirects off-site after login', async () => {
    let now = Date.now();
    const clocked = startAdmin(redisUrl, prefix, () => now);
    try {
      await clocked.ready();
      const login = await request(clocked.app)
        .post('/login')
        .type('form')
        .send({ token: TOKEN, next: '//evil.example/' });
      expect(login.headers.location).toBe('/');
      const cookie = String(login.headers['set-cookie']).split(';')[0]!;
      expect((await request(clocked.app).get('/api/stats').set('Cookie', cookie)).status).toBe(200);
      now += 13 * 3600 * 1000;
      expect((await request(clocked.app).get('/api/stats').set('Cookie', cookie)).status).toBe(401);
    } finally {
      await clocked.close();
    }
  });
});

describe('entity lookup', () => {
  it('shows the entity the worker built from a flow, with its timeline', async () => {
    const id = 'ofr-entity-1';
    const flow = [
      'OFF-RAMP.DEPOSIT.RECEIVED',
      'OFF-RAMP.TRADE.COMPLETED',
      'OFF-RAMP.WITHDRAWAL.PROCESSING',
      'OFF-RAMP.WITHDRAWAL.COMPLETED',
    ] as const;
    for (const [index, eventType] of flow.entries()) {
      expect(await waiter.process(admin.events, eventBody(eventType, id, at(index)))).toEqual({
        result: 'committed',
        outcome: 'applied',
      });
    }
    const response = await request(admin.app).get(`/api/entities/off-ramp/${id}`).set(auth);
    expect(response.status).toBe(200);
    const entity = EntityWithHistory.parse(response.body);
    expect(entity).toMatchObject({ kind: 'off-ramp', id, status: 'WITHDRAWAL_COMPLETED', version: 4 });
    const history = entity.history;
    expect(history.map((entry) => [entry.eventType, entry.outcome])).toEqual(
      flow.map((type) => [type, 'applied']),
    );
    expect(history.at(-1)?.toStatus).toBe('WITHDRAWAL_COMPLETED');
  });

  it('records an event that arrives after its status was passed as late, with its payload, without moving the entity', async () => {
    const id = 'ofr-entity-late';
    await waiter.process(admin.events, eventBody('OFF-RAMP.WITHDRAWAL.PROCESSING', id, at(2)));
    const trade = eventBody('OFF-RAMP.TRADE.COMPLETED', id, at(1));
    expect(await waiter.process(admin.events, trade)).toEqual({ result: 'committed', outcome: 'late' });
    const response = await request(admin.app).get(`/api/entities/off-ramp/${id}`).set(auth);
    // The late event was recorded (its payload and progress), so the entity was written: version 2.
    expect(response.body).toMatchObject({ status: 'WITHDRAWAL_PROCESSING', version: 2, conflicts: 0 });
    const { history } = EntityWithHistory.parse(response.body);
    expect(history.map((entry) => entry.outcome)).toEqual(['applied', 'late']);
    expect(history[1]?.payload).toEqual(objectOf(trade));
  });

  it('shows a conflict on the entity (count, latest, reason) with the payload of the event', async () => {
    const id = 'ofr-entity-conflict';
    await waiter.process(admin.events, eventBody('OFF-RAMP.WITHDRAWAL.COMPLETED', id, at(3)));
    const cancel = eventBody('OFF-RAMP.ORDER.CANCELLED', id, at(4));
    expect(await waiter.process(admin.events, cancel)).toEqual({ result: 'committed', outcome: 'conflict' });
    const response = await request(admin.app).get(`/api/entities/off-ramp/${id}`).set(auth);
    const entity = EntityWithHistory.parse(response.body);
    expect(entity).toMatchObject({
      status: 'WITHDRAWAL_COMPLETED',
      cycle: 1,
      conflicts: 1,
      lastConflict: {
        eventType: 'OFF-RAMP.ORDER.CANCELLED',
        reason: 'contradicts_status',
        status: 'WITHDRAWAL_COMPLETED',
        eventStatus: 'ORDER_CANCELLED',
      },
    });
    expect(entity.history[1]).toMatchObject({
      outcome: 'conflict',
      conflictReason: 'contradicts_status',
      payload: objectOf(cancel),
    });
    // The worker's recorded progress is not part of the answer.
    expect(response.body).not.toHaveProperty('progress');
  });

  it('answers 404 for an unknown entity and 400 for an unknown kind', async () => {
    const missing = await request(admin.app).get('/api/entities/off-ramp/never-seen').set(auth);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'no off-ramp entity with id never-seen' });
    const badKind = await request(admin.app).get('/api/entities/bitcoin/x').set(auth);
    expect(badKind.status).toBe(400);
    expect((badKind.body as { error: string }).error).toMatch(/kind/);
  });
});

describe('dead-letter queue', () => {
  const invalidIds = ['dlq-invalid-1', 'dlq-invalid-2'];
  const replayableIds = ['dlq-ok-1', 'dlq-ok-2', 'dlq-ok-3'];

  beforeAll(async () => {
    // Dead-lettered by the worker itself: schema-invalid events and an event type Ripio never documented.
    for (const id of invalidIds) {
      const body = eventBody('OFF-RAMP.ORDER.CANCELLED', id, at(0)).replace(
        /"transactionId":"[^"]+"/,
        '"transactionId":42',
      );
      expect(body).toContain('"transactionId":42');
      expect(await waiter.process(admin.events, body)).toEqual({
        result: 'dead-lettered',
        reason: 'invalid',
      });
    }
    const unknown = eventBody('OFF-RAMP.ORDER.CANCELLED', 'dlq-unknown', at(0)).replace(
      'OFF-RAMP.ORDER.CANCELLED',
      'OFF-RAMP.ORDER.TELEPORTED',
    );
    expect(await waiter.process(admin.events, unknown)).toEqual({
      result: 'dead-lettered',
      reason: 'unknown_type',
    });
    // Valid events whose handlers kept failing: these apply once replayed.
    for (const id of replayableIds) await deadLetterValidEvent(id);
  });

  async function list(query: string): Promise<DeadLetterPage> {
    const response = await request(admin.app).get(`/api/dead-letter${query}`).set(auth);
    expect(response.status).toBe(200);
    return DeadLetterPage.parse(response.body);
  }

  it('lists entries with reason, error, attempts, times and key, and filters by reason and event type', async () => {
    const all = await list('');
    expect(all.entries).toHaveLength(6);
    for (const entry of all.entries) {
      expect(entry).toMatchObject({
        id: expect.any(String) as unknown,
        eventKey: entry.id,
        reason: expect.stringMatching(/^(invalid|unknown_type|exhausted)$/) as unknown,
        error: expect.any(String) as unknown,
        attemptsMade: expect.any(Number) as unknown,
        deadLetteredAt: expect.any(String) as unknown,
        receivedAt: expect.any(String) as unknown,
      });
    }
    const invalid = await list('?reason=invalid');
    expect(invalid.entries.map((entry) => entry.reason)).toEqual(['invalid', 'invalid']);
    expect(invalid.entries.every((entry) => /transactionId/.test(entry.error))).toBe(true);
    const unknown = await list('?eventType=OFF-RAMP.ORDER.TELEPORTED');
    expect(unknown.entries.map((entry) => entry.reason)).toEqual(['unknown_type']);
    const both = await list('?reason=exhausted&eventType=OFF-RAMP.DEPOSIT.RECEIVED');
    expect(both.entries).toHaveLength(3);
    expect(await list('?reason=exhausted&eventType=KYC.COMPLETED')).toEqual({ entries: [] });
  });

  it('pages with limit and cursor, and bounds the limit', async () => {
    const first = await list('?limit=4');
    expect(first.entries).toHaveLength(4);
    expect(first.nextCursor).toBeDefined();
    const second = await list(`?limit=4&cursor=${first.nextCursor}`);
    expect(second.entries).toHaveLength(2);
    const ids = [...first.entries, ...second.entries].map((entry) => entry.id);
    expect(new Set(ids).size).toBe(6);
    for (const query of ['?limit=501', '?limit=0', '?limit=abc', '?reason=bored', '?cursor=x']) {
      const response = await request(admin.app).get(`/api/dead-letter${query}`).set(auth);
      expect(response.status, query).toBe(400);
      expect((response.body as { error: string }).error).toMatch(/^invalid query/);
    }
  });

  it('shows one entry with its original payload, and 404 for an unknown one', async () => {
    const [entry] = (await list('?reason=unknown_type')).entries;
    const response = await request(admin.app)
      .get(`/api/dead-letter/${encodeURIComponent(entry!.id)}`)
      .set(auth);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: entry!.id, reason: 'unknown_type' });
    expect((response.body as { payload: { eventType: string } }).payload.eventType).toBe(
      'OFF-RAMP.ORDER.TELEPORTED',
    );
    const missing = await request(admin.app).get('/api/dead-letter/no-such-entry').set(auth);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'no dead-letter entry no-such-entry' });
  });

  it('replays one entry: it leaves the DLQ and the worker applies the event', async () => {
    const key = (await list('?reason=exhausted')).entries.find((entry) =>
      entry.eventKey.includes('dlq-ok-1'),
    )!.id;
    const finished = waitForNextCompletion(key);
    const response = await request(admin.app)
      .post(`/api/dead-letter/${encodeURIComponent(key)}/replay`)
      .set(auth);
    expect(response.status).toBe(200);
    expect(ReplayReport.parse(response.body)).toEqual({
      id: key,
      outcome: 'replayed',
      eventKey: key,
      previousOutcome: null,
    });
    expect(await finished).toEqual({ result: 'committed', outcome: 'applied' });
    const entity = await request(admin.app).get('/api/entities/off-ramp/dlq-ok-1').set(auth);
    expect(EntityWithHistory.parse(entity.body)).toMatchObject({ status: 'DEPOSIT_RECEIVED', version: 1 });
    expect(
      (
        await request(admin.app)
          .get(`/api/dead-letter/${encodeURIComponent(key)}`)
          .set(auth)
      ).status,
    ).toBe(404);
    const again = await request(admin.app)
      .post(`/api/dead-letter/${encodeURIComponent(key)}/replay`)
      .set(auth);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ error: `no dead-letter entry ${key}`, id: key, outcome: 'missing' });
    expect(ReplayReport.parse(again.body)).toEqual({ id: key, outcome: 'missing' });
  });

  it('replays in bulk by filter, bounded by max', async () => {
    const first = await request(admin.app)
      .post('/api/dead-letter/replay')
      .set(auth)
      .send({ reason: 'exhausted', max: 1 });
    expect(first.status).toBe(200);
    expect(BulkReplayReport.parse(first.body)).toMatchObject({ replayed: 1, missing: 0, more: true });
    const rest = await request(admin.app)
      .post('/api/dead-letter/replay')
      .set(auth)
      .send({ reason: 'exhausted' });
    expect(rest.body).toMatchObject({ replayed: 1, missing: 0 });
    expect(await list('?reason=exhausted')).toEqual({ entries: [] });
    for (const id of ['dlq-ok-2', 'dlq-ok-3']) {
      const key = jobFor(eventBody('OFF-RAMP.DEPOSIT.RECEIVED', id, at(0))).data.eventKey;
      const job = await admin.events.getJob(key);
      expect(job).toBeDefined();
      expect(await waiter.finished(job!)).toEqual({ result: 'committed', outcome: 'applied' });
    }
    const tooMany = await request(admin.app).post('/api/dead-letter/replay').set(auth).send({ max: 10_000 });
    expect(tooMany.status).toBe(400);
    const nothing = await request(admin.app).post('/api/dead-letter/replay?reason=handler_failed').set(auth);
    expect(nothing.body).toEqual({ replayed: 0, missing: 0, more: false, results: [] });
  });

  it('deletes an entry, then answers 404 for it', async () => {
    const [entry] = (await list('?reason=invalid')).entries;
    const path = `/api/dead-letter/${encodeURIComponent(entry!.id)}`;
    const deleted = await request(admin.app).delete(path).set(auth);
    expect(deleted.status).toBe(200);
    expect(DeleteReport.parse(deleted.body)).toEqual({ id: entry!.id, deleted: true });
    expect((await request(admin.app).get(path).set(auth)).status).toBe(404);
    expect((await request(admin.app).delete(path).set(auth)).status).toBe(404);
    expect((await list('?reason=invalid')).entries).toHaveLength(1);
  });

  it('reports a duplicate when the replayed event was applied meanwhile, and changes nothing', async () => {
    const id = 'dlq-applied-meanwhile';
    const key = await deadLetterValidEvent(id, 'handler_failed');
    // Ripio redelivered the same event and this time it went through.
    const redelivery = eventBody('OFF-RAMP.DEPOSIT.RECEIVED', id, at(0));
    await waiter.process(admin.events, redelivery);
    await waiter.process(admin.events, eventBody('OFF-RAMP.TRADE.COMPLETED', id, at(1)));
    const before = (await request(admin.app).get(`/api/entities/off-ramp/${id}`).set(auth)).body as {
      status: string;
      version: number;
      fields: unknown;
      history: unknown[];
    };
    expect(before).toMatchObject({ status: 'TRADE_COMPLETED', version: 2 });

    const finished = waitForNextCompletion(key);
    const response = await request(admin.app)
      .post(`/api/dead-letter/${encodeURIComponent(key)}/replay`)
      .set(auth);
    expect(response.status).toBe(200);
    expect(ReplayReport.parse(response.body)).toEqual({
      id: key,
      outcome: 'replayed',
      eventKey: key,
      previousOutcome: 'applied',
    });
    expect(await finished).toEqual({ result: 'committed', outcome: 'duplicate' });

    const after = (await request(admin.app).get(`/api/entities/off-ramp/${id}`).set(auth))
      .body as typeof before;
    expect(after.status).toBe(before.status);
    expect(after.version).toBe(before.version);
    expect(after.fields).toEqual(before.fields);
  });

  it('counts replays in /metrics and reports the queues in /api/stats', async () => {
    const metrics = await request(admin.app).get('/metrics').set(auth);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/^ripio_replays_total\{result="replayed"\} [1-9]/m);
    expect(metrics.text).toMatch(/^ripio_replays_total\{result="missing"\} [1-9]/m);
    expect(metrics.text).toMatch(/^ripio_queue_jobs\{queue="events",state="completed"\} [1-9]/m);
    expect(metrics.text).toMatch(/^ripio_dead_letter_size\{reason="invalid"\} 1$/m);
    expect(metrics.text).toMatch(/^ripio_dead_letter_size\{reason="unknown_type"\} 1$/m);
    expect(metrics.text).toMatch(/^ripio_redis_used_memory_bytes [1-9]/m);
    for (const state of ['waiting', 'delayed', 'prioritized']) {
      expect(metrics.text).toMatch(
        new RegExp(`^ripio_queue_oldest_waiting_age_seconds\\{queue="events",state="${state}"\\} `, 'm'),
      );
    }
    // Entries wait in the dead-letter queue, so its oldest one has an age (the same series a worker exports).
    const deadLetterAge =
      /^ripio_queue_oldest_waiting_age_seconds\{queue="dead-letter",state="waiting"\} (\S+)$/m.exec(
        metrics.text,
      );
    expect(Number(deadLetterAge?.[1])).toBeGreaterThan(0);
    expect(metrics.text).toMatch(/^ripio_process_cpu_seconds_total /m);

    const stats = await request(admin.app).get('/api/stats').set(auth);
    expect(stats.status).toBe(200);
    expect(Stats.parse(stats.body)).toMatchObject({
      queues: { events: { waiting: 0 }, deadLetter: { waiting: 2 } },
      deadLetterByReason: { invalid: 1, unknown_type: 1, unsigned: 0, exhausted: 0, handler_failed: 0 },
    });
    const outcomes = (stats.body as { outcomesLastHour: Record<string, number> }).outcomesLastHour;
    expect(outcomes.applied).toBeGreaterThanOrEqual(9);
    expect(outcomes.duplicate).toBeGreaterThanOrEqual(1);
    expect(outcomes.invalid).toBeGreaterThanOrEqual(2);
  });
});

/** Resolves with the return value of the next run of the job with this id (it is about to be added by a replay). */
async function waitForNextCompletion(jobId: string): Promise<unknown> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const job = await admin.events.getJob(jobId);
    if (job?.data.replayedAt !== undefined) return waiter.finished(job);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${jobId} was never replayed`);
}
