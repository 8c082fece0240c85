import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { parse as parseCsv } from 'csv-parse/sync';
import { EntityWithHistory, EventPage, LoggedEventDetail } from '@ripio-webhooks/contracts';
import { createEventLogReader, type EventLogReader } from '@ripio-webhooks/event-log';
import { deleteKeysContaining, freePort, uniquePrefix } from '@ripio-webhooks/test-support';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startAdmin, TOKEN, type AdminHarness } from './admin.test-helpers.js';
import { logDatabase, loggedEvent, type LogDatabase } from './event-log.test-helpers.js';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('admin-events');

/** An admin app over real Redis and an event-log reader, listening on loopback. */
interface Served {
  admin: AdminHarness;
  server: Server;
  url: string;
  close(): Promise<void>;
}

async function serve(eventLog: EventLogReader | undefined): Promise<Served> {
  const admin = startAdmin(redisUrl, prefix, { eventLog: eventLog });
  await admin.ready();
  const server = admin.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    admin,
    server,
    url,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await admin.close();
      await eventLog?.close();
    },
  };
}

async function get(
  served: Served,
  path: string,
): Promise<{ status: number; body: unknown; text: string; type: string | null }> {
  const response = await fetch(`${served.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  return { status: response.status, body, text, type: response.headers.get('content-type') };
}

const deposit = loggedEvent({
  type: 'OFF-RAMP.DEPOSIT.RECEIVED',
  id: 'ev-1',
  issuedAt: '2026-11-02T10:00:00.000Z',
  object: { customerId: 'cus-77' },
  entity: { status: 'DEPOSIT_RECEIVED', version: 1, state: {} },
});
const trade = loggedEvent({
  type: 'OFF-RAMP.TRADE.COMPLETED',
  id: 'ev-1',
  issuedAt: '2026-11-02T10:05:00.000Z',
  object: { customerId: 'cus-77' },
  entity: { status: 'TRADE_COMPLETED', version: 2, state: {} },
});
const other = loggedEvent({
  type: 'OFF-RAMP.DEPOSIT.RECEIVED',
  id: 'ev-2',
  issuedAt: '2026-11-03T09:00:00.000Z',
  outcome: 'dead_lettered',
  object: { customerId: 'cus-88', amount: '12.5' },
});

let log: LogDatabase;
let served: Served;
let cleanup: Redis;

beforeAll(async () => {
  log = await logDatabase(inject('postgresUrl'));
  await log.write([deposit, trade, other]);
  served = await serve(createEventLogReader({ databaseUrl: log.database.url }));
  cleanup = new Redis(redisUrl);
});
afterAll(async () => {
  await served?.close();
  await log?.close();
  if (cleanup !== undefined) {
    await deleteKeysContaining(cleanup, prefix);
    cleanup.disconnect();
  }
});

describe('GET /api/events', () => {
  it('filters by field, time and body match, newest first, with a total', async () => {
    const all = await get(served, '/api/events');
    expect(all.status).toBe(200);
    const page = EventPage.parse(all.body);
    expect(page.events.map((event) => event.eventKey)).toEqual([
      other.eventKey,
      trade.eventKey,
      deposit.eventKey,
    ]);
    expect(page.total).toEqual({ count: 3, exact: true });

    const cases: [string, string[]][] = [
      ['customerId=cus-77', [trade.eventKey, deposit.eventKey]],
      ['eventType=OFF-RAMP.TRADE.COMPLETED', [trade.eventKey]],
      ['outcome=dead_lettered&kind=off-ramp&family=off-ramp', [other.eventKey]],
      ['entityId=ev-2', [other.eventKey]],
      ['from=2026-11-02T10:01:00Z&to=2026-11-03T00:00:00Z', [trade.eventKey]],
      ['receivedFrom=2026-11-03T00:00:00Z', [other.eventKey]],
      ['match=transactionObject.amount%3D12.5', [other.eventKey]],
      [
        'match=transactionObject.status%3DTRADE_COMPLETED&match=transactionObject.customerId%3Dcus-77',
        [trade.eventKey],
      ],
    ];
    for (const [query, keys] of cases) {
      const answer = await get(served, `/api/events?${query}`);
      expect(answer.status, query).toBe(200);
      expect(
        EventPage.parse(answer.body).events.map((event) => event.eventKey),
        query,
      ).toEqual(keys);
    }
  });

  it('pages with an opaque cursor', async () => {
    const first = EventPage.parse((await get(served, '/api/events?limit=2')).body);
    expect(first.events).toHaveLength(2);
    const second = EventPage.parse(
      (await get(served, `/api/events?limit=2&cursor=${first.nextCursor ?? ''}`)).body,
    );
    expect(second).toMatchObject({ total: null, events: [{ eventKey: deposit.eventKey }] });
    expect(second.nextCursor).toBeUndefined();
  });

  it('answers 400 for a bad match, cursor, outcome or time', async () => {
    for (const query of ['match=nopath', 'cursor=zzz', 'outcome=won', 'from=yesterday', 'limit=0']) {
      const answer = await get(served, `/api/events?${query}`);
      expect(answer.status, query).toBe(400);
      expect((answer.body as { error: string }).error, query).toMatch(/invalid/);
    }
  });
});

describe('GET /api/events/:eventKey', () => {
  it('gives the event with its body, and 404 for an unknown key', async () => {
    const answer = await get(served, `/api/events/${encodeURIComponent(trade.eventKey)}`);
    expect(answer.status).toBe(200);
    const event = LoggedEventDetail.parse(answer.body);
    expect(event).toMatchObject({
      eventKey: trade.eventKey,
      rawBody: trade.rawBody,
      entityStatus: 'TRADE_COMPLETED',
    });
    expect(event.body).toMatchObject({
      transactionObject: { status: 'TRADE_COMPLETED', customerId: 'cus-77' },
    });
    const missing = await get(served, `/api/events/${encodeURIComponent('off-ramp|nope|X')}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'no event off-ramp|nope|X in the event log' });
  });
});

describe('GET /api/events/export', () => {
  it('streams NDJSON by default, oldest first, filtered', async () => {
    const answer = await get(served, '/api/events/export?customerId=cus-77');
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^application\/x-ndjson/);
    const lines = answer.text
      .trimEnd()
      .split('\n')
      .map((line) => LoggedEventDetail.parse(JSON.parse(line)));
    expect(lines.map((event) => event.eventKey)).toEqual([deposit.eventKey, trade.eventKey]);
  });

  it('streams CSV with a header', async () => {
    const answer = await get(served, '/api/events/export?format=csv');
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/csv/);
    const records = parseCsv<Record<string, string>>(answer.text, { columns: true });
    expect(records.map((record) => record.eventKey)).toEqual([
      deposit.eventKey,
      trade.eventKey,
      other.eventKey,
    ]);
    expect(JSON.parse(records[2]?.body ?? '')).toMatchObject({ transactionObject: { amount: '12.5' } });
  });

  it('answers 400 for an unknown format', async () => {
    expect((await get(served, '/api/events/export?format=xml')).status).toBe(400);
  });
});

describe('GET /api/entities/:kind/:id falls back to the event log', () => {
  it('rebuilds an entity Redis no longer has from its logged events', async () => {
    const answer = await get(served, '/api/entities/off-ramp/ev-1');
    expect(answer.status).toBe(200);
    const entity = EntityWithHistory.parse(answer.body);
    expect(entity).toMatchObject({
      source: 'event-log',
      status: 'TRADE_COMPLETED',
      version: 2,
      onHold: false,
    });
    expect(entity.history.map((entry) => [entry.eventType, entry.fromStatus, entry.toStatus])).toEqual([
      ['OFF-RAMP.DEPOSIT.RECEIVED', null, 'DEPOSIT_RECEIVED'],
      ['OFF-RAMP.TRADE.COMPLETED', 'DEPOSIT_RECEIVED', 'TRADE_COMPLETED'],
    ]);
    expect(entity.fields).toMatchObject({ status: 'TRADE_COMPLETED', customerId: 'cus-77' });
    expect((await get(served, '/api/entities/off-ramp/never-seen')).status).toBe(404);
  });
});

describe('with the event log off', () => {
  it('answers 404 saying so, and the entity API keeps its Redis-only 404', async () => {
    const off = await serve(undefined);
    try {
      for (const path of ['/api/events', '/api/events/x', '/api/events/export']) {
        const answer = await get(off, path);
        expect(answer.status, path).toBe(404);
        expect(answer.body, path).toEqual({
          error: 'the event log is off (EVENT_LOG=off): nothing to search',
        });
      }
      expect(await get(off, '/api/entities/off-ramp/ev-1')).toMatchObject({
        status: 404,
        body: { error: 'no off-ramp entity with id ev-1' },
      });
    } finally {
      await off.close();
    }
  });
});

describe('with the event log on and its Postgres down', () => {
  it('answers 503 on every event-log route and on the entity fallback', async () => {
    const port = await freePort();
    const down = await serve(
      createEventLogReader({
        databaseUrl: `postgres://nobody@127.0.0.1:${port}/none`,
        connectTimeoutMs: 2_000,
      }),
    );
    try {
      for (const path of [
        '/api/events',
        '/api/events/x',
        '/api/events/export',
        '/api/entities/off-ramp/ev-1',
      ]) {
        const answer = await get(down, path);
        expect(answer.status, path).toBe(503);
        expect(answer.body, path).toEqual({
          error: 'the event log (Postgres) is unavailable; try again shortly',
        });
      }
    } finally {
      await down.close();
    }
  });
});
