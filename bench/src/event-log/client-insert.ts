import pg from 'pg';
import postgres from 'postgres';
import { spreadOf, type Spread } from '../stats.js';

/** Rows of the shape the archiver writes (a jsonb body of about 1 KB), as jsonb_to_recordset input. */
function rowsOf(count: number, offset: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => {
    const id = `tx-${offset + index}`;
    const body = {
      eventType: 'OFF-RAMP.TRADE.COMPLETED',
      transactionObject: { transactionId: id, pad: 'x'.repeat(900) },
    };
    return { event_key: `off-ramp|${id}|OFF-RAMP.TRADE.COMPLETED`, raw_body: JSON.stringify(body), body };
  });
}

const SCRATCH =
  'CREATE TABLE IF NOT EXISTS bench_insert (event_key text PRIMARY KEY, raw_body text, body jsonb)';
const INSERT = `INSERT INTO bench_insert (event_key, raw_body, body)
  SELECT event_key, raw_body, body FROM jsonb_to_recordset($1::text::jsonb) AS x(event_key text, raw_body text, body jsonb)
  ON CONFLICT (event_key) DO NOTHING`;

export interface ClientInsertResult {
  client: 'pg' | 'postgres';
  batch: number;
  rowsPerSecond: Spread;
}

/** Rows per second each client inserts with the archiver's statement shape (one parameter per batch). */
export async function measureClientInserts(
  databaseUrl: string,
  rows: number,
  batch: number,
  runs: number,
): Promise<ClientInsertResult[]> {
  const results: ClientInsertResult[] = [];
  for (const client of ['pg', 'postgres'] as const) {
    const samples: number[] = [];
    for (let run = 0; run < runs; run += 1) samples.push(await oneRun(client, databaseUrl, rows, batch));
    results.push({ client, batch, rowsPerSecond: spreadOf(samples) });
  }
  return results;
}

async function oneRun(
  client: 'pg' | 'postgres',
  databaseUrl: string,
  rows: number,
  batch: number,
): Promise<number> {
  const batches = Array.from({ length: Math.ceil(rows / batch) }, (_, index) =>
    JSON.stringify(rowsOf(batch, index * batch)),
  );
  if (client === 'pg') {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    await pool.query(SCRATCH);
    await pool.query('TRUNCATE bench_insert');
    const started = performance.now();
    for (const json of batches) await pool.query(INSERT, [json]);
    const seconds = (performance.now() - started) / 1000;
    await pool.end();
    return rows / seconds;
  }
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  await sql.unsafe(SCRATCH);
  await sql.unsafe('TRUNCATE bench_insert');
  const started = performance.now();
  for (const json of batches) await sql.unsafe(INSERT, [json]);
  const seconds = (performance.now() - started) / 1000;
  await sql.end();
  return rows / seconds;
}
