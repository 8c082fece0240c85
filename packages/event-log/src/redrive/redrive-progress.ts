import type { Pool, PoolClient } from 'pg';
import { after, ENTITY_ORDER, redriveCondition, type EntityPosition } from './filter-sql.js';
import { redriveOf, type RedriveRow } from './redrive-rows.js';
import type { Redrive } from '@ripio-webhooks/contracts';

/* The worker's side of a re-drive: take it, page its events, claim and settle each event, finish. */

/** The error recorded for handler runs a crash interrupted: they are settled, never run again. */
export const INTERRUPTED_ERROR =
  'interrupted: the worker stopped while the handlers ran; whether they finished is unknown (re-drive the event again if needed)';

/** A re-drive as its run needs it: the API view and where it stands. */
export interface RedriveJob {
  redrive: Redrive;
  createdAt: Date;
  cursor: EntityPosition | undefined;
}

/** One event to run again, as the log holds it. */
export interface RedriveEvent {
  eventKey: string;
  issuedAt: Date;
  receivedAt: Date;
  processedAt: Date;
  kind: string;
  entityId: string;
  eventType: string | null;
  outcome: string;
  rawBody: string;
  entityStatus: string | null;
  entityVersion: number | null;
}

async function inTransaction<T>(pool: Pool, run: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function jobOf(row: RedriveRow): RedriveJob {
  const cursor =
    row.cursor_kind === null ||
    row.cursor_entity_id === null ||
    row.cursor_issued_at === null ||
    row.cursor_event_key === null
      ? undefined
      : {
          kind: row.cursor_kind,
          entityId: row.cursor_entity_id,
          issuedAt: row.cursor_issued_at,
          eventKey: row.cursor_event_key,
        };
  return { redrive: redriveOf(row), createdAt: row.created_at, cursor };
}

/**
 * Starts (or resumes) a re-drive: queued or running becomes running, and the handler runs a crash left unsettled
 * are settled as failed (their event counted failed), never run again. Undefined: cancelled, over, or missing.
 */
export async function takeRedrive(pool: Pool, id: string): Promise<RedriveJob | undefined> {
  return inTransaction(pool, async (client) => {
    const taken = await client.query<RedriveRow>(
      `UPDATE redrives SET state = 'running', started_at = COALESCE(started_at, now())
        WHERE id = $1 AND state IN ('queued', 'running') RETURNING *`,
      [id],
    );
    if (taken.rows[0] === undefined) return undefined;
    const interrupted = await client.query<{ event_key: string; issued_at: Date }>(
      `UPDATE redrive_runs SET result = 'failed', error = $2, finished_at = now()
        WHERE redrive_id = $1 AND result IS NULL RETURNING event_key, issued_at`,
      [id, INTERRUPTED_ERROR],
    );
    const events = new Map(interrupted.rows.map((row) => [row.event_key, row.issued_at]));
    for (const [eventKey, issuedAt] of events) await bumpEvent(client, eventKey, issuedAt, new Date());
    const row = await client.query<RedriveRow>(
      `UPDATE redrives SET failed = failed + $2 WHERE id = $1 RETURNING *`,
      [id, events.size],
    );
    return row.rows[0] === undefined ? undefined : jobOf(row.rows[0]);
  });
}

interface EventRow {
  event_key: string;
  issued_at: Date;
  received_at: Date;
  processed_at: Date;
  kind: string;
  entity_id: string;
  event_type: string | null;
  outcome: string;
  raw_body: string;
  entity_status: string | null;
  entity_version: number | null;
}

/** The next `limit` events of the re-drive after `cursor`, in entity order. */
export async function nextRedriveEvents(
  db: Pick<Pool, 'query'>,
  job: Pick<RedriveJob, 'redrive' | 'createdAt'>,
  cursor: EntityPosition | undefined,
  limit: number,
): Promise<RedriveEvent[]> {
  const { where, params } = after(redriveCondition(job.redrive.filter, job.createdAt), cursor);
  const result = await db.query<EventRow>(
    `SELECT event_key, issued_at, received_at, processed_at, kind, entity_id, event_type, outcome, raw_body,
            entity_status, entity_version
       FROM events WHERE ${where} ORDER BY ${ENTITY_ORDER} LIMIT ${String(limit)}`,
    params,
  );
  return result.rows.map((row) => ({
    eventKey: row.event_key,
    issuedAt: row.issued_at,
    receivedAt: row.received_at,
    processedAt: row.processed_at,
    kind: row.kind,
    entityId: row.entity_id,
    eventType: row.event_type,
    outcome: row.outcome,
    rawBody: row.raw_body,
    entityStatus: row.entity_status,
    entityVersion: row.entity_version,
  }));
}

/**
 * Claims an event before its handlers run, in one transaction: when the re-drive is still running, moves its
 * cursor past the event and records one pending run per handler (started `at`). False: cancelled (or over).
 */
export async function claimRedriveEvent(
  pool: Pool,
  id: string,
  event: RedriveEvent,
  handlers: readonly string[],
  at: Date,
): Promise<boolean> {
  return inTransaction(pool, async (client) => {
    const state = await client.query<{ state: string }>(
      `SELECT state FROM redrives WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (state.rows[0]?.state !== 'running') return false;
    await client.query(
      `UPDATE redrives SET cursor_kind = $2, cursor_entity_id = $3, cursor_issued_at = $4, cursor_event_key = $5
        WHERE id = $1`,
      [id, event.kind, event.entityId, event.issuedAt, event.eventKey],
    );
    await client.query(
      `INSERT INTO redrive_runs (redrive_id, event_key, issued_at, handler, at)
         SELECT $1, $2, $3, handler, $5 FROM unnest($4::text[]) AS handler`,
      [id, event.eventKey, event.issuedAt, handlers, at],
    );
    return true;
  });
}

/** One handler's result for a claimed event. */
export interface HandlerResult {
  handler: string;
  error: string | null;
}

/**
 * Settles a claimed event in one transaction: each handler's result, the event's re-drive mark, and the
 * re-drive's progress (done when every handler succeeded, else failed).
 */
export async function settleRedriveEvent(
  pool: Pool,
  id: string,
  event: Pick<RedriveEvent, 'eventKey' | 'issuedAt'>,
  results: readonly HandlerResult[],
): Promise<void> {
  await inTransaction(pool, async (client) => {
    const now = new Date();
    await client.query(
      `UPDATE redrive_runs AS runs
          SET result = CASE WHEN x.error IS NULL THEN 'ok' ELSE 'failed' END, error = x.error, finished_at = $3
         FROM jsonb_to_recordset($4::jsonb) AS x(handler text, error text)
        WHERE runs.redrive_id = $1 AND runs.event_key = $2 AND runs.handler = x.handler AND runs.result IS NULL`,
      [id, event.eventKey, now, JSON.stringify(results)],
    );
    await bumpEvent(client, event.eventKey, event.issuedAt, now);
    const failed = results.some((result) => result.error !== null);
    await client.query(
      `UPDATE redrives SET ${failed ? 'failed = failed + 1' : 'done = done + 1'} WHERE id = $1`,
      [id],
    );
  });
}

async function bumpEvent(client: PoolClient, eventKey: string, issuedAt: Date, at: Date): Promise<void> {
  await client.query(
    `UPDATE events SET redrives = redrives + 1, last_redrive_at = $3 WHERE event_key = $1 AND issued_at = $2`,
    [eventKey, issuedAt, at],
  );
}

/** Marks a running re-drive done (a cancelled one stays cancelled). */
export async function finishRedrive(db: Pick<Pool, 'query'>, id: string): Promise<void> {
  await db.query(
    `UPDATE redrives SET state = 'done', finished_at = now() WHERE id = $1 AND state = 'running'`,
    [id],
  );
}
