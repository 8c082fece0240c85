import type { Request, RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  DEAD_LETTER_REASONS,
  type BulkReplayReport,
  type DeadLetterDetail,
  type DeadLetterListing,
  type DeleteReport,
  type ErrorBody,
  type ReplayReport,
} from '@ripio-webhooks/contracts';
import type { DeadLetterStore } from '@ripio-webhooks/store';
import { audit, requireReason } from './audit.js';
import type { HoldStores } from './hold-routes.js';
import { HttpError, parse } from './http-error.js';
import type { AdminMetrics } from './metrics.js';

/** The store operations the dead-letter routes use. */
export interface DeadLetterStores {
  deadLetters: Pick<DeadLetterStore, 'list' | 'get' | 'replay' | 'replayMany' | 'remove'>;
  listHolds: HoldStores['listHolds'];
}

const MAX_LIST_LIMIT = 500;
const DEFAULT_LIST_LIMIT = 50;
const MAX_BULK_REPLAY = 500;
const DEFAULT_BULK_REPLAY = 100;

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
/** A bulk replay's filter: `deadLetterReason` (the list's `reason`), since `reason` is the operator's (audit.ts). */
const BulkReplay = z.object({
  deadLetterReason: z.enum(DEAD_LETTER_REASONS).optional(),
  eventType: Filter.shape.eventType,
  max: z.coerce.number().int().min(1).max(MAX_BULK_REPLAY).default(DEFAULT_BULK_REPLAY),
  reason: z.unknown().optional(),
});
const Id = z.string().min(1).max(1024);

/** Query values as plain strings (an empty value counts as absent; a repeated one as invalid). */
function queryOf(req: Request): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(req.query)) if (value !== '') query[key] = value;
  return query;
}

/** One page of entries, each with the entity it holds (and how many events wait behind it), if any. */
async function listWithHolds(
  stores: DeadLetterStores,
  { limit, cursor, reason, eventType }: z.infer<typeof ListQuery>,
): Promise<DeadLetterListing> {
  const page = await stores.deadLetters.list({
    limit,
    ...(cursor === undefined ? {} : { cursor }),
    ...(reason === undefined ? {} : { reason }),
    ...(eventType === undefined ? {} : { eventType }),
  });
  const blockers = new Map((await stores.listHolds()).map((held) => [held.hold.blocker, held]));
  const entries = page.entries.map((entry) => {
    const held = blockers.get(entry.eventKey);
    return {
      ...entry,
      holds: held === undefined ? null : { kind: held.kind, id: held.id, parked: held.parked },
    };
  });
  return { ...page, entries };
}

/** Replays every entry matching the filter (at most `max`), from the JSON body or else the query string. */
function bulkReplay(stores: DeadLetterStores, metrics: AdminMetrics, logger: Logger): RequestHandler {
  return async (req, res) => {
    const body: unknown = req.body ?? {};
    const source =
      typeof body === 'object' && body !== null && Object.keys(body).length > 0 ? body : queryOf(req);
    const { max, deadLetterReason: reason, eventType } = parse(BulkReplay, source, 'bulk replay');
    const filter = {
      ...(reason === undefined ? {} : { reason }),
      ...(eventType === undefined ? {} : { eventType }),
    };
    const report = await stores.deadLetters.replayMany(filter, max);
    for (const result of report.results) metrics.replays.inc({ result: result.outcome });
    logger.info({ filter, max, replayed: report.replayed, more: report.more }, 'bulk replay');
    await audit(req, {
      action: 'dead-letter.replay-many',
      target: JSON.stringify(filter),
      outcome: `replayed ${report.replayed}`,
      details: { max, more: report.more, ids: report.results.map((result) => result.id) },
    });
    res.json(report satisfies BulkReplayReport);
  };
}

/**
 * The dead-letter queue: list (filtered, paged), replay every match (at most `max`), show, replay and delete one.
 * An unknown entry is 404.
 */
export function deadLetterRoutes(
  router: Router,
  stores: DeadLetterStores,
  metrics: AdminMetrics,
  logger: Logger,
): void {
  router.get('/dead-letter', async (req, res) => {
    const listing = await listWithHolds(stores, parse(ListQuery, queryOf(req), 'query'));
    res.json(listing satisfies DeadLetterListing);
  });

  // Registered before '/dead-letter/:id/replay' and '/dead-letter/:id' so "replay" is never read as an id.
  router.post('/dead-letter/replay', bulkReplay(stores, metrics, logger));

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
    await audit(req, { action: 'dead-letter.replay', target: id, outcome: report.outcome });
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
    requireReason(req);
    const deleted = await stores.deadLetters.remove(id);
    logger.info({ id, deleted }, 'dead-letter delete');
    await audit(req, { action: 'dead-letter.delete', target: id, outcome: deleted ? 'deleted' : 'missing' });
    if (!deleted) throw new HttpError(404, `no dead-letter entry ${id}`);
    res.json({ id, deleted: true } satisfies DeleteReport);
  });
}
