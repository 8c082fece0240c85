import type { FreshDatabase } from '@ripio-webhooks/test-support';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBatch } from '../archive-writer.js';
import { entryOf, migratedDatabase, recordOf } from '../event-log.test-helpers.js';
import { searchEvents } from './search.js';

let database: FreshDatabase;
let pool: pg.Pool;
let position = 1;

beforeAll(async () => {
  ({ database, pool } = await migratedDatabase());
});
afterAll(async () => {
  await pool.end();
  await database.drop();
});

const base = Date.parse('2026-08-15T12:00:00.000Z');

/** Events of kind `paging` at `base + minute` minutes; ties on the same minute differ by key only. */
async function insert(keys: readonly { key: string; minute: number }[]): Promise<void> {
  const records = keys.map(({ key, minute }) =>
    recordOf({
      eventKey: key,
      kind: 'paging',
      entityId: key,
      issuedAt: new Date(base + minute * 60_000).toISOString(),
      entity: null,
    }),
  );
  await writeBatch(
    pool,
    records.map((record) => entryOf(`${(position += 1)}-0`, record)),
  );
}

describe('keyset pagination under concurrent inserts', () => {
  it('lists every event that existed at the start exactly once, whatever is inserted between pages', async () => {
    // 60 events over 20 minutes (3 per minute, so ties on issued_at are broken by the key).
    const initial = Array.from({ length: 60 }, (_, index) => ({
      key: `paging|${String(index).padStart(3, '0')}`,
      minute: Math.floor(index / 3),
    }));
    await insert(initial);

    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const result = await searchEvents(
        pool,
        { kind: 'paging' },
        { limit: 7, ...(cursor === undefined ? {} : { cursor }) },
      );
      if (!result.ok) throw new Error(result.reason);
      seen.push(...result.page.events.map((event) => event.eventKey));
      cursor = result.page.nextCursor;
      round += 1;
      // Between pages: a newer event (above the pages read), an older one (below), and one tying an existing
      // event's issued_at in the middle of the range, on both sides of the keys already read.
      await insert([
        { key: `paging|new-top-${round}`, minute: 100 + round },
        { key: `paging|new-bottom-${round}`, minute: -100 - round },
        { key: `paging|${String(30).padStart(3, '0')}-tie-${round}`, minute: 10 },
        { key: `paging|000-tie-${round}`, minute: 10 },
      ]);
    } while (cursor !== undefined);

    expect(round).toBeGreaterThan(8);
    const counts = new Map<string, number>();
    for (const key of seen) counts.set(key, (counts.get(key) ?? 0) + 1);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    for (const { key } of initial) expect(counts.get(key), key).toBe(1);
    // Newer events inserted after the first page sort above the position reached: never listed.
    expect(seen.filter((key) => key.startsWith('paging|new-top-'))).toEqual([]);
  });
});
