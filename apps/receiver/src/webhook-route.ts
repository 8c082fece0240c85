import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import type { EventEnqueuer } from '@ripio-webhooks/store';
import { SpanKind, type Tracing } from '@ripio-webhooks/telemetry';
import { ingest, type IngestConfig } from './ingest.js';
import { answerOf, type IntakeOutcome } from './intake-outcome.js';
import { countIntake, type ReceiverMetrics } from './metrics.js';

/** The one path Ripio posts every family of events to. */
export const WEBHOOK_PATH = '/webhooks/ripio';

export interface WebhookSettings extends IngestConfig {
  bodyLimitBytes: number;
  retryAfterSeconds: number;
}

export interface WebhookRouteDeps {
  settings: WebhookSettings;
  enqueuer: Pick<EventEnqueuer, 'enqueue'>;
  metrics: ReceiverMetrics;
  logger: Logger;
  nowMs: () => number;
  tracing: Tracing;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;

function requestIdOf(req: Request): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

interface BodyReaderError {
  status: number;
  type: string;
}

/** An error of Express's body reader (it carries an HTTP `status` and a `type` such as `entity.too.large`). */
function isBodyReaderError(error: unknown): error is BodyReaderError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number' &&
    typeof (error as { type?: unknown }).type === 'string'
  );
}

/** The 4xx status an error carries, if any. */
export function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status =
    (error as { status?: unknown; statusCode?: unknown }).status ??
    (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function bodyReaderOutcome(error: BodyReaderError, limitBytes: number): IntakeOutcome {
  if (error.type === 'entity.too.large') return { outcome: 'too_large', limitBytes };
  const status = clientErrorStatus(error) ?? 400;
  return { outcome: 'bad_request', reason: 'unreadable_body', status, readerError: error.type };
}

/**
 * `POST /webhooks/ripio`, as Express handlers: stamp the request, read the raw body (at most BODY_LIMIT bytes),
 * `ingest` it, answer with `answerOf`. A body that cannot be read ends here too (413, or 400/415); any other
 * error goes on to the app's error handler.
 */
export function webhookHandlers(deps: WebhookRouteDeps): (RequestHandler | ErrorRequestHandler)[] {
  const { settings, enqueuer, metrics, logger, nowMs, tracing } = deps;

  function finish(req: Request, res: Response, intake: IntakeOutcome): void {
    const seconds = (performance.now() - (res.locals.startedAt as number)) / 1000;
    const answer = answerOf(intake, settings);
    countIntake(metrics, intake, answer, seconds);
    const requestId = res.locals.requestId as string;
    res.setHeader('x-request-id', requestId);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    res.status(answer.status).json(answer.body);
    const size = Buffer.isBuffer(req.body) ? req.body.length : Number(req.headers['content-length'] ?? 0);
    const ms = Math.round(seconds * 1e6) / 1000;
    const line = { requestId, outcome: answer.body.status, status: answer.status, size, ms, ...answer.log };
    if (answer.status >= 500) logger.warn(line, 'webhook');
    else logger.info(line, 'webhook');
  }

  const stamp: RequestHandler = (req, res, next) => {
    res.locals.startedAt = performance.now();
    res.locals.requestId = requestIdOf(req);
    next();
  };
  const readRawBody = express.raw({ type: () => true, limit: settings.bodyLimitBytes });
  const answer: RequestHandler = async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const request = {
      rawBody,
      headers: req.headers,
      requestId: res.locals.requestId as string,
      nowMs: nowMs(),
    };
    const intake = tracing.enabled
      ? await tracedIngest(tracing, request, settings, enqueuer)
      : await ingest(request, settings, enqueuer);
    finish(req, res, intake);
  };
  const answerUnreadableBody: ErrorRequestHandler = (error: unknown, req, res, next) => {
    if (res.headersSent || !isBodyReaderError(error)) {
      next(error);
      return;
    }
    finish(req, res, bodyReaderOutcome(error, settings.bodyLimitBytes));
  };
  return [stamp, readRawBody, answer, answerUnreadableBody];
}

/** `ingest` inside the request's span (tracing on), whose trace context the job carries to the worker. */
function tracedIngest(
  tracing: Tracing,
  request: Parameters<typeof ingest>[0],
  settings: WebhookSettings,
  enqueuer: Pick<EventEnqueuer, 'enqueue'>,
): Promise<IntakeOutcome> {
  const attributes = {
    'http.request.method': 'POST',
    'http.route': WEBHOOK_PATH,
    'ripio.request_id': request.requestId,
  };
  return tracing.inSpan(`POST ${WEBHOOK_PATH}`, { kind: SpanKind.SERVER, attributes }, async (span) => {
    const intake = await ingest({ ...request, traceparent: tracing.traceparent() }, settings, enqueuer);
    span?.setAttribute('ripio.outcome', intake.outcome);
    if ('eventKey' in intake) span?.setAttribute('ripio.event_key', intake.eventKey);
    return intake;
  });
}
