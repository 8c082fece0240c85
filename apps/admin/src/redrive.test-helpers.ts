// The admin app with re-drives over a real Postgres event log (its own database) and a real Redis.
export type {} from '@ripio-webhooks/test-support/global-setup-postgres';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventLogRecord } from '@ripio-webhooks/contracts';
import { migrateEventLog, openEventLogPool, writeBatch, type EventLogPool } from '@ripio-webhooks/event-log';
import { createRedis, readQueueSnapshot, type RedisClient } from '@ripio-webhooks/store';
import { deleteKeysContaining, freshDatabase, uniquePrefix } from '@ripio-webhooks/test-support';
import type { Express } from 'express';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { inject } from 'vitest';
import { accessControl } from './access.js';
import { eventBody, testAccessEnv } from './admin.test-helpers.js';
import { createAdminApp } from './app.js';
import { createAdminMetrics } from './metrics.js';
import { openRedriveStores } from './redrive-stores.js';
import { openAdminStores } from './stores.js';

export interface RedriveAdmin {
  app: Express;
  /** `http://127.0.0.1:<port>` of the app listening. */
  url: string;
  prefix: string;
  redis: RedisClient;
  pool: EventLogPool;
  close(): Promise<void>;
}

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

/** Starts the app with three support tickets (t-1..t-3, issued 09:00, 09:01, 09:02) in its event log. */
export async function startRedriveAdmin(): Promise<RedriveAdmin> {
  const database = await freshDatabase(inject('postgresUrl'));
  await migrateEventLog({ databaseUrl: database.url });
  const pool = openEventLogPool(database.url, { max: 2, onError: () => undefined });
  await writeBatch(
    pool,
    ['t-1', 't-2', 't-3'].map((id, index) => ({
      position: { ms: BigInt(100 + index), seq: 0n },
      record: ticketRecord(id, `09:0${String(index)}:00`),
    })),
  );
  const prefix = uniquePrefix('admin-redrives');
  const logger = pino({ level: 'silent' });
  const redis = createRedis({
    url: inject('redisUrl'),
    role: 'fail-fast',
    connectionName: 'admin-redrive-test',
  });
  const stores = openAdminStores(redis, prefix);
  const redrives = openRedriveStores(database.url, { redis, queuePrefix: prefix }, logger);
  const app = createAdminApp({
    access: accessControl(redis, testAccessEnv(prefix)),
    stores: { ...stores, redrives },
    metrics: createAdminMetrics(() => readQueueSnapshot({ redis, queuePrefix: prefix })),
    logger,
    ping: () => Promise.resolve(true),
  });
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  if (redis.status !== 'ready') await once(redis, 'ready');
  return {
    app,
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    prefix,
    redis,
    pool,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await Promise.all([stores.close(), redrives.close(), pool.end()]);
      if (redis instanceof Redis) await deleteKeysContaining(redis, prefix);
      redis.disconnect();
      await database.drop();
    },
  };
}
