import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { EntityHistoryEntry, EntityWithHistory, ErrorBody, Stats } from '@ripio-webhooks/contracts';
import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import type { EntityStore } from '@ripio-webhooks/store';
import { deadLetterRoutes, type DeadLetterStores } from './dead-letter-routes.js';
import { entityAnswer, type HoldView } from './entity-answer.js';
import { holdRoutes, type HoldStores } from './hold-routes.js';
import { HttpError, parse } from './http-error.js';
import { processingRoutes, type ProcessingStores } from './processing-routes.js';
import type { AdminMetrics } from './metrics.js';

export type { HoldView } from './entity-answer.js';

/** The store operations the API serves (the real stores in main.ts; the same in tests, over a real Redis). */
export interface AdminStores extends HoldStores, DeadLetterStores, ProcessingStores {
  entities: Pick<EntityStore, 'get'>;
  readStats(): Promise<Stats>;
  holdOf(kind: EntityKind, id: string): Promise<HoldView | undefined>;
  /** The history of an entity that may have no state (its only event released, say); empty when none. */
  historyOf(kind: EntityKind, id: string): Promise<EntityHistoryEntry[]>;
}

const Kind = z.enum(ENTITY_KINDS);
const Id = z.string().min(1).max(1024);

/**
 * The JSON API under /api: entity lookup, the dead-letter queue (list, show, replay one or many, delete) and
 * stats. Unknown entities and entries are 404; bad parameters 400; all errors are `{ "error": "..." }`. Every
 * answer is typed by its schema in @ripio-webhooks/contracts, which the CLI, the e2e harness and the console read.
 */
export function apiRouter(stores: AdminStores, metrics: AdminMetrics, logger: Logger): Router {
  const router = express.Router();
  router.use(express.json({ limit: '16kb' }));

  router.get('/entities/:kind/:id', async (req, res) => {
    const kind = parse(Kind, req.params.kind, 'kind');
    const id = parse(Id, req.params.id, 'id');
    const [record, held] = await Promise.all([stores.entities.get(kind, id), stores.holdOf(kind, id)]);
    // No state yet (on hold before its first event applied, or its only event released): history and hold shown.
    const history = record === undefined ? await stores.historyOf(kind, id) : [];
    if (record === undefined && held === undefined && history.length === 0) {
      throw new HttpError(404, `no ${kind} entity with id ${id}`);
    }
    res.json(entityAnswer({ kind, id, record, history, held }) satisfies EntityWithHistory);
  });

  holdRoutes(router, stores, logger);
  deadLetterRoutes(router, stores, metrics, logger);
  processingRoutes(router, stores, logger);

  router.get('/stats', async (_req, res) => {
    res.json((await stores.readStats()) satisfies Stats);
  });

  router.use((req: Request, res: Response) => {
    res
      .status(404)
      .json({ error: `no API route ${req.method} ${req.baseUrl}${req.path}` } satisfies ErrorBody);
  });

  return router;
}
