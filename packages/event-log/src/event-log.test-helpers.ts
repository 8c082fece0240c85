import type { EventLogRecord } from '@ripio-webhooks/contracts';
import { freshDatabase, type FreshDatabase } from '@ripio-webhooks/test-support';
import pg from 'pg';
import { inject } from 'vitest';
import { migrateEventLog } from './migrate.js';
import type { LogEntry } from './net-effect.js';

/** A migrated database of the test file's own, and a pool on it. */
export async function migratedDatabase(): Promise<{ database: FreshDatabase; pool: pg.Pool }> {
  const database = await freshDatabase(inject('postgresUrl'));
  await migrateEventLog({ databaseUrl: database.url });
  return { database, pool: new pg.Pool({ connectionString: database.url, max: 4 }) };
}

/** An off-ramp event record for tests; fields override the defaults. */
export function recordOf(overrides: Partial<EventLogRecord> = {}): EventLogRecord {
  const entityId = overrides.entityId ?? 'tx-1';
  const body = {
    eventType: 'OFF-RAMP.ORDER.CANCELLED',
    issueDatetime: '2026-11-20T10:00:00Z',
    transactionObject: { transactionId: entityId, customerId: 'cus-1', status: 'CANCELLED' },
  };
  return {
    v: 1,
    eventKey: `off-ramp|${entityId}|OFF-RAMP.ORDER.CANCELLED`,
    outcome: 'applied',
    at: '2026-11-20T10:00:01.000Z',
    receivedAt: '2026-11-20T10:00:00.500Z',
    issuedAt: '2026-11-20T10:00:00.000Z',
    kind: 'off-ramp',
    entityId,
    eventType: 'OFF-RAMP.ORDER.CANCELLED',
    family: 'off-ramp',
    rawBody: JSON.stringify(body),
    bodySha256: 'ab'.repeat(32),
    requestId: 'req-1',
    proof: null,
    attempts: 1,
    error: null,
    deadLetterReason: null,
    replayedAt: null,
    entity: { status: 'ORDER_CANCELLED', version: 1, state: { status: 'ORDER_CANCELLED', version: 1 } },
    ...overrides,
  };
}

/** A stream entry at `ms-seq`. */
export function entryOf(id: string, record: EventLogRecord): LogEntry {
  const [ms, seq] = id.split('-');
  return { position: { ms: BigInt(ms ?? '0'), seq: BigInt(seq ?? '0') }, record };
}
