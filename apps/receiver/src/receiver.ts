import { Server as NetServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { connectEventEnqueuer } from '@ripio-webhooks/store';
import type { Tracing } from '@ripio-webhooks/telemetry';
import { createReceiverApp } from './app.js';
import type { ReceiverEnv } from './env.js';
import { createMetricsApp } from './metrics-app.js';
import { createReceiverMetrics, type ReceiverMetrics } from './metrics.js';

export interface RunningReceiver {
  server: Server;
  /** `http://host:port` the server listens on. */
  url: string;
  /** `http://host:port/metrics` of the metrics listener. */
  metricsUrl: string;
  /** Stops accepting, lets in-flight requests finish (up to SHUTDOWN_TIMEOUT_MS), closes the queue and Redis. */
  shutdown(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  /** Process metrics in /metrics (default true). */
  defaultMetrics?: boolean;
  /** Tracing started from OTEL_EXPORTER_OTLP_ENDPOINT (default: none). */
  tracing?: Tracing;
}

/** How long the receiver waits for Redis before it listens anyway. */
const STARTUP_REDIS_WAIT_MS = 5_000;

/**
 * At shutdown, how long kept-alive connections may stay open before the idle ones are closed. Meanwhile each
 * busy one carries its next request, answered with `Connection: close`, and is closed cleanly after the answer.
 * Closing idle kept-alive connections at once instead races a sender that is writing its next request on one:
 * the sender sees a connection reset (found by tests/e2e, scenario 5).
 */
const DRAIN_GRACE_MS = 1_000;

export interface WiredReceiver {
  app: Express;
  metrics: ReceiverMetrics;
  /**
   * Resolves true once Redis is connected and the queue initialised, false if that takes over `timeoutMs`.
   * Until then every webhook is answered 503 (the connection has no offline queue).
   */
  waitUntilReady(timeoutMs: number): Promise<boolean>;
  /** From now on /readyz answers 503 and answers close their connection. */
  beginDrain(): void;
  /** Closes the queue and the Redis connection (each within 2 s, whatever state Redis is in). */
  close(): Promise<void>;
}

/** Builds the enqueuer (Redis and the queue) and the app from parsed settings, without listening. */
export function wireReceiver(env: ReceiverEnv, options: StartOptions): WiredReceiver {
  const { logger } = options;
  // Fail-fast connection (store's enqueuer): while Redis is down a request gets its 503 at once.
  const enqueuer = connectEventEnqueuer({
    redisUrl: env.REDIS_URL,
    queuePrefix: env.QUEUE_PREFIX,
    connectionName: 'ripio-receiver',
    timeoutMs: env.ENQUEUE_TIMEOUT_MS,
    backlogLimit: env.BACKLOG_LIMIT,
    onBacklogError: (error) => logger.debug({ err: error }, 'could not refresh the backlog count'),
    onConnectionLost: (error) =>
      logger.warn({ err: error }, 'redis unreachable; webhooks are answered 503 until it is back'),
    onConnectionBack: () => logger.info('redis reachable again'),
  });

  let draining = false;
  const metrics = createReceiverMetrics({ defaultMetrics: options.defaultMetrics ?? true });
  const app = createReceiverApp({
    config: {
      secrets: env.RIPIO_WEBHOOK_SECRETS,
      intakeProofKeys: env.INTAKE_PROOF_KEYS,
      maxEventAgeSeconds: env.MAX_EVENT_AGE_SECONDS,
      bodyLimitBytes: env.BODY_LIMIT,
      retryAfterSeconds: env.RETRY_AFTER_SECONDS,
      readyTimeoutMs: env.ENQUEUE_TIMEOUT_MS,
    },
    enqueuer,
    metrics,
    logger,
    isDraining: () => draining,
    ...(options.tracing === undefined ? {} : { tracing: options.tracing }),
  });

  return {
    app,
    metrics,
    waitUntilReady: (timeoutMs) => enqueuer.waitUntilReady(timeoutMs),
    beginDrain() {
      draining = true;
    },
    close: () => enqueuer.close(),
  };
}

/** Wires the receiver and listens on HOST:PORT. */
export async function startReceiver(env: ReceiverEnv, options: StartOptions): Promise<RunningReceiver> {
  const { logger } = options;
  const wired = wireReceiver(env, options);
  const { app } = wired;
  // Listen either way: while Redis is unreachable webhooks get 503 + Retry-After and Ripio retries.
  if (!(await wired.waitUntilReady(STARTUP_REDIS_WAIT_MS))) {
    logger.warn(
      { waitedMs: STARTUP_REDIS_WAIT_MS },
      'redis not reachable yet; listening anyway (answers 503)',
    );
  }
  const server = await listen(app, env.PORT, env.HOST);
  const metricsServer = await listen(createMetricsApp(wired.metrics), env.METRICS_PORT, env.METRICS_HOST);
  server.requestTimeout = env.REQUEST_TIMEOUT_MS;
  server.headersTimeout = Math.min(env.REQUEST_TIMEOUT_MS, 20_000);
  const address = server.address() as AddressInfo;
  const metricsAddress = metricsServer.address() as AddressInfo;
  logger.info(
    {
      host: address.address,
      port: address.port,
      metricsPort: metricsAddress.port,
      queuePrefix: env.QUEUE_PREFIX,
    },
    'receiver listening',
  );

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    wired.beginDrain();
    // Close the listener only (net.Server's close): http.Server's close would also close every idle kept-alive
    // connection at once. Resolves once every connection has ended.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    const idle = setTimeout(
      () => server.closeIdleConnections(),
      Math.min(DRAIN_GRACE_MS, env.SHUTDOWN_TIMEOUT_MS),
    );
    const force = setTimeout(() => {
      logger.warn('shutdown timeout: closing the connections still open');
      server.closeAllConnections();
    }, env.SHUTDOWN_TIMEOUT_MS);
    await closed;
    clearTimeout(idle);
    clearTimeout(force);
    metricsServer.closeAllConnections();
    await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    await wired.close();
    logger.info('receiver stopped');
  }

  return {
    server,
    url: urlOf(address),
    metricsUrl: `${urlOf(metricsAddress)}/metrics`,
    shutdown() {
      stopping ??= stop();
      return stopping;
    },
  };
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => {
      if (error === undefined) resolve(listening);
      else reject(error);
    });
  });
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
