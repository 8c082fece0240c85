import type { EventExportFormat, LoggedEventDetail } from '@ripio-webhooks/contracts';
import pg from 'pg';
import { exportChunks, streamEvents } from './export.js';
import type { EventFilter } from './filter.js';
import { entityFromLog, getEvent, type LoggedEntity } from './read.js';
import { searchEvents, type PageRequest, type SearchResult } from './search.js';

/** Postgres could not be reached (refused, timed out, shutting down): the caller answers 503, not 500. */
export class EventLogUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      `the event log's Postgres is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'EventLogUnavailableError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/** A connection failure rather than a query's own error: network codes, SQLSTATE 08xxx, 57P01-03, 53300. */
function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300') {
      return true;
    }
  }
  if (error instanceof AggregateError) return error.errors.some(isConnectionFailure);
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(
    error.message,
  );
}

async function guarded<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isConnectionFailure(error) ? new EventLogUnavailableError(error) : error;
  }
}

/** What the admin app reads of the event log. */
export interface EventLogReader {
  search(filter: EventFilter, page: PageRequest): Promise<SearchResult>;
  get(eventKey: string): Promise<LoggedEventDetail | undefined>;
  entity(kind: string, id: string): Promise<LoggedEntity | undefined>;
  /**
   * The export's text chunks (NDJSON or CSV), pulled one by one. The first chunk is read before this resolves,
   * so an unreachable Postgres rejects here (before any answer has started), not midway.
   */
  export(filter: EventFilter, format: EventExportFormat): Promise<AsyncIterable<string>>;
  close(): Promise<void>;
}

export interface EventLogReaderOptions {
  databaseUrl: string;
  /** Connections kept (an export holds one for its duration). Default 4. */
  poolSize?: number;
  /** How long to wait for a connection before answering unavailable. Default 5000. */
  connectTimeoutMs?: number;
}

/** A reader over its own pool; a connection failure surfaces as EventLogUnavailableError. */
export function createEventLogReader(options: EventLogReaderOptions): EventLogReader {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 4,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
  });
  // An idle connection dropped by the server: the pool replaces it; nothing to do here.
  pool.on('error', () => undefined);
  return {
    search: (filter, page) => guarded(() => searchEvents(pool, filter, page)),
    get: (eventKey) => guarded(() => getEvent(pool, eventKey)),
    entity: (kind, id) => guarded(() => entityFromLog(pool, kind, id)),
    export: (filter, format) =>
      guarded(async () => {
        const chunks = exportChunks(streamEvents(pool, filter), format);
        return startedIterator(chunks, await chunks.next());
      }),
    close: () => pool.end(),
  };
}

/**
 * An iterator that yields `first` then the rest of `rest`, and whose `return` (a consumer that stops, even before
 * its first read) ends `rest`, so the connection behind it is given back.
 */
function startedIterator(
  rest: AsyncGenerator<string>,
  first: IteratorResult<string>,
): AsyncIterableIterator<string> {
  let pending = first.done === true ? undefined : first.value;
  let done = first.done === true;
  return {
    async next(): Promise<IteratorResult<string>> {
      if (pending !== undefined) {
        const value = pending;
        pending = undefined;
        return { done: false, value };
      }
      if (done) return { done: true, value: undefined };
      return rest.next();
    },
    async return(): Promise<IteratorResult<string>> {
      pending = undefined;
      done = true;
      await rest.return(undefined);
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
