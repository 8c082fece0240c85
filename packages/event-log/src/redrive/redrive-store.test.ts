import type { FreshDatabase } from '@ripio-webhooks/test-support';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from '../archive-writer.js';
import { entryOf, migratedDatabase, recordOf } from '../event-log.test-helpers.js';
import {
  cancelRedrive,
  claimRedriveEvent,
  createRedrive,
  dryRunRedrive,
  getRedrive,
  INTERRUPTED_ERROR,
  listRedrives,
  nextRedriveEvents,
  settleRedriveEvent,
  takeRedrive,
} from './index.js';

let database: FreshDatabase;
let pool: pg.Pool;

/** Off-ramp cancellations of entities a1..a3 (a2: two events), a conflict, a dead letter, and a KYC event. */
async function seed(): Promise<void> {
  const cancelled = (entityId: string, issuedAt: string, extra = {}) =>
    recordOf({ entityId, issuedAt, ...extra });
  const records = [
    cancelled('a3', '2026-11-03T10:00:00.000Z'),
    cancelled('a1', '2026-11-01T10:00:00.000Z'),
    cancelled('a2', '2026-11-02T10:00:00.000Z'),
    cancelled('a2', '2026-11-02T09:00:00.000Z', {
      eventKey: 'off-ramp|a2|OFF-RAMP.DEPOSIT.RECEIVED',
      eventType: 'OFF-RAMP.DEPOSIT.RECEIVED',
    }),
    cancelled('c1', '2026-11-04T10:00:00.000Z', { outcome: 'conflict' }),
    cancelled('d1', '2026-11-05T10:00:00.000Z', { outcome: 'dead_lettered', entity: null }),
    recordOf({
      eventKey: 'kyc|k1|KYC.COMPLETED',
      kind: 'kyc',
      family: 'kyc',
      entityId: 'k1',
      eventType: 'KYC.COMPLETED',
      issuedAt: '2026-10-30T10:00:00.000Z',
    }),
  ];
  await writeBatch(
    pool,
    records.map((record, index) => entryOf(`${String(1000 + index)}-0`, record)),
  );
}

beforeAll(async () => {
  ({ database, pool } = await migratedDatabase());
  await seed();
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const keysOf = (events: readonly { eventKey: string }[]) => events.map((event) => event.eventKey);

describe('re-drive selection', () => {
  it('counts and samples in entity order, only outcomes handlers ran for, and writes nothing', async () => {
    const before = await pool.query('SELECT count(*) FROM redrives');
    const answer = await dryRunRedrive(pool, { family: 'off-ramp' });
    expect(answer.count).toBe(5);
    expect(keysOf(answer.sample)).toEqual([
      'off-ramp|a1|OFF-RAMP.ORDER.CANCELLED',
      'off-ramp|a2|OFF-RAMP.DEPOSIT.RECEIVED',
      'off-ramp|a2|OFF-RAMP.ORDER.CANCELLED',
      'off-ramp|a3|OFF-RAMP.ORDER.CANCELLED',
      'off-ramp|c1|OFF-RAMP.ORDER.CANCELLED',
    ]);
    expect((await dryRunRedrive(pool, { family: 'off-ramp' }, 2)).sample).toHaveLength(2);
    expect((await pool.query('SELECT count(*) FROM redrives')).rows).toEqual(before.rows);
  });

  it('narrows by each filter field', async () => {
    const count = async (filter: Parameters<typeof dryRunRedrive>[1]) =>
      (await dryRunRedrive(pool, filter)).count;
    expect(await count({ eventType: 'OFF-RAMP.DEPOSIT.RECEIVED' })).toBe(1);
    expect(await count({ kind: 'kyc' })).toBe(1);
    expect(await count({ entityId: 'a2' })).toBe(2);
    expect(await count({ outcome: 'conflict' })).toBe(1);
    expect(await count({ outcome: 'applied', family: 'off-ramp' })).toBe(4);
    expect(await count({ from: '2026-11-02T09:00:00Z', to: '2026-11-03T10:00:00Z' })).toBe(2);
    expect(await count({ eventKeys: ['kyc|k1|KYC.COMPLETED', 'off-ramp|d1|OFF-RAMP.ORDER.CANCELLED'] })).toBe(
      1,
    );
  });
});

describe('re-drive records', () => {
  it('creates with the total, lists newest first, shows, and cancels once', async () => {
    const first = await createRedrive(pool, {
      filter: { kind: 'kyc' },
      handlers: 'all',
      ratePerSecond: 5,
      requestedBy: 'ops',
      reason: null,
    });
    const second = await createRedrive(pool, {
      filter: { entityId: 'a2' },
      handlers: ['*'],
      ratePerSecond: 2,
      requestedBy: 'ops',
      reason: 'ledger fix',
    });
    expect(second).toMatchObject({ state: 'queued', total: 2, remaining: 2, done: 0, handlers: ['*'] });
    expect((await listRedrives(pool)).map((redrive) => redrive.id).slice(0, 2)).toEqual([
      second.id,
      first.id,
    ]);
    expect(await getRedrive(pool, first.id)).toMatchObject({ id: first.id, total: 1, runs: [] });
    expect(await getRedrive(pool, '999999')).toBeUndefined();
    expect(await getRedrive(pool, 'nope')).toBeUndefined();
    expect(await cancelRedrive(pool, first.id)).toMatchObject({ outcome: 'cancelled' });
    expect(await cancelRedrive(pool, first.id)).toMatchObject({
      outcome: 'finished',
      redrive: { state: 'cancelled' },
    });
    expect(await cancelRedrive(pool, '999999')).toEqual({ outcome: 'missing' });
    expect(await takeRedrive(pool, first.id)).toBeUndefined();
  });

  it('pages after its cursor, records runs, and settles runs a crash left pending as failed', async () => {
    const created = await createRedrive(pool, {
      filter: { entityId: 'a2' },
      handlers: 'all',
      ratePerSecond: 5,
      requestedBy: 'ops',
      reason: null,
    });
    const job = await takeRedrive(pool, created.id);
    if (job === undefined) throw new Error('not taken');
    const [first, second] = await nextRedriveEvents(pool, job, job.cursor, 10);
    if (first === undefined || second === undefined) throw new Error('expected two events');
    expect(await claimRedriveEvent(pool, created.id, first, ['*', 'forward'], new Date())).toBe(true);
    await settleRedriveEvent(pool, created.id, first, [
      { handler: '*', error: null },
      { handler: 'forward', error: 'down' },
    ]);
    // The worker "crashes" with the second event claimed but not settled.
    expect(await claimRedriveEvent(pool, created.id, second, ['*'], new Date())).toBe(true);
    const resumed = await takeRedrive(pool, created.id);
    expect(resumed?.cursor?.eventKey).toBe(second.eventKey);
    expect(await nextRedriveEvents(pool, job, resumed?.cursor, 10)).toEqual([]);
    const detail = await getRedrive(pool, created.id);
    expect(detail).toMatchObject({ state: 'running', done: 0, failed: 2, remaining: 0 });
    expect(detail?.runs.map((run) => [run.eventKey, run.handler, run.result, run.error]).sort()).toEqual(
      [
        [first.eventKey, '*', 'ok', null],
        [first.eventKey, 'forward', 'failed', 'down'],
        [second.eventKey, '*', 'failed', INTERRUPTED_ERROR],
      ].sort(),
    );
    const marks = await pool.query<{ redrives: number }>(
      `SELECT redrives FROM events WHERE entity_id = 'a2' ORDER BY event_key`,
    );
    expect(marks.rows).toEqual([{ redrives: 1 }, { redrives: 1 }]);
  });
});
