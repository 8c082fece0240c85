import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import express, { type Request, type RequestHandler, type Router } from 'express';
import { audit } from './audit.js';

export const QUEUES_PATH = '/queues';

/** bull-board's two retry routes (paths under its base path, as sent: percent-encoded). */
const RETRY_ONE_JOB = /^\/api\/queues\/([^/]+)\/([^/]+)\/retry$/;
const RETRY_ALL_FAILED = /^\/api\/queues\/([^/]+)\/retry\/failed$/;

export const READ_ONLY_MESSAGE =
  'the queue dashboard is read-only: retrying a failed event is its only action ' +
  '(dead-letter entries are replayed or deleted through the admin API, the console or the CLI)';

function decoded(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** The dashboard's retry is a write like any other: recorded before bull-board carries it out. */
function auditedRetry(req: Request, target: string): Promise<void> {
  return audit(req, { action: 'queue.retry', target, outcome: 'requested' });
}

/**
 * Lets through reads and the retry of a failed job of the events queue (one, or all failed ones); refuses every
 * other write with 405 before bull-board sees it. bull-board's own `readOnlyMode` refuses retries too, and its
 * `allowRetries` is a display flag its handlers do not check, so the rule is kept here, as an allow-list.
 */
function retryOnlyGuard(events: Queue): RequestHandler {
  return (req, res, next) => {
    const refuse = (): void => {
      res.status(405).json({ error: READ_ONLY_MESSAGE });
    };
    if (req.method === 'GET' || req.method === 'HEAD') {
      next();
      return;
    }
    if (req.method !== 'PUT') {
      refuse();
      return;
    }
    const all = RETRY_ALL_FAILED.exec(req.path);
    if (all !== null && decoded(all[1] ?? '') === events.name) {
      auditedRetry(req, `${events.name}/failed`).then(next, next);
      return;
    }
    const one = RETRY_ONE_JOB.exec(req.path);
    const jobId = one === null ? undefined : decoded(one[2] ?? '');
    if (one === null || decoded(one[1] ?? '') !== events.name || jobId === undefined) {
      refuse();
      return;
    }
    // Only a failed job: retrying a completed one would run an applied event again.
    events
      .getJobState(jobId)
      .then(async (state) => {
        if (state !== 'failed') {
          refuse();
          return;
        }
        await auditedRetry(req, `${events.name}/${jobId}`);
        next();
      }, next)
      .catch(next);
  };
}

/**
 * bull-board for the events and dead-letter queues, both read-only but for one action: retrying a failed job of
 * the events queue. Nothing in the dashboard can add, edit, promote, clean, empty, pause or obliterate a job (the
 * worker trusts job data as Ripio-signed, and the receiver answered 202 for what is queued). The dead-letter queue
 * is read-only there: an entry is replayed onto the events queue through the admin API, never retried in place.
 */
export function bullBoardRouter(events: Queue, deadLetter: Queue): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  // `allowCompletedRetries` is read by the adapter but missing from its option type.
  const retryFailedOnly = {
    allowRetries: true,
    allowCompletedRetries: false,
    description: 'Read-only: retrying a failed event is the only action.',
  };
  createBullBoard({
    queues: [
      new BullMQAdapter(events, retryFailedOnly),
      new BullMQAdapter(deadLetter, {
        readOnlyMode: true,
        description: 'Read-only: replay or delete entries through the admin console, API or CLI.',
      }),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ripio-webhooks' } },
  });
  const router = express.Router();
  router.use(retryOnlyGuard(events));
  router.use(serverAdapter.getRouter() as Router);
  return router;
}
