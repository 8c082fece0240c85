import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { Router } from 'express';

export const QUEUES_PATH = '/queues';

/**
 * bull-board for the events and dead-letter queues. The dead-letter queue is read-only there: an entry is
 * replayed onto the events queue through the admin API (or the console / CLI), never retried in place.
 */
export function bullBoardRouter(events: Queue, deadLetter: Queue): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(events), new BullMQAdapter(deadLetter, { readOnlyMode: true })],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'ripio-webhooks' } },
  });
  return serverAdapter.getRouter() as Router;
}
