import express, { type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  DEAD_LETTER_REASONS,
  type BulkReplayReport,
  type DeadLetterDetail,
  type DeadLetterListing,
  type DeleteReport,
  type EntityHistoryEntry,
  type EntityWithHistory,
  type ErrorBody,
  type ReplayReport,
  type Stats,
} from '@ripio-webhooks/contracts';
import { ENTITY_KINDS, type EntityKind } from '@ripio-webhooks/schemas';
import type { DeadLetterStore, EntityStore } from '@ripio-webhooks/store';
import { entityAnswer, type HoldView } from './entity-answer.js';
import { holdRoutes, type HoldStores } from './hold-routes.js';
import { HttpError, parse } from './http-error.js';
import type { AdminMetrics } from './metrics.js';

export { HttpError } from './http-error.js';

export type { HoldView } from './entity-answer.js';

/** The store operations the API serves (the real stores in main.ts; the same in tests, over a real Redis). */
export interface AdminStores extends HoldStores {
  entities: Pick<EntityStore, 'get'>;
  deadLetters: Pick<DeadLetterStore, 'list' | 'get' | 'replay' | 'replayMany' | 'remove'>;
  readStats(): Promise<Stats>;
  holdOf(kind: EntityKind, id: string): Promise<HoldView | undefined>;
  /** The history of an entity that may have no state (its only event released, say); empty when none. */
  historyOf(kind: EntityKind, id: string): Promise<EntityHistoryEntry[]>;
}

export const MAX_LIST_LIMIT = 500;
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_BULK_REPLAY = 500;
export const DEFAULT_BULK_REPLAY = 100;

const limitParam = z.coerce.number().int().min(1).max(MAX_LIST_LIMIT);
const Filter = z.object({
  reason: z.enum(DEAD_LETTER_REASONS).optional(),
  eventType: z.string().min(1).max(200).optional(),
});
const ListQuery = Filter.extend({
  limit: limitParam.default(DEFAULT_LIST_LIMIT),
  cursor: z
    .string()
    .regex(/^\d{1,12}$/, 'cursor must come from a previous page')
    .optional(),
});
const BulkReplay = Filter.extend({
  max: z.coerce.number().int().min(1).max(MAX_BULK_REPLAY).default(DEFAULT_BULK_REPLAY),
});
const Kind = z.enum(ENTITY_KINDS);
const Id = z.string().min(1).max(1024);

/** Query values as plain strings (an empty value counts as absent; a repeated one as invalid). */
function queryOf(req: Request): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query)) if (value !== '') query[key] = value;
  return query;
}

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

  router.get('/dead-letter', async (req, res) => {
    const { limit, cursor, reason, eventType } = parse(ListQuery, queryOf(req), 'query');
    const page = await stores.deadLetters.list({
      limit,
      ...(cursor === undefined ? {} : { cursor }),
      ...(reason === undefined ? {} : { reason }),
      ...(eventType === undefined ? {} : { eventType }),
    });
    // Which entries hold an entity, and how many events wait behind each.
    const blockers = new Map((await stores.listHolds()).map((held) => [held.hold.blocker, held]));
    const entries = page.entries.map((entry) => {
      const held = blockers.get(entry.eventKey);
      return {
        ...entry,
        holds: held === undefined ? null : { kind: held.kind, id: held.id, parked: held.parked },
      };
    });
    res.json({ ...page, entries } satisfies DeadLetterListing);
  });

  // Registered before '/dead-letter/:id/replay' and '/dead-letter/:id' so "replay" is never read as an id.
  router.post('/dead-letter/replay', async (req, res) => {
    const body: unknown = req.body ?? {};
    const source =
      typeof body === 'object' && body !== null && Object.keys(body).length > 0 ? body : queryOf(req);
    const { max, reason, eventType } = parse(BulkReplay, source, 'bulk replay');
    const filter = {
      ...(reason === undefined ? {} : { reason }),
      ...(eventType === undefined ? {} : { eventType }),
    };
    const report = await stores.deadLetters.replayMany(filter, max);
    for (const result of report.results) metrics.replays.inc({ result: result.outcome });
    logger.info({ filter, max, replayed: report.replayed, more: report.more }, 'bulk replay');
    res.json(report satisfies BulkReplayReport);
  });

  router.get('/dead-letter/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'id');
    const entry = await stores.deadLetters.get(id);
    if (entry === undefined) throw new HttpError(404, `no dead-letter entry ${id}`);
    res.json(entry satisfies DeadLetterDetail);
  });

  router.post('/dead-letter/:id/replay', async (req, res) => {
    const id = parse(Id, req.params.id, 'id');
    const report: ReplayReport = { id, ...(await stores.deadLetters.replay(id)) };
    metrics.replays.inc({ result: report.outcome });
    logger.info(report, 'replay');
    if (report.outcome === 'missing') {
      res
        .status(404)
        .json({ error: `no dead-letter entry ${id}`, ...report } satisfies ErrorBody & ReplayReport);
      return;
    }
    res.json(report);
  });

  router.delete('/dead-letter/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'id');
    const deleted = await stores.deadLetters.remove(id);
    logger.info({ id, deleted }, 'dead-letter delete');
    if (!deleted) throw new HttpError(404, `no dead-letter entry ${id}`);
    res.json({ id, deleted: true } satisfies DeleteReport);
  });

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
