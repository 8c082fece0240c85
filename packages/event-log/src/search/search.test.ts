import type { EventLogRecord } from '@ripio-webhooks/contracts';
import type { FreshDatabase } from '@ripio-webhooks/test-support';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from '../archive-writer.js';
import { entryOf, migratedDatabase, recordOf } from '../event-log.test-helpers.js';
import { parseMatch, type BodyMatch, type EventFilter } from './filter.js';
import { entityFromLog, getEvent } from './read.js';
import { countEvents, searchEvents } from './search.js';

let database: FreshDatabase;
let pool: pg.Pool;
let position = 1_000;

/** An event record of `kind` with `object` as its entity object. */
function eventOf(options: {
  kind: string;
  id: string;
  type: string;
  issuedAt: string;
  receivedAt?: string;
  outcome?: EventLogRecord['outcome'];
  object?: Record<string, unknown>;
}): EventLogRecord {
  const object = { transactionId: options.id, ...options.object };
  const body = { eventType: options.type, issueDatetime: options.issuedAt, transactionObject: object };
  return recordOf({
    eventKey: `${options.kind}|${options.id}|${options.type}`,
    kind: options.kind,
    family: options.kind,
    entityId: options.id,
    eventType: options.type,
    issuedAt: options.issuedAt,
    receivedAt: options.receivedAt ?? options.issuedAt,
    outcome: options.outcome ?? 'applied',
    rawBody: JSON.stringify(body),
  });
}

async function write(records: readonly EventLogRecord[]): Promise<void> {
  await writeBatch(
    pool,
    records.map((record) => entryOf(`${(position += 1)}-0`, record)),
  );
}

const FIXTURES = [
  eventOf({
    kind: 'off-ramp',
    id: 'f1',
    type: 'OFF-RAMP.ORDER.CANCELLED',
    issuedAt: '2026-11-20T10:00:00.000Z',
    object: { customerId: 'cus-1', status: 'CANCELLED' },
  }),
  eventOf({
    kind: 'on-ramp',
    id: 'f2',
    type: 'ON-RAMP.ORDER.COMPLETED',
    issuedAt: '2026-10-05T08:00:00.000Z',
    object: { customerId: 'cus-2', status: 'COMPLETED', amount: 100 },
  }),
  eventOf({
    kind: 'off-ramp',
    id: 'f3',
    type: 'OFF-RAMP.TRADE.COMPLETED',
    issuedAt: '2026-11-21T12:00:00.000Z',
    receivedAt: '2026-11-25T09:00:00.000Z',
    outcome: 'dead_lettered',
    object: { customerId: 'cus-1', status: 'COMPLETED', amount: '100' },
  }),
  eventOf({
    kind: 'kyc',
    id: 'f4',
    type: 'KYC.UPDATED',
    issuedAt: '2026-11-22T00:00:00.000Z',
    outcome: 'retrying',
  }),
];
const FIXTURE_KEYS = new Set(FIXTURES.map((record) => record.eventKey));

beforeAll(async () => {
  ({ database, pool } = await migratedDatabase());
  await write(FIXTURES);
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

function matchOf(text: string): BodyMatch {
  const parsed = parseMatch(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.match;
}

/** The entity ids of the fixtures a filter selects, newest first. */
async function idsOf(filter: EventFilter): Promise<string[]> {
  const result = await searchEvents(pool, filter, { limit: 100 });
  if (!result.ok) throw new Error(result.reason);
  return result.page.events
    .filter((event) => FIXTURE_KEYS.has(event.eventKey))
    .map((event) => event.entityId ?? '');
}

describe('searchEvents filters', () => {
  it.each<[string, EventFilter, string[]]>([
    ['none (newest first)', {}, ['f4', 'f3', 'f1', 'f2']],
    ['eventType', { eventType: 'OFF-RAMP.TRADE.COMPLETED' }, ['f3']],
    ['family', { family: 'on-ramp' }, ['f2']],
    ['kind', { kind: 'off-ramp' }, ['f3', 'f1']],
    ['entityId', { entityId: 'f1' }, ['f1']],
    ['customerId', { customerId: 'cus-1' }, ['f3', 'f1']],
    ['outcome', { outcome: 'dead_lettered' }, ['f3']],
    [
      'issued range',
      { issuedFrom: new Date('2026-11-20T10:00:00Z'), issuedTo: new Date('2026-11-22T00:00:00Z') },
      ['f3', 'f1'],
    ],
    ['received range', { receivedFrom: new Date('2026-11-23T00:00:00Z') }, ['f3']],
    ['match text', { match: [matchOf('transactionObject.status=COMPLETED')] }, ['f3', 'f2']],
    ['match number or text', { match: [matchOf('transactionObject.amount=100')] }, ['f3', 'f2']],
    ['match quoted text only', { match: [matchOf('transactionObject.amount="100"')] }, ['f3']],
    [
      'matches and fields together',
      {
        kind: 'on-ramp',
        match: [matchOf('transactionObject.status=COMPLETED'), matchOf('transactionObject.customerId=cus-2')],
      },
      ['f2'],
    ],
    ['nothing', { customerId: 'nobody' }, []],
  ])('%s', async (_name, filter, expected) => {
    expect(await idsOf(filter)).toEqual(expected);
  });

  it('uses the GIN index for a body match', async () => {
    const client = await pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT 1 FROM events WHERE body @> $1::jsonb`,
        ['{"transactionObject":{"status":"COMPLETED"}}'],
      );
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(
        /events_.*body.*idx|Bitmap Index Scan on .*body/,
      );
    } finally {
      client.release(true);
    }
  });
});

describe('totals', () => {
  it('counts exactly up to the cap, and estimates past it', async () => {
    expect(await countEvents(pool, { kind: 'off-ramp' })).toEqual({ count: 2, exact: true });
    const capped = await countEvents(pool, {}, 2);
    expect(capped.exact).toBe(false);
    expect(capped.count).toBeGreaterThanOrEqual(3);
  });

  it('comes with the first page only', async () => {
    const first = await searchEvents(pool, { kind: 'off-ramp' }, { limit: 1 });
    expect(first).toMatchObject({ ok: true, page: { total: { count: 2, exact: true } } });
    if (!first.ok || first.page.nextCursor === undefined) throw new Error('expected a second page');
    const second = await searchEvents(
      pool,
      { kind: 'off-ramp' },
      { limit: 1, cursor: first.page.nextCursor },
    );
    expect(second).toMatchObject({ ok: true, page: { total: null, events: [{ entityId: 'f1' }] } });
    if (second.ok) expect(second.page.nextCursor).toBeUndefined();
  });

  it('refuses a cursor it did not write', async () => {
    expect(await searchEvents(pool, {}, { limit: 5, cursor: 'bogus' })).toEqual({
      ok: false,
      reason: 'bad_cursor',
    });
  });
});

describe('getEvent and entityFromLog', () => {
  it('gives an event with its body, and undefined for an unknown key', async () => {
    const [first] = FIXTURES;
    const event = await getEvent(pool, first?.eventKey ?? '');
    expect(event).toMatchObject({
      eventKey: first?.eventKey,
      outcome: 'applied',
      customerId: 'cus-1',
      rawBody: first?.rawBody,
      body: { transactionObject: { status: 'CANCELLED' } },
      issuedAt: '2026-11-20T10:00:00.000Z',
    });
    expect(await getEvent(pool, 'no|such|event')).toBeUndefined();
  });

  it('gives an entity state with its events, oldest first, and undefined for an unknown entity', async () => {
    const later = eventOf({
      kind: 'off-ramp',
      id: 'f1',
      type: 'OFF-RAMP.ORDER.REFUNDED',
      issuedAt: '2026-11-23T00:00:00.000Z',
    });
    await write([
      { ...later, entity: { status: 'ORDER_REFUNDED', version: 2, state: { fields: { a: 1 } } } },
    ]);
    const entity = await entityFromLog(pool, 'off-ramp', 'f1');
    expect(entity?.state).toMatchObject({
      status: 'ORDER_REFUNDED',
      version: 2,
      state: { fields: { a: 1 } },
    });
    expect(entity?.events.map((event) => event.eventType)).toEqual([
      'OFF-RAMP.ORDER.CANCELLED',
      'OFF-RAMP.ORDER.REFUNDED',
    ]);
    expect(await entityFromLog(pool, 'off-ramp', 'nobody')).toBeUndefined();
  });
});
