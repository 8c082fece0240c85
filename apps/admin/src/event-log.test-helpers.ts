import type { EventLogRecord } from '@ripio-webhooks/contracts';
import { migrateEventLog, parseStreamId, writeBatch } from '@ripio-webhooks/event-log';
import { freshDatabase, type FreshDatabase } from '@ripio-webhooks/test-support';
import type { EventType } from '@ripio-webhooks/schemas';
import pg from 'pg';
import { eventBody, jobFor } from './admin.test-helpers.js';
// Brings test-support's `ProvidedContext` augmentation (`inject('postgresUrl')`) into this package's type program.
export type {} from '@ripio-webhooks/test-support/global-setup-postgres';

/** A migrated database of the test file's own, and a pool to seed it with the archiver's writer. */
export interface LogDatabase {
  database: FreshDatabase;
  pool: pg.Pool;
  write(records: readonly EventLogRecord[]): Promise<void>;
  close(): Promise<void>;
}

export async function logDatabase(postgresUrl: string): Promise<LogDatabase> {
  const database = await freshDatabase(postgresUrl);
  await migrateEventLog({ databaseUrl: database.url });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  let position = 1_000;
  return {
    database,
    pool,
    async write(records) {
      const entries = records.map((record) => ({ position: parseStreamId(`${(position += 1)}-0`), record }));
      await writeBatch(pool, entries);
    },
    async close() {
      await pool.end();
      await database.drop();
    },
  };
}

/** The log record of a Ripio event (a real sample body) with its outcome; `object` fields override the body's. */
export function loggedEvent(options: {
  type: EventType;
  id: string;
  issuedAt: string;
  outcome?: EventLogRecord['outcome'];
  object?: Record<string, unknown>;
  entity?: EventLogRecord['entity'];
}): EventLogRecord {
  const sample = JSON.parse(eventBody(options.type, options.id, options.issuedAt)) as Record<string, unknown>;
  const [objectKey] = Object.keys(sample).filter((key) => key !== 'eventType' && key !== 'issueDatetime');
  if (objectKey !== undefined) sample[objectKey] = { ...(sample[objectKey] as object), ...options.object };
  const rawBody = JSON.stringify(sample);
  const { data } = jobFor(rawBody);
  const kind = data.eventKey.split('|')[0] ?? null;
  return {
    v: 1,
    eventKey: data.eventKey,
    outcome: options.outcome ?? 'applied',
    at: new Date(Date.parse(options.issuedAt) + 2_000).toISOString(),
    receivedAt: new Date(Date.parse(options.issuedAt) + 1_000).toISOString(),
    issuedAt: options.issuedAt,
    kind,
    entityId: options.id,
    eventType: options.type,
    family: kind,
    rawBody,
    bodySha256: 'ab'.repeat(32),
    requestId: data.requestId,
    proof: null,
    attempts: 1,
    error: null,
    deadLetterReason: null,
    replayedAt: null,
    entity: options.entity ?? null,
  };
}
