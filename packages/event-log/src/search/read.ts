import type { LoggedEventDetail } from '@ripio-webhooks/contracts';
import type { Pool, PoolClient } from 'pg';
import { DETAIL_COLUMNS, loggedEventDetailOf, type DetailRow } from './rows.js';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** An event with its body, or undefined when the log has none under that key (the newest when it has several). */
export async function getEvent(db: Queryable, eventKey: string): Promise<LoggedEventDetail | undefined> {
  const result = await db.query<DetailRow>(
    `SELECT ${DETAIL_COLUMNS} FROM events WHERE event_key = $1::text ORDER BY issued_at DESC LIMIT 1`,
    [eventKey],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : loggedEventDetailOf(row);
}

/** The last state the log holds of an entity (`entity_state`). */
export interface LoggedEntityState {
  status: string;
  version: number;
  /** The entity as the worker stored it after its latest committed event. */
  state: unknown;
  lastEventKey: string;
  createdAt: string;
  updatedAt: string;
}

/** An entity as the event log knows it: its last state (null: none committed) and its events, oldest first. */
export interface LoggedEntity {
  kind: string;
  id: string;
  state: LoggedEntityState | null;
  events: LoggedEventDetail[];
}

/** At most this many of an entity's events are read (an entity sees a handful). */
const ENTITY_EVENTS_LIMIT = 1_000;

/** The entity from `entity_state` plus its events, or undefined when the log knows neither. */
export async function entityFromLog(
  db: Queryable,
  kind: string,
  id: string,
): Promise<LoggedEntity | undefined> {
  const [stateResult, eventsResult] = await Promise.all([
    db.query<{
      status: string;
      version: number;
      state: unknown;
      last_event_key: string;
      created_at: Date;
      updated_at: Date;
    }>(
      `SELECT status, version, state, last_event_key, created_at, updated_at FROM entity_state
        WHERE kind = $1::text AND entity_id = $2::text`,
      [kind, id],
    ),
    db.query<DetailRow>(
      `SELECT ${DETAIL_COLUMNS} FROM events WHERE kind = $1::text AND entity_id = $2::text
        ORDER BY issued_at, event_key LIMIT ${ENTITY_EVENTS_LIMIT}`,
      [kind, id],
    ),
  ]);
  const row = stateResult.rows[0];
  if (row === undefined && eventsResult.rows.length === 0) return undefined;
  const state =
    row === undefined
      ? null
      : {
          status: row.status,
          version: row.version,
          state: row.state,
          lastEventKey: row.last_event_key,
          createdAt: row.created_at.toISOString(),
          updatedAt: row.updated_at.toISOString(),
        };
  return { kind, id, state, events: eventsResult.rows.map(loggedEventDetailOf) };
}
