import type { FreshDatabase } from '@ripio-webhooks/test-support';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from './archive-writer.js';
import { entryOf, migratedDatabase, recordOf } from './event-log.test-helpers.js';
import { applyRetention } from './partitions.js';

let database: FreshDatabase;
let pool: pg.Pool;
beforeAll(async () => {
  ({ database, pool } = await migratedDatabase());
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const partitions = async (): Promise<string[]> =>
  (
    await pool.query<{ name: string }>(
      `SELECT child.relname AS name FROM pg_inherits
         JOIN pg_class child ON pg_inherits.inhrelid = child.oid
        WHERE pg_inherits.inhparent = 'events'::regclass ORDER BY 1`,
    )
  ).rows.map((row) => row.name);

describe('month partitions and retention, on a real Postgres', () => {
  it('creates the partitions a batch needs, then drops whole months past the retention and keeps the rest', async () => {
    const months = ['2024-10-15', '2025-11-02', '2026-10-31', '2026-11-20'];
    await writeBatch(
      pool,
      months.map((day, index) =>
        entryOf(`${index + 1}-0`, recordOf({ entityId: `r-${day}`, issuedAt: `${day}T10:00:00.000Z` })),
      ),
    );
    expect(await partitions()).toEqual([
      'events_y2024m10',
      'events_y2025m11',
      'events_y2026m10',
      'events_y2026m11',
    ]);

    // 12 months kept on 2026-11-30: December 2025 .. November 2026 (the current month counts), plus next month.
    const dropped = await applyRetention(pool, 12, new Date('2026-11-30T12:00:00Z'));
    expect(dropped).toEqual([
      { year: 2024, month: 10 },
      { year: 2025, month: 11 },
    ]);
    expect(await partitions()).toEqual(['events_y2026m10', 'events_y2026m11', 'events_y2026m12']);
    const kept = await pool.query<{ issued_at: Date }>('SELECT issued_at FROM events ORDER BY issued_at');
    expect(kept.rows.map((row) => row.issued_at.toISOString().slice(0, 10))).toEqual([
      '2026-10-31',
      '2026-11-20',
    ]);

    // Running it again drops nothing more.
    expect(await applyRetention(pool, 12, new Date('2026-11-30T12:00:00Z'))).toEqual([]);
  });
});
