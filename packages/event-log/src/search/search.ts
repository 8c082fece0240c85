import type { EventPage, EventTotal } from '@ripio-webhooks/contracts';
import type { Pool, PoolClient } from 'pg';
import { decodeCursor, encodeCursor, type PagePosition } from './cursor.js';
import { SqlParams, whereOf, type EventFilter } from './filter.js';
import { loggedEventOf, SUMMARY_COLUMNS, type SummaryRow } from './rows.js';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** Up to this many matches are counted exactly; past it the total is the planner's estimate. */
const TOTAL_COUNT_CAP = 10_000;

export interface PageRequest {
  limit: number;
  /** The `nextCursor` of the previous page (absent: the first page). */
  cursor?: string;
}

export type SearchResult = { ok: true; page: EventPage } | { ok: false; reason: 'bad_cursor' };

/** issued_at at full precision, in UTC, for the cursor. */
const CURSOR_TIME = `to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_time`;

/**
 * One page of matching events, newest first: keyset pagination on (issued_at, event_key), the primary key, so a
 * page starts strictly after the previous page's last row. Rows inserted meanwhile never shift the pages: each
 * row that existed when paging began is listed exactly once (a new row is listed when it sorts after the
 * position already reached). The total comes with the first page only.
 */
export async function searchEvents(
  db: Queryable,
  filter: EventFilter,
  request: PageRequest,
): Promise<SearchResult> {
  let after: PagePosition | undefined;
  if (request.cursor !== undefined) {
    after = decodeCursor(request.cursor);
    if (after === undefined) return { ok: false, reason: 'bad_cursor' };
  }
  const params = new SqlParams();
  let where = whereOf(filter, params);
  if (after !== undefined) {
    where += ` AND (issued_at, event_key) < (${params.add(after.issuedAt, 'timestamptz')}, ${params.add(after.eventKey, 'text')})`;
  }
  const result = await db.query<SummaryRow & { cursor_time: string }>(
    `SELECT ${SUMMARY_COLUMNS}, ${CURSOR_TIME} FROM events WHERE ${where}
      ORDER BY issued_at DESC, event_key DESC LIMIT ${request.limit + 1}`,
    params.values,
  );
  const rows = result.rows.slice(0, request.limit);
  const last = rows.at(-1);
  const more = result.rows.length > request.limit && last !== undefined;
  const total = after === undefined ? await countEvents(db, filter) : null;
  return {
    ok: true,
    page: {
      events: rows.map(loggedEventOf),
      ...(more ? { nextCursor: encodeCursor({ issuedAt: last.cursor_time, eventKey: last.event_key }) } : {}),
      total,
    },
  };
}

/**
 * How many events match: counted exactly up to TOTAL_COUNT_CAP (a bounded scan), else the planner's row estimate
 * of the query (EXPLAIN, no scan), never reported below the cap.
 */
export async function countEvents(
  db: Queryable,
  filter: EventFilter,
  cap = TOTAL_COUNT_CAP,
): Promise<EventTotal> {
  const params = new SqlParams();
  const where = whereOf(filter, params);
  const counted = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM events WHERE ${where} LIMIT ${cap + 1}) AS capped`,
    params.values,
  );
  const count = counted.rows[0]?.n ?? 0;
  if (count <= cap) return { count, exact: true };
  const plan = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM events WHERE ${where}`,
    params.values,
  );
  const estimate = Math.round(plan.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
  return { count: Math.max(estimate, cap + 1), exact: false };
}
