import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { runCli } from '@ripio-webhooks/cli';
import {
  ErrorBody,
  Redrive,
  RedriveDryRun,
  RedriveList,
  type EventLogRecord,
} from '@ripio-webhooks/contracts';
import { migrateEventLog, openEventLogPool, writeBatch, type EventLogPool } from '@ripio-webhooks/event-log';
import { createRedis, openRedrivesQueue, readQueueSnapshot, type RedisClient } from '@ripio-webhooks/store';
import {
  deleteKeysContaining,
  freshDatabase,
  uniquePrefix,
  type FreshDatabase,
} from '@ripio-webhooks/test-support';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventBody, startAdmin, TOKEN, type AdminHarness } from './admin.test-helpers.js';
import { createAdminApp } from './app.js';
import { createAdminMetrics } from './metrics.js';
import { openRedriveStores, type OpenedRedriveStores } from './redrive-stores.js';
import { openAdminStores, type OpenedStores } from './stores.js';
export type {} from '@ripio-webhooks/test-support/global-setup-postgres';

const auth = { Authorization: `Bearer ${TOKEN}` };
const prefix = uniquePrefix('admin-redrives');
const logger = pino({ level: 'silent' });

let database: FreshDatabase;
let pool: EventLogPool;
let redis: RedisClient;
let stores: OpenedStores;
let redrives: OpenedRedriveStores;
let app: Express;
let server: Server;
let adminUrl: string;

/** The log record of an applied support-ticket event issued at `time` on 2026-11-15. */
function ticketRecord(entityId: string, time: string): EventLogRecord {
  const rawBody = eventBody('SUPPORT_TICKET.CREATED', entityId, `2026-11-15T${time}Z`);
  return {
    v: 1,
    eventKey: `support-ticket|${entityId}|SUPPORT_TICKET.CREATED`,
    outcome: 'applied',
    at: `2026-11-15T${time}.900Z`,
    receivedAt: `2026-11-15T${time}.500Z`,
    issuedAt: `2026-11-15T${time}.000Z`,
    kind: 'support-ticket',
    entityId,
    eventType: 'SUPPORT_TICKET.CREATED',
    family: 'support-ticket',
    rawBody,
    bodySha256: 'cd'.repeat(32),
    requestId: null,
    proof: null,
    attempts: 1,
    error: null,
    deadLetterReason: null,
    replayedAt: null,
    entity: { status: 'CREATED', version: 1, state: {} },
  };
}

beforeAll(async () => {
  database = await freshDatabase(inject('postgresUrl'));
  await migrateEventLog({ databaseUrl: database.url });
  pool = openEventLogPool(database.url, { max: 2, onError: () => undefined });
  await writeBatch(
    pool,
    ['t-1', 't-2', 't-3'].map((id, index) => ({
      position: { ms: BigInt(100 + index), seq: 0n },
      record: ticketRecord(id, `09:0${String(index)}:00`),
    })),
  );
  redis = createRedis({ url: inject('redisUrl'), role: 'fail-fast', connectionName: 'admin-redrive-test' });
  stores = openAdminStores(redis, prefix);
  redrives = openRedriveStores(database.url, { redis, queuePrefix: prefix }, logger);
  app = createAdminApp({
    token: TOKEN,
    stores: { ...stores, redrives },
    metrics: createAdminMetrics(() => readQueueSnapshot({ redis, queuePrefix: prefix })),
    logger,
    ping: () => Promise.resolve(true),
  });
  server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  adminUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  if (redis.status !== 'ready') await once(redis, 'ready');
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await Promise.all([stores.close(), redrives.close(), pool.end()]);
  if (redis instanceof Redis) await deleteKeysContaining(redis, prefix);
  redis.disconnect();
  await database.drop();
});

describe('re-drive API', () => {
  it('answers a dry run with the count and a sample in entity order, and writes nothing', async () => {
    const response = await request(app)
      .post('/api/redrives')
      .set(auth)
      .send({ filter: { family: 'support-ticket' }, dryRun: true });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ dryRun: true, count: 3 });
    expect(RedriveDryRun.parse(response.body).sample.map((event) => event.entityId)).toEqual([
      't-1',
      't-2',
      't-3',
    ]);
    expect((await pool.query('SELECT count(*)::int AS n FROM redrives')).rows).toEqual([{ n: 0 }]);
  });

  it('creates and queues a re-drive, lists, shows and cancels it', async () => {
    const created = await request(app)
      .post('/api/redrives')
      .set(auth)
      .send({ filter: { entityId: 't-2' }, handlers: ['*'], ratePerSecond: 3, reason: 'ledger fix' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'queued',
      total: 1,
      remaining: 1,
      handlers: ['*'],
      ratePerSecond: 3,
      requestedBy: 'admin',
      reason: 'ledger fix',
    });
    const { id } = Redrive.parse(created.body);
    const queue = openRedrivesQueue({ redis, queuePrefix: prefix });
    expect((await queue.getJob(`redrive-${id}`))?.data).toEqual({ redriveId: id });
    await queue.close();

    const listed = await request(app).get('/api/redrives').set(auth);
    expect(RedriveList.parse(listed.body).redrives.map((redrive) => redrive.id)).toContain(id);
    const shown = await request(app).get(`/api/redrives/${id}`).set(auth);
    expect(shown.body).toMatchObject({ id, state: 'queued', runs: [] });

    const cancelled = await request(app).post(`/api/redrives/${id}/cancel`).set(auth).send({});
    expect(cancelled.body).toMatchObject({ id, state: 'cancelled' });
    const again = await request(app).post(`/api/redrives/${id}/cancel`).set(auth).send({});
    expect(again.status).toBe(409);
    expect((await request(app).get('/api/redrives/424242').set(auth)).status).toBe(404);
    expect((await request(app).get('/api/redrives/x').set(auth)).status).toBe(400);
  });

  it('refuses an empty filter, a bad rate and unknown fields', async () => {
    for (const body of [
      { filter: {} },
      { filter: { kind: 'kyc' }, ratePerSecond: 0 },
      { filter: { kind: 'kyc', status: 'x' } },
      { filter: { outcome: 'dead_lettered' } },
    ]) {
      const response = await request(app).post('/api/redrives').set(auth).send(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('answers 404 with EVENT_LOG=off', async () => {
    const admin: AdminHarness = startAdmin(inject('redisUrl'), uniquePrefix('admin-redrives-off'));
    const response = await request(admin.app).get('/api/redrives').set(auth);
    await admin.close();
    expect(response.status).toBe(404);
    expect(ErrorBody.parse(response.body).error).toContain('EVENT_LOG=postgres');
  });
});

describe('ripio-webhooks redrive', () => {
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { ADMIN_URL: adminUrl, ADMIN_TOKEN: TOKEN };
    const code = await runCli(['redrive', ...args], {
      io: { out: (t) => out.push(t), err: (t) => err.push(t) },
      env,
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('dry-runs, creates, lists, shows and cancels', async () => {
    const dry = await cli(
      'create',
      '--family',
      'support-ticket',
      '--to',
      '2026-11-15T09:01:30Z',
      '--dry-run',
    );
    expect(dry.code, dry.err).toBe(0);
    expect(dry.out).toContain('2 events match (dry run');
    const created = await cli(
      'create',
      '--event-key',
      'support-ticket|t-3|SUPPORT_TICKET.CREATED',
      '--rate',
      '2',
      '--json',
    );
    expect(created.code, created.err).toBe(0);
    const id = String((JSON.parse(created.out) as { id: string }).id);
    expect((await cli('list')).out).toMatch(
      new RegExp(`${id}\\s+queued\\s+0 done, 0 failed, 1 remaining of 1`),
    );
    expect((await cli('show', id)).out).toContain(`re-drive ${id}: queued`);
    expect((await cli('cancel', id)).out).toContain(`re-drive ${id}: cancelled`);
    const again = await cli('cancel', id);
    expect(again).toMatchObject({ code: 1 });
    expect(again.err).toContain('409');
    expect((await cli('create')).code).toBe(2);
  });
});
