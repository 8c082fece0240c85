import type { FreshDatabase } from '@ripio-webhooks/test-support';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from './archive-writer.js';
import { entryOf, migratedDatabase, recordOf } from './event-log.test-helpers.js';

let database: FreshDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  ({ database, pool } = await migratedDatabase());
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

async function rowOf(eventKey: string): Promise<Record<string, unknown>[]> {
  const result = await pool.query('SELECT * FROM events WHERE event_key = $1', [eventKey]);
  return result.rows as Record<string, unknown>[];
}

describe('writeBatch', () => {
  it('writes one row per event with the latest outcome, and writing the batch again changes nothing', async () => {
    const retrying = recordOf({
      entityId: 'a',
      outcome: 'retrying',
      attempts: 1,
      error: 'down',
      entity: null,
    });
    const applied = recordOf({ entityId: 'a', outcome: 'applied', attempts: 2 });
    const batch = [entryOf('100-0', retrying), entryOf('101-0', applied)];
    expect(await writeBatch(pool, batch)).toEqual({ events: 1, entities: 1 });
    expect(await writeBatch(pool, batch)).toEqual({ events: 0, entities: 0 });
    const rows = await rowOf(applied.eventKey);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: 'applied', attempts: 2, deliveries: 1, customer_id: 'cus-1' });
    expect(rows[0]?.body).toMatchObject({ transactionObject: { transactionId: 'a' } });
  });

  it('never lets an older entry overwrite a newer one, across batches', async () => {
    const applied = recordOf({ entityId: 'b', outcome: 'applied' });
    const retrying = recordOf({ entityId: 'b', outcome: 'retrying', entity: null });
    await writeBatch(pool, [entryOf('200-1', applied)]);
    await writeBatch(pool, [entryOf('200-0', retrying)]);
    expect((await rowOf(applied.eventKey))[0]).toMatchObject({ outcome: 'applied' });
  });

  it('counts duplicate deliveries once per entry, and keeps the outcome', async () => {
    const applied = recordOf({ entityId: 'c' });
    const duplicate = recordOf({ entityId: 'c', outcome: 'duplicate', entity: null });
    await writeBatch(pool, [entryOf('300-0', applied), entryOf('301-0', duplicate)]);
    await writeBatch(pool, [entryOf('301-0', duplicate), entryOf('302-0', duplicate)]);
    expect((await rowOf(applied.eventKey))[0]).toMatchObject({ outcome: 'applied', deliveries: 3 });
  });

  it('keeps the newest entity state by version', async () => {
    const first = recordOf({ entityId: 'd', entity: { status: 'DEPOSIT_RECEIVED', version: 1, state: {} } });
    const second = recordOf({
      entityId: 'd',
      eventKey: 'off-ramp|d|OFF-RAMP.TRADE.COMPLETED',
      entity: { status: 'TRADE_COMPLETED', version: 2, state: {} },
    });
    await writeBatch(pool, [entryOf('400-0', second)]);
    await writeBatch(pool, [entryOf('401-0', first)]);
    const state = await pool.query("SELECT status, version FROM entity_state WHERE entity_id = 'd'");
    expect(state.rows).toEqual([{ status: 'TRADE_COMPLETED', version: 2 }]);
  });

  it('files an event without a readable issue time under its receipt time', async () => {
    const raw = recordOf({
      eventKey: 'raw|ff',
      issuedAt: null,
      kind: null,
      entityId: null,
      rawBody: 'not json',
      outcome: 'dead_lettered',
      deadLetterReason: 'invalid',
      entity: null,
    });
    await writeBatch(pool, [entryOf('500-0', raw)]);
    const rows = await rowOf('raw|ff');
    expect(rows[0]).toMatchObject({ outcome: 'dead_lettered', dead_letter_reason: 'invalid', body: null });
    expect((rows[0]?.issued_at as Date).toISOString()).toBe(raw.receivedAt);
  });
});
