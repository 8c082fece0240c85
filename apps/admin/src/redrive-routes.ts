import { audit } from './audit.js';
import { contextOf } from './identity.js';
import type { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  CreateRedriveRequest,
  type Redrive,
  type RedriveDetail,
  type RedriveDryRun,
  type RedriveFilter,
  type RedriveList,
} from '@ripio-webhooks/contracts';
import { HttpError, parse } from './http-error.js';

/** What the re-drive routes need (over the event log and the `redrives` queue; see redrive-stores.ts). */
export interface RedriveStores {
  dryRun(filter: RedriveFilter): Promise<RedriveDryRun>;
  /** Records the re-drive and queues its job. */
  create(input: z.output<typeof CreateRedriveRequest> & { requestedBy: string | null }): Promise<Redrive>;
  list(): Promise<Redrive[]>;
  get(id: string): Promise<RedriveDetail | undefined>;
  cancel(
    id: string,
  ): Promise<{ outcome: 'cancelled' | 'finished'; redrive: Redrive } | { outcome: 'missing' }>;
}

const Id = z.string().regex(/^\d{1,18}$/, 'a re-drive id is a number');

/** Who asked: the admin token is the one operator identity the API knows. */

/**
 * Re-drives (they need the event log, EVENT_LOG=postgres): POST /redrives answers a dry run (count and sample,
 * nothing written) or creates and queues one (201); GET /redrives lists them; GET /redrives/:id shows one with
 * its progress and latest runs; POST /redrives/:id/cancel cancels it (409 when it is already over).
 */
export function redriveRoutes(router: Router, stores: RedriveStores | undefined, logger: Logger): void {
  const redrives = (): RedriveStores => {
    if (stores === undefined) {
      throw new HttpError(404, 're-drives need the event log: set EVENT_LOG=postgres and DATABASE_URL');
    }
    return stores;
  };

  router.post('/redrives', async (req, res) => {
    const body = parse(CreateRedriveRequest, req.body ?? {}, 'redrive');
    if (body.dryRun) {
      res.json((await redrives().dryRun(body.filter)) satisfies RedriveDryRun);
      return;
    }
    const created = await redrives().create({ ...body, requestedBy: contextOf(req).identity.operator });
    logger.info({ redriveId: created.id, filter: body.filter, reason: body.reason }, 're-drive created');
    await audit(req, { action: 'redrive.create', target: created.id, outcome: created.state });
    res.status(201).json(created satisfies Redrive);
  });

  router.get('/redrives', async (_req, res) => {
    res.json({ redrives: await redrives().list() } satisfies RedriveList);
  });

  router.get('/redrives/:id', async (req, res) => {
    const id = parse(Id, req.params.id, 'id');
    const redrive = await redrives().get(id);
    if (redrive === undefined) throw new HttpError(404, `no re-drive ${id}`);
    res.json(redrive satisfies RedriveDetail);
  });

  router.post('/redrives/:id/cancel', async (req, res) => {
    const id = parse(Id, req.params.id, 'id');
    const answer = await redrives().cancel(id);
    logger.info({ redriveId: id, outcome: answer.outcome }, 're-drive cancel');
    await audit(req, { action: 'redrive.cancel', target: id, outcome: answer.outcome });
    if (answer.outcome === 'missing') throw new HttpError(404, `no re-drive ${id}`);
    if (answer.outcome === 'finished') {
      throw new HttpError(409, `re-drive ${id} is already ${answer.redrive.state}`);
    }
    res.json(answer.redrive satisfies Redrive);
  });
}
