import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import type { EnqueueResult, EventIntake } from './enqueue.js';
import { ingest, type IngestConfig, type IngestDecision } from './ingest.js';
import type { IntakeOutcome, ReceiverMetrics } from './metrics.js';

/** The one path Ripio posts every family of events to. */
export const WEBHOOK_PATH = '/webhooks/ripio';

export interface ReceiverConfig extends IngestConfig {
  bodyLimitBytes: number;
  retryAfterSeconds: number;
  /** Deadline of the Redis PING behind /readyz. */
  readyTimeoutMs: number;
}

export interface ReceiverDeps {
  config: ReceiverConfig;
  intake: EventIntake;
  metrics: ReceiverMetrics;
  logger: Logger;
  nowMs?: () => number;
  /** True once shutdown began: /readyz answers 503 and connections are not kept alive. */
  isDraining?: () => boolean;
}

/** What one webhook request ended as: the status, the JSON body and what the log line says about it. */
interface Answer {
  outcome: IntakeOutcome;
  status: number;
  body: Record<string, unknown>;
  log: Record<string, unknown>;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestIdOf(req: Request): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

const BAD_REQUEST_MESSAGES = {
  not_json: 'the body is not JSON',
  not_an_object: 'the body is not a JSON object',
  no_event_type: 'the body has no eventType string',
} as const;

/** Maps a decision that needs no Redis to its answer; `enqueue` goes through `answerEnqueue`. */
function answerDecision(decision: Exclude<IngestDecision, { kind: 'enqueue' }>): Answer {
  switch (decision.kind) {
    case 'bad_signature':
      return {
        outcome: 'bad_signature',
        status: 401,
        body: { status: 'bad_signature', error: 'missing or invalid signature' },
        log: { reason: decision.reason },
      };
    case 'bad_request':
      return {
        outcome: 'bad_request',
        status: 400,
        body: { status: 'bad_request', error: BAD_REQUEST_MESSAGES[decision.reason] },
        log: { reason: decision.reason },
      };
    case 'too_old':
      return {
        outcome: 'bad_request',
        status: 400,
        body: {
          status: 'bad_request',
          eventKey: decision.eventKey,
          error: 'issueDatetime is older than MAX_EVENT_AGE_SECONDS allows',
        },
        log: { reason: 'too_old', eventKey: decision.eventKey, ageSeconds: Math.round(decision.ageSeconds) },
      };
    default: {
      const unexpected: never = decision;
      throw new Error(`unhandled ingest decision ${JSON.stringify(unexpected)}`);
    }
  }
}

function answerEnqueue(result: EnqueueResult, eventKey: string, jobName: string): Answer {
  switch (result.outcome) {
    case 'accepted':
    case 'duplicate':
      return {
        outcome: result.outcome,
        status: 202,
        body: { status: result.outcome, eventKey },
        log: { eventKey, eventType: jobName },
      };
    case 'unavailable':
      return {
        outcome: 'unavailable',
        status: 503,
        body: { status: 'unavailable', error: 'the event could not be queued now; retry later' },
        log: { eventKey, eventType: jobName, reason: result.reason, err: result.error },
      };
    default: {
      const unexpected: never = result;
      throw new Error(`unhandled enqueue result ${JSON.stringify(unexpected)}`);
    }
  }
}

interface BodyParserError {
  status: number;
  type: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number' &&
    typeof (error as { type?: unknown }).type === 'string'
  );
}

function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/**
 * The receiver's HTTP surface: the webhook route over `ingest`, health, readiness and metrics. Reads no
 * environment; everything comes from `deps`.
 */
export function createReceiverApp(deps: ReceiverDeps): Express {
  const { config, intake, metrics, logger } = deps;
  const nowMs = deps.nowMs ?? Date.now;
  const isDraining = deps.isDraining ?? (() => false);
  const retryAfter = String(config.retryAfterSeconds);

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

  function finish(req: Request, res: Response, answer: Answer): void {
    const startedAt = res.locals.startedAt as number;
    const seconds = (performance.now() - startedAt) / 1000;
    metrics.requests.inc({ outcome: answer.outcome });
    metrics.ackDuration.observe({ outcome: answer.outcome }, seconds);
    const requestId = res.locals.requestId as string;
    res.setHeader('x-request-id', requestId);
    if (answer.status === 503) res.setHeader('Retry-After', retryAfter);
    res.status(answer.status).json(answer.body);
    const size = Buffer.isBuffer(req.body) ? req.body.length : Number(req.headers['content-length'] ?? 0);
    const line = {
      requestId,
      outcome: answer.outcome,
      status: answer.status,
      size,
      ms: Math.round(seconds * 1e6) / 1000,
      ...answer.log,
    };
    if (answer.status >= 500) logger.warn(line, 'webhook');
    else logger.info(line, 'webhook');
  }

  const readRawBody = express.raw({ type: () => true, limit: config.bodyLimitBytes });

  app.post(
    WEBHOOK_PATH,
    (req, res, next) => {
      res.locals.startedAt = performance.now();
      res.locals.requestId = requestIdOf(req);
      next();
    },
    readRawBody,
    async (req, res) => {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const decision = ingest(
        { rawBody, headers: req.headers, requestId: res.locals.requestId as string, nowMs: nowMs() },
        config,
      );
      if (decision.kind !== 'enqueue') {
        if (decision.kind === 'bad_signature') metrics.signatureFailures.inc({ reason: decision.reason });
        finish(req, res, answerDecision(decision));
        return;
      }
      const result = await intake.enqueue(decision);
      if (result.outcome === 'unavailable') metrics.enqueueErrors.inc({ reason: result.reason });
      else if (result.outcome === 'accepted') metrics.intakeEvents.inc({ event_type: decision.jobName });
      finish(req, res, answerEnqueue(result, decision.eventKey, decision.jobName));
    },
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const ready = !isDraining() && (await intake.ping(config.readyTimeoutMs));
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? 'ready' : isDraining() ? 'draining' : 'redis_unavailable' });
  });

  app.get('/metrics', async (_req, res) => {
    const body = await metrics.registry.metrics();
    res.type(metrics.registry.contentType).send(body);
  });

  const allowed: Record<string, string> = {
    [WEBHOOK_PATH]: 'POST',
    '/healthz': 'GET, HEAD',
    '/readyz': 'GET, HEAD',
    '/metrics': 'GET, HEAD',
  };
  for (const [path, allow] of Object.entries(allowed)) {
    app.all(path, (_req, res) => {
      res.setHeader('Allow', allow);
      res.status(405).json({ status: 'method_not_allowed', allow });
    });
  }

  app.use((_req, res) => {
    res.status(404).json({ status: 'not_found' });
  });

  const onError: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const onWebhook = req.path === WEBHOOK_PATH && typeof res.locals.startedAt === 'number';
    if (isBodyParserError(error) && onWebhook) {
      if (error.type === 'entity.too.large') {
        finish(req, res, {
          outcome: 'too_large',
          status: 413,
          body: { status: 'too_large', error: `the body is over ${config.bodyLimitBytes} bytes` },
          log: {},
        });
        return;
      }
      const status = clientErrorStatus(error) ?? 400;
      finish(req, res, {
        outcome: 'bad_request',
        status,
        body: { status: 'bad_request', error: 'the body could not be read' },
        log: { reason: error.type },
      });
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
  app.use(onError);

  return app;
}
