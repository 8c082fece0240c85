import type { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  ReleaseRequest,
  type ErrorBody,
  type HeldEntity,
  type HoldList,
  type ReleaseReport,
} from '@ripio-webhooks/contracts';
import { ENTITY_KINDS } from '@ripio-webhooks/schemas';
import { audit } from './audit.js';
import { HttpError, parse } from './http-error.js';
import { contextOf } from './identity.js';
import type { ReleaseAnswer, ReleaseInput } from './release-hold.js';

/** The store operations the hold routes use. */
export interface HoldStores {
  /** Every entity on hold (the index, checked). */
  listHolds(): Promise<HeldEntity[]>;
  releaseHold(input: ReleaseInput): Promise<ReleaseAnswer>;
}

const Kind = z.enum(ENTITY_KINDS);
const Id = z.string().min(1).max(1024);

/**
 * Holds: GET /holds lists the entities on hold; POST /entities/:kind/:id/release releases one (the blocker the
 * operator saw, with a reason; 404 when the entity is not on hold, 409 when another event blocks it).
 */
export function holdRoutes(router: Router, stores: HoldStores, logger: Logger): void {
  router.get('/holds', async (_req, res) => {
    res.json({ holds: await stores.listHolds() } satisfies HoldList);
  });

  router.post('/entities/:kind/:id/release', async (req, res) => {
    const kind = parse(Kind, req.params.kind, 'kind');
    const id = parse(Id, req.params.id, 'id');
    const body = parse(ReleaseRequest, req.body ?? {}, 'release');
    const operator = contextOf(req).identity.operator;
    const answer = await stores.releaseHold({ kind, id, ...body, operator });
    logger.info({ kind, id, ...body, operator, outcome: answer.outcome }, 'hold release');
    await audit(req, {
      action: 'hold.release',
      target: `${kind}/${id}`,
      outcome: answer.outcome,
      details: { eventKey: body.eventKey, action: body.action },
    });
    switch (answer.outcome) {
      case 'released':
        res.json(answer satisfies ReleaseReport);
        return;
      case 'not_on_hold':
        throw new HttpError(404, `${kind} ${id} is not on hold`);
      case 'not_blocker':
        res.status(409).json({
          error: `${kind} ${id} is held by ${answer.blocker}, not ${body.eventKey}`,
          blocker: answer.blocker,
        } satisfies ErrorBody);
        return;
      default: {
        const unreachable: never = answer;
        throw new Error(`unknown release answer ${JSON.stringify(unreachable)}`);
      }
    }
  });
}
