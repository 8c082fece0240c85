import type { EventExportFormat, LoggedEventDetail } from '@ripio-webhooks/contracts';
import { stringify } from 'csv-stringify/sync';
import type { Pool } from 'pg';
import QueryStream from 'pg-query-stream';
import { SqlParams, whereOf, type EventFilter } from './filter.js';
import { DETAIL_COLUMNS, loggedEventDetailOf, type DetailRow } from './rows.js';

/** Rows fetched from the server-side cursor per round trip. */
const BATCH_ROWS = 500;
/** Text gathered into one chunk before it is handed on (fewer, larger writes). */
const CHUNK_CHARS = 256 * 1024;

/**
 * Every matching event, oldest first (issued_at, event_key), with its body, read through a server-side cursor
 * (`pg-query-stream`): memory holds one batch whatever the size of the result. The connection is the caller's
 * for the duration; stopping early (`break`, a closed socket) closes the cursor and discards the connection.
 */
export async function* streamEvents(pool: Pool, filter: EventFilter): AsyncGenerator<LoggedEventDetail> {
  const params = new SqlParams();
  const sql = `SELECT ${DETAIL_COLUMNS} FROM events WHERE ${whereOf(filter, params)} ORDER BY issued_at, event_key`;
  const client = await pool.connect();
  const stream = client.query(new QueryStream(sql, params.values, { batchSize: BATCH_ROWS }));
  let finished = false;
  try {
    for await (const row of stream as AsyncIterable<DetailRow>) yield loggedEventDetailOf(row);
    finished = true;
  } finally {
    stream.destroy();
    // A cursor abandoned midway may leave the connection mid-protocol: it is closed rather than reused.
    client.release(!finished);
  }
}

/** The CSV columns: every field of an event; `body` as compact JSON, `proof` left out (see NDJSON). */
const CSV_COLUMNS = [
  'eventKey',
  'issuedAt',
  'receivedAt',
  'processedAt',
  'kind',
  'entityId',
  'eventType',
  'family',
  'customerId',
  'outcome',
  'deadLetterReason',
  'attempts',
  'deliveries',
  'entityStatus',
  'entityVersion',
  'lastError',
  'replayedAt',
  'redrives',
  'lastRedriveAt',
  'requestId',
  'bodySha256',
  'body',
] as const satisfies readonly (keyof LoggedEventDetail)[];

function csvRecordOf(event: LoggedEventDetail): unknown[] {
  return CSV_COLUMNS.map((column) => (column === 'body' ? JSON.stringify(event.body) : event[column]));
}

/**
 * The export as text chunks: NDJSON (one `LoggedEventDetail` per line) or CSV (a header, then one record per
 * event, written by csv-stringify). Chunks are produced as the consumer pulls them, so memory stays constant.
 */
export async function* exportChunks(
  events: AsyncIterable<LoggedEventDetail>,
  format: EventExportFormat,
): AsyncGenerator<string> {
  let chunk = format === 'csv' ? stringify([[...CSV_COLUMNS]]) : '';
  let pending: unknown[][] = [];
  const flushCsv = (): void => {
    if (pending.length > 0) chunk += stringify(pending);
    pending = [];
  };
  for await (const event of events) {
    if (format === 'ndjson') chunk += `${JSON.stringify(event)}\n`;
    else pending.push(csvRecordOf(event));
    if (pending.length >= BATCH_ROWS) flushCsv();
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  flushCsv();
  if (chunk !== '') yield chunk;
}
