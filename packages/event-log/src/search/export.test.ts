import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EventExportFormat } from '@ripio-webhooks/contracts';
import type { FreshDatabase } from '@ripio-webhooks/test-support';
import { parse as parseCsv } from 'csv-parse/sync';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitions } from '../partitions.js';
import { migratedDatabase } from '../event-log.test-helpers.js';
import { exportChunks, streamEvents } from './export.js';

let database: FreshDatabase;
let pool: pg.Pool;

const EVENTS = 100_000;
/** Each body carries this much padding, so the export is far larger than the memory cap below. */
const PADDING = 600;
/** Retained heap growth allowed during an export: a small fraction of what the export writes. */
const HEAP_CAP_BYTES = 16 * 1024 * 1024;

beforeAll(async () => {
  ({ database, pool } = await migratedDatabase());
  await ensurePartitions(pool, [
    { year: 2026, month: 9 },
    { year: 2026, month: 10 },
  ]);
  // 100k events of kind `bulk`, one second apart from 2026-09-01, written in one statement.
  await pool.query(
    `INSERT INTO events (event_key, issued_at, received_at, kind, entity_id, event_type, family, customer_id,
        raw_body, body, body_sha256, outcome, attempts, processed_at, log_ms, log_seq)
     SELECT 'bulk|' || i, t, t, 'bulk', 'b-' || i, 'OFF-RAMP.ORDER.CANCELLED', 'off-ramp', 'cus-' || (i % 97),
            raw, raw::jsonb, 'ab', 'applied', 1, t, i, 0
       FROM generate_series(1, $1::int) AS i,
            LATERAL (SELECT timestamptz '2026-09-01T00:00:00Z' + i * interval '1 second' AS t) AS times,
            LATERAL (SELECT json_build_object('eventType', 'OFF-RAMP.ORDER.CANCELLED',
                       'transactionObject', json_build_object('transactionId', 'b-' || i, 'note', repeat('x', $2::int))
                     )::text AS raw) AS bodies`,
    [EVENTS, PADDING],
  );
}, 180_000);
afterAll(async () => {
  await pool.end();
  await database.drop();
});

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function retainedHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Runs an export to a sink that keeps only counts, sampling the retained heap every 10 chunks. */
async function measure(
  format: EventExportFormat,
): Promise<{ bytes: number; lines: number; growth: number; head: string; tail: string }> {
  const baseline = retainedHeap();
  let peak = baseline;
  let bytes = 0;
  let lines = 0;
  let chunks = 0;
  let head = '';
  let tail = '';
  for await (const chunk of exportChunks(streamEvents(pool, { kind: 'bulk' }), format)) {
    bytes += Buffer.byteLength(chunk);
    for (let index = chunk.indexOf('\n'); index !== -1; index = chunk.indexOf('\n', index + 1)) lines += 1;
    if (head === '') head = chunk.slice(0, 4096);
    tail = chunk.slice(-4096);
    chunks += 1;
    if (chunks % 10 === 0) peak = Math.max(peak, retainedHeap());
  }
  return { bytes, lines, growth: peak - baseline, head, tail };
}

describe('export of 100k events', () => {
  it('streams NDJSON in constant memory, oldest first', async () => {
    const { bytes, lines, growth, head, tail } = await measure('ndjson');
    expect(lines).toBe(EVENTS);
    expect(bytes).toBeGreaterThan(5 * HEAP_CAP_BYTES);
    expect(growth).toBeLessThan(HEAP_CAP_BYTES);
    expect(JSON.parse(head.slice(0, head.indexOf('\n')))).toMatchObject({
      eventKey: 'bulk|1',
      body: { transactionObject: { transactionId: 'b-1' } },
    });
    const lastLine = tail.trimEnd().split('\n').at(-1) ?? '';
    expect(JSON.parse(lastLine)).toMatchObject({
      eventKey: `bulk|${EVENTS}`,
      issuedAt: '2026-09-02T03:46:40.000Z',
    });
  }, 180_000);

  it('streams CSV in constant memory, with a header and one record per event', async () => {
    const { bytes, lines, growth, head } = await measure('csv');
    expect(lines).toBe(EVENTS + 1);
    expect(bytes).toBeGreaterThan(5 * HEAP_CAP_BYTES);
    expect(growth).toBeLessThan(HEAP_CAP_BYTES);
    const [header, first] = parseCsv(head.slice(0, head.indexOf('\n', head.indexOf('\n') + 1) + 1));
    expect(header?.slice(0, 3)).toEqual(['eventKey', 'issuedAt', 'receivedAt']);
    expect(first?.[0]).toBe('bulk|1');
    expect(JSON.parse(first?.at(-1) ?? '')).toMatchObject({ transactionObject: { transactionId: 'b-1' } });
  }, 180_000);

  it('gives the connection back when the consumer stops early', async () => {
    for await (const chunk of exportChunks(streamEvents(pool, { kind: 'bulk' }), 'ndjson')) {
      expect(chunk.length).toBeGreaterThan(0);
      break;
    }
    // No connection is left checked out (the abandoned one is closed, not returned mid-cursor).
    expect(pool.totalCount - pool.idleCount).toBe(0);
    const count = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM events WHERE kind = 'bulk'`);
    expect(Number(count.rows[0]?.n)).toBe(EVENTS);
  });
});
