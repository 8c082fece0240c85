import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { NodeBinary } from '../config.js';
import { ARCHIVER_MAIN } from '../config.js';
import { ChildServer, cpuSeconds, stopAll } from '../processes.js';
import type { BenchRedis } from '../redis.js';
import { BENCH_QUEUE_PREFIX } from '../servers.js';

export interface ArchiveRun {
  recordsPerSecond: number;
  records: number;
  archiverCpuUs: number;
  /** Bytes the events table (all partitions, indexes and TOAST included) takes per event row. */
  bytesPerEvent: number;
}

/**
 * The archiver process (apps/archiver) drains the event-log stream the worker left: records per second from its
 * start (after its migrations) until the stream is empty.
 */
export async function archiveStream(
  node: NodeBinary,
  redis: BenchRedis,
  databaseUrl: string,
): Promise<ArchiveRun> {
  const key = `{${BENCH_QUEUE_PREFIX}}:eventlog`;
  const records = await redis.client.xlen(key);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  // A fresh schema for each run: the archiver migrates it again (every table of the event log, re-drives included).
  await pool.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  const child = ChildServer.start({
    name: 'archiver',
    node: node.path,
    script: ARCHIVER_MAIN,
    env: {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: BENCH_QUEUE_PREFIX,
      EVENT_LOG: 'postgres',
      DATABASE_URL: databaseUrl,
      EVENT_LOG_MIGRATE: 'true',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
  });
  try {
    // The clock starts once the schema exists (the archiver migrates first).
    for (;;) {
      const ready = await pool.query<{ ready: boolean }>(
        "SELECT to_regclass('public.events') IS NOT NULL AS ready",
      );
      if (ready.rows[0]?.ready === true) break;
      if (child.exited) throw new Error(`the archiver exited (see ${child.logPath})`);
      await sleep(5);
    }
    const cpuBefore = cpuSeconds(child.pid);
    const started = performance.now();
    while ((await redis.client.xlen(key)) > 0) {
      if (child.exited) throw new Error(`the archiver exited (see ${child.logPath})`);
      await sleep(10);
    }
    const seconds = (performance.now() - started) / 1000;
    const size = await pool.query<{ bytes: string; rows: string }>(
      `SELECT sum(pg_total_relation_size(inhrelid))::bigint AS bytes,
              (SELECT count(*) FROM events)::bigint AS rows
         FROM pg_inherits WHERE inhparent = 'events'::regclass`,
    );
    const row = size.rows[0];
    return {
      bytesPerEvent: row === undefined ? Number.NaN : Number(row.bytes) / Math.max(1, Number(row.rows)),
      recordsPerSecond: records / seconds,
      records,
      archiverCpuUs: ((cpuSeconds(child.pid) - cpuBefore) * 1e6) / records,
    };
  } finally {
    await stopAll([child]);
    await pool.end();
  }
}
