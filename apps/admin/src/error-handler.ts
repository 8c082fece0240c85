import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { EventLogUnavailableError } from '@ripio-webhooks/event-log';
import { RedisUnavailableError } from '@ripio-webhooks/store';
import { HttpError } from './http-error.js';

/**
 * The admin app's last handler: a client mistake (HttpError, a body-parser error) is answered with its status and
 * message, a Redis or event-log (Postgres) outage with 503, anything else with 500 and a log line (the message stays in the logs).
 */
export function adminErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.message });
      return;
    }
    // Body-parser errors (bad JSON, too large) carry their status.
    if (
      error instanceof Error &&
      'status' in error &&
      typeof error.status === 'number' &&
      error.status < 500
    ) {
      res.status(error.status).json({ error: error.message });
      return;
    }
    if (error instanceof RedisUnavailableError) {
      logger.warn({ err: error, path: req.path }, 'redis unavailable');
      res.status(503).json({ error: 'Redis is unavailable; try again shortly' });
      return;
    }
    if (error instanceof EventLogUnavailableError) {
      logger.warn({ err: error, path: req.path }, 'event log unavailable');
      res.status(503).json({ error: 'the event log (Postgres) is unavailable; try again shortly' });
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'admin request failed');
    res.status(500).json({ error: 'internal error (see the admin logs)' });
  };
}
