import express, { type ErrorRequestHandler, type Express } from 'express';
import type { Logger } from 'pino';
import type { EventEnqueuer } from '@ripio-webhooks/store';
import { NO_TRACING, type Tracing } from '@ripio-webhooks/telemetry';
import type { ReceiverMetrics } from './metrics.js';
import { clientErrorStatus, WEBHOOK_PATH, webhookHandlers, type WebhookSettings } from './webhook-route.js';

export interface ReceiverConfig extends WebhookSettings {
  /** Deadline of the Redis PING behind /readyz. */
  readyTimeoutMs: number;
}

export interface ReceiverDeps {
  config: ReceiverConfig;
  /** The store's enqueuer: the receiver's only way to Redis. */
  enqueuer: Pick<EventEnqueuer, 'enqueue' | 'ping'>;
  metrics: ReceiverMetrics;
  logger: Logger;
  nowMs?: () => number;
  /** True once shutdown began: /readyz answers 503 and connections are not kept alive. */
  isDraining?: () => boolean;
  /** A span per webhook request when tracing is on (default: none). */
  tracing?: Tracing;
}

/** Every path the receiver serves and the methods it takes there; any other method is a 405. */
const ALLOWED_METHODS: Record<string, string> = {
  [WEBHOOK_PATH]: 'POST',
  '/healthz': 'GET, HEAD',
  '/readyz': 'GET, HEAD',
};

function newExpressApp(isDraining: () => boolean): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', false);
  // One exact path: `/webhooks/ripio/` or `/Webhooks/Ripio` is a 404, not a second spelling of the route.
  app.set('strict routing', true);
  app.set('case sensitive routing', true);
  app.use((_req, res, next) => {
    if (isDraining()) res.setHeader('Connection', 'close');
    next();
  });
  return app;
}

/** Errors no route answered: a client error keeps its 4xx, anything else is a logged 500 without details. */
function unexpectedErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const status = clientErrorStatus(error);
    if (status !== undefined) {
      res.status(status).json({ status: 'bad_request' });
      return;
    }
    logger.error({ err: error, path: req.path }, 'unexpected error');
    res.status(500).json({ status: 'error' });
  };
}

/**
 * The receiver's internet-facing HTTP surface: the webhook route (webhook-route.ts), health and readiness. Reads
 * no environment; everything comes from `deps`. `/metrics` has a listener of its own (metrics-app.ts).
 */
export function createReceiverApp(deps: ReceiverDeps): Express {
  const { config, enqueuer, metrics, logger } = deps;
  const isDraining = deps.isDraining ?? (() => false);
  const app = newExpressApp(isDraining);

  app.post(
    WEBHOOK_PATH,
    ...webhookHandlers({
      settings: config,
      enqueuer,
      metrics,
      logger,
      nowMs: deps.nowMs ?? Date.now,
      tracing: deps.tracing ?? NO_TRACING,
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const ready = !isDraining() && (await enqueuer.ping(config.readyTimeoutMs));
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : isDraining() ? 'draining' : 'redis_unavailable' });
  });

  for (const [path, allow] of Object.entries(ALLOWED_METHODS)) {
    app.all(path, (_req, res) => {
      res.setHeader('Allow', allow);
      res.status(405).json({ status: 'method_not_allowed', allow });
    });
  }

  app.use((_req, res) => {
    res.status(404).json({ status: 'not_found' });
  });
  app.use(unexpectedErrorHandler(logger));
  return app;
}
