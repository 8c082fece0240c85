import { checkIntakeProof } from '@ripio-webhooks/core';
import { catalogEntryOf, UNKNOWN_JOB_NAME } from '@ripio-webhooks/schemas';
import type { EventJobData } from '@ripio-webhooks/store';
import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import type { UnsignedJobOutcome } from '../outcome.js';
import type { ProcessorSettings } from './deps.js';
import { end, iso, next, type Step } from './step.js';

/**
 * The first step of every attempt: the job must carry proof that a receiver verified it, the receiver's MAC over
 * its body, event key and receipt time (any INTAKE_PROOF_KEYS key), or else Ripio's signature header over its
 * body (when the worker holds RIPIO_WEBHOOK_SECRETS). A job without it ends here as `unsigned`, before its body
 * is parsed: anyone who can write to Redis can add jobs, and none of theirs may reach a handler or an entity.
 */
export function verifyStep(
  deps: { settings: Pick<ProcessorSettings, 'intakeProof'>; logger: Logger; now: () => number },
  job: Pick<Job<EventJobData>, 'id' | 'name' | 'data'>,
): Step<EventJobData, UnsignedJobOutcome> {
  const data: unknown = job.data;
  const check = checkIntakeProof(data, deps.settings.intakeProof);
  switch (check.outcome) {
    case 'valid':
      if (check.by === 'ripio_signature') {
        deps.logger.warn(
          { jobId: job.id, eventKey: job.data.eventKey },
          "receiver MAC did not verify with INTAKE_PROOF_KEYS; accepted on Ripio's signature",
        );
      }
      return next(job.data);
    case 'unsigned':
      return end({
        outcome: 'unsigned',
        name: catalogEntryOf(job.name)?.eventType ?? UNKNOWN_JOB_NAME,
        error: `unsigned job (${check.reason}): ${check.detail}`,
        attemptsMade: 0,
        job: fileable(data, job.id, iso(deps.now())),
      });
    default: {
      const unreachable: never = check;
      throw new Error(`unknown proof check ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * An unsigned job's data as its dead-letter entry keeps it: as found (its proof too, as evidence), with the
 * fields a listing needs filled in where they are missing or not strings.
 */
function fileable(data: unknown, jobId: string | undefined, nowIso: string): EventJobData {
  const found = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  // Failure and replay times are the worker's and the dead-letter entry's own, never the job's.
  const { firstFailedAt: _firstFailedAt, replayedAt: _replayedAt, ...kept } = found;
  const text = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);
  return {
    ...kept,
    rawBody: text(found.rawBody, JSON.stringify(data) ?? ''),
    bodySha256: text(found.bodySha256, ''),
    receivedAt: text(found.receivedAt, nowIso),
    eventKey: text(found.eventKey, `unsigned|${jobId ?? nowIso}`),
    requestId: text(found.requestId, ''),
    eventType: typeof found.eventType === 'string' ? found.eventType : null,
  } as EventJobData;
}
