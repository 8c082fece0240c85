import type { Router } from 'express';
import type { Logger } from 'pino';
import { PauseRequest, type ProcessingStatus } from '@ripio-webhooks/contracts';
import { parse } from './http-error.js';

/** The store operations the processing routes use (store's ProcessingControl). */
export interface ProcessingStores {
  processing: {
    status(): Promise<ProcessingStatus>;
    pause(input: { reason?: string | undefined; nowMs: number }): Promise<ProcessingStatus>;
    resume(): Promise<ProcessingStatus>;
  };
}

/**
 * Event processing by hand: GET /processing shows whether it is paused and the circuit breaker's state;
 * POST /processing/pause (optional `reason`) stops every worker taking events, intake unaffected;
 * POST /processing/resume starts them again. Each answers the status after it.
 */
export function processingRoutes(
  router: Router,
  stores: ProcessingStores,
  logger: Logger,
  now: () => number = Date.now,
): void {
  router.get('/processing', async (_req, res) => {
    res.json(await stores.processing.status());
  });

  router.post('/processing/pause', async (req, res) => {
    const { reason } = parse(PauseRequest, req.body ?? {}, 'pause');
    const status = await stores.processing.pause({ reason, nowMs: now() });
    logger.warn({ reason }, 'processing paused by an operator');
    res.json(status satisfies ProcessingStatus);
  });

  router.post('/processing/resume', async (req, res) => {
    const { reason } = parse(PauseRequest, req.body ?? {}, 'resume');
    const status = await stores.processing.resume();
    logger.warn({ reason }, 'processing resumed by an operator');
    res.json(status satisfies ProcessingStatus);
  });
}
