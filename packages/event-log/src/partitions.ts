import type { Pool, PoolClient } from 'pg';
import {
  addMonths,
  compareMonths,
  monthOf,
  monthOfPartition,
  monthStart,
  partitionName,
  type Month,
} from './months.js';

type Queryable = Pick<Pool | PoolClient, 'query'>;

/** Creates the month partitions of `events` that do not exist yet (idempotent, safe to race). */
export async function ensurePartitions(db: Queryable, months: readonly Month[]): Promise<void> {
  for (const month of months) {
    const name = partitionName(month);
    const from = monthStart(month);
    const to = monthStart(addMonths(month, 1));
    try {
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF events FOR VALUES FROM ('${from}') TO ('${to}')`,
      );
    } catch (error) {
      // Two archivers creating one partition at once: the loser sees a duplicate; the partition exists.
      if (!isDuplicateObject(error)) throw error;
    }
  }
}

/** The months that have a partition, oldest first. */
async function listPartitions(db: Queryable): Promise<Month[]> {
  const result = await db.query<{ name: string }>(
    `SELECT child.relname AS name FROM pg_inherits
       JOIN pg_class parent ON pg_inherits.inhparent = parent.oid
       JOIN pg_class child ON pg_inherits.inhrelid = child.oid
      WHERE parent.relname = 'events'`,
  );
  return result.rows
    .map((row) => monthOfPartition(row.name))
    .filter((month): month is Month => month !== undefined)
    .sort(compareMonths);
}

/**
 * Drops the partitions wholly older than `retentionMonths` before `now`'s month (the current month counts as
 * one), and makes sure this month's and next month's exist. Returns the months dropped.
 */
export async function applyRetention(db: Queryable, retentionMonths: number, now: Date): Promise<Month[]> {
  const current = monthOf(now);
  await ensurePartitions(db, [current, addMonths(current, 1)]);
  const oldestKept = addMonths(current, -(retentionMonths - 1));
  const dropped = (await listPartitions(db)).filter((month) => compareMonths(month, oldestKept) < 0);
  for (const month of dropped) await db.query(`DROP TABLE IF EXISTS ${partitionName(month)}`);
  return dropped;
}

function isDuplicateObject(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // 42P07 duplicate_table; 23505 unique_violation on the catalog when two CREATEs race.
  return code === '42P07' || code === '23505';
}
