import type { RedisClient } from './connection.js';

/**
 * A Redis call failed because Redis could not be reached (down, restarting, network cut), as opposed to a
 * reply error or a bug. Callers answer it as "try again shortly" (503), never as a failure of the request.
 */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';

  constructor(cause: unknown) {
    super('Redis is unavailable', { cause });
  }
}

/** ioredis / redis-errors classes of a command given up because the connection went away. */
const CONNECTION_ERROR_CLASSES = new Set([
  'AbortError',
  'MaxRetriesPerRequestError',
  'ClusterAllFailedError',
]);
/** Node socket error codes of an unreachable server. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * Whether `error`, thrown by a call on `client`, means Redis is unreachable: the one place that decides it. It
 * reads the client's connection state (ioredis rejects a command on a connection that is not ready with a plain
 * `Error`, so its class says nothing), then the error's class and its socket `code`.
 */
export function isRedisUnavailable(error: unknown, client: RedisClient): boolean {
  if (error instanceof RedisUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  if (client.status !== 'ready') return true;
  if (CONNECTION_ERROR_CLASSES.has(error.name)) return true;
  const code: unknown = 'code' in error ? error.code : undefined;
  return typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
}

/** Runs a call on `client`; a failure because Redis is unreachable is rethrown as a `RedisUnavailableError`. */
export async function failingAsUnavailable<T>(client: RedisClient, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw isRedisUnavailable(error, client) ? new RedisUnavailableError(error) : error;
  }
}
