// Finding a Redis for `npm start`: REDIS_URL, else one on 127.0.0.1:6379, else a redis-server started here.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from './console.mjs';
import { freePort, LOOPBACK, onPath, portIsFree, redisAnswers, sleep } from './probes.mjs';
import { ROOT, shutdown, shutdownUnderWay, startChild } from './processes.mjs';

const env = process.env;

const HOW_TO_GET_REDIS = `No Redis found. Any one of these works:
  1. REDIS_URL=redis://host:port npm start     (a Redis 7 you run; the apps use keys under QUEUE_PREFIX only)
  2. a Redis on 127.0.0.1:6379                   (e.g. docker run -d -p 127.0.0.1:6379:6379 redis:7)
  3. redis-server on PATH                        (apt-get install redis-server / brew install redis): this script
                                                 starts it with AOF into .data/redis and stops it on Ctrl-C`;

/** Starts `bin` on `port` with AOF into `dir`; resolves once it answers PING (or stops everything if it never does). */
async function startRedisServer(bin, port, dir) {
  const resumed = existsSync(join(dir, 'appendonlydir'));
  // prettier-ignore
  const args = [
    '--port', String(port), '--bind', LOOPBACK, '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec',
    '--maxmemory-policy', 'noeviction', '--save', '', '--loglevel', 'warning',
  ];
  startChild('redis', 'store', bin, args, { PATH: env.PATH ?? '' });
  const url = `redis://${LOOPBACK}:${port}`;
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await redisAnswers(url)) {
      return {
        url,
        source: `redis-server started here (AOF in ${dir}${resumed ? ', data of the last run reloaded' : ''})`,
      };
    }
    const stopping = shutdownUnderWay();
    if (stopping !== undefined) return await stopping;
    await sleep(100);
  }
  fail(`the redis-server started on port ${port} did not answer PING`);
  return await shutdown(1);
}

/** `{ url, source }` of the Redis to use; exits with the ways to get one when there is none. */
export async function findRedis() {
  if (env.REDIS_URL !== undefined && env.REDIS_URL !== '') {
    if (!(await redisAnswers(env.REDIS_URL))) {
      fail(`REDIS_URL=${env.REDIS_URL} does not answer PING`);
      process.exit(1);
    }
    return { url: env.REDIS_URL, source: 'REDIS_URL' };
  }
  const shared = `redis://${LOOPBACK}:6379`;
  if (env.START_LOCAL_PROBE_REDIS !== '0' && (await redisAnswers(shared))) {
    return { url: shared, source: 'the Redis already running on 127.0.0.1:6379' };
  }
  const bin = onPath('redis-server');
  if (bin === undefined) {
    fail(HOW_TO_GET_REDIS);
    process.exit(1);
  }
  const port = (await portIsFree(6390)) ? 6390 : await freePort();
  const dir = join(env.START_LOCAL_DATA_DIR ?? join(ROOT, '.data'), 'redis');
  mkdirSync(dir, { recursive: true });
  return startRedisServer(bin, port, dir);
}
