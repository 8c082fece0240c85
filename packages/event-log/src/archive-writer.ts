import type { EventLogRecord } from '@ripio-webhooks/contracts';
import type { Pool, PoolClient } from 'pg';
import { distinctMonths } from './months.js';
import {
  customerIdOf,
  netEffects,
  rowIdOf,
  type LogEntry,
  type LogPosition,
  type NetEffect,
} from './net-effect.js';
import { ensurePartitions } from './partitions.js';

/** How many rows one batch inserted or changed (events; entity states). */
export interface BatchWritten {
  events: number;
  entities: number;
}

/**
 * Writes one batch of stream entries in one transaction, idempotently: a row already at or after an entry's
 * position ignores it, so writing a batch again after a crash (before the stream acknowledged it) changes nothing.
 */
export async function writeBatch(pool: Pool, entries: readonly LogEntry[]): Promise<BatchWritten> {
  if (entries.length === 0) return { events: 0, entities: 0 };
  const client = await pool.connect();
  // A checked-out client whose server dies emits 'error' besides failing its query: without a listener that
  // event would end the process. The failed query is what the caller sees; the broken client is discarded.
  const swallow = (): undefined => undefined;
  client.on('error', swallow);
  let broken = false;
  try {
    await client.query('BEGIN');
    await ensurePartitions(
      client,
      distinctMonths(entries.map(({ record }) => new Date(record.issuedAt ?? record.receivedAt))),
    );
    const stored = await lockStoredPositions(client, entries);
    const effects = netEffects(entries, stored);
    const events = await upsertEvents(client, effects);
    const entities = await upsertEntities(client, entries);
    await client.query('COMMIT');
    return { events, entities };
  } catch (error) {
    broken = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', swallow);
    client.release(broken);
  }
}

/** The stored positions of the batch's rows that exist, locked for this transaction. */
async function lockStoredPositions(
  client: PoolClient,
  entries: readonly LogEntry[],
): Promise<Map<string, LogPosition>> {
  const keys = entries.map(({ record }) => record.eventKey);
  const result = await client.query<{ event_key: string; issued_at: Date; log_ms: string; log_seq: string }>(
    `SELECT event_key, issued_at, log_ms, log_seq FROM events WHERE event_key = ANY($1::text[]) FOR UPDATE`,
    [keys],
  );
  return new Map(
    result.rows.map((row) => [
      rowIdOf(row.event_key, row.issued_at.toISOString()),
      { ms: BigInt(row.log_ms), seq: BigInt(row.log_seq) },
    ]),
  );
}

const EVENT_COLUMNS = `event_key, issued_at, received_at, kind, entity_id, event_type, family, customer_id,
  raw_body, body, body_sha256, proof, request_id, outcome, dead_letter_reason, attempts, last_error, processed_at,
  replayed_at, deliveries, entity_status, entity_version, log_ms, log_seq`;

const EVENT_COLUMN_TYPES = `event_key text, issued_at timestamptz, received_at timestamptz, kind text,
  entity_id text, event_type text, family text, customer_id text, raw_body text, body jsonb, body_sha256 text,
  proof jsonb, request_id text, outcome text, dead_letter_reason text, attempts integer, last_error text,
  processed_at timestamptz, replayed_at timestamptz, deliveries integer, entity_status text,
  entity_version integer, log_ms bigint, log_seq bigint`;

const NEWER = '(events.log_ms, events.log_seq) < (EXCLUDED.log_ms, EXCLUDED.log_seq)';

/** A batch's effects with an outcome: the row takes it (and counts the batch's duplicates). */
const UPSERT_OUTCOMES = `INSERT INTO events (${EVENT_COLUMNS})
  SELECT ${EVENT_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS x(${EVENT_COLUMN_TYPES})
  ON CONFLICT (event_key, issued_at) DO UPDATE SET
    outcome = EXCLUDED.outcome, dead_letter_reason = EXCLUDED.dead_letter_reason, attempts = EXCLUDED.attempts,
    last_error = EXCLUDED.last_error, processed_at = EXCLUDED.processed_at, replayed_at = EXCLUDED.replayed_at,
    entity_status = COALESCE(EXCLUDED.entity_status, events.entity_status),
    entity_version = COALESCE(EXCLUDED.entity_version, events.entity_version),
    deliveries = events.deliveries + EXCLUDED.deliveries - 1,
    log_ms = EXCLUDED.log_ms, log_seq = EXCLUDED.log_seq
  WHERE ${NEWER}`;

/** A batch's effects of duplicate deliveries only: counted on the row (inserted when the log lacks it). */
const UPSERT_DUPLICATES = `INSERT INTO events (${EVENT_COLUMNS})
  SELECT ${EVENT_COLUMNS} FROM jsonb_to_recordset($1::jsonb) AS x(${EVENT_COLUMN_TYPES})
  ON CONFLICT (event_key, issued_at) DO UPDATE SET
    deliveries = events.deliveries + EXCLUDED.deliveries, log_ms = EXCLUDED.log_ms, log_seq = EXCLUDED.log_seq
  WHERE ${NEWER}`;

async function upsertEvents(client: PoolClient, effects: readonly NetEffect[]): Promise<number> {
  let written = 0;
  const withOutcome = effects.filter((effect) => effect.latest !== undefined);
  const duplicatesOnly = effects.filter((effect) => effect.latest === undefined);
  for (const [sql, group] of [
    [UPSERT_OUTCOMES, withOutcome],
    [UPSERT_DUPLICATES, duplicatesOnly],
  ] as const) {
    if (group.length === 0) continue;
    const result = await client.query(sql, [JSON.stringify(group.map(eventRowOf))]);
    written += result.rowCount ?? 0;
  }
  return written;
}

/** The row of an effect: the latest outcome's fields; deliveries = the batch's deliveries of the event. */
function eventRowOf(effect: NetEffect): Record<string, unknown> {
  const record = effect.latest ?? effect.first;
  const body = parseJson(record.rawBody);
  return {
    event_key: effect.eventKey,
    issued_at: effect.issuedAt,
    received_at: record.receivedAt,
    kind: record.kind,
    entity_id: record.entityId,
    event_type: record.eventType,
    family: record.family,
    customer_id: customerIdOf(body),
    raw_body: record.rawBody,
    body: body === undefined ? null : body,
    body_sha256: record.bodySha256,
    proof: record.proof,
    request_id: record.requestId,
    outcome: record.outcome,
    dead_letter_reason: record.deadLetterReason,
    attempts: record.attempts,
    last_error: record.error,
    processed_at: record.at,
    replayed_at: record.replayedAt,
    deliveries: effect.latest === undefined ? effect.duplicates : 1 + effect.duplicates,
    entity_status: record.entity?.status ?? null,
    entity_version: record.entity?.version ?? null,
    log_ms: effect.position.ms.toString(),
    log_seq: effect.position.seq.toString(),
  };
}

/** The newest entity state per entity in the batch, upserted where it is newer than the stored one. */
async function upsertEntities(client: PoolClient, entries: readonly LogEntry[]): Promise<number> {
  const newest = new Map<string, EventLogRecord>();
  for (const { record } of entries) {
    if (record.entity === null || record.kind === null || record.entityId === null) continue;
    const id = `${record.kind}\u0000${record.entityId}`;
    const seen = newest.get(id);
    if (seen?.entity == null || seen.entity.version < record.entity.version) newest.set(id, record);
  }
  if (newest.size === 0) return 0;
  const rows = [...newest.values()].map((record) => ({
    kind: record.kind,
    entity_id: record.entityId,
    status: record.entity?.status,
    version: record.entity?.version,
    state: record.entity?.state ?? null,
    last_event_key: record.eventKey,
    at: record.at,
  }));
  const result = await client.query(
    `INSERT INTO entity_state (kind, entity_id, status, version, state, last_event_key, created_at, updated_at)
       SELECT kind, entity_id, status, version, state, last_event_key, at, at
         FROM jsonb_to_recordset($1::jsonb)
           AS x(kind text, entity_id text, status text, version integer, state jsonb, last_event_key text,
                at timestamptz)
     ON CONFLICT (kind, entity_id) DO UPDATE SET
       status = EXCLUDED.status, version = EXCLUDED.version, state = EXCLUDED.state,
       last_event_key = EXCLUDED.last_event_key, updated_at = EXCLUDED.updated_at
     WHERE entity_state.version < EXCLUDED.version`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}

/** The body as JSON Postgres can store (jsonb refuses the NUL character), else undefined (raw_body keeps it). */
function parseJson(text: string): unknown {
  if (text.includes('\\u0000')) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
