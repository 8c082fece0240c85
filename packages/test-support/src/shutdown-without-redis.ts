import { existsSync } from 'node:fs';
import { signalAndAwaitExit, startChildApp, type ChildExit } from './child-app.js';
import { freePort } from './free-port.js';
import { LocalRedisServer } from './local-redis-server.js';
import { uniquePrefix } from './unique-prefix.js';

export interface ShutdownWithoutRedisOptions {
  /** The app's built entry point (`apps/<app>/dist/main.js`). */
  script: string;
  /** What the app is called in failure messages. */
  name: string;
  /** The app's own settings; REDIS_URL, QUEUE_PREFIX, LOG_LEVEL and SHUTDOWN_TIMEOUT_MS are added. */
  env: (port: number) => Record<string, string>;
  /** Path answered 200 once the app is up, on the port handed to `env`. */
  readyPath: string;
  shutdownTimeoutMs: number;
  /** Runs after Redis is killed and before the signal (e.g. to leave a request open). */
  beforeSignal?: (url: string) => void;
}

export interface ShutdownWithoutRedisResult {
  exit: ChildExit;
  output: string;
}

/**
 * Starts the built app on a Redis of its own, kills that Redis, sends SIGTERM and reports how the process
 * exited. Rejects with the app's output when it has not exited 20 s after the signal (it is killed then).
 */
export async function shutdownWithoutRedis(
  options: ShutdownWithoutRedisOptions,
): Promise<ShutdownWithoutRedisResult> {
  if (!existsSync(options.script)) {
    throw new Error(`${options.script} is missing: build ${options.name} first`);
  }
  const redis = await LocalRedisServer.start({ appendonly: false });
  try {
    const port = await freePort();
    const app = await startChildApp(
      options.script,
      {
        ...options.env(port),
        REDIS_URL: redis.url,
        QUEUE_PREFIX: uniquePrefix('shutdown'),
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs),
      },
      `http://127.0.0.1:${port}${options.readyPath}`,
    );
    try {
      await redis.kill('SIGKILL');
      options.beforeSignal?.(app.url);
      const exit = await signalAndAwaitExit(
        app,
        'SIGTERM',
        20_000,
        `${options.name} did not exit after SIGTERM with Redis gone, although ` +
          `SHUTDOWN_TIMEOUT_MS=${options.shutdownTimeoutMs} bounds its graceful wait and every later closing step ` +
          'must be bounded too',
      );
      return { exit, output: app.output() };
    } finally {
      await app.stop();
    }
  } finally {
    await redis.stop();
  }
}
