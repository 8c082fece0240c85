import type {
  RedriveDetail,
  Redrive,
  RedriveDryRun,
  RedriveFilter,
  RedriveHandlers,
} from '@ripio-webhooks/contracts';
import type { Pool } from 'pg';
import { ENTITY_ORDER, redriveCondition } from './filter-sql.js';
import {
  redriveOf,
  runOf,
  sampleOf,
  SAMPLE_COLUMNS,
  type RedriveRow,
  type RunRow,
  type SampleRow,
} from './redrive-rows.js';

type Queryable = Pick<Pool, 'query'>;

/** What an operator asks for. */
export interface NewRedrive {
  filter: RedriveFilter;
  handlers: RedriveHandlers;
  ratePerSecond: number;
  requestedBy: string | null;
  reason: string | null;
}

/** How many events match and the first `sampleSize` of them, in run order. Reads only. */
export async function dryRunRedrive(
  db: Queryable,
  filter: RedriveFilter,
  sampleSize = 20,
): Promise<RedriveDryRun> {
  const { where, params } = redriveCondition(filter);
  const [count, sample] = await Promise.all([
    db.query<{ count: string }>(`SELECT count(*) AS count FROM events WHERE ${where}`, params),
    db.query<SampleRow>(
      `SELECT ${SAMPLE_COLUMNS} FROM events WHERE ${where} ORDER BY ${ENTITY_ORDER} LIMIT ${String(sampleSize)}`,
      params,
    ),
  ]);
  return { dryRun: true, count: Number(count.rows[0]?.count ?? 0), sample: sample.rows.map(sampleOf) };
}

/**
 * Records a queued re-drive with its total: the events matching now. Its run only takes events received by its
 * creation time (the same statement's `now()`), so the total stays the denominator of its progress.
 */
export async function createRedrive(db: Queryable, input: NewRedrive): Promise<Redrive> {
  const result = await db.query<RedriveRow>(
    `INSERT INTO redrives (filter, handlers, rate_per_second, requested_by, reason)
       VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [
      JSON.stringify(input.filter),
      JSON.stringify(input.handlers),
      input.ratePerSecond,
      input.requestedBy,
      input.reason,
    ],
  );
  const row = result.rows[0];
  if (row === undefined) throw new Error('INSERT ... RETURNING gave no row');
  const { where, params } = redriveCondition(input.filter, row.created_at);
  const counted = await db.query<RedriveRow>(
    `UPDATE redrives SET total = (SELECT count(*) FROM events WHERE ${where})
      WHERE id = $${params.length + 1} RETURNING *`,
    [...params, row.id],
  );
  return redriveOf(counted.rows[0] ?? row);
}

/** The newest re-drives first. */
export async function listRedrives(db: Queryable, limit = 100): Promise<Redrive[]> {
  const result = await db.query<RedriveRow>(
    `SELECT * FROM redrives ORDER BY created_at DESC, id DESC LIMIT $1`,
    [limit],
  );
  return result.rows.map(redriveOf);
}

/** One re-drive with its `runs` latest handler runs (newest first); undefined when there is no such id. */
export async function getRedrive(db: Queryable, id: string, runs = 50): Promise<RedriveDetail | undefined> {
  if (!/^\d{1,18}$/.test(id)) return undefined;
  const result = await db.query<RedriveRow>(`SELECT * FROM redrives WHERE id = $1`, [id]);
  const row = result.rows[0];
  if (row === undefined) return undefined;
  const recent = await db.query<RunRow>(
    `SELECT event_key, handler, result, error, at FROM redrive_runs
      WHERE redrive_id = $1 AND result IS NOT NULL ORDER BY at DESC, event_key, handler LIMIT $2`,
    [id, runs],
  );
  return { ...redriveOf(row), runs: recent.rows.map(runOf) };
}

/** What cancelling answered: cancelled now, already over (its state), or no such re-drive. */
export type CancelAnswer =
  | { outcome: 'cancelled'; redrive: Redrive }
  | { outcome: 'finished'; redrive: Redrive }
  | { outcome: 'missing' };

/**
 * Cancels a queued or running re-drive. The worker checks the state between events, so at most the event in hand
 * finishes after this answers.
 */
export async function cancelRedrive(db: Queryable, id: string): Promise<CancelAnswer> {
  if (!/^\d{1,18}$/.test(id)) return { outcome: 'missing' };
  const updated = await db.query<RedriveRow>(
    `UPDATE redrives SET state = 'cancelled', finished_at = now()
      WHERE id = $1 AND state IN ('queued', 'running') RETURNING *`,
    [id],
  );
  const row = updated.rows[0];
  if (row !== undefined) return { outcome: 'cancelled', redrive: redriveOf(row) };
  const existing = await db.query<RedriveRow>(`SELECT * FROM redrives WHERE id = $1`, [id]);
  const found = existing.rows[0];
  return found === undefined ? { outcome: 'missing' } : { outcome: 'finished', redrive: redriveOf(found) };
}

/** Marks a re-drive failed (its job could not be queued, or ran out of attempts). */
export async function failRedrive(db: Queryable, id: string, error: string): Promise<void> {
  await db.query(
    `UPDATE redrives SET state = 'failed', error = $2, finished_at = now()
      WHERE id = $1 AND state IN ('queued', 'running')`,
    [id, error],
  );
}
