import { exponentialBackoffMs } from '@ripio-webhooks/core';
import { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

export type ConnectionRole =
  /** Request path (receiver, admin): fail fast when Redis is down so the caller answers 503 at once. */
  | 'fail-fast'
  /** BullMQ workers and blocking readers: wait for Redis as long as it takes (BullMQ requires this). */
  | 'blocking';

export interface ConnectionOptions {
  /** `redis://host:port[/db]`, `rediss://...`, or `redis+cluster://host1:port,host2:port` for Redis Cluster. */
  url: string;
  role: ConnectionRole;
  /** Name shown by `CLIENT LIST`. */
  connectionName?: string;
  /** Batch commands issued in the same tick into one round trip. */
  autoPipelining?: boolean;
}

const CLUSTER_SCHEME = 'redis+cluster://';

interface RoleOptions {
  maxRetriesPerRequest: number | null;
  enableOfflineQueue: boolean;
  connectTimeout: number;
  retryStrategy: (times: number) => number;
}

/** ioredis's wait before reconnect attempt `times` (1, 2, ...): 100 ms doubling up to 2 s, no jitter. */
const reconnect = (times: number): number =>
  exponentialBackoffMs({ attempt: times, baseMs: 50, maxMs: 2_000, jitter: 'none' });

function roleOptions(role: ConnectionRole): RoleOptions {
  if (role === 'blocking') {
    return {
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      connectTimeout: 10_000,
      retryStrategy: reconnect,
    };
  }
  return {
    // No offline queue: while Redis is down a command fails immediately instead of waiting for a reconnect.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: reconnect,
  };
}

/** One place that creates every Redis connection of the service (single node or cluster). */
export function createRedis(options: ConnectionOptions): RedisClient {
  const base = {
    ...roleOptions(options.role),
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    enableAutoPipelining: options.autoPipelining ?? false,
  };
  if (options.url.startsWith(CLUSTER_SCHEME)) {
    const nodes = options.url
      .slice(CLUSTER_SCHEME.length)
      .split(',')
      .map((hostPort) => {
        const [host = '127.0.0.1', port = '6379'] = hostPort.split(':');
        return { host, port: Number(port) };
      });
    return new Cluster(nodes, {
      redisOptions: base,
      enableOfflineQueue: base.enableOfflineQueue,
      enableAutoPipelining: base.enableAutoPipelining,
    });
  }
  return new Redis(options.url, base);
}
