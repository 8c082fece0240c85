import { Reason } from '@ripio-webhooks/contracts';
import type { Request } from 'express';
import { contextOf } from './identity.js';
import { HttpError, parse } from './http-error.js';

/** What a write route reports to the audit log: its action, what it touched and how it ended. */
export interface AuditedAction {
  /** A dotted name: `dead-letter.delete`, `hold.release`, `queue.pause`, ... */
  action: string;
  /** What it touched: an entry id, `<kind>/<id>`, a queue, an operator, a filter. */
  target: string;
  outcome: string;
  details?: Record<string, unknown>;
}

/** The request's `reason`: from the JSON body, else the query string (a DELETE usually has no body). */
function givenReason(req: Request): unknown {
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null && 'reason' in body) return body.reason;
  return req.query.reason;
}

/** The reason sent with a write, or null; a present but invalid reason is a 400. */
function reasonOf(req: Request): string | null {
  const given = givenReason(req);
  return given === undefined || given === '' ? null : parse(Reason, given, 'reason');
}

/** The reason a write must carry (delete, release): 400 without it. Call before acting. */
export function requireReason(req: Request): string {
  const reason = reasonOf(req);
  if (reason === null) throw new HttpError(400, 'a reason is required (`reason` in the body or the query)');
  return reason;
}

/**
 * Records one state-changing action of the request's operator, with the request's reason, in the audit log: the
 * one line every write route has. Call it once the store answered, before answering the client.
 */
export async function audit(req: Request, done: AuditedAction): Promise<void> {
  const { identity, audit: log } = contextOf(req);
  await log.record({
    at: new Date(),
    operator: identity.operator,
    role: identity.role,
    via: identity.via,
    reason: reasonOf(req),
    ...done,
  });
}
