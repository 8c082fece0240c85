import pg from 'pg';

/** A connection pool on the event log's database. */
export type EventLogPool = pg.Pool;

export interface EventLogPoolOptions {
  /** Most connections open at once. */
  max: number;
  /** Idle-connection errors (the server restarted, say): logged, never thrown. */
  onError: (error: Error) => void;
}

/** Opens a pool on DATABASE_URL; the apps reach Postgres through this, so `pg` stays the event log's dependency. */
export function openEventLogPool(databaseUrl: string, options: EventLogPoolOptions): EventLogPool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max });
  pool.on('error', options.onError);
  return pool;
}
